"""Tiny generated media shared by the renderer tests, as library assets."""

from __future__ import annotations

from pathlib import Path

import pytest
from rendering_media import OWNER, Library, ffmpeg, make_clip, make_tone

from production.rendering import AssetInfo


@pytest.fixture(scope="session")
def library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    folder = tmp_path_factory.mktemp("media")
    red = make_clip(folder / "red.mp4", "color=red:s=64x114", tone=300)
    blue = make_clip(folder / "blue.mp4", "color=blue:s=64x114")
    green = make_clip(folder / "green.mp4", "color=0x00FF00:s=64x114", tone=700)
    # Landscape, blue with a red stripe down its left edge: only "contain" shows the stripe.
    striped = make_clip(
        folder / "striped.mp4", "color=blue:s=228x128", draw="drawbox=x=0:y=0:w=24:h=128:color=red:t=fill"
    )
    pattern = make_clip(folder / "pattern.mp4", "testsrc2=s=180x320", tone=440)
    music = make_tone(folder / "music.m4a", 500, 3.0)
    voice = make_tone(folder / "voice.m4a", 2000, 1.0)
    logo = folder / "logo.png"
    ffmpeg("-f", "lavfi", "-i", "color=white:s=40x40", "-frames:v", "1", str(logo))
    corrupt = folder / "corrupt.mp4"
    corrupt.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40)

    def video(id_: int, path: Path, kind: str, size: tuple[int, int], audio: bool) -> AssetInfo:
        return AssetInfo(id_, OWNER, kind, "ready", str(path), 2.0, *size, 15.0, audio, True, True)

    def sound(id_: int, path: Path, seconds: float, free: bool = True) -> AssetInfo:
        return AssetInfo(id_, OWNER, "audio", "ready", str(path), seconds, None, None, None, True, False, free)

    records = {
        "red": video(1, red, "template", (64, 114), True),
        "blue": video(2, blue, "hot_video", (64, 114), False),
        "green": video(3, green, "product", (64, 114), True),
        "striped": video(4, striped, "template", (228, 128), False),
        "pattern": video(5, pattern, "template", (180, 320), True),
        "music": sound(6, music, 3.0),
        "voice": sound(7, voice, 1.0),
        "logo": AssetInfo(8, OWNER, "image", "ready", str(logo), None, 40, 40, None, False, True, True),
        "corrupt": video(9, corrupt, "template", (64, 114), False),
    }
    return Library(assets={a.id: a for a in records.values()}, ids={k: a.id for k, a in records.items()})
