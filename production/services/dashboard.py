"""What the dashboard shows before anything is written: slot candidates, a policy preview,
the ffmpeg command of a pending item, and progress of many batches in two queries.

Nothing here changes a row; generation itself (which records usage) is `campaign_generate`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from django.conf import settings
from django.db.models import F, QuerySet

from common.errors import ApplicationError
from library.models import MediaAsset, MediaStatus
from library.selectors import media_asset_list
from production.models import QueueItem, QueueStatus
from production.rendering import CompositionSpec, InputShare, SpecError, check_policy, explain
from production.services.campaigns import fill_slots, slot_references, validate_template
from production.services.specs import asset_info

CANDIDATES_SHOWN = 6


def slot_candidate_list(*, owner, slot: dict) -> QuerySet[MediaAsset]:
    """Ready assets that fit a slot, the ones smart selection favours (least, longest-ago used) first."""
    filters = {**(slot.get("filters") or {}), "kind": slot["kind"], "status": MediaStatus.READY}
    return media_asset_list(user=owner, filters=filters).order_by(
        "times_used", F("last_used_at").asc(nulls_first=True), "pk"
    )


@dataclass(frozen=True)
class Candidates:
    assets: list[MediaAsset]
    count: int


def slot_candidates(*, owner, slot: dict, limit: int = CANDIDATES_SHOWN) -> Candidates:
    qs = slot_candidate_list(owner=owner, slot=slot)
    assets = list(qs[:limit])
    return Candidates(assets, len(assets) if len(assets) < limit else qs.count())


@dataclass
class PolicyPreview:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    original_share: float | None = None
    min_original_share: float = 0.0
    picks: dict[str, list[MediaAsset]] = field(default_factory=dict)
    shares: list[InputShare] = field(default_factory=list)
    platform: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors


def composition_preview(*, owner, template: dict, slots: dict) -> PolicyPreview:
    """Fill each slot with its current top candidates and run the renderer's policy check."""
    try:
        slots = validate_template(template=template, slots=slots)
    except ApplicationError as exc:
        errors = [
            f"{path.removeprefix('composition_template.')}: {m}"
            for path, messages in exc.fields.items()
            for m in messages
        ] or [exc.message]
        return PolicyPreview(errors=errors)
    preview = PolicyPreview()
    for name, needed in slot_references(template).items():
        candidates = slot_candidates(owner=owner, slot=slots[name], limit=needed)
        preview.picks[name] = candidates.assets
        if len(candidates.assets) < needed:
            have = "no" if not candidates.assets else f"only {len(candidates.assets)}"
            preview.errors.append(f"Slot '{name}' cannot be filled: {have} ready assets match (needs {needed}).")
    if preview.errors:
        return preview
    filled = fill_slots(template, {name: [a.pk for a in assets] for name, assets in preview.picks.items()})
    spec = CompositionSpec.from_dict(filled)  # validate_template checked this shape
    assets = {a.pk: asset_info(a) for picked in preview.picks.values() for a in picked}
    try:
        report = check_policy(
            spec, assets=assets, owner_id=owner.pk, min_original_share=settings.RENDER_MIN_ORIGINAL_SHARE
        )
    except SpecError as exc:  # a sequence whose clips do not fit: the timeline says why
        preview.errors = [f"{path}: {m}" for path, messages in exc.fields.items() for m in messages]
        return preview
    preview.errors, preview.warnings = report.errors, report.warnings
    preview.original_share = report.original_share if report.shares else None
    preview.min_original_share = report.min_original_share
    preview.shares = report.shares
    preview.platform = spec.output.platform or "custom output"
    return preview


def queue_item_command(item: QueueItem) -> tuple[str, str]:
    """(command, note): the stored command of a rendered item, or what a render would run now."""
    if item.command:
        return item.command, ""
    if item.status not in (QueueStatus.PENDING, QueueStatus.PROCESSING):
        return "", "No ffmpeg command was recorded for this item."
    try:
        spec = CompositionSpec.from_dict(item.spec)
        assets = {a.pk: replace(asset_info(a), path=_shown_path(a)) for a in _assets(spec.asset_ids())}
        return explain(spec, f"{item.queue_id}.mp4", assets=assets), "What a worker will run (paths as of now)."
    except (SpecError, ValueError, KeyError) as exc:
        return "", f"The command cannot be built: {exc}"


def _assets(ids) -> QuerySet[MediaAsset]:
    return MediaAsset.objects.filter(pk__in=set(ids))


def _shown_path(asset: MediaAsset) -> str:
    """The local file, or the storage name when storage is remote (a worker copies it first)."""
    try:
        return asset.file.path
    except NotImplementedError:
        return asset.file.name
