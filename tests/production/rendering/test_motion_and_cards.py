"""Ken Burns motion over pictures, generated cards, and inputs with their own duration."""

from __future__ import annotations

import dataclasses

import pytest
from rendering_media import BLUE, OWNER, RED, SMALL_OUTPUT, WHITE, close_to, ffmpeg, frame_at, small_spec

from production.rendering import AssetInfo, CompositionSpec, SpecError, check_policy, render
from production.rendering.command import build_command

W, H = SMALL_OUTPUT["width"], SMALL_OUTPUT["height"]
PHOTO = 40
NAVY, TEAL = (0x1E, 0x3C, 0x72), (0x00, 0xA0, 0x90)


@pytest.fixture(scope="module")
def photos(tmp_path_factory, library) -> dict[int, AssetInfo]:
    """The shared library plus a detailed still image (a test pattern) as asset PHOTO."""
    path = tmp_path_factory.mktemp("photos") / "pattern.png"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=360x640", "-frames:v", "1", str(path))
    photo = AssetInfo(PHOTO, OWNER, "image", "ready", str(path), None, 360, 640, None, False, True, True)
    return {**library.assets, PHOTO: photo}


def spec_errors(**fields: object) -> dict[str, list[str]]:
    with pytest.raises(SpecError) as caught:
        CompositionSpec.from_dict({"output": dict(SMALL_OUTPUT), **fields})
    return caught.value.fields


