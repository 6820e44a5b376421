"""What the rendered video sounds like: clip audio, music fades, ducking, loudness."""

from __future__ import annotations

import re
import subprocess

from rendering_media import FFMPEG, audio_samples, rms, small_spec, tone_level

from production.rendering import render


def render_audio(tmp_path, library, inputs, audio, name="out.mp4", **fields):
    spec = small_spec(inputs=inputs, audio={"loudness": None, **audio}, **fields)
    return render(spec, tmp_path / name, assets=library.assets)


def integrated_loudness(path) -> float:
    log = subprocess.run(
        [FFMPEG, "-hide_banner", "-nostats", "-i", str(path), "-af", "ebur128", "-f", "null", "-"],
        capture_output=True,
        text=True,
    ).stderr
    return float(re.findall(r"I:\s+(-?[\d.]+) LUFS", log)[-1])


def test_music_fades_in_and_out(tmp_path, library):
    music = {"asset": library["music"], "volume": 1.0, "fade_in": 1.0, "fade_out": 0.5}

    result = render_audio(tmp_path, library, [{"asset": library["blue"]}], {"music": music})

    samples = audio_samples(result.path)
    assert result.has_audio
    assert rms(samples, 0.0, 0.05) < 0.01
    assert rms(samples, 0.4, 0.6) < rms(samples, 1.1, 1.4)
    assert rms(samples, 1.1, 1.4) > 0.05
    assert rms(samples, 1.95, 2.0) < 0.02


def test_music_loops_to_the_video_length(tmp_path, library):
    music = {"asset": library["music"], "volume": 1.0, "fade_in": 0, "fade_out": 0}
    clip = [{"asset": library["blue"], "loop": True}]

    result = render_audio(tmp_path, library, clip, {"music": music}, duration=4.0)

    samples = audio_samples(result.path)
    assert abs(result.duration - 4.0) <= 1 / 15
    assert tone_level(samples, 500, 3.4, 3.9) > 0.05  # the 3 s track played again


def test_clip_audio_is_kept_unless_muted(tmp_path, library):
    kept = render_audio(tmp_path, library, [{"asset": library["red"]}], {}, "kept.mp4")
    muted = render_audio(tmp_path, library, [{"asset": library["red"], "mute": True}], {}, "muted.mp4")

    assert tone_level(audio_samples(kept.path), 300, 0.5, 1.5) > 0.05
    assert muted.has_audio  # a silent track, so every output has sound
    assert rms(audio_samples(muted.path), 0.0, 2.0) < 0.001


def test_keep_input_audio_picks_which_clips_are_heard(tmp_path, library):
    clips = [{"asset": library["red"]}, {"asset": library["green"]}]

    result = render_audio(tmp_path, library, clips, {"keep_input_audio": [1]}, layout="stacked")

    samples = audio_samples(result.path)
    assert tone_level(samples, 700, 0.5, 1.5) > 0.05
    assert tone_level(samples, 300, 0.5, 1.5) < 0.005


def test_music_ducks_under_the_voice_over(tmp_path, library):
    audio = {
        "music": {"asset": library["music"], "volume": 1.0, "fade_in": 0, "fade_out": 0},
        "voice_over": {"asset": library["voice"], "delay": 0.8},
    }
    clip = [{"asset": library["blue"]}]
    ducked = audio_samples(render_audio(tmp_path, library, clip, audio, "ducked.mp4").path)
    plain = audio_samples(render_audio(tmp_path, library, clip, {**audio, "duck_music": False}, "plain.mp4").path)

    assert tone_level(ducked, 2000, 1.0, 1.6) > 0.05  # the voice is heard
    music_alone, music_under_voice = tone_level(ducked, 500, 0.2, 0.7), tone_level(ducked, 500, 1.1, 1.6)
    assert music_under_voice < 0.5 * music_alone
    assert tone_level(plain, 500, 1.1, 1.6) > 0.8 * tone_level(plain, 500, 0.2, 0.7)


def test_loudness_is_normalised_to_the_target(tmp_path, library):
    music = {"asset": library["music"], "volume": 0.2, "fade_in": 0, "fade_out": 0}
    clip = [{"asset": library["blue"], "loop": True}]

    result = render_audio(tmp_path, library, clip, {"music": music, "loudness": -14}, duration=3.0)

    assert abs(integrated_loudness(result.path) - (-14)) < 1.5


def test_sequence_audio_follows_the_clips(tmp_path, library):
    clips = [{"asset": library["red"], "trim_out": 1.0}, {"asset": library["blue"], "trim_out": 1.0}]

    result = render_audio(tmp_path, library, clips, {}, layout="sequence")

    samples = audio_samples(result.path)
    assert tone_level(samples, 300, 0.2, 0.8) > 0.05
    assert rms(samples, 1.2, 1.9) < 0.001
