"""Tiny real media made at test time with the bundled ffmpeg (no binary fixtures in git)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from library.probe import ffmpeg_binary

RECIPES: dict[str, list[str]] = {
    # 160x284 portrait video with a tone, 2 s
    "video.mp4": [
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=160x284:rate=25:duration=2",
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=440:duration=2",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-shortest",
    ],
    # landscape, silent, 1 s
    "landscape.mp4": [
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=284x160:rate=25:duration=1",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-pix_fmt",
        "yuv420p",
    ],
    "audio.m4a": ["-f", "lavfi", "-i", "sine=frequency=660:duration=1", "-c:a", "aac"],
    "image.png": ["-f", "lavfi", "-i", "color=c=0x5b3df5:size=120x120", "-frames:v", "1"],
}


def make_media(directory: Path, name: str, recipe: str | None = None, *, variant: int = 0) -> Path:
    """Write media file `name` using the recipe for `recipe` (default: same name).

    `variant` writes a different comment into the container so files differ by checksum.
    """
    args = list(RECIPES[recipe or name])
    if variant:
        args += ["-metadata", f"comment=variant {variant}"]
    target = directory / name
    directory.mkdir(parents=True, exist_ok=True)
    subprocess.run([ffmpeg_binary(), "-v", "error", "-y", *args, str(target)], check=True, timeout=60)
    return target
