"""A generation job's worker SIGKILLed mid-voice and mid-render: the job resumes and finishes, and the
script is not asked of the provider a second time (the emulator counts the calls)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from production.models import QueueItem, QueueStatus
from production.services import queue
from production.services.render import process_next
from production.studio.models import GenerationJob, GenerationStatus, GenerationStep, Provider, VoiceOverStatus
from production.studio.services import generation, keys
from tests.production.test_workers import _worker_env
from tests.studio.test_with_providers import good_script

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


def _spawn(code: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", "import django; django.setup();" + code],
        cwd=ROOT,
        env=_worker_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_for(condition, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("the worker never reached the point to be killed at")


def _kill(process: subprocess.Popen) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def test_killed_mid_voice_and_mid_render_the_job_finishes_with_one_script_call(
    user, library, openai_emulator, settings
):
    openai_emulator.models.append("llama3.2")
    keys.provider_key_create(
        owner=user,
        provider=Provider.OPENAI_COMPATIBLE,
        label="Local",
        base_url=openai_emulator.base_url,
        api_key=openai_emulator.api_key,
        default_model="llama3.2",
    )
    openai_emulator.chat_replies.append(good_script())
    job = generation.generation_job_create(owner=user, topic="home coffee brewing")

    # 1. The worker dies while Piper is voicing.
    worker = _spawn(
        f"from production.studio.services.generation import generation_job_run; generation_job_run(job_id={job.pk})"
    )
    _wait_for(
        lambda: GenerationJob.objects.filter(
            pk=job.pk, step=GenerationStep.VOICE, voice_over__status=VoiceOverStatus.SYNTHESIZING
        ).exists()
    )
    _kill(worker)
    job.refresh_from_db()
    assert job.status == GenerationStatus.RUNNING and job.step == GenerationStep.VOICE

    # The sweep finds the job stale and sends it again; a new worker takes over the half-made voice.
    GenerationJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    assert generation.generation_jobs_resume_stalled() == 1  # eager off: the message goes to the broker
    generation.generation_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == GenerationStatus.RENDERING, job.error

    # 2. The render worker dies mid-render; its lease runs out and the reaper gives the item back.
    renderer = _spawn("from production.services.render import process_next; process_next(worker='doomed-worker')")
    _wait_for(lambda: QueueItem.objects.filter(pk=job.queue_item_id, status=QueueStatus.PROCESSING).exists())
    _kill(renderer)
    QueueItem.objects.filter(pk=job.queue_item_id).update(lease_expires_at=timezone.now() - timedelta(seconds=1))
    assert queue.queue_items_reap() == 1
    item = process_next(worker="survivor")
    assert item.status == QueueStatus.READY, item.last_error
    generation.generation_job_render_settled(item.pk)  # what the listener does after the commit
    generation.generation_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == GenerationStatus.COMPLETED, job.error
    assert len([r for r in openai_emulator.requests if r.route == "chat"]) == 1
    assert job.voice_over.status == VoiceOverStatus.READY and job.voice_over.asset.word_timings
