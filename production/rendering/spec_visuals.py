"""Input options for pictures: Ken Burns motion, and generated cards that need no asset."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .fields import FieldReader, join
from .spec_text import TEXT_POSITIONS

MOTION_KINDS = ("ken_burns",)
ZOOM_DIRECTIONS = ("in", "out", "none")  # none: the same zoom all along, for a pan alone
PANS = ("none", "left", "right", "up", "down")
GRADIENTS = ("diagonal", "vertical", "horizontal")
DEFAULT_CARD_COLOURS = ("#1E3C72", "#2A5298")
MAX_CARD_TEXT = 200
MAX_CARD_COLOURS = 4


@dataclass
class MotionSpec:
    """Ken Burns: the view moves over the picture while it is on screen.

    `zoom` is how much closer the view is at its closest (1.15 = 15 % closer). `direction`
    in: from the whole picture to the close view; out: the reverse; none: close all along.
    `pan` is the way the view travels across the picture; it needs zoom room to travel in.
    """

    kind: str = "ken_burns"
    zoom: float = 1.15
    direction: str = "in"
    pan: str = "none"

    @classmethod
    def parse(cls, r: FieldReader, data: Any, path: str) -> MotionSpec:
        if isinstance(data, str):  # shorthand: "motion": "ken_burns"
            data = {"kind": data}
        data = r.fields_of(cls, data, path)
        spec = cls(
            kind=r.choice(data, "kind", path, "ken_burns", MOTION_KINDS),
            zoom=r.number(data, "zoom", path, 1.15, minimum=1, maximum=2, exclusive_minimum=True),
            direction=r.choice(data, "direction", path, "in", ZOOM_DIRECTIONS),
            pan=r.choice(data, "pan", path, "none", PANS),
        )
        if spec.direction == "none" and spec.pan == "none":
            r.add(join(path, "pan"), "is required when direction is none (otherwise nothing moves)")
        return spec


@dataclass
class CardSpec:
    """A generated picture: a colour gradient with a key phrase in big bold text."""

    text: str
    colors: list[str] = field(default_factory=lambda: list(DEFAULT_CARD_COLOURS))  # 1 = a plain colour
    gradient: str = "diagonal"  # the way the colours run
    text_color: str = "#FFFFFF"
    size: int = 120  # pixels at 1080 wide; smaller when the phrase would not fit the safe area
    position: str = "middle"  # of the safe area; "top" keeps the middle free for an end card
    duration: float | None = None  # seconds on screen: shorthand for the input's `duration`

    @classmethod
    def parse(cls, r: FieldReader, data: Any, path: str) -> CardSpec:
        if isinstance(data, str):  # shorthand: "card": "Grind fresh"
            data = {"text": data}
        data = r.fields_of(cls, data, path)
        text = r.text(data, "text", path, None, max_length=MAX_CARD_TEXT, required=True) or ""
        return cls(
            text=" ".join(text.split()),
            colors=_parse_colours(r, data, path),
            gradient=r.choice(data, "gradient", path, "diagonal", GRADIENTS),
            text_color=r.colour(data, "text_color", path, "#FFFFFF"),
            size=r.number(data, "size", path, 120, minimum=8, maximum=400, integer=True),
            position=r.choice(data, "position", path, "middle", TEXT_POSITIONS),
            duration=r.number(data, "duration", path, None, minimum=0, maximum=3600, exclusive_minimum=True),
        )


def _parse_colours(r: FieldReader, data: Any, path: str) -> list[str]:
    if data.get("colors") is None:
        return list(DEFAULT_CARD_COLOURS)
    raw = r.items(data, "colors", path, max_items=MAX_CARD_COLOURS)
    where = join(path, "colors")
    if not raw:
        if isinstance(data.get("colors"), list):
            r.add(where, "must have at least one colour")
        return list(DEFAULT_CARD_COLOURS)
    # Each colour is reported at its own place: "inputs.3.card.colors.1".
    return [r.colour({str(index): value}, str(index), where, "#000000") for index, value in enumerate(raw)]
