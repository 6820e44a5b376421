"""Text sections of a CompositionSpec: captions, title, call-to-action card, logo."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .captions import CaptionLine, CaptionWord, parse_ass_events, parse_srt
from .fields import FieldReader, join
from .fonts import FONT_FAMILIES
from .presets import UNLIMITED_DURATION as MAX_SECONDS

CORNERS = ("top_left", "top_right", "bottom_left", "bottom_right")
TEXT_POSITIONS = ("top", "middle", "bottom")
MAX_TEXT = 500
MAX_CAPTION_SOURCE = 200_000
MAX_WORDS = 5000
MAX_WORD = 100
# classic: timed lines; karaoke: 1-3 words with the spoken one highlighted; pop: only the
# current group of words. Word sources default to karaoke, the others to classic.
CAPTION_MODES = ("classic", "karaoke", "pop")
WORD_MODES = frozenset({"karaoke", "pop"})
DEFAULT_MAX_CHARS = 24
SOURCES = ("srt", "ass", "lines", "words", "voice_over")
WORD_SOURCES = ("words", "voice_over")


@dataclass
class CaptionStyle:
    font: str = "Roboto"
    size: int = 64  # pixels at 1080 wide, scaled with the output
    color: str = "#FFFFFF"
    outline_color: str = "#000000"
    outline: int = 4
    bold: bool = True
    position: str = "bottom"
    mode: str = "classic"
    words_per_group: int = 3  # karaoke and pop
    highlight_color: str = "#FFD400"  # karaoke: the word being spoken
    # Karaoke and pop groups never exceed it (None: DEFAULT_MAX_CHARS); classic lines are
    # wrapped at it, and when it is None lines from srt / lines wrap at the frame width.
    max_chars_per_line: int | None = None
    uppercase: bool = False

    @property
    def line_chars(self) -> int:
        return self.max_chars_per_line or DEFAULT_MAX_CHARS

    @classmethod
    def parse(cls, r: FieldReader, data: Any, path: str, *, default_mode: str = "classic") -> CaptionStyle:
        data = r.fields_of(cls, data, path)
        return cls(
            font=r.choice(data, "font", path, "Roboto", FONT_FAMILIES),
            size=r.number(data, "size", path, 64, minimum=8, maximum=300, integer=True),
            color=r.colour(data, "color", path, "#FFFFFF"),
            outline_color=r.colour(data, "outline_color", path, "#000000"),
            outline=r.number(data, "outline", path, 4, minimum=0, maximum=20, integer=True),
            bold=r.boolean(data, "bold", path, True),
            position=r.choice(data, "position", path, "bottom", TEXT_POSITIONS),
            mode=r.choice(data, "mode", path, default_mode, CAPTION_MODES),
            words_per_group=r.number(data, "words_per_group", path, 3, minimum=1, maximum=3, integer=True),
            highlight_color=r.colour(data, "highlight_color", path, "#FFD400"),
            max_chars_per_line=r.number(data, "max_chars_per_line", path, None, minimum=10, maximum=60, integer=True),
            uppercase=r.boolean(data, "uppercase", path, False),
        )


@dataclass
class CaptionVoiceOverSpec:
    """Captions timed by a voice-over asset's word timings (`{"asset": 12}`)."""

    asset: int

    @classmethod
    def parse(cls, r: FieldReader, data: Any, path: str) -> CaptionVoiceOverSpec:
        data = r.fields_of(cls, data, path)
        return cls(asset=r.asset_id(data, "asset", path))


@dataclass
class CaptionsSpec:
    """Exactly one source: `srt` text, `ass` text, timed `lines`, timed `words`, or the word
    timings of a `voice_over` asset."""

    srt: str | None = None
    ass: str | None = None
    lines: list[CaptionLine] | None = None
    words: list[CaptionWord] | None = None
    voice_over: CaptionVoiceOverSpec | None = None
    style: CaptionStyle = field(default_factory=CaptionStyle)
    sidecar: bool = True  # write <output>.srt beside the video

    @property
    def has_word_timings(self) -> bool:
        return self.words is not None or self.voice_over is not None

    @classmethod
    def parse(cls, r: FieldReader, data: Any, path: str) -> CaptionsSpec:
        data = r.fields_of(cls, data, path)
        voice_over = data.get("voice_over")
        word_source = any(data.get(name) is not None for name in WORD_SOURCES)
        spec = cls(
            srt=r.text(data, "srt", path, None, max_length=MAX_CAPTION_SOURCE),
            ass=r.text(data, "ass", path, None, max_length=MAX_CAPTION_SOURCE),
            lines=_parse_lines(r, data, path),
            words=_parse_words(r, data, path),
            voice_over=None
            if voice_over is None
            else CaptionVoiceOverSpec.parse(r, voice_over, join(path, "voice_over")),
            style=CaptionStyle.parse(
                r, data.get("style", {}), join(path, "style"), default_mode="karaoke" if word_source else "classic"
            ),
            sidecar=r.boolean(data, "sidecar", path, True),
        )
        spec._check_source(r, path)
        return spec

    def _check_source(self, r: FieldReader, path: str) -> None:
        given = [name for name in SOURCES if getattr(self, name) is not None]
        if len(given) != 1:
            r.add(path, "give exactly one of srt, ass, lines, words or voice_over")
        elif self.style.mode in WORD_MODES and not self.has_word_timings:
            r.add(join(path, "style.mode"), f"{self.style.mode} needs word timings: give words or voice_over")
        elif self.words is not None and not self.words:
            r.add(join(path, "words"), "must not be empty")
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


def _parse_words(r: FieldReader, data: Any, path: str) -> list[CaptionWord] | None:
    if data.get("words") is None:
        return None
    words: list[CaptionWord] = []
    for index, raw in enumerate(r.items(data, "words", path, max_items=MAX_WORDS)):
        where = join(join(path, "words"), index)
        raw = r.mapping(raw, where, ("text", "start", "end"))
        start = r.required_number(raw, "start", where, minimum=0, maximum=MAX_SECONDS)
        end = r.required_number(raw, "end", where, minimum=0, maximum=MAX_SECONDS)
        text = r.text(raw, "text", where, None, max_length=MAX_WORD, required=True)
        if text is not None and ("\n" in text or "\r" in text):
            r.add(join(where, "text"), "must be on one line")
        if start is not None and end is not None and end <= start:
            r.add(join(where, "end"), "must be after start")
        if start is not None and words and start < words[-1].start:
            r.add(join(where, "start"), f"must not be before the previous word's start ({words[-1].start:g} s)")
        words.append(CaptionWord(text or "", start or 0.0, end or 0.0))
    return words


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
