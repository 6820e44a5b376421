"""Specs meet the library: resolve asset ids to the renderer's AssetInfo and check policy."""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from common.errors import ApplicationError
from library.models import MediaAsset
from production.rendering import AssetInfo, CompositionSpec, PolicyReport, SpecError, check_policy


def asset_references(spec) -> Iterator[tuple[dict, object]]:
    """Every (holder, value) where a spec (or a campaign template) names an asset: holder["asset"]."""
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key == "asset":
                yield spec, value
            else:
                yield from asset_references(value)
    elif isinstance(spec, list):
        for value in spec:
            yield from asset_references(value)


def local_path(asset: MediaAsset, workdir: Path) -> str:
    """A filesystem path ffmpeg can read: the file itself, or a copy when storage is remote (S3)."""
    try:
        return asset.file.path
    except NotImplementedError:
        target = workdir / f"asset-{asset.pk}{Path(asset.file.name).suffix}"
        with asset.file.open("rb") as source, target.open("wb") as copy:
            shutil.copyfileobj(source, copy, length=1024 * 1024)
        return str(target)


def asset_info(asset: MediaAsset, *, workdir: Path | None = None) -> AssetInfo:
    return AssetInfo(
        id=asset.pk,
        owner_id=asset.owner_id,
        kind=asset.kind,
        status=asset.status,
        path=local_path(asset, workdir) if workdir else "",
        duration=asset.duration_seconds,
        width=asset.width,
        height=asset.height,
        fps=asset.fps,
        has_audio=asset.has_audio,
        has_video=asset.has_video,
        royalty_free=asset.royalty_free,
        words=word_timings(asset),
    )


def word_timings(asset: MediaAsset) -> tuple[tuple[str, float, float], ...]:
    """A voice-over's stored words as (text, start, end); entries without those keys are left out."""
    words = []
    for entry in asset.word_timings or []:
        try:
            words.append((str(entry["text"]), float(entry["start"]), float(entry["end"])))
        except (KeyError, TypeError, ValueError):
            continue
    return tuple(words)


def load_assets(*, ids: Iterable[int], workdir: Path | None = None) -> dict[int, AssetInfo]:
    """Every referenced asset that exists, whoever owns it: the policy check reports foreign ones.

    With a `workdir`, each asset gets a local path to render from."""
    return {a.pk: asset_info(a, workdir=workdir) for a in MediaAsset.objects.filter(pk__in=set(ids))}


@dataclass(frozen=True)
class CheckedSpec:
    spec: CompositionSpec
    report: PolicyReport


def check_spec(
    *, owner_id: int, data, assets: dict[int, AssetInfo] | None = None, field_prefix: str = "spec"
) -> CheckedSpec:
    """Validate a spec dict for an owner: fields, then assets and policy. ApplicationError if invalid."""
    try:
        spec = CompositionSpec.from_dict(data)
    except SpecError as exc:
        fields = {f"{field_prefix}.{name}": messages for name, messages in exc.fields.items()}
        raise ApplicationError(str(exc), code="invalid_spec", fields=fields) from None
    if assets is None:
        assets = load_assets(ids=spec.asset_ids())
    report = check_policy(spec, assets=assets, owner_id=owner_id, min_original_share=settings.RENDER_MIN_ORIGINAL_SHARE)
    if report.errors:
        raise ApplicationError(
            "This spec cannot be rendered: " + " ".join(report.errors),
            code="policy_violation",
            fields={field_prefix: report.errors},
        )
    return CheckedSpec(spec, report)
