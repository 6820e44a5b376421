"""Caption text: timed lines, SRT and ASS parsing, word groups, and the scripts libass burns."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import pysubs2


@dataclass
class CaptionLine:
    start: float
    end: float
    text: str


_SRT_TIME = r"(\d{1,2}):(\d{2}):(\d{2})[,.](\d{1,3})"
_SRT_RANGE = re.compile(_SRT_TIME + r"\s*-->\s*" + _SRT_TIME)
_ASS_TAG = re.compile(r"\{[^}]*\}")


def _seconds(hours: str, minutes: str, seconds: str, fraction: str) -> float:
    return int(hours) * 3600 + int(minutes) * 60 + int(seconds) + int(fraction.ljust(3, "0")) / 1000


def parse_srt(text: str) -> list[CaptionLine]:
    """Cues of an SRT document; blocks without a time range are skipped."""
    lines: list[CaptionLine] = []
    for block in re.split(r"\r?\n\s*\r?\n", text.strip()):
        rows = block.strip().splitlines()
        for position, row in enumerate(rows):
            match = _SRT_RANGE.search(row)
            if match:
                start, end = _seconds(*match.groups()[:4]), _seconds(*match.groups()[4:])
                body = "\n".join(rows[position + 1 :]).strip()
                if body and end > start:
                    lines.append(CaptionLine(start, end, body))
                break
    return lines


def _ass_time(value: str) -> float:
    hours, minutes, seconds = value.strip().split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def parse_ass_events(text: str) -> list[CaptionLine]:
    """Dialogue events of an ASS script as plain lines (override tags removed)."""
    lines: list[CaptionLine] = []
    fields: list[str] = []
    in_events = False
    for row in text.splitlines():
        row = row.strip()
        if row.startswith("["):
            in_events = row.lower() == "[events]"
        elif in_events and row.lower().startswith("format:"):
            fields = [name.strip().lower() for name in row.split(":", 1)[1].split(",")]
        elif in_events and row.lower().startswith("dialogue:") and fields:
            values = row.split(":", 1)[1].split(",", len(fields) - 1)
            event = dict(zip(fields, (v.strip() for v in values), strict=False))
            try:
                start, end = _ass_time(event["start"]), _ass_time(event["end"])
            except (KeyError, ValueError):
                continue
            body = _ASS_TAG.sub("", event.get("text", "")).replace("\\N", "\n").strip()
            if body and end > start:
                lines.append(CaptionLine(start, end, body))
    return lines


def _srt_time(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d},{millis:03d}"


def to_srt(lines: list[CaptionLine]) -> str:
    blocks = [
        f"{number}\n{_srt_time(line.start)} --> {_srt_time(line.end)}\n{line.text.strip()}\n"
        for number, line in enumerate(sorted(lines, key=lambda line: line.start), start=1)
    ]
    return "\n".join(blocks)


# --- Word-timed captions -------------------------------------------------------------------

# Pauses shorter than this are bridged: a caption that vanishes for a frame or two between
# groups reads as flicker. A longer pause ends the group and clears the screen.
BRIDGE_GAP = 0.5
SENTENCE_ENDS = (".", "!", "?", "…")
# libass reads `\N`, `\n`, `\h`, `\{` and `\}` as commands and has no escape for a backslash;
# a word joiner (zero width, default-ignorable) after each backslash keeps it literal.
_WORD_JOINER = "\u2060"
# pysubs2's SRT writer turns `\N`, `\n` and `\h` into whitespace; backslashes travel through
# it as this private-use character and are put back afterwards.
_BACKSLASH_STAND_IN = "\ue000"


@dataclass(frozen=True)
class CaptionWord:
    text: str
    start: float
    end: float


def timings_problem(words: Sequence[tuple[str, float, float]]) -> str | None:
    """Why a voice-over's word timings cannot drive captions, or None when they can."""
    if not words:
        return "has no word timings"
    previous_start = 0.0
    for number, (text, start, end) in enumerate(words, start=1):
        if not text.strip() or "\n" in text or "\r" in text:
            return f"has an empty or multi-line word (word {number})"
        if not (math.isfinite(start) and math.isfinite(end)) or start < 0 or end <= start:
            return f"has a word that does not end after it starts (word {number})"
        if start < previous_start:
            return f"has words out of order (word {number} starts before word {number - 1})"
        previous_start = start
    return None


def group_words(words: Sequence[CaptionWord], *, max_words: int, max_chars: int) -> list[list[CaptionWord]]:
    """Consecutive words shown together: at most `max_words`, their text at most `max_chars`.

    A group also ends at a sentence end and before a pause of BRIDGE_GAP or more, so a
    caption never sits on screen through silence. A single word longer than `max_chars`
    makes a group of its own (words are never split).
    """
    groups: list[list[CaptionWord]] = []
    current: list[CaptionWord] = []
    for word in words:
        if current and _starts_new_group(current, word, max_words, max_chars):
            groups.append(current)
            current = []
        current.append(word)
    if current:
        groups.append(current)
    return groups


