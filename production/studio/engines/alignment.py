"""Word timings for a known script: forced alignment against the voice with pocketsphinx.

Captions show the script's own words ("$19.99"), the voice says their spoken form
("nineteen dollars and ninety nine cents"): `normalize` gives both, pocketsphinx times the
spoken words, and each display token runs from its first spoken word's start to its last's
end. Audio voiced chunk by chunk (a sentence, a scene) is aligned chunk by chunk inside the
spans the synthesis reported, so a chunk that does not align falls back to estimated
timings on its own, between exact edges. Whatever happens, the result has one Word per
display token, in order, each with start < end, none overlapping, all inside the audio.

pocketsphinx 5: `Decoder(samprate=16000, bestpath=False)`, `set_align_text(text)`, one pass
over 16 kHz mono PCM, then the word segmentation (`seg()`, 10 ms frames). The recipe's
second, phone-level pass (`set_alignment()`, `get_alignment()`) gave the very same word
boundaries on bench/studio_bench.py's ground truth at three times the cost, so words are
read from the first pass; its per-word posteriors tell a text that fits the audio from one
that does not. The decoder is created once per process (loading the model costs ~0.3 s)
and guarded by a lock.
"""

from __future__ import annotations

import difflib
import logging
import math
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from production.studio.engines import audio, phonetics
from production.studio.engines.normalize import Token, spoken_tokens, tokens_with_offsets
from production.studio.types import Word

logger = logging.getLogger(__name__)

ALIGNMENT, MIXED, ESTIMATED = "alignment", "mixed", "estimated"
FRAME_SECONDS = 0.01
MIN_WORD_SECONDS = 0.02
# Forced onto audio of other words, the aligner still returns an answer; two signs give it away,
# measured on Piper audio at speeds 0.6-1.6 (the right text: posterior 0.92+ per word on average,
# none of the loud frames called silence; another sentence's text: 0.25-0.97 and 0-97 %):
MIN_MEAN_POSTERIOR = 0.88
MAX_LOUD_SILENCE_SHARE = 0.05  # of the frames within 20 dB of the loudest, labelled as silence
LOUD_FRACTION = 0.1
SILENT_FRACTION = 0.015  # frames 36 dB below the loudest are silence at a word's edge
EDGE_MARGIN_FRAMES = 2  # kept around the speech when an edge is pulled in
_BYTES_PER_SECOND = 2 * audio.ALIGN_RATE


@dataclass
class Alignment:
    words: list[Word]
    source: str  # "alignment" | "mixed" | "estimated"
    aligned_share: float  # share of display tokens timed by the aligner, 0..1


def align(
    audio_path: Path,
    text: str,
    *,
    spans: list[tuple[float, float]] | None = None,
    chunks: list[str] | None = None,
) -> Alignment:
    """Time every display token of the script in the audio.

    With `spans` (from synthesis) `chunks` must be the texts voiced in them, one per span, and
    each chunk is aligned within its own span; without, `text` (or the chunks joined) is
    aligned against the whole audio.
    """
    pcm = audio.pcm16k(Path(audio_path))
    total = len(pcm) / _BYTES_PER_SECOND
    if spans is None:
        pieces = [(" ".join(chunks) if chunks else text, 0.0, total)]
    else:
        if chunks is None or len(chunks) != len(spans):
            raise ValueError("align() needs one chunk of text per span")
        pieces = [(chunk, start, end) for chunk, (start, end) in zip(chunks, spans, strict=True)]
    timed: list[tuple[str, float, float]] = []
    aligned_tokens = all_tokens = 0
    for chunk, start, end in pieces:
        tokens = spoken_tokens(chunk)
        if not tokens:
            continue
        start, end = max(0.0, min(start, total)), max(0.0, min(end, total))
        piece = pcm[_byte(start) : _byte(end)]
        times = _aligned_times(piece, tokens)
        if times is None:
            times = _estimated_times(piece, tokens)
        else:
            aligned_tokens += len(tokens)
        all_tokens += len(tokens)
        length = end - start  # the last 10 ms frame may run past the chunk's end: keep words inside it
        timed += [
            (token.display, start + min(begin, length), start + min(finish, length))
            for token, (begin, finish) in zip(tokens, times, strict=True)
        ]
    share = aligned_tokens / all_tokens if all_tokens else 0.0
    source = ALIGNMENT if share == 1.0 else (ESTIMATED if aligned_tokens == 0 else MIXED)
    return Alignment(_tidy(timed, total), source, round(share, 3))


def _byte(seconds: float) -> int:
    return int(round(seconds * audio.ALIGN_RATE)) * 2


# --- pocketsphinx ------------------------------------------------------------------------------

_decoder = None
_lock = threading.Lock()


def _get_decoder():
    global _decoder
    if _decoder is None:
        from pocketsphinx import Decoder

        _decoder = Decoder(samprate=audio.ALIGN_RATE, bestpath=False, loglevel="FATAL")
    return _decoder


