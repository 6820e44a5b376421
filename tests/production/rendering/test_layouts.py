"""Each layout, rendered for real on tiny clips: what is where on screen, and for how long."""

from __future__ import annotations

import pytest
from rendering_media import BLUE, GREEN, RED, WHITE, close_to, frame_at, small_spec

from production.rendering import render

W, H = 180, 320


def render_small(tmp_path, library, name="out.mp4", **fields):
    return render(small_spec(**fields), tmp_path / name, assets=library.assets)


def test_single_cover_fills_the_frame(tmp_path, library):
    result = render_small(tmp_path, library, inputs=[{"asset": library["red"]}])

    frame = frame_at(result.path, 1.0, W, H)
    assert (result.width, result.height, result.fps) == (W, H, 15)
    assert abs(result.duration - 2.0) <= 1 / 15
    for corner in [(0.02, 0.02), (0.98, 0.98), (0.5, 0.5)]:
        assert close_to(frame.at(*corner), RED)


def test_single_contain_shows_the_whole_clip_over_a_blurred_copy(tmp_path, library):
    clip = [{"asset": library["striped"]}]
    contain = render_small(tmp_path, library, "contain.mp4", inputs=clip, layout={"kind": "single", "fit": "contain"})
    cover = render_small(tmp_path, library, "cover.mp4", inputs=clip, layout={"kind": "single", "fit": "cover"})

    contained = frame_at(contain.path, 1.0, W, H)
    covered = frame_at(cover.path, 1.0, W, H)
    # The clip's red left edge is only visible when the whole clip is shown.
    assert close_to(contained.at(0.02, 0.5), RED)
    assert close_to(covered.at(0.02, 0.5), BLUE)
    assert close_to(contained.at(0.5, 0.5), BLUE)
    # Above the clip: its blurred copy, not black bars.
    assert close_to(contained.at(0.5, 0.1), BLUE, tolerance=80)


def test_side_by_side_puts_the_first_clip_left(tmp_path, library):
    result = render_small(
        tmp_path, library, inputs=[{"asset": library["red"]}, {"asset": library["blue"]}], layout="side_by_side"
    )

    frame = frame_at(result.path, 1.0, W, H)
    assert close_to(frame.at(0.25, 0.5), RED)
    assert close_to(frame.at(0.75, 0.5), BLUE)
    assert close_to(frame.at(0.05, 0.05), RED)
    assert close_to(frame.at(0.95, 0.95), BLUE)


def test_stacked_puts_the_first_clip_on_top(tmp_path, library):
    result = render_small(
        tmp_path, library, inputs=[{"asset": library["blue"]}, {"asset": library["green"]}], layout="stacked"
    )

    frame = frame_at(result.path, 1.0, W, H)
    assert close_to(frame.at(0.5, 0.25), BLUE)
    assert close_to(frame.at(0.5, 0.75), GREEN)


@pytest.mark.parametrize(
    ("corner", "inside", "opposite"),
    [("bottom_right", (0.8, 0.85), (0.2, 0.15)), ("top_left", (0.2, 0.15), (0.8, 0.85))],
)
def test_picture_in_picture_inset_sits_in_its_corner(tmp_path, library, corner, inside, opposite):
    layout = {"kind": "picture_in_picture", "corner": corner, "inset_size": 0.4, "border_width": 30}
    result = render_small(
        tmp_path, library, inputs=[{"asset": library["red"]}, {"asset": library["blue"]}], layout=layout
    )

    frame = frame_at(result.path, 1.0, W, H)
    assert close_to(frame.at(*inside), BLUE)
    assert close_to(frame.at(*opposite), RED)
    assert close_to(frame.at(0.5, 0.5), RED)
    # The white border frames the inset: just outside its inner edge towards the centre.
    inset_w, margin, border = 72, round(W * 0.04), 4
    if corner == "bottom_right":
        x, y = W - margin - border - inset_w - 2, H - margin - border - inset_w * H // W // 2
    else:
        x, y = margin + border + inset_w + 2, margin + border + inset_w * H // W // 2
    assert close_to(frame.pixel(x, y), WHITE, tolerance=60)


