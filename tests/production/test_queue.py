import os
from datetime import timedelta

import pytest
from django.core.files.storage import InMemoryStorage
from django.utils import timezone

from library.models import MediaKind
from production.models import BatchJob, BatchStatus, Priority, QueueItem, QueueStatus
from production.services import queue
from production.services.render import process_next, render_item
from tests.production.conftest import stacked_spec


def add(user, spec, priority=Priority.NORMAL, **kwargs):
    [item] = queue.queue_items_add(owner=user, items=[queue.NewItem(spec=spec, priority=priority)], **kwargs)
    return item


def test_claim_order_is_priority_then_oldest(user, spec):
    low = add(user, spec, Priority.LOW)
    normal_old = add(user, spec)
    high = add(user, spec, Priority.HIGH)
    normal_new = add(user, spec)
    order = [queue.queue_item_claim(worker=f"w{n}") for n in range(5)]
    assert [item.pk if item else None for item in order] == [high.pk, normal_old.pk, normal_new.pk, low.pk, None]


def test_claim_takes_a_lease_and_logs_it(user, spec, settings):
    item = add(user, spec)
    before = timezone.now()
    claimed = queue.queue_item_claim(worker="host:1")
    assert claimed.pk == item.pk
    assert claimed.status == QueueStatus.PROCESSING and claimed.attempts == 1
    assert claimed.lease_owner == "host:1"
    assert claimed.lease_expires_at >= before + timedelta(seconds=settings.RENDER_LEASE_SECONDS)
    assert "Claimed by host:1" in claimed.logs.last().message


def test_heartbeat_extends_the_lease_and_reports_progress(user, spec):
    item = add(user, spec)
    queue.queue_item_claim(worker="w")
    later = timezone.now() + timedelta(seconds=30)
    beat = queue.queue_item_heartbeat(item_id=item.pk, worker="w", progress=42.5, now=later)
    item.refresh_from_db()
    assert beat.lease_held and not beat.cancel_requested
    assert item.progress == 42.5 and item.heartbeat_at == later
    assert not queue.queue_item_heartbeat(item_id=item.pk, worker="someone-else", progress=50).lease_held


def test_expired_lease_is_reaped_then_failed_after_max_attempts(user, spec, settings):
    settings.RENDER_MAX_ATTEMPTS = 2
    item = add(user, spec)
    for attempt in (1, 2):
        claimed = queue.queue_item_claim(worker=f"dead-{attempt}")
        assert claimed.pk == item.pk and claimed.attempts == attempt
        future = claimed.lease_expires_at + timedelta(seconds=1)
        assert queue.queue_items_reap(now=future) == 1
        item.refresh_from_db()
    assert item.status == QueueStatus.FAILED
    assert item.error_count == 2
    assert "stopped heartbeating" in item.last_error
    messages = [log.message for log in item.logs.all()]
    assert any("will retry" in m for m in messages) and any("Failed after 2 attempt" in m for m in messages)


def test_a_reaped_worker_cannot_complete_its_item(user, spec):
    item = add(user, spec)
    claimed = queue.queue_item_claim(worker="slow")
    queue.queue_items_reap(now=claimed.lease_expires_at + timedelta(seconds=1))
    assert not queue.queue_item_complete(item_id=item.pk, worker="slow", output_path="x.mp4", render_seconds=1)
    item.refresh_from_db()
    assert item.status == QueueStatus.PENDING


def test_render_end_to_end_stores_a_rendered_asset(user, spec):
    item = add(user, spec)
    done = process_next(worker="w")
    assert done.pk == item.pk
    assert done.status == QueueStatus.READY, done.last_error
    assert done.progress == 100
    asset = done.output_asset
    assert asset.kind == MediaKind.RENDERED and asset.owner == user
    assert (asset.width, asset.height) == (90, 160)
    assert abs(asset.duration_seconds - 1.0) < 0.15
    assert asset.thumbnail.name
    assert "ffmpeg" in done.command and "filter_complex" in done.command
    assert done.render_seconds > 0


