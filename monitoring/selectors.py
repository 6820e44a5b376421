"""Reads for jobs, runs, alerts, snapshots, system status and the overview.

Everything is scoped: a user sees their own rows; operators (staff) additionally see the
system-wide alerts and snapshots, and ask for the global system status. Each function runs
a fixed number of queries whatever the row counts.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from accounts import selectors as account_selectors
from accounts.models import AccountStatus, SocialAccount
from distribution.models import Distribution, Upload, UploadStatus
from monitoring import cron
from monitoring.models import Alert, AutomationJob, JobRun, JobType, RunStatus, StatsSnapshot
from production.models import QueueItem, QueueStatus


def job_list(*, user) -> QuerySet[AutomationJob]:
    return AutomationJob.objects.filter(owner=user).select_related("campaign", "owner")


def job_run_list(*, user, job: AutomationJob | None = None) -> QuerySet[JobRun]:
    qs = JobRun.objects.filter(job__owner=user).select_related("job")
    return qs.filter(job=job) if job is not None else qs


def running_runs(*, user, everyone: bool = False) -> QuerySet[JobRun]:
    qs = JobRun.objects.filter(status=RunStatus.RUNNING).select_related("job", "job__owner").order_by("started_at")
    return qs if everyone else qs.filter(job__owner=user)


@dataclass(frozen=True)
class NextRun:
    job: AutomationJob
    at: datetime


def next_runs(jobs, *, now: datetime | None = None, limit: int = 5) -> list[NextRun]:
    """The next time each enabled job fires, soonest first."""
    now = now or timezone.now()
    upcoming = [NextRun(job, cron.next_runs(job.cron, job.time_zone, after=now)[0]) for job in jobs if job.enabled]
    return sorted(upcoming, key=lambda n: n.at)[:limit]


def job_next_run(job: AutomationJob, *, now: datetime | None = None) -> datetime | None:
    return cron.next_runs(job.cron, job.time_zone, after=now)[0] if job.enabled else None


def job_stats(*, user, now: datetime | None = None, everyone: bool = False) -> dict:
    jobs = AutomationJob.objects.all() if everyone else AutomationJob.objects.filter(owner=user)
    job_rows = list(jobs.select_related("owner", "campaign"))
    runs = JobRun.objects.all() if everyone else JobRun.objects.filter(job__owner=user)
    totals = runs.aggregate(
        total=Count("id"),
        success=Count("id", filter=Q(status=RunStatus.SUCCESS)),
        failed=Count("id", filter=Q(status=RunStatus.FAILED)),
        skipped=Count("id", filter=Q(status=RunStatus.SKIPPED)),
    )
    finished = totals["success"] + totals["failed"]
    return {
        "total_jobs": len(job_rows),
        "enabled_jobs": sum(1 for job in job_rows if job.enabled),
        "by_type": {kind: sum(1 for job in job_rows if job.job_type == kind) for kind in JobType.values},
        "total_runs": totals["total"],
        "successful_runs": totals["success"],
        "failed_runs": totals["failed"],
        "skipped_runs": totals["skipped"],
        "success_rate": round(totals["success"] / finished, 4) if finished else None,
        "next_scheduled": next_runs(job_rows, now=now),
    }


# --- system status --------------------------------------------------------------------------
def _scoped(qs: QuerySet, user, everyone: bool) -> QuerySet:
    return qs if everyone else qs.filter(owner=user)


def _counts(qs: QuerySet, field: str, choices) -> dict[str, int]:
    found = {row[field]: row["n"] for row in qs.order_by().values(field).annotate(n=Count("id"))}
    return {value: found.get(value, 0) for value in choices}


def queue_summary(*, user, everyone: bool = False) -> dict:
    by_status = _counts(_scoped(QueueItem.objects.all(), user, everyone), "status", QueueStatus.values)
    finished = by_status[QueueStatus.READY] + by_status[QueueStatus.UPLOADED] + by_status[QueueStatus.FAILED]
    return {
        "total": sum(by_status.values()),
        "by_status": by_status,
        "depth": by_status[QueueStatus.PENDING] + by_status[QueueStatus.PROCESSING],
        "error_rate": round(by_status[QueueStatus.FAILED] / finished, 4) if finished else 0.0,
    }


def upload_summary(*, user, everyone: bool = False) -> dict:
    qs = _scoped(Upload.objects.all(), user, everyone)
    by_status = _counts(qs, "status", UploadStatus.values)
    by_platform = {row["platform"]: row["n"] for row in qs.order_by().values("platform").annotate(n=Count("id"))}
    done = by_status[UploadStatus.SUCCESS] + by_status[UploadStatus.FAILED]
    return {
        "total": sum(by_status.values()),
        "by_status": by_status,
        "by_platform": by_platform,
        "success_rate": round(by_status[UploadStatus.SUCCESS] / done, 4) if done else None,
    }


def account_summary(*, user, everyone: bool = False) -> dict:
    qs = _scoped(SocialAccount.objects.all(), user, everyone)
    by_status = _counts(qs, "status", AccountStatus.values)
    totals = qs.aggregate(posts=Sum("posts_count", default=0), views=Sum("views_count", default=0))
    by_platform = {row["platform"]: row["n"] for row in qs.order_by().values("platform").annotate(n=Count("id"))}
    connected = account_selectors.connected_counts(qs)
    return {
        "total": sum(by_status.values()),
        # Active and able to post: a working token (or the sandbox); the others need Connect first.
        "active": sum(row["active"] for row in connected.values()),
        "not_connected": sum(row["not_connected"] for row in connected.values()),
        "by_status": by_status,
        "by_platform": by_platform,
        "posts": totals["posts"],
        "views": totals["views"],
    }


def system_status(*, user, everyone: bool = False, now: datetime | None = None) -> dict:
    """The seed's shape: queue, uploads, accounts, jobs, running jobs (operators: everyone's)."""
    now = now or timezone.now()
    return {
        "scope": "global" if everyone else "user",
        "generated_at": now,
        "queue": queue_summary(user=user, everyone=everyone),
        "uploads": upload_summary(user=user, everyone=everyone),
        "accounts": account_summary(user=user, everyone=everyone),
        "jobs": job_stats(user=user, now=now, everyone=everyone),
        "running_jobs": list(running_runs(user=user, everyone=everyone)[:50]),
    }


# --- alerts and snapshots -----------------------------------------------------------------------
def alert_list(*, user, open_only: bool = False) -> QuerySet[Alert]:
    """The user's alerts; operators also see the system-wide ones (owner empty)."""
    scope = Q(owner=user) | Q(owner__isnull=True) if user.is_staff else Q(owner=user)
    qs = Alert.objects.filter(scope).select_related("owner", "acknowledged_by")
    return qs.filter(acknowledged_at__isnull=True) if open_only else qs


