"""Running a job: claim it (or record a skipped tick), do the work of its type, record the run.

The claim is a conditional update of the job row (`running_since` null or older than
JOB_RUN_TIMEOUT_SECONDS), so two ticks never run one job at once and a run whose worker
died does not block the job for ever: the next tick takes over and closes the dead run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from common.errors import ApplicationError
from monitoring.models import AlertKind, AutomationJob, JobRun, RunStatus, RunTrigger, Severity

logger = logging.getLogger(__name__)


class RunCancelled(Exception):
    """stop-all-jobs asked this run to stop; raised between steps."""


@dataclass
class RunContext:
    """Per-run state handed to the runner of the job's type."""

    job: AutomationJob
    run: JobRun
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, name: str, amount: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + amount

    def check_cancelled(self) -> None:
        if AutomationJob.objects.filter(pk=self.job.pk, cancel_requested=True).exists():
            raise RunCancelled()


def _finish(run: JobRun, status: str, *, counts: dict | None = None, message: str = "", error: str = "") -> JobRun:
    now = timezone.now()
    run.status = status
    run.finished_at = now
    run.duration_seconds = round((now - run.started_at).total_seconds(), 3)
    run.counts = counts or {}
    run.message = message[:500]
    run.error = error[:10_000]
    run.save(update_fields=["status", "finished_at", "duration_seconds", "counts", "message", "error"])
    return run


def _claim(job: AutomationJob, now: datetime, task_id: str) -> bool:
    stale = now - timedelta(seconds=settings.JOB_RUN_TIMEOUT_SECONDS)
    claimed = (
        AutomationJob.objects.filter(pk=job.pk)
        .filter(Q(running_since__isnull=True) | Q(running_since__lt=stale))
        .update(running_since=now, running_task_id=task_id, cancel_requested=False, updated_at=now)
    )
    if claimed:
        # Runs left `running` by a worker that died are over: say so instead of leaving them open.
        for dead in JobRun.objects.filter(job=job, status=RunStatus.RUNNING, started_at__lt=now):
            _finish(dead, RunStatus.FAILED, error="The run did not finish (its worker stopped); taken over.")
    return bool(claimed)


def _skip(job: AutomationJob, now: datetime, trigger: str, task_id: str, worker: str, reason: str) -> JobRun:
    run = JobRun.objects.create(
        job=job, status=RunStatus.SKIPPED, trigger=trigger, task_id=task_id, worker=worker, started_at=now
    )
    return _finish(run, RunStatus.SKIPPED, message=reason)


def job_run_execute(
    *, job_id: int, trigger: str = RunTrigger.SCHEDULE, task_id: str = "", worker: str = ""
) -> JobRun | None:
    """Run one job now and record it; None when the job no longer exists."""
    from monitoring.services import runners

    now = timezone.now()
    job = AutomationJob.objects.select_related("owner", "campaign").filter(pk=job_id).first()
    if job is None:
        return None
    if trigger == RunTrigger.SCHEDULE and not job.enabled:
        return _skip(job, now, trigger, task_id, worker, "The job is disabled.")
    if not _claim(job, now, task_id):
        since = timezone.localtime(job.running_since).strftime("%H:%M:%S") if job.running_since else "?"
        return _skip(job, now, trigger, task_id, worker, f"The previous run (since {since}) is still in progress.")
    run = JobRun.objects.create(
        job=job, status=RunStatus.RUNNING, trigger=trigger, task_id=task_id, worker=worker, started_at=now
    )
    context = RunContext(job=job, run=run)
    try:
        runners.RUNNERS[job.job_type](context)
    except RunCancelled:
        _finish(run, RunStatus.CANCELLED, counts=context.counts, message="Stopped by stop-all-jobs.")
    except ApplicationError as exc:
        _finish(run, RunStatus.FAILED, counts=context.counts, message=exc.message, error=exc.message)
    except Exception as exc:  # a crash is a failed run with its reason, and the worker lives on
        logger.exception("Job %s (%s) crashed", job.pk, job.job_type)
        _finish(run, RunStatus.FAILED, counts=context.counts, message="Internal error", error=repr(exc))
    else:
        _finish(run, RunStatus.SUCCESS, counts=context.counts, message="; ".join(context.notes))
    _release(job, run, now)
    return run


def _release(job: AutomationJob, run: JobRun, claimed_at: datetime) -> None:
    failures = F("consecutive_failures") + 1 if run.status == RunStatus.FAILED else 0
    AutomationJob.objects.filter(pk=job.pk, running_since=claimed_at).update(
        running_since=None, running_task_id="", cancel_requested=False
    )
    AutomationJob.objects.filter(pk=job.pk).update(
        last_run_at=run.started_at, last_status=run.status, consecutive_failures=failures, updated_at=timezone.now()
    )
    job.refresh_from_db(fields=["consecutive_failures", "last_run_at", "last_status", "running_since"])
    if run.status == RunStatus.FAILED and job.consecutive_failures >= settings.JOB_FAILURE_ALERT_THRESHOLD:
        from monitoring.services.alerts import alert_raise

        alert_raise(
            owner=job.owner,
            kind=AlertKind.JOB_FAILING,
            subject=f"job:{job.pk}",
            severity=Severity.CRITICAL,
            message=f"Job “{job.name}” failed {job.consecutive_failures} times in a row; last: {run.error[:300]}",
        )
