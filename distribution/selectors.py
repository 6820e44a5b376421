"""Reads for uploads and distributions, always scoped to the requesting user."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Avg, Count, F, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from accounts.platforms import Platform
from distribution.models import Distribution, EngagementSnapshot, Upload, UploadAttempt, UploadStatus

SUMMARY_GROUPS = {
    "video": ("queue_item__queue_id",),
    "campaign": ("queue_item__campaign_id", "queue_item__campaign__name"),
    "account": ("account_id", "account__username", "account__platform"),
    "platform": ("platform",),
}


def upload_list(*, user, filters: dict | None = None) -> QuerySet[Upload]:
    qs = Upload.objects.filter(owner=user).select_related("account", "queue_item")
    filters = filters or {}
    for name in ("status", "platform", "account_id"):
        if filters.get(name) not in (None, ""):
            qs = qs.filter(**{name: filters[name]})
    if filters.get("queue_item"):
        qs = qs.filter(queue_item__queue_id=filters["queue_item"])
    return qs


def upload_detail(*, user) -> QuerySet[Upload]:
    return upload_list(user=user).prefetch_related(Prefetch("attempts", queryset=UploadAttempt.objects.order_by("id")))


def scheduled_upload_list(*, user) -> QuerySet[Upload]:
    """Posts waiting for their time: scheduled, not yet sent (or sent to YouTube with publishAt)."""
    return (
        upload_list(user=user)
        .filter(scheduled_at__isnull=False)
        .filter(Q(status=UploadStatus.PENDING) | Q(status=UploadStatus.SUCCESS, remote_status="scheduled"))
        .order_by("scheduled_at", "id")
    )


def upload_next_pending(*, user, now: datetime | None = None) -> Upload | None:
    """The user's upload a worker will send next."""
    now = now or timezone.now()
    return (
        upload_list(user=user)
        .filter(status__in=[UploadStatus.PENDING, UploadStatus.RETRY])
        .order_by(F("next_attempt_at").asc(nulls_first=True), "id")
        .first()
    )


def upload_stats(*, user) -> dict:
    qs = Upload.objects.filter(owner=user)
    by_status = {status.value: 0 for status in UploadStatus} | {
        row["status"]: row["n"] for row in qs.order_by().values("status").annotate(n=Count("id"))
    }
    by_platform = {row["platform"]: row["n"] for row in qs.order_by().values("platform").annotate(n=Count("id"))}
    done = by_status[UploadStatus.SUCCESS] + by_status[UploadStatus.FAILED]
    successful = qs.filter(status=UploadStatus.SUCCESS)
    totals = successful.aggregate(size=Sum("file_size", default=0), duration=Avg("duration_seconds"))
    seconds = [
        (completed - started).total_seconds()
        for started, completed in successful.filter(started_at__isnull=False).values_list("started_at", "completed_at")
    ]
    return {
        "total": sum(by_status.values()),
        "by_status": by_status,
        "by_platform": by_platform,
        "success_rate": round(by_status[UploadStatus.SUCCESS] / done, 4) if done else None,
        "total_size_bytes": totals["size"],
        "average_duration_seconds": round(totals["duration"], 2) if totals["duration"] is not None else None,
        "average_upload_seconds": round(sum(seconds) / len(seconds), 2) if seconds else None,
    }


def distribution_list(*, user, filters: dict | None = None) -> QuerySet[Distribution]:
    qs = Distribution.objects.filter(owner=user).select_related("account", "queue_item", "upload")
    filters = filters or {}
    for name in ("platform", "status", "account_id"):
        if filters.get(name) not in (None, ""):
            qs = qs.filter(**{name: filters[name]})
    if filters.get("queue_item"):
        qs = qs.filter(queue_item__queue_id=filters["queue_item"])
    if filters.get("campaign"):
        qs = qs.filter(queue_item__campaign_id=filters["campaign"])
    return qs


def distribution_detail(*, user) -> QuerySet[Distribution]:
    recent = EngagementSnapshot.objects.order_by("-fetched_at", "-id")
    return distribution_list(user=user).prefetch_related(Prefetch("snapshots", queryset=recent))


def distribution_recent(*, user, days: int = 7, now: datetime | None = None) -> QuerySet[Distribution]:
    now = now or timezone.now()
    return distribution_list(user=user).filter(published_at__gte=now - timedelta(days=days))


def distribution_summary(*, user, group: str, filters: dict | None = None) -> list[dict]:
    """Engagement totals per video, campaign, account or platform, most viewed first."""
    keys = SUMMARY_GROUPS[group]
    rows = (
        distribution_list(user=user, filters=filters)
        .order_by()
        .values(*keys)
        .annotate(
            posts=Count("id"),
            views=Sum("views"),
            likes=Sum("likes"),
            comments=Sum("comments"),
            shares=Sum("shares"),
            saves=Sum("saves"),
        )
        .order_by("-views", *keys)
    )
    summary = []
    for row in rows:
        key, label = _group_key(group, row)
        counts = {name: row[name] for name in ("posts", "views", "likes", "comments", "shares", "saves")}
        engagement = counts["likes"] + counts["comments"] + counts["shares"] + counts["saves"]
        rate = round(engagement / counts["views"], 4) if counts["views"] else None
        summary.append({"key": key, "label": label, **counts, "engagement_rate": rate})
    return summary


def _group_key(group: str, row: dict) -> tuple[str, str]:
    if group == "video":
        return str(row["queue_item__queue_id"]), str(row["queue_item__queue_id"])
    if group == "campaign":
        campaign = row["queue_item__campaign_id"]
        return (str(campaign), row["queue_item__campaign__name"]) if campaign else ("", "No campaign")
    if group == "account":
        label = f"{Platform(row['account__platform']).label} @{row['account__username']}"
        return str(row["account_id"]), label
    return row["platform"], Platform(row["platform"]).label
