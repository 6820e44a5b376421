"""Search terms for a scene's stock footage, extracted offline with YAKE.

Footage libraries answer short, concrete queries best ("coffee cup", "city night"), so
phrases are one or two words, lower-case, never only stopwords or numbers, and a phrase
that shares a word with one already chosen ("captions" after "editing captions") is skipped.
"""

from __future__ import annotations

import re
from functools import lru_cache

import yake

# Words a narration script leans on that never make a useful footage query.
SCRIPT_FILLER = frozenset(
    {
        "today", "tonight", "tomorrow", "now", "really", "just", "actually", "thing", "things", "way", "lot",
        "lots", "stuff", "something", "anything", "everything", "everyone", "someone", "people", "guys",
        "video", "videos", "clip", "part", "step", "tip", "tips", "time", "times", "day", "days", "week",
        "make", "makes", "get", "gets", "got", "try", "use", "need", "want", "know", "see", "go", "let",
        "take", "give", "start", "keep", "find", "think", "say", "tell", "spend", "pick", "choose", "press",
        "watch", "like", "follow", "subscribe", "comment", "share", "link", "bio", "click", "check",
    }
)  # fmt: skip


def keywords(text: str, limit: int = 3, language: str = "en") -> list[str]:
    """Up to `limit` search phrases for `text`, best first."""
    if limit <= 0 or not text.strip():
        return []
    extractor = _extractor(language, limit)
    stopwords = extractor.stopword_set
    chosen: list[str] = []
    for phrase, _score in extractor.extract_keywords(text):
        words = re.findall(r"[^\W_]+(?:['’-][^\W_]+)*", phrase.lower())
        if not words or all(word in stopwords or word in SCRIPT_FILLER or word.isdigit() for word in words):
            continue
        candidate = " ".join(words)
        if any(_overlaps(candidate, kept) for kept in chosen):
            continue
        chosen.append(candidate)
        if len(chosen) == limit:
            break
    return chosen


@lru_cache(maxsize=8)
def _extractor(language: str, limit: int) -> yake.KeywordExtractor:
    base = yake.KeywordExtractor(lan=language, n=1)
    stopwords = set(base.stopword_set) | SCRIPT_FILLER
    return yake.KeywordExtractor(lan=language, n=2, dedup_lim=0.7, top=max(10, limit * 5), stopwords=stopwords)


def _overlaps(candidate: str, kept: str) -> bool:
    """A word in common, singular or plural ("retriever loves" after "golden retriever")."""
    return bool({_stem(word) for word in candidate.split()} & {_stem(word) for word in kept.split()})


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word