def snapshot_list(*, user, system: bool = False) -> QuerySet[StatsSnapshot]:
    if system and user.is_staff:
        return StatsSnapshot.objects.filter(owner__isnull=True)
    return StatsSnapshot.objects.filter(owner=user)


# --- the overview ------------------------------------------------------------------------------
CHART_DAYS = 14


def _days(now: datetime, time_zone: str) -> list:
    today = now.astimezone(zoneinfo.ZoneInfo(time_zone)).date()
    return [today - timedelta(days=offset) for offset in range(CHART_DAYS - 1, -1, -1)]


def _per_day(qs: QuerySet, field: str, since: datetime, tz, groups: tuple[str, ...] = (), **values) -> list[dict]:
    """Rows of {"day", *groups, *values} for rows with `field` since `since`, days in the user's zone."""
    return list(
        qs.filter(**{f"{field}__gte": since})
        .annotate(day=TruncDate(field, tzinfo=tz))
        .order_by()
        .values("day", *groups)
        .annotate(**values)
    )


def overview(*, user, now: datetime | None = None) -> dict:
    """Today's numbers and 14 days of history for the overview page (user's time zone)."""
    now = now or timezone.now()
    tz = zoneinfo.ZoneInfo(user.time_zone)
    days = _days(now, user.time_zone)
    since = datetime.combine(days[0], datetime.min.time(), tzinfo=tz)
    items = QueueItem.objects.filter(owner=user)
    created = {
        (row["day"], row["status"]): row["n"]
        for row in _per_day(items, "created_at", since, tz, ("status",), n=Count("id"))
    }
    renders = {
        row["day"]: row
        for row in _per_day(
            items,
            "completed_at",
            since,
            tz,
            rendered=Count("id", filter=Q(render_seconds__isnull=False)),
            failed=Count("id", filter=Q(status=QueueStatus.FAILED, render_seconds__isnull=True)),
        )
    }
    finished = Upload.objects.filter(owner=user, status__in=[UploadStatus.SUCCESS, UploadStatus.FAILED])
    uploads: dict[tuple, int] = {}
    for row in _per_day(finished, "completed_at", since, tz, ("platform", "status"), n=Count("id")):
        uploads[row["day"], row["platform"], row["status"]] = row["n"]
    views = {
        row["day"]: row["n"] or 0
        for row in _per_day(Distribution.objects.filter(owner=user), "published_at", since, tz, n=Sum("views"))
    }
    today = days[-1]
    statuses = [s for s in QueueStatus.values if any((d, s) in created for d in days)]
    platforms = sorted({platform for (_, platform, status) in uploads if status == UploadStatus.SUCCESS})

    def uploaded(day, status, platform=None) -> int:
        return sum(n for (d, p, s), n in uploads.items() if d == day and s == status and platform in (None, p))

    success_rate = []
    for day in days:
        good, bad = uploaded(day, UploadStatus.SUCCESS), uploaded(day, UploadStatus.FAILED)
        success_rate.append(round(100 * good / (good + bad), 1) if good + bad else None)
    render_today = renders.get(today, {"rendered": 0, "failed": 0})
    return {
        "today": {
            "generated": sum(created.get((today, s), 0) for s in QueueStatus.values),
            "rendered": render_today["rendered"],
            "published": uploaded(today, UploadStatus.SUCCESS),
            "failed": render_today["failed"] + uploaded(today, UploadStatus.FAILED),
        },
        "days": days,
        "videos_by_status": {s: [created.get((d, s), 0) for d in days] for s in statuses},
        "uploads_by_platform": {p: [uploaded(d, UploadStatus.SUCCESS, p) for d in days] for p in platforms},
        "success_rate": success_rate,
        "views": [views.get(d, 0) for d in days],
    }
