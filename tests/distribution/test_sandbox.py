import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.decorators import login_not_required
from django.core.files.storage import default_storage
from django.urls import re_path
from django.views.static import serve

from distribution.models import Distribution, EngagementSnapshot, UploadStatus
from distribution.platforms.sandbox import growing_metrics
from distribution.services import metrics, workflow
from production.models import Campaign, QueueStatus
from production.services.queue import NewItem, queue_items_add
from production.services.render import process_next
from tests.production.conftest import stacked_spec


@login_not_required
def _media(request, path):
    return serve(request, path, document_root=django_settings.MEDIA_ROOT)


urlpatterns = [re_path(r"^media/(?P<path>.*)$", _media)]


@pytest.mark.urls(__name__)
def test_sandbox_publishes_a_freshly_rendered_video_end_to_end(user, account_factory, assets_for, client):
    """Generate -> render -> upload-next to the sandbox: the file is copied and served at the post URL."""
    account = account_factory(owner=user, platform="sandbox")
    assets = assets_for(user)
    campaign = Campaign.objects.create(owner=user, name="Demo", target_platforms=["sandbox"])
    spec = stacked_spec(assets["template"], assets["product"])
    queue_items_add(owner=user, items=[NewItem(spec=spec, caption="Fresh", hashtags=("#demo",))], campaign=campaign)
    item = process_next(worker="test")
    assert item.status == QueueStatus.READY

    result = workflow.workflow_upload_next(owner=user, publish_now=True)

    [upload] = result.uploads
    item.refresh_from_db()
    assert upload.status == UploadStatus.SUCCESS and upload.account == account and not result.errors
    assert upload.remote_id.startswith(f"published/{account.pk}/") and upload.remote_id.endswith(".mp4")
    served = client.get(upload.upload_url)
    original = item.output_asset.file.open("rb").read()
    assert served.status_code == 200
    assert hashlib.sha256(b"".join(served.streaming_content)).digest() == hashlib.sha256(original).digest()
    assert item.status == QueueStatus.UPLOADED
    assert Distribution.objects.get(upload=upload).url == upload.upload_url
    account.refresh_from_db()
    assert account.posts_count == 1 and account.last_used_at is not None
    assert upload.attempts.count() == 1  # no HTTP: one note of the local copy
    assert upload.caption == "Fresh" and upload.hashtags == ["#demo"]


def test_sandbox_metrics_grow_with_age_and_are_stored_with_history(user, account_factory, ready_item, time_machine):
    account_factory(owner=user, platform="sandbox")
    start = datetime(2030, 5, 1, 12, 0, tzinfo=UTC)
    time_machine.move_to(start, tick=False)
    ready_item(user)
    result = workflow.workflow_upload_next(owner=user, publish_now=True)
    distribution = Distribution.objects.get(upload=result.uploads[0])

    metrics.distribution_fetch_metrics(distribution=distribution, now=start)
    first = distribution.views
    time_machine.move_to(start + timedelta(hours=2), tick=False)
    metrics.distribution_fetch_metrics(distribution=distribution, now=start + timedelta(hours=2))

    distribution.refresh_from_db()
    assert distribution.views > first > 0 and distribution.likes == distribution.views // 12
    assert list(EngagementSnapshot.objects.filter(distribution=distribution).values_list("views", flat=True)) == [
        distribution.views,
        first,
    ]
    assert distribution.account.views_count == distribution.views


def test_growing_metrics_are_deterministic():
    published = datetime(2030, 1, 1, tzinfo=UTC)
    later = published + timedelta(minutes=90)
    assert growing_metrics("a/b.mp4", published, later) == growing_metrics("a/b.mp4", published, later)
    assert growing_metrics("a/b.mp4", published, later).views > growing_metrics("a/b.mp4", published, published).views
    assert default_storage is not None
