"""Caption text: timed lines, SRT and ASS parsing, and writing the .srt that libass burns."""

from __future__ import annotations

import re
from dataclasses import dataclass


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
