"""Dashboard pages: uploads (live), one upload, scheduled posts, the calendar, publishing and
engagement on a video's page."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccountPost, AccountStatus
from distribution.models import (
    AttemptOutcome,
    Distribution,
    EngagementSnapshot,
    Upload,
    UploadAttempt,
    UploadStatus,
)
from distribution.services import metrics, publishing, reservation
from production.models import Campaign, QueueStatus
from tests.library.conftest import celery_eager  # noqa: F401 - tasks inline, set on the Celery app


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def sandbox(user, account_factory):
    return account_factory(owner=user, platform="sandbox", username="demo")


@pytest.fixture
def eager(request, django_capture_on_commit_callbacks):
    """Publish tasks run in the request, as soon as the view's transaction commits."""
    request.getfixturevalue("celery_eager")

    def run(call):
        with django_capture_on_commit_callbacks(execute=True):
            return call()

    return run


@pytest.fixture
def clock(time_machine, client, user):
    """clock(when): freeze time there; the session is signed in again (one from the real clock has expired)."""

    def move(when: datetime) -> None:
        time_machine.move_to(when, tick=False)
        client.force_login(user)

    return move


@pytest.fixture
def published(user, ready_item, sandbox):
    """publish(item=None, account=sandbox): a video live on the sandbox, through the real services."""

    def publish(item=None, account=None):
        upload = reservation.upload_reserve(queue_item=item or ready_item(user), account=account or sandbox)
        return publishing.upload_publish(upload_id=upload.pk)

    return publish


def item_url(item) -> str:
    return reverse("production:queue-item", args=[item.queue_id])


def publish_url(item) -> str:
    return reverse("distribution:publish", args=[item.queue_id])


# Access ------------------------------------------------------------------------------------

SOME_UUID = "6f1c2e1e-3d7b-4a51-9d7e-0c2b9a1f4e11"
PAGES = [
    "/uploads/",
    "/uploads/rows/",
    "/uploads/scheduled/",
    "/uploads/calendar/",
    f"/uploads/{SOME_UUID}/",
    f"/uploads/videos/{SOME_UUID}/publish/",
]
ACTIONS = [
    "/uploads/publish-next/",
    f"/uploads/{SOME_UUID}/cancel/",
    f"/uploads/{SOME_UUID}/retry/",
    f"/uploads/videos/{SOME_UUID}/publish/",
    f"/uploads/videos/{SOME_UUID}/refresh-metrics/",
]


@pytest.mark.parametrize("url", PAGES)
def test_pages_need_a_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:sign-in"))


@pytest.mark.parametrize("url", ACTIONS)
def test_actions_need_a_login_and_change_nothing(client, db, url):
    response = client.post(url)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:sign-in"))
    assert not Upload.objects.exists()


def test_navigation_lists_uploads(signed_in):
    html = signed_in.get("/uploads/").content.decode()
    assert 'href="/uploads/" class="active" aria-current="page">Uploads</a>' in html


def test_other_users_uploads_videos_and_posts_are_404_everywhere(
    signed_in, user, other_user, ready_item, account_factory
):
    theirs_account = account_factory(owner=other_user, platform="sandbox")
    theirs_item = ready_item(other_user)
    theirs = reservation.upload_reserve(queue_item=theirs_item, account=theirs_account)
    failed = reservation.upload_reserve(queue_item=ready_item(other_user, own_file=True), account=theirs_account)
    Upload.objects.filter(pk=failed.pk).update(status=UploadStatus.FAILED)

    for url in (
        f"/uploads/{theirs.upload_id}/",
        f"/uploads/videos/{theirs_item.queue_id}/publish/",
        f"/uploads/{uuid.uuid4()}/",
    ):
        assert signed_in.get(url).status_code == 404, url
    for url in (
        f"/uploads/{theirs.upload_id}/cancel/",
        f"/uploads/{failed.upload_id}/retry/",
        f"/uploads/videos/{theirs_item.queue_id}/publish/",
        f"/uploads/videos/{theirs_item.queue_id}/refresh-metrics/",
    ):
        assert signed_in.post(url, {"platforms": ["sandbox"]}).status_code == 404, url
    assert signed_in.post(f"/uploads/{theirs.upload_id}/delete/").status_code == 404
    theirs.refresh_from_db()
    failed.refresh_from_db()
    assert theirs.status == UploadStatus.PENDING and failed.status == UploadStatus.FAILED
    assert Upload.objects.count() == 2

    # Their rows never show up in lists, filters or the calendar.
    assert str(theirs.upload_id) not in signed_in.get("/uploads/").content.decode()
    assert str(theirs.upload_id) not in signed_in.get(f"/uploads/?account={theirs_account.pk}").content.decode()
    assert str(theirs.upload_id) not in signed_in.get("/uploads/calendar/").content.decode()
    assert str(theirs.upload_id) not in signed_in.get("/uploads/scheduled/").content.decode()


