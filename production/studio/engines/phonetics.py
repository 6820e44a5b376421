"""A rough English letter-to-phone guess for words the aligner's dictionary lacks ("Zorblax").

The aligner only needs a pronunciation close enough for the acoustic model to find the word
between its neighbours, not a correct one: ARPABET phones from spelling rules, longest
grapheme first, with a few context rules (soft c and g, silent final e, magic e).
Initialisms ("XQZ") are spelled out letter by letter, as a voice says them.
"""

from __future__ import annotations

import re
import unicodedata

LETTER_NAMES = {
    "a": "EY", "b": "B IY", "c": "S IY", "d": "D IY", "e": "IY", "f": "EH F", "g": "JH IY", "h": "EY CH",
    "i": "AY", "j": "JH EY", "k": "K EY", "l": "EH L", "m": "EH M", "n": "EH N", "o": "OW", "p": "P IY",
    "q": "K Y UW", "r": "AA R", "s": "EH S", "t": "T IY", "u": "Y UW", "v": "V IY",
    "w": "D AH B AH L Y UW", "x": "EH K S", "y": "W AY", "z": "Z IY",
}  # fmt: skip

# Longest graphemes first; each maps to its usual phones ("" = silent).
_GRAPHEMES = {
    "tion": "SH AH N", "sion": "ZH AH N", "ture": "CH ER", "ough": "AO", "eigh": "EY",
    "tch": "CH", "sch": "S K", "igh": "AY", "dge": "JH", "air": "EH R", "ear": "IH R", "eer": "IH R",
    "ch": "CH", "sh": "SH", "th": "TH", "ph": "F", "wh": "W", "ck": "K", "ng": "NG", "qu": "K W",
    "gh": "", "oo": "UW", "ee": "IY", "ea": "IY", "ai": "EY", "ay": "EY", "ei": "EY", "ey": "EY",
    "oa": "OW", "ow": "OW", "ou": "AW", "oi": "OY", "oy": "OY", "au": "AO", "aw": "AO", "ie": "IY",
    "ue": "UW", "ew": "UW", "er": "ER", "ir": "ER", "ur": "ER", "ar": "AA R", "or": "AO R",
    "a": "AE", "e": "EH", "i": "IH", "o": "AA", "u": "AH",
    "b": "B", "d": "D", "f": "F", "h": "HH", "j": "JH", "k": "K", "l": "L", "m": "M", "n": "N",
    "p": "P", "q": "K", "r": "R", "s": "S", "t": "T", "v": "V", "w": "W", "x": "K S", "z": "Z",
}  # fmt: skip
_LONG = {"a": "EY", "e": "IY", "i": "AY", "o": "OW", "u": "UW"}
_VOWELS = set("aeiouy")


def spelled(word: str) -> str:
    """Phones of a word said letter by letter ("FBI")."""
    letters = [LETTER_NAMES[char] for char in ascii_letters(word) if char in LETTER_NAMES]
    return " ".join(letters) or "AH"


def guess(word: str) -> str:
    """Space-separated ARPABET phones for an English-looking word; never empty."""
    letters = ascii_letters(word)
    phones: list[str] = []
    index = 0
    while index < len(letters):
        rest = letters[index:]
        if index == 0 and rest[:2] in ("kn", "wr", "gn", "ps"):  # silent first letter
            index += 1
            continue
        if rest[0] == "e" and index == len(letters) - 1 and len(letters) > 2 and letters[-2] not in _VOWELS:
            break  # final silent e
        size = next((size for size in (4, 3, 2) if rest[:size] in _GRAPHEMES and len(rest) >= size), 1)
        grapheme = rest[:size]
        if size > 1:
            phones += ["G"] if grapheme == "gh" and index == 0 else _GRAPHEMES[grapheme].split()
        elif _is_magic_e(letters, index):
            phones.append(_LONG[grapheme])
        elif grapheme == "y":
            phones.append("Y" if index == 0 else ("IY" if index == len(letters) - 1 else "IH"))
        elif grapheme in "cg":
            soft = len(rest) > 1 and rest[1] in "eiy"
            phones.append({"c": "S" if soft else "K", "g": "JH" if soft else "G"}[grapheme])
        elif grapheme in _GRAPHEMES:
            phones += _GRAPHEMES[grapheme].split()
        index += size
        # A doubled consonant is said once ("Zorblaxx").
        while index < len(letters) and letters[index] == letters[index - 1] and letters[index] not in _VOWELS:
            index += 1
    return " ".join(phones) or "AH"


def _is_magic_e(letters: str, index: int) -> bool:
    """ "blaze", "rote": a vowel, one consonant, then a final e makes the vowel long."""
    return (
        letters[index] in _LONG
        and index + 2 == len(letters) - 1
        and letters[-1] == "e"
        and letters[index + 1] not in _VOWELS
        and len(letters) > 3
    )


def ascii_letters(word: str) -> str:
    """The word in plain lower-case a-z (accents dropped, apostrophes and symbols removed)."""
    plain = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z]", "", plain)


def dictionary_key(word: str) -> str:
    """The word as the aligner's dictionary spells its entries: a-z and inner apostrophes."""
    plain = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z']", "", plain).strip("'")
