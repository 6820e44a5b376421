import json
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from accounts import services
from accounts.models import AccountPost, AccountStatus, SocialAccount
from tests.factories import PASSWORD

URL = "/api/v1/accounts/"
TOKEN = "live-access-token"  # what a connected account holds (OAuth, or pasted by hand)


def detail(account, suffix=""):
    return f"{URL}{account.pk}/{suffix}"


def assert_error(response, status, code=None, field=None):
    assert response.status_code == status, response.content
    body = response.json()["error"]
    assert set(body) >= {"code", "message", "fields"}
    assert body["message"]
    if code:
        assert body["code"] == code
    if field:
        assert field in body["fields"], body
    return body


# --- auth -----------------------------------------------------------------------------


def test_token_exchange_and_both_header_styles(anon_api, user):
    response = anon_api.post("/api/v1/auth/token", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    for scheme in ("Token", "Bearer"):
        anon_api.credentials(HTTP_AUTHORIZATION=f"{scheme} {token}")
        me = anon_api.get("/api/v1/auth/me")
        assert me.status_code == 200
        assert me.json()["username"] == user.username
        assert me.json()["role"] == "creator"


def test_wrong_password_is_a_clear_400(anon_api, user):
    response = anon_api.post("/api/v1/auth/token", {"username": user.username, "password": "nope"})
    assert_error(response, 400, "invalid_credentials")


def test_repeated_failures_are_throttled(anon_api, user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        anon_api.post("/api/v1/auth/token", {"username": user.username, "password": "nope"})
    # Even the right password is refused while locked out.
    response = anon_api.post("/api/v1/auth/token", {"username": user.username, "password": PASSWORD})
    body = assert_error(response, 429, "throttled")
    assert "try again later" in body["message"].lower()


def test_unauthenticated_requests_get_401(anon_api):
    for path in (URL, "/api/v1/auth/me", f"{URL}stats/"):
        assert_error(anon_api.get(path), 401, "not_authenticated")
    anon_api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert_error(anon_api.get(URL), 401)


def test_token_revocation(api, user):
    assert api.delete("/api/v1/auth/token").status_code == 204
    assert_error(api.get("/api/v1/auth/me"), 401)


# --- create / read / update / delete -------------------------------------------------


def test_create_returns_account_with_defaults_and_no_secrets(api, user):
    payload = {"platform": "tiktok", "username": "shop.daily", "password": "hunter2-pass", "access_token": "at-123456"}
    response = api.post(URL, payload)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["hourly_upload_limit"] == 5 and data["daily_upload_limit"] == 15
    assert data["upload_cooldown_minutes"] == 15
    assert data["has_password"] is True and data["has_access_token"] is True
    raw = json.dumps(data)
    assert "hunter2-pass" not in raw and "at-123456" not in raw
    assert "password" not in data and "access_token" not in data
    assert SocialAccount.objects.get(pk=data["id"]).owner == user


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"platform": "myspace", "username": "x"}, "platform"),
        ({"platform": "tiktok"}, "username"),
        ({"platform": "tiktok", "username": ""}, "username"),
        ({"platform": "tiktok", "username": "x", "hourly_upload_limit": -1}, "hourly_upload_limit"),
        ({"platform": "tiktok", "username": "x", "hourly_upload_limit": 0}, "hourly_upload_limit"),
        ({"platform": "tiktok", "username": "x", "daily_upload_limit": 10**6}, "daily_upload_limit"),
        ({"platform": "tiktok", "username": "x", "upload_cooldown_minutes": "soon"}, "upload_cooldown_minutes"),
        (
            {"platform": "tiktok", "username": "x", "hourly_upload_limit": 9, "daily_upload_limit": 3},
            "hourly_upload_limit",
        ),
        ({"platform": "tiktok", "username": "x", "email": "not-an-email"}, "email"),
        ({"platform": "tiktok", "username": "x", "time_zone": "Mars/Olympus"}, "time_zone"),
        ({"platform": "tiktok", "username": "x", "verified": "perhaps"}, "verified"),
        ({"platform": "tiktok", "username": "x" * 151}, "username"),
    ],
)
def test_create_bad_input_is_400_and_writes_nothing(api, payload, field):
    assert_error(api.post(URL, payload, format="json"), 400, "invalid", field)
    assert SocialAccount.objects.count() == 0


