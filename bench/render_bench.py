"""Benchmark the renderer against hand-written ffmpeg and moviepy (issue 4).

    .venv/bin/python bench/render_bench.py [--seconds 30] [--repeat 2]

Generates two 720x1280 clips and a music track, then renders the same composition
(side by side, music faded in and out, 720x1280 at 30 fps, x264 veryfast CRF 23, AAC):
  (a) through production.rendering,
  (b) as the equivalent hand-written ffmpeg command,
  (c) through moviepy 2 (clips_array + write_videofile, same encoder settings),
and (d) the same spec at the default 1080x1920 TikTok preset, for render seconds per
output second. Each run happens in a fresh child process so its peak memory is its own.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import imageio_ffmpeg  # noqa: E402

from production.rendering import AssetInfo, CompositionSpec, render  # noqa: E402

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
WIDTH, HEIGHT, FPS, CRF, X264_PRESET = 720, 1280, 30, 23, "veryfast"
MUSIC_VOLUME, FADE = 0.5, 2.0


def generate_inputs(folder: Path, seconds: float) -> dict[str, Path]:
    sources = {
        "left.mp4": f"testsrc2=s={WIDTH}x{HEIGHT}:r={FPS}:d={seconds}",
        "right.mp4": f"testsrc=s={WIDTH}x{HEIGHT}:r={FPS}:d={seconds}",
    }
    paths = {}
    for name, source in sources.items():
        paths[name] = folder / name
        subprocess.run(
            [FFMPEG, "-v", "error", "-y", "-f", "lavfi", "-i", source, "-f", "lavfi", "-i", f"sine=f=220:d={seconds}"]
            + ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", str(paths[name])],
            check=True,
        )
    paths["music.m4a"] = folder / "music.m4a"
    chord = f"aevalsrc=0.2*sin(2*PI*262*t)+0.2*sin(2*PI*330*t)+0.2*sin(2*PI*392*t):s=48000:d={seconds}"
    subprocess.run(
        [FFMPEG, "-v", "error", "-y", "-f", "lavfi", "-i", chord, "-c:a", "aac", str(paths["music.m4a"])], check=True
    )
    return paths


def spec_data(seconds: float, *, default_preset: bool = False) -> dict:
    output = {"platform": "tiktok"} if default_preset else {"platform": "tiktok", "resolution": "720p"}
    return {
        "inputs": [{"asset": 1}, {"asset": 2}],
        "layout": "side_by_side",
        "output": output,
        "duration": seconds,
        "audio": {
            "keep_input_audio": [],
            "music": {"asset": 3, "volume": MUSIC_VOLUME, "fade_in": FADE, "fade_out": FADE},
            # moviepy and the hand-written command do not normalise loudness; neither do we here.
            "loudness": -14.0 if default_preset else None,
        },
    }


def assets_for(folder: Path, seconds: float) -> dict[int, AssetInfo]:
    def video(id_: int, name: str) -> AssetInfo:
        return AssetInfo(id_, 1, "template", "ready", str(folder / name), seconds, WIDTH, HEIGHT, FPS, True, True, True)

    music = AssetInfo(3, 1, "audio", "ready", str(folder / "music.m4a"), seconds, None, None, None, True, False, True)
    return {1: video(1, "left.mp4"), 2: video(2, "right.mp4"), 3: music}


def run_ours(folder: Path, seconds: float, default_preset: bool) -> None:
    spec = CompositionSpec.from_dict(spec_data(seconds, default_preset=default_preset))
    render(spec, folder / "ours.mp4", assets=assets_for(folder, seconds))


def run_hand_written(folder: Path, seconds: float) -> None:
    half = WIDTH // 2
    graph = (
        f"[0:v]scale={half}:{HEIGHT}:force_original_aspect_ratio=increase,crop={half}:{HEIGHT}[l];"
        f"[1:v]scale={half}:{HEIGHT}:force_original_aspect_ratio=increase,crop={half}:{HEIGHT}[r];"
        "[l][r]hstack[v];"
        f"[2:a]volume={MUSIC_VOLUME},afade=t=in:d={FADE},afade=t=out:st={seconds - FADE}:d={FADE}[a]"
    )
    subprocess.run(
        [FFMPEG, "-v", "error", "-y", "-i", str(folder / "left.mp4"), "-i", str(folder / "right.mp4")]
        + ["-i", str(folder / "music.m4a"), "-filter_complex", graph, "-map", "[v]", "-map", "[a]"]
        + ["-c:v", "libx264", "-preset", X264_PRESET, "-crf", str(CRF), "-pix_fmt", "yuv420p", "-r", str(FPS)]
        + ["-c:a", "aac", "-b:a", "128k", "-ar", "48000", "-ac", "2", "-movflags", "+faststart"]
        + ["-t", str(seconds), str(folder / "hand.mp4")],
        check=True,
    )


def run_moviepy(folder: Path, seconds: float) -> None:
    from moviepy import AudioFileClip, VideoFileClip, afx, clips_array, vfx

    half = WIDTH // 2

    def fitted(name: str) -> VideoFileClip:
        clip = VideoFileClip(str(folder / name), audio=False).subclipped(0, seconds)
        return clip.with_effects([vfx.Crop(x_center=WIDTH / 2, width=half, height=HEIGHT)])

    music = AudioFileClip(str(folder / "music.m4a")).subclipped(0, seconds)
    music = music.with_effects([afx.MultiplyVolume(MUSIC_VOLUME), afx.AudioFadeIn(FADE), afx.AudioFadeOut(FADE)])
    video = clips_array([[fitted("left.mp4"), fitted("right.mp4")]]).with_audio(music)
    video.write_videofile(
        str(folder / "moviepy.mp4"),
        fps=FPS,
        codec="libx264",
        preset=X264_PRESET,
        audio_codec="aac",
        audio_bitrate="128k",
        audio_fps=48000,
        ffmpeg_params=["-crf", str(CRF), "-pix_fmt", "yuv420p", "-movflags", "+faststart"],
        logger=None,
    )


def child(variant: str, folder: Path, seconds: float) -> None:
    """Run one variant and print its wall time and peak memory as JSON."""
    started = time.perf_counter()
    if variant in ("ours", "ours_1080"):
        run_ours(folder, seconds, default_preset=variant == "ours_1080")
    elif variant == "hand":
        run_hand_written(folder, seconds)
    else:
        run_moviepy(folder, seconds)
    elapsed = time.perf_counter() - started
    # ru_maxrss is in KiB on Linux; CHILDREN is the largest ffmpeg this process waited for.
    peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"elapsed": elapsed, "ffmpeg_mib": peak_children, "python_mib": peak_self}))


def measure(variant: str, folder: Path, seconds: float) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--child", variant, "--folder", str(folder), "--seconds", str(seconds)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def best_of(variant: str, folder: Path, seconds: float, repeat: int) -> dict:
    runs = [measure(variant, folder, seconds) for _ in range(repeat)]
    return min(runs, key=lambda run: run["elapsed"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--repeat", type=int, default=3, help="runs of (a) and (b); the fastest counts")
    parser.add_argument("--child")
    parser.add_argument("--folder", type=Path)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.folder, args.seconds)
        return
    with tempfile.TemporaryDirectory(prefix="reelmill-bench-") as tmp:
        folder = Path(tmp)
        generate_inputs(folder, args.seconds)
        ours = best_of("ours", folder, args.seconds, args.repeat)
        hand = best_of("hand", folder, args.seconds, args.repeat)
        movie = measure("moviepy", folder, args.seconds)
        full = measure("ours_1080", folder, args.seconds)
    report(args.seconds, ours, hand, movie, full)


def report(seconds: float, ours: dict, hand: dict, movie: dict, full: dict) -> None:
    print(f"{seconds:g} s side_by_side of two {WIDTH}x{HEIGHT} clips + faded music -> {WIDTH}x{HEIGHT} @ {FPS} fps")
    print(f"x264 {X264_PRESET} crf {CRF}, AAC 128k; {_cores()} CPU cores")
    print(f"{'':28}{'wall s':>8}{'ffmpeg MiB':>12}{'python MiB':>12}")
    rows = [("(a) production.rendering", ours), ("(b) hand-written ffmpeg", hand), ("(c) moviepy 2", movie)]
    for name, run in rows:
        print(f"{name:28}{run['elapsed']:8.2f}{run['ffmpeg_mib']:12.0f}{run['python_mib']:12.0f}")
    print(f"a/b = {ours['elapsed'] / hand['elapsed']:.3f}   (target <= 1.10)")
    print(f"c/a = {movie['elapsed'] / ours['elapsed']:.2f}    (target >= 5)")
    print(
        f"1080x1920 default TikTok preset (+loudnorm): {full['elapsed']:.2f} s for {seconds:g} s "
        f"= {full['elapsed'] / seconds:.3f} s of render per s of output, ffmpeg peak {full['ffmpeg_mib']:.0f} MiB"
    )


def _cores() -> str:
    import os

    return str(os.cpu_count())


if __name__ == "__main__":
    main()
