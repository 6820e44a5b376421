"""Small text tools every writer shares: safe filling, word counts, keywords, captions and hashtags."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from num2words import num2words

from production.studio.types import WORDS_PER_SECOND

PLATFORMS = ("tiktok", "youtube", "instagram", "facebook")
TITLE_LIMIT = 100  # YouTube's title limit, the tightest of the four
# Caption text plus its hashtags, as each platform counts them.
CAPTION_LIMITS = {"tiktok": 2200, "youtube": 5000, "instagram": 2200, "facebook": 63206}
# More than a handful reads as spam (and YouTube ignores them all past 60).
HASHTAG_COUNTS = {"tiktok": 5, "youtube": 5, "instagram": 8, "facebook": 3}
# The most anyone should post: Instagram refuses more than 30, YouTube ignores all of them past 15.
HASHTAG_LIMITS = {"tiktok": 10, "youtube": 15, "instagram": 30, "facebook": 10}
PLATFORM_TAGS = {"tiktok": [], "youtube": ["#shorts"], "instagram": ["#reels"], "facebook": []}
MAX_HASHTAG_LENGTH = 30

_STOPWORDS = """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further get got had has have
    having he her here hers herself him himself his how i if in into is it its itself just let me more most my
    myself no nor not now of off on once only or other our ours ourselves out over own same she should so some
    such than that the their theirs them themselves then there these they this those through to too under until
    up very was we were what when where which while who whom why will with would you your yours yourself
    yourselves i'm you're it's don't can't won't isn't that's there's here's let's"""
STOPWORDS = frozenset(_STOPWORDS.split()) | {"another", "every", "many", "much", "even", "still", "really"}
# Common verbs: YAKE ranks them high in short texts, and they picture nothing as a lone keyword.
_WEAK_WORDS = """say said tell told try tried spend spent get make made wait know knew think want need use used go went
    see saw look take took come came give gave keep kept put feel felt start started find found"""
WEAK_WORDS = frozenset(_WEAK_WORDS.split())

_WORD = re.compile(r"[^\W_](?:[\w'’-]*[^\W_])?")
_FIELD = re.compile(r"\{(\w+)\}")
_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")


def fill(pattern: str, values: dict[str, str]) -> str:
    """Replace {name} with values[name]; anything else in braces (or a stray brace) stays as written.

    One pass, so braces inside a value are never expanded again.
    """
    return _FIELD.sub(lambda match: str(values.get(match.group(1), match.group(0))), pattern)


def fields(pattern: str) -> set[str]:
    return set(_FIELD.findall(pattern))


