"""Real library assets (tiny generated clips) and small specs for the pipeline tests."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from library import services as library_services
from library.probe import ffmpeg_binary

# Small output so renders take a fraction of a second on two cores.
SMALL_OUTPUT = {"platform": None, "width": 90, "height": 160, "fps": 10}


def _clip(path: Path, colour: str, seconds: float = 1.0, audio: bool = True) -> Path:
    args = ["-f", "lavfi", "-i", f"color=c={colour}:s=90x160:r=10:d={seconds}"]
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}", "-c:a", "aac", "-shortest"]
    args += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    subprocess.run([ffmpeg_binary(), "-v", "error", "-y", *args, str(path)], check=True, timeout=60)
    return path


def _tone(path: Path, seconds: float = 2.0) -> Path:
    args = ["-f", "lavfi", "-i", f"sine=frequency=330:duration={seconds}", "-c:a", "aac"]
    subprocess.run([ffmpeg_binary(), "-v", "error", "-y", *args, str(path)], check=True, timeout=60)
    return path


@pytest.fixture(scope="session")
def clip_files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pipeline-media")
    return {
        "template": _clip(folder / "template.mp4", "red"),
        "template2": _clip(folder / "template2.mp4", "yellow"),
        "hot": _clip(folder / "hot.mp4", "blue"),
        "hot2": _clip(folder / "hot2.mp4", "cyan"),
        "product": _clip(folder / "product.mp4", "green"),
        "long": _clip(folder / "long.mp4", "white", seconds=20),
        "music": _tone(folder / "music.m4a"),
    }


KINDS = {
    "template": "template",
    "template2": "template",
    "hot": "hot_video",
    "hot2": "hot_video",
    "product": "product",
    "long": "template",
    "music": "audio",
}


@pytest.fixture
def assets_for(clip_files):
    """assets_for(user) -> {"template": MediaAsset, ...} ingested through the library service."""

    def make(user, tags=("promo",)):
        return {
            name: library_services.media_asset_ingest(
                owner=user, kind=KINDS[name], path=path, title=name.title(), tags=list(tags), royalty_free=True
            )
            for name, path in clip_files.items()
        }

    return make


@pytest.fixture
def assets(assets_for, user):
    return assets_for(user)


def stacked_spec(top, bottom, **extra) -> dict:
    return {
        "inputs": [{"asset": top.pk}, {"asset": bottom.pk}],
        "layout": "stacked",
        "output": dict(SMALL_OUTPUT),
        "duration": 1,
        **extra,
    }


@pytest.fixture
def spec(assets):
    return stacked_spec(assets["template"], assets["product"])
