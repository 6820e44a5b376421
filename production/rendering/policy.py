"""Checks before rendering: original-material share, limits, ownership, licences."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .assets import AUDIO_KINDS, ORIGINAL_KINDS, VISUAL_KINDS, AssetInfo
from .captions import timings_problem
from .errors import SpecError
from .graph import even
from .spec import CompositionSpec
from .timeline import build_timeline

# YouTube demonetises "reused content"; at least two thirds of what is on screen should
# be the creator's own (templates, products). Other platforms: no minimum by default.
DEFAULT_MIN_ORIGINAL_SHARE = {"youtube": 2 / 3, "youtube_shorts": 2 / 3}
PORTRAIT_PLATFORM_ASPECT = 9 / 16
CARD_KIND = "card"
ASPECT_TOLERANCE = 0.02


@dataclass(frozen=True)
class InputShare:
    index: int
    asset: int | None  # None for a generated card
    kind: str  # the asset's kind, or "card"
    original: bool
    share: float  # of screen time x area, 0..1


@dataclass
class PolicyReport:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    original_share: float = 0.0
    min_original_share: float = 0.0
    shares: list[InputShare] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def check_policy(
    spec: CompositionSpec,
    *,
    assets: Mapping[int, AssetInfo],
    owner_id: int,
    min_original_share: dict[str, float] | None = None,
) -> PolicyReport:
    minimums = DEFAULT_MIN_ORIGINAL_SHARE if min_original_share is None else min_original_share
    report = PolicyReport(min_original_share=minimums.get(spec.output.platform or "", 0.0))
    _check_assets(spec, assets, owner_id, report)
    if report.errors:
        return report  # shares and durations need every asset
    _check_timing(spec, assets, report)
    if report.errors:
        return report  # screen shares need a valid timeline
    _check_aspect(spec, report)
    report.shares = screen_shares(spec, assets)
    report.original_share = sum(item.share for item in report.shares if item.original)
    _check_original_share(spec, report)
    _check_licences(spec, assets, report)
    return report


_ROLES = {
    "visual": (VISUAL_KINDS, "a video or an image"),
    "audio": (AUDIO_KINDS, "an audio track"),
    "image": (frozenset({"image"}), "an image"),
    "word_timings": (frozenset({"voice_over"}), "a voice-over with word timings"),
}


def _references(spec: CompositionSpec) -> list[tuple[str, int, str]]:
    """(where, asset id, role) for every asset the spec uses."""
    refs = [(f"input {i}", clip.asset, "visual") for i, clip in enumerate(spec.inputs) if clip.asset is not None]
    if spec.audio.music:
        refs.append(("music", spec.audio.music.asset, "audio"))
    if spec.audio.voice_over:
        refs.append(("voice-over", spec.audio.voice_over.asset, "audio"))
    if spec.text.logo:
        refs.append(("logo", spec.text.logo.asset, "image"))
    if spec.text.captions and spec.text.captions.voice_over:
        refs.append(("captions", spec.text.captions.voice_over.asset, "word_timings"))
    return refs


def _check_assets(spec: CompositionSpec, assets: Mapping[int, AssetInfo], owner_id: int, report: PolicyReport) -> None:
    for where, asset_id, role in _references(spec):
        kinds, wanted = _ROLES[role]
        asset = assets.get(asset_id)
        if asset is None or asset.owner_id != owner_id:
            # Someone else's asset is reported like a missing one: ids leak nothing.
            report.errors.append(f"{where}: asset {asset_id} does not exist")
        elif asset.status != "ready":
            report.errors.append(f"{where}: asset {asset_id} is {asset.status}, not ready")
        elif asset.kind not in kinds:
            report.errors.append(f"{where}: asset {asset_id} is {asset.kind}, expected {wanted}")
        elif role == "word_timings" and (problem := timings_problem(asset.words)):
            report.errors.append(f"{where}: asset {asset_id} {problem}")


def _check_timing(spec: CompositionSpec, assets: Mapping[int, AssetInfo], report: PolicyReport) -> None:
    try:
        duration = build_timeline(spec, assets).duration
    except SpecError as error:
        report.errors += [f"{path}: {'; '.join(msgs)}" for path, msgs in error.fields.items()]
        return
    limit = spec.output.max_duration
    if duration > limit:
        report.errors.append(f"video lasts {duration:g} s; {spec.output.platform} allows at most {limit:g} s")


def _check_aspect(spec: CompositionSpec, report: PolicyReport) -> None:
    preset = spec.output.preset
    if preset is None:
        return
    width, height = spec.output.size
    wanted = PORTRAIT_PLATFORM_ASPECT if preset.orientation == "portrait" else 16 / 9
    if abs(width / height - wanted) > ASPECT_TOLERANCE:
        shape = "9:16 portrait" if preset.orientation == "portrait" else "16:9 landscape"
        report.errors.append(f"{spec.output.platform} expects {shape} video, got {width}x{height}")


def screen_shares(spec: CompositionSpec, assets: Mapping[int, AssetInfo]) -> list[InputShare]:
    """Share of screen time x area per input (the logo is decoration and not counted)."""
    fractions = _area_fractions(spec, assets)
    shares = []
    for index, clip in enumerate(spec.inputs):
        if clip.asset is None:
            # A card is made from the creator's own words: original material.
            shares.append(InputShare(index, None, CARD_KIND, True, fractions[index]))
            continue
        asset = assets[clip.asset]
        shares.append(InputShare(index, clip.asset, asset.kind, asset.kind in ORIGINAL_KINDS, fractions[index]))
    return shares


def _area_fractions(spec: CompositionSpec, assets: Mapping[int, AssetInfo]) -> list[float]:
    kind = spec.layout.kind
    if kind == "single":
        return [1.0]
    if kind in ("side_by_side", "stacked"):
        return [0.5, 0.5]
    if kind == "picture_in_picture":
        width, height = spec.output.size
        inset_w = even(width * spec.layout.inset_size)
        inset_h = even(inset_w * height / width)
        inset = inset_w * inset_h / (width * height)
        return [1 - inset, inset]
    # sequence: each clip fills the frame for its share of the running time.
    lengths = build_timeline(spec, assets).clip_lengths
    total = sum(length or 0.0 for length in lengths)
    return [(length or 0.0) / total for length in lengths]


def _check_original_share(spec: CompositionSpec, report: PolicyReport) -> None:
    minimum = report.min_original_share
    # Compare in whole percent so 2/3 of the screen passes a 2/3 minimum.
    if round(report.original_share * 100, 6) < round(minimum * 100, 6):
        report.errors.append(
            f"original material is {report.original_share:.0%} of the screen; "
            f"{spec.output.platform} requires at least {minimum:.0%}"
        )


def _check_licences(spec: CompositionSpec, assets: Mapping[int, AssetInfo], report: PolicyReport) -> None:
    audible = []
    if spec.audio.music:
        audible.append(("music", assets[spec.audio.music.asset]))
    if spec.audio.voice_over:
        audible.append(("voice-over", assets[spec.audio.voice_over.asset]))
    keep = spec.audio.keep_input_audio
    for index, clip in enumerate(spec.inputs):
        if clip.asset is None:
            continue
        asset = assets[clip.asset]
        if asset.has_audio and not clip.mute and (keep is None or index in keep):
            audible.append((f"input {index} audio", asset))
    for where, asset in audible:
        if not asset.royalty_free:
            report.warnings.append(
                f"{where} (asset {asset.id}) is not marked royalty-free; the platform may mute or block the video"
            )