def _aligned_times(pcm: bytes, tokens: list[Token]) -> list[tuple[float, float]] | None:
    """(start, end) per token relative to the piece, or None when the text does not fit the audio."""
    grammar: list[str] = []
    owners: list[int] = []
    for index, token in enumerate(tokens):
        for word in _grammar_words(token):
            grammar.append(word)
            owners.append(index)
    if not grammar or len(pcm) < _BYTES_PER_SECOND * 0.1:
        return None
    with _lock:
        decoder = _get_decoder()
        _ensure_in_dictionary(decoder, grammar, tokens, owners)
        segments = _run_alignment(decoder, pcm, " ".join(grammar))
    peaks = audio.frame_peaks(pcm)
    if segments is None or not _plausible(segments, peaks):
        return None
    words = [(start * FRAME_SECONDS, end * FRAME_SECONDS) for start, end, _, filler in segments if not filler]
    if len(words) != len(grammar):
        return None
    spans: list[tuple[float, float] | None] = [None] * len(tokens)
    for owner, (begin, finish) in zip(owners, words, strict=True):
        current = spans[owner]
        spans[owner] = (begin, finish) if current is None else (current[0], finish)
    return _trimmed_to_speech(_share_unaligned(spans), peaks)


def _trimmed_to_speech(spans: list[tuple[float, float]], peaks: list[int]) -> list[tuple[float, float]]:
    """Pull word edges off near-silent frames: the aligner gives a chunk's closing silence to its
    last word (and an opening one to the first) when it finds no <sil> there."""
    threshold = max(peaks, default=0) * SILENT_FRACTION
    trimmed = []
    for begin, finish in spans:
        first, last = round(begin / FRAME_SECONDS), min(len(peaks), round(finish / FRAME_SECONDS))
        keep = round(MIN_WORD_SECONDS / FRAME_SECONDS)
        while last - first > keep and peaks[last - 1] <= threshold:
            last -= 1
        while last - first > keep and peaks[first] <= threshold:
            first += 1
        margin = EDGE_MARGIN_FRAMES
        trimmed.append((max(begin, (first - margin) * FRAME_SECONDS), min(finish, (last + margin) * FRAME_SECONDS)))
    return trimmed


Segment = tuple[int, int, float, bool]  # start frame, end frame (exclusive), posterior, is silence/noise


def _run_alignment(decoder, pcm: bytes, text: str) -> list[Segment] | None:
    """One alignment pass: the segmentation of the audio into the text's words and silences."""
    try:
        decoder.set_align_text(text)
        decoder.start_utt()
        decoder.process_raw(pcm, full_utt=True)
        decoder.end_utt()
        if decoder.hyp() is None:  # "Final result does not match the grammar"
            return None
        # Read every field while iterating: the entries do not outlive the iteration.
        return [
            (segment.start_frame, segment.end_frame + 1, segment.prob, _is_filler(segment.word))
            for segment in decoder.seg()
        ]
    except RuntimeError as exc:  # "Failed to set up sub-word alignment" and friends
        logger.debug("Alignment failed: %s", exc)
        return None


def _plausible(segments: list[Segment], peaks: list[int]) -> bool:
    """Does the aligned text look like what was said? (See MIN_MEAN_POSTERIOR.)"""
    posteriors = [prob for _, _, prob, filler in segments if not filler]
    if not posteriors or sum(posteriors) / len(posteriors) < MIN_MEAN_POSTERIOR:
        return False
    threshold = max(peaks, default=0) * LOUD_FRACTION
    loud = [peak > threshold for peak in peaks]
    loud_frames = sum(loud)
    silenced = sum(sum(loud[start:end]) for start, end, _, filler in segments if filler)
    return loud_frames == 0 or silenced / loud_frames <= MAX_LOUD_SILENCE_SHARE


def _is_filler(word: str) -> bool:
    return word.startswith("<") or word.startswith("[")


def _grammar_words(token: Token) -> list[str]:
    """The token's spoken words as dictionary keys: a-z and apostrophes only."""
    words = []
    for word in token.spoken:
        if key := phonetics.dictionary_key(word):
            words.append(key)
    return words


def _ensure_in_dictionary(decoder, grammar: list[str], tokens: list[Token], owners: list[int]) -> None:
    """Give words the dictionary lacks ("zorblax", "reelmill's") a guessed pronunciation."""
    missing = [
        (word, tokens[owner]) for word, owner in dict(zip(grammar, owners, strict=True)).items()
        if decoder.lookup_word(word) is None
    ]  # fmt: skip
    for position, (word, token) in enumerate(missing):
        decoder.add_word(word, _pronounce(decoder, word, token), update=position == len(missing) - 1)


