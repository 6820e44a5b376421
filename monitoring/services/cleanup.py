"""Cleanup: rendered files past their retention, dead renders' temp files, old logs and attempts.

A rendered file goes only when nothing may still need it: its video is uploaded (or failed
or cancelled) since before the retention cut-off, no upload of it is still open (pending,
uploading, retry, unknown), and no other video shares the same output (renders of identical
specs are stored once).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from common.errors import ConflictError
from distribution.models import OPEN_STATUSES, Upload, UploadAttempt
from library.models import MediaAsset
from library.services import media_asset_delete
from monitoring.models import JobRun, RunStatus
from production.models import QueueItem, QueueLog, QueueStatus
from production.services.queue import queue_log

DONE_STATUSES = (QueueStatus.UPLOADED, QueueStatus.FAILED, QueueStatus.CANCELLED)
STILL_NEEDED_STATUSES = (QueueStatus.PENDING, QueueStatus.PROCESSING, QueueStatus.READY)
BATCH = 500


@dataclass
class CleanupResult:
    files_removed: int = 0
    bytes_freed: int = 0
    temp_files_removed: int = 0
    logs_removed: int = 0
    attempts_removed: int = 0
    runs_removed: int = 0

    def as_counts(self) -> dict[str, int]:
        return asdict(self)


def rendered_files_to_remove(*, owner, cutoff: datetime, limit: int = BATCH) -> list[MediaAsset]:
    """The owner's rendered outputs that are past retention and needed by nothing."""
    done = (
        QueueItem.objects.filter(owner=owner, status__in=DONE_STATUSES, output_asset__isnull=False)
        .filter(Q(completed_at__lt=cutoff) | Q(completed_at__isnull=True), updated_at__lt=cutoff)
        .exclude(uploads__status__in=OPEN_STATUSES)
        .exclude(uploads__completed_at__gte=cutoff)
    )
    assets = MediaAsset.objects.filter(pk__in=done.values("output_asset_id"), owner=owner, kind="rendered")
    still_needed = QueueItem.objects.filter(
        Q(status__in=STILL_NEEDED_STATUSES) | Q(uploads__status__in=OPEN_STATUSES), output_asset__isnull=False
    ).values("output_asset_id")
    open_paths = Upload.objects.filter(owner=owner, status__in=OPEN_STATUSES).values("video_path")
    return list(assets.exclude(pk__in=still_needed).exclude(file__in=open_paths).order_by("id")[:limit])


def _remove_rendered(owner, cutoff: datetime, result: CleanupResult, check_cancelled: Callable[[], None]) -> None:
    for asset in rendered_files_to_remove(owner=owner, cutoff=cutoff):
        check_cancelled()
        items = list(asset.rendered_by.values_list("pk", flat=True))
        size = asset.size_bytes
        try:
            media_asset_delete(asset=asset)
        except ConflictError:  # a delete guard says something still uses it: keep it
            continue
        result.files_removed += 1
        result.bytes_freed += size
        for item_id in items:
            queue_log(item_id, "Rendered file removed by cleanup (past its retention, every upload settled)")


def _remove_temp_files(now: float, result: CleanupResult) -> None:
    """Scratch folders of renders that died: older than any render may run."""
    scratch = Path(settings.RENDER_SCRATCH_DIR)
    if not scratch.is_dir():
        return
    oldest_allowed = now - settings.CLEANUP_TEMP_MIN_AGE_SECONDS
    for entry in scratch.iterdir():
        try:
            stat = entry.lstat()
            if stat.st_mtime >= oldest_allowed:
                continue
            if entry.is_dir() and not entry.is_symlink():
                size = sum(f.stat().st_size for f in entry.rglob("*") if f.is_file() and not f.is_symlink())
                shutil.rmtree(entry)
            else:
                size = stat.st_size
                entry.unlink()
        except FileNotFoundError:  # another cleanup got there first
            continue
        result.temp_files_removed += 1
        result.bytes_freed += size


def _trim_logs(owner, cutoff: datetime, result: CleanupResult) -> None:
    result.logs_removed = QueueLog.objects.filter(item__owner=owner, created_at__lt=cutoff).delete()[0]
    result.attempts_removed = (
        UploadAttempt.objects.filter(upload__owner=owner, created_at__lt=cutoff)
        .exclude(upload__status__in=OPEN_STATUSES)
        .delete()[0]
    )
    result.runs_removed = (
        JobRun.objects.filter(job__owner=owner, started_at__lt=cutoff).exclude(status=RunStatus.RUNNING).delete()[0]
    )


def cleanup_run(
    *,
    owner,
    retention_days: int,
    log_retention_days: int,
    now: datetime | None = None,
    check_cancelled: Callable[[], None] = lambda: None,
) -> CleanupResult:
    now = now or timezone.now()
    result = CleanupResult()
    _remove_rendered(owner, now - timedelta(days=retention_days), result, check_cancelled)
    check_cancelled()
    _remove_temp_files(time.time(), result)
    check_cancelled()
    _trim_logs(owner, now - timedelta(days=log_retention_days), result)
    return result
