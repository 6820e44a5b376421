"""The distribution API: every route, isolation between users, bad input."""

import uuid
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from accounts.models import AccountPost
from distribution.models import Distribution, Upload, UploadStatus
from distribution.services import publishing, reservation
from production.models import Campaign

UPLOADS = "/api/v1/uploads"


@pytest.fixture(autouse=True)
def _no_broker():
    """Publish tasks are sent on commit; these tests call the services themselves."""
    with mock.patch("distribution.tasks.publish_upload.apply_async"):
        yield


@pytest.fixture
def sandbox(user, account_factory):
    return account_factory(owner=user, platform="sandbox")


@pytest.fixture
def published(user, ready_item, sandbox):
    upload = reservation.upload_reserve(queue_item=ready_item(user), account=sandbox)
    return publishing.upload_publish(upload_id=upload.pk)


def error_fields(response) -> dict:
    return response.json()["error"]["fields"]


def test_register_best_account_then_again_is_idempotent(api, user, ready_item, sandbox):
    item = ready_item(user)
    body = {"queue_item": str(item.queue_id), "account": "best", "platform": "sandbox"}

    first = api.post(UPLOADS, body)
    again = api.post(UPLOADS, {**body, "account": sandbox.pk})

    assert first.status_code == 201, first.json()
    assert again.status_code == 200 and again.json()["upload_id"] == first.json()["upload_id"]
    data = first.json()
    assert data["account"] == sandbox.pk and data["status"] == "pending" and data["caption"] == "New drop"
    assert Upload.objects.count() == 1 and AccountPost.objects.count() == 1


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "queue_item"),
        ({"queue_item": "not-a-uuid", "account": "best", "platform": "sandbox"}, "queue_item"),
        ({"queue_item": str(uuid.uuid4()), "account": "best", "platform": "sandbox"}, "queue_item"),
        ({"account": "someone", "platform": "sandbox"}, "account"),
        ({"account": "best"}, "platform"),
        ({"account": "best", "platform": "myspace"}, "platform"),
        ({"account": "best", "platform": "sandbox", "privacy": "secret"}, "privacy"),
        ({"account": "best", "platform": "sandbox", "scheduled_at": "tomorrow"}, "scheduled_at"),
        ({"account": "best", "platform": "sandbox", "scheduled_at": "2001-01-01T00:00:00Z"}, "scheduled_at"),
        ({"account": 999999}, "account"),
        ({"account": "best", "platform": "sandbox", "first_comment": "x" * 2201}, "first_comment"),
        ({"account": "best", "platform": "sandbox", "first_comment": ["a", "list"]}, "first_comment"),
        ({"account": "best", "platform": "sandbox", "synthetic": "maybe"}, "synthetic"),
        ({"account": "best", "platform": "sandbox", "tiktok_mode": "shout"}, "tiktok_mode"),
    ],
)
def test_register_bad_input_is_a_clear_400_and_changes_nothing(api, user, ready_item, sandbox, body, field):
    item = ready_item(user)
    body = {"queue_item": str(item.queue_id), **body} if "queue_item" not in body and body else body
    response = api.post(UPLOADS, body)
    assert response.status_code == 400, response.json()
    assert field in error_fields(response) and response.json()["error"]["message"]
    assert not Upload.objects.exists() and not AccountPost.objects.exists()


def test_register_with_a_first_comment_and_the_ai_label(api, user, ready_item, sandbox):
    item = ready_item(user)
    body = {
        "queue_item": str(item.queue_id),
        "account": sandbox.pk,
        "first_comment": " Link in bio ",
        "synthetic": True,
    }

    created = api.post(UPLOADS, body, format="json")

    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["first_comment"] == "Link in bio" and data["synthetic"] is True and data["options"]["synthetic"]
    assert data["first_comment_status"] == "unsupported"  # the sandbox has no comments: said, not failed
    assert data["first_comment_error"] and data["checksum"] == item.output_asset.checksum
    detail = api.get(f"{UPLOADS}/{data['upload_id']}").json()
    assert detail["first_comment"] == "Link in bio" and "first_comment_id" in detail


def test_register_to_a_password_only_account_is_refused_and_writes_nothing(api, user, ready_item, account_factory):
    seeded = account_factory(owner=user, platform="tiktok", username="seeded", password="hunter2")
    response = api.post(UPLOADS, {"queue_item": str(ready_item(user, "tiktok").queue_id), "account": seeded.pk})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "not_connected" and "the official API does not accept passwords" in error["message"]
    assert not Upload.objects.exists() and not AccountPost.objects.exists()


def test_register_the_same_file_twice_on_one_account_points_at_the_earlier_post(
    api, user, ready_item, sandbox, published
):
    copy = ready_item(user, same_file_as=published.queue_item)
    response = api.post(UPLOADS, {"queue_item": str(copy.queue_id), "account": sandbox.pk})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "duplicate_content" and error["link"] == published.upload_url
    assert published.upload_url in error["message"] and Upload.objects.count() == 1


