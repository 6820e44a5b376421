"""Small audio jobs for the engines: durations, 16 kHz PCM for the aligner, WAV joins with known spans.

ffmpeg is the one bundled with imageio-ffmpeg (the renderer's); WAV files are read and
written with the standard `wave` module so a join knows every chunk's position to the sample.
"""

from __future__ import annotations

import array
import subprocess
import wave
from dataclasses import dataclass, field
from pathlib import Path

import imageio_ffmpeg

from production.studio.engines.errors import EngineError

ALIGN_RATE = 16_000  # what pocketsphinx's US-English model was trained on
CHUNK_GAP_SECONDS = 0.2  # silence between two voiced chunks (the voice adds ~0.2 s of its own)
FFMPEG_TIMEOUT_SECONDS = 120


@dataclass
class Synthesis:
    """A voiced WAV and where each chunk sits in it: spans[i] = (start, end) seconds of chunk i."""

    wav_path: Path
    duration: float
    spans: list[tuple[float, float]] = field(default_factory=list)


def ffmpeg_exe() -> str:
    return imageio_ffmpeg.get_ffmpeg_exe()


def run_ffmpeg(arguments: list[str], *, timeout: float = FFMPEG_TIMEOUT_SECONDS) -> bytes:
    """Run ffmpeg, return its stdout; a failure is an EngineError with ffmpeg's last line."""
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", *arguments]
    try:
        finished = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise EngineError(f"Converting the audio took longer than {timeout:g} s.", permanent=False) from None
    if finished.returncode != 0:
        lines = finished.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = lines[-1] if lines else f"exit status {finished.returncode}"
        raise EngineError(f"The audio could not be read: {detail}", permanent=True)
    return finished.stdout


def pcm16k(path: Path) -> bytes:
    """The audio as 16 kHz mono signed 16-bit little-endian samples (the aligner's input)."""
    return run_ffmpeg(["-i", str(path), "-ac", "1", "-ar", str(ALIGN_RATE), "-f", "s16le", "-"])


def duration(path: Path) -> float:
    """Seconds of audio in a WAV (from its header) or any other file ffmpeg reads (decoded, exact)."""
    path = Path(path)
    if path.suffix.lower() == ".wav":
        try:
            with wave.open(str(path), "rb") as reader:
                return reader.getnframes() / reader.getframerate()
        except (wave.Error, EOFError):
            pass  # not PCM (e.g. float WAV): let ffmpeg decode it
    return len(pcm16k(path)) / (2 * ALIGN_RATE)


def to_wav(source: Path, dest: Path, *, sample_rate: int = 44_100) -> Path:
    """Convert any audio ffmpeg reads to mono 16-bit PCM WAV at `sample_rate`."""
    run_ffmpeg(["-y", "-i", str(source), "-ac", "1", "-ar", str(sample_rate), "-c:a", "pcm_s16le", str(dest)])
    return Path(dest)


def join_wavs(paths: list[Path | None], dest: Path, *, gap: float = CHUNK_GAP_SECONDS) -> Synthesis:
    """Join WAVs one after the other with `gap` seconds of silence between them.

    A None entry is a chunk with nothing to say: it gets a zero-length span where it falls.
    Pieces whose format differs from the first are converted to it first.
    """
    present = [Path(path) for path in paths if path is not None]
    if not present:
        raise EngineError("There is no audio to join.", permanent=True)
    with wave.open(str(present[0]), "rb") as first:
        channels, width, rate = first.getnchannels(), first.getsampwidth(), first.getframerate()
    silence = bytes(int(round(gap * rate)) * channels * width)
    spans: list[tuple[float, float]] = []
    frames_written = 0
    with wave.open(str(dest), "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(width)
        writer.setframerate(rate)
        for index, path in enumerate(paths):
            if path is None:
                spans.append((frames_written / rate, frames_written / rate))
                continue
            if frames_written and silence:
                writer.writeframes(silence)
                frames_written += len(silence) // (channels * width)
            frames = _frames_like(Path(path), channels, width, rate, Path(dest).with_suffix(f".{index}.tmp.wav"))
            start = frames_written
            writer.writeframes(frames)
            frames_written += len(frames) // (channels * width)
            spans.append((start / rate, frames_written / rate))
    return Synthesis(Path(dest), frames_written / rate, spans)


def _frames_like(path: Path, channels: int, width: int, rate: int, scratch: Path) -> bytes:
    with wave.open(str(path), "rb") as reader:
        if (reader.getnchannels(), reader.getsampwidth(), reader.getframerate()) == (channels, width, rate):
            return reader.readframes(reader.getnframes())
    arguments = ["-y", "-i", str(path), "-ac", str(channels), "-ar", str(rate), "-c:a", f"pcm_s{8 * width}le"]
    run_ffmpeg([*arguments, str(scratch)])
    try:
        with wave.open(str(scratch), "rb") as reader:
            return reader.readframes(reader.getnframes())
    finally:
        scratch.unlink(missing_ok=True)


def frame_peaks(pcm: bytes, *, rate: int = ALIGN_RATE, frame_seconds: float = 0.01) -> list[int]:
    """The loudest sample of each frame of 16-bit mono PCM (the aligner's 10 ms frames by default)."""
    samples = array.array("h")
    samples.frombytes(pcm[: len(pcm) - len(pcm) % 2])
    size = max(1, int(rate * frame_seconds))
    return [max(map(abs, samples[index : index + size])) for index in range(0, len(samples), size)]


def speech_bounds(pcm: bytes, *, rate: int = ALIGN_RATE, frame_seconds: float = 0.01) -> tuple[float, float] | None:
    """Where speech starts and ends in 16-bit mono PCM (seconds), by frame energy; None if silent."""
    peaks = frame_peaks(pcm, rate=rate, frame_seconds=frame_seconds)
    if not peaks or max(peaks) == 0:
        return None
    threshold = max(peaks) * 0.05  # 26 dB below the loudest frame
    loud = [index for index, peak in enumerate(peaks) if peak > threshold]
    length = len(pcm) // 2 / rate
    return loud[0] * frame_seconds, min(length, (loud[-1] + 1) * frame_seconds)
