"""Writes for the media library. API, dashboard, admin, tasks and commands all call these."""

from __future__ import annotations

import logging
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import User
from common.errors import ApplicationError, ConflictError
from library import ingest, selection, selectors
from library.downloads import check_url, open_url
from library.guards import delete_blockers
from library.guards import register_delete_guard as register_delete_guard  # re-exported for callers
from library.guards import unregister_delete_guard as unregister_delete_guard
from library.models import MediaAsset, MediaKind, MediaSource, MediaStatus, thumbnail_name

logger = logging.getLogger(__name__)

EDITABLE_FIELDS = (
    "title",
    "description",
    "tags",
    "category",
    "mood",
    "platform",
    "license_note",
    "royalty_free",
)
MAX_BULK_IDS = 500
# What receiving and probing a file sets on an existing row (URL imports, re-probes).
FILE_FIELDS = [
    "file",
    "thumbnail",
    "checksum",
    "size_bytes",
    "original_filename",
    "container",
    "duration_seconds",
    "width",
    "height",
    "fps",
    "video_codec",
    "audio_codec",
    "has_video",
    "has_audio",
    "orientation",
    "status",
    "rejection_reason",
    "updated_at",
]


class AssetsNotFound(ApplicationError):
    status_code = 404
    default_code = "not_found"


# --- ingest ------------------------------------------------------------------------------


def _new_asset(*, owner: User, kind: str, title: str, tags: Iterable[str], **fields) -> MediaAsset:
    if kind not in MediaKind.values:
        raise ApplicationError(
            f"Unknown kind {kind!r}. Choose one of: {', '.join(MediaKind.values)}.",
            fields={"kind": ["Not a valid kind."]},
        )
    asset = MediaAsset(owner=owner, kind=kind, title=title[:200], **fields)
    asset.set_tags(tags)
    # Check what was typed before spending time on the file.
    asset.full_clean(exclude=["file", "thumbnail", "checksum"], validate_constraints=False)
    return asset


def _ensure_not_duplicate(asset: MediaAsset) -> None:
    existing = (
        MediaAsset.objects.filter(owner_id=asset.owner_id, checksum=asset.checksum)
        .exclude(status=MediaStatus.REJECTED)
        .exclude(pk=asset.pk)
        .values_list("pk", "title")
        .first()
    )
    if existing:
        raise ConflictError(
            f"This file is already in your library as #{existing[0]} “{existing[1]}”.",
            code="duplicate",
            extra={"existing_id": existing[0]},
        )


def _fill_from_bytes(asset: MediaAsset, chunks: Iterable[bytes], filename: str) -> list[str]:
    """Receive, check, probe and store the file for `asset` (unsaved changes); stored names."""
    with ingest.workspace() as work:
        source = work / "original"
        asset.checksum, asset.size_bytes = ingest.receive(chunks, source)
        _ensure_not_duplicate(asset)
        result, thumbnail = ingest.analyse(source, asset.kind, work / "thumbnail.jpg")
        ingest.apply_probe(asset, result)
        asset.original_filename = ingest.clean_filename(filename)
        return ingest.store(asset, source, thumbnail, ingest.extension_for(filename, result))


def _save_stored(asset: MediaAsset, stored: list[str], update_fields: list[str] | None = None) -> MediaAsset:
    """Save the row; if that fails the stored files go, and a race on the checksum is a 409."""
    try:
        with transaction.atomic():
            asset.full_clean(validate_constraints=False)
            asset.save(update_fields=update_fields)
    except IntegrityError:
        ingest.discard(stored)
        _ensure_not_duplicate(asset)
        raise
    except Exception:
        ingest.discard(stored)
        raise
    return asset


