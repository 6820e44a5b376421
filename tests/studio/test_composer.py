"""The studio's composer: scenes cut on the narration's words, captions, voice and cards, rendered for real."""

from __future__ import annotations

import array
import math
import subprocess
from pathlib import Path

import pytest

from common.errors import ApplicationError
from library.models import MediaAsset, MediaKind, MediaStatus, Orientation
from library.probe import ffmpeg_binary
from library.services import media_asset_ingest
from production.rendering import CompositionSpec, render
from production.services.specs import check_spec, load_assets
from production.studio.composer import compose_spec, part_tokens, scene_starts
from production.studio.engines import piper
from production.studio.models import VoiceOverStatus
from production.studio.services.voice_overs import voice_over_create, voice_over_make
from production.studio.visuals import SceneVisual, match_scene_visuals
from tests.media import make_media

W, H, FPS = 180, 320, 30
SAMPLE_RATE = 16000


def timed(parts: list[str], *, word: float = 0.3, gap: float = 0.1) -> list[dict]:
    """Word timings as the voice-over pipeline stores them: one per display token, in order."""
    words, clock = [], 0.2
    for part in parts:
        for token in part_tokens(part):
            words.append({"text": token, "start": round(clock, 3), "end": round(clock + word, 3)})
            clock += word + gap
        clock += 0.3  # the pause between chunks
    return words


@pytest.fixture
def clip(user):
    """A ready library row (metadata only) the composer and the policy check can read."""

    def make(kind: str = MediaKind.TEMPLATE, seconds: float | None = 2.0) -> MediaAsset:
        asset = MediaAsset.objects.create(
            owner=user,
            kind=kind,
            title=f"{kind} clip",
            status=MediaStatus.READY,
            duration_seconds=None if kind == MediaKind.IMAGE else seconds,
            width=160,
            height=284,
            has_video=True,
            orientation=Orientation.PORTRAIT,
        )
        return asset

    return make


@pytest.fixture
def voice_asset(user):
    return MediaAsset.objects.create(owner=user, kind=MediaKind.VOICE_OVER, title="Voice", status=MediaStatus.READY)


def asset_visual(index: int, asset: MediaAsset, score: float = 5.0) -> SceneVisual:
    return SceneVisual(index, asset.pk, score, "tags: test", "asset")


def card_visual(index: int) -> SceneVisual:
    return SceneVisual(index, None, 0.0, "no library match", "card")


HOOK = "Three ways to better coffee."
SCENES = [
    {"text": "First, buy fresh beans from a local roaster.", "keywords": ["coffee beans"], "seconds": 3},
    {"text": "Second, grind them right before you brew.", "keywords": ["grinder"], "seconds": 3},
    {"text": "Third, pour the water slowly and evenly.", "keywords": ["pour over"], "seconds": 3},
    {"text": "Finally, enjoy the quiet moment.", "keywords": ["quiet moment"], "seconds": 2},
]
CTA = "Follow for more coffee tips."


def compose(words, visuals, voice_id, **options):
    duration = words[-1]["end"] + 0.2
    return compose_spec(
        script_scenes=options.pop("scenes", SCENES),
        hook=options.pop("hook", HOOK),
        call_to_action=options.pop("call_to_action", CTA),
        words=words,
        voice_over_asset_id=voice_id,
        voice_over_duration=duration,
        visuals=visuals,
        **options,
    )


# --- timing -----------------------------------------------------------------------------------


def test_each_scene_starts_on_its_first_word():
    words = timed([HOOK, *(s["text"] for s in SCENES), CTA])

    starts = scene_starts(script_scenes=SCENES, hook=HOOK, call_to_action=CTA, words=words)

    # Hook: 5 words; scene 0: 8; scene 1: 7; scene 2: 7.
    assert starts == [0.0, words[5 + 8]["start"], words[5 + 8 + 7]["start"], words[5 + 8 + 7 + 7]["start"]]
    assert [words[i]["text"] for i in (13, 20, 27)] == ["Second,", "Third,", "Finally,"]