def differing(first, second, tolerance: int = 30) -> float:
    """Share of pixels that changed between two frames."""
    changed = sum(
        1
        for y in range(0, H, 2)
        for x in range(0, W, 2)
        if not close_to(first.pixel(x, y), second.pixel(x, y), tolerance=tolerance)
    )
    return changed / ((H // 2) * (W // 2))


# --- Parsing ----------------------------------------------------------------------------------


def test_motion_and_card_defaults_are_gentle_and_readable():
    spec = CompositionSpec.from_dict(
        {"inputs": [{"asset": 3, "motion": "ken_burns"}, {"card": "Grind fresh", "duration": 2}], "layout": "sequence"}
    )

    motion, card = spec.inputs[0].motion, spec.inputs[1].card
    assert (motion.kind, motion.zoom, motion.direction, motion.pan) == ("ken_burns", 1.15, "in", "none")
    assert card.text == "Grind fresh" and card.colors == ["#1E3C72", "#2A5298"] and card.text_color == "#FFFFFF"
    assert spec.inputs[1].asset is None and spec.inputs[1].duration == 2
    assert spec.asset_ids() == {3}  # a card refers to no asset
    assert CompositionSpec.from_dict(spec.to_dict()) == spec


def test_card_duration_is_the_inputs_duration():
    spec = CompositionSpec.from_dict({"inputs": [{"card": {"text": "Grind fresh", "duration": 4}}]})

    assert spec.inputs[0].duration == 4


@pytest.mark.parametrize(
    ("clip", "field", "message"),
    [
        ({"asset": 1, "motion": {"zoom": 0.9}}, "inputs.0.motion.zoom", "more than 1"),
        ({"asset": 1, "motion": {"direction": "sideways"}}, "inputs.0.motion.direction", "must be one of"),
        ({"asset": 1, "motion": {"direction": "none"}}, "inputs.0.motion.pan", "nothing moves"),
        ({"asset": 1, "motion": {"kind": "wobble"}}, "inputs.0.motion.kind", "must be one of"),
        ({"card": {"text": " "}}, "inputs.0.card.text", "must not be empty"),
        ({"card": {}}, "inputs.0.card.text", "is required"),
        ({"card": {"text": "Hi", "colors": ["#12"]}}, "inputs.0.card.colors.0", "#RRGGBB"),
        ({"card": {"text": "Hi", "colors": []}}, "inputs.0.card.colors", "at least one"),
        ({"card": {"text": "Hi", "colors": ["red"] * 5}}, "inputs.0.card.colors", "at most 4"),
        ({"card": {"text": "Hi", "shape": "star"}}, "inputs.0.card.shape", "unknown field"),
        ({"card": {"text": "Hi"}, "asset": 2}, "inputs.0.card", "either asset or card"),
        ({"card": {"text": "Hi"}, "trim_in": 1}, "inputs.0.trim_in", "does not apply to a card"),
        ({"card": {"text": "Hi", "duration": 2}, "duration": 3}, "inputs.0.card.duration", "give one"),
        ({"asset": 1, "duration": 0}, "inputs.0.duration", "more than 0"),
        ({"trim_in": 1}, "inputs.0.asset", "is required"),
    ],
)
def test_bad_motion_and_card_fields_are_named(clip, field, message):
    errors = spec_errors(inputs=[clip])

    assert any(message in text for text in errors.get(field, [])), errors


def test_a_sequence_needs_a_duration_for_cards_and_stills(photos):
    spec = small_spec(inputs=[{"card": "One"}, {"asset": PHOTO}], layout="sequence")

    with pytest.raises(SpecError) as caught:
        build_command(spec, "/tmp/out.mp4", assets=photos)

    assert set(caught.value.fields) == {"inputs.0.duration", "inputs.1.duration"}


# --- Policy -----------------------------------------------------------------------------------


def test_a_card_is_the_creators_own_material(library):
    def youtube(second: dict) -> CompositionSpec:
        output = {"platform": "youtube_shorts", "resolution": "720p"}
        clips = [{"asset": library["blue"], "duration": 1.0}, second]  # blue is a hot video
        return CompositionSpec.from_dict({"inputs": clips, "layout": "sequence", "output": output})

    with_card = check_policy(youtube({"card": "Grind fresh", "duration": 3}), assets=library.assets, owner_id=OWNER)
    with_hot = check_policy(youtube({"asset": library["blue"], "duration": 3}), assets=library.assets, owner_id=OWNER)

    assert with_card.ok, with_card.errors
    assert with_card.original_share == pytest.approx(0.75)
    assert [(s.asset, s.kind, s.original) for s in with_card.shares] == [
        (library["blue"], "hot_video", False),
        (None, "card", True),
    ]
    assert not with_hot.ok


# --- Pictures ---------------------------------------------------------------------------------


def test_ken_burns_moves_a_still_and_a_plain_still_stays_put(tmp_path, photos):
    moving = small_spec(inputs=[{"asset": PHOTO, "motion": {"zoom": 1.3}}], duration=2.0)
    still = small_spec(inputs=[{"asset": PHOTO}], duration=2.0)

    moved = render(moving, tmp_path / "moving.mp4", assets=photos)
    held = render(still, tmp_path / "still.mp4", assets=photos)

    assert abs(moved.duration - 2.0) <= 1 / 15 and abs(held.duration - 2.0) <= 1 / 15
    # Zooming in: the first frame shows the whole picture, the last one 1/1.3 of it, enlarged.
    assert differing(frame_at(moved.path, 0.0, W, H), frame_at(moved.path, 1.9, W, H)) > 0.3
    assert differing(frame_at(held.path, 0.0, W, H), frame_at(held.path, 1.9, W, H)) < 0.01
    # Both start from the same picture: motion begins at the whole frame.
    assert differing(frame_at(moved.path, 0.0, W, H), frame_at(held.path, 0.0, W, H)) < 0.05


def test_ken_burns_pan_travels_the_way_it_says(tmp_path, photos):
    # A constant zoom panning right: the picture slides left under the view, at the same size.
    spec = small_spec(inputs=[{"asset": PHOTO, "motion": {"zoom": 1.5, "direction": "none", "pan": "right"}}])

    result = render(dataclasses.replace(spec, duration=2.0), tmp_path / "pan.mp4", assets=photos)

    first, last = frame_at(result.path, 0.0, W, H), frame_at(result.path, 1.9, W, H)
    row = int(H * 0.5)
    shift = _best_shift(first, last, row)
    # The view crosses (1 - 1/1.5) of the picture, seen 1.5x enlarged: (1.5 - 1) x 180 = 90 px
    # by the last frame (29 of 30 frames in at 1.9 s: 87 px). The picture moves left.
    assert 82 <= shift <= 92, shift


def _best_shift(first, last, row: int) -> int:
    """How many pixels `last` is moved left against `first` along one row (best match)."""

    def cost(shift: int) -> float:
        pairs = [(first.pixel(x + shift, row), last.pixel(x, row)) for x in range(0, W - shift)]
        return sum(sum(abs(a - b) for a, b in zip(p, q, strict=True)) for p, q in pairs) / len(pairs)

    return min(range(0, 110), key=cost)


def test_a_card_shows_its_gradient_and_its_phrase(tmp_path, library):
    card = {"text": "Grind fresh", "colors": ["#1E3C72", "#00A090"], "gradient": "vertical", "duration": 2}
    spec = small_spec(inputs=[{"card": card}])

    result = render(spec, tmp_path / "card.mp4", assets=library.assets)

    frame = frame_at(result.path, 1.0, W, H)
    assert abs(result.duration - 2.0) <= 1 / 15
    assert close_to(frame.at(0.5, 0.01), NAVY, tolerance=25)  # top: the first colour
    assert close_to(frame.at(0.5, 0.99), TEAL, tolerance=25)  # bottom: the second
    # White text in the middle of the safe area (TikTok: 8 % top, 20 % bottom, 6 % left, 14 % right).
    middle = [(x, y) for y in range(int(H * 0.3), int(H * 0.6)) for x in range(W) if close_to(frame.pixel(x, y), WHITE)]
    edges = [(x, y) for y in range(0, int(H * 0.08)) for x in range(W) if close_to(frame.pixel(x, y), WHITE)]
    assert len(middle) > 150 and not edges
    xs = [x for x, _ in middle]
    assert min(xs) >= W * 0.06 and max(xs) <= W * 0.86


def test_a_long_phrase_is_wrapped_and_shrunk_to_the_safe_area(tmp_path, library):
    text = "Extraordinarily caffeinated mornings begin with freshly ground beans"
    spec = small_spec(inputs=[{"card": {"text": text, "duration": 1}}])

    result = render(spec, tmp_path / "long.mp4", assets=library.assets)

    frame = frame_at(result.path, 0.5, W, H)
    lit = [(x, y) for y in range(H) for x in range(W) if close_to(frame.pixel(x, y), WHITE)]
    xs, ys = [x for x, _ in lit], [y for _, y in lit]
    assert lit and min(xs) >= W * 0.06 and max(xs) <= W * 0.86
    assert min(ys) >= H * 0.08 and max(ys) <= H * 0.80
    assert max(ys) - min(ys) > H * 0.12  # several lines, not one squeezed line


def test_cards_and_clips_with_a_duration_make_a_sequence(tmp_path, library):
    clips = [
        {"asset": library["red"], "duration": 1.0},  # 2 s clip cut to 1 s
        {"card": {"text": "Next", "colors": ["#00FF00"]}, "duration": 1.0},
        {"asset": library["blue"], "loop": True, "duration": 3.0},  # 2 s clip looped to 3 s
    ]
    spec = small_spec(inputs=clips, layout="sequence")

    result = render(spec, tmp_path / "seq.mp4", assets=library.assets)

    assert abs(result.duration - 5.0) <= 1 / 15
    assert close_to(frame_at(result.path, 0.5, W, H).at(0.5, 0.5), RED)
    assert close_to(frame_at(result.path, 1.5, W, H).at(0.5, 0.05), (0, 255, 0))
    assert close_to(frame_at(result.path, 4.5, W, H).at(0.5, 0.5), BLUE)


def test_a_clip_with_a_longer_duration_holds_its_last_frame(tmp_path, library):
    clips = [{"asset": library["red"], "duration": 3.0}, {"asset": library["blue"], "duration": 1.0}]
    spec = small_spec(inputs=clips, layout={"kind": "sequence", "transition": {"kind": "fade", "duration": 0.4}})

    result = render(spec, tmp_path / "held.mp4", assets=library.assets)

    assert abs(result.duration - 3.6) <= 1 / 15
    assert close_to(frame_at(result.path, 2.4, W, H).at(0.5, 0.5), RED)  # past the red clip's 2 s
    assert close_to(frame_at(result.path, 3.4, W, H).at(0.5, 0.5), BLUE)


def test_motion_works_over_cards_and_clips_too(tmp_path, photos):
    clips = [
        {"card": {"text": "Zoom", "duration": 1.5}, "motion": {"zoom": 1.4}},
        {"asset": PHOTO, "duration": 1.5, "motion": {"direction": "out", "pan": "up"}},
    ]
    spec = small_spec(inputs=clips, layout={"kind": "sequence", "transition": {"kind": "wipe", "duration": 0.3}})

    result = render(spec, tmp_path / "mixed.mp4", assets=photos)

    assert abs(result.duration - 2.7) <= 1 / 15
    first, later = frame_at(result.path, 0.0, W, H), frame_at(result.path, 1.0, W, H)
    assert differing(first, later, tolerance=60) > 0.005  # the phrase grows