def media_asset_ingest(
    *,
    owner: User,
    kind: str,
    file=None,
    path: Path | None = None,
    filename: str = "",
    title: str = "",
    description: str = "",
    tags: Iterable[str] = (),
    category: str = "",
    mood: str = "",
    platform: str = "",
    license_note: str = "",
    royalty_free: bool = False,
    source: str = MediaSource.UPLOADED,
    source_url: str = "",
) -> MediaAsset:
    """Store one file as a ready asset, or raise and keep nothing.

    `file` is an uploaded/Django File (read in chunks), `path` a local file. Raises
    FileRejected (400) for files that are not fitting media or too large, ConflictError
    (409, `existing_id`) when the owner already has the same bytes.
    """
    if (file is None) == (path is None):
        raise ApplicationError("Send exactly one file.", fields={"file": ["No file was sent."]})
    filename = filename or (Path(path).name if path is not None else getattr(file, "name", "") or "")
    asset = _new_asset(
        owner=owner,
        kind=kind,
        title=title.strip() or ingest.title_from_filename(filename) or "Untitled",
        tags=tags,
        description=description,
        category=category.strip().lower(),
        mood=mood.strip().lower(),
        platform=platform,
        license_note=license_note,
        royalty_free=royalty_free,
        source=source,
        source_url=source_url,
        status=MediaStatus.READY,
    )
    chunks = ingest.chunks_of_path(Path(path)) if path is not None else file.chunks()
    stored = _fill_from_bytes(asset, chunks, filename)
    return _save_stored(asset, stored)


@transaction.atomic
def media_asset_import_url(
    *,
    owner: User,
    url: str,
    kind: str,
    title: str = "",
    tags: Iterable[str] = (),
    **fields,
) -> MediaAsset:
    """Accept a URL import: the asset shows as `processing` until the task fetches it."""
    from library.tasks import media_asset_import_url_task

    check_url(url)  # refuse bad schemes and private hosts now; the task checks again
    fallback = ingest.title_from_filename(url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1])
    asset = _new_asset(
        owner=owner,
        kind=kind,
        title=title.strip() or fallback or "Imported file",
        tags=tags,
        source=MediaSource.IMPORTED_URL,
        source_url=url,
        status=MediaStatus.PROCESSING,
        **{name: value for name, value in fields.items() if name in EDITABLE_FIELDS},
    )
    asset.save()
    transaction.on_commit(lambda: media_asset_import_url_task.delay(asset.pk))
    return asset


def media_asset_fetch(*, asset: MediaAsset) -> MediaAsset:
    """Download a `processing` URL import and make it ready, or rejected with the reason."""
    if asset.status != MediaStatus.PROCESSING or asset.file:
        return asset
    try:
        download = open_url(asset.source_url, max_bytes=settings.MEDIA_MAX_UPLOAD_BYTES)
        stored = _fill_from_bytes(asset, download.chunks, download.filename)
        asset.status = MediaStatus.READY
        # update_fields: if the asset was deleted meanwhile, this fails instead of re-creating it.
        return _save_stored(asset, stored, update_fields=FILE_FIELDS)
    except ApplicationError as exc:
        reason = exc.message
    except Exception:
        if not MediaAsset.objects.filter(pk=asset.pk).exists():
            return asset  # deleted by its owner while it was being fetched
        logger.exception("URL import of asset %s failed", asset.pk)
        reason = "The import failed unexpectedly; it has been logged."
    MediaAsset.objects.filter(pk=asset.pk).update(
        status=MediaStatus.REJECTED, rejection_reason=reason[:1000], checksum="", updated_at=timezone.now()
    )
    asset.refresh_from_db()
    return asset


def media_asset_reprobe(*, asset: MediaAsset) -> MediaAsset:
    """Probe the stored file again (after an ffmpeg upgrade, or a stuck import) and refresh it."""
    if not asset.file:
        raise ApplicationError(f"“{asset.title}” has no stored file to probe.")
    old_thumbnail = asset.thumbnail.name
    with ingest.workspace() as work, asset.file.open("rb") as fh:
        source = work / "original"
        ingest.receive(fh.chunks(), source)
        result, thumbnail = ingest.analyse(source, asset.kind, work / "thumbnail.jpg")
        ingest.apply_probe(asset, result)
        stored: list[str] = []
        if thumbnail is not None:
            with open(thumbnail, "rb") as thumb:
                asset.thumbnail.name = default_storage.save(thumbnail_name(owner_id=asset.owner_id), File(thumb))
            stored.append(asset.thumbnail.name)
    asset.status = MediaStatus.READY
    asset.rejection_reason = ""
    _save_stored(asset, stored, update_fields=FILE_FIELDS)
    if old_thumbnail and old_thumbnail != asset.thumbnail.name:
        transaction.on_commit(lambda: ingest.discard([old_thumbnail]))
    return asset