def test_words_are_counted_the_way_the_timings_count_them():
    scenes = [
        {"text": "Costs $19.99 in 2026 — fresh—always. 🔥 Wow!", "keywords": []},
        {"text": "Then this.", "keywords": []},
    ]
    words = timed(["Hi there.", *(s["text"] for s in scenes), "Bye."])

    starts = scene_starts(script_scenes=scenes, hook="Hi there.", call_to_action="Bye.", words=words)

    # Whitespace would count 8 words in scene 0; the timings hold 7 ("—" alone is no word,
    # "fresh—always." is two, the emoji rides with "Wow!").
    second = next(w for w in words if w["text"] == "Then")
    assert starts == [0.0, second["start"]]


def test_an_edited_script_still_cuts_on_the_right_words():
    voiced = [HOOK, *(s["text"] for s in SCENES), CTA]
    words = timed(voiced)
    edited = [dict(SCENES[0], text="First, buy really fresh whole beans from a local roaster."), *SCENES[1:]]

    starts = scene_starts(script_scenes=edited, hook=HOOK, call_to_action=CTA, words=words)

    by_text = {w["text"]: w["start"] for w in words}
    assert starts == [0.0, by_text["Second,"], by_text["Third,"], by_text["Finally,"]]


def test_transitions_are_centred_on_the_scene_boundaries(clip, voice_asset):
    words = timed([HOOK, *(s["text"] for s in SCENES), CTA])
    visuals = [asset_visual(i, clip()) for i in range(4)]

    spec = compose(words, visuals, voice_asset.pk, transition="slide")

    starts = [
        round(s * FPS) / FPS for s in scene_starts(script_scenes=SCENES, hook=HOOK, call_to_action=CTA, words=words)
    ]
    overlap = spec["layout"]["transition"]["duration"]
    assert spec["layout"]["transition"]["kind"] == "slide" and overlap == pytest.approx(0.4)
    lengths = [clip_["duration"] for clip_ in spec["inputs"]]
    # Clip i appears (its transition starts) at sum(lengths before it) - i x overlap = boundary - overlap / 2.
    for index in range(1, 4):
        appears = sum(lengths[:index]) - index * overlap
        assert appears == pytest.approx(starts[index] - overlap / 2, abs=0.002)
    assert sum(lengths) - 3 * overlap == pytest.approx(spec["duration"], abs=0.002)
    assert spec["duration"] == pytest.approx(words[-1]["end"] + 0.2 + 0.5, abs=1 / FPS)
    assert all(clip_["loop"] and clip_["mute"] for clip_ in spec["inputs"])


def test_the_spec_has_title_end_card_captions_voice_and_ducked_music(user, clip, voice_asset):
    words = timed([HOOK, *(s["text"] for s in SCENES), CTA])
    photo, music = clip(MediaKind.IMAGE), clip(MediaKind.AUDIO, 30.0)
    visuals = [asset_visual(0, clip()), asset_visual(1, photo), card_visual(2), asset_visual(3, clip())]

    spec = compose(words, visuals, voice_asset.pk, music_asset_id=music.pk, platform="instagram_reels")

    text = spec["text"]
    assert text["title"] == {"text": HOOK, "start": 0.0, "end": pytest.approx(words[4]["end"] + 0.4), "position": "top"}
    cta_start = words[-5]["start"]  # "Follow for more coffee tips." is five words
    assert text["call_to_action"]["text"] == CTA
    assert text["call_to_action"]["duration"] == pytest.approx(spec["duration"] - cta_start, abs=0.01)
    assert text["captions"] == {
        "voice_over": {"asset": voice_asset.pk},
        "style": {"mode": "karaoke", "words_per_group": 3, "position": "bottom", "size": 84, "outline": 5},
    }
    assert spec["audio"]["voice_over"] == {"asset": voice_asset.pk}
    assert spec["audio"]["music"]["asset"] == music.pk and spec["audio"]["duck_music"] is True
    assert spec["output"] == {"platform": "instagram_reels", "resolution": "1080p"}
    assert spec["inputs"][1]["motion"]["kind"] == "ken_burns" and "loop" not in spec["inputs"][1]
    assert spec["inputs"][2]["card"]["text"] == "Pour over"
    assert CompositionSpec.from_dict(spec).layout.kind == "sequence"


def test_a_caption_style_is_passed_through(clip, voice_asset):
    words = timed([HOOK, *(s["text"] for s in SCENES), CTA])
    style = {"mode": "pop", "uppercase": True}

    spec = compose(words, [card_visual(i) for i in range(4)], voice_asset.pk, caption_style=style, transition="none")

    assert spec["text"]["captions"]["style"] == style
    assert "transition" not in spec["layout"]


