"""Cleanup frees what nothing needs any more and keeps every file a pending upload still needs."""

import os
import time
from datetime import timedelta
from pathlib import Path

from django.core.files.storage import default_storage
from django.utils import timezone

from distribution.models import Upload, UploadAttempt, UploadStatus
from library.models import MediaAsset
from monitoring.models import JobRun, RunStatus
from monitoring.services.cleanup import cleanup_run
from monitoring.services.runs import job_run_execute
from production.models import QueueItem, QueueLog, QueueStatus


def _age(item: QueueItem, days: int) -> None:
    old = timezone.now() - timedelta(days=days)
    QueueItem.objects.filter(pk=item.pk).update(completed_at=old, updated_at=old)


def _upload(item, account, status, *, days_ago=10):
    when = timezone.now() - timedelta(days=days_ago)
    return Upload.objects.create(
        owner=item.owner, queue_item=item, account=account, platform="sandbox", status=status,
        video_path=item.output_asset.file.name, slot_at=when, completed_at=when,
    )  # fmt: skip


def test_cleanup_keeps_needed_files_and_frees_the_rest(
    user, ready_item, account_factory, make_job, django_capture_on_commit_callbacks
):
    account = account_factory(owner=user, platform="sandbox")
    done = ready_item(user, own_file=True)
    _upload(done, account, UploadStatus.SUCCESS)
    waiting = ready_item(user, own_file=True)  # uploaded long ago to one account, still pending on another
    _upload(waiting, account, UploadStatus.SUCCESS)
    _upload(waiting, account_factory(owner=user, platform="sandbox"), UploadStatus.RETRY)
    recent = ready_item(user, own_file=True)  # uploaded yesterday: inside the retention
    _upload(recent, account, UploadStatus.SUCCESS, days_ago=1)
    still_ready = ready_item(user, own_file=True)  # never uploaded
    for item in (done, waiting, recent):
        QueueItem.objects.filter(pk=item.pk).update(status=QueueStatus.UPLOADED)
        _age(item, 10)
    _age(still_ready, 10)
    freed_path, size = done.output_asset.file.name, done.output_asset.size_bytes
    kept = [waiting.output_asset.file.name, recent.output_asset.file.name, still_ready.output_asset.file.name]

    job = make_job(user, "cleanup", parameters={"retention_days": 7})
    with django_capture_on_commit_callbacks(execute=True):  # files go once the delete commits
        run = job_run_execute(job_id=job.pk)

    assert run.status == RunStatus.SUCCESS
    assert run.counts["files_removed"] == 1 and run.counts["bytes_freed"] >= size > 0
    assert not default_storage.exists(freed_path)
    assert all(default_storage.exists(name) for name in kept)
    done.refresh_from_db()
    assert done.output_asset is None and "removed by cleanup" in done.logs.last().message
    assert MediaAsset.objects.filter(kind="rendered").count() == 3


def test_a_file_shared_with_a_video_still_waiting_is_kept(user, ready_item, account_factory):
    account = account_factory(owner=user, platform="sandbox")
    uploaded = ready_item(user)
    waiting = ready_item(user, same_file_as=uploaded)  # the same rendered file (identical bytes are stored once)
    assert uploaded.output_asset_id == waiting.output_asset_id
    _upload(uploaded, account, UploadStatus.SUCCESS)
    QueueItem.objects.filter(pk=uploaded.pk).update(status=QueueStatus.UPLOADED)
    _age(uploaded, 30)
    result = cleanup_run(owner=user, retention_days=7, log_retention_days=30)
    assert result.files_removed == 0 and default_storage.exists(waiting.output_asset.file.name)


def test_cleanup_touches_only_its_owner(user, other_user, ready_item, account_factory):
    theirs = ready_item(other_user)
    _upload(theirs, account_factory(owner=other_user, platform="sandbox"), UploadStatus.SUCCESS)
    QueueItem.objects.filter(pk=theirs.pk).update(status=QueueStatus.UPLOADED)
    _age(theirs, 30)
    assert cleanup_run(owner=user, retention_days=7, log_retention_days=30).files_removed == 0
    assert default_storage.exists(theirs.output_asset.file.name)


def test_old_temp_files_logs_attempts_and_runs_go(user, ready_item, account_factory, make_job, settings, tmp_path):
    settings.RENDER_SCRATCH_DIR = str(tmp_path / "scratch")
    settings.CLEANUP_TEMP_MIN_AGE_SECONDS = 3600
    scratch = Path(settings.RENDER_SCRATCH_DIR)
    dead = scratch / "render-dead"
    dead.mkdir(parents=True)
    (dead / "partial.mp4").write_bytes(b"x" * 5000)
    live = scratch / "render-live"
    live.mkdir()
    (live / "partial.mp4").write_bytes(b"y" * 10)
    two_hours_ago = time.time() - 7200
    os.utime(dead, (two_hours_ago, two_hours_ago))

    item = ready_item(user)
    upload = _upload(item, account_factory(owner=user, platform="sandbox"), UploadStatus.SUCCESS)
    old = timezone.now() - timedelta(days=40)
    QueueLog.objects.create(item=item, message="old")
    QueueLog.objects.filter(item=item).update(created_at=old)
    QueueLog.objects.create(item=item, message="new")
    attempt = UploadAttempt.objects.create(upload=upload, request_summary="PUT", outcome="ok")
    UploadAttempt.objects.filter(pk=attempt.pk).update(created_at=old)
    job = make_job(user, "cleanup", parameters={"log_retention_days": 30})
    JobRun.objects.create(job=job, status=RunStatus.SUCCESS, started_at=old)

    result = cleanup_run(owner=user, retention_days=7, log_retention_days=30)

    assert not dead.exists() and live.exists()
    assert result.temp_files_removed == 1 and result.bytes_freed >= 5000
    assert (result.logs_removed, result.attempts_removed, result.runs_removed) == (1, 1, 1)
    assert list(QueueLog.objects.values_list("message", flat=True)) == ["new"]
