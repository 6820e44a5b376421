"""Word-timed captions: karaoke and pop groups from explicit words or a voice-over's timings."""

from __future__ import annotations

import copy

import pysubs2
import pytest
from rendering_media import OWNER, close_to, frame_at, make_clip, make_tone

from common.errors import ApplicationError
from library import services as library_services
from library.models import MediaAsset
from production.rendering import CompositionSpec, SpecError, check_policy, explain, render
from production.rendering.captions import parse_srt
from production.rendering.command import build_command
from production.services import specs

W, H = 180, 320
OUTPUT = {"platform": "tiktok", "width": W, "height": H, "fps": 25}
HIGHLIGHT = (255, 212, 0)  # the default highlight_color, #FFD400
# Word 2 starts exactly at 1.00 s; the two words are one group.
TWO_WORDS = [{"text": "ONE", "start": 0.2, "end": 0.9}, {"text": "TWO", "start": 1.0, "end": 1.8}]
CAPTION_ROWS = range(int(H * 0.55), int(H * 0.82))  # above TikTok's bottom 20%


def word_spec(library, captions: dict, **fields) -> CompositionSpec:
    data = {"inputs": [{"asset": library["blue"]}], "output": dict(OUTPUT), "audio": {"loudness": None}}
    data["text"] = {"captions": captions}
    data.update(fields)
    return CompositionSpec.from_dict(data)


def highlight_pixels(frame) -> list[tuple[int, int]]:
    return [(x, y) for y in CAPTION_ROWS for x in range(W) if close_to(frame.pixel(x, y), HIGHLIGHT, 50)]


def x_centroid(pixels: list[tuple[int, int]]) -> float:
    assert pixels, "expected highlighted caption pixels"
    return sum(x for x, _ in pixels) / len(pixels)


def differing_pixels(first, second, rows: range) -> int:
    return sum(
        1 for y in rows for x in range(first.width) if not close_to(first.pixel(x, y), second.pixel(x, y), tolerance=30)
    )


def script_events(spec: CompositionSpec, library, tmp_path) -> list[pysubs2.SSAEvent]:
    command = build_command(spec, tmp_path / "out.mp4", assets=library.assets)
    script = command.files[tmp_path / ".out.mp4.work" / "captions.ass"]
    return list(pysubs2.SSAFile.from_string(script).events)


# --- Parsing --------------------------------------------------------------------------------

VALID = {"inputs": [{"asset": 1}], "text": {"captions": {"words": copy.deepcopy(TWO_WORDS)}}}


def captions_with(**changes: object) -> dict:
    data = copy.deepcopy(VALID)
    data["text"]["captions"].update(changes)
    return data


@pytest.mark.parametrize(
    ("captions", "error_path"),
    [
        ({"lines": [{"start": 0, "end": 1, "text": "Hi"}]}, "text.captions"),  # words and lines
        ({"voice_over": {"asset": 3}}, "text.captions"),  # words and voice_over
        ({"words": [TWO_WORDS[1], TWO_WORDS[0]]}, "text.captions.words.1.start"),
        ({"words": [{"text": "Hi", "start": 1.0, "end": 1.0}]}, "text.captions.words.0.end"),
        ({"words": [{"text": "Hi", "start": 1.0}]}, "text.captions.words.0.end"),
        ({"words": [{"text": " ", "start": 0, "end": 1}]}, "text.captions.words.0.text"),
        ({"words": [{"text": "two\nlines", "start": 0, "end": 1}]}, "text.captions.words.0.text"),
        ({"words": [{"text": "x" * 101, "start": 0, "end": 1}]}, "text.captions.words.0.text"),
        ({"words": [{"text": "Hi", "start": 0, "end": 1, "colour": "red"}]}, "text.captions.words.0.colour"),
        ({"words": [{"text": "w", "start": i, "end": i + 0.5} for i in range(5001)]}, "text.captions.words"),
        ({"words": []}, "text.captions.words"),
        ({"style": {"mode": "typewriter"}}, "text.captions.style.mode"),
        ({"style": {"words_per_group": 4}}, "text.captions.style.words_per_group"),
        ({"style": {"words_per_group": 0}}, "text.captions.style.words_per_group"),
        ({"style": {"max_chars_per_line": 9}}, "text.captions.style.max_chars_per_line"),
        ({"style": {"highlight_color": "gold"}}, "text.captions.style.highlight_color"),
        ({"style": {"uppercase": "yes"}}, "text.captions.style.uppercase"),
    ],
)
def test_bad_word_captions_are_reported_at_their_field(captions, error_path):
    with pytest.raises(SpecError) as caught:
        CompositionSpec.from_dict(captions_with(**captions))

    assert error_path in caught.value.fields


