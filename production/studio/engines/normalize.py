"""Script text as a caption shows it, and the words a speaker says for each piece of it.

A display token is a word with its punctuation attached ("Wild,", "$19.99", "2026.",
"ReelMill's"). Its spoken words are what the voice must say and what the aligner listens
for ("$19.99" -> nineteen dollars and ninety nine cents). Voicing `spoken_text(tokens)`
instead of the raw script makes the voice say exactly what the aligner expects: left to
itself, Piper (through espeak-ng) reads "$19.99" as "dollar nineteen point nine nine" and
"2026" as "two thousand twenty six".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from num2words import num2words


@dataclass
class Token:
    """One display token. `voiced` is the text handed to the voice for it (keeps the script's
    capitals and sentence punctuation, which change how the voice says it); empty means
    the spoken words joined."""

    display: str
    spoken: list[str]
    voiced: str = ""


def spoken_tokens(text: str) -> list[Token]:
    """The display tokens of `text`, in order, each with the lower-case words a speaker says."""
    return [token for token, _start, _end in tokens_with_offsets(text)]


def spoken_text(tokens: list[Token]) -> str:
    """The text to hand the voice so that it says the tokens' spoken words, with phrasing punctuation."""
    return " ".join(token.voiced or " ".join(token.spoken) for token in tokens if token.spoken).strip()


def tokens_with_offsets(text: str) -> list[tuple[Token, int, int]]:
    """Display tokens with where each sits in `text` (start, end character offsets)."""
    pieces = _pieces(text)
    result: list[tuple[Token, int, int]] = []
    pending_start: int | None = None  # an unspeakable piece (an emoji) before the first word
    carry: list[str] = []  # "$1.5 million": "dollars" belongs to "million"
    following_cores: list[str | None] = [None] * len(pieces)  # the next piece with words, for context
    for index in range(len(pieces) - 2, -1, -1):
        following_cores[index] = pieces[index + 1][3] or following_cores[index + 1]
    previous: str | None = None
    for index, (start, end, lead, core, trail) in enumerate(pieces):
        if not core:  # "—" or "…" on its own: no caption word, but the voice still pauses
            _add_pause(result, lead + trail)
            continue
        following = following_cores[index]
        pause_next = index + 1 < len(pieces) and not pieces[index + 1][3]  # "in 2025 — wow"
        pairs, carry_next = _say_in_context(core, previous, following, bool(trail.strip()) or pause_next)
        pairs += [(word, word) for word in carry]
        carry, previous = carry_next, core
        if not pairs:
            if result:  # shown with the word before it, never timed on its own
                token, first, _ = result[-1]
                result[-1] = (Token(_display(text, first, end), token.spoken, token.voiced), first, end)
            elif pending_start is None:
                pending_start = start
            continue
        if pending_start is not None:
            start, pending_start = pending_start, None
        spoken = [word for word, _ in pairs]
        voiced = " ".join(said for _, said in pairs) + _voiced_punctuation(trail)
        result.append((Token(_display(text, start, end), spoken, voiced), start, end))
    return result


def _add_pause(result: list[tuple[Token, int, int]], punctuation: str) -> None:
    pause = _voiced_punctuation(punctuation)
    if result and pause:
        token, start, end = result[-1]
        if token.voiced and token.voiced[-1] not in ".,!?;:":
            result[-1] = (Token(token.display, token.spoken, token.voiced + pause), start, end)


def _display(text: str, start: int, end: int) -> str:
    return " ".join(text[start:end].split())


# --- splitting into pieces ---------------------------------------------------------------------

_SPLIT_AFTER_JOINER = re.compile(r"(?<=[—–…])(?=[^\s—–….,!?;:])|(?<=\.\.\.)(?=[^\s.])|(?<=--)(?=[^\s-])")
_LEAD = re.compile(r"^(?:[\"“‘«(\[{¿¡*_—–…']|-(?!\d))+")
_TRAIL = re.compile(r"[.,!?;:\"'”’»)\]}*_—–…-]+$")


