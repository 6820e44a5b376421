"""Benchmark the studio's offline engines: voice-over (Piper) and word timings (pocketsphinx).

    .venv/bin/python bench/studio_bench.py [--repeat 3]

No network. A ~30 s script (about 75 words, with numbers and money) is
  (a) voiced sentence by sentence by production.studio.engines.piper (one child process;
      for comparison also one process per sentence),
  (b) word-timed by production.studio.engines.alignment within each sentence's span:
      cold (first call in a process, loads the model) and warm (the decoder reused),
with two references measured in the same run: ffmpeg converting that audio to the
aligner's 16 kHz PCM, and the audio's own duration (real-time factor 1.0). Target:
voice + cold alignment under 0.5x the audio's duration.

Then the word-boundary error of the alignment against ground truth: every display token
voiced on its own (one Piper process, one line per token), each clip trimmed to its speech
by sample amplitude, the clips joined with known silences (80-200 ms, varied), so every
token's start and end is known to the sample; the joined audio is aligned with the same
aligner (whole text, no spans) and the median and 95th-percentile absolute errors of
starts and ends are reported in ms. Target: median under 60 ms. The same audio is also
aligned with STUDIO.md's two-pass recipe (a second, phone-level pass) for its cost and error:
the engine reads words from the first pass alone.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from array import array
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from production.studio.engines import alignment, audio, normalize, piper  # noqa: E402

SCRIPT = (
    "Most creators spend 5 hours a week fixing captions by hand. "
    "ReelMill writes the script, voices it and times every word for you. "
    "In 2026, short video is still the fastest way to grow an audience. "
    "Pick a topic, choose a voice, and press render. "
    "Your first 30 videos are free, and after that the plan costs $19.99 a month. "
    "No cloud voice that stops working, no captions out of sync. "
    "Try it today and post your first clip tonight!"
)
SILENCE_RANGE = (0.08, 0.20)  # seconds between ground-truth words
LEAD_SILENCE = 0.3
SPEECH_THRESHOLD = 0.01  # of full scale (-40 dBFS): below it a clip's edge counts as silence
SEED = 2026


def sentences(text: str) -> list[str]:
    import re

    return [part.strip() for part in re.split(r"(?<=[.!?])\s+", text) if part.strip()]


def child_align(wav: Path, chunks: list[str], spans: list[tuple[float, float]]) -> None:
    """In a fresh process: one cold alignment (loads the model), then a warm one."""
    started = time.perf_counter()
    result = alignment.align(wav, " ".join(chunks), spans=spans, chunks=chunks)
    cold = time.perf_counter() - started
    started = time.perf_counter()
    alignment.align(wav, " ".join(chunks), spans=spans, chunks=chunks)
    warm = time.perf_counter() - started
    print(json.dumps({"cold": cold, "warm": warm, "source": result.source, "share": result.aligned_share}))


def measure_pipeline(folder: Path, repeat: int) -> dict:
    chunks = sentences(SCRIPT)
    voice_runs, align_runs, convert_runs = [], [], []
    synthesis = None
    for _ in range(repeat):
        started = time.perf_counter()
        synthesis = piper.synthesize(chunks, speed=1.0, workdir=folder)
        voice_runs.append(time.perf_counter() - started)
        started = time.perf_counter()
        audio.pcm16k(synthesis.wav_path)
        convert_runs.append(time.perf_counter() - started)
        spans = json.dumps(synthesis.spans)
        finished = subprocess.run(
            [sys.executable, __file__, "--child-align", str(synthesis.wav_path), "--spans", spans],
            capture_output=True,
            text=True,
            check=True,
        )
        align_runs.append(json.loads(finished.stdout.strip().splitlines()[-1]))
    started = time.perf_counter()
    for chunk in chunks:  # the alternative: a process (and a voice load) per sentence
        piper.synthesize([chunk], speed=1.0, workdir=folder)
    per_chunk = time.perf_counter() - started
    best_align = min(align_runs, key=lambda run: run["cold"])
    return {
        "words": len(normalize.spoken_tokens(SCRIPT)),
        "chunks": len(chunks),
        "duration": synthesis.duration,
        "voice": min(voice_runs),
        "voice_per_chunk": per_chunk,
        "align_cold": best_align["cold"],
        "align_warm": min(run["warm"] for run in align_runs),
        "convert": min(convert_runs),
        "source": best_align["source"],
        "share": best_align["share"],
    }


# --- ground truth ------------------------------------------------------------------------------


def trimmed_frames(path: Path) -> tuple[bytes, int]:
    """The clip's samples from its first to its last sample above the speech threshold."""
    with wave.open(str(path), "rb") as reader:
        rate = reader.getframerate()
        samples = array("h", reader.readframes(reader.getnframes()))
    limit = SPEECH_THRESHOLD * 32768
    loud = [index for index, sample in enumerate(samples) if abs(sample) > limit]
    if not loud:
        return b"", rate
    return samples[loud[0] : loud[-1] + 1].tobytes(), rate


