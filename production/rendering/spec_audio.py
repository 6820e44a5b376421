"""Audio sections of a CompositionSpec: background music, voice-over, mix settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .fields import FieldReader, join
from .presets import UNLIMITED_DURATION as MAX_SECONDS


@dataclass
class MusicSpec:
    asset: int
    volume: float = 0.3
    fade_in: float = 1.0
    fade_out: float = 1.0
    loop: bool = True  # repeat the track when it is shorter than the video
    start: float = 0.0  # where in the track to begin

    @classmethod
    def parse(cls, r: FieldReader, data: Any, path: str) -> MusicSpec:
        data = r.fields_of(cls, data, path)
        return cls(
            asset=r.asset_id(data, "asset", path),
            volume=r.number(data, "volume", path, 0.3, minimum=0, maximum=10),
            fade_in=r.number(data, "fade_in", path, 1.0, minimum=0, maximum=60),
            fade_out=r.number(data, "fade_out", path, 1.0, minimum=0, maximum=60),
            loop=r.boolean(data, "loop", path, True),
            start=r.number(data, "start", path, 0.0, minimum=0, maximum=MAX_SECONDS),
        )


@dataclass
class VoiceOverSpec:
    asset: int
    volume: float = 1.0
    delay: float = 0.0  # seconds of video before the voice starts

    @classmethod
    def parse(cls, r: FieldReader, data: Any, path: str) -> VoiceOverSpec:
        data = r.fields_of(cls, data, path)
        return cls(
            asset=r.asset_id(data, "asset", path),
            volume=r.number(data, "volume", path, 1.0, minimum=0, maximum=10),
            delay=r.number(data, "delay", path, 0.0, minimum=0, maximum=MAX_SECONDS),
        )


@dataclass
class AudioSpec:
    keep_input_audio: list[int] | None = None  # input indexes; None = every unmuted input
    music: MusicSpec | None = None
    voice_over: VoiceOverSpec | None = None
    duck_music: bool = True  # lower the music while the voice-over speaks
    loudness: float | None = -14.0  # integrated LUFS target; None = leave levels alone

    @classmethod
    def parse(cls, r: FieldReader, data: Any, path: str) -> AudioSpec:
        data = r.fields_of(cls, data, path)
        music, voice = data.get("music"), data.get("voice_over")
        return cls(
            keep_input_audio=_parse_indexes(r, data, "keep_input_audio", path),
            music=None if music is None else MusicSpec.parse(r, music, join(path, "music")),
            voice_over=None if voice is None else VoiceOverSpec.parse(r, voice, join(path, "voice_over")),
            duck_music=r.boolean(data, "duck_music", path, True),
            loudness=r.number(data, "loudness", path, -14.0, minimum=-70, maximum=-5),
        )


def _parse_indexes(r: FieldReader, data: Any, key: str, path: str) -> list[int] | None:
    if data.get(key) is None:
        return None
    values = r.items(data, key, path, max_items=20)
    if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in values):
        r.add(join(path, key), "must be a list of input indexes (0, 1, ...)")
        return None
    return list(values)
