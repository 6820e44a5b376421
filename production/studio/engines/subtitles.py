"""Caption cues from word timings, and the SRT / WebVTT sidecars built from them with pysubs2.

Short-video captions show one to three words at a time; a cue never runs across a sentence
end or a pause longer than `PAUSE_SECONDS`, so captions stop when the voice does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pysubs2

from production.studio.types import Word

PAUSE_SECONDS = 0.6
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    words: tuple[Word, ...]

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)


def cues(words: list[Word], max_words: int = 3, max_chars: int = 32) -> list[Cue]:
    """Group words into caption cues of at most `max_words` words and `max_chars` characters."""
    groups: list[list[Word]] = []
    for word in words:
        current = groups[-1] if groups else None
        if current is None or _breaks_before(current, word, max_words, max_chars):
            groups.append([word])
        else:
            current.append(word)
    return [Cue(group[0].start, group[-1].end, tuple(group)) for group in groups]


def _breaks_before(current: list[Word], word: Word, max_words: int, max_chars: int) -> bool:
    previous = current[-1]
    return (
        len(current) >= max_words
        or len(" ".join(item.text for item in current)) + 1 + len(word.text) > max_chars
        or bool(_SENTENCE_END.search(previous.text))
        or word.start - previous.end > PAUSE_SECONDS
    )


def to_srt(words: list[Word], *, max_words: int = 3, max_chars: int = 32) -> str:
    """SubRip captions of the words."""
    return _subtitles(words, max_words, max_chars, escape=False).to_string("srt", keep_ssa_tags=True)


def to_vtt(words: list[Word], *, max_words: int = 3, max_chars: int = 32) -> str:
    """WebVTT captions of the words."""
    return _subtitles(words, max_words, max_chars, escape=True).to_string("vtt", keep_ssa_tags=True)


def _subtitles(words: list[Word], max_words: int, max_chars: int, *, escape: bool) -> pysubs2.SSAFile:
    subtitles = pysubs2.SSAFile()
    for cue in cues(words, max_words=max_words, max_chars=max_chars):
        text = cue.text
        if escape:  # WebVTT cue text is HTML-like: "R&D" must be written "R&amp;D"
            text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        # Written verbatim (keep_ssa_tags): a "{" in the script is text, not a SubStation tag.
        subtitles.append(pysubs2.SSAEvent(start=round(cue.start * 1000), end=round(cue.end * 1000), text=text))
    return subtitles