def test_a_failing_render_retries_then_fails_with_a_readable_error(user, spec, assets, settings):
    settings.RENDER_MAX_ATTEMPTS = 2
    item = add(user, spec)
    assets["product"].file.storage.delete(assets["product"].file.name)  # the clip vanished from storage
    process_next(worker="w")
    item.refresh_from_db()
    assert item.status == QueueStatus.PENDING and item.error_count == 1
    process_next(worker="w")
    item.refresh_from_db()
    assert item.status == QueueStatus.FAILED
    assert item.output_asset is None
    assert "Failed after 2 attempt" in item.logs.last().message
    assert item.last_error and "Traceback" not in item.last_error


def test_cancel_pending_and_processing(user, spec, assets):
    pending = add(user, spec)
    queue.queue_item_cancel(item=pending)
    pending.refresh_from_db()
    assert pending.status == QueueStatus.CANCELLED

    long_spec = stacked_spec(assets["long"], assets["product"], duration=20)
    long_spec["inputs"][1]["loop"] = True
    running = add(user, long_spec)
    claimed = queue.queue_item_claim(worker="w")
    queue.queue_item_cancel(item=claimed)
    render_item(item=claimed, worker="w")
    running.refresh_from_db()
    assert running.status == QueueStatus.CANCELLED
    assert running.output_asset is None


def test_retry_and_clear(user, spec, other_user, assets_for):
    item = add(user, spec)
    queue.queue_item_cancel(item=item)
    queue.queue_item_retry(item=item)
    item.refresh_from_db()
    assert item.status == QueueStatus.PENDING and item.attempts == 0
    theirs_assets = assets_for(other_user)
    theirs = add(other_user, stacked_spec(theirs_assets["template"], theirs_assets["product"]))
    assert queue.queue_clear(owner=user) == 1
    theirs.refresh_from_db()
    assert theirs.status == QueueStatus.PENDING


def test_batch_concurrency_limit_and_pause(user, spec):
    batch = BatchJob.objects.create(owner=user, name="b", concurrency_limit=1, status=BatchStatus.RUNNING)
    first = add(user, spec, batch=batch)
    add(user, spec, batch=batch)
    outside = add(user, spec)
    assert queue.queue_item_claim(worker="a").pk == first.pk
    # The batch is at its limit: the next claim skips to the item outside it.
    assert queue.queue_item_claim(worker="b").pk == outside.pk
    assert queue.queue_item_claim(worker="c") is None
    batch.status = BatchStatus.PAUSED
    batch.save()
    queue.queue_item_complete(item_id=first.pk, worker="a", output_path="x", render_seconds=1)
    assert queue.queue_item_claim(worker="d") is None


def test_deleting_an_asset_in_use_is_refused(user, spec, assets):
    from common.errors import ConflictError
    from library import services as library_services

    add(user, spec)
    with pytest.raises(ConflictError, match="used by 1 pending or rendering queue item"):
        library_services.media_asset_delete(asset=assets["product"])
    QueueItem.objects.update(status=QueueStatus.READY)
    library_services.media_asset_delete(asset=assets["product"])


class RemoteStorage(InMemoryStorage):
    """Like S3: files have no local path."""

    def _relative_path(self, name):
        return os.path.relpath(super().path(name), self.location)

    def path(self, name):
        raise NotImplementedError("This backend doesn't support absolute paths.")


def test_renders_from_remote_storage(settings, user, clip_files):
    """Storages without local paths (S3) are copied next to the render first."""
    from library import services as library_services

    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": f"{__name__}.RemoteStorage"}}
    top = library_services.media_asset_ingest(owner=user, kind="template", path=clip_files["template"])
    bottom = library_services.media_asset_ingest(owner=user, kind="product", path=clip_files["product"])
    with pytest.raises(NotImplementedError):
        top.file.path  # noqa: B018 - proving the storage is not local
    item = add(user, stacked_spec(top, bottom))
    done = process_next(worker="w")
    assert done.pk == item.pk and done.status == QueueStatus.READY, done.last_error
    assert done.output_asset.file.storage.exists(done.output_asset.file.name)


def test_library_detail_shows_where_an_asset_is_used(client, user, spec, assets):
    item = add(user, spec)
    client.force_login(user)
    page = client.get(f"/library/{assets['product'].pk}/").content.decode()
    assert f"/queue/{item.queue_id}/" in page
    unused = client.get(f"/library/{assets['music'].pk}/").content.decode()
    assert 'ul class="plain usages"' not in unused