# Uploads page ------------------------------------------------------------------------------


def test_uploads_page_shows_status_account_progress_and_the_post(signed_in, user, ready_item, sandbox, published):
    done = published()
    waiting = reservation.upload_reserve(queue_item=ready_item(user, own_file=True), account=sandbox)
    Upload.objects.filter(pk=waiting.pk).update(
        status=UploadStatus.UPLOADING, bytes_confirmed=250_000, total_bytes=1_000_000
    )

    html = signed_in.get("/uploads/").content.decode()

    assert f'id="upload-{done.upload_id}" data-status="success"' in html
    assert f'href="{done.upload_url}" target="_blank" rel="noopener">view post</a>' in html
    assert f'id="upload-{waiting.upload_id}" data-status="uploading"' in html
    assert 'aria-valuenow="25"' in html and "244.1\xa0KB of 976.6\xa0KB" in html
    assert 'class="platform-icon platform-sandbox"' in html and "@demo" in html
    assert f'<img src="/library/{done.queue_item.output_asset_id}/thumbnail/"' in html  # the video's thumbnail
    assert 'data-polling="on"' in html and 'hx-trigger="every 2s"' in html


def test_polling_stops_once_nothing_can_change_and_the_partial_carries_the_summary(signed_in, published):
    published()
    page = signed_in.get("/uploads/").content.decode()
    assert 'data-polling="off"' in page and "every 2s" not in page

    rows = signed_in.get("/uploads/rows/", HTTP_HX_REQUEST="true").content.decode()
    assert rows.startswith("<tbody") or rows.lstrip().startswith("<tbody")
    assert 'id="upload-summary" hx-swap-oob="true"' in rows and 'data-count="success">1<' in rows


def test_filters_by_status_platform_and_account_and_ignore_nonsense(
    signed_in, user, ready_item, sandbox, account_factory, published
):
    other_account = account_factory(owner=user, platform="sandbox", username="second")
    live = published()
    waiting = reservation.upload_reserve(queue_item=ready_item(user, own_file=True), account=other_account)

    def shown(query: str) -> set[str]:
        html = signed_in.get(f"/uploads/?{query}").content.decode()
        return {str(u.upload_id) for u in (live, waiting) if f"upload-{u.upload_id}" in html}

    assert shown("status=success") == {str(live.upload_id)}
    assert shown("status=pending") == {str(waiting.upload_id)}
    assert shown(f"account={other_account.pk}") == {str(waiting.upload_id)}
    assert shown("platform=tiktok") == set()
    assert shown("status=bogus&platform=myspace&account=abc&page=zz") == {str(live.upload_id), str(waiting.upload_id)}


def test_uploads_page_query_count_is_constant(signed_in, user, ready_item, sandbox, django_assert_max_num_queries):
    reservation.upload_reserve(queue_item=ready_item(user, own_file=True), account=sandbox)
    with django_assert_max_num_queries(20) as few:
        assert signed_in.get("/uploads/").status_code == 200
    for _ in range(12):
        reservation.upload_reserve(queue_item=ready_item(user, own_file=True), account=sandbox)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert signed_in.get("/uploads/").status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert signed_in.get("/uploads/rows/").status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert signed_in.get("/uploads/scheduled/").status_code == 200


# One upload --------------------------------------------------------------------------------


