"""Workers for real: concurrent claimers on PostgreSQL, and worker processes that die mid-render."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from library.models import MediaAsset, MediaKind
from production.models import QueueItem, QueueStatus
from production.services import queue
from tests.production.conftest import stacked_spec

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_claimers_never_share_an_item(assets_for, user):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL); SQLite serialises claims")
    assets = assets_for(user)
    spec = stacked_spec(assets["template"], assets["product"])
    queue.queue_items_add(owner=user, items=[queue.NewItem(spec=spec, priority=n % 3) for n in range(300)])
    claimed: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def claimer(n: int) -> None:
        start.wait()
        try:
            while (item := queue.queue_item_claim(worker=f"thread-{n}")) is not None:
                with lock:
                    claimed.append(item.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=claimer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    counts = Counter(claimed)
    assert len(counts) == 300, "every item claimed"
    assert max(counts.values()) == 1, "no item claimed twice"
    assert QueueItem.objects.filter(status=QueueStatus.PROCESSING, attempts=1).count() == 300
    assert len(set(QueueItem.objects.values_list("lease_owner", flat=True))) > 1, "work spread over claimers"


def _worker_env() -> dict[str, str]:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        url = f"sqlite:///{db['NAME']}"
    else:
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        url = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return {
        **os.environ,
        "DATABASE_URL": url,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }


def _start_worker() -> subprocess.Popen:
    code = (
        "import django; django.setup();"
        "from production.services.render import process_next;"
        "process_next(worker='doomed-worker')"
    )
    return subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=_worker_env(), start_new_session=True)


def _slow_spec(assets) -> dict:
    spec = stacked_spec(assets["long"], assets["product"], duration=20)
    spec["inputs"][1]["loop"] = True
    spec["output"] = {"platform": None, "width": 540, "height": 960, "fps": 30, "x264_preset": "medium"}
    return spec


def _wait_until_rendering(item: QueueItem, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        item.refresh_from_db()
        if item.status == QueueStatus.PROCESSING and item.progress > 0:
            return
        assert process.poll() is None, "the worker ended before rendering"
        time.sleep(0.2)
    raise AssertionError("the worker never reported progress")


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        found += [int(child) for child in children]
    return found


@pytest.mark.django_db(transaction=True)
def test_killed_worker_leaves_the_item_recoverable(assets_for, user):
    assets = assets_for(user)
    [item] = queue.queue_items_add(owner=user, items=[queue.NewItem(spec=_slow_spec(assets))])
    worker = _start_worker()
    try:
        _wait_until_rendering(item, worker)
        os.killpg(worker.pid, signal.SIGKILL)  # the worker and its ffmpeg, mid-render
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
    item.refresh_from_db()
    assert item.status == QueueStatus.PROCESSING and item.lease_owner == "doomed-worker"
    assert item.output_asset is None
    assert not MediaAsset.objects.filter(kind=MediaKind.RENDERED).exists(), "no half-written output is ready"

    assert queue.queue_items_reap(now=item.lease_expires_at + timedelta(seconds=1)) == 1
    item.refresh_from_db()
    assert item.status == QueueStatus.PENDING and item.attempts == 1
    assert "doomed-worker stopped heartbeating" in item.logs.last().message


@pytest.mark.django_db(transaction=True)
def test_killed_ffmpeg_fails_the_attempt_and_keeps_no_output(assets_for, user):
    assets = assets_for(user)
    [item] = queue.queue_items_add(owner=user, items=[queue.NewItem(spec=_slow_spec(assets))])
    worker = _start_worker()
    try:
        _wait_until_rendering(item, worker)
        for child in _children(worker.pid):
            os.kill(child, signal.SIGKILL)  # only ffmpeg dies; the worker notices
        assert worker.wait(timeout=60) == 0
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
    item.refresh_from_db()
    assert item.status == QueueStatus.PENDING, item.last_error
    assert item.error_count == 1 and item.lease_owner == ""
    assert "ffmpeg" in item.last_error
    assert item.output_asset is None
    assert not MediaAsset.objects.filter(kind=MediaKind.RENDERED).exists()
