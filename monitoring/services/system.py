"""System-wide checks: the periodic `monitoring.system_check` and failed readiness checks."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from monitoring import health
from monitoring.models import Alert, AlertKind, Severity, WorkerHeartbeat
from monitoring.services import alerts, stats

# Failed checks that are worth an operator's alert (the others fail loudly on their own).
ALERTING_CHECKS = {"worker": AlertKind.WORKER_MISSING, "disk": AlertKind.DISK_LOW}


def alerts_for_checks(results: list[health.CheckResult]) -> list[Alert]:
    """Global critical alerts for a missing worker or low disk (deduplicated, so polling is cheap)."""
    raised = []
    for result in results:
        kind = ALERTING_CHECKS.get(result.name)
        if kind and not result.ok:
            raised.append(
                alerts.alert_raise(
                    kind=kind,
                    subject=result.name,
                    severity=Severity.CRITICAL,
                    message=f"Readiness check '{result.name}' failed: {result.detail}",
                )
            )
    return raised


def _quiet_workers() -> list[Alert]:
    """A worker that reported within the last hour but not within the heartbeat window went away."""
    now = timezone.now()
    quiet = WorkerHeartbeat.objects.filter(
        last_seen_at__lt=now - timedelta(seconds=settings.WORKER_HEARTBEAT_MAX_AGE),
        last_seen_at__gte=now - timedelta(hours=1),
    )
    return [
        alerts.alert_raise(
            kind=AlertKind.WORKER_MISSING,
            subject=f"worker:{worker.hostname}"[:200],
            severity=Severity.WARNING,
            message=f"Worker {worker.hostname} stopped reporting at {worker.last_seen_at:%H:%M:%S %Z}.",
        )
        for worker in quiet
    ]


def system_check() -> int:
    now = timezone.now()
    stats.snapshots_compute(owner=None, now=now)
    raised = alerts_for_checks([health.check_disk()])
    raised += _quiet_workers()
    return len(raised)
