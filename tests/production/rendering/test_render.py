"""render() as a caller sees it: presets, progress, failures, timeout, cancel, explain."""

from __future__ import annotations

import dataclasses
import os
import shlex
import threading
from pathlib import Path

import pytest
from rendering_media import small_spec

from production.rendering import (
    CompositionSpec,
    InvalidOutput,
    RenderCancelled,
    RenderError,
    RenderTimeout,
    SpecError,
    explain,
    probe,
    render,
)
from production.rendering.command import build_command
from production.rendering.renderer import validate_output


def leftovers(folder: Path) -> list[str]:
    """Anything render() may have left beside the output: partial files, work folders."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def ffmpeg_processes_writing(path: Path) -> list[int]:
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if str(path.parent) in cmdline and "ffmpeg" in cmdline:
            found.append(int(pid))
    return found


def long_spec(library) -> CompositionSpec:
    """Long enough at full size that it is still running when we stop it."""
    return CompositionSpec.from_dict(
        {"inputs": [{"asset": library["pattern"], "loop": True}], "duration": 120, "output": {"platform": "tiktok"}}
    )


def test_full_size_tiktok_preset(tmp_path, library):
    spec = CompositionSpec.from_dict({"inputs": [{"asset": library["red"]}], "duration": 0.5})

    result = render(spec, tmp_path / "tiktok.mp4", assets=library.assets)

    info = probe(result.path)
    assert (info.width, info.height, info.fps) == (1080, 1920, 30)
    assert abs(info.duration - 0.5) <= 1 / 30
    assert info.has_audio
    # +faststart: the index (moov) comes before the media data (mdat).
    head = result.path.read_bytes()[:4096]
    assert head.find(b"moov") != -1 and (head.find(b"mdat") == -1 or head.find(b"moov") < head.find(b"mdat"))


@pytest.mark.parametrize(
    ("platform", "size"),
    [
        ("tiktok", (720, 1280)),
        ("youtube_shorts", (720, 1280)),
        ("instagram_reels", (720, 1280)),
        ("facebook_reels", (720, 1280)),
        ("youtube", (1280, 720)),
    ],
)
def test_each_platform_preset_at_720p(tmp_path, library, platform, size):
    spec = CompositionSpec.from_dict(
        {
            "inputs": [{"asset": library["red"]}],
            "duration": 0.4,
            "output": {"platform": platform, "resolution": "720p", "x264_preset": "ultrafast"},
        }
    )

    result = render(spec, tmp_path / f"{platform}.mp4", assets=library.assets)

    assert (result.width, result.height, result.fps) == (*size, 30)
    assert abs(result.duration - 0.4) <= 1 / 30


def test_progress_only_goes_up_and_ends_at_100(tmp_path, library):
    seen: list[float] = []
    spec = small_spec(inputs=[{"asset": library["pattern"], "loop": True}], duration=8)

    render(spec, tmp_path / "out.mp4", assets=library.assets, on_progress=seen.append)

    assert seen[-1] == 100
    assert seen == sorted(seen)
    assert all(0 <= value <= 100 for value in seen)


def test_explain_is_the_command_render_runs(tmp_path, library):
    spec = small_spec(
        inputs=[{"asset": library["red"]}],
        text={"captions": {"lines": [{"start": 0, "end": 1, "text": "Hi"}]}, "title": {"text": "Hello"}},
    )

    command_line = explain(spec, tmp_path / "out.mp4", assets=library.assets)
    result = render(spec, tmp_path / "out.mp4", assets=library.assets)

    assert shlex.split(command_line) == result.command
    assert "-filter_complex" in command_line and "+faststart" in command_line
    assert leftovers(tmp_path) == []


def test_encoder_settings_follow_the_spec(tmp_path, library):
    def command_for(output: dict) -> list[str]:
        spec = CompositionSpec.from_dict({"inputs": [{"asset": library["red"]}], "output": output})
        return shlex.split(explain(spec, tmp_path / "out.mp4", assets=library.assets))

    youtube = command_for({"platform": "youtube"})
    bitrate = command_for({"platform": "tiktok", "video_bitrate_kbps": 4000, "x264_preset": "medium"})

    assert youtube[youtube.index("-crf") + 1] == "21"
    assert "-crf" not in bitrate
    assert bitrate[bitrate.index("-b:v") + 1] == "4000k"
    assert bitrate[bitrate.index("-preset") + 1] == "medium"
    for argv in (youtube, bitrate):
        assert argv[argv.index("-c:v") + 1] == "libx264"
        assert argv[argv.index("-pix_fmt") + 1] == "yuv420p"
        assert argv[argv.index("-c:a") + 1] == "aac"


def test_corrupt_input_gives_a_readable_error_and_no_file(tmp_path, library):
    spec = small_spec(inputs=[{"asset": library["corrupt"]}], duration=1)

    with pytest.raises(RenderError) as caught:
        render(spec, tmp_path / "out.mp4", assets=library.assets)

    message = str(caught.value)
    assert message.startswith("ffmpeg failed")
    assert "corrupt.mp4" in message or "Invalid data" in message
    assert len(message) < 400 and caught.value.log_tail
    assert caught.value.reason == "failed"
    assert list(tmp_path.iterdir()) == []


def test_missing_asset_is_a_spec_error(tmp_path, library):
    spec = small_spec(inputs=[{"asset": 999}])

    with pytest.raises(SpecError) as caught:
        render(spec, tmp_path / "out.mp4", assets=library.assets)

    assert caught.value.fields == {"inputs.0.asset": ["asset 999 does not exist"]}


def test_audio_asset_in_a_video_slot_is_a_spec_error(tmp_path, library):
    spec = small_spec(inputs=[{"asset": library["red"]}], audio={"music": {"asset": library["blue"]}})

    with pytest.raises(SpecError) as caught:
        render(spec, tmp_path / "out.mp4", assets=library.assets)

    assert caught.value.fields == {"audio.music.asset": [f"asset {library['blue']} has no audio"]}


def test_trim_past_the_clip_end_is_a_spec_error(tmp_path, library):
    spec = small_spec(inputs=[{"asset": library["red"], "trim_in": 5}])

    with pytest.raises(SpecError) as caught:
        render(spec, tmp_path / "out.mp4", assets=library.assets)

    assert "inputs.0.trim_in" in caught.value.fields


def test_timeout_kills_ffmpeg_and_leaves_nothing(tmp_path, library):
    output = tmp_path / "slow.mp4"

    with pytest.raises(RenderTimeout) as caught:
        render(long_spec(library), output, assets=library.assets, timeout=0.5)

    assert caught.value.reason == "timeout"
    assert "0.5 s" in str(caught.value)
    assert ffmpeg_processes_writing(output) == []
    assert list(tmp_path.iterdir()) == []


def test_cancel_stops_the_render(tmp_path, library):
    cancel = threading.Event()
    threading.Timer(0.5, cancel.set).start()
    output = tmp_path / "cancelled.mp4"

    with pytest.raises(RenderCancelled) as caught:
        render(long_spec(library), output, assets=library.assets, cancel=cancel, timeout=30)

    assert caught.value.reason == "cancelled"
    assert ffmpeg_processes_writing(output) == []
    assert list(tmp_path.iterdir()) == []


def test_output_that_does_not_match_the_spec_is_rejected(tmp_path, library):
    spec = small_spec(inputs=[{"asset": library["red"]}])
    rendered = render(spec, tmp_path / "out.mp4", assets=library.assets)
    command = build_command(spec, tmp_path / "other.mp4", assets=library.assets)
    expecting_more = dataclasses.replace(command, output=rendered.path, width=360, duration=5.0)

    with pytest.raises(InvalidOutput) as caught:
        validate_output(expecting_more)

    assert caught.value.reason == "invalid_output"
    assert "size 180x320, expected 360x320" in str(caught.value)
    assert "duration" in str(caught.value)


def test_existing_output_is_replaced_only_by_a_valid_render(tmp_path, library):
    output = tmp_path / "out.mp4"
    output.write_bytes(b"previous render")

    with pytest.raises(RenderError):
        render(small_spec(inputs=[{"asset": library["corrupt"]}], duration=1), output, assets=library.assets)

    assert output.read_bytes() == b"previous render"