def _pieces(text: str) -> list[tuple[int, int, str, str, str]]:
    """(start, end, leading punctuation, core, trailing punctuation) of every piece; core "" for punctuation."""
    pieces = []
    for match in re.finditer(r"\S+", text):
        offset = match.start()
        for part in _SPLIT_AFTER_JOINER.split(match.group()):
            start, offset = offset, offset + len(part)
            lead = _LEAD.match(part)
            lead_text = lead.group() if lead else ""
            rest = part[len(lead_text) :]
            trail = _TRAIL.search(rest)
            trail_text = trail.group() if trail else ""
            core = rest[: len(rest) - len(trail_text)].replace("’", "'").replace("‘", "'")
            pieces.append((start, start + len(part), lead_text, core, trail_text))
    return pieces


def _voiced_punctuation(trail: str) -> str:
    kept = "".join(char for char in trail if char in ".,!?;:")
    if "…" in trail and "..." not in kept:
        kept += "..."
    if not kept and any(char in trail for char in "—–-"):
        kept = ","
    return kept


# --- saying one piece --------------------------------------------------------------------------

Pair = tuple[str, str]  # (spoken lower-case word, the same word as voiced: script capitals kept)

_DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_SCALES = {"thousand", "million", "billion", "trillion"}
_SUFFIX_SCALES = {"k": "thousand", "m": "million", "mm": "million", "b": "billion", "bn": "billion"}
_UNITS = {
    "x": "times",
    "kg": "kilograms",
    "km": "kilometers",
    "mph": "miles per hour",
    "h": "hours",
    "hr": "hours",
    "hrs": "hours",
    "min": "minutes",
    "mins": "minutes",
    "s": "seconds",
    "sec": "seconds",
    "ms": "milliseconds",
    "gb": "gigabytes",
    "mb": "megabytes",
    "tb": "terabytes",
    "fps": "f p s",
}
_CURRENCIES = {
    "$": ("dollar", "dollars", "cent", "cents"),
    "€": ("euro", "euros", "cent", "cents"),
    "£": ("pound", "pounds", "penny", "pence"),
    "¥": ("yen", "yen", "", ""),
}
_SYMBOLS = {"&": "and", "+": "plus", "@": "at", "=": "equals", "%": "percent", "×": "times", "#": "number"}
_YEAR_CONTEXT = {
    "in", "since", "by", "from", "until", "till", "before", "after", "around", "circa", "year", "years",
    "early", "late", "mid", "during", "through", "between", "and", "or", "to", "of", "back", "summer",
    "winter", "spring", "fall", "autumn", "class", "january", "february", "march", "april", "may",
    "june", "july", "august", "september", "october", "november", "december", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
}  # fmt: skip
_YEAR_VERBS = {
    "is", "was", "will", "would", "could", "can", "has", "had", "have", "brings", "brought", "marks",
    "marked", "saw", "sees", "changed", "changes", "starts", "started", "ends", "ended", "begins",
    "began", "looks", "looked",
}  # fmt: skip

_AMOUNT = r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?"
_CURRENCY_BEFORE = re.compile(rf"^([$€£¥]){_AMOUNT}(k|mm|m|bn|b)?$", re.IGNORECASE)
_CURRENCY_AFTER = re.compile(rf"^{_AMOUNT}([$€£¥])$")
_PERCENT = re.compile(rf"^([+-]?){_AMOUNT}%$")
_ORDINAL = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)(st|nd|rd|th)$", re.IGNORECASE)
_DECADE = re.compile(r"^(\d{2}|\d{4})'?s$")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?:([ap])\.?m\.?)?$", re.IGNORECASE)
_HOUR = re.compile(r"^(\d{1,2})([ap])\.?m\.?$", re.IGNORECASE)
_NUMBER = re.compile(rf"^([+-]?){_AMOUNT}$")
_NUMBER_UNIT = re.compile(rf"^{_AMOUNT}([a-zA-Z]+)$")
_EMAIL = re.compile(r"^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$")
_WORD = re.compile(r"^[^\W\d_]+(?:'[^\W\d_]+)*'?$")
_PARTS = re.compile(r"\d+(?:\.\d+)?|[^\W\d_]+(?:'[^\W\d_]+)*")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z][a-z])")


def _say_in_context(core: str, previous: str | None, following: str | None, ends_clause: bool):
    """Pairs for one core, and words owed to the next token ("$2 million" -> "million dollars")."""
    currency = _CURRENCY_BEFORE.match(core) or _CURRENCY_AFTER.match(core)
    if currency and following and following.lower() in _SCALES:
        whole, fraction, symbol = _currency_parts(currency)
        return _numbers(_decimal(whole, fraction)), [_CURRENCIES[symbol][1]]
    year_context = _is_year_context(previous, following, ends_clause)
    return _say(core, year_context=year_context), []