def test_upload_detail_shows_attempts_errors_and_the_forced_privacy(signed_in, user, ready_item, sandbox):
    upload = reservation.upload_reserve(queue_item=ready_item(user), account=sandbox)
    UploadAttempt.objects.create(
        upload=upload,
        request_summary="POST https://open.tiktokapis.com/v2/post/publish/video/init/",
        http_status=200,
        response_body='{"data": {"publish_id": "v_pub_1"}}',
        outcome=AttemptOutcome.OK,
        duration_ms=42,
    )
    UploadAttempt.objects.create(
        upload=upload,
        request_summary="PUT https://upload.example/chunk bytes 0-99/200",
        http_status=503,
        response_body="x" * 5000,
        outcome=AttemptOutcome.ERROR,
        error_kind="transient",
    )
    Upload.objects.filter(pk=upload.pk).update(
        status=UploadStatus.FAILED,
        privacy_forced=True,
        last_error="Policy: the video was rejected",
        error_kind="policy",
        completed_at=timezone.now(),
    )

    html = signed_in.get(f"/uploads/{upload.upload_id}/").content.decode()

    assert "POST https://open.tiktokapis.com/v2/post/publish/video/init/" in html
    assert '<span class="http-status http-5xx">503</span>' in html and ">Error answer<" in html
    assert "x" * 599 in html and "x" * 700 not in html  # the platform's answer, trimmed
    assert "made this post <strong>private</strong>" in html
    assert "Policy: the video was rejected" in html and ">Retry</button>" in html and ">Cancel<" not in html
    assert "every 2s" not in html


def test_open_upload_detail_polls_its_live_part(signed_in, user, ready_item, sandbox):
    upload = reservation.upload_reserve(queue_item=ready_item(user), account=sandbox)
    html = signed_in.get(f"/uploads/{upload.upload_id}/").content.decode()
    assert 'hx-trigger="every 2s"' in html and ">Cancel</button>" in html

    live = signed_in.get(f"/uploads/{upload.upload_id}/", HTTP_HX_REQUEST="true").content.decode()
    assert live.startswith('<div id="upload-live"') and "<html" not in live


def test_cancel_gives_the_slot_back_and_a_second_cancel_is_a_message(signed_in, user, ready_item, sandbox):
    upload = reservation.upload_reserve(queue_item=ready_item(user), account=sandbox)
    url = f"/uploads/{upload.upload_id}/cancel/"

    response = signed_in.post(url, {"next": "/uploads/scheduled/"}, follow=True)

    assert response.redirect_chain[-1][0] == "/uploads/scheduled/"
    assert "Cancelled the upload to Sandbox (local) @demo." in response.content.decode()
    upload.refresh_from_db()
    assert upload.status == UploadStatus.CANCELLED and not AccountPost.objects.exists()
    again = signed_in.post(url, {"next": "https://evil.example/"}, follow=True)
    assert again.redirect_chain[-1][0] == f"/uploads/{upload.upload_id}/"
    assert "Only pending, scheduled or retrying uploads can be cancelled" in again.content.decode()


def test_retry_publishes_a_failed_upload_again(signed_in, user, ready_item, sandbox, eager):
    upload = reservation.upload_reserve(queue_item=ready_item(user), account=sandbox)
    Upload.objects.filter(pk=upload.pk).update(status=UploadStatus.FAILED, last_error="boom")
    AccountPost.objects.all().delete()

    response = eager(lambda: signed_in.post(f"/uploads/{upload.upload_id}/retry/", follow=True))

    assert "Retrying the upload to Sandbox (local) @demo." in response.content.decode()
    upload.refresh_from_db()
    assert upload.status == UploadStatus.SUCCESS and upload.upload_url
    assert signed_in.post(f"/uploads/{upload.upload_id}/retry/").status_code == 302
    upload.refresh_from_db()
    assert upload.status == UploadStatus.SUCCESS


def test_unknown_upload_action_is_404(signed_in, user, ready_item, sandbox):
    upload = reservation.upload_reserve(queue_item=ready_item(user), account=sandbox)
    assert signed_in.post(f"/uploads/{upload.upload_id}/explode/").status_code == 404
    assert signed_in.get(f"/uploads/{upload.upload_id}/cancel/").status_code == 405


# Publishing from the dashboard -------------------------------------------------------------


def test_item_page_offers_publishing_to_own_active_accounts(
    signed_in, user, other_user, ready_item, sandbox, account_factory
):
    account_factory(owner=user, platform="tiktok", username="paused_one", status=AccountStatus.PAUSED)
    account_factory(owner=other_user, platform="sandbox", username="not_mine")
    item = ready_item(user)

    html = signed_in.get(item_url(item)).content.decode()

    assert f'action="{publish_url(item)}"' in html and "Sandbox (local) @demo" in html
    assert "paused_one" not in html and "not_mine" not in html
    assert 'name="platforms" value="sandbox" id="id_platforms_0" checked' in html  # its preset's platform
    assert f'name="next" value="{item_url(item)}"' in html