def test_scenes_too_short_to_see_are_merged(clip, voice_asset):
    scenes = [SCENES[0], {"text": "Go.", "keywords": []}, *SCENES[1:]]
    words = timed([HOOK, *(s["text"] for s in scenes), CTA], word=0.2, gap=0.05)
    clips = [clip() for _ in range(4)]
    visuals = [asset_visual(0, clips[0]), card_visual(1), *(asset_visual(i + 2, clips[i + 1]) for i in range(3))]

    spec = compose(words, visuals, voice_asset.pk, scenes=scenes)

    # "Go." would be on screen for 0.55 s: it joins its shorter neighbour ("Second, ..."),
    # whose clip stays and now starts on "Go.".
    assert [item.get("asset") for item in spec["inputs"]] == [c.pk for c in clips]
    go = next(w for w in words if w["text"] == "Go.")
    half_overlap = spec["layout"]["transition"]["duration"] / 2
    assert spec["inputs"][0]["duration"] == pytest.approx(go["start"] + half_overlap, abs=1 / FPS)


def test_youtube_keeps_two_thirds_original_by_swapping_weak_reused_clips_for_cards(user, clip, voice_asset):
    words = timed([HOOK, *(s["text"] for s in SCENES), CTA])
    hot = [clip(MediaKind.HOT_VIDEO) for _ in range(3)]
    visuals = [
        asset_visual(0, hot[0], 4.0),
        asset_visual(1, hot[1], 2.0),
        asset_visual(2, hot[2], 3.0),
        asset_visual(3, clip()),
    ]

    voice_asset.word_timings = words
    voice_asset.save(update_fields=["word_timings"])

    spec = compose(words, visuals, voice_asset.pk, platform="youtube_shorts")

    checked = check_spec(owner_id=user.pk, data=spec)  # raises when the policy says no
    assert checked.report.original_share >= 2 / 3
    kinds = ["card" if "card" in item else item["asset"] for item in spec["inputs"]]
    assert kinds[1] == "card" and kinds[3] == visuals[3].asset_id  # the weakest hot video went first


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"platform": "myspace"}, "platform"),
        ({"transition": "spin"}, "transition"),
        ({"avatar": {"asset": 1, "placement": "pip"}}, "avatar"),
        ({"visuals": []}, "visuals"),
        ({"words": []}, "voice_over"),
    ],
)
def test_what_cannot_be_composed_is_refused_readably(voice_asset, options, field):
    words = options.pop("words", timed([HOOK, *(s["text"] for s in SCENES), CTA]))
    visuals = options.pop("visuals", [card_visual(i) for i in range(4)])

    with pytest.raises(ApplicationError) as caught:
        compose_spec(
            script_scenes=SCENES,
            hook=HOOK,
            call_to_action=CTA,
            words=words,
            voice_over_asset_id=voice_asset.pk,
            voice_over_duration=12.0,
            visuals=visuals,
            **options,
        )

    assert field in caught.value.fields and caught.value.message


# --- end to end -------------------------------------------------------------------------------


def solid_clip(folder: Path, name: str, colour: str) -> Path:
    """A 2 s portrait clip of one colour with a slowly moving stripe, and a tone."""
    target = folder / name
    folder.mkdir(parents=True, exist_ok=True)
    video = f"color=c={colour}:s=160x284:r=25:d=2,drawbox=x=t*10:y=0:w=4:h=284:color=white@0.5:t=fill"
    args = ["-f", "lavfi", "-i", video, "-f", "lavfi", "-i", "sine=f=300:d=2"]
    args += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest"]
    subprocess.run([ffmpeg_binary(), "-v", "error", "-y", *args, str(target)], check=True, timeout=60)
    return target


def grey_frame(path: Path, seconds: float) -> bytes:
    raw = subprocess.run(
        [ffmpeg_binary(), "-v", "error", "-ss", f"{seconds:.3f}", "-i", str(path), "-frames:v", "1"]
        + ["-f", "rawvideo", "-pix_fmt", "gray", "-"],
        capture_output=True,
        check=True,
    ).stdout
    assert len(raw) == W * H
    return raw


