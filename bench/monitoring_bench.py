"""Monitoring benchmark: the overview page and GET /api/v1/system/status over a big history.

100,000 queue items and 50,000 uploads spread over 90 days, 90 days of hourly and daily
snapshots, a few accounts and jobs; reports p50/p95 latency and the queries per request
(which must not grow with the rows). Runs against DATABASE_URL (PostgreSQL is what the
figures in README are for) in a throwaway test database that it creates and drops:

    DATABASE_URL=postgres://root@127.0.0.1:5432/test .venv/bin/python bench/monitoring_bench.py
"""

from __future__ import annotations

import os
import secrets
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("API_THROTTLE_USER", "1000000/min")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

QUEUE_ITEMS = 100_000
UPLOADS = 50_000
DAYS = 90
ROUNDS = 40
TARGET_P95_MS = 200


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        run()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def seed(user) -> None:
    from accounts.services import social_account_create
    from distribution.models import Distribution, Upload, UploadStatus
    from monitoring.models import Period, StatsSnapshot
    from monitoring.services import jobs
    from production.models import QueueItem, QueueStatus

    now = timezone.now()
    accounts = [
        social_account_create(owner=user, platform=platform, username=f"{platform}{n}")
        for platform in ("tiktok", "youtube", "instagram", "sandbox")
        for n in range(3)
    ]
    jobs.automation_initialize(owner=user)
    jobs.automation_job_create(owner=user, name="Analyze", job_type="analyze", cron="*/15 * * * *")

    statuses = [QueueStatus.UPLOADED] * 5 + [QueueStatus.READY, QueueStatus.PENDING, QueueStatus.FAILED]
    step = timedelta(days=DAYS) / QUEUE_ITEMS
    items = [
        QueueItem(
            owner=user,
            spec={},
            platform="tiktok",
            status=statuses[n % len(statuses)],
            created_at=now - step * n,
            completed_at=now - step * n + timedelta(minutes=3),
            render_seconds=12.5 if n % 8 != 7 else None,
        )  # fmt: skip
        for n in range(QUEUE_ITEMS)
    ]
    started = time.perf_counter()
    QueueItem.objects.bulk_create(items, batch_size=5000)
    # created_at is auto_now_add: spread the history over the 90 days afterwards.
    created = list(QueueItem.objects.order_by("id").values_list("id", flat=True))
    ids_by_age = {pk: now - step * n for n, pk in enumerate(created)}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "UPDATE production_queueitem SET created_at = %s - (row_number * %s) FROM "
                "(SELECT id, row_number() OVER (ORDER BY id) - 1 AS row_number FROM production_queueitem) AS r "
                "WHERE production_queueitem.id = r.id",
                [now, step],
            )
        else:
            for pk, when in ids_by_age.items():
                cursor.execute("UPDATE production_queueitem SET created_at = %s WHERE id = %s", [when, pk])
    upload_items = created[:UPLOADS]
    upload_statuses = [UploadStatus.SUCCESS] * 8 + [UploadStatus.FAILED, UploadStatus.PENDING]
    uploads = []
    for n, item_id in enumerate(upload_items):
        when = ids_by_age[item_id] + timedelta(minutes=10)
        account = accounts[n % len(accounts)]
        uploads.append(
            Upload(
                owner=user,
                queue_item_id=item_id,
                account=account,
                platform=account.platform,
                status=upload_statuses[n % len(upload_statuses)],
                video_path="bench.mp4",
                slot_at=when,
                completed_at=when,
            )  # fmt: skip
        )
    Upload.objects.bulk_create(uploads, batch_size=5000)
    successful = Upload.objects.filter(status=UploadStatus.SUCCESS).values_list(
        "id", "queue_item_id", "account_id", "platform", "completed_at"
    )
    Distribution.objects.bulk_create(
        [
            Distribution(
                upload_id=upload_id,
                owner=user,
                queue_item_id=item_id,
                account_id=account_id,
                platform=platform,
                remote_id=f"r{upload_id}",
                published_at=when,
                views=upload_id % 997,
            )  # fmt: skip
            for upload_id, item_id, account_id, platform, when in successful
        ],
        batch_size=5000,
    )
    hour = now.replace(minute=0, second=0, microsecond=0)
    snapshots = [
        StatsSnapshot(
            owner=user,
            period=Period.HOUR,
            period_start=hour - timedelta(hours=h),
            computed_at=now,
            videos_generated=h % 50,
            views=h,
        )  # fmt: skip
        for h in range(DAYS * 24)
    ] + [
        StatsSnapshot(owner=user, period=Period.DAY, period_start=hour - timedelta(days=d), computed_at=now)
        for d in range(DAYS)
    ]
    StatsSnapshot.objects.bulk_create(snapshots, batch_size=5000)
    print(
        f"seeded {QUEUE_ITEMS:,} queue items, {UPLOADS:,} uploads, {Distribution.objects.count():,} posts, "
        f"{len(snapshots):,} snapshots ({DAYS} days) in {time.perf_counter() - started:.1f} s"
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def measure(label: str, fetch) -> float:
    fetch()  # warm-up
    timings, queries = [], set()
    for _ in range(ROUNDS):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = fetch()
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content[:300]
        queries.add(len(captured))
    p95 = percentile(timings, 0.95)
    verdict = "ok" if p95 < TARGET_P95_MS else f"OVER the {TARGET_P95_MS} ms target"
    print(
        f"{label}: p50 {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms ({verdict}), "
        f"queries per request {sorted(queries)}"
    )
    return p95


def run() -> None:
    from rest_framework.authtoken.models import Token

    from accounts.services import user_create

    print(f"database: {connection.vendor}, {os.cpu_count()} CPU cores")
    user = user_create(username="bench", password=secrets.token_urlsafe(16))
    operator = user_create(username="operator", password=secrets.token_urlsafe(16), is_staff=True)
    seed(user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    ops_api = APIClient()
    ops_api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=operator).key}")
    browser = APIClient()
    browser.force_login(user)
    if os.environ.get("BENCH_PROFILE"):
        with CaptureQueriesContext(connection) as captured:
            browser.get("/")
        for query in sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:8]:
            print(f"  {float(query['time']) * 1000:7.1f} ms  {query['sql'][:300]}")
    measure("overview page (/)", lambda: browser.get("/"))
    measure("GET /api/v1/system/status (user)", lambda: api.get("/api/v1/system/status"))
    measure("GET /api/v1/system/status (operator, global)", lambda: ops_api.get("/api/v1/system/status"))
    measure("GET /api/v1/snapshots/?period=hour", lambda: api.get("/api/v1/snapshots/?period=hour"))
    measure("monitoring page (/monitoring/)", lambda: browser.get("/monitoring/"))


if __name__ == "__main__":
    main()
