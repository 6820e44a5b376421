"""The render queue: adding items, claiming them with a lease, and every state change after.

Claims are one transaction: `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL, so any number
of workers take distinct items; SQLite serialises writers (IMMEDIATE transactions), which is
correct if slower. Every change a worker makes to an item it claimed is conditional on still
holding the lease, so a worker whose lease was reaped cannot overwrite the item afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from common.bulk import bulk_insert
from common.errors import ApplicationError
from production.models import (
    BatchJob,
    BatchStatus,
    ContentType,
    LogLevel,
    Priority,
    QueueItem,
    QueueLog,
    QueueStatus,
)
from production.services import specs

ACTIVE_STATUSES = (QueueStatus.PENDING, QueueStatus.PROCESSING)
TERMINAL_STATUSES = (QueueStatus.READY, QueueStatus.UPLOADED, QueueStatus.FAILED, QueueStatus.CANCELLED)
# How many items of full batches a claim steps over before giving up for now.
CLAIM_SCAN_LIMIT = 50


def _batch_has_capacity(batch_id: int) -> bool:
    """Lock the batch row so concurrent claimers count its running items one at a time."""
    batch = BatchJob.objects.select_for_update().get(pk=batch_id)
    running = QueueItem.objects.filter(batch_id=batch_id, status=QueueStatus.PROCESSING).count()
    return running < batch.concurrency_limit


def queue_log(item: QueueItem | int, message: str, level: str = LogLevel.INFO) -> None:
    item_id = item if isinstance(item, int) else item.pk
    QueueLog.objects.create(item_id=item_id, level=level, message=message[:5000])


_SETTLED_LISTENERS: list[Callable[[int], None]] = []


def register_settled_listener(listener: Callable[[int], None]) -> Callable[[int], None]:
    """Call `listener(item_id)` after the commit that leaves an item ready, failed or cancelled.

    How apps above production (the studio's generation jobs) follow a render without polling."""
    _SETTLED_LISTENERS.append(listener)
    return listener


def _settled(item_id: int) -> None:
    """An item stopped moving: complete (or fail) its batch once none of its items can move."""
    for listener in _SETTLED_LISTENERS:
        transaction.on_commit(lambda listener=listener: listener(item_id))
    batch_id = QueueItem.objects.filter(pk=item_id).values_list("batch_id", flat=True).first()
    if batch_id is None:
        return
    counts = QueueItem.objects.filter(batch_id=batch_id).aggregate(
        total=Count("id"),
        open=Count("id", filter=~Q(status__in=TERMINAL_STATUSES)),
        failed=Count("id", filter=Q(status=QueueStatus.FAILED)),
    )
    if counts["total"] and not counts["open"]:
        status = BatchStatus.FAILED if counts["failed"] == counts["total"] else BatchStatus.COMPLETED
        now = timezone.now()
        BatchJob.objects.filter(pk=batch_id, status=BatchStatus.RUNNING).update(
            status=status, finished_at=now, updated_at=now
        )


def _lease_expiry(now: datetime) -> datetime:
    return now + timedelta(seconds=settings.RENDER_LEASE_SECONDS)


@transaction.atomic
def queue_item_claim(*, worker: str, now: datetime | None = None, owner=None) -> QueueItem | None:
    """Take the next pending item (highest priority, then oldest) with a lease, or None.

    Items of paused or cancelled batches wait, and a batch never runs more items at once
    than its concurrency limit.
    """
    now = now or timezone.now()
    candidates = (
        QueueItem.objects.filter(status=QueueStatus.PENDING)
        .exclude(batch__status__in=[BatchStatus.PAUSED, BatchStatus.CANCELLED])
        .order_by("-priority", "created_at", "id")
    )
    if owner is not None:
        candidates = candidates.filter(owner=owner)
    if connection.features.has_select_for_update_skip_locked:
        candidates = candidates.select_for_update(skip_locked=True, of=("self",))
    skipped: list[int] = []
    while True:
        item = candidates.exclude(pk__in=skipped).first()
        if item is None:
            return None
        if item.batch_id is None or _batch_has_capacity(item.batch_id):
            break
        skipped.append(item.pk)
        if len(skipped) >= CLAIM_SCAN_LIMIT:
            return None
    item.status = QueueStatus.PROCESSING
    item.lease_owner = worker
    item.lease_expires_at = _lease_expiry(now)
    item.heartbeat_at = now
    item.started_at = now
    item.attempts += 1
    item.progress = 0
    item.save(
        update_fields=[
            "status",
            "lease_owner",
            "lease_expires_at",
            "heartbeat_at",
            "started_at",
            "attempts",
            "progress",
            "updated_at",
        ]
    )
    queue_log(item, f"Claimed by {worker} (attempt {item.attempts} of {item.max_attempts})")
    return item


@dataclass(frozen=True)
class Heartbeat:
    lease_held: bool
    cancel_requested: bool


def queue_item_heartbeat(*, item_id: int, worker: str, progress: float, now: datetime | None = None) -> Heartbeat:
    """Extend the lease and record progress; tells the worker whether to keep going."""
    now = now or timezone.now()
    held = _held(item_id, worker).update(
        lease_expires_at=_lease_expiry(now), heartbeat_at=now, progress=max(0.0, min(progress, 100.0))
    )
    if not held:
        return Heartbeat(lease_held=False, cancel_requested=False)
    cancel = QueueItem.objects.filter(pk=item_id).values_list("cancel_requested", flat=True).first()
    return Heartbeat(lease_held=True, cancel_requested=bool(cancel))


def _held(item_id: int, worker: str):
    return QueueItem.objects.filter(pk=item_id, status=QueueStatus.PROCESSING, lease_owner=worker)


@transaction.atomic
def queue_item_complete(
    *, item_id: int, worker: str, output_path: str, render_seconds: float, output_asset=None, command: str = ""
) -> bool:
    """Mark the item ready. False when the lease was lost (the output must then be discarded)."""
    now = timezone.now()
    done = _held(item_id, worker).update(
        status=QueueStatus.READY,
        progress=100,
        completed_at=now,
        render_seconds=render_seconds,
        output_path=output_path,
        output_asset=output_asset,
        command=command or F("command"),
        lease_owner="",
        lease_expires_at=None,
        updated_at=now,
    )
    if done:
        queue_log(item_id, f"Rendered in {render_seconds:.1f} s -> {output_path}")
        _settled(item_id)
    return bool(done)


@transaction.atomic
def queue_item_fail_attempt(*, item_id: int, worker: str, error: str, permanent: bool = False) -> str | None:
    """Record a failed attempt: back to pending while attempts remain, else failed.

    Returns the new status, or None when the lease was no longer held.
    """
    item = QueueItem.objects.select_for_update().filter(pk=item_id).first()
    if item is None or item.status != QueueStatus.PROCESSING or item.lease_owner != worker:
        return None
    _record_failure(item, error, permanent=permanent, now=timezone.now())
    return item.status


def _record_failure(item: QueueItem, error: str, *, permanent: bool, now: datetime) -> None:
    item.error_count += 1
    item.last_error = error[:5000]
    item.lease_owner = ""
    item.lease_expires_at = None
    if item.cancel_requested:
        item.status = QueueStatus.CANCELLED
        item.completed_at = now
        message, level = "Cancelled while rendering", LogLevel.WARNING
    elif permanent or item.attempts >= item.max_attempts:
        item.status = QueueStatus.FAILED
        item.completed_at = now
        message, level = f"Failed after {item.attempts} attempt(s): {error}", LogLevel.ERROR
    else:
        item.status = QueueStatus.PENDING
        item.progress = 0
        message, level = f"Attempt {item.attempts} failed, will retry: {error}", LogLevel.WARNING
    item.save(
        update_fields=[
            "error_count",
            "last_error",
            "lease_owner",
            "lease_expires_at",
            "status",
            "completed_at",
            "progress",
            "updated_at",
        ]
    )
    queue_log(item, message, level)
    if item.status in TERMINAL_STATUSES:
        _settled(item.pk)


def queue_items_reap(*, now: datetime | None = None, limit: int = 100) -> int:
    """Return items whose lease expired (their worker died) to pending, or fail them."""
    now = now or timezone.now()
    reaped = 0
    with transaction.atomic():
        expired = QueueItem.objects.filter(status=QueueStatus.PROCESSING, lease_expires_at__lt=now).order_by(
            "lease_expires_at"
        )
        if connection.features.has_select_for_update_skip_locked:
            expired = expired.select_for_update(skip_locked=True)
        for item in expired[:limit]:
            worker = item.lease_owner or "unknown worker"
            _record_failure(item, f"Worker {worker} stopped heartbeating (lease expired)", permanent=False, now=now)
            reaped += 1
    return reaped


@transaction.atomic
def queue_item_cancel(*, item: QueueItem) -> QueueItem:
    """Pending: cancelled now. Processing: the worker stops ffmpeg at its next heartbeat."""
    item = QueueItem.objects.select_for_update().get(pk=item.pk)
    if item.status == QueueStatus.PENDING:
        item.status = QueueStatus.CANCELLED
        item.completed_at = timezone.now()
        item.save(update_fields=["status", "completed_at", "updated_at"])
        queue_log(item, "Cancelled before rendering")
        _settled(item.pk)
    elif item.status == QueueStatus.PROCESSING:
        item.cancel_requested = True
        item.save(update_fields=["cancel_requested", "updated_at"])
        queue_log(item, "Cancel requested: stopping the render", LogLevel.WARNING)
    else:
        raise ApplicationError(f"A {item.status} item cannot be cancelled.", code="invalid_state")
    return item


def queue_item_mark_cancelled(*, item_id: int, worker: str) -> bool:
    now = timezone.now()
    done = _held(item_id, worker).update(
        status=QueueStatus.CANCELLED, completed_at=now, lease_owner="", lease_expires_at=None, updated_at=now
    )
    if done:
        queue_log(item_id, "Render stopped and cancelled", LogLevel.WARNING)
        _settled(item_id)
    return bool(done)


@transaction.atomic
def queue_item_retry(*, item: QueueItem, rerender: bool = False) -> QueueItem:
    """Back to pending with a fresh set of attempts: failed or cancelled items, and with
    `rerender` (an operator's requeue) ready ones too."""
    allowed = {QueueStatus.FAILED, QueueStatus.CANCELLED} | ({QueueStatus.READY} if rerender else set())
    item = QueueItem.objects.select_for_update().get(pk=item.pk)
    if item.status not in allowed:
        names = " or ".join(sorted(allowed))
        raise ApplicationError(f"Only {names} items can be retried (this one is {item.status}).", code="invalid_state")
    item.status = QueueStatus.PENDING
    item.attempts = 0
    item.progress = 0
    item.cancel_requested = False
    item.completed_at = None
    item.save(update_fields=["status", "attempts", "progress", "cancel_requested", "completed_at", "updated_at"])
    queue_log(item, "Requeued to render again" if rerender else "Retry requested: back in the queue")
    schedule_render()
    return item


@transaction.atomic
def queue_clear(*, owner) -> int:
    """Cancel the owner's pending items; processing ones keep running."""
    ids = list(QueueItem.objects.filter(owner=owner, status=QueueStatus.PENDING).values_list("pk", flat=True))
    now = timezone.now()
    QueueItem.objects.filter(pk__in=ids, status=QueueStatus.PENDING).update(
        status=QueueStatus.CANCELLED, completed_at=now, updated_at=now
    )
    QueueLog.objects.bulk_create(
        [QueueLog(item_id=pk, level=LogLevel.INFO, message="Cleared from the queue") for pk in ids]
    )
    return len(ids)


def schedule_render(count: int = 1) -> None:
    """Ask workers to claim work once the current transaction commits."""
    from production import tasks

    def send():
        for _ in range(max(0, min(count, settings.RENDER_KICK_LIMIT))):
            tasks.render_next.delay()

    transaction.on_commit(send)


@dataclass(frozen=True)
class NewItem:
    """What adding one item needs; the batch path validates many of these at once."""

    spec: dict
    priority: int = Priority.NORMAL
    content_type: str = ContentType.CUSTOM
    caption: str = ""
    hashtags: tuple[str, ...] = ()
    metadata: dict | None = None
    mix_key: str = ""  # a campaign's mix of assets (campaigns.mix_key)


def _build(owner, new: NewItem, checked: specs.CheckedSpec, *, campaign=None, batch=None) -> QueueItem:
    return QueueItem(
        owner=owner,
        campaign=campaign,
        batch=batch,
        spec=checked.spec.to_dict(),
        platform=checked.spec.output.platform or "custom",
        content_type=new.content_type,
        priority=new.priority,
        max_attempts=settings.RENDER_MAX_ATTEMPTS,
        caption=new.caption,
        hashtags=list(new.hashtags),
        warnings=list(checked.report.warnings),
        metadata=new.metadata or {},
        mix_key=new.mix_key,
    )


@transaction.atomic
def queue_items_add(*, owner, items: list[NewItem], campaign=None, batch=None) -> list[QueueItem]:
    """Validate every item, then insert them all in one transaction (or none of them).

    Errors name the item: `items.3.spec.inputs.0.asset`.
    """
    if not items:
        raise ApplicationError("Add at least one item.", fields={"items": ["This list may not be empty."]})
    limit = settings.QUEUE_BATCH_MAX_ITEMS
    if len(items) > limit:
        raise ApplicationError(
            f"Too many items in one batch: {len(items)} (limit {limit}).",
            fields={"items": [f"At most {limit} items per request."]},
        )
    assets = specs.load_assets(ids=_referenced_ids(items))
    built, failures = [], []
    for index, new in enumerate(items):
        prefix = f"items.{index}.spec" if len(items) > 1 else "spec"
        try:
            checked = specs.check_spec(owner_id=owner.pk, data=new.spec, assets=assets, field_prefix=prefix)
        except ApplicationError as exc:
            failures.append((index, exc))
            continue
        built.append((_build(owner, new, checked, campaign=campaign, batch=batch), checked.spec.asset_ids()))
    if failures:
        index, first = failures[0]
        if len(items) == 1:
            raise first
        fields = {name: messages for _, exc in failures for name, messages in exc.fields.items()}
        raise ApplicationError(
            f"{len(failures)} of {len(items)} items are invalid; the first, item {index}: {first.message}",
            code=first.code,
            fields=fields,
        )
    created = bulk_insert([item for item, _ in built])
    links = [
        QueueItem.assets.through(queueitem_id=item.pk, mediaasset_id=asset_id)
        for item, (_, asset_ids) in zip(created, built, strict=True)
        for asset_id in asset_ids
    ]
    QueueItem.assets.through.objects.bulk_create(links, batch_size=2000)
    schedule_render(len(created))
    return created


def _referenced_ids(items: list[NewItem]) -> set[int]:
    """Asset ids anywhere in the specs (before validation: one query loads them all)."""
    return {
        value
        for new in items
        for _, value in specs.asset_references(new.spec)
        if isinstance(value, int) and not isinstance(value, bool)
    }


@transaction.atomic
def queue_item_mark_distributed(*, item_id: int, uploaded: bool, message: str = "") -> bool:
    """A ready item's uploads are settled: `uploaded` when they all succeeded, else failed
    (every one failed for good). False when the item was not ready."""
    now = timezone.now()
    status = QueueStatus.UPLOADED if uploaded else QueueStatus.FAILED
    changed = QueueItem.objects.filter(pk=item_id, status=QueueStatus.READY).update(status=status, updated_at=now)
    if changed:
        text = message or ("Published to every target account" if uploaded else "Every upload failed")
        queue_log(item_id, text, LogLevel.INFO if uploaded else LogLevel.ERROR)
    return bool(changed)


@transaction.atomic
def queue_item_reopen_for_upload(*, item_id: int) -> bool:
    """An item that failed only because its uploads did (it has its rendered file) is ready again."""
    changed = QueueItem.objects.filter(
        pk=item_id, status__in=[QueueStatus.FAILED, QueueStatus.UPLOADED], output_asset__isnull=False
    ).update(status=QueueStatus.READY, updated_at=timezone.now())
    if changed:
        queue_log(item_id, "Ready again: an upload is being retried")
    return bool(changed)
