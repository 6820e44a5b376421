"""CompositionSpec: the declarative, JSON-serialisable description of one video.

A spec is stored as a snapshot on each queue item so a render is reproducible. It refers
to library assets by integer id only; paths are resolved at render time from `AssetInfo`.
`CompositionSpec.from_dict` validates everything that can be checked without the assets
and raises `SpecError` listing every bad field.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field
from typing import Any

from . import presets
from .errors import SpecError
from .fields import FieldReader, join
from .spec_audio import AudioSpec, MusicSpec, VoiceOverSpec
from .spec_text import (
    CORNERS,
    CallToActionSpec,
    CaptionsSpec,
    CaptionStyle,
    CaptionVoiceOverSpec,
    LogoSpec,
    TextSpec,
    TitleSpec,
)
from .spec_visuals import CardSpec, MotionSpec

SPEC_VERSION = 1
LAYOUTS = ("single", "side_by_side", "stacked", "picture_in_picture", "sequence")
# How many inputs each layout shows: (minimum, maximum).
LAYOUT_INPUTS = {
    "single": (1, 1),
    "side_by_side": (2, 2),
    "stacked": (2, 2),
    "picture_in_picture": (2, 2),
    "sequence": (2, 20),
}
FITS = ("cover", "contain")
TRANSITIONS = ("fade", "zoom", "blur", "slide", "wipe")
DIRECTIONS = ("left", "right", "up", "down")
MAX_SECONDS = presets.UNLIMITED_DURATION


@dataclass
class OutputSpec:
    """A platform preset, optionally overridden by explicit size, fps and encoder settings."""

    platform: str | None = "tiktok"
    resolution: str = "1080p"
    width: int | None = None
    height: int | None = None
    fps: int | None = None
    crf: int | None = None
    video_bitrate_kbps: int | None = None  # constrained bitrate instead of CRF
    audio_bitrate_kbps: int = 128
    x264_preset: str = presets.X264_PRESET

    @property
    def preset(self) -> presets.Preset | None:
        return presets.PRESETS.get(self.platform) if self.platform else None

    @property
    def size(self) -> tuple[int, int]:
        if self.width and self.height:
            return self.width, self.height
        assert self.preset is not None, "validated: no platform means explicit size"
        return self.preset.size(self.resolution)

    @property
    def frame_rate(self) -> int:
        if self.fps:
            return self.fps
        return self.preset.fps if self.preset else presets.DEFAULT_FPS

    @property
    def constant_rate_factor(self) -> int:
        if self.crf is not None:
            return self.crf
        return self.preset.crf if self.preset else presets.DEFAULT_CRF

    @property
    def max_duration(self) -> float:
        return self.preset.max_duration if self.preset else presets.UNLIMITED_DURATION

    @property
    def safe_area(self) -> presets.SafeArea:
        return self.preset.safe_area if self.preset else presets.NEUTRAL_SAFE_AREA

    @classmethod
    def parse(cls, r: FieldReader, data: Any, path: str) -> OutputSpec:
        data = r.fields_of(cls, data, path)
        spec = cls(
            platform=r.choice(data, "platform", path, "tiktok", presets.PLATFORMS, nullable=True),
            resolution=r.choice(data, "resolution", path, "1080p", presets.RESOLUTIONS),
            width=r.number(data, "width", path, None, minimum=16, maximum=4096, integer=True),
            height=r.number(data, "height", path, None, minimum=16, maximum=4096, integer=True),
            fps=r.number(data, "fps", path, None, minimum=1, maximum=60, integer=True),
            crf=r.number(data, "crf", path, None, minimum=0, maximum=51, integer=True),
            video_bitrate_kbps=r.number(
                data, "video_bitrate_kbps", path, None, minimum=100, maximum=50_000, integer=True
            ),
            audio_bitrate_kbps=r.number(data, "audio_bitrate_kbps", path, 128, minimum=32, maximum=320, integer=True),
            x264_preset=r.choice(data, "x264_preset", path, presets.X264_PRESET, presets.X264_PRESETS),
        )
        spec._check_size(r, path)
        return spec

    def _check_size(self, r: FieldReader, path: str) -> None:
        if (self.width is None) != (self.height is None):
            missing = "height" if self.height is None else "width"
            r.add(join(path, missing), "is required when the other dimension is set")
        if self.platform is None and self.width is None and self.height is None:
            r.add(join(path, "width"), "is required without a platform")
        # yuv420p stores colour at half resolution: odd sizes do not encode.
        for name in ("width", "height"):
            value = getattr(self, name)
            if value is not None and value % 2:
                r.add(join(path, name), "must be an even number")


@dataclass
class InputSpec:
    """One picture in the composition: a library clip or image (`asset`), or a generated `card`."""

    asset: int | None = None
    trim_in: float = 0.0
    trim_out: float | None = None
    loop: bool = False  # repeat from trim_in to the clip's end while the input lasts
    mute: bool = False
    volume: float = 1.0
    speed: float = 1.0
    # Seconds on screen. A clip that ends sooner loops (with `loop`) or holds its last frame,
    # one that runs longer is cut; a still image or card shows this long.
    duration: float | None = None
    motion: MotionSpec | None = None  # Ken Burns over the picture while it is on screen
    card: CardSpec | None = None

    @classmethod
    def parse(cls, r: FieldReader, data: Any, path: str) -> InputSpec:
        data = r.fields_of(cls, data, path)
        card, motion = data.get("card"), data.get("motion")
        spec = cls(
            asset=None if card is not None and data.get("asset") is None else r.asset_id(data, "asset", path),
            trim_in=r.number(data, "trim_in", path, 0.0, minimum=0, maximum=MAX_SECONDS),
            trim_out=r.number(data, "trim_out", path, None, minimum=0, maximum=MAX_SECONDS, exclusive_minimum=True),
            loop=r.boolean(data, "loop", path, False),
            mute=r.boolean(data, "mute", path, False),
            volume=r.number(data, "volume", path, 1.0, minimum=0, maximum=10),
            speed=r.number(data, "speed", path, 1.0, minimum=0.25, maximum=4),
            duration=r.number(data, "duration", path, None, minimum=0, maximum=MAX_SECONDS, exclusive_minimum=True),
            motion=None if motion is None else MotionSpec.parse(r, motion, join(path, "motion")),
            card=None if card is None else CardSpec.parse(r, card, join(path, "card")),
        )
        if spec.trim_out is not None and spec.trim_out <= spec.trim_in:
            r.add(join(path, "trim_out"), "must be after trim_in")
        if spec.loop and spec.trim_out is not None:
            # ffmpeg's input looping restarts at trim_in and runs to the clip's end.
            r.add(join(path, "loop"), "cannot be combined with trim_out (give duration for how long it loops)")
        if spec.card is not None:
            spec._check_card(r, path)
        return spec

    def _check_card(self, r: FieldReader, path: str) -> None:
        assert self.card is not None
        if self.asset is not None:
            r.add(join(path, "card"), "give either asset or card, not both")
        defaults = {"trim_in": 0.0, "trim_out": None, "loop": False, "speed": 1.0}
        for name, default in defaults.items():
            if getattr(self, name) != default:
                r.add(join(path, name), "does not apply to a card")
        if self.card.duration is not None:
            if self.duration is not None and self.duration != self.card.duration:
                r.add(join(path, "card.duration"), "differs from the input's duration; give one")
            self.duration = self.card.duration


@dataclass
class TransitionSpec:
    kind: str = "fade"
    duration: float = 0.5
    direction: str = "left"  # for slide and wipe

    @classmethod
    def parse(cls, r: FieldReader, data: Any, path: str) -> TransitionSpec:
        data = r.fields_of(cls, data, path)
        return cls(
            kind=r.choice(data, "kind", path, "fade", TRANSITIONS),
            duration=r.number(data, "duration", path, 0.5, minimum=0, maximum=5, exclusive_minimum=True),
            direction=r.choice(data, "direction", path, "left", DIRECTIONS),
        )


@dataclass
class LayoutSpec:
    kind: str = "single"
    fit: str = "cover"  # cover: scale and crop; contain: whole clip over a blurred copy
    inset_size: float = 0.35  # picture_in_picture: inset width as a share of the frame
    corner: str = "bottom_right"
    margin: float = 0.04  # share of the frame width
    border_width: int = 0  # pixels at 1080 wide, scaled with the output
    border_color: str = "#FFFFFF"
    transition: TransitionSpec | None = None  # sequence: between every pair; None = cut

    @classmethod
    def parse(cls, r: FieldReader, data: Any, path: str) -> LayoutSpec:
        if isinstance(data, str):  # shorthand: "layout": "stacked"
            data = {"kind": data}
        data = r.fields_of(cls, data, path)
        transition = data.get("transition")
        return cls(
            kind=r.choice(data, "kind", path, "single", LAYOUTS),
            fit=r.choice(data, "fit", path, "cover", FITS),
            inset_size=r.number(data, "inset_size", path, 0.35, minimum=0.1, maximum=0.6),
            corner=r.choice(data, "corner", path, "bottom_right", CORNERS),
            margin=r.number(data, "margin", path, 0.04, minimum=0, maximum=0.2),
            border_width=r.number(data, "border_width", path, 0, minimum=0, maximum=50, integer=True),
            border_color=r.colour(data, "border_color", path, "#FFFFFF"),
            transition=None if transition is None else TransitionSpec.parse(r, transition, join(path, "transition")),
        )


@dataclass
class CompositionSpec:
    inputs: list[InputSpec]
    layout: LayoutSpec = field(default_factory=LayoutSpec)
    output: OutputSpec = field(default_factory=OutputSpec)
    duration: float | None = None  # None = the shortest input (sequence: all clips)
    audio: AudioSpec = field(default_factory=AudioSpec)
    text: TextSpec = field(default_factory=TextSpec)
    version: int = SPEC_VERSION

    @classmethod
    def from_dict(cls, data: Any) -> CompositionSpec:
        r = FieldReader()
        data = r.fields_of(cls, data, "")
        if data.get("version", SPEC_VERSION) != SPEC_VERSION:
            r.add("version", f"must be {SPEC_VERSION}")
        spec = cls(
            inputs=_parse_inputs(r, data),
            layout=LayoutSpec.parse(r, data.get("layout", {}), "layout"),
            output=OutputSpec.parse(r, data.get("output", {}), "output"),
            duration=r.number(data, "duration", "", None, minimum=0, maximum=MAX_SECONDS, exclusive_minimum=True),
            audio=AudioSpec.parse(r, data.get("audio", {}), "audio"),
            text=TextSpec.parse(r, data.get("text", {}), "text"),
        )
        spec._check_whole(r)
        if r.errors:
            raise SpecError(r.errors)
        return spec

    def _check_whole(self, r: FieldReader) -> None:
        """Rules that tie several sections together."""
        low, high = LAYOUT_INPUTS.get(self.layout.kind, (1, 20))
        if not low <= len(self.inputs) <= high and "inputs" not in r.errors:
            wanted = str(low) if low == high else f"{low} to {high}"
            r.add("inputs", f"layout {self.layout.kind} takes {wanted} inputs, got {len(self.inputs)}")
        max_duration = self.output.max_duration
        if self.duration is not None and self.duration > max_duration:
            r.add("duration", f"must be at most {max_duration:g} s for {self.output.platform}")
        for index in self.audio.keep_input_audio or []:
            if index >= len(self.inputs):
                r.add("audio.keep_input_audio", f"input {index} does not exist")

    def to_dict(self) -> dict[str, Any]:
        return _plain(self)

    def asset_ids(self) -> set[int]:
        """Every library asset the spec refers to."""
        ids = {clip.asset for clip in self.inputs if clip.asset is not None}
        captions = self.text.captions
        timings = captions.voice_over if captions is not None else None
        for part in (self.audio.music, self.audio.voice_over, self.text.logo, timings):
            if part is not None:
                ids.add(part.asset)
        return ids


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


_SCALARS = (str, int, float, bool, type(None))


def _plain(value: Any) -> Any:
    """dataclasses.asdict without its deep copies: specs are saved in batches of thousands."""
    if isinstance(value, _SCALARS):
        return value
    if dataclasses.is_dataclass(value):
        return {name: _plain(getattr(value, name)) for name in _field_names(type(value))}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def _parse_inputs(r: FieldReader, data: Any) -> list[InputSpec]:
    if "inputs" not in data or data["inputs"] in (None, []):
        r.add("inputs", "at least one input is required")
        return []
    raw_inputs = r.items(data, "inputs", "", max_items=20)
    return [InputSpec.parse(r, raw, join("inputs", i)) for i, raw in enumerate(raw_inputs)]


__all__ = [
    "AudioSpec",
    "CallToActionSpec",
    "CaptionStyle",
    "CaptionVoiceOverSpec",
    "CaptionsSpec",
    "CardSpec",
    "CompositionSpec",
    "InputSpec",
    "LayoutSpec",
    "LogoSpec",
    "MotionSpec",
    "MusicSpec",
    "OutputSpec",
    "SpecError",
    "TextSpec",
    "TitleSpec",
    "TransitionSpec",
    "VoiceOverSpec",
]
