"""Run one ffmpeg process: percent progress, wall-clock limit, cancel, readable errors."""

from __future__ import annotations

import re
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from pathlib import Path

from .errors import RenderCancelled, RenderError, RenderTimeout

REPORT_EVERY_SECONDS = 1.0
POLL_SECONDS = 0.1
LOG_TAIL_LINES = 40
# "[in#0 @ 0x55ac...] " prefixes name ffmpeg internals, not anything a user can act on.
_CONTEXT_PREFIX = re.compile(r"^\[[^\]]* @ 0x[0-9a-f]+\] ")
_FAILED_INPUT = re.compile(r"Error opening input file (.+?)\.?$")
_ERROR_WORDS = ("error", "invalid", "no such file", "failed", "not found", "cannot", "unable")


class _Progress:
    """Latest position reported by `-progress pipe:1`, shared with the reader thread."""

    def __init__(self, duration: float):
        self.duration = duration
        self.percent = 0.0

    def feed(self, lines: Iterable[str]) -> None:
        for line in lines:
            key, _, value = line.strip().partition("=")
            # out_time_us is microseconds (out_time_ms too, despite its name).
            if key == "out_time_us" and value.lstrip("-").isdigit() and self.duration > 0:
                done = int(value) / 1_000_000 / self.duration * 100
                self.percent = max(self.percent, min(99.0, done))


def run_ffmpeg(
    argv: list[str],
    *,
    duration: float,
    on_progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
    timeout: float | None = None,
) -> str:
    """Run ffmpeg to the end and return its log tail, or raise a RenderError.

    `on_progress` is called from the calling thread (a task's database connection lives
    there), with a percent that only goes up; 100 is left to the caller, after validation.
    """
    started = time.monotonic()
    process = subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
    )
    progress = _Progress(duration)
    log: deque[str] = deque(maxlen=LOG_TAIL_LINES)
    readers = [
        threading.Thread(target=progress.feed, args=(process.stdout,), daemon=True),
        threading.Thread(target=log.extend, args=(process.stderr,), daemon=True),
    ]
    for reader in readers:
        reader.start()
    try:
        _supervise(process, progress, on_progress, cancel, timeout, started, log)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        for reader in readers:
            reader.join(timeout=5)
    tail = "".join(log)
    if process.returncode != 0:
        raise RenderError(_summary(log, process.returncode), log_tail=tail, command=argv)
    return tail


def _supervise(
    process: subprocess.Popen[str],
    progress: _Progress,
    on_progress: Callable[[float], None] | None,
    cancel: threading.Event | None,
    timeout: float | None,
    started: float,
    log: deque[str],
) -> None:
    reported, last_report = -1.0, time.monotonic()
    while True:
        try:
            process.wait(timeout=POLL_SECONDS)
            return
        except subprocess.TimeoutExpired:
            pass
        # Report on every advance, and at least every second while ffmpeg is quiet, so a
        # caller that heartbeats from this callback keeps its lease through slow stretches.
        quiet_for = time.monotonic() - last_report
        if on_progress is not None and (progress.percent > reported or quiet_for >= REPORT_EVERY_SECONDS):
            reported, last_report = max(reported, progress.percent), time.monotonic()
            on_progress(reported)
        if cancel is not None and cancel.is_set():
            process.kill()
            raise RenderCancelled("render cancelled", log_tail="".join(log), command=list(process.args))
        if timeout is not None and time.monotonic() - started > timeout:
            process.kill()
            raise RenderTimeout(f"render took longer than {timeout:g} s and was stopped", log_tail="".join(log))


def _summary(log: Iterable[str], returncode: int) -> str:
    """The line of ffmpeg's log that says what went wrong, not just "exit 1"."""
    lines = [_CONTEXT_PREFIX.sub("", line).strip() for line in log if line.strip()]
    culprit = next(
        (line for line in reversed(lines) if any(w in line.lower() for w in _ERROR_WORDS)),
        lines[-1] if lines else "no message",
    )
    failed_input = next((m.group(1) for line in lines if (m := _FAILED_INPUT.match(line))), None)
    if failed_input:
        culprit += f" (input {Path(failed_input).name})"
    if len(culprit) > 300:
        culprit = culprit[:297] + "..."
    return f"ffmpeg failed (exit {returncode}): {culprit}"
