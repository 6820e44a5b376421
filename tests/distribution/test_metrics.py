"""Engagement fetched from the platforms into Distribution rows, their history and the account totals."""

from datetime import timedelta
from unittest import mock

from django.utils import timezone

from distribution.models import Distribution, EngagementSnapshot
from distribution.services import metrics, publishing, reservation


def _post(user, ready_item, connect, platform, emulator):
    account = connect(user, platform, emulator)
    upload = reservation.upload_reserve(queue_item=ready_item(user, platform), account=account)
    publishing.upload_publish(upload_id=upload.pk)
    return Distribution.objects.get(upload=upload)


def test_youtube_statistics_are_fetched_and_snapshotted(user, ready_item, connect, youtube):
    distribution = _post(user, ready_item, connect, "youtube", youtube)
    youtube.videos[distribution.remote_id].statistics = {"viewCount": "1200", "likeCount": "31", "commentCount": "4"}

    metrics.distribution_fetch_metrics(distribution=distribution)

    distribution.refresh_from_db()
    assert (distribution.views, distribution.likes, distribution.comments) == (1200, 31, 4)
    assert distribution.last_fetched_at and not distribution.fetch_error
    assert EngagementSnapshot.objects.get(distribution=distribution).views == 1200
    assert distribution.account.views_count == 1200 and distribution.account.engagement_count == 35


def test_tiktok_metrics_after_a_token_refresh(user, ready_item, connect, tiktok):
    distribution = _post(user, ready_item, connect, "tiktok", tiktok)
    tiktok.metrics[distribution.remote_id] = {"view_count": 50, "like_count": 5, "comment_count": 1, "share_count": 2}
    tiktok.expire_tokens()

    metrics.distribution_fetch_metrics(distribution=distribution)

    distribution.refresh_from_db()
    assert (distribution.views, distribution.shares) == (50, 2) and tiktok.refresh_count == 1
    assert distribution.account.access_token in tiktok.access_tokens


def test_a_failed_fetch_is_kept_on_the_row(user, ready_item, connect, youtube):
    distribution = _post(user, ready_item, connect, "youtube", youtube)
    youtube.videos.clear()
    metrics.distribution_fetch_metrics(distribution=distribution)
    distribution.refresh_from_db()
    assert "not found" in distribution.fetch_error and distribution.views == 0
    assert not EngagementSnapshot.objects.exists()


def test_periodic_refresh_takes_only_stale_recent_posts(user, ready_item, account_factory, settings):
    settings.METRICS_INTERVAL_MINUTES = 60
    account_factory(owner=user, platform="sandbox")
    uploads = [reservation.upload_reserve(queue_item=ready_item(user), platform="sandbox") for _ in range(2)]
    for upload in uploads:
        publishing.upload_publish(upload_id=upload.pk)
    fresh, stale = Distribution.objects.order_by("id")
    now = timezone.now()
    Distribution.objects.filter(pk=fresh.pk).update(last_fetched_at=now - timedelta(minutes=5))

    with mock.patch.object(metrics, "distribution_fetch_metrics") as fetch:
        assert metrics.distributions_refresh_metrics(now=now) == 1
    assert fetch.call_args.kwargs["distribution"].pk == stale.pk
