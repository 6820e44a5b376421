"""Audio helpers: exact joins, durations, conversions, where speech is."""

import math
import wave

import pytest

from production.studio.engines import audio
from production.studio.engines.errors import EngineError


def tone(path, seconds, *, rate=22050, silence_before=0.0):
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(bytes(2 * int(silence_before * rate)))
        samples = [int(12000 * math.sin(2 * math.pi * 440 * index / rate)) for index in range(int(seconds * rate))]
        writer.writeframes(b"".join(sample.to_bytes(2, "little", signed=True) for sample in samples))
    return path


def test_join_reports_each_piece_where_it_sits(tmp_path):
    first, second = tone(tmp_path / "a.wav", 0.5), tone(tmp_path / "b.wav", 0.25)

    joined = audio.join_wavs([first, None, second], tmp_path / "joined.wav", gap=0.2)

    assert [edge for span in joined.spans for edge in span] == pytest.approx([0, 0.5, 0.5, 0.5, 0.7, 0.95], abs=1e-3)
    assert joined.duration == pytest.approx(0.95, abs=1e-3)
    assert audio.duration(joined.wav_path) == joined.duration


def test_join_converts_a_piece_in_another_format(tmp_path):
    first, other = tone(tmp_path / "a.wav", 0.5), tone(tmp_path / "b.wav", 0.5, rate=16000)

    joined = audio.join_wavs([first, other], tmp_path / "joined.wav", gap=0.0)

    assert joined.duration == pytest.approx(1.0, abs=0.01)
    assert not list(tmp_path.glob("*.tmp.wav"))


def test_mp3_duration_and_conversion(tmp_path):
    source = tone(tmp_path / "a.wav", 1.0)
    mp3 = tmp_path / "a.mp3"
    audio.run_ffmpeg(["-y", "-i", str(source), "-c:a", "libmp3lame", str(mp3)])

    assert audio.duration(mp3) == pytest.approx(1.0, abs=0.06)
    converted = audio.to_wav(mp3, tmp_path / "back.wav")
    with wave.open(str(converted)) as reader:
        assert (reader.getnchannels(), reader.getframerate()) == (1, 44100)


def test_an_unreadable_file_is_an_engine_error(tmp_path):
    broken = tmp_path / "broken.mp3"
    broken.write_bytes(b"not audio")

    with pytest.raises(EngineError, match="could not be read"):
        audio.pcm16k(broken)


def test_speech_bounds_find_the_sound_between_silences(tmp_path):
    path = tone(tmp_path / "a.wav", 0.5, rate=16000, silence_before=0.3)
    with wave.open(str(path)) as reader:
        pcm = reader.readframes(reader.getnframes()) + bytes(2 * 3200)  # and 0.2 s of silence after

    start, end = audio.speech_bounds(pcm)

    assert start == pytest.approx(0.3, abs=0.011)
    assert end == pytest.approx(0.8, abs=0.011)
    assert audio.speech_bounds(bytes(3200)) is None
