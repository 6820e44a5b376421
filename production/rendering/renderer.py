"""The public entry points: render a spec to a file, or explain the command it would run."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .assets import AssetInfo
from .command import Command, build_command
from .errors import InvalidOutput
from .probe import MediaInfo, ProbeError, probe
from .runner import run_ffmpeg
from .spec import CompositionSpec


@dataclass(frozen=True)
class RenderResult:
    path: Path
    duration: float
    width: int
    height: int
    fps: float
    has_audio: bool
    size: int  # bytes
    elapsed: float  # wall-clock seconds
    command: list[str]
    srt_path: Path | None


def _as_spec(spec: CompositionSpec | Mapping[str, Any]) -> CompositionSpec:
    return spec if isinstance(spec, CompositionSpec) else CompositionSpec.from_dict(spec)


def explain(
    spec: CompositionSpec | Mapping[str, Any],
    output_path: str | Path,
    *,
    assets: Mapping[int, AssetInfo],
) -> str:
    """The exact, shell-quoted ffmpeg command `render()` runs for this spec and output."""
    return build_command(_as_spec(spec), output_path, assets=assets).shell()


def render(
    spec: CompositionSpec | Mapping[str, Any],
    output_path: str | Path,
    *,
    assets: Mapping[int, AssetInfo],
    on_progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
    timeout: float | None = None,
    workdir: str | Path | None = None,
) -> RenderResult:
    """Render with one ffmpeg process; the output appears only once it is valid.

    Raises SpecError when the spec does not fit the assets (missing asset, trim past the
    end), RenderError (or RenderTimeout / RenderCancelled / InvalidOutput) otherwise.
    """
    output = Path(output_path)
    command = build_command(_as_spec(spec), output, assets=assets, workdir=workdir)
    owns_workdir = workdir is None
    started = time.monotonic()
    try:
        _write_inputs(command)
        run_ffmpeg(
            command.argv,
            duration=command.duration,
            on_progress=on_progress,
            cancel=cancel,
            timeout=timeout,
        )
        info = validate_output(command)
        os.replace(command.output, output)
        srt_path = _write_sidecar(command, output)
    finally:
        command.output.unlink(missing_ok=True)
        _clean_inputs(command, owns_workdir)
    if on_progress is not None:
        on_progress(100.0)
    return RenderResult(
        path=output,
        duration=info.duration or 0.0,
        width=info.width or 0,
        height=info.height or 0,
        fps=info.fps or 0.0,
        has_audio=info.has_audio,
        size=output.stat().st_size,
        elapsed=time.monotonic() - started,
        command=command.argv,
        srt_path=srt_path,
    )


def _write_inputs(command: Command) -> None:
    command.output.parent.mkdir(parents=True, exist_ok=True)
    for path, content in command.files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")


def _clean_inputs(command: Command, owns_workdir: bool) -> None:
    for path in command.files:
        path.unlink(missing_ok=True)
    if owns_workdir and command.files:
        shutil.rmtree(next(iter(command.files)).parent, ignore_errors=True)


def validate_output(command: Command) -> MediaInfo:
    """Probe the finished file: duration within a frame, size, frame rate, audio."""
    try:
        info = probe(command.output)
    except ProbeError as error:
        raise InvalidOutput(f"ffmpeg wrote an unreadable file: {error}") from error
    problems = []
    frame = 1 / command.fps
    if info.duration is None or abs(info.duration - command.duration) > frame + 0.001:
        problems.append(f"duration {info.duration} s, expected {command.duration:.3f} s")
    if (info.width, info.height) != (command.width, command.height):
        problems.append(f"size {info.width}x{info.height}, expected {command.width}x{command.height}")
    if info.fps is None or abs(info.fps - command.fps) > 0.01:
        problems.append(f"{info.fps} fps, expected {command.fps}")
    if not info.has_audio:
        problems.append("no audio track")
    if problems:
        raise InvalidOutput("output is not what the spec asked for: " + "; ".join(problems))
    return info


def _write_sidecar(command: Command, output: Path) -> Path | None:
    if command.sidecar_srt is None:
        return None
    final = output.with_suffix(".srt")
    partial = final.with_name(f".{final.name}.partial")
    partial.write_text(command.sidecar_srt, encoding="utf-8")
    os.replace(partial, final)
    return final