def ground_truth(folder: Path) -> tuple[Path, list[tuple[str, float, float]], float]:
    """Joined audio of the script's tokens voiced one by one, and each token's true (start, end)."""
    tokens = normalize.spoken_tokens(SCRIPT)
    lines = [" ".join(token.spoken) for token in tokens]
    model, config = piper.model_paths()
    clips = folder / "clips"
    clips.mkdir()
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "piper", "-m", str(model), "-c", str(config), "--output-dir", str(clips)],
        input="\n".join(lines) + "\n",
        text=True,
        capture_output=True,
        check=True,
    )
    voiced = time.perf_counter() - started
    paths = sorted(clips.glob("*.wav"), key=lambda path: int(path.stem))
    assert len(paths) == len(tokens), (len(paths), len(tokens))
    chance = random.Random(SEED)
    truth: list[tuple[str, float, float]] = []
    joined = folder / "truth.wav"
    with wave.open(str(joined), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        rate = 22050
        writer.setframerate(rate)
        written = 0

        def silence(seconds: float) -> None:
            nonlocal written
            frames = int(round(seconds * rate))
            writer.writeframes(bytes(2 * frames))
            written += frames

        silence(LEAD_SILENCE)
        for index, (token, path) in enumerate(zip(tokens, paths, strict=True)):
            frames, clip_rate = trimmed_frames(path)
            assert clip_rate == rate
            if index:
                silence(chance.uniform(*SILENCE_RANGE))
            start = written / rate
            writer.writeframes(frames)
            written += len(frames) // 2
            truth.append((token.display, start, written / rate))
        silence(LEAD_SILENCE)
    return joined, truth, voiced


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def two_pass_recipe(decoder, pcm: bytes, text: str):
    """STUDIO.md's recipe: the first pass, then a phone-level second pass read with get_alignment()."""
    first = ORIGINAL_RUN_ALIGNMENT(decoder, pcm, text)
    if first is None:
        return None
    decoder.set_alignment()
    decoder.start_utt()
    decoder.process_raw(pcm, full_utt=True)
    decoder.end_utt()
    posteriors = iter([prob for _, _, prob, filler in first if not filler])
    second = []
    for entry in decoder.get_alignment():  # read while iterating: entries do not outlive it
        filler = alignment._is_filler(entry.name)
        second.append((entry.start, entry.start + entry.duration, 1.0 if filler else next(posteriors), filler))
    return second


ORIGINAL_RUN_ALIGNMENT = alignment._run_alignment


def errors_against(words, truth) -> tuple[list[float], list[float]]:
    assert [word.text for word in words] == [display for display, _, _ in truth]
    start_errors = [abs(word.start - start) * 1000 for word, (_, start, _) in zip(words, truth, strict=True)]
    end_errors = [abs(word.end - end) * 1000 for word, (_, _, end) in zip(words, truth, strict=True)]
    return start_errors, end_errors


def measure_accuracy(folder: Path) -> dict:
    joined, truth, voiced = ground_truth(folder)
    alignment.align(joined, "warm up")  # load the model outside the timings below
    started = time.perf_counter()
    result = alignment.align(joined, SCRIPT)
    aligned_in = time.perf_counter() - started
    start_errors, end_errors = errors_against(result.words, truth)
    alignment._run_alignment = two_pass_recipe
    try:
        started = time.perf_counter()
        recipe = alignment.align(joined, SCRIPT)
        recipe_in = time.perf_counter() - started
    finally:
        alignment._run_alignment = ORIGINAL_RUN_ALIGNMENT
    recipe_starts, recipe_ends = errors_against(recipe.words, truth)
    worst = max(
        zip(result.words, truth, strict=True),
        key=lambda pair: abs(pair[0].start - pair[1][1]) + abs(pair[0].end - pair[1][2]),
    )
    return {
        "tokens": len(truth),
        "duration": audio.duration(joined),
        "voiced": voiced,
        "aligned_in": aligned_in,
        "recipe_in": recipe_in,
        "recipe_start_median": statistics.median(recipe_starts),
        "recipe_end_median": statistics.median(recipe_ends),
        "source": result.source,
        "start_median": statistics.median(start_errors),
        "start_p95": percentile(start_errors, 0.95),
        "end_median": statistics.median(end_errors),
        "end_p95": percentile(end_errors, 0.95),
        "worst": worst,
    }


def report(pipeline: dict, accuracy: dict) -> None:
    duration = pipeline["duration"]
    print(
        f"script: {pipeline['words']} display tokens in {pipeline['chunks']} sentences -> {duration:.2f} s of audio; "
        f"{os.cpu_count()} CPU cores"
    )
    print(f"{'':44}{'seconds':>9}{'x audio':>9}")
    rows = [
        ("(a) voice-over, Piper (one process)", pipeline["voice"]),
        ("    one Piper process per sentence instead", pipeline["voice_per_chunk"]),
        ("(b) word timings, cold (loads the model)", pipeline["align_cold"]),
        ("    word timings, warm (decoder reused)", pipeline["align_warm"]),
        ("(a)+(b) cold", pipeline["voice"] + pipeline["align_cold"]),
        ("ref: ffmpeg -> 16 kHz PCM of that audio", pipeline["convert"]),
        ("ref: the audio itself (real time)", duration),
    ]
    for name, seconds in rows:
        print(f"{name:44}{seconds:9.2f}{seconds / duration:9.3f}")
    total = (pipeline["voice"] + pipeline["align_cold"]) / duration
    print(f"voice + alignment = {total:.3f}x the audio's duration (target < 0.5); timing source {pipeline['source']}")
    print()
    print(
        f"ground truth: {accuracy['tokens']} tokens voiced one by one in {accuracy['voiced']:.2f} s, joined with "
        f"{SILENCE_RANGE[0] * 1000:.0f}-{SILENCE_RANGE[1] * 1000:.0f} ms silences -> {accuracy['duration']:.2f} s; "
        f"aligned in {accuracy['aligned_in']:.2f} s warm ({accuracy['source']})"
    )
    print(f"word start error: median {accuracy['start_median']:.0f} ms, p95 {accuracy['start_p95']:.0f} ms")
    print(f"word end error:   median {accuracy['end_median']:.0f} ms, p95 {accuracy['end_p95']:.0f} ms")
    word, (_, start, end) = accuracy["worst"]
    print(
        f"worst token: {word.text!r} aligned {word.start:.2f}-{word.end:.2f} s, true {start:.2f}-{end:.2f} s "
        f"(target: median < 60 ms)"
    )
    print(
        f"STUDIO.md's two-pass recipe (+ phone-level pass): {accuracy['recipe_in']:.2f} s, median error "
        f"start {accuracy['recipe_start_median']:.0f} ms, end {accuracy['recipe_end_median']:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of (a) and (b); the fastest counts")
    parser.add_argument("--child-align", type=Path)
    parser.add_argument("--spans")
    args = parser.parse_args()
    if args.child_align:
        child_align(args.child_align, sentences(SCRIPT), [tuple(span) for span in json.loads(args.spans)])
        return
    if not piper.available():
        sys.exit(piper.NOT_INSTALLED)
    with tempfile.TemporaryDirectory(prefix="reelmill-studio-bench-") as tmp:
        folder = Path(tmp)
        pipeline = measure_pipeline(folder, args.repeat)
        accuracy = measure_accuracy(folder)
    report(pipeline, accuracy)


if __name__ == "__main__":
    main()
