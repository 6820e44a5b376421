"""Helpers for renderer tests: generate tiny media, look inside rendered files."""

from __future__ import annotations

import array
import math
import subprocess
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg

from production.rendering import AssetInfo, CompositionSpec

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
OWNER = 7
SAMPLE_RATE = 48000
# Small output for most tests: a 9:16 frame that renders in a fraction of a second.
SMALL_OUTPUT = {"platform": "tiktok", "width": 180, "height": 320, "fps": 15}

RED, BLUE, GREEN, YELLOW, WHITE = (255, 0, 0), (0, 0, 255), (0, 255, 0), (255, 255, 0), (255, 255, 255)


def ffmpeg(*args: str) -> None:
    subprocess.run([FFMPEG, "-hide_banner", "-v", "error", "-y", *args], check=True)


def make_clip(path: Path, source: str, *, draw: str = "", seconds: float = 2.0, tone: int | None = None) -> Path:
    video = f"{source}:r=15:d={seconds}" + (f",{draw}" if draw else "")
    args = ["-f", "lavfi", "-i", video]
    if tone:
        args += ["-f", "lavfi", "-i", f"sine=f={tone}:d={seconds}:sample_rate={SAMPLE_RATE}"]
    args += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    args += ["-c:a", "aac", "-shortest"] if tone else []
    ffmpeg(*args, str(path))
    return path


def make_tone(path: Path, frequency: int, seconds: float) -> Path:
    ffmpeg("-f", "lavfi", "-i", f"sine=f={frequency}:d={seconds}:sample_rate={SAMPLE_RATE}", "-c:a", "aac", str(path))
    return path


@dataclass
class Library:
    """Generated assets by name, and the id -> AssetInfo mapping render() takes."""

    assets: dict[int, AssetInfo]
    ids: dict[str, int]

    def __getitem__(self, name: str) -> int:
        return self.ids[name]

    def replace(self, name: str, **changes: object) -> dict[int, AssetInfo]:
        from dataclasses import replace

        updated = dict(self.assets)
        updated[self.ids[name]] = replace(self.assets[self.ids[name]], **changes)
        return updated


def small_spec(**fields: object) -> CompositionSpec:
    """A spec on the small output; `fields` are top-level spec entries."""
    data: dict[str, object] = {"output": dict(SMALL_OUTPUT), "audio": {"loudness": None}}
    data.update(fields)
    return CompositionSpec.from_dict(data)


@dataclass
class Frame:
    width: int
    height: int
    rgb: bytes

    def pixel(self, x: int, y: int) -> tuple[int, int, int]:
        offset = (y * self.width + x) * 3
        return self.rgb[offset], self.rgb[offset + 1], self.rgb[offset + 2]

    def at(self, fx: float, fy: float) -> tuple[int, int, int]:
        """Pixel at a fraction of the width and height."""
        return self.pixel(min(self.width - 1, int(fx * self.width)), min(self.height - 1, int(fy * self.height)))


def frame_at(path: Path, seconds: float, width: int, height: int) -> Frame:
    raw = subprocess.run(
        [FFMPEG, "-v", "error", "-ss", f"{seconds}", "-i", str(path), "-frames:v", "1"]
        + ["-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        capture_output=True,
        check=True,
    ).stdout
    assert len(raw) == width * height * 3, "expected one whole frame"
    return Frame(width, height, raw)


def close_to(actual: tuple[int, int, int], expected: tuple[int, int, int], tolerance: int = 40) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


def audio_samples(path: Path) -> array.array:
    """The whole audio track as mono floats in -1..1."""
    raw = subprocess.run(
        [FFMPEG, "-v", "error", "-i", str(path), "-vn", "-ac", "1", "-ar", str(SAMPLE_RATE), "-f", "s16le", "-"],
        capture_output=True,
        check=True,
    ).stdout
    samples = array.array("h", raw)
    return array.array("f", (s / 32768 for s in samples))


def rms(samples: array.array, start: float, end: float) -> float:
    window = samples[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)]
    return math.sqrt(sum(s * s for s in window) / max(1, len(window)))


def tone_level(samples: array.array, frequency: float, start: float, end: float) -> float:
    """Amplitude of one frequency in a window (Goertzel), to follow music under a voice."""
    window = samples[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)]
    coefficient = 2 * math.cos(2 * math.pi * frequency / SAMPLE_RATE)
    previous = before = 0.0
    for sample in window:
        previous, before = sample + coefficient * previous - before, previous
    power = previous * previous + before * before - coefficient * previous * before
    return 2 * math.sqrt(max(power, 0.0)) / max(1, len(window))
