"""Celery tasks: ids in, services out. Render tasks claim work; they never carry an item id.

A render message only says "there is work": whichever worker gets it claims the best
pending item. Lost or duplicated messages are harmless, and the reaper re-kicks pending work.
"""

from __future__ import annotations

import os
import socket

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings

from production.models import QueueItem, QueueStatus


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@shared_task(
    name="production.render_next",
    queue="render",
    acks_late=True,
    soft_time_limit=settings.RENDER_SOFT_TIME_LIMIT,
    time_limit=settings.RENDER_TIME_LIMIT,
    ignore_result=True,
)
def render_next() -> str | None:
    from production.services.render import process_next

    item = process_next(worker=worker_name())
    return str(item.queue_id) if item else None


@shared_task(name="production.reap_and_kick", queue="default", ignore_result=True)
def reap_and_kick() -> int:
    """Periodic: recover items from dead workers and make sure pending work has a message."""
    from production.services.queue import queue_items_reap, schedule_render

    reaped = queue_items_reap()
    pending = QueueItem.objects.filter(status=QueueStatus.PENDING).count()
    if pending:
        schedule_render(pending)
    return reaped


@worker_ready.connect
def _claim_on_start(sender=None, **kwargs):
    """A worker that starts looks for work itself, so nothing waits on a lost message."""
    reap_and_kick.delay()