def test_register_refuses_other_users_items_and_accounts(api, user, other_user, ready_item, account_factory):
    theirs_item = ready_item(other_user)
    theirs_account = account_factory(owner=other_user, platform="sandbox")
    mine = ready_item(user)

    foreign_item = api.post(
        UPLOADS, {"queue_item": str(theirs_item.queue_id), "account": "best", "platform": "sandbox"}
    )
    foreign_account = api.post(UPLOADS, {"queue_item": str(mine.queue_id), "account": theirs_account.pk})

    assert foreign_item.status_code == 400 and "queue_item" in error_fields(foreign_item)
    assert foreign_account.status_code == 400 and "account" in error_fields(foreign_account)
    assert not Upload.objects.exists()


def test_register_past_the_limit_says_when(api, user, ready_item, account_factory):
    account = account_factory(owner=user, platform="sandbox", hourly_upload_limit=1)
    api.post(UPLOADS, {"queue_item": str(ready_item(user).queue_id), "account": account.pk})
    response = api.post(UPLOADS, {"queue_item": str(ready_item(user).queue_id), "account": account.pk})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "limit_reached" and error["next_allowed_at"] and "Hourly limit" in error["message"]


def test_list_filters_and_detail_with_attempts(
    api, user, published, ready_item, sandbox, django_assert_max_num_queries
):
    reservation.upload_reserve(
        queue_item=ready_item(user), account=sandbox, scheduled_at=timezone.now() + timedelta(hours=2)
    )
    with django_assert_max_num_queries(6):
        everything = api.get(UPLOADS)
    assert everything.json()["count"] == 2
    assert [u["status"] for u in api.get(UPLOADS, {"status": "success"}).json()["results"]] == ["success"]
    assert api.get(UPLOADS, {"scheduled": "true"}).json()["count"] == 1
    assert api.get(UPLOADS, {"queue_item": str(published.queue_item.queue_id)}).json()["count"] == 1
    assert api.get(UPLOADS, {"account": sandbox.pk, "platform": "sandbox"}).json()["count"] == 2
    assert api.get(UPLOADS, {"status": "exploded"}).status_code == 400

    detail = api.get(f"{UPLOADS}/{published.upload_id}").json()
    assert detail["upload_url"] and detail["attempts"][0]["outcome"] == "note" and detail["progress"] == 100.0


def test_stats_next_pending_and_groupings(api, user, published, ready_item, sandbox):
    later = reservation.upload_reserve(queue_item=ready_item(user), account=sandbox)

    stats = api.get(f"{UPLOADS}/stats").json()
    assert stats["total"] == 2 and stats["by_status"]["success"] == 1 and stats["by_status"]["pending"] == 1
    assert stats["success_rate"] == 1.0 and stats["total_size_bytes"] == published.file_size
    assert stats["average_duration_seconds"] > 0
    assert api.get(f"{UPLOADS}/next-pending").json()["upload_id"] == str(later.upload_id)
    assert api.get(f"{UPLOADS}/by-queue-item/{published.queue_item.queue_id}").json()["count"] == 1
    assert api.get(f"{UPLOADS}/by-account/{sandbox.pk}").json()["count"] == 2
    assert api.get(f"{UPLOADS}/by-status/success").json()["count"] == 1
    assert api.get(f"{UPLOADS}/by-status/exploded").status_code == 400


def test_next_pending_when_nothing_waits(api, user):
    response = api.get(f"{UPLOADS}/next-pending")
    assert response.status_code == 400 and response.json()["error"]["code"] == "nothing_pending"


def test_other_users_uploads_are_404_everywhere(api, other_user, ready_item, account_factory):
    account = account_factory(owner=other_user, platform="sandbox")
    theirs = reservation.upload_reserve(queue_item=ready_item(other_user), account=account)
    for method, path in [
        ("get", f"{UPLOADS}/{theirs.upload_id}"),
        ("post", f"{UPLOADS}/{theirs.upload_id}/cancel"),
        ("post", f"{UPLOADS}/{theirs.upload_id}/retry"),
        ("get", f"{UPLOADS}/by-queue-item/{theirs.queue_item.queue_id}"),
        ("get", f"{UPLOADS}/by-account/{account.pk}"),
        ("delete", f"/api/v1/scheduled-posts/{theirs.upload_id}"),
    ]:
        assert getattr(api, method)(path).status_code == 404, path
    assert api.get(UPLOADS).json()["count"] == 0
    retry_theirs = api.post(f"{UPLOADS}/retry-failed", {"upload_id": str(theirs.upload_id)})
    assert retry_theirs.status_code == 400 and "upload_id" in error_fields(retry_theirs)
    theirs.refresh_from_db()
    assert theirs.status == UploadStatus.PENDING


