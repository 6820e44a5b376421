from __future__ import annotations

from django.db.models import Avg, Count, QuerySet

from production.models import BatchJob, Campaign, Priority, QueueItem, QueueStatus


def queue_item_list(*, user, filters: dict | None = None) -> QuerySet[QueueItem]:
    qs = QueueItem.objects.filter(owner=user).select_related("campaign", "output_asset")
    filters = filters or {}
    for name in ("status", "platform", "content_type", "priority", "campaign_id", "batch_id"):
        if filters.get(name) not in (None, ""):
            qs = qs.filter(**{name: filters[name]})
    return qs


def queue_next_pending(*, user) -> QueueItem | None:
    """What a worker would claim next among the user's items (a peek: nothing changes)."""
    return (
        queue_item_list(user=user).filter(status=QueueStatus.PENDING).order_by("-priority", "created_at", "id").first()
    )


def queue_stats(*, user) -> dict:
    qs = QueueItem.objects.filter(owner=user)

    def grouped(field: str) -> dict:
        return {row[field]: row["n"] for row in qs.order_by().values(field).annotate(n=Count("id"))}

    by_status = {status.value: 0 for status in QueueStatus} | grouped("status")
    finished = by_status[QueueStatus.READY] + by_status[QueueStatus.UPLOADED] + by_status[QueueStatus.FAILED]
    average = qs.filter(render_seconds__isnull=False).aggregate(a=Avg("render_seconds"))["a"]
    return {
        "total": sum(by_status.values()),
        "by_status": by_status,
        "by_platform": grouped("platform"),
        "by_content_type": grouped("content_type"),
        "by_priority": {Priority(k).label: v for k, v in grouped("priority").items()},
        "error_rate": round(by_status[QueueStatus.FAILED] / finished, 4) if finished else 0.0,
        "average_processing_seconds": round(average, 2) if average is not None else None,
    }


def campaign_list(*, user) -> QuerySet[Campaign]:
    return Campaign.objects.filter(owner=user).prefetch_related("target_accounts")


def batch_list(*, user) -> QuerySet[BatchJob]:
    return BatchJob.objects.filter(owner=user).select_related("campaign")