def _pronounce(decoder, word: str, token: Token) -> str:
    if word.endswith("'s") and (base := decoder.lookup_word(word[:-2])):
        return base + (" IH Z" if base.split()[-1] in ("S", "Z", "SH", "ZH", "CH", "JH") else " Z")
    voiced = token.voiced.strip(".,!?;:").split()
    initialism = len(voiced) == len(token.spoken) and any(part.isupper() and part.lower() == word for part in voiced)
    if initialism and len(word) <= 5:  # not in the dictionary: voices spell those out
        return phonetics.spelled(word)
    return phonetics.guess(word)


def _share_unaligned(spans: list[tuple[float, float] | None]) -> list[tuple[float, float]]:
    """A token with no word the aligner could use ("日本") takes half of its neighbour's time."""
    result = list(spans)
    for index, span in enumerate(spans):
        if span is not None:
            continue
        neighbour = next((i for i in range(index - 1, -1, -1) if result[i] is not None), None)
        if neighbour is None:
            neighbour = next(i for i in range(index + 1, len(result)) if result[i] is not None)
        start, end = result[neighbour]
        middle = start + (end - start) * 0.5
        result[neighbour], result[index] = (
            ((start, middle), (middle, end)) if neighbour < index else ((middle, end), (start, middle))
        )
    return result


# --- estimates ---------------------------------------------------------------------------------


def _estimated_times(pcm: bytes, tokens: list[Token]) -> list[tuple[float, float]]:
    """Proportional timing over the speech in the piece: syllables for words, breaths at punctuation."""
    length = len(pcm) / _BYTES_PER_SECOND
    bounds = audio.speech_bounds(pcm) or (0.0, length)
    begin, finish = bounds if bounds[1] > bounds[0] else (0.0, length)
    units: list[tuple[float, float]] = []  # (speaking units, pause units after)
    for index, token in enumerate(tokens):
        pause = 0.0
        if index < len(tokens) - 1:
            pause = (
                1.5
                if re.search(r"[.!?…]\W*$", token.display)
                else (0.8 if re.search(r"[,;:—–]\W*$", token.display) else 0.0)
            )
        units.append((sum(_syllables(word) for word in token.spoken) or 1, pause))
    scale = (finish - begin) / sum(speak + pause for speak, pause in units)
    times, cursor = [], begin
    for speak, pause in units:
        times.append((cursor, cursor + speak * scale))
        cursor += (speak + pause) * scale
    return times


def _syllables(word: str) -> int:
    groups = len(re.findall(r"[aeiouy]+", word))
    if word.endswith("e") and not word.endswith(("le", "ee")) and groups > 1:
        groups -= 1
    return max(1, groups)


def _tidy(timed: list[tuple[str, float, float]], total: float) -> list[Word]:
    """In order, start < end, no overlaps, inside [0, total] (milliseconds, rounded down at the end)."""
    total = math.floor(total * 1000) / 1000
    words: list[Word] = []
    cursor = 0.0
    count = len(timed)
    for index, (text, start, end) in enumerate(timed):
        room_after = (count - index - 1) * MIN_WORD_SECONDS
        start = min(max(start, cursor), max(0.0, total - room_after - MIN_WORD_SECONDS))
        end = min(max(end, start + MIN_WORD_SECONDS), max(start + MIN_WORD_SECONDS, total - room_after))
        if end > total:  # more words than the audio has room for at the minimum length: share it out
            start, end = total * index / count, total * (index + 1) / count
        start, end = round(start, 3), round(end, 3)
        words.append(Word(text, start, end))
        cursor = end
    return words


# --- timings a provider gave (ElevenLabs) ------------------------------------------------------


def words_from_characters(text: str, characters: list[str], starts: list[float], ends: list[float]) -> list[Word]:
    """Display-token words from per-character timings (ElevenLabs' `alignment`).

    `text` is what was sent to be voiced; its characters may differ slightly from the
    provider's list (normalised quotes, dropped whitespace): positions are matched up.
    """
    said = "".join(characters)
    offsets = _char_index_map(text, said)
    timed: list[tuple[str, float, float]] = []
    for token, begin, finish in tokens_with_offsets(text):
        indices = [offsets[position] for position in range(begin, finish) if offsets[position] is not None]
        indices = [index for index in indices if not said[index].isspace()]
        if not indices:
            timed.append((token.display, timed[-1][2] if timed else 0.0, timed[-1][2] if timed else 0.0))
            continue
        timed.append((token.display, float(starts[min(indices)]), float(ends[max(indices)])))
    total = max([float(end) for end in ends] or [0.0])
    return _tidy(timed, total)


def _char_index_map(text: str, said: str) -> list[int | None]:
    """For each position in `text`, the index of the same character in `said` (or None)."""
    if text == said:
        return list(range(len(text)))
    mapping: list[int | None] = [None] * len(text)
    matcher = difflib.SequenceMatcher(None, text, said, autojunk=False)
    for block in matcher.get_matching_blocks():
        for offset in range(block.size):
            mapping[block.a + offset] = block.b + offset
    return mapping
