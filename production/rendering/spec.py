"""CompositionSpec: the declarative, JSON-serialisable description of one video.

A spec is stored as a snapshot on each queue item so a render is reproducible. It refers
to library assets by integer id only; paths are resolved at render time from `AssetInfo`.
`CompositionSpec.from_dict` validates everything that can be checked without the assets
and raises `SpecError` listing every bad field.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from . import presets
from .captions import CaptionLine, parse_ass_events, parse_srt
from .errors import SpecError
from .fields import FieldReader, join
from .fonts import FONT_FAMILIES

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
CORNERS = ("top_left", "top_right", "bottom_left", "bottom_right")
TRANSITIONS = ("fade", "zoom", "blur", "slide", "wipe")
DIRECTIONS = ("left", "right", "up", "down")
TEXT_POSITIONS = ("top", "middle", "bottom")
MAX_SECONDS = presets.UNLIMITED_DURATION
MAX_TEXT = 500
MAX_CAPTION_SOURCE = 200_000


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
    """One library clip as used in the composition."""

    asset: int
    trim_in: float = 0.0
    trim_out: float | None = None
    loop: bool = False  # repeat from trim_in to the clip's end while the video lasts
    mute: bool = False
    volume: float = 1.0
    speed: float = 1.0

    @classmethod
    def parse(cls, r: FieldReader, data: Any, path: str) -> InputSpec:
        data = r.fields_of(cls, data, path)
        spec = cls(
            asset=r.asset_id(data, "asset", path),
            trim_in=r.number(data, "trim_in", path, 0.0, minimum=0, maximum=MAX_SECONDS),
            trim_out=r.number(data, "trim_out", path, None, minimum=0, maximum=MAX_SECONDS, exclusive_minimum=True),
            loop=r.boolean(data, "loop", path, False),
            mute=r.boolean(data, "mute", path, False),
            volume=r.number(data, "volume", path, 1.0, minimum=0, maximum=10),
            speed=r.number(data, "speed", path, 1.0, minimum=0.25, maximum=4),
        )
        if spec.trim_out is not None and spec.trim_out <= spec.trim_in:
            r.add(join(path, "trim_out"), "must be after trim_in")
        if spec.loop and spec.trim_out is not None:
            # ffmpeg's input looping restarts at trim_in and runs to the clip's end.
            r.add(join(path, "loop"), "cannot be combined with trim_out")
        return spec


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
class MusicSpec:
    asset: int
    volume: float = 0.3
    fade_in: float = 1.0
    fade_out: float = 1.0
    loop: bool = True  # repeat the track when it is shorter than the video
    start: float = 0.0  # where in the track to begin

    @classmethod
    def parse(cls, r: FieldReader, data: Any, path: str) -> MusicSpec:
        data = r.fields_of(cls, data, path)
        return cls(
            asset=r.asset_id(data, "asset", path),
            volume=r.number(data, "volume", path, 0.3, minimum=0, maximum=10),
            fade_in=r.number(data, "fade_in", path, 1.0, minimum=0, maximum=60),
            fade_out=r.number(data, "fade_out", path, 1.0, minimum=0, maximum=60),
            loop=r.boolean(data, "loop", path, True),
            start=r.number(data, "start", path, 0.0, minimum=0, maximum=MAX_SECONDS),
        )


@dataclass
class VoiceOverSpec:
    asset: int
    volume: float = 1.0
    delay: float = 0.0  # seconds of video before the voice starts

    @classmethod
    def parse(cls, r: FieldReader, data: Any, path: str) -> VoiceOverSpec:
        data = r.fields_of(cls, data, path)
        return cls(
            asset=r.asset_id(data, "asset", path),
            volume=r.number(data, "volume", path, 1.0, minimum=0, maximum=10),
            delay=r.number(data, "delay", path, 0.0, minimum=0, maximum=MAX_SECONDS),
        )


@dataclass
class AudioSpec:
    keep_input_audio: list[int] | None = None  # input indexes; None = every unmuted input
    music: MusicSpec | None = None
    voice_over: VoiceOverSpec | None = None
    duck_music: bool = True  # lower the music while the voice-over speaks
    loudness: float | None = -14.0  # integrated LUFS target; None = leave levels alone

    @classmethod
    def parse(cls, r: FieldReader, data: Any, path: str) -> AudioSpec:
        data = r.fields_of(cls, data, path)
        music, voice = data.get("music"), data.get("voice_over")
        return cls(
            keep_input_audio=_parse_indexes(r, data, "keep_input_audio", path),
            music=None if music is None else MusicSpec.parse(r, music, join(path, "music")),
            voice_over=None if voice is None else VoiceOverSpec.parse(r, voice, join(path, "voice_over")),
            duck_music=r.boolean(data, "duck_music", path, True),
            loudness=r.number(data, "loudness", path, -14.0, minimum=-70, maximum=-5),
        )


def _parse_indexes(r: FieldReader, data: Any, key: str, path: str) -> list[int] | None:
    if data.get(key) is None:
        return None
    values = r.items(data, key, path, max_items=20)
    if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in values):
        r.add(join(path, key), "must be a list of input indexes (0, 1, ...)")
        return None
    return list(values)


@dataclass
class CaptionStyle:
    font: str = "Roboto"
    size: int = 64  # pixels at 1080 wide, scaled with the output
    color: str = "#FFFFFF"
    outline_color: str = "#000000"
    outline: int = 4
    bold: bool = True
    position: str = "bottom"

    @classmethod
    def parse(cls, r: FieldReader, data: Any, path: str) -> CaptionStyle:
        data = r.fields_of(cls, data, path)
        return cls(
            font=r.choice(data, "font", path, "Roboto", FONT_FAMILIES),
            size=r.number(data, "size", path, 64, minimum=8, maximum=300, integer=True),
            color=r.colour(data, "color", path, "#FFFFFF"),
            outline_color=r.colour(data, "outline_color", path, "#000000"),
            outline=r.number(data, "outline", path, 4, minimum=0, maximum=20, integer=True),
            bold=r.boolean(data, "bold", path, True),
            position=r.choice(data, "position", path, "bottom", TEXT_POSITIONS),
        )


@dataclass
class CaptionsSpec:
    """Exactly one source: `srt` text, `ass` text, or timed `lines`."""

    srt: str | None = None
    ass: str | None = None
    lines: list[CaptionLine] | None = None
    style: CaptionStyle = field(default_factory=CaptionStyle)
    sidecar: bool = True  # write <output>.srt beside the video

    @classmethod
    def parse(cls, r: FieldReader, data: Any, path: str) -> CaptionsSpec:
        data = r.fields_of(cls, data, path)
        spec = cls(
            srt=r.text(data, "srt", path, None, max_length=MAX_CAPTION_SOURCE),
            ass=r.text(data, "ass", path, None, max_length=MAX_CAPTION_SOURCE),
            lines=_parse_lines(r, data, path),
            style=CaptionStyle.parse(r, data.get("style", {}), join(path, "style")),
            sidecar=r.boolean(data, "sidecar", path, True),
        )
        spec._check_source(r, path)
        return spec

    def _check_source(self, r: FieldReader, path: str) -> None:
        given = [name for name in ("srt", "ass", "lines") if getattr(self, name) is not None]
        if len(given) != 1:
            r.add(path, "give exactly one of srt, ass or lines")
        elif self.srt is not None and not parse_srt(self.srt):
            r.add(join(path, "srt"), "has no readable cues (expected SRT: index, time range, text)")
        elif self.ass is not None and not parse_ass_events(self.ass):
            r.add(join(path, "ass"), "has no Dialogue lines in an [Events] section")
        elif self.lines is not None and not self.lines:
            r.add(join(path, "lines"), "must not be empty")


def _parse_lines(r: FieldReader, data: Any, path: str) -> list[CaptionLine] | None:
    if data.get("lines") is None:
        return None
    lines = []
    for index, raw in enumerate(r.items(data, "lines", path, max_items=2000)):
        where = join(join(path, "lines"), index)
        raw = r.mapping(raw, where, ("start", "end", "text"))
        start = r.required_number(raw, "start", where, minimum=0, maximum=MAX_SECONDS)
        end = r.required_number(raw, "end", where, minimum=0, maximum=MAX_SECONDS)
        text = r.text(raw, "text", where, None, max_length=MAX_TEXT, required=True)
        if start is not None and end is not None and end <= start:
            r.add(join(where, "end"), "must be after start")
        lines.append(CaptionLine(start or 0.0, end or 0.0, text or ""))
    return lines


@dataclass
class TitleSpec:
    text: str
    start: float = 0.0
    end: float | None = 3.0  # None = until the end
    size: int = 80  # pixels at 1080 wide
    color: str = "#FFFFFF"
    position: str = "top"
    box: bool = True  # dark box behind the text for legibility over busy footage

    @classmethod
    def parse(cls, r: FieldReader, data: Any, path: str) -> TitleSpec:
        data = r.fields_of(cls, data, path)
        spec = cls(
            text=r.text(data, "text", path, None, max_length=MAX_TEXT, required=True) or "",
            start=r.number(data, "start", path, 0.0, minimum=0, maximum=MAX_SECONDS),
            end=r.number(data, "end", path, 3.0, minimum=0, maximum=MAX_SECONDS),
            size=r.number(data, "size", path, 80, minimum=8, maximum=300, integer=True),
            color=r.colour(data, "color", path, "#FFFFFF"),
            position=r.choice(data, "position", path, "top", TEXT_POSITIONS),
            box=r.boolean(data, "box", path, True),
        )
        if spec.end is not None and spec.end <= spec.start:
            r.add(join(path, "end"), "must be after start")
        return spec


@dataclass
class CallToActionSpec:
    """An end card: text over a dimmed frame during the last `duration` seconds."""

    text: str
    duration: float = 3.0
    size: int = 90
    color: str = "#FFFFFF"
    box_color: str = "#000000"

    @classmethod
    def parse(cls, r: FieldReader, data: Any, path: str) -> CallToActionSpec:
        data = r.fields_of(cls, data, path)
        return cls(
            text=r.text(data, "text", path, None, max_length=MAX_TEXT, required=True) or "",
            duration=r.number(data, "duration", path, 3.0, minimum=0, maximum=60, exclusive_minimum=True),
            size=r.number(data, "size", path, 90, minimum=8, maximum=300, integer=True),
            color=r.colour(data, "color", path, "#FFFFFF"),
            box_color=r.colour(data, "box_color", path, "#000000"),
        )


@dataclass
class LogoSpec:
    asset: int
    corner: str = "top_right"
    size: float = 0.18  # width as a share of the frame width
    opacity: float = 0.8
    margin: float = 0.04

    @classmethod
    def parse(cls, r: FieldReader, data: Any, path: str) -> LogoSpec:
        data = r.fields_of(cls, data, path)
        return cls(
            asset=r.asset_id(data, "asset", path),
            corner=r.choice(data, "corner", path, "top_right", CORNERS),
            size=r.number(data, "size", path, 0.18, minimum=0.02, maximum=0.5),
            opacity=r.number(data, "opacity", path, 0.8, minimum=0, maximum=1),
            margin=r.number(data, "margin", path, 0.04, minimum=0, maximum=0.2),
        )


@dataclass
class TextSpec:
    captions: CaptionsSpec | None = None
    title: TitleSpec | None = None
    call_to_action: CallToActionSpec | None = None
    logo: LogoSpec | None = None

    @classmethod
    def parse(cls, r: FieldReader, data: Any, path: str) -> TextSpec:
        data = r.fields_of(cls, data, path)
        parts = {
            "captions": CaptionsSpec,
            "title": TitleSpec,
            "call_to_action": CallToActionSpec,
            "logo": LogoSpec,
        }
        values = {
            name: None if data.get(name) is None else kind.parse(r, data[name], join(path, name))
            for name, kind in parts.items()
        }
        return cls(**values)


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
        return dataclasses.asdict(self)

    def asset_ids(self) -> set[int]:
        """Every library asset the spec refers to."""
        ids = {clip.asset for clip in self.inputs}
        for part in (self.audio.music, self.audio.voice_over, self.text.logo):
            if part is not None:
                ids.add(part.asset)
        return ids


def _parse_inputs(r: FieldReader, data: Any) -> list[InputSpec]:
    if "inputs" not in data or data["inputs"] in (None, []):
        r.add("inputs", "at least one input is required")
        return []
    raw_inputs = r.items(data, "inputs", "", max_items=20)
    return [InputSpec.parse(r, raw, join("inputs", i)) for i, raw in enumerate(raw_inputs)]