@pytest.mark.parametrize(
    ("captions", "error_path"),
    [
        ({"voice_over": {}}, "text.captions.voice_over.asset"),
        ({"voice_over": {"asset": "12"}}, "text.captions.voice_over.asset"),
        # karaoke and pop need word timings; a line has none.
        ({"lines": [{"start": 0, "end": 1, "text": "Hi"}], "style": {"mode": "karaoke"}}, "text.captions.style.mode"),
    ],
)
def test_other_word_sources_are_checked(captions, error_path):
    data = copy.deepcopy(VALID)
    data["text"]["captions"] = captions

    with pytest.raises(SpecError) as caught:
        CompositionSpec.from_dict(data)

    assert error_path in caught.value.fields


def test_word_sources_default_to_karaoke_and_round_trip():
    words = CompositionSpec.from_dict(VALID)
    voice = CompositionSpec.from_dict(captions_with(words=None, voice_over={"asset": 12}))
    lines = CompositionSpec.from_dict(captions_with(words=None, lines=[{"start": 0, "end": 1, "text": "Hi"}]))

    assert words.text.captions.style.mode == "karaoke"
    assert voice.text.captions.style.mode == "karaoke"
    assert lines.text.captions.style.mode == "classic"
    assert CompositionSpec.from_dict(words.to_dict()) == words
    assert CompositionSpec.from_dict(voice.to_dict()) == voice
    # The caption's asset is loaded with the others, and the library's walker finds it.
    assert voice.asset_ids() == {1, 12}
    assert 12 in {value for _, value in specs.asset_references(voice.to_dict())}


# --- What the ASS script says ---------------------------------------------------------------


def test_karaoke_has_one_event_per_spoken_word(library, tmp_path):
    words = [
        {"text": "Hello", "start": 0.2, "end": 0.5},
        {"text": "big", "start": 0.6, "end": 0.8},
        {"text": "{world}", "start": 0.8, "end": 1.0},  # braces are text, not ASS tags
        {"text": "Again", "start": 1.2, "end": 1.3},  # 0.2 s pause: bridged
        {"text": "end", "start": 1.85, "end": 1.95},  # 0.55 s pause: the screen clears
    ]
    spec = word_spec(library, {"words": words, "style": {"uppercase": True}})

    events = script_events(spec, library, tmp_path)

    on, off = r"{\c&H00D4FF&}", r"{\c&HFFFFFF&}"
    assert [(e.start, e.end, e.text) for e in events] == [
        (200, 600, rf"{on}HELLO{off} BIG \{{WORLD\}}"),
        (600, 800, rf"HELLO {on}BIG{off} \{{WORLD\}}"),
        (800, 1200, rf"HELLO BIG {on}\{{WORLD\}}{off}"),
        (1200, 1300, f"{on}AGAIN{off}"),
        (1850, 1950, f"{on}END{off}"),
    ]


def test_groups_respect_words_per_group_and_max_chars(library, tmp_path):
    texts = ["a", "bb", "ccc", "dddd"]
    words = [{"text": text, "start": i * 0.3, "end": i * 0.3 + 0.25} for i, text in enumerate(texts)]
    spec = word_spec(library, {"words": words, "style": {"mode": "pop", "words_per_group": 2}})
    narrow = word_spec(library, {"words": words, "style": {"mode": "pop", "max_chars_per_line": 10}})
    long_word = word_spec(library, {"words": [{"text": "x" * 60, "start": 0.1, "end": 1.0}], "style": {"size": 200}})

    assert [e.text for e in script_events(spec, library, tmp_path)] == ["a bb", "ccc dddd"]
    assert [e.text for e in script_events(narrow, library, tmp_path)] == ["a bb ccc", "dddd"]
    # A word wider than the frame is never split: it is drawn smaller.
    assert script_events(long_word, library, tmp_path)[0].text.startswith(r"{\fscx")


def test_explain_shows_the_generated_script(library, tmp_path):
    command = explain(word_spec(library, {"words": TWO_WORDS}), tmp_path / "out.mp4", assets=library.assets)

    assert "subtitles=filename=" in command
    assert "captions.ass" in command
    assert "force_style" not in command  # the style is inside the script


# --- Pixels ---------------------------------------------------------------------------------


