"""For real: `celery beat` reads the job's PeriodicTask from the database and a `celery worker` runs it.

Both are started by the test against the configured broker (CELERY_BROKER_URL; with the
filesystem default, a folder of its own) and the test database, with one job due every
minute; the test waits, bounded, for the JobRun the worker records.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings

from monitoring.models import JobRun, RunStatus, StatsSnapshot, WorkerHeartbeat
from monitoring.services import jobs
from tests.production.test_workers import ROOT, _worker_env

WAIT_SECONDS = 90


def _env(tmp_path) -> dict[str, str]:
    env = _worker_env() | {"LOG_FORMAT": "json", "WORKER_HEARTBEAT_SECONDS": "2", "REELMILL_DEMO": "false"}
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        env["CELERY_FILESYSTEM_BROKER_DIR"] = str(tmp_path / "broker")
    return env


def _start(args: list[str], env: dict, log) -> subprocess.Popen:
    command = [sys.executable, "-m", "celery", "-A", "config", *args]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@pytest.mark.django_db(transaction=True)
def test_beat_sends_the_job_and_a_worker_records_its_run(user, tmp_path):
    job = jobs.automation_job_create(owner=user, name="Every minute", job_type="analyze", cron="* * * * *")
    env = _env(tmp_path)
    log_path = tmp_path / "celery.log"
    with log_path.open("wb") as log:
        worker = _start(
            ["worker", "-Q", "default", "--pool", "solo", "-l", "info", "--without-gossip", "--without-mingle",
             "-n", f"monitor-test-{os.getpid()}@%h"],
            env, log,
        )  # fmt: skip
        beat = _start(["beat", "-l", "info", "--pidfile=", "-s", str(tmp_path / "beat-schedule")], env, log)
        try:
            deadline = time.monotonic() + WAIT_SECONDS
            run = None
            while time.monotonic() < deadline:
                run = JobRun.objects.filter(job=job).exclude(status=RunStatus.RUNNING).first()
                if run is not None:
                    break
                assert worker.poll() is None and beat.poll() is None, log_path.read_text()[-3000:]
                time.sleep(1)
            heartbeat = WorkerHeartbeat.objects.filter(hostname__startswith=f"monitor-test-{os.getpid()}@").first()
        finally:
            _stop(beat)
            _stop(worker)
    output = log_path.read_text(errors="replace")
    assert run is not None, f"no run within {WAIT_SECONDS} s:\n{output[-3000:]}"
    assert run.status == RunStatus.SUCCESS and run.trigger == "schedule", run.error
    assert run.task_id and run.worker and run.counts == {"snapshots": 2, "alerts": 0}
    assert StatsSnapshot.objects.filter(owner=user, period="hour").exists()
    assert heartbeat is not None, "the worker wrote its heartbeat row"
    assert '"task": "monitoring.run_job"' in output, "one JSON log line per task"
