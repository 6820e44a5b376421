"""Stats snapshots: one owner's (or the whole system's) numbers per hour and per day.

A snapshot of the current hour/day is recomputed on every analyze run (an upsert), so the
latest one is always fresh and past ones stay as they were last seen. Snapshots older than
STATS_HOURLY_RETENTION_DAYS / STATS_DAILY_RETENTION_DAYS are removed.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Avg, Count, Q, Sum
from django.utils import timezone

from distribution.models import Distribution, Upload, UploadStatus
from monitoring.models import Period, StatsSnapshot
from production.models import QueueItem, QueueStatus


def period_bounds(period: str, at: datetime, time_zone: str) -> tuple[datetime, datetime]:
    local = at.astimezone(zoneinfo.ZoneInfo(time_zone))
    if period == Period.HOUR:
        start = local.replace(minute=0, second=0, microsecond=0)
        return start, start + timedelta(hours=1)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + timedelta(days=1)


def _rate(good: int, bad: int) -> float | None:
    return round(good / (good + bad), 4) if good + bad else None


def snapshot_values(*, owner, start: datetime, end: datetime) -> dict:
    """The numbers of [start, end) for `owner` (None: everyone), in five aggregate queries."""
    items = QueueItem.objects.all() if owner is None else QueueItem.objects.filter(owner=owner)
    uploads = Upload.objects.all() if owner is None else Upload.objects.filter(owner=owner)
    posts = Distribution.objects.all() if owner is None else Distribution.objects.filter(owner=owner)
    generated = items.filter(created_at__gte=start, created_at__lt=end).count()
    finished = items.filter(completed_at__gte=start, completed_at__lt=end).aggregate(
        rendered=Count("id", filter=Q(render_seconds__isnull=False)),
        failed=Count("id", filter=Q(status=QueueStatus.FAILED, render_seconds__isnull=True)),
        render_seconds=Avg("render_seconds"),
    )
    by_platform: dict[str, dict[str, int]] = {}
    rows = (
        uploads.filter(
            completed_at__gte=start, completed_at__lt=end, status__in=[UploadStatus.SUCCESS, UploadStatus.FAILED]
        )
        .order_by()
        .values("platform", "status")
        .annotate(n=Count("id"))
    )
    for row in rows:
        by_platform.setdefault(row["platform"], {"success": 0, "failed": 0})[row["status"]] = row["n"]
    succeeded = sum(v["success"] for v in by_platform.values())
    failed = sum(v["failed"] for v in by_platform.values())
    engagement = posts.filter(published_at__gte=start, published_at__lt=end).aggregate(
        views=Sum("views", default=0),
        engagement=Sum("likes", default=0) + Sum("comments", default=0) + Sum("shares", default=0)
        + Sum("saves", default=0),
    )  # fmt: skip
    depth = items.filter(status__in=[QueueStatus.PENDING, QueueStatus.PROCESSING]).count()
    return {
        "videos_generated": generated,
        "videos_rendered": finished["rendered"],
        "videos_failed": finished["failed"],
        "render_seconds_avg": round(finished["render_seconds"], 2) if finished["render_seconds"] is not None else None,
        "uploads_succeeded": succeeded,
        "uploads_failed": failed,
        "uploads_by_platform": by_platform,
        "render_success_rate": _rate(finished["rendered"], finished["failed"]),
        "upload_success_rate": _rate(succeeded, failed),
        "views": engagement["views"],
        "engagement": engagement["engagement"],
        "queue_depth": depth,
    }


@transaction.atomic
def snapshot_store(*, owner, period: str, at: datetime) -> StatsSnapshot:
    time_zone = owner.time_zone if owner is not None else settings.TIME_ZONE
    start, end = period_bounds(period, at, time_zone)
    values = snapshot_values(owner=owner, start=start, end=end)
    snapshot, _ = StatsSnapshot.objects.update_or_create(
        owner=owner, period=period, period_start=start, defaults={**values, "computed_at": at}
    )
    return snapshot


def snapshots_compute(*, owner, now: datetime | None = None) -> list[StatsSnapshot]:
    """This hour's and today's snapshot of `owner` (None: the system), and the retention trim."""
    now = now or timezone.now()
    snapshots = [snapshot_store(owner=owner, period=period, at=now) for period in (Period.HOUR, Period.DAY)]
    snapshots_trim(now=now)
    return snapshots


def snapshots_trim(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    hourly = now - timedelta(days=settings.STATS_HOURLY_RETENTION_DAYS)
    daily = now - timedelta(days=settings.STATS_DAILY_RETENTION_DAYS)
    return StatsSnapshot.objects.filter(
        Q(period=Period.HOUR, period_start__lt=hourly) | Q(period=Period.DAY, period_start__lt=daily)
    ).delete()[0]
