"""Text on screen: burned captions, sidecar .srt, title, end card, logo."""

from __future__ import annotations

from rendering_media import WHITE, close_to, frame_at, small_spec

from production.rendering import render

W, H = 180, 320
LINES = [{"start": 0.0, "end": 2.0, "text": "Caption here"}]


def differing_pixels(first, second, rows: range) -> int:
    return sum(
        1 for y in rows for x in range(first.width) if not close_to(first.pixel(x, y), second.pixel(x, y), tolerance=30)
    )


def render_text(tmp_path, library, name, text, **fields):
    spec = small_spec(inputs=[{"asset": library["blue"]}], text=text, **fields)
    return render(spec, tmp_path / name, assets=library.assets)


def test_captions_are_burned_in_above_the_platform_ui(tmp_path, library):
    plain = render_text(tmp_path, library, "plain.mp4", {})
    captioned = render_text(tmp_path, library, "captioned.mp4", {"captions": {"lines": LINES, "style": {"size": 90}}})

    before, after = frame_at(plain.path, 1.0, W, H), frame_at(captioned.path, 1.0, W, H)
    # TikTok's bottom 20% is covered by its own UI; the captions sit just above it.
    assert differing_pixels(before, after, range(int(H * 0.6), int(H * 0.8))) > 100
    assert differing_pixels(before, after, range(int(H * 0.82), H)) == 0
    assert differing_pixels(before, after, range(0, int(H * 0.5))) == 0


def test_captions_write_a_sidecar_srt(tmp_path, library):
    srt = "1\n00:00:00,000 --> 00:00:01,500\nFrom SRT, with comma\n"

    result = render_text(tmp_path, library, "video.mp4", {"captions": {"srt": srt}})

    assert result.srt_path == tmp_path / "video.srt"
    assert "From SRT, with comma" in result.srt_path.read_text()
    assert "00:00:00,000 --> 00:00:01,500" in result.srt_path.read_text()


def test_ass_captions_keep_their_own_style(tmp_path, library):
    ass = (
        "[Script Info]\nScriptType: v4.00+\nPlayResX: 180\nPlayResY: 320\n\n[V4+ Styles]\n"
        "Format: Name, Fontname, Fontsize, PrimaryColour, OutlineColour, BorderStyle, Outline, Alignment, MarginV\n"
        "Style: Default,Roboto,40,&H0000FFFF,&H00000000,1,2,8,20\n\n[Events]\n"
        "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
        "Dialogue: 0,0:00:00.00,0:00:02.00,Default,,0,0,0,,TOP\n"
    )
    plain = render_text(tmp_path, library, "plain.mp4", {})
    styled = render_text(tmp_path, library, "styled.mp4", {"captions": {"ass": ass}})

    before, after = frame_at(plain.path, 1.0, W, H), frame_at(styled.path, 1.0, W, H)
    assert differing_pixels(before, after, range(0, int(H * 0.3))) > 100  # alignment 8: top
    assert "TOP" in styled.srt_path.read_text()


def test_title_shows_only_in_its_time_window(tmp_path, library):
    plain = render_text(tmp_path, library, "plain.mp4", {})
    titled = render_text(tmp_path, library, "titled.mp4", {"title": {"text": "Big news", "end": 1.0, "size": 120}})

    top = range(0, int(H * 0.3))
    assert differing_pixels(frame_at(plain.path, 0.5, W, H), frame_at(titled.path, 0.5, W, H), top) > 100
    assert differing_pixels(frame_at(plain.path, 1.5, W, H), frame_at(titled.path, 1.5, W, H), top) == 0


def test_call_to_action_dims_the_last_seconds(tmp_path, library):
    result = render_text(tmp_path, library, "cta.mp4", {"call_to_action": {"text": "Follow", "duration": 0.6}})

    early, late = frame_at(result.path, 0.5, W, H), frame_at(result.path, 1.8, W, H)
    assert sum(early.at(0.1, 0.1)) > sum(late.at(0.1, 0.1)) + 60  # dimmed corner
    assert any(close_to(late.pixel(x, H // 2), WHITE, 60) for x in range(W))  # the text


def test_logo_sits_in_its_corner_with_its_opacity(tmp_path, library):
    opaque = render_text(tmp_path, library, "opaque.mp4", {"logo": {"asset": library["logo"], "opacity": 1.0}})
    faint = render_text(tmp_path, library, "faint.mp4", {"logo": {"asset": library["logo"], "opacity": 0.4}})

    solid, seen_through = frame_at(opaque.path, 1.0, W, H), frame_at(faint.path, 1.0, W, H)
    inside_logo = (0.85, 0.08)  # top right: 18% wide, 4% margin
    assert close_to(solid.at(*inside_logo), WHITE)
    assert not close_to(seen_through.at(*inside_logo), WHITE)
    assert seen_through.at(*inside_logo)[0] > 60  # white mixed into blue
    assert close_to(solid.at(0.1, 0.5), (0, 0, 255))