def test_sequence_lasts_the_sum_minus_the_transitions(tmp_path, library):
    clips = [{"asset": library["red"]}, {"asset": library["blue"]}, {"asset": library["green"]}]
    layout = {"kind": "sequence", "transition": {"kind": "fade", "duration": 0.5}}

    result = render_small(tmp_path, library, inputs=clips, layout=layout)

    assert abs(result.duration - (3 * 2.0 - 2 * 0.5)) <= 1 / 15
    assert close_to(frame_at(result.path, 0.5, W, H).at(0.5, 0.5), RED)
    assert close_to(frame_at(result.path, 2.5, W, H).at(0.5, 0.5), BLUE)
    assert close_to(frame_at(result.path, 4.5, W, H).at(0.5, 0.5), GREEN)
    # Half-way through the first fade the picture is a mix of both clips.
    mixed = frame_at(result.path, 1.75, W, H).at(0.5, 0.5)
    assert not close_to(mixed, RED, tolerance=30) and not close_to(mixed, BLUE, tolerance=30)


@pytest.mark.parametrize("kind", ["zoom", "blur", "slide", "wipe"])
def test_sequence_transitions_render(tmp_path, library, kind):
    clips = [{"asset": library["red"], "trim_out": 1.0}, {"asset": library["blue"], "trim_out": 1.0}]
    layout = {"kind": "sequence", "transition": {"kind": kind, "duration": 0.4}}

    result = render_small(tmp_path, library, inputs=clips, layout=layout)

    assert abs(result.duration - 1.6) <= 1 / 15
    assert close_to(frame_at(result.path, 1.4, W, H).at(0.5, 0.5), BLUE)


def test_sequence_longer_than_its_clips_holds_the_last_picture(tmp_path, library):
    clips = [{"asset": library["red"], "trim_out": 1.0}, {"asset": library["blue"], "trim_out": 1.0}]

    result = render_small(tmp_path, library, inputs=clips, layout="sequence", duration=3.0)

    assert abs(result.duration - 3.0) <= 1 / 15
    assert close_to(frame_at(result.path, 2.8, W, H).at(0.5, 0.5), BLUE)


def test_sequence_without_transition_cuts(tmp_path, library):
    clips = [{"asset": library["red"], "trim_out": 1.0}, {"asset": library["blue"], "trim_in": 1.0}]

    result = render_small(tmp_path, library, inputs=clips, layout="sequence")

    assert abs(result.duration - 2.0) <= 1 / 15
    assert close_to(frame_at(result.path, 1.2, W, H).at(0.5, 0.5), BLUE)


def test_trim_speed_and_loop_set_the_length(tmp_path, library):
    trimmed = render_small(tmp_path, library, "trim.mp4", inputs=[{"asset": library["red"], "trim_in": 0.5}])
    faster = render_small(tmp_path, library, "fast.mp4", inputs=[{"asset": library["red"], "speed": 2}])
    looped = render_small(tmp_path, library, "loop.mp4", inputs=[{"asset": library["red"], "loop": True}], duration=3.5)

    assert abs(trimmed.duration - 1.5) <= 1 / 15
    assert abs(faster.duration - 1.0) <= 1 / 15
    assert abs(looped.duration - 3.5) <= 1 / 15
    assert close_to(frame_at(looped.path, 3.2, W, H).at(0.5, 0.5), RED)


def test_shorter_clip_holds_its_last_frame_until_the_end(tmp_path, library):
    clips = [{"asset": library["red"], "trim_out": 1.0}, {"asset": library["blue"]}]

    result = render_small(tmp_path, library, inputs=clips, layout="side_by_side", duration=2.0)

    assert abs(result.duration - 2.0) <= 1 / 15
    assert close_to(frame_at(result.path, 1.8, W, H).at(0.25, 0.5), RED)


def test_still_image_can_fill_a_slot(tmp_path, library):
    clips = [{"asset": library["logo"]}, {"asset": library["blue"]}]

    result = render_small(tmp_path, library, inputs=clips, layout="stacked")

    frame = frame_at(result.path, 1.0, W, H)
    assert abs(result.duration - 2.0) <= 1 / 15
    assert close_to(frame.at(0.5, 0.25), WHITE)