def picture_change(path: Path, before: float, after: float) -> float:
    """Mean brightness change in the picture band, between the title (top) and captions (bottom)."""
    first, second = grey_frame(path, before), grey_frame(path, after)
    rows = range(int(H * 0.22), int(H * 0.6))
    return sum(abs(first[y * W + x] - second[y * W + x]) for y in rows for x in range(W)) / (len(rows) * W)


def loudness(path: Path, start: float, end: float) -> float:
    raw = subprocess.run(
        [ffmpeg_binary(), "-v", "error", "-i", str(path), "-vn", "-ac", "1", "-ar", str(SAMPLE_RATE)]
        + ["-f", "s16le", "-"],
        capture_output=True,
        check=True,
    ).stdout
    samples = array.array("h", raw)[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)]
    return math.sqrt(sum(s * s for s in samples) / max(1, len(samples))) / 32768


@pytest.mark.skipif(not piper.available(), reason="the offline Piper voice is not installed")
def test_a_voiced_script_becomes_a_video_cut_on_its_words(user, tmp_path, django_assert_max_num_queries):
    media = tmp_path / "in"
    library = {
        "beans": media_asset_ingest(
            owner=user,
            kind=MediaKind.TEMPLATE,
            path=solid_clip(media, "beans.mp4", "0x601010"),
            tags=["coffee", "beans"],
            title="Roaster",
        ),
        "grinder": media_asset_ingest(
            owner=user, kind=MediaKind.IMAGE, path=make_media(media, "grinder.png", "image.png"), tags=["grinder"]
        ),
        "pour": media_asset_ingest(
            owner=user,
            kind=MediaKind.PRODUCT,
            path=solid_clip(media, "pour.mp4", "0xE0C040"),
            tags=["pour over", "water"],
        ),
        "unrelated": media_asset_ingest(
            owner=user, kind=MediaKind.TEMPLATE, path=make_media(media, "city.mp4", "video.mp4"), tags=["city"]
        ),
    }
    voice_over = voice_over_create(owner=user, text="\n\n".join([HOOK, *(s["text"] for s in SCENES), CTA]))
    voice_over = voice_over_make(voice_over_id=voice_over.pk)
    assert voice_over.status == VoiceOverStatus.READY, voice_over.error
    voice = voice_over.asset

    with django_assert_max_num_queries(1):
        visuals = match_scene_visuals(owner=user, scenes=SCENES)
    assert [v.asset_id for v in visuals] == [library["beans"].pk, library["grinder"].pk, library["pour"].pk, None]
    spec = compose_spec(
        script_scenes=SCENES,
        hook=HOOK,
        call_to_action=CTA,
        words=voice.word_timings,
        voice_over_asset_id=voice.pk,
        voice_over_duration=voice.duration_seconds,
        visuals=visuals,
    )
    checked = check_spec(owner_id=user.pk, data=spec)
    assert checked.report.original_share == pytest.approx(1.0)
    spec["output"].update(width=W, height=H)  # small, for speed
    small = check_spec(owner_id=user.pk, data=spec).spec
    result = render(small, tmp_path / "video.mp4", assets=load_assets(ids=small.asset_ids(), workdir=tmp_path))

    # The voice, for the voice-over's whole length.
    assert result.has_audio
    assert result.duration == pytest.approx(voice.duration_seconds + 0.5, abs=2 / FPS)
    words = voice.word_timings
    assert all(loudness(result.path, w["start"], w["end"]) > 0.01 for w in words[::4])
    # The picture changes at each scene's first word ("Second,", "Third,", "Finally,"), and
    # much more across that boundary than within the scenes either side of it.
    firsts = [next(i for i, w in enumerate(words) if w["text"] == text) for text in ("Second,", "Third,", "Finally,")]
    for index in firsts:
        boundary = words[index]["start"]
        across = picture_change(result.path, boundary - 0.3, boundary + 0.3)
        within = max(
            picture_change(result.path, boundary - 0.7, boundary - 0.3),
            picture_change(result.path, boundary + 0.3, boundary + 0.7),
        )
        assert across > 20 and across > 4 * within, (words[index]["text"], across, within)
    # Word-timed captions: the sidecar has the script's words, timed.
    sidecar = result.srt_path.read_text()
    assert "roaster." in sidecar and "Finally," in sidecar and "-->" in sidecar