def _is_year_context(previous: str | None, following: str | None, ends_clause: bool) -> bool:
    if previous and previous.lower().strip("'") in _YEAR_CONTEXT:
        return True
    if following is None or ends_clause:
        return True
    if following.lower() in _YEAR_VERBS:
        return True
    return not _WORD.match(following)  # "2000 people" is a count, "2026 ..." before a symbol a year


def _say(core: str, *, year_context: bool = True) -> list[Pair]:
    if core in _SYMBOLS:
        return [(_SYMBOLS[core], _SYMBOLS[core])]
    if match := _CURRENCY_BEFORE.match(core) or _CURRENCY_AFTER.match(core):
        return _numbers(_money(match))
    if match := _PERCENT.match(core):
        return _numbers(_sign(match.group(1)) + _decimal(match.group(2), match.group(3)) + ["percent"])
    if match := _ORDINAL.match(core):
        return _numbers(_clean(num2words(_integer(match.group(1)), to="ordinal")))
    if match := _DECADE.match(core):
        return _numbers(_decade(match.group(1)))
    if match := _CLOCK.match(core):
        return _numbers(_clock(int(match.group(1)), int(match.group(2)), match.group(3)))
    if match := _HOUR.match(core):
        return _numbers(_cardinal(int(match.group(1))) + [match.group(2).lower(), "m"])
    if match := _NUMBER.match(core):
        return _numbers(_sign(match.group(1)) + _number(match.group(2), match.group(3), year_context))
    if match := _NUMBER_UNIT.match(core):
        return _numbers(_decimal(match.group(1), match.group(2)) + _unit(match.group(1), match.group(3)))
    if _WORD.match(core):
        return _word(core.rstrip("'"))
    if _EMAIL.match(core):
        return _compound(core)
    if core[0] in "#@" and len(core) > 1:  # "#1" is "number one"; a tag or handle is its words
        rest = _say(core[1:], year_context=False)
        return _numbers(["number"]) + rest if core[0] == "#" and core[1].isdigit() else rest
    if re.search(r"[-/&+]", core):
        return _compound(core)
    if re.fullmatch(r"[^\W\d_]+(?:\.[^\W\d_]+)+", core):  # U.S, e.g, reelmill.com
        parts = core.split(".")
        if all(len(part) == 1 for part in parts):
            return [(part.lower(), part) for part in parts]
        pairs: list[Pair] = []
        for index, part in enumerate(parts):
            pairs += ([("dot", "dot")] if index else []) + _word(part)
        return pairs
    pairs = []
    for part in _PARTS.findall(core):
        pairs += _numbers(_number(part.split(".")[0], _fraction(part), False)) if part[0].isdigit() else _word(part)
    return pairs


def _compound(core: str) -> list[Pair]:
    """Hyphenated, slashed and joined words: their parts, "10-15" as "ten to fifteen", "R&D" with "and".

    Digit groups that look like a phone number or a code ("555-0199") are said digit by digit.
    """
    if _EMAIL.match(core):
        local, domain = core.split("@", 1)
        return _say(local, year_context=False) + [("at", "at")] + _say(domain, year_context=False)
    pieces = [piece for piece in re.split(r"([-/&+])", core) if piece]
    groups = [piece for piece in pieces if piece not in "-/&+"]
    if all(group.isdigit() for group in groups) and "-" in pieces and _looks_like_a_code(groups):
        return _numbers([_DIGITS[int(digit)] for group in groups for digit in group])
    pairs: list[Pair] = []
    for index, piece in enumerate(pieces):
        if piece in "-/":
            before = pieces[index - 1] if index else ""
            after = pieces[index + 1] if index + 1 < len(pieces) else ""
            if piece == "-" and before[-1:].isdigit() and after[:1].isdigit():
                pairs.append(("to", "to"))
        elif piece in _SYMBOLS:
            pairs.append((_SYMBOLS[piece], _SYMBOLS[piece]))
        else:
            pairs += _say(piece, year_context=True)
    return pairs


