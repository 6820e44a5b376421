"""Probe media files and make thumbnails with the ffmpeg binary that imageio-ffmpeg ships.

No ffprobe is bundled, so `ffmpeg -i FILE -t 1 -f null -` does both jobs at once: its
stderr describes the container and streams, and decoding the first second proves the file
is real media rather than something with a media-looking name.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

from library.models import VIDEO_KINDS, MediaKind

THUMBNAIL_WIDTH = 320
# Containers ffmpeg reports for still images (single-frame inputs).
_IMAGE_CONTAINERS = re.compile(r"^(image2|\w+_pipe)$")

_INPUT_RE = re.compile(r"^Input #0, (?P<format>[^,\n]+(?:,[^,\n ]+)*), from ", re.MULTILINE)
_DURATION_RE = re.compile(r"Duration: (?P<h>\d+):(?P<m>\d\d):(?P<s>\d\d(?:\.\d+)?)")
_STREAM_RE = re.compile(r"^\s*Stream #0:\d+[^:]*: (?P<type>Video|Audio): (?P<rest>.*)$", re.MULTILINE)
_SIZE_RE = re.compile(r"(?<![\w])(?P<w>\d{2,5})x(?P<h>\d{2,5})(?![\w])")
_FPS_RE = re.compile(r"(?P<fps>\d+(?:\.\d+)?)(?P<k>k?) (?:fps|tbr)")
_FRAMES_RE = re.compile(r"frame=\s*(\d+)")
_ROTATION_RE = re.compile(r"rotation of (-?\d+(?:\.\d+)?) degrees")
_TIME_RE = re.compile(r"time=\s*(\d+):(\d\d):(\d\d(?:\.\d+)?)")


class ProbeError(Exception):
    """The file is not usable media; the message is for the person who sent it."""


@dataclass(frozen=True)
class ProbeResult:
    container: str
    duration_seconds: float | None
    width: int | None
    height: int | None
    fps: float | None
    video_codec: str
    audio_codec: str
    has_video: bool
    has_audio: bool
    is_still_image: bool


@cache
def ffmpeg_binary() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def _run(args: list[str]) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(
            [ffmpeg_binary(), "-hide_banner", "-nostdin", *args],
            capture_output=True,
            timeout=settings.MEDIA_FFMPEG_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise ProbeError(f"Reading the file took longer than {exc.timeout:.0f} s; it was not accepted.") from None


def _first_error_line(stderr: str) -> str:
    for line in reversed(stderr.strip().splitlines()):
        if "rror" in line or "nvalid" in line:
            return line.split("] ", 1)[-1].strip()
    return "ffmpeg could not read it"


def parse_ffmpeg_output(stderr: str) -> ProbeResult:
    """The input description ffmpeg prints before decoding, as a ProbeResult."""
    input_block = stderr.split("Stream mapping:", 1)[0].split("Output #0", 1)[0]
    format_match = _INPUT_RE.search(input_block)
    if not format_match:
        raise ProbeError(f"This is not a media file ffmpeg can read ({_first_error_line(stderr)}).")
    container = format_match.group("format")
    duration = None
    if match := _DURATION_RE.search(input_block):
        duration = int(match["h"]) * 3600 + int(match["m"]) * 60 + float(match["s"])
    width = height = fps = None
    video_codec = audio_codec = ""
    streams = list(_STREAM_RE.finditer(input_block))
    for index, stream in enumerate(streams):
        rest = stream["rest"]
        # The stream's metadata and side data run until the next stream line.
        details = input_block[stream.end() : streams[index + 1].start() if index + 1 < len(streams) else None]
        codec = rest.split(",", 1)[0].split(" ", 1)[0].strip()
        if stream["type"] == "Video":
            if "(attached pic)" in rest or video_codec:
                continue  # cover art in an audio file is not a video stream
            video_codec = codec
            if size := _SIZE_RE.search(rest):
                width, height = int(size["w"]), int(size["h"])
            if rate := _FPS_RE.search(rest):
                fps = float(rate["fps"]) * (1000 if rate["k"] else 1)
            rotation = _ROTATION_RE.search(details)
            if width and rotation and round(abs(float(rotation[1]))) % 180 == 90:
                width, height = height, width  # phones store portrait video as rotated landscape
        elif not audio_codec:
            audio_codec = codec
    is_still = bool(_IMAGE_CONTAINERS.match(container)) and bool(video_codec) and not audio_codec
    return ProbeResult(
        container=container,
        duration_seconds=None if is_still else duration,
        width=width,
        height=height,
        fps=None if is_still else fps,
        video_codec=video_codec,
        audio_codec=audio_codec,
        has_video=bool(video_codec),
        has_audio=bool(audio_codec),
        is_still_image=is_still,
    )


def probe(path: Path) -> ProbeResult:
    """Describe the file and decode its first second; ProbeError if it is not media."""
    completed = _run(["-i", str(path), "-t", "1", "-f", "null", "-"])
    stderr = completed.stderr.decode("utf-8", "replace")
    result = parse_ffmpeg_output(stderr)
    if completed.returncode != 0:
        raise ProbeError(f"The file could not be decoded ({_first_error_line(stderr)}).")
    if not result.has_video and not result.has_audio:
        raise ProbeError("The file has neither a video nor an audio stream.")
    frames = [int(n) for n in _FRAMES_RE.findall(stderr)]
    times = _TIME_RE.findall(stderr)
    decoded_video = bool(frames and frames[-1] > 0)
    decoded_audio = bool(times and any(float(s) + int(m) * 60 + int(h) * 3600 > 0 for h, m, s in times))
    if (result.has_video and not decoded_video) or (not result.has_video and not decoded_audio):
        raise ProbeError("The file's streams could not be decoded: it is damaged or incomplete.")
    return result


def check_fits_kind(result: ProbeResult, kind: str) -> None:
    """Raise ProbeError when the streams do not fit what the asset is meant to be."""
    label = MediaKind(kind).label.lower()
    if kind in (MediaKind.AUDIO, MediaKind.VOICE_OVER):
        if not result.has_audio:
            raise ProbeError(f"A {label} needs an audio stream, and this file has none.")
    elif kind == MediaKind.IMAGE:
        if not result.is_still_image:
            raise ProbeError("An image must be a still picture (PNG, JPEG, WebP…); this file is a video or audio.")
    elif kind in VIDEO_KINDS:
        if not result.has_video:
            raise ProbeError(f"A {label} needs a video stream, and this file has none.")
        if result.is_still_image:
            raise ProbeError(f"A {label} must be a video; this file is a still image (use the Image kind).")
    max_duration = settings.MEDIA_MAX_DURATION_SECONDS
    if result.duration_seconds and result.duration_seconds > max_duration:
        raise ProbeError(
            f"The file lasts {result.duration_seconds:.0f} s; the limit is {max_duration} s "
            "(MEDIA_MAX_DURATION_SECONDS)."
        )


def make_thumbnail(source: Path, target: Path, result: ProbeResult) -> None:
    """A JPEG THUMBNAIL_WIDTH px wide from 1 s in (or the middle of a shorter clip)."""
    seek: list[str] = []
    if not result.is_still_image and result.duration_seconds:
        at = 1.0 if result.duration_seconds >= 2 else result.duration_seconds / 2
        seek = ["-ss", f"{at:.3f}"]
    completed = _run(
        [
            *seek,
            "-i",
            str(source),
            "-frames:v",
            "1",
            "-vf",
            f"scale={THUMBNAIL_WIDTH}:-2:flags=bicubic",
            "-q:v",
            "4",
            "-y",
            str(target),
        ]
    )
    if completed.returncode != 0 or not target.exists() or target.stat().st_size == 0:
        stderr = completed.stderr.decode("utf-8", "replace")
        raise ProbeError(f"No picture could be taken from the file ({_first_error_line(stderr)}).")