def capitalize_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def shorten(text: str, limit: int, ellipsis: str = "…") -> str:
    """`text` cut at a word boundary so that it fits in `limit` characters."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - len(ellipsis)]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:—–-") + ellipsis


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def _number_word_count(raw: str, *, ordinal: bool) -> int:
    plain = raw.replace(",", "")
    try:
        value = Decimal(plain)
        if ordinal:
            spoken = num2words(int(value), to="ordinal")
        elif raw.isdigit() and 1100 <= value <= 2099:
            spoken = num2words(int(value), to="year")
        else:
            spoken = num2words(value)
    except (InvalidOperation, ValueError, OverflowError, NotImplementedError):
        return 1
    return len(spoken.replace(",", " ").split())


def spoken_word_count(text: str) -> int:
    """Words as the voice says them: "1,250" is four words, "$3.5" four, "50%" two."""
    count = 0
    for token in text.split():
        if not any(char.isdigit() for char in token):
            count += 1 if any(char.isalnum() for char in token) else 0
            continue
        ordinal = bool(re.search(r"\d(st|nd|rd|th)\b", token, re.IGNORECASE))
        numbers = _NUMBER.findall(token)
        count += sum(_number_word_count(raw, ordinal=ordinal) for raw in numbers)
        count += sum(token.count(symbol) for symbol in "%$€£")
        leftover = re.sub(r"\d(st|nd|rd|th)\b", "", _NUMBER.sub("", token), flags=re.IGNORECASE)
        count += 1 if re.search(r"[^\W\d_]", leftover) else 0
    return count


def spoken_seconds(text: str) -> float:
    """How long the voice takes for `text`, estimated from its spoken words."""
    count = spoken_word_count(text)
    return round(count / WORDS_PER_SECOND, 1) if count else 0.0


def stem(word: str) -> str:
    """A light stemmer, enough to tell that "brews" and "brewing" are about "brew"."""
    word = word.lower().replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) >= 5 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) >= 6 and word.endswith("ing"):
        return word[:-3]
    if len(word) >= 5 and word.endswith("ed"):
        return word[:-2]
    if len(word) >= 5 and word.endswith("es") and word[:-2].endswith(("s", "x", "z", "ch", "sh")):
        return word[:-2]
    if len(word) >= 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def same_stem(first: str, second: str) -> bool:
    """Equal stems, or one a prefix of the other ("bicycl" from "bicycling", "bicycle")."""
    if first == second:
        return True
    shorter, longer = sorted((first, second), key=len)
    return len(shorter) >= 5 and longer.startswith(shorter)


def content_words(text: str) -> list[str]:
    """The words that carry meaning, lower-cased, in order: no stopwords, no lone digits."""
    found = (word.lower() for word in words(text))
    return [word for word in found if word not in STOPWORDS and not word.isdigit() and len(word) > 1]


@lru_cache(maxsize=8)
def _extractor(language: str, longest: int):
    import yake  # imported on first use: YAKE loads its stopword lists at import

    return yake.KeywordExtractor(lan=language, n=longest, top=20, dedupLim=0.7)


def keywords(
    text: str, limit: int = 3, *, language: str = "en", longest: int = 2, exclude: frozenset[str] = frozenset()
) -> list[str]:
    """Up to `limit` key phrases of `text` (YAKE, offline; `longest` words each), best first; [] for none."""
    if not content_words(text):
        return []
    try:
        ranked = _extractor((language or "en")[:2].lower(), longest).extract_keywords(text)
    except Exception:  # YAKE failing on odd input must not sink a script: no keywords, the renderer copes
        return []
    found: list[str] = []
    for phrase, _score in ranked:
        tokens = [token.lower() for token in words(phrase)]
        if not tokens or all(t in STOPWORDS or t.isdigit() or t in exclude for t in tokens):
            continue
        if len(tokens) == 1 and tokens[0] in WEAK_WORDS:
            continue
        # Keep "AeroPress" as written, lower-case a word capitalised only because it began a sentence.
        phrase = " ".join(t if any(c.isupper() for c in t[1:]) else t.lower() for t in phrase.split())
        if any(phrase in kept or kept in phrase for kept in found):
            continue
        found.append(phrase)
        if len(found) == limit:
            break
    return found


def frequent_words(text: str, limit: int) -> list[str]:
    """The content words said more than once, most frequent first (first said wins a tie)."""
    counts: dict[str, int] = {}
    spelled: dict[str, str] = {}
    for word in content_words(text):
        if len(word) < 4:
            continue
        root = stem(word)
        counts[root] = counts.get(root, 0) + 1
        spelled.setdefault(root, word)
    ranked = sorted((root for root in counts if counts[root] > 1), key=lambda root: -counts[root])
    return [spelled[root] for root in ranked[:limit]]


def hashtag(text: str) -> str | None:
    """ "#coffeebrewing" from "coffee brewing"; None when nothing usable is left."""
    body = "".join(char for char in text.lower() if char.isalnum())
    if not body or body.isdigit() or len(body) > MAX_HASHTAG_LENGTH:
        return None
    return f"#{body}"


def clean_hashtags(raw: list) -> list[str]:
    """Hashtags as a model or a creator wrote them ("Coffee Tips", "#coffee!"), made valid and unique."""
    tags: list[str] = []
    for item in raw:
        tag = hashtag(str(item).lstrip("#")) if isinstance(item, str) else None
        if tag and tag not in tags:
            tags.append(tag)
    return tags


def topic_hashtags(topic: str) -> list[str]:
    """The topic as one hashtag, then its content words: "#homecoffeebrewing", "#coffee", "#brewing", …"""
    topic_words = [word for word in words(topic) if word.lower() not in {"a", "an", "the"}]
    candidates = [" ".join(topic_words)] if len(topic_words) > 1 else []
    meaning = sorted(content_words(topic), key=len, reverse=True)
    candidates += meaning
    return clean_hashtags([tag for tag in (hashtag(c) for c in candidates) if tag])


def fit_caption(caption: str, hashtags: list[str], limit: int) -> str:
    """The caption, shortened if need be so that it and its hashtags fit the platform's limit."""
    room = limit - len(" ".join(hashtags)) - 2
    return shorten(caption, room) if len(caption) > room else caption


def platform_captions(
    *,
    title: str,
    hook: str,
    lines: list[str],
    call_to_action: str,
    tags: list[str],
    question: str = "",
) -> dict[str, dict]:
    """A caption and hashtags for each platform, in the shape Script.captions stores.

    `lines` are the script's points (one short line each); `tags` are hashtags, most specific first.
    """
    lead = hook.strip() or title.strip()
    ask = question.strip() or call_to_action.strip()
    points = [line.strip() for line in lines if line.strip()]
    # The title heads YouTube's description unless the hook already starts with it.
    heading = "" if " ".join(lead.lower().split()).startswith(title.strip(" .…").lower()) else title.strip()
    texts = {
        "tiktok": " ".join(part for part in (lead, question.strip()) if part),
        "youtube": "\n\n".join(part for part in (heading, " ".join([lead, *points]), call_to_action.strip()) if part),
        "instagram": "\n\n".join(part for part in (lead, "\n".join(f"• {p}" for p in points), ask) if part),
        "facebook": " ".join(part for part in (lead, ask) if part),
    }
    captions = {}
    for platform in PLATFORMS:
        wanted = clean_hashtags(PLATFORM_TAGS[platform] + tags)[: HASHTAG_COUNTS[platform]]
        captions[platform] = {
            "caption": fit_caption(texts[platform], wanted, CAPTION_LIMITS[platform]),
            "hashtags": wanted,
        }
    return captions
