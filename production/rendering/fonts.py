"""Fonts shipped by a pip package, so captions render the same on every machine.

libass gets the package's folder through `fontsdir` and drawtext gets a file path; neither
may fall back to whatever fonts the host happens to have.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import font_roboto

FONT_FAMILIES = ("Roboto",)


@cache
def fonts_dir() -> Path:
    return Path(font_roboto.font_directory)


def font_file(family: str = "Roboto", *, bold: bool = False) -> Path:
    if family not in FONT_FAMILIES:
        raise ValueError(f"unknown font family {family!r}")
    path = fonts_dir() / f"{family}-{'Bold' if bold else 'Regular'}.ttf"
    if not path.is_file():
        raise FileNotFoundError(f"font file missing from the font package: {path}")
    return path