def test_highlight_moves_to_the_next_word_at_its_start(tmp_path, library):
    spec = word_spec(library, {"words": TWO_WORDS, "style": {"size": 160}}, duration=2)

    result = render(spec, tmp_path / "karaoke.mp4", assets=library.assets)

    # 25 fps: 0.96 s is the last frame before word 2 starts, 1.00 s the first one after.
    before = highlight_pixels(frame_at(result.path, 0.96, W, H))
    at_start = highlight_pixels(frame_at(result.path, 1.0, W, H))
    later = highlight_pixels(frame_at(result.path, 1.4, W, H))
    assert x_centroid(at_start) > x_centroid(before) + 25  # "TWO" is right of "ONE"
    assert x_centroid(later) == pytest.approx(x_centroid(at_start), abs=2)
    # The word not being spoken is drawn in the caption colour.
    frame = frame_at(result.path, 0.5, W, H)
    white = [x for y in CAPTION_ROWS for x in range(W) if close_to(frame.pixel(x, y), (255, 255, 255), 50)]
    assert white and sum(white) / len(white) > x_centroid(before)


def test_pop_shows_nothing_between_groups_with_a_long_gap(tmp_path, library):
    words = [{"text": "ONE", "start": 0.1, "end": 0.6}, {"text": "TWO", "start": 1.6, "end": 1.9}]
    spec = word_spec(library, {"words": words, "style": {"mode": "pop", "size": 160}}, duration=2)
    plain = render(
        word_spec(library, {"words": words}, duration=2, text={}), tmp_path / "plain.mp4", assets=library.assets
    )

    result = render(spec, tmp_path / "pop.mp4", assets=library.assets)

    def caption_shown(at: float) -> bool:
        return differing_pixels(frame_at(plain.path, at, W, H), frame_at(result.path, at, W, H), CAPTION_ROWS) > 50

    assert [caption_shown(at) for at in (0.3, 0.8, 1.2, 1.7)] == [True, False, False, True]
    assert not highlight_pixels(frame_at(result.path, 0.3, W, H))  # pop has no highlight


def test_classic_mode_draws_words_like_the_same_lines(tmp_path, library):
    words = [{"text": "Caption", "start": 0.2, "end": 0.8}, {"text": "here", "start": 0.8, "end": 1.6}]
    lines = [{"text": "Caption here", "start": 0.2, "end": 1.6}]
    style = {"size": 90}
    from_words = word_spec(library, {"words": words, "style": {**style, "mode": "classic"}}, duration=2)
    from_lines = word_spec(library, {"lines": lines, "style": style}, duration=2)

    by_words = render(from_words, tmp_path / "words.mp4", assets=library.assets)
    by_lines = render(from_lines, tmp_path / "lines.mp4", assets=library.assets)

    assert "force_style" in explain(from_lines, tmp_path / "lines.mp4", assets=library.assets)
    for at in (0.1, 1.0, 1.8):
        assert differing_pixels(frame_at(by_words.path, at, W, H), frame_at(by_lines.path, at, W, H), range(H)) == 0
    assert not highlight_pixels(frame_at(by_words.path, 1.0, W, H))
    assert parse_srt(by_words.srt_path.read_text())[0].text == "Caption here"


def test_sidecar_srt_has_one_cue_per_group(tmp_path, library):
    words = [
        {"text": "Three", "start": 0.1, "end": 0.3},
        {"text": "small", "start": 0.3, "end": 0.5},
        {"text": "words", "start": 0.5, "end": 0.7},
        {"text": "then", "start": 0.8, "end": 1.0},
        {"text": "C:\\new", "start": 1.0, "end": 1.3},
    ]
    spec = word_spec(library, {"words": words, "style": {"uppercase": True}}, duration=2)

    result = render(spec, tmp_path / "video.mp4", assets=library.assets)

    cues = [(cue.start, cue.end, cue.text) for cue in parse_srt(result.srt_path.read_text())]
    # Group times are the words' own (no bridging), the text is exactly as given.
    assert cues == [(0.1, 0.7, "Three small words"), (0.8, 1.3, "then C:\\new")]


# --- Voice-over assets ----------------------------------------------------------------------


def voice_asset(user, tmp_path, words: list[dict], kind: str = "voice_over", frequency: int = 1500) -> MediaAsset:
    # A frequency of its own per asset: the library refuses the same bytes twice.
    path = make_tone(tmp_path / f"voice-{frequency}.m4a", frequency, 2.0)
    asset = library_services.media_asset_ingest(owner=user, kind=kind, path=path, title="Voice", royalty_free=True)
    MediaAsset.objects.filter(pk=asset.pk).update(word_timings=words)  # what the studio stores
    asset.refresh_from_db()
    return asset


