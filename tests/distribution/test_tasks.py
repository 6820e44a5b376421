"""The Celery tasks are thin: ids in, services out; repeated messages do nothing twice."""

from unittest import mock

from distribution import tasks
from distribution.models import Distribution, UploadStatus
from distribution.services import reservation


def test_publish_task_publishes_once_however_often_it_is_sent(user, ready_item, account_factory):
    account = account_factory(owner=user, platform="sandbox")
    upload = reservation.upload_reserve(queue_item=ready_item(user), account=account)

    assert tasks.publish_upload(upload.pk) == UploadStatus.SUCCESS
    assert tasks.publish_upload(upload.pk) is None  # a duplicate message: already done
    assert Distribution.objects.filter(upload=upload).count() == 1
    with mock.patch("distribution.services.metrics.distribution_fetch_metrics") as fetch:
        assert tasks.refresh_metrics() == 1
        tasks.fetch_metrics(Distribution.objects.get().pk)
    assert fetch.call_count == 2


def test_a_crash_inside_the_adapter_becomes_a_retry(user, ready_item, account_factory):
    account = account_factory(owner=user, platform="sandbox")
    upload = reservation.upload_reserve(queue_item=ready_item(user), account=account)
    with mock.patch("distribution.platforms.sandbox.SandboxAdapter.start", side_effect=KeyError("publish_id")):
        assert tasks.publish_upload(upload.pk) == UploadStatus.RETRY
    upload.refresh_from_db()
    assert "Internal error" in upload.last_error and upload.retries == 1


def test_dispatch_task_sends_due_work(user, ready_item, account_factory, settings):
    settings.UPLOAD_DISPATCH_LIMIT = 10
    account = account_factory(owner=user, platform="sandbox")
    upload = reservation.upload_reserve(queue_item=ready_item(user), account=account)
    with mock.patch("distribution.tasks.publish_upload.delay") as send:
        assert tasks.dispatch_due_uploads() == 1
    send.assert_called_once_with(upload.pk)
    assert tasks.reconcile_upload(upload.pk) is None  # not an unknown outcome: nothing to check