# --- edit and delete -------------------------------------------------------------------


@transaction.atomic
def media_asset_update(*, asset: MediaAsset, **fields) -> MediaAsset:
    changed: list[str] = []
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS:
            raise TypeError(f"Unknown field {name!r}")
        if name == "tags":
            before = asset.tags
            asset.set_tags(value)
            if asset.tags != before:
                changed += ["tags", "tag_index"]
            continue
        if name in ("category", "mood"):
            value = (value or "").strip().lower()
        if getattr(asset, name) != value:
            setattr(asset, name, value)
            changed.append(name)
    if not changed:
        return asset
    asset.full_clean(validate_constraints=False)
    asset.save(update_fields=[*changed, "updated_at"])
    return asset


def media_asset_set_word_timings(*, asset: MediaAsset, words: list[dict]) -> MediaAsset:
    """Store a voice-over's words in order: [{"text", "start", "end"}], inside the audio's length."""
    if asset.kind != MediaKind.VOICE_OVER:
        raise ApplicationError(
            "Only a voice-over carries word timings.", fields={"word_timings": ["Not a voice-over."]}
        )
    previous_end = 0.0
    limit = (asset.duration_seconds or 0) + 0.05
    for index, word in enumerate(words):
        start, end = float(word["start"]), float(word["end"])
        out_of_audio = limit > 0.05 and end > limit
        if not str(word["text"]).strip() or start < previous_end - 0.001 or end <= start or out_of_audio:
            raise ApplicationError(
                f"Word {index} ({word['text']!r}) has impossible times {start:.3f}-{end:.3f} s.",
                fields={"word_timings": [f"Word {index} is out of order or outside the audio."]},
            )
        previous_end = end
    asset.word_timings = [{"text": str(w["text"]), "start": float(w["start"]), "end": float(w["end"])} for w in words]
    asset.save(update_fields=["word_timings", "updated_at"])
    return asset


@transaction.atomic
def media_asset_delete(*, asset: MediaAsset) -> None:
    """Delete the asset and its files; ConflictError when pending work still uses it."""
    if reasons := delete_blockers(asset):
        raise ConflictError(
            f"“{asset.title}” can't be deleted: {'; '.join(reasons)}.",
            code="asset_in_use",
            extra={"asset_id": asset.pk},
        )
    names = [asset.file.name, asset.thumbnail.name]
    asset.delete()
    transaction.on_commit(lambda: ingest.discard(names))


def _owned(owner: User, ids: Iterable[int]) -> list[MediaAsset]:
    ids = list(dict.fromkeys(ids))
    if not ids:
        raise ApplicationError("Select at least one asset.", fields={"ids": ["Select at least one asset."]})
    if len(ids) > MAX_BULK_IDS:
        raise ApplicationError(f"At most {MAX_BULK_IDS} assets at a time.", fields={"ids": ["Too many."]})
    assets = list(selectors.media_asset_list(user=owner).filter(pk__in=ids))
    missing = sorted(set(ids) - {a.pk for a in assets})
    if missing:
        raise AssetsNotFound(
            f"No such asset{'s' if len(missing) > 1 else ''} in your library: {', '.join(map(str, missing))}.",
            fields={"ids": ["Unknown ids."]},
        )
    return assets


@dataclass
class BulkResult:
    action: str
    changed: list[int] = field(default_factory=list)
    blocked: list[dict] = field(default_factory=list)