def test_duplicate_account_is_400(api, user):
    services.social_account_create(owner=user, platform="tiktok", username="Shop")
    body = assert_error(api.post(URL, {"platform": "tiktok", "username": "shop"}), 400)
    assert "already have an account" in json.dumps(body)
    assert SocialAccount.objects.count() == 1


def test_malformed_json_is_400(api):
    response = api.generic("POST", URL, "{not json", content_type="application/json")
    assert_error(response, 400)
    assert SocialAccount.objects.count() == 0


def test_oversized_body_is_400(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    payload = {"platform": "tiktok", "username": "x", "notes": "n" * 2000}
    body = assert_error(api.post(URL, payload, format="json"), 400)
    assert "too large" in body["message"]
    assert SocialAccount.objects.count() == 0


def test_wrong_body_type_is_400(api):
    assert_error(api.post(URL, [1, 2, 3], format="json"), 400)


def test_list_filter_search_and_pagination(api, user, account_factory):
    account_factory(owner=user, platform="tiktok", username="alpha")
    account_factory(owner=user, platform="youtube", username="beta", display_name="Beta Channel")
    account_factory(owner=user, platform="youtube", username="gamma", status=AccountStatus.PAUSED)
    account_factory(platform="youtube", username="not_mine")
    data = api.get(URL).json()
    assert data["count"] == 3
    assert {a["username"] for a in data["results"]} == {"alpha", "beta", "gamma"}
    assert [a["username"] for a in api.get(URL, {"platform": "youtube"}).json()["results"]] == ["beta", "gamma"]
    assert [a["username"] for a in api.get(URL, {"status": "paused"}).json()["results"]] == ["gamma"]
    assert [a["username"] for a in api.get(URL, {"search": "channel"}).json()["results"]] == ["beta"]
    page = api.get(URL, {"page_size": 2}).json()
    assert len(page["results"]) == 2 and page["next"]
    assert_error(api.get(URL, {"platform": "myspace"}), 400, field="platform")


def test_list_runs_constant_queries(api, user, account_factory, django_assert_max_num_queries):
    for n in range(30):
        account_factory(owner=user, username=f"acc{n}")
    with django_assert_max_num_queries(6):
        assert api.get(URL, {"page_size": 50}).json()["count"] == 30


def test_platform_active_listings(api, user, account_factory):
    account_factory(owner=user, platform="instagram", username="ig1", access_token=TOKEN)
    account_factory(owner=user, platform="instagram", username="ig2", status=AccountStatus.DEACTIVATED)
    account_factory(owner=user, platform="tiktok", username="tt", access_token=TOKEN)
    account_factory(owner=user, platform="tiktok", username="seeded", password="hunter2")  # cannot post
    account_factory(owner=user, platform="sandbox", username="local")  # needs nothing
    by_platform = api.get(f"{URL}platform/instagram/").json()
    assert [a["username"] for a in by_platform["results"]] == ["ig1", "ig2"]
    active = api.get(f"{URL}active/").json()
    assert {a["username"] for a in active["results"]} == {"ig1", "tt", "local"}
    assert_error(api.get(f"{URL}platform/myspace/"), 400, field="platform")


def test_patch_updates_and_replaces_credentials(api, user, account_factory):
    account = account_factory(owner=user)
    response = api.patch(detail(account), {"hourly_upload_limit": 2, "notes": "EU audience", "refresh_token": "rt-new"})
    assert response.status_code == 200
    assert response.json()["hourly_upload_limit"] == 2
    assert response.json()["has_refresh_token"] is True
    account.refresh_from_db()
    assert account.refresh_token == "rt-new" and account.notes == "EU audience"


def test_patch_bad_input_changes_nothing(api, user, account_factory):
    account = account_factory(owner=user, notes="keep")
    assert_error(
        api.patch(detail(account), {"notes": "changed", "daily_upload_limit": -5}), 400, field="daily_upload_limit"
    )
    account.refresh_from_db()
    assert account.notes == "keep"


def test_platform_cannot_change(api, user, account_factory):
    account = account_factory(owner=user, platform="tiktok")
    api.patch(detail(account), {"platform": "youtube"})
    account.refresh_from_db()
    assert account.platform == "tiktok"


def test_delete(api, user, account_factory):
    account = account_factory(owner=user)
    assert api.delete(detail(account)).status_code == 204
    assert not SocialAccount.objects.filter(pk=account.pk).exists()


# --- isolation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("get", ""),
        ("patch", ""),
        ("delete", ""),
        ("get", "can-upload/"),
        ("post", "deactivate/"),
        ("post", "reactivate/"),
        ("post", "pause/"),
        ("post", "resume/"),
        ("post", "record-post/"),
    ],
)
def test_other_users_accounts_answer_404(api, account_factory, other_user, method, suffix):
    theirs = account_factory(owner=other_user, notes="theirs")
    response = getattr(api, method)(detail(theirs, suffix), {"notes": "mine now"}, format="json")
    assert_error(response, 404, "not_found")
    theirs.refresh_from_db()
    assert theirs.notes == "theirs" and theirs.status == AccountStatus.ACTIVE and theirs.posts_count == 0


