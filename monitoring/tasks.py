"""Celery tasks of monitoring, worker heartbeats, and one structured log line per task."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time

from celery import shared_task
from celery.signals import task_postrun, task_prerun, worker_ready, worker_shutdown
from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

logger = logging.getLogger("reelmill.tasks")


@shared_task(
    name="monitoring.run_job",
    bind=True,
    queue="default",
    soft_time_limit=settings.JOB_RUN_TIMEOUT_SECONDS,
    time_limit=settings.JOB_RUN_TIMEOUT_SECONDS + 60,
    ignore_result=True,
)
def run_job(self, job_id: int, trigger: str = "schedule") -> str | None:
    from monitoring.services.runs import job_run_execute
    from production.tasks import worker_name

    run = job_run_execute(job_id=job_id, trigger=trigger, task_id=self.request.id or "", worker=worker_name())
    return run.status if run else None


@shared_task(name="monitoring.system_check", queue="default", ignore_result=True)
def system_check() -> int:
    """Periodic: system-wide snapshots, and alerts for low disk and workers that went quiet."""
    from monitoring.services import system

    return system.system_check()


# --- worker heartbeats ------------------------------------------------------------------------
_heartbeat_stop = threading.Event()


def record_heartbeat(hostname: str, *, started: bool = False) -> None:
    from monitoring.models import WorkerHeartbeat

    now = timezone.now()
    defaults = {"pid": os.getpid(), "last_seen_at": now}
    if started:
        defaults["started_at"] = now
    WorkerHeartbeat.objects.update_or_create(
        hostname=hostname, defaults=defaults, create_defaults={**defaults, "started_at": now}
    )


def _beat(hostname: str) -> None:
    while not _heartbeat_stop.wait(settings.WORKER_HEARTBEAT_SECONDS):
        try:
            close_old_connections()
            record_heartbeat(hostname)
        except Exception:  # a database hiccup must not kill the heartbeat thread
            logger.warning("Could not record the worker heartbeat", exc_info=True)


@worker_ready.connect
def _start_heartbeat(sender=None, **kwargs):
    """Every worker writes a heartbeat row now and every WORKER_HEARTBEAT_SECONDS (for /readyz)."""
    hostname = getattr(sender, "hostname", None) or f"{socket.gethostname()}:{os.getpid()}"
    record_heartbeat(hostname, started=True)
    _heartbeat_stop.clear()
    threading.Thread(target=_beat, args=(hostname,), name="reelmill-heartbeat", daemon=True).start()


@worker_shutdown.connect
def _stop_heartbeat(**kwargs):
    _heartbeat_stop.set()


# --- one log line per task ----------------------------------------------------------------------
_started: dict[str, float] = {}


@task_prerun.connect
def _task_started(task_id=None, task=None, **kwargs):
    _started[task_id] = time.monotonic()


@task_postrun.connect
def _task_finished(task_id=None, task=None, args=None, kwargs=None, retval=None, state=None, **extra):
    started = _started.pop(task_id, None)
    duration_ms = round((time.monotonic() - started) * 1000, 1) if started is not None else None
    logger.info(
        "task %s %s",
        task.name if task else "?",
        state or "?",
        extra={
            "event": "task",
            "task": task.name if task else None,
            "task_id": task_id,
            "task_args": list(args or [])[:5],
            "task_kwargs": {k: v for k, v in (kwargs or {}).items() if isinstance(v, int | str | float | bool)},
            "outcome": state,
            "result": retval if isinstance(retval, int | str | float | bool | None) else type(retval).__name__,
            "duration_ms": duration_ms,
        },
    )