@transaction.atomic
def media_asset_bulk_tag(*, owner: User, ids: Iterable[int], tags: Iterable[str], remove: bool = False) -> BulkResult:
    """Add (or with remove=True take away) tags on several of the owner's assets at once."""
    tags = _tags_or_400(tags)
    result = BulkResult(action="untag" if remove else "tag")
    assets = _owned(owner, ids)
    for asset in assets:
        before = list(asset.tags)
        wanted = [t for t in before if t not in tags] if remove else before + [t for t in tags if t not in before]
        if wanted != before:
            asset.set_tags(wanted)
            asset.updated_at = timezone.now()
            result.changed.append(asset.pk)
    MediaAsset.objects.bulk_update(
        [a for a in assets if a.pk in result.changed], ["tags", "tag_index", "updated_at"], batch_size=200
    )
    return result


def _tags_or_400(tags: Iterable[str]) -> list[str]:
    probe = MediaAsset()
    probe.set_tags(tags)
    if not probe.tags:
        raise ApplicationError("Give at least one tag.", fields={"tags": ["Give at least one tag."]})
    return probe.tags


def media_asset_bulk_delete(*, owner: User, ids: Iterable[int]) -> BulkResult:
    """Delete the assets that may go; the ones in use stay, each with its reason."""
    result = BulkResult(action="delete")
    for asset in _owned(owner, ids):
        pk = asset.pk  # delete() clears it
        try:
            media_asset_delete(asset=asset)
        except ConflictError as exc:
            result.blocked.append({"id": pk, "reason": exc.message})
        else:
            result.changed.append(pk)
    return result


# --- smart selection ---------------------------------------------------------------------


@transaction.atomic
def pick_assets(
    *,
    owner: User,
    kind: str,
    count: int = 1,
    filters: dict | None = None,
    seed: int | str | None = None,
    exclude_used_within_hours: float | None = None,
    record_usage: bool = True,
    now: datetime | None = None,
) -> list[MediaAsset]:
    """`count` different ready assets, preferring the least and longest-ago used.

    Weighted random (deterministic for a given seed and library state); raises
    ApplicationError naming what is missing when fewer than `count` match. Records usage
    (times_used + 1, last_used_at = now) unless record_usage=False.
    """
    if kind not in MediaKind.values:
        raise ApplicationError(f"Unknown kind {kind!r}.", fields={"kind": ["Not a valid kind."]})
    if count < 1:
        raise ApplicationError("Pick at least one asset.", fields={"count": ["Must be at least 1."]})
    now = now or timezone.now()
    qs = selectors.media_asset_filter(
        selectors.media_asset_list(user=owner).filter(kind=kind, status=MediaStatus.READY), filters or {}
    )
    if exclude_used_within_hours:
        cutoff = now - timedelta(hours=exclude_used_within_hours)
        qs = qs.filter(Q(last_used_at__isnull=True) | Q(last_used_at__lt=cutoff))
    candidates = [
        selection.Candidate(pk, times_used, last_used_at)
        for pk, times_used, last_used_at in qs.order_by("pk").values_list("pk", "times_used", "last_used_at")
    ]
    if len(candidates) < count:
        raise ApplicationError(
            selection.shortage_message(
                kind=MediaKind(kind).label.lower(),
                found=len(candidates),
                count=count,
                filters=filters or {},
                exclude_used_within_hours=exclude_used_within_hours,
            ),
            code="not_enough_assets",
            extra={"available": len(candidates), "requested": count},
        )
    chosen = selection.weighted_sample(candidates, count, rng=random.Random(seed), now=now)
    if record_usage:
        media_assets_record_usage(ids=chosen, now=now)
    by_pk = MediaAsset.objects.in_bulk(chosen)
    return [by_pk[pk] for pk in chosen]


def media_assets_record_usage(*, ids: Iterable[int], now: datetime | None = None) -> None:
    """Count one more use of each asset (smart selection rests the most used ones)."""
    MediaAsset.objects.filter(pk__in=list(ids)).update(
        times_used=F("times_used") + 1, last_used_at=now or timezone.now()
    )