def test_stats_only_count_own_accounts(api, user, account_factory):
    account_factory(owner=user, platform="tiktok", verified=True, posts_count=3, views_count=100, access_token=TOKEN)
    account_factory(owner=user, platform="youtube", status=AccountStatus.PAUSED, views_count=50)
    account_factory(platform="tiktok", views_count=10**6, access_token=TOKEN)
    stats = api.get(f"{URL}stats/").json()
    assert stats["total"] == 2 and stats["active"] == 1 and stats["verified"] == 1
    assert stats["posts"] == 3 and stats["views"] == 150
    assert stats["by_platform"]["tiktok"]["total"] == 1
    assert stats["by_platform"]["facebook"]["total"] == 0
    assert stats["by_status"]["paused"] == 1


# --- limits endpoints -------------------------------------------------------------------


def test_can_upload_record_post_and_cooldown(api, user, account_factory):
    account = account_factory(owner=user, upload_cooldown_minutes=15, access_token=TOKEN)
    at = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    assert api.get(detail(account, "can-upload/"), {"at": at.isoformat()}).json()["allowed"] is True
    recorded = api.post(detail(account, "record-post/"), {"posted_at": at.isoformat(), "reference": "manual"})
    assert recorded.status_code == 201
    assert recorded.json()["posts_count"] == 1
    check = api.get(detail(account, "can-upload/"), {"at": (at + timedelta(minutes=5)).isoformat()}).json()
    assert check["allowed"] is False
    assert check["next_allowed_at"].startswith("2026-11-20T12:15")
    assert AccountPost.objects.get().reference == "manual"


def test_can_upload_rejects_bad_time(api, user, account_factory):
    account = account_factory(owner=user)
    assert_error(api.get(detail(account, "can-upload/"), {"at": "tomorrow"}), 400, field="at")


def test_record_post_rejects_future_and_bad_types(api, user, account_factory):
    account = account_factory(owner=user)
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    assert_error(api.post(detail(account, "record-post/"), {"posted_at": future}), 400, field="posted_at")
    assert_error(api.post(detail(account, "record-post/"), {"posted_at": 12}), 400, field="posted_at")
    assert AccountPost.objects.count() == 0


def test_best_and_rotation(api, user, account_factory):
    at = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    used = account_factory(owner=user, username="used", access_token=TOKEN)
    fresh = account_factory(owner=user, username="fresh", access_token=TOKEN)
    services.social_account_record_post(account=used, at=at - timedelta(minutes=5))
    best = api.get(f"{URL}best/tiktok/", {"at": at.isoformat()})
    assert best.status_code == 200 and best.json()["id"] == fresh.pk
    rotation = api.get(f"{URL}rotation/tiktok/", {"at": at.isoformat()}).json()
    assert [(r["position"], r["account"]["username"], r["can_upload"]["allowed"]) for r in rotation] == [
        (1, "fresh", True),
        (2, "used", False),
    ]
    assert_error(api.get(f"{URL}best/youtube/"), 400, "no_account_available")
    assert_error(api.get(f"{URL}rotation/myspace/"), 400, field="platform")


