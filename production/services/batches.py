"""Batch jobs: many queue items under one name, with a concurrency limit and controls."""

from __future__ import annotations

import csv
import io
import json

from django.db import transaction
from django.db.models import Avg, Count
from django.utils import timezone

from common.errors import ApplicationError
from production.models import BatchJob, BatchStatus, BatchType, QueueItem, QueueStatus
from production.services import campaigns, queue

TERMINAL = queue.TERMINAL_STATUSES


@transaction.atomic
def batch_create(
    *,
    owner,
    name: str,
    concurrency_limit: int = 2,
    items: list[queue.NewItem] | None = None,
    campaign=None,
    count: int | None = None,
    seed: int | None = None,
) -> BatchJob:
    """From a list of specs (render batch) or a campaign and a count (generate batch)."""
    if bool(items) == bool(campaign):
        raise ApplicationError(
            "Give either a list of specs or a campaign and a count.",
            fields={"items": ["Either items or campaign is required, not both."]},
        )
    batch = BatchJob(
        owner=owner,
        name=name,
        concurrency_limit=concurrency_limit,
        campaign=campaign,
        batch_type=BatchType.GENERATE if campaign else BatchType.RENDER,
        status=BatchStatus.RUNNING,
        started_at=timezone.now(),
    )
    batch.full_clean()
    batch.save()
    if campaign:
        campaigns.campaign_generate(campaign=campaign, count=count, seed=seed, batch=batch)
    else:
        queue.queue_items_add(owner=owner, items=items, batch=batch)
    return batch


def _transition(batch: BatchJob, allowed: set[str], target: str, verb: str) -> BatchJob:
    if batch.status not in allowed:
        raise ApplicationError(f"Cannot {verb} a {batch.status} batch.", code="invalid_state")
    batch.status = target
    fields = ["status", "updated_at"]
    if target in (BatchStatus.CANCELLED,):
        batch.finished_at = timezone.now()
        fields.append("finished_at")
    batch.save(update_fields=fields)
    return batch


@transaction.atomic
def batch_pause(*, batch: BatchJob) -> BatchJob:
    return _transition(batch, {BatchStatus.RUNNING, BatchStatus.PENDING}, BatchStatus.PAUSED, "pause")


@transaction.atomic
def batch_resume(*, batch: BatchJob) -> BatchJob:
    batch = _transition(batch, {BatchStatus.PAUSED}, BatchStatus.RUNNING, "resume")
    queue.schedule_render(batch.concurrency_limit)
    return batch


@transaction.atomic
def batch_cancel(*, batch: BatchJob) -> BatchJob:
    batch = _transition(
        batch, {BatchStatus.PENDING, BatchStatus.RUNNING, BatchStatus.PAUSED}, BatchStatus.CANCELLED, "cancel"
    )
    for item in batch.items.filter(status__in=queue.ACTIVE_STATUSES):
        queue.queue_item_cancel(item=item)
    return batch


@transaction.atomic
def batch_retry_failed(*, batch: BatchJob) -> int:
    failed = list(batch.items.filter(status=QueueStatus.FAILED))
    if not failed:
        raise ApplicationError("This batch has no failed items to retry.", code="invalid_state")
    for item in failed:
        queue.queue_item_retry(item=item)
    batch.status = BatchStatus.RUNNING
    batch.finished_at = None
    batch.save(update_fields=["status", "finished_at", "updated_at"])
    return len(failed)


def batch_progress_many(batches: list[BatchJob]) -> dict[int, dict]:
    """Counts by status and an estimate of the time left from the average item time,
    for a page of batches in two queries."""
    ids = [batch.pk for batch in batches]
    counts: dict[int, dict[str, int]] = {pk: {status.value: 0 for status in QueueStatus} for pk in ids}
    rows = QueueItem.objects.filter(batch_id__in=ids).values("batch_id", "status").annotate(n=Count("id"))
    for row in rows.order_by():
        counts[row["batch_id"]][row["status"]] = row["n"]
    averages = dict(
        QueueItem.objects.filter(batch_id__in=ids, render_seconds__isnull=False)
        .values("batch_id")
        .annotate(a=Avg("render_seconds"))
        .order_by()
        .values_list("batch_id", "a")
    )
    progress = {}
    for batch in batches:
        by_status, average = counts[batch.pk], averages.get(batch.pk)
        total = sum(by_status.values())
        done = sum(by_status[s] for s in TERMINAL)
        remaining = by_status[QueueStatus.PENDING] + by_status[QueueStatus.PROCESSING]
        progress[batch.pk] = {
            "total": total,
            "done": done,
            "percent": round(100 * done / total, 1) if total else 0.0,
            "by_status": by_status,
            "average_item_seconds": average,
            "estimated_seconds_remaining": average * remaining / batch.concurrency_limit
            if average and remaining
            else None,
        }
    return progress


def batch_progress(batch: BatchJob) -> dict:
    return batch_progress_many([batch])[batch.pk]


EXPORT_FIELDS = ["queue_id", "status", "output_url", "error", "render_seconds", "created_at", "completed_at"]


def batch_export_rows(batch: BatchJob, *, url_for) -> list[dict]:
    return [
        {
            "queue_id": str(item.queue_id),
            "status": item.status,
            "output_url": url_for(item) if item.output_asset_id else "",
            "error": item.last_error.split("\n", 1)[0] if item.status == QueueStatus.FAILED else "",
            "render_seconds": item.render_seconds,
            "created_at": item.created_at.isoformat(),
            "completed_at": item.completed_at.isoformat() if item.completed_at else "",
        }
        for item in batch.items.order_by("created_at", "id")
    ]


def batch_export(batch: BatchJob, *, fmt: str, url_for) -> str:
    rows = batch_export_rows(batch, url_for=url_for)
    if fmt == "json":
        return json.dumps({"batch": batch.pk, "name": batch.name, "items": rows}, indent=2)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_FIELDS)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()
