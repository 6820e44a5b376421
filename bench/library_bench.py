"""Benchmark the media library (issue 3).

    .venv/bin/python bench/library_bench.py [--clips 200] [--rows 10000] [--requests 30]

1. Ingest: generates one small clip (1 s, 160x284, H.264 + AAC) and remuxes it into N
   byte-different copies, then ingests them one by one through `media_asset_ingest`
   (stream to disk + SHA-256, ffmpeg probe + 1 s decode, JPEG thumbnail, storage, row).
   Reports files/second and peak memory of this process and of its ffmpeg children.
2. List: bulk-creates `--rows` assets for one owner and times
   `GET /api/v1/media/?page_size=50` (token auth, through the Django test client), with
   the number of SQL queries per request.

Runs against a throwaway SQLite database and media folder in a temporary directory unless
DATABASE_URL is set (use a scratch PostgreSQL database then: the bench creates rows).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="reelmill-bench-library-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{WORK / 'bench.sqlite3'}")
os.environ["MEDIA_ROOT"] = str(WORK / "media")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from accounts.models import User  # noqa: E402
from library import services  # noqa: E402
from library.models import MediaAsset  # noqa: E402
from library.probe import ffmpeg_binary  # noqa: E402


def megabytes(kilobytes: int) -> str:
    return f"{kilobytes / 1024:.0f} MB"  # ru_maxrss is in KiB on Linux


def make_clips(count: int, folder: Path) -> list[Path]:
    folder.mkdir(parents=True)
    base = folder / "base.mp4"
    subprocess.run(
        [
            ffmpeg_binary(), "-v", "error", "-y",
            "-f", "lavfi", "-i", "testsrc2=size=160x284:rate=25:duration=1",
            "-f", "lavfi", "-i", "sine=frequency=440:duration=1",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest",
            str(base),
        ],
        check=True,
    )  # fmt: skip
    clips = []
    for n in range(count):
        clip = folder / f"clip_{n:04d}.mp4"
        subprocess.run(
            [
                ffmpeg_binary(),
                "-v",
                "error",
                "-y",
                "-i",
                str(base),
                "-c",
                "copy",
                "-metadata",
                f"comment={n}",
                str(clip),
            ],
            check=True,
        )
        clips.append(clip)
    return clips


def bench_ingest(owner: User, count: int) -> None:
    clips = make_clips(count, WORK / "clips")
    size = sum(c.stat().st_size for c in clips)
    started = time.perf_counter()
    for clip in clips:
        services.media_asset_ingest(owner=owner, path=clip, kind="hot_video", tags=["bench"])
    elapsed = time.perf_counter() - started
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"ingest: {count} clips ({size / count / 1024:.0f} KB each) in {elapsed:.2f} s")
    print(f"  {count / elapsed:.1f} files/s, {elapsed / count * 1000:.0f} ms per file")
    # A child's figure counts from fork, before ffmpeg replaces the interpreter's pages.
    print(f"  peak memory (max RSS): this process {megabytes(own)}, largest child process {megabytes(children)}")
    assert MediaAsset.objects.filter(owner=owner, status="ready").count() == count


def bench_list(owner: User, rows: int, requests: int) -> None:
    existing = MediaAsset.objects.filter(owner=owner).count()
    batch = []
    for n in range(existing, rows):
        asset = MediaAsset(
            owner=owner,
            kind=("hot_video", "template", "audio", "image")[n % 4],
            title=f"Bench asset {n}",
            status="ready",
            checksum=f"{n:064x}",
            size_bytes=100_000 + n,
            duration_seconds=(n % 60) + 0.5,
            width=1080,
            height=1920,
            orientation="portrait",
            category=("fashion", "travel", "food")[n % 3],
        )
        asset.set_tags(["bench", f"t{n % 20}"])
        batch.append(asset)
    MediaAsset.objects.bulk_create(batch, batch_size=1000)
    total = MediaAsset.objects.filter(owner=owner).count()

    client = APIClient(SERVER_NAME="localhost")
    token, _ = Token.objects.get_or_create(user=owner)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    for label, params in (
        ("newest first", {"page_size": 50}),
        ("tag filter + ordering", {"page_size": 50, "tags": "t7", "ordering": "-duration_seconds"}),
        ("page 100", {"page_size": 50, "page": 100}),
    ):
        timings, queries = [], 0
        for _ in range(requests):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get("/api/v1/media/", params)
                timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.content[:300]
            queries = len(captured)
        timings.sort()
        p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
        print(
            f"list ({label}) over {total} assets: p50 {statistics.median(timings):.1f} ms, "
            f"p95 {p95:.1f} ms, {queries} queries/request, {len(response.json()['results'])} rows"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=200)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    owner, _ = User.objects.get_or_create(username="bench-library")
    MediaAsset.objects.filter(owner=owner).delete()
    print(f"database: {connection.vendor}; work folder: {WORK}")
    try:
        bench_ingest(owner, args.clips)
        bench_list(owner, args.rows, args.requests)
    finally:
        MediaAsset.objects.filter(owner=owner).delete()
        shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