def test_an_account_added_with_a_password_is_stored_but_cannot_upload(api, user):
    created = api.post(URL, {"platform": "tiktok", "username": "seeded", "password": "hunter2"})
    assert created.status_code == 201
    body = created.json()
    assert body["status"] == "active" and body["connection_state"] == "password" and body["has_password"]
    assert "the official API does not accept passwords" in body["connection_problem"]
    account = SocialAccount.objects.get(pk=body["id"])

    check = api.get(detail(account, "can-upload/")).json()

    assert check["allowed"] is False and check["connected"] is False and check["code"] == "not_connected"
    assert check["reason"] == (
        "Connect this TikTok account with TikTok to post: the official API does not accept passwords"
    )
    assert check["next_allowed_at"] is None
    assert_error(api.get(f"{URL}best/tiktok/"), 400, "no_account_available")
    assert api.get(f"{URL}rotation/tiktok/").json() == []
    stats = api.get(f"{URL}stats/").json()
    assert stats["active"] == 0 and stats["not_connected"] == 1
    assert stats["by_platform"]["tiktok"] == stats["by_platform"]["tiktok"] | {"active": 0, "not_connected": 1}


def test_an_expired_token_cannot_upload_until_connected_again(api, user, account_factory):
    expired = datetime.now(UTC) - timedelta(hours=1)
    account = account_factory(owner=user, platform="youtube", access_token=TOKEN, token_expires_at=expired)
    renewable = account_factory(
        owner=user, platform="youtube", access_token=TOKEN, refresh_token="rt", token_expires_at=expired
    )
    check = api.get(detail(account, "can-upload/")).json()
    assert check["allowed"] is False and check["code"] == "not_connected" and "expired" in check["reason"]
    assert api.get(detail(account)).json()["connection_state"] == "expired"
    assert api.get(detail(renewable, "can-upload/")).json()["allowed"] is True  # refreshed when it posts
    assert api.get(f"{URL}best/youtube/").json()["id"] == renewable.pk


def test_can_upload_counts_scheduled_posts_as_the_reservation_does(api, user, account_factory):
    account = account_factory(owner=user, hourly_upload_limit=1, upload_cooldown_minutes=0, access_token=TOKEN)
    at = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    AccountPost.objects.create(account=account, posted_at=at + timedelta(minutes=30), reference="scheduled")

    check = api.get(detail(account, "can-upload/"), {"at": at.isoformat()}).json()

    assert check["allowed"] is False and "Hourly limit reached (1/1)" in check["reason"]
    assert check["scheduled"] == 1 and check["posts_last_hour"] == 0
    assert check["next_allowed_at"].startswith("2026-11-20T13:30")
    assert api.get(f"{URL}rotation/tiktok/", {"at": at.isoformat()}).json()[0]["can_upload"]["allowed"] is False


def test_status_actions(api, user, account_factory):
    account = account_factory(owner=user)
    response = api.post(detail(account, "deactivate/"), {"reason": "flagged by TikTok"})
    assert response.json()["status"] == "deactivated"
    assert response.json()["status_reason"] == "flagged by TikTok"
    assert_error(api.post(detail(account, "deactivate/")), 400)
    assert api.post(detail(account, "reactivate/")).json()["status"] == "active"
    assert api.post(detail(account, "pause/")).json()["status"] == "paused"
    assert api.post(detail(account, "resume/")).json()["status"] == "active"
    assert_error(api.post(detail(account, "resume/")), 400)


def test_secrets_never_in_any_response(api, user):
    secret = "S3cr3t-Token-Value-xyz"
    created = api.post(URL, {"platform": "youtube", "username": "chan", "access_token": secret, "password": secret})
    account_id = created.json()["id"]
    responses = [
        created,
        api.get(URL),
        api.get(f"{URL}{account_id}/"),
        api.get(f"{URL}rotation/youtube/"),
        api.get(f"{URL}best/youtube/"),
        api.patch(f"{URL}{account_id}/", {"refresh_token": secret}),
        api.get("/api/schema/"),
    ]
    for response in responses:
        assert secret not in response.content.decode()


def test_schema_documents_account_routes(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    for route in (
        "/api/v1/accounts/",
        "/api/v1/accounts/{id}/can-upload/",
        "/api/v1/accounts/best/{platform}/",
        "/api/v1/accounts/rotation/{platform}/",
        "/api/v1/auth/token",
        "/api/v1/accounts/stats/",
    ):
        assert route in schema, route
    assert connection.vendor in ("sqlite", "postgresql")
