"""Queue benchmark: batch-add through the API, concurrent claim throughput, list latency.

Runs against DATABASE_URL (PostgreSQL is what the figures in README are for) in a throwaway
test database that it creates and drops. Usage:

    DATABASE_URL=postgres://root@127.0.0.1:5432/test .venv/bin/python bench/queue_bench.py
"""

from __future__ import annotations

import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("API_THROTTLE_USER", "1000000/min")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

BATCH = 10_000
CLAIM_ITEMS = 5_000
CLAIMERS = 8
LIST_ROWS = 100_000


def make_clip(path: Path, colour: str) -> Path:
    from library.probe import ffmpeg_binary

    subprocess.run(
        [
            ffmpeg_binary(),
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"color=c={colour}:s=90x160:r=10:d=1",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
            str(path),
        ],
        check=True,
    )
    return path


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    setup_test_environment()
    settings.QUEUE_BATCH_MAX_ITEMS = BATCH
    settings.MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="bench-media-"))
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        run()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run() -> None:
    from rest_framework.authtoken.models import Token

    from accounts.services import user_create
    from library.services import media_asset_ingest
    from production.models import QueueItem, QueueStatus
    from production.services import queue

    print(f"database: {connection.vendor}, {os.cpu_count()} CPU cores")
    user = user_create(username="bench", password=secrets.token_urlsafe(16))
    folder = Path(tempfile.mkdtemp(prefix="bench-clips-"))
    top = media_asset_ingest(owner=user, kind="template", path=make_clip(folder / "a.mp4", "red"))
    bottom = media_asset_ingest(owner=user, kind="product", path=make_clip(folder / "b.mp4", "blue"))
    spec = {
        "inputs": [{"asset": top.pk}, {"asset": bottom.pk}],
        "layout": "stacked",
        "output": {"platform": "tiktok"},
        "duration": 1,
    }
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")

    # 1. batch-add 10,000 items in one request
    payload = {
        "items": [
            {
                "spec": {**spec, "duration": 1 + n % 9, "text": {"title": {"text": f"Video {n}"}}},
                "priority": ("low", "normal", "high")[n % 3],
                "caption": f"Caption {n}",
            }
            for n in range(BATCH)
        ]
    }
    started = time.perf_counter()
    response = client.post("/api/v1/queue/batch-add", payload, format="json")
    elapsed = time.perf_counter() - started
    assert response.status_code == 201, response.content[:500]
    print(f"batch-add {BATCH:,} items through the API: {elapsed:.2f} s (target < 3 s)")
    if os.environ.get("BENCH_ONLY_BATCH"):
        return

    # 2. claim throughput: 8 threads over 5,000 pending items
    QueueItem.objects.all().delete()
    queue.queue_items_add(owner=user, items=[queue.NewItem(spec=spec) for _ in range(CLAIM_ITEMS)])
    claimed: list[int] = []
    lock = threading.Lock()
    barrier = threading.Barrier(CLAIMERS + 1)

    def claimer(n: int) -> None:
        barrier.wait()
        try:
            while (item := queue.queue_item_claim(worker=f"bench-{n}")) is not None:
                with lock:
                    claimed.append(item.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=claimer, args=(n,)) for n in range(CLAIMERS)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    doubles = sum(1 for count in Counter(claimed).values() if count > 1)
    print(
        f"claims: {len(claimed):,} items by {CLAIMERS} concurrent claimers in {elapsed:.2f} s = "
        f"{len(claimed) / elapsed:,.0f} claims/s; double claims: {doubles}"
    )

    # 3. list latency with 100,000 items in the table
    QueueItem.objects.all().delete()
    statuses = [s for s, _ in QueueStatus.choices]
    rows = [
        QueueItem(owner=user, spec=spec, platform="tiktok", priority=n % 3, status=statuses[n % len(statuses)])
        for n in range(LIST_ROWS)
    ]
    QueueItem.objects.bulk_create(rows, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum does on a live database
    for label, path in (
        ("GET /api/v1/queue/?page_size=50", "/api/v1/queue/?page_size=50"),
        ("GET /api/v1/queue/?status=pending&page_size=50", "/api/v1/queue/?status=pending&page_size=50"),
    ):
        timings, queries = [], set()
        for _ in range(40):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(path)
                timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
            queries.add(len(captured))
        print(
            f"{label} with {LIST_ROWS:,} rows: p50 {statistics.median(timings):.1f} ms, "
            f"p95 {percentile(timings, 0.95):.1f} ms, queries per request {sorted(queries)}"
        )
    session = APIClient()
    session.force_login(user)
    try:
        from django.urls import reverse

        page = reverse("production:queue")
    except Exception:
        page = None
    if page:
        timings = []
        for _ in range(20):
            started = time.perf_counter()
            assert session.get(page).status_code == 200
            timings.append((time.perf_counter() - started) * 1000)
        print(
            f"queue page with {LIST_ROWS:,} rows: p50 {statistics.median(timings):.1f} ms, "
            f"p95 {percentile(timings, 0.95):.1f} ms"
        )


if __name__ == "__main__":
    main()