def test_publish_to_an_account_runs_the_upload_and_returns_to_the_video(signed_in, user, ready_item, sandbox, eager):
    item = ready_item(user)

    response = eager(
        lambda: signed_in.post(
            publish_url(item), {"accounts": [sandbox.pk], "privacy": "unlisted", "next": item_url(item)}, follow=True
        )
    )

    assert response.redirect_chain[-1][0] == item_url(item)
    html = response.content.decode()
    assert f"Publishing video {str(item.queue_id)[:8]} to Sandbox (local) @demo." in html
    upload = Upload.objects.get()
    assert upload.account == sandbox and upload.privacy == "unlisted" and upload.status == UploadStatus.SUCCESS
    item.refresh_from_db()
    assert item.status == QueueStatus.UPLOADED


def test_publish_with_a_first_comment_and_the_ai_label_shows_them_on_the_upload(
    signed_in, user, ready_item, sandbox, eager
):
    item = ready_item(user)
    item.metadata = {"synthetic": True}  # from the AI studio: the box starts ticked
    item.save(update_fields=["metadata"])
    form = signed_in.get(publish_url(item)).content.decode()
    assert re.search(r'<input type="checkbox" name="synthetic"[^>]* checked', form)

    eager(lambda: signed_in.post(publish_url(item), {"accounts": [sandbox.pk], "privacy": "public",
                                                     "first_comment": "Tell us below", "synthetic": "on"}))  # fmt: skip

    upload = Upload.objects.get()
    assert upload.status == UploadStatus.SUCCESS and upload.synthetic and upload.first_comment == "Tell us below"
    html = signed_in.get(f"/uploads/{upload.upload_id}/").content.decode()
    assert 'id="first-comment" data-comment-status="unsupported"' in html and "Tell us below" in html
    assert "takes no first comment" in html and 'data-synthetic="true"' in html


