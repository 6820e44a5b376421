"""How long each clip plays and how long the video is, from the spec and the assets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .assets import AssetInfo
from .errors import SpecError
from .spec import CompositionSpec, InputSpec

# Probed durations are container values and may be a frame off; trims that overshoot the
# end by less than this are clamped instead of rejected.
TRIM_TOLERANCE = 0.1


@dataclass(frozen=True)
class Timeline:
    duration: float
    # Seconds each input plays at its speed; None for looping clips and still images.
    clip_lengths: list[float | None]
    transition: float  # sequence overlap between neighbouring clips, seconds
    content: float | None  # how long the clips play by themselves; None if unbounded


def lookup(assets: Mapping[int, AssetInfo], asset_id: int, path: str, needs: str = "") -> AssetInfo:
    """The asset behind an id; `needs` ("video" / "audio") is the stream its role uses."""
    asset = assets.get(asset_id)
    if asset is None:
        raise SpecError({path: [f"asset {asset_id} does not exist"]})
    if needs and not getattr(asset, f"has_{needs}"):
        raise SpecError({path: [f"asset {asset_id} has no {needs}"]})
    return asset


def clip_length(clip: InputSpec, asset: AssetInfo | None, path: str) -> float | None:
    """Playing time of one input, or None when it can fill any length (`asset` None: a card)."""
    if asset is None or asset.is_still:
        if clip.duration is not None:
            return clip.duration
        if clip.trim_out is None:
            return None
        return (clip.trim_out - clip.trim_in) / clip.speed
    assert asset.duration is not None
    if clip.trim_in >= asset.duration:
        raise SpecError({f"{path}.trim_in": [f"is past the clip's end ({asset.duration:g} s)"]})
    end = asset.duration if clip.trim_out is None else clip.trim_out
    if end > asset.duration + TRIM_TOLERANCE:
        raise SpecError({f"{path}.trim_out": [f"is past the clip's end ({asset.duration:g} s)"]})
    if clip.duration is not None:
        return clip.duration  # looped, held or cut to it
    if clip.loop:
        return None
    return (min(end, asset.duration) - clip.trim_in) / clip.speed


def input_asset(assets: Mapping[int, AssetInfo], clip: InputSpec, index: int) -> AssetInfo | None:
    """The asset an input shows; None for a generated card."""
    if clip.asset is None:
        return None
    return lookup(assets, clip.asset, f"inputs.{index}.asset", "video")


def build_timeline(spec: CompositionSpec, assets: Mapping[int, AssetInfo]) -> Timeline:
    lengths = [clip_length(clip, input_asset(assets, clip, i), f"inputs.{i}") for i, clip in enumerate(spec.inputs)]
    if spec.layout.kind == "sequence":
        natural, overlap = _sequence_length(spec, lengths)
    else:
        finite = [length for length in lengths if length is not None]
        natural, overlap = (min(finite) if finite else None), 0.0
    if spec.duration is not None:
        duration = spec.duration
    elif natural is None:
        raise SpecError({"duration": ["is required when every input loops or is a still image"]})
    else:
        duration = min(natural, spec.output.max_duration)
    return Timeline(duration=duration, clip_lengths=lengths, transition=overlap, content=natural)


def _sequence_length(spec: CompositionSpec, lengths: list[float | None]) -> tuple[float, float]:
    overlap = spec.layout.transition.duration if spec.layout.transition else 0.0
    errors: dict[str, list[str]] = {}
    for index, length in enumerate(lengths):
        if length is None:
            errors[f"inputs.{index}.duration"] = ["is required in a sequence for looping clips, still images and cards"]
        elif length <= overlap:
            errors[f"inputs.{index}"] = [f"plays {length:.2f} s, not longer than the {overlap:g} s transition"]
    if errors:
        raise SpecError(errors)
    total = sum(length for length in lengths if length is not None)
    return total - overlap * (len(lengths) - 1), overlap
