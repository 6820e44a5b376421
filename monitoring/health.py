"""Readiness checks: database, broker, a live worker, free disk, ffmpeg.

Each check returns a CheckResult; `/readyz` answers 503 when any fails and names it, the
Monitoring page shows the same list. Worker heartbeats are rows written by every worker
(see monitoring.tasks), so web, worker and beat on different machines agree.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str


def check_database() -> CheckResult:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any failure to reach the database fails the check
        return CheckResult("database", False, f"unreachable: {exc.__class__.__name__}")
    return CheckResult("database", True, "ok")


def check_broker() -> CheckResult:
    from config.celery import app

    try:
        # The URL from settings: what this deployment is configured with (the app's conf prefers
        # the CELERY_BROKER_URL environment variable over everything).
        with app.connection_for_write(url=settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=settings.READYZ_BROKER_TIMEOUT, interval_start=0)
    except Exception as exc:  # kombu raises many types; all mean "not reachable"
        return CheckResult("broker", False, f"unreachable: {exc.__class__.__name__}")
    return CheckResult("broker", True, "ok")


def check_worker() -> CheckResult:
    from monitoring.models import WorkerHeartbeat

    try:
        latest = WorkerHeartbeat.objects.order_by("-last_seen_at").first()
    except Exception as exc:  # the database check reports the cause
        return CheckResult("worker", False, f"unknown: {exc.__class__.__name__}")
    if latest is None:
        return CheckResult("worker", False, "no worker has ever reported")
    age = (timezone.now() - latest.last_seen_at).total_seconds()
    if age > settings.WORKER_HEARTBEAT_MAX_AGE:
        return CheckResult("worker", False, f"last heartbeat {age:.0f} s ago ({latest.hostname})")
    alive = WorkerHeartbeat.objects.filter(
        last_seen_at__gte=timezone.now() - timedelta(seconds=settings.WORKER_HEARTBEAT_MAX_AGE)
    ).count()
    return CheckResult("worker", True, f"{alive} alive, last heartbeat {age:.0f} s ago")


def free_disk_mb(path: Path | None = None) -> float:
    target = Path(path or settings.MEDIA_ROOT)
    while not target.exists() and target != target.parent:
        target = target.parent
    return shutil.disk_usage(target).free / (1024 * 1024)


def check_disk() -> CheckResult:
    try:
        free = free_disk_mb()
    except OSError as exc:
        return CheckResult("disk", False, f"cannot read: {exc.__class__.__name__}")
    minimum = settings.READYZ_MIN_FREE_DISK_MB
    if free < minimum:
        return CheckResult("disk", False, f"{free:,.0f} MB free, below {minimum:,} MB")
    return CheckResult("disk", True, f"{free:,.0f} MB free")


def check_ffmpeg() -> CheckResult:
    from library.probe import ffmpeg_binary

    try:
        binary = ffmpeg_binary()
    except Exception as exc:  # imageio-ffmpeg raises when it has no binary for this machine
        return CheckResult("ffmpeg", False, f"not found: {exc.__class__.__name__}")
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        return CheckResult("ffmpeg", False, f"not executable: {binary}")
    return CheckResult("ffmpeg", True, "ok")


CHECKS: dict[str, Callable[[], CheckResult]] = {
    "database": check_database,
    "broker": check_broker,
    "worker": check_worker,
    "disk": check_disk,
    "ffmpeg": check_ffmpeg,
}


def run_checks() -> list[CheckResult]:
    return [CHECKS[name]() for name in CHECKS]
