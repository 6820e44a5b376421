"""CompositionSpec parsing: what a caller gets back for good and bad JSON."""

from __future__ import annotations

import copy
import json

import pytest

from production.rendering import CompositionSpec, SpecError

VALID = {
    "inputs": [{"asset": 1, "trim_in": 0.5, "trim_out": 1.5, "volume": 0.8}, {"asset": 2, "loop": True}],
    "layout": {"kind": "stacked", "fit": "contain"},
    "output": {"platform": "youtube_shorts", "resolution": "720p"},
    "duration": 10,
    "audio": {
        "keep_input_audio": [0],
        "music": {"asset": 3, "volume": 0.4, "fade_in": 1, "fade_out": 2},
        "voice_over": {"asset": 4, "delay": 0.5},
        "loudness": -16,
    },
    "text": {
        "captions": {"lines": [{"start": 0, "end": 1.5, "text": "Hi"}], "style": {"color": "yellow"}},
        "title": {"text": "New drop"},
        "call_to_action": {"text": "Follow for more", "duration": 2},
        "logo": {"asset": 5, "corner": "top_left", "opacity": 0.5},
    },
}


def with_change(path: str, value: object) -> dict:
    """VALID with one field replaced; `path` is dotted, list items by index."""
    data = copy.deepcopy(VALID)
    *parents, last = path.split(".")
    target: object = data
    for key in parents:
        target = target[int(key)] if isinstance(target, list) else target[key]  # type: ignore[index]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value  # type: ignore[index]
    return data


def test_valid_spec_round_trips_through_json():
    spec = CompositionSpec.from_dict(VALID)

    again = CompositionSpec.from_dict(json.loads(json.dumps(spec.to_dict())))

    assert again == spec
    assert spec.output.size == (720, 1280)
    assert spec.text.captions.style.color == "#FFE000"
    assert spec.asset_ids() == {1, 2, 3, 4, 5}


def test_defaults_fill_a_minimal_spec():
    spec = CompositionSpec.from_dict({"inputs": [{"asset": 1}]})

    assert spec.layout.kind == "single"
    assert spec.output.platform == "tiktok"
    assert spec.output.size == (1080, 1920)
    assert spec.output.frame_rate == 30
    assert spec.audio.loudness == -14
    assert spec.duration is None


def test_layout_may_be_given_as_a_name():
    spec = CompositionSpec.from_dict({"inputs": [{"asset": 1}, {"asset": 2}], "layout": "side_by_side"})

    assert spec.layout.kind == "side_by_side"


def test_youtube_preset_is_landscape():
    spec = CompositionSpec.from_dict({"inputs": [{"asset": 1}], "output": {"platform": "youtube"}})

    assert spec.output.size == (1920, 1080)
    assert spec.output.max_duration == 43200