def _starts_new_group(current: list[CaptionWord], word: CaptionWord, max_words: int, max_chars: int) -> bool:
    last = current[-1]
    return (
        len(current) >= max_words
        or len(group_text(current)) + 1 + len(word.text.strip()) > max_chars
        or last.text.strip().endswith(SENTENCE_ENDS)
        or word.start - last.end >= BRIDGE_GAP
    )


def group_text(group: Sequence[CaptionWord]) -> str:
    return " ".join(word.text.strip() for word in group)


def group_lines(groups: Sequence[Sequence[CaptionWord]]) -> list[CaptionLine]:
    """Each group as one timed line, from its first word's start to its last word's end."""
    return [CaptionLine(group[0].start, group[-1].end, group_text(group)) for group in groups]


def _shown_until(groups: Sequence[Sequence[CaptionWord]], index: int) -> float:
    """When group `index` leaves the screen: its last word's end, or the next group's start
    when that comes sooner or within BRIDGE_GAP (the next group replaces it without a blank)."""
    end = groups[index][-1].end
    if index + 1 < len(groups):
        following = groups[index + 1][0].start
        if following - end < BRIDGE_GAP:
            return following
    return end


def ass_escape(text: str) -> str:
    """Plain text as ASS event text that libass draws exactly as given."""
    text = text.replace("\\", "\\" + _WORD_JOINER)
    return text.replace("{", "\\{").replace("}", "\\}")


def ass_tag_colour(colour: str) -> str:
    """#RRGGBB -> the &HBBGGRR& form of a `\\c` override tag."""
    return f"&H{colour[5:7]}{colour[3:5]}{colour[1:3]}&".upper()


def _fit(group: Sequence[CaptionWord], fit_chars: int | None) -> str:
    """A scale tag that shrinks a group whose longest word is wider than the frame allows
    (a word is never broken, and libass can only wrap between words)."""
    longest = max(len(word.text.strip()) for word in group)
    if fit_chars is None or longest <= fit_chars:
        return ""
    percent = max(1, int(100 * fit_chars / longest))
    return f"{{\\fscx{percent}\\fscy{percent}}}"


def karaoke_events(
    groups: Sequence[Sequence[CaptionWord]], *, colour: str, highlight: str, fit_chars: int | None = None
) -> list[CaptionLine]:
    """One event per highlight state: the group on screen, the word being spoken in `highlight`.

    Word i is highlighted from its start to word i+1's start, the group's last word until
    the group leaves the screen. Words starting together get no state of their own.
    """
    on, off = f"{{\\c{ass_tag_colour(highlight)}}}", f"{{\\c{ass_tag_colour(colour)}}}"
    events = []
    for index, group in enumerate(groups):
        texts = [ass_escape(word.text.strip()) for word in group]
        for position, word in enumerate(group):
            end = group[position + 1].start if position + 1 < len(group) else _shown_until(groups, index)
            if end <= word.start:
                continue
            shown = [f"{on}{text}{off}" if i == position else text for i, text in enumerate(texts)]
            events.append(CaptionLine(word.start, end, _fit(group, fit_chars) + " ".join(shown)))
    return events


def pop_events(groups: Sequence[Sequence[CaptionWord]], *, fit_chars: int | None = None) -> list[CaptionLine]:
    """One event per group, from its first word's start until it leaves the screen."""
    events = []
    for index, group in enumerate(groups):
        text = " ".join(ass_escape(word.text.strip()) for word in group)
        events.append(CaptionLine(group[0].start, _shown_until(groups, index), _fit(group, fit_chars) + text))
    return events


def _milliseconds(seconds: float) -> int:
    return pysubs2.make_time(s=seconds)


def to_ass(events: Sequence[CaptionLine], style: pysubs2.SSAStyle, *, width: int, height: int) -> str:
    """An ASS script whose coordinates are pixels of a `width` x `height` frame."""
    script = pysubs2.SSAFile()
    script.info.update({"PlayResX": str(width), "PlayResY": str(height)})
    script.styles = {"Default": style}
    for event in events:
        script.append(pysubs2.SSAEvent(start=_milliseconds(event.start), end=_milliseconds(event.end), text=event.text))
    return script.to_string("ass")


def groups_to_srt(groups: Sequence[Sequence[CaptionWord]]) -> str:
    """SRT with one cue per group, the words exactly as given."""
    script = pysubs2.SSAFile()
    for line in group_lines(groups):
        text = line.text.replace("\\", _BACKSLASH_STAND_IN)
        script.append(pysubs2.SSAEvent(start=_milliseconds(line.start), end=_milliseconds(line.end), text=text))
    # keep_ssa_tags: the text is plain, so braces must pass through rather than be read as tags.
    return script.to_string("srt", keep_ssa_tags=True).replace(_BACKSLASH_STAND_IN, "\\")