@pytest.fixture
def template(user, tmp_path) -> MediaAsset:
    path = make_clip(tmp_path / "template.mp4", "color=blue:s=64x114", seconds=2.0, tone=300)
    return library_services.media_asset_ingest(owner=user, kind="template", path=path, title="Template")


def test_voice_over_timings_drive_the_captions(user, tmp_path, template):
    voice = voice_asset(user, tmp_path, TWO_WORDS)
    data = {
        "inputs": [{"asset": template.pk}],
        "output": dict(OUTPUT),
        "audio": {"loudness": None, "voice_over": {"asset": voice.pk, "delay": 0.1}},
        "text": {"captions": {"voice_over": {"asset": voice.pk}, "style": {"size": 160}}},
    }
    checked = specs.check_spec(owner_id=user.pk, data=data)
    assets = specs.load_assets(ids=checked.spec.asset_ids(), workdir=tmp_path)

    result = render(checked.spec, tmp_path / "voiced.mp4", assets=assets)

    assert assets[voice.pk].words == (("ONE", 0.2, 0.9), ("TWO", 1.0, 1.8))
    # The voice starts 0.1 s into the video, and so do its words: "TWO" at 1.10 s.
    assert [(c.start, c.end, c.text) for c in parse_srt(result.srt_path.read_text())] == [(0.3, 1.9, "ONE TWO")]
    before = highlight_pixels(frame_at(result.path, 1.04, W, H))
    after = highlight_pixels(frame_at(result.path, 1.12, W, H))
    assert x_centroid(after) > x_centroid(before) + 25


def test_voice_over_without_timings_is_refused(user, tmp_path, template):
    silent = voice_asset(user, tmp_path, [])
    music = voice_asset(user, tmp_path, TWO_WORDS, kind="audio", frequency=900)
    spec_for = {
        asset.pk: {
            "inputs": [{"asset": template.pk}],
            "output": dict(OUTPUT),
            "text": {"captions": {"voice_over": {"asset": asset.pk}}},
        }
        for asset in (silent, music)
    }

    with pytest.raises(ApplicationError) as no_timings:
        specs.check_spec(owner_id=user.pk, data=spec_for[silent.pk])
    with pytest.raises(ApplicationError) as wrong_kind:
        specs.check_spec(owner_id=user.pk, data=spec_for[music.pk])

    assert f"captions: asset {silent.pk} has no word timings" in str(no_timings.value)
    assert f"captions: asset {music.pk} is audio, expected a voice-over with word timings" in str(wrong_kind.value)
    # render() without the policy check reports the same at the field.
    for asset, message in ((silent, "has no word timings"), (music, "is audio")):
        assets = specs.load_assets(ids={template.pk, asset.pk}, workdir=tmp_path)
        with pytest.raises(SpecError) as caught:
            explain(spec_for[asset.pk], tmp_path / "out.mp4", assets=assets)
        [error] = caught.value.fields["text.captions.voice_over.asset"]
        assert error.startswith(f"asset {asset.pk} {message}")


def test_out_of_order_timings_are_refused(library):
    assets = library.replace("voice", kind="voice_over", words=(("a", 0.5, 0.9), ("b", 0.2, 0.4)))
    spec = word_spec(library, {"voice_over": {"asset": library["voice"]}})

    report = check_policy(spec, assets=assets, owner_id=OWNER)

    assert report.errors == [f"captions: asset {library['voice']} has words out of order (word 2 starts before word 1)"]


def test_voice_over_kind_plays_as_voice_or_music_but_not_as_video(library):
    assets = library.replace("voice", kind="voice_over", words=(("hi", 0.1, 0.4),))
    voice = library["voice"]

    def errors(**fields) -> list[str]:
        spec = CompositionSpec.from_dict({"output": {"platform": "tiktok", "resolution": "720p"}, **fields})
        return check_policy(spec, assets=assets, owner_id=OWNER).errors

    # Policy's "audio" role: music and voice-over both take any audio kind.
    assert errors(inputs=[{"asset": library["red"]}], audio={"voice_over": {"asset": voice}}) == []
    assert errors(inputs=[{"asset": library["red"]}], audio={"music": {"asset": voice}}) == []
    assert errors(inputs=[{"asset": voice}]) == [f"input 0: asset {voice} is voice_over, expected a video or an image"]