def _looks_like_a_code(groups: list[str]) -> bool:
    if len(groups) > 2 or any(group.startswith("0") for group in groups):
        return True
    years = all(len(group) == 4 and 1100 <= int(group) <= 2099 for group in groups)  # 2024-2026
    return not years and sum(map(len, groups)) >= 7


def _word(word: str) -> list[Pair]:
    """A word as the script spells it; CamelCase names ("ReelMill") said as their parts."""
    parts = _CAMEL.split(word)
    if len(parts) > 1 and all(len(part.split("'")[0]) >= 3 for part in parts):
        return [(part.lower(), part) for part in parts]
    return [(word.lower(), word)]


def _numbers(words: list[str]) -> list[Pair]:
    return [(word, word) for word in words]


def _clean(said: str, *, keep_and: bool = False) -> list[str]:
    words = re.sub(r"[-,]", " ", said.lower()).split()
    return words if keep_and else [word for word in words if word != "and"]


def _integer(digits: str) -> int:
    return int(digits.replace(",", ""))


def _cardinal(number: int) -> list[str]:
    return _clean(num2words(number))


def _fraction(part: str) -> str | None:
    return part.split(".", 1)[1] if "." in part else None


def _decimal(whole: str, fraction: str | None) -> list[str]:
    words = _cardinal(_integer(whole))
    if fraction:
        words += ["point"] + [_DIGITS[int(digit)] for digit in fraction]
    return words


def _number(whole: str, fraction: str | None, year_context: bool) -> list[str]:
    if fraction is None and len(whole) == 4 and year_context and 1100 <= int(whole) <= 2099:
        return _clean(num2words(int(whole), to="year"))
    if fraction is None and len(whole) > 1 and whole.startswith("0"):  # "007", a code: digit by digit
        return [_DIGITS[int(digit)] for digit in whole]
    return _decimal(whole, fraction)


def _sign(sign: str) -> list[str]:
    return {"-": ["minus"], "+": ["plus"]}.get(sign, [])


def _currency_parts(match: re.Match) -> tuple[str, str | None, str]:
    if match.re is _CURRENCY_BEFORE:
        return match.group(2), match.group(3), match.group(1)
    return match.group(1), match.group(2), match.group(3)


def _money(match: re.Match) -> list[str]:
    whole, fraction, symbol = _currency_parts(match)
    one, many, cent, cents = _CURRENCIES[symbol]
    scale = match.group(4) if match.re is _CURRENCY_BEFORE else None
    if scale:  # "$1.5M": one point five million dollars
        return _decimal(whole, fraction) + [_SUFFIX_SCALES[scale.lower()], many]
    amount = _integer(whole)
    if fraction and (len(fraction) > 2 or not cent):
        return _decimal(whole, fraction) + [many]
    hundredths = int(fraction.ljust(2, "0")) if fraction else 0
    words: list[str] = []
    if amount or not hundredths:
        words += _cardinal(amount) + [one if amount == 1 else many]
    if hundredths:
        words += (["and"] if words else []) + _cardinal(hundredths) + [cent if hundredths == 1 else cents]
    return words


def _decade(digits: str) -> list[str]:
    number = int(digits)
    if len(digits) == 4 and 1100 <= number <= 2099 and number % 10 == 0:
        words = _clean(num2words(number, to="year"))
    elif len(digits) == 2 and number % 10 == 0 and number >= 10:
        words = _cardinal(number)
    else:
        return _cardinal(number) + ["s"]
    last = words[-1]
    words[-1] = last[:-1] + "ies" if last.endswith("y") else last + ("es" if last.endswith("x") else "s")
    return words


def _clock(hour: int, minute: int, half: str | None) -> list[str]:
    words = _cardinal(hour)
    if minute == 0:
        words += [] if half else ["o'clock"]
    elif minute < 10:
        words += ["oh"] + _cardinal(minute)
    else:
        words += _cardinal(minute)
    return words + ([half.lower(), "m"] if half else [])


def _unit(number: str, unit: str) -> list[str]:
    lower = unit.lower()
    if lower == "k" and number in ("4", "8"):  # 4K and 8K video
        return ["k"]
    if lower in _SUFFIX_SCALES:
        return [_SUFFIX_SCALES[lower]]
    if lower in _UNITS:
        return _UNITS[lower].split()
    return [lower] if len(lower) > 1 and not unit.isupper() else list(lower)
