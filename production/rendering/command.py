"""Compile a CompositionSpec into one ffmpeg command: inputs, filter graph, encoder."""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg

from . import presets
from .assets import AssetInfo
from .audio import build_audio
from .context import BuildContext
from .graph import seconds
from .layout import build_video
from .spec import CompositionSpec
from .text import build_text, caption_sidecar
from .timeline import build_timeline


@dataclass(frozen=True)
class Command:
    argv: list[str]
    output: Path  # the temporary file ffmpeg writes; moved into place once valid
    duration: float
    width: int
    height: int
    fps: int
    files: dict[Path, str]  # written into the work folder before ffmpeg starts
    sidecar_srt: str | None  # caption text for <output>.srt, if wanted

    def shell(self) -> str:
        return shlex.join(self.argv)


def ffmpeg_exe() -> str:
    return imageio_ffmpeg.get_ffmpeg_exe()


def work_paths(output_path: str | Path) -> tuple[Path, Path]:
    """Work folder and temporary output next to the final file.

    The names are fixed per output so `explain()` shows the very command `render()` runs;
    a queue item's output path is rendered by one worker at a time (its lease).
    Same folder = same filesystem, so the final move is atomic.
    """
    output = Path(output_path).absolute()
    return output.parent / f".{output.name}.work", output.parent / f".{output.stem}.partial.mp4"


def build_command(
    spec: CompositionSpec,
    output_path: str | Path,
    *,
    assets: Mapping[int, AssetInfo],
    workdir: str | Path | None = None,
) -> Command:
    default_workdir, partial = work_paths(output_path)
    width, height = spec.output.size
    ctx = BuildContext(
        spec=spec,
        assets=assets,
        timeline=build_timeline(spec, assets),
        workdir=Path(workdir) if workdir else default_workdir,
        width=width,
        height=height,
        fps=spec.output.frame_rate,
    )
    video = build_text(ctx, build_video(ctx))
    video = ctx.graph.chain([video], [f"format={presets.PIXEL_FORMAT}"], "vout")
    audio = build_audio(ctx)
    argv = [
        *_global_options(),
        *ctx.inputs.args,
        "-filter_complex",
        ctx.graph.script(),
        "-map",
        video,
        "-map",
        audio,
        *_encoder_options(spec, ctx.fps),
        "-t",
        seconds(ctx.duration),
        "-f",
        "mp4",
        str(partial),
    ]
    return Command(
        argv=argv,
        output=partial,
        duration=ctx.duration,
        width=width,
        height=height,
        fps=ctx.fps,
        files=ctx.files,
        sidecar_srt=caption_sidecar(ctx),
    )


def _global_options() -> list[str]:
    # -progress on stdout gives machine-readable timestamps for the percent callback;
    # warnings on stderr are what ends up in RenderError.log_tail.
    return [
        ffmpeg_exe(),
        "-hide_banner",
        "-nostdin",
        "-y",
        "-loglevel",
        "warning",
        "-nostats",
        "-progress",
        "pipe:1",
        "-stats_period",
        "0.5",
    ]


def _encoder_options(spec: CompositionSpec, fps: int) -> list[str]:
    output = spec.output
    if output.video_bitrate_kbps:
        rate = output.video_bitrate_kbps
        quality = ["-b:v", f"{rate}k", "-maxrate", f"{rate}k", "-bufsize", f"{rate * 2}k"]
    else:
        quality = ["-crf", str(output.constant_rate_factor)]
    return [
        "-c:v",
        presets.VIDEO_CODEC,
        "-preset",
        output.x264_preset,
        *quality,
        "-pix_fmt",
        presets.PIXEL_FORMAT,
        "-r",
        str(fps),
        "-c:a",
        presets.AUDIO_CODEC,
        "-b:a",
        f"{output.audio_bitrate_kbps}k",
        "-ar",
        str(presets.AUDIO_RATE),
        "-ac",
        "2",
        # moov atom first: platforms and browsers can start playing before the download ends.
        "-movflags",
        "+faststart",
    ]