def test_publish_offers_only_accounts_that_can_post(signed_in, user, ready_item, sandbox, account_factory):
    seeded = account_factory(owner=user, platform="tiktok", username="seeded", password="hunter2")
    item = ready_item(user)
    html = signed_in.get(publish_url(item)).content.decode()
    assert "@seeded" not in html and 'value="tiktok"' not in html
    response = signed_in.post(publish_url(item), {"accounts": [seeded.pk], "privacy": "public"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not Upload.objects.exists()


def test_publishing_a_copy_of_a_posted_video_is_refused_with_the_earlier_post(
    signed_in, user, ready_item, sandbox, published
):
    earlier = published()
    copy = ready_item(user, same_file_as=earlier.queue_item)

    response = signed_in.post(publish_url(copy), {"accounts": [sandbox.pk], "privacy": "public"})

    html = response.content.decode()
    assert response.status_code == 400 and 'data-code="duplicate_content"' in html
    assert "already carries this video" in html and f'href="{earlier.upload_url}"' in html
    assert Upload.objects.count() == 1


def test_publish_bad_first_comment_writes_nothing(signed_in, user, ready_item, sandbox):
    response = signed_in.post(
        publish_url(ready_item(user)), {"accounts": [sandbox.pk], "privacy": "public", "first_comment": "x" * 2201}
    )
    assert response.status_code == 200 and "at most 2200 characters" in response.content.decode()
    assert not Upload.objects.exists() and not AccountPost.objects.exists()


def test_publish_to_several_accounts_posts_to_each(signed_in, user, ready_item, sandbox, account_factory, eager):
    second = account_factory(owner=user, platform="sandbox", username="second")
    item = ready_item(user)

    response = eager(
        lambda: signed_in.post(publish_url(item), {"accounts": [sandbox.pk, second.pk], "privacy": "public"})
    )

    assert response.status_code == 302
    uploads = Upload.objects.order_by("account__username")
    assert [(u.account.username, u.status) for u in uploads] == [("demo", "success"), ("second", "success")]
    item.refresh_from_db()
    assert item.status == QueueStatus.UPLOADED


def test_publish_to_the_best_account_at_a_local_time(signed_in, user, ready_item, sandbox, clock):
    clock(datetime(2030, 5, 6, 12, 0, tzinfo=UTC))
    user.time_zone = "America/New_York"
    user.save(update_fields=["time_zone"])
    item = ready_item(user)

    response = signed_in.post(
        publish_url(item), {"platforms": ["sandbox"], "privacy": "public", "scheduled_at": "2030-05-08T09:30"}
    )

    assert response.status_code == 302 and response.url == item_url(item)
    upload = Upload.objects.get()
    assert upload.account == sandbox and upload.status == UploadStatus.PENDING
    assert upload.scheduled_at == datetime(2030, 5, 8, 13, 30, tzinfo=UTC)  # 09:30 EDT


@pytest.mark.parametrize(
    "data, error",
    [
        ({"privacy": "public"}, "Choose at least one account"),
        ({"accounts": ["999999"], "privacy": "public"}, "Select a valid choice"),
        ({"platforms": ["myspace"], "privacy": "public"}, "Select a valid choice"),
        ({"platforms": ["tiktok"], "privacy": "public"}, "Select a valid choice"),  # no TikTok account
        ({"platforms": ["sandbox"], "privacy": "secret"}, "Select a valid choice"),
        ({"platforms": ["sandbox"], "privacy": "public", "scheduled_at": "tomorrow"}, "Enter a valid date/time"),
        ({"platforms": ["sandbox"], "privacy": "public", "scheduled_at": "2001-01-01T10:00"}, "in the future"),
    ],
)
def test_publish_bad_input_shows_the_error_and_writes_nothing(signed_in, user, ready_item, sandbox, data, error):
    item = ready_item(user)
    response = signed_in.post(publish_url(item), data)
    assert response.status_code == 200 and error in response.content.decode()
    assert not Upload.objects.exists() and not AccountPost.objects.exists()


def test_publish_to_someone_elses_account_is_refused(signed_in, user, other_user, ready_item, sandbox, account_factory):
    theirs = account_factory(owner=other_user, platform="sandbox")
    response = signed_in.post(publish_url(ready_item(user)), {"accounts": [theirs.pk], "privacy": "public"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not Upload.objects.exists()


def test_limit_refusal_says_when_the_account_is_next_allowed_in_local_time(
    signed_in, user, ready_item, account_factory, clock
):
    clock(datetime(2030, 5, 6, 12, 0, tzinfo=UTC))
    user.time_zone = "Europe/Berlin"
    user.save(update_fields=["time_zone"])
    account = account_factory(owner=user, platform="sandbox", username="busy", hourly_upload_limit=1)
    AccountPost.objects.create(account=account, posted_at=timezone.now() - timedelta(minutes=10), reference="x")
    item = ready_item(user)

    response = signed_in.post(publish_url(item), {"accounts": [account.pk], "privacy": "public"})

    html = response.content.decode()
    assert response.status_code == 400 and 'id="refusals"' in html
    assert 'data-target="Sandbox (local) @busy">Sandbox (local) @busy cannot post then: Hourly limit' in html
    # 11:50 UTC + 1 h = 12:50 UTC = 14:50 in Berlin (CEST).
    assert "Next allowed at <time" in html and ">Mon May 6, 14:50</time> (Europe/Berlin)" in html
    assert "Next possible at 2030" not in html
    assert not Upload.objects.exists()


def test_partial_refusal_publishes_the_rest_and_warns(
    signed_in, user, ready_item, sandbox, account_factory, django_capture_on_commit_callbacks
):
    busy = account_factory(owner=user, platform="sandbox", username="busy", hourly_upload_limit=1)
    AccountPost.objects.create(account=busy, posted_at=timezone.now() - timedelta(minutes=1), reference="x")
    item = ready_item(user)

    response = signed_in.post(publish_url(item), {"accounts": [sandbox.pk, busy.pk], "privacy": "public"}, follow=True)

    html = response.content.decode()
    assert "Publishing video" in html and "@demo" in html
    assert "Not published: Sandbox (local) @busy cannot post then" in html and "Next allowed at" in html
    assert list(Upload.objects.values_list("account__username", flat=True)) == ["demo"]


def test_publish_page_for_a_video_not_ready(signed_in, user, ready_item, sandbox):
    item = ready_item(user)
    item.status = QueueStatus.PENDING
    item.save(update_fields=["status"])
    assert "Only ready videos can be published" in signed_in.get(publish_url(item)).content.decode()
    response = signed_in.post(publish_url(item), {"accounts": [sandbox.pk], "privacy": "public"})
    assert response.status_code == 400 and "Only ready videos can be uploaded" in response.content.decode()
    assert not Upload.objects.exists()


def test_publish_next_ready_video(signed_in, user, ready_item, sandbox, eager):
    nothing = signed_in.post("/uploads/publish-next/", follow=True)
    assert "No ready video is waiting for an upload." in nothing.content.decode()

    campaign = Campaign.objects.create(owner=user, name="Demo", target_platforms=["sandbox", "tiktok"])
    item = ready_item(user, campaign=campaign)
    response = eager(lambda: signed_in.post("/uploads/publish-next/"))

    assert response.status_code == 302 and response.url == "/uploads/"
    html = signed_in.get(response.url).content.decode()
    assert f"Publishing video {str(item.queue_id)[:8]} to Sandbox (local) @demo." in html
    assert "Not on TikTok: You have no active TikTok account to post to." in html
    assert Upload.objects.get().status == UploadStatus.SUCCESS
    assert 'data-status="success"' in html


# Engagement ---------------------------------------------------------------------------------


def test_item_page_shows_engagement_with_a_sparkline_and_refreshes_it(
    signed_in, user, ready_item, sandbox, published, clock
):
    clock(datetime(2030, 5, 1, 12, 0, tzinfo=UTC))
    item = ready_item(user)
    url = item_url(item)
    assert 'id="engagement"' not in signed_in.get(url).content.decode()  # not live anywhere yet
    upload = published(item)
    distribution = Distribution.objects.get(upload=upload)
    html = signed_in.get(url).content.decode()
    assert 'id="engagement"' in html and "after two fetches" in html and "never" in html

    clock(datetime(2030, 5, 1, 13, 0, tzinfo=UTC))
    response = signed_in.post(f"/uploads/videos/{upload.queue_item.queue_id}/refresh-metrics/", follow=True)
    assert response.redirect_chain[-1][0] == url + "#engagement"
    assert "Fetched the numbers of 1 post." in response.content.decode()
    clock(datetime(2030, 5, 1, 14, 0, tzinfo=UTC))
    metrics.distribution_fetch_metrics(distribution=Distribution.objects.get(pk=distribution.pk))

    html = signed_in.get(url).content.decode()
    distribution.refresh_from_db()
    assert distribution.views > 5 and EngagementSnapshot.objects.filter(distribution=distribution).count() == 2
    assert f'data-count="views">{distribution.views:,}<' in html
    assert f'data-count="likes">{distribution.likes:,}<' in html
    assert '<svg class="sparkline"' in html and 'points="2.0,' in html
    assert ">Refresh metrics</button>" in html


def test_refresh_metrics_for_a_video_not_live_says_so(signed_in, user, ready_item):
    item = ready_item(user)
    response = signed_in.post(f"/uploads/videos/{item.queue_id}/refresh-metrics/", follow=True)
    assert "not live anywhere yet" in response.content.decode()


def test_item_page_query_count_is_constant(
    signed_in, user, ready_item, sandbox, account_factory, published, django_assert_max_num_queries
):
    item = ready_item(user)
    published(item)
    with django_assert_max_num_queries(40) as few:
        assert signed_in.get(item_url(item)).status_code == 200
    for n in range(6):
        account = account_factory(owner=user, platform="sandbox", username=f"extra{n}")
        upload = published(item=None, account=account)
        Upload.objects.filter(pk=upload.pk).update(queue_item=item)
        Distribution.objects.filter(upload=upload).update(queue_item=item)
        metrics.distribution_fetch_metrics(distribution=Distribution.objects.get(upload=upload))
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = signed_in.get(item_url(item)).content.decode()
    assert html.count('<svg class="sparkline"') == 0 and html.count('data-count="views"') == 7


# Calendar and scheduled posts --------------------------------------------------------------


def test_calendar_places_posts_on_the_local_day_of_the_users_time_zone(
    signed_in, user, ready_item, sandbox, account_factory, clock
):
    clock(datetime(2030, 5, 6, 12, 0, tzinfo=UTC))  # Monday, 05:00 in Los Angeles
    user.time_zone = "America/Los_Angeles"
    user.save(update_fields=["time_zone"])
    # 05:30 UTC on Tuesday the 7th is 22:30 on Monday the 6th in Los Angeles.
    late = reservation.upload_reserve(
        queue_item=ready_item(user), account=sandbox, scheduled_at=datetime(2030, 5, 7, 5, 30, tzinfo=UTC)
    )
    # Sunday 23:00 local (06:00 UTC Monday the 13th) is still this week.
    sunday = reservation.upload_reserve(
        queue_item=ready_item(user, own_file=True),
        account=sandbox,
        scheduled_at=datetime(2030, 5, 13, 6, 0, tzinfo=UTC),
    )
    # 08:00 UTC Monday the 13th is 01:00 local on Monday: next week.
    later = reservation.upload_reserve(
        queue_item=ready_item(user, own_file=True),
        account=sandbox,
        scheduled_at=datetime(2030, 5, 13, 8, 0, tzinfo=UTC),
    )
    idle = account_factory(owner=user, platform="tiktok", username="quiet")

    html = signed_in.get("/uploads/calendar/").content.decode()

    assert 'data-week="2030-05-06"' in html and "times in America/Los_Angeles" in html
    cell = _cell(html, "demo", "2030-05-06")
    assert f"/uploads/{late.upload_id}/" in cell and ">22:30</time> scheduled" in cell
    assert f"/uploads/{sunday.upload_id}/" in _cell(html, "demo", "2030-05-12")
    assert str(later.upload_id) not in html
    assert 'class="cal-head today" data-day="2030-05-06"' in html
    assert f'data-account="{idle.username}" data-day="2030-05-06"' in html  # active accounts get a row

    following = signed_in.get("/uploads/calendar/?week=2030-05-15").content.decode()
    assert 'data-week="2030-05-13"' in following and f"/uploads/{later.upload_id}/" in following
    assert 'href="?week=2030-05-06" rel="prev"' in following and ">This week</a>" in following


@pytest.mark.parametrize("week", ["garbage", "2030-13-45", "", "2030-05-08T00:00"])
def test_calendar_ignores_a_bad_week_and_shows_this_one(signed_in, user, clock, week):
    clock(datetime(2030, 5, 8, 12, 0, tzinfo=UTC))
    response = signed_in.get("/uploads/calendar/", {"week": week})
    assert response.status_code == 200 and 'data-week="2030-05-06"' in response.content.decode()


def test_calendar_shows_past_posts_and_leaves_out_cancelled_ones(
    signed_in, user, ready_item, sandbox, published, django_assert_max_num_queries
):
    live = published()
    cancelled = reservation.upload_reserve(queue_item=ready_item(user, own_file=True), account=sandbox)
    publishing.upload_cancel(upload=cancelled)
    with django_assert_max_num_queries(12) as few:
        html = signed_in.get("/uploads/calendar/").content.decode()
    assert f'href="/uploads/{live.upload_id}/"' in html and 'data-status="success"' in html
    assert str(cancelled.upload_id) not in html
    for _ in range(8):
        published(item=ready_item(user, own_file=True))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert signed_in.get("/uploads/calendar/").content.decode().count('class="chip upload-success"') == 10


def test_scheduled_page_lists_upcoming_posts_with_cancel(signed_in, user, ready_item, sandbox, published):
    published()  # live already: not scheduled
    when = timezone.now() + timedelta(days=1)
    upcoming = reservation.upload_reserve(
        queue_item=ready_item(user, own_file=True), account=sandbox, scheduled_at=when
    )

    html = signed_in.get("/uploads/scheduled/").content.decode()

    assert html.count('<tr id="scheduled-') == 1 and f'id="scheduled-{upcoming.upload_id}"' in html
    assert f'action="/uploads/{upcoming.upload_id}/cancel/"' in html
    response = signed_in.post(f"/uploads/{upcoming.upload_id}/cancel/", {"next": "/uploads/scheduled/"}, follow=True)
    assert "No post is waiting for its time." in response.content.decode()


def _cell(html: str, account: str, day: str) -> str:
    start = html.index(f'data-account="{account}" data-day="{day}"')
    return html[start : html.index("</div>", start)]