@pytest.mark.parametrize(
    ("path", "value", "error_path"),
    [
        ("layout", {"kind": "grid"}, "layout.kind"),
        ("layout", {"kind": "single", "fit": "stretch"}, "layout.fit"),
        ("layout", {"kind": "picture_in_picture", "corner": "middle"}, "layout.corner"),
        ("layout", {"kind": "picture_in_picture", "inset_size": 0.9}, "layout.inset_size"),
        ("layout", {"kind": "picture_in_picture", "border_width": -1}, "layout.border_width"),
        ("layout", {"kind": "picture_in_picture", "border_color": "ultraviolet"}, "layout.border_color"),
        ("layout", {"kind": "sequence", "transition": {"kind": "spin"}}, "layout.transition.kind"),
        ("layout", {"kind": "sequence", "transition": {"duration": 0}}, "layout.transition.duration"),
        ("layout", {"kind": "single"}, "inputs"),  # two inputs for a one-input layout
        ("output.platform", "myspace", "output.platform"),
        ("output.resolution", "4k", "output.resolution"),
        ("output", {"platform": None}, "output.width"),
        ("output", {"width": 181, "height": 320}, "output.width"),
        ("output", {"width": 180}, "output.height"),
        ("output", {"fps": 240}, "output.fps"),
        ("output", {"crf": 70}, "output.crf"),
        ("output", {"x264_preset": "ludicrous"}, "output.x264_preset"),
        ("duration", -1, "duration"),
        ("duration", 61, "duration"),  # youtube_shorts allows 60 s
        ("duration", "ten", "duration"),
        ("inputs", [], "inputs"),
        ("inputs", "clip.mp4", "inputs"),
        ("inputs.0", {"trim_in": 1}, "inputs.0.asset"),
        ("inputs.0", {"asset": "/etc/passwd"}, "inputs.0.asset"),
        ("inputs.0", {"asset": True}, "inputs.0.asset"),
        ("inputs.0", {"asset": 1, "trim_in": 2, "trim_out": 1}, "inputs.0.trim_out"),
        ("inputs.0", {"asset": 1, "trim_in": -1}, "inputs.0.trim_in"),
        ("inputs.0", {"asset": 1, "loop": True, "trim_out": 1}, "inputs.0.loop"),
        ("inputs.0", {"asset": 1, "volume": 1e9}, "inputs.0.volume"),
        ("inputs.0", {"asset": 1, "speed": 0}, "inputs.0.speed"),
        ("inputs.0", {"asset": 1, "mute": "yes"}, "inputs.0.mute"),
        ("inputs.0", {"asset": 1, "colour": "red"}, "inputs.0.colour"),
        ("audio.keep_input_audio", [5], "audio.keep_input_audio"),
        ("audio.music", {"volume": 0.5}, "audio.music.asset"),
        ("audio.music", {"asset": 3, "fade_in": -2}, "audio.music.fade_in"),
        ("audio.voice_over", {"asset": 0}, "audio.voice_over.asset"),
        ("audio.loudness", 3, "audio.loudness"),
        ("text.captions", {"lines": []}, "text.captions.lines"),
        ("text.captions", {}, "text.captions"),
        ("text.captions", {"srt": "x", "lines": []}, "text.captions"),
        ("text.captions", {"srt": "not subtitles"}, "text.captions.srt"),
        ("text.captions", {"ass": "[Script Info]"}, "text.captions.ass"),
        ("text.captions", {"lines": [{"start": 2, "end": 1, "text": "x"}]}, "text.captions.lines.0.end"),
        ("text.captions", {"lines": [{"start": 0, "end": 1, "text": " "}]}, "text.captions.lines.0.text"),
        (
            "text.captions",
            {"lines": [{"start": 0, "end": 1, "text": "x"}], "style": {"font": "Comic"}},
            "text.captions.style.font",
        ),
        (
            "text.captions",
            {"lines": [{"start": 0, "end": 1, "text": "x"}], "style": {"position": "left"}},
            "text.captions.style.position",
        ),
        ("text.title", {"text": ""}, "text.title.text"),
        ("text.title", {"text": "x", "start": 3, "end": 2}, "text.title.end"),
        ("text.call_to_action", {"text": "Buy", "duration": 0}, "text.call_to_action.duration"),
        ("text.logo", {"asset": 5, "opacity": 1.5}, "text.logo.opacity"),
        ("text.logo", {"asset": 5, "corner": "center"}, "text.logo.corner"),
        ("version", 2, "version"),
    ],
)
def test_bad_field_is_reported_at_its_path(path, value, error_path):
    with pytest.raises(SpecError) as caught:
        CompositionSpec.from_dict(with_change(path, value))

    assert error_path in caught.value.fields, caught.value.fields
    assert error_path in str(caught.value)


def test_every_bad_field_is_reported_at_once():
    data = with_change("duration", -5)
    data["layout"] = {"kind": "stacked", "corner": "nowhere"}
    data["inputs"][1] = {"asset": 2, "speed": 100}

    with pytest.raises(SpecError) as caught:
        CompositionSpec.from_dict(data)

    assert set(caught.value.fields) == {"duration", "layout.corner", "inputs.1.speed"}
    assert isinstance(caught.value, ValueError)


def test_not_an_object_is_a_spec_error():
    with pytest.raises(SpecError) as caught:
        CompositionSpec.from_dict(["inputs"])

    assert "spec" in caught.value.fields


def test_srt_and_ass_captions_are_read():
    srt = "1\n00:00:00,500 --> 00:00:01,250\nFirst line\n\n2\n00:00:02,000 --> 00:00:03,000\nSecond\n"
    ass = (
        "[Script Info]\nScriptType: v4.00+\n\n[Events]\n"
        "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
        "Dialogue: 0,0:00:00.00,0:00:01.50,Default,,0,0,0,,{\\b1}Bold, with comma\n"
    )
    from production.rendering.text import caption_lines

    from_srt = CompositionSpec.from_dict(with_change("text.captions", {"srt": srt}))
    from_ass = CompositionSpec.from_dict(with_change("text.captions", {"ass": ass}))

    assert [(c.start, c.end, c.text) for c in caption_lines(from_srt.text.captions)] == [
        (0.5, 1.25, "First line"),
        (2.0, 3.0, "Second"),
    ]
    assert [c.text for c in caption_lines(from_ass.text.captions)] == ["Bold, with comma"]
