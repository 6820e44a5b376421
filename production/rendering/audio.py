"""Audio stage: the clips' own sound, background music, voice-over, ducking, loudness."""

from __future__ import annotations

from .context import BuildContext
from .graph import seconds
from .presets import AUDIO_RATE

# Every source is brought to one format first so mixing and crossfades never renegotiate.
NORMALISE = f"aformat=sample_fmts=fltp:sample_rates={AUDIO_RATE}:channel_layouts=stereo"
SILENCE = f"anullsrc=r={AUDIO_RATE}:cl=stereo"
# Music drops by ~18 dB within 20 ms of speech and recovers over 0.4 s after it.
DUCKING = "sidechaincompress=threshold=0.02:ratio=8:attack=20:release=400"
TRUE_PEAK = -1.5
LOUDNESS_RANGE = 11


def build_audio(ctx: BuildContext) -> str:
    """Add the audio filters to the graph; return the label of the final mix."""
    sources = []
    clip_audio = _clip_audio(ctx)
    if clip_audio:
        sources.append(clip_audio)
    music = _music(ctx)
    voice = _voice_over(ctx)
    if music and voice and ctx.spec.audio.duck_music:
        voice, sidechain = ctx.graph.split(voice, 2, audio=True)
        music = ctx.graph.chain([music, sidechain], [DUCKING], "a")
    sources += [source for source in (music, voice) if source]
    if not sources:
        # Platforms expect an audio track; a silent one keeps every output alike.
        return ctx.graph.chain([], [SILENCE, f"atrim=duration={seconds(ctx.duration)}"], "a")
    mixed = _mix(ctx, sources)
    loudness = ctx.spec.audio.loudness
    if loudness is None:
        return mixed
    # loudnorm works at 192 kHz internally; resample back for the AAC encoder.
    return ctx.graph.chain(
        [mixed],
        [f"loudnorm=I={loudness:g}:TP={TRUE_PEAK:g}:LRA={LOUDNESS_RANGE}", f"aresample={AUDIO_RATE}"],
        "a",
    )


def _mix(ctx: BuildContext, sources: list[str]) -> str:
    if len(sources) == 1:
        return sources[0]
    # normalize=0: the volumes in the spec are what the user hears, not divided by n.
    return ctx.graph.chain(sources, [f"amix=inputs={len(sources)}:duration=longest:normalize=0"], "a")


def _kept_inputs(ctx: BuildContext) -> list[int]:
    keep = ctx.spec.audio.keep_input_audio
    chosen = range(len(ctx.spec.inputs)) if keep is None else keep
    result = []
    for index in chosen:
        clip = ctx.spec.inputs[index]
        if clip.asset is None:
            continue  # a card is silent
        if not clip.mute and ctx.asset(clip.asset, f"inputs.{index}.asset").has_audio:
            result.append(index)
    return result


def _clip_audio(ctx: BuildContext) -> str | None:
    kept = _kept_inputs(ctx)
    if ctx.spec.layout.kind == "sequence":
        if not kept:
            return None
        joined = _sequence_audio(ctx, kept)
        return ctx.graph.chain([joined], [f"apad=whole_dur={seconds(ctx.duration)}"], "a")
    tracks = [_clip_track(ctx, index, f"apad=whole_dur={seconds(ctx.duration)}") for index in kept]
    return _mix(ctx, tracks) if tracks else None


def _clip_track(ctx: BuildContext, index: int, ending: str) -> str:
    clip = ctx.spec.inputs[index]
    filters = ["asetpts=PTS-STARTPTS", NORMALISE, *_tempo(clip.speed)]
    if clip.volume != 1:
        filters.append(f"volume={clip.volume:g}")
    return ctx.graph.chain([f"[{ctx.input_index[index]}:a]"], [*filters, ending], "a")


def _tempo(speed: float) -> list[str]:
    """atempo per step stays within 0.5..2 where it sounds clean; chain steps beyond."""
    steps = []
    while speed > 2:
        steps.append("atempo=2")
        speed /= 2
    while speed < 0.5:
        steps.append("atempo=0.5")
        speed /= 0.5
    if speed != 1:
        steps.append(f"atempo={speed:.6g}")
    return steps


def _sequence_audio(ctx: BuildContext, kept: list[int]) -> str:
    """Each clip's sound (or silence) for exactly its length, joined like the pictures."""
    tracks = []
    for index, length in enumerate(ctx.timeline.clip_lengths):
        assert length is not None, "validated by the timeline"
        exact = f"apad=whole_dur={seconds(length)},atrim=duration={seconds(length)}"
        if index in kept:
            tracks.append(_clip_track(ctx, index, exact))
        else:
            tracks.append(ctx.graph.chain([], [SILENCE, f"atrim=duration={seconds(length)}"], "a"))
    overlap = ctx.timeline.transition
    if not overlap:
        return ctx.graph.chain(tracks, [f"concat=n={len(tracks)}:v=0:a=1"], "a")
    current = tracks[0]
    for following in tracks[1:]:
        current = ctx.graph.chain([current, following], [f"acrossfade=d={seconds(overlap)}"], "a")
    return current


def _music(ctx: BuildContext) -> str | None:
    music = ctx.spec.audio.music
    if music is None:
        return None
    asset = ctx.asset(music.asset, "audio.music.asset", "audio")
    duration = ctx.duration
    options = ["-stream_loop", "-1"] if music.loop else []
    if music.start:
        options += ["-ss", seconds(music.start)]
    index = ctx.inputs.add(asset.path, [*options, "-t", seconds(duration)])
    filters = ["asetpts=PTS-STARTPTS", NORMALISE, f"volume={music.volume:g}"]
    if music.fade_in:
        filters.append(f"afade=t=in:st=0:d={seconds(min(music.fade_in, duration))}")
    if music.fade_out:
        fade_out = min(music.fade_out, duration)
        filters.append(f"afade=t=out:st={seconds(duration - fade_out)}:d={seconds(fade_out)}")
    filters.append(f"apad=whole_dur={seconds(duration)}")
    return ctx.graph.chain([f"[{index}:a]"], filters, "a")


def _voice_over(ctx: BuildContext) -> str | None:
    voice = ctx.spec.audio.voice_over
    if voice is None:
        return None
    asset = ctx.asset(voice.asset, "audio.voice_over.asset", "audio")
    index = ctx.inputs.add(asset.path, ["-t", seconds(ctx.duration)])
    filters = ["asetpts=PTS-STARTPTS", NORMALISE, f"volume={voice.volume:g}"]
    if voice.delay:
        filters.append(f"adelay={round(voice.delay * 1000)}:all=1")
    filters.append(f"apad=whole_dur={seconds(ctx.duration)}")
    return ctx.graph.chain([f"[{index}:a]"], filters, "a")
