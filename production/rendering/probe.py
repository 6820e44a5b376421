"""Read duration, size, frame rate and streams of a media file with the bundled ffmpeg.

imageio-ffmpeg ships no ffprobe, so this parses the stream summary `ffmpeg -i` prints.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg

_DURATION = re.compile(r"Duration: (\d+):(\d+):(\d+(?:\.\d+)?)")
_VIDEO = re.compile(r"Stream #\S+.*?: Video: .*?(?<![0-9])(\d{2,5})x(\d{2,5})(?![0-9])")
_FPS = re.compile(r"(\d+(?:\.\d+)?) fps")
_AUDIO = re.compile(r"Stream #\S+.*?: Audio: ")


class ProbeError(RuntimeError):
    pass


@dataclass(frozen=True)
class MediaInfo:
    duration: float | None
    width: int | None
    height: int | None
    fps: float | None
    has_video: bool
    has_audio: bool


def probe(path: str | Path, *, timeout: float = 30) -> MediaInfo:
    completed = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path)],
        capture_output=True,
        text=True,
        errors="replace",
        timeout=timeout,
    )
    # Without an output file ffmpeg always exits 1; the summary on stderr is what we want.
    return parse_summary(completed.stderr, path)


def parse_summary(text: str, path: str | Path = "") -> MediaInfo:
    duration_match = _DURATION.search(text)
    video_line = next((line for line in text.splitlines() if _VIDEO.search(line)), None)
    if duration_match is None and video_line is None and not _AUDIO.search(text):
        tail = text.strip().splitlines()[-1:] or ["no output"]
        raise ProbeError(f"{path}: not a readable media file ({tail[0]})")
    duration = None
    if duration_match:
        hours, minutes, secs = duration_match.groups()
        duration = int(hours) * 3600 + int(minutes) * 60 + float(secs)
    width = height = fps = None
    if video_line:
        size = _VIDEO.search(video_line)
        assert size is not None
        width, height = int(size.group(1)), int(size.group(2))
        fps_match = _FPS.search(video_line)
        fps = float(fps_match.group(1)) if fps_match else None
    return MediaInfo(
        duration=duration,
        width=width,
        height=height,
        fps=fps,
        has_video=video_line is not None,
        has_audio=bool(_AUDIO.search(text)),
    )