def test_cancel_and_retry_failed(api, user, ready_item, sandbox):
    upload = reservation.upload_reserve(queue_item=ready_item(user), account=sandbox)
    cancelled = api.post(f"{UPLOADS}/{upload.upload_id}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert api.post(f"{UPLOADS}/{upload.upload_id}/cancel").status_code == 400

    broken = reservation.upload_reserve(queue_item=ready_item(user, own_file=True), account=sandbox)
    broken.queue_item.output_asset.file.storage.delete(broken.video_path)
    publishing.upload_publish(upload_id=broken.pk)
    response = api.post(f"{UPLOADS}/retry-failed", {})
    assert response.status_code == 200
    assert [u["upload_id"] for u in response.json()["retried"]] == [str(broken.upload_id)]
    assert response.json()["retried"][0]["status"] == "pending"
    assert api.post(f"{UPLOADS}/retry-failed", {"upload_id": "nope"}).status_code == 400


def test_scheduled_posts_list_create_cancel(api, user, ready_item, sandbox):
    when = (timezone.now() + timedelta(days=1)).replace(microsecond=0)
    item = ready_item(user)
    missing_time = api.post("/api/v1/scheduled-posts", {"queue_item": str(item.queue_id), "account": sandbox.pk})
    assert missing_time.status_code == 400 and "scheduled_at" in error_fields(missing_time)

    created = api.post(
        "/api/v1/scheduled-posts", {"queue_item": str(item.queue_id), "account": sandbox.pk, "scheduled_at": when}
    )

    assert created.status_code == 201, created.json()
    upload_id = created.json()["upload_id"]
    assert [p["upload_id"] for p in api.get("/api/v1/scheduled-posts").json()["results"]] == [upload_id]
    assert api.delete(f"/api/v1/scheduled-posts/{upload_id}").status_code == 204
    assert api.get("/api/v1/scheduled-posts").json()["count"] == 0
    assert Upload.objects.get(upload_id=upload_id).status == UploadStatus.CANCELLED


def test_workflow_upload_next(api, user, ready_item, sandbox):
    assert api.post("/api/v1/workflow/upload-next", {}).json()["error"]["code"] == "nothing_ready"
    campaign = Campaign.objects.create(owner=user, name="Demo", target_platforms=["sandbox", "tiktok"])
    item = ready_item(user, campaign=campaign)

    response = api.post("/api/v1/workflow/upload-next", {"publish_now": True})

    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["queue_item"] == str(item.queue_id) and data["uploads"][0]["status"] == "success"
    assert "no active TikTok account" in data["errors"]["tiktok"]
    assert api.post("/api/v1/workflow/upload-next", {"publish_now": "maybe"}).status_code == 400


def test_distributions_list_detail_summary_recent_metrics(api, user, published, django_assert_max_num_queries):
    distribution = Distribution.objects.get(upload=published)
    with django_assert_max_num_queries(5):
        listed = api.get("/api/v1/distributions").json()
    assert listed["count"] == 1 and listed["results"][0]["upload_id"] == str(published.upload_id)

    refreshed = api.post(f"/api/v1/distributions/{distribution.pk}/metrics")
    assert refreshed.status_code == 200 and refreshed.json()["views"] > 0

    detail = api.get(f"/api/v1/distributions/{distribution.pk}").json()
    assert len(detail["snapshots"]) == 1 and detail["snapshots"][0]["views"] == detail["views"]
    for group in ("video", "campaign", "account", "platform"):
        [row] = api.get("/api/v1/distributions/summary", {"group": group}).json()
        assert row["posts"] == 1 and row["views"] == detail["views"]
    assert api.get("/api/v1/distributions/summary", {"group": "galaxy"}).status_code == 400
    assert api.get("/api/v1/distributions/recent", {"days": 1}).json()["count"] == 1
    assert api.get("/api/v1/distributions/recent", {"days": 0}).status_code == 400
    assert api.get("/api/v1/distributions", {"platform": "sandbox"}).json()["count"] == 1
    assert api.get("/api/v1/distributions", {"platform": "nope"}).status_code == 400


def test_distributions_of_others_are_404(api, other_user, ready_item, account_factory):
    account = account_factory(owner=other_user, platform="sandbox")
    upload = reservation.upload_reserve(queue_item=ready_item(other_user), account=account)
    publishing.upload_publish(upload_id=upload.pk)
    distribution = Distribution.objects.get(upload=upload)
    assert api.get(f"/api/v1/distributions/{distribution.pk}").status_code == 404
    assert api.post(f"/api/v1/distributions/{distribution.pk}/metrics").status_code == 404
    assert api.get("/api/v1/distributions").json()["count"] == 0
    assert api.get("/api/v1/distributions/summary").json() == []


def test_anonymous_is_401(anon_api):
    for path in (UPLOADS, "/api/v1/distributions", "/api/v1/scheduled-posts", f"{UPLOADS}/stats"):
        assert anon_api.get(path).status_code == 401
    assert anon_api.post("/api/v1/workflow/upload-next", {}).status_code == 401


def test_no_token_in_any_response(api, user, ready_item, account_factory, published):
    account = account_factory(owner=user, platform="sandbox", access_token="tok-SECRET-123", refresh_token="rt-456")
    reservation.upload_reserve(queue_item=ready_item(user), account=account)
    text = "".join(api.get(path).content.decode() for path in (UPLOADS, "/api/v1/distributions"))
    assert "tok-SECRET-123" not in text and "rt-456" not in text
