"""Trend keywords: the user's own videos' keywords and hashtags ranked by engagement velocity."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from distribution.models import Distribution, EngagementSnapshot
from distribution.services import publishing, reservation


@pytest.fixture(autouse=True)
def _no_publish_tasks():
    with mock.patch("distribution.tasks.publish_upload.apply_async"):
        yield


@pytest.fixture
def post(user, ready_item, account_factory):
    """post(caption, hashtags, views, hours_ago, day_old_views=None) -> a published Distribution."""
    account = account_factory(owner=user, platform="sandbox")

    def make(caption, hashtags, *, views, hours_ago, day_old_views=None):
        item = ready_item(user, caption=caption, hashtags=hashtags)
        upload = reservation.upload_reserve(queue_item=item, account=account)
        publishing.upload_publish(upload_id=upload.pk)
        distribution = Distribution.objects.get(upload=upload)
        now = timezone.now()
        Distribution.objects.filter(pk=distribution.pk).update(
            views=views, likes=0, shares=0, published_at=now - timedelta(hours=hours_ago)
        )
        if day_old_views is not None:
            EngagementSnapshot.objects.create(
                distribution=distribution, fetched_at=now - timedelta(hours=25), views=day_old_views
            )
        return distribution

    return make


def test_keywords_are_ranked_by_velocity_with_their_trend(api, post):
    post("Home coffee brewing tips", ("#coffee",), views=4800, hours_ago=48, day_old_views=800)  # 100/h, rising
    post("Morning coffee routine", ("#coffee", "#morning"), views=960, hours_ago=48, day_old_views=900)  # falling
    post("Garden plants care", ("#plants",), views=10, hours_ago=10)  # new, slow
    response = api.get("/api/v1/trends/keywords?window_days=7")
    assert response.status_code == 200, response.json()
    rows = {row["keyword"]: row for row in response.json()}
    assert list(rows)[0] == "#coffee"
    assert rows["#coffee"]["videos"] == 2 and rows["#coffee"]["velocity"] == pytest.approx(120.0)
    assert rows["#morning"]["trend"] == "falling"
    assert rows["#plants"]["trend"] == "new"
    coffee_words = [row for row in response.json() if row["kind"] == "keyword" and "coffee" in row["keyword"]]
    assert coffee_words and coffee_words[0]["trend"] in ("rising", "steady")
    assert rows["#coffee"]["simulated"] is True  # sandbox numbers are invented
    assert rows["#coffee"]["samples"][0]["views"] == 4800


def test_only_videos_of_the_window_count_and_bad_queries_are_400(api, post):
    post("Old coffee news", ("#old",), views=999, hours_ago=24 * 30)
    response = api.get("/api/v1/trends/keywords?window_days=7").json()
    assert all(row["keyword"] != "#old" for row in response)
    assert api.get("/api/v1/trends/keywords?window_days=0").status_code == 400
    assert api.get("/api/v1/trends/keywords?window_days=abc").status_code == 400
    assert api.get("/api/v1/trends/keywords?limit=1000").status_code == 400


def test_the_studio_suggests_topics_from_them(client, user, post):
    post("Home coffee brewing tips", ("#coffee",), views=4800, hours_ago=48, day_old_views=800)
    client.force_login(user)
    page = client.get("/studio/videos/make/").content.decode()
    assert "Doing well on your accounts" in page and "coffee" in page
    prefilled = client.get("/studio/videos/make/?topic=home+coffee").content.decode()
    assert 'value="home coffee"' in prefilled
