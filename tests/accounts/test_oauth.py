"""OAuth connections, end to end: dashboard -> platform consent (loopback) -> callback -> stored account."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import time_machine
from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts import services
from accounts.models import AccountStatus, ConnectionMethod, SocialAccount
from accounts.oauth import adapter_credentials
from accounts.signals import account_needs_attention
from distribution.emulators import TikTokEmulator
from distribution.platforms import Credentials, get_adapter
from tests.accounts.oauth_server import CLIENTS
from tests.factories import UserFactory

YT_UPLOAD = "https://www.googleapis.com/auth/youtube.upload"
YT_FORCE_SSL = "https://www.googleapis.com/auth/youtube.force-ssl"
YT_READONLY = "https://www.googleapis.com/auth/youtube.readonly"


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


def start(client, platform: str, query: str = "") -> str:
    response = client.get(f"/accounts/connect/{platform}/{query}")
    assert response.status_code == 302, response.content[:500]
    return response["Location"]


def consent(location: str) -> str:
    """The browser on the platform's consent screen; returns where the platform sends it back."""
    answer = requests.get(location, allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def come_back(client, callback: str):
    parts = urlsplit(callback)
    assert parts.netloc == "testserver"
    return client.get(f"{parts.path}?{parts.query}", follow=True)


def connect(client, platform: str, query: str = ""):
    return come_back(client, consent(start(client, platform, query)))


def query_of(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def text(response) -> str:
    return response.content.decode()


# --- starting the flow ------------------------------------------------------------------------
def test_youtube_start_url_has_state_scopes_offline_access_and_pkce(signed_in, platforms):
    location = start(signed_in, "youtube")
    assert location.startswith(platforms.settings()["YOUTUBE_AUTH_URL"])
    params = query_of(location)
    assert params["client_id"] == CLIENTS["youtube"][0]
    assert params["redirect_uri"] == "http://testserver/accounts/connect/youtube/callback/"
    assert params["scope"].split() == [YT_UPLOAD, YT_READONLY, YT_FORCE_SSL]
    assert params["access_type"] == "offline" and params["include_granted_scopes"] == "true"
    assert params["prompt"] == "consent"  # nothing held yet: ask for a refresh token
    assert params["code_challenge_method"] == "S256" and len(params["code_challenge"]) == 43
    assert params["state"] in signed_in.session["oauth_flows"]


@pytest.mark.parametrize(
    ("platform", "client_field", "scopes"),
    [
        ("tiktok", "client_key", "user.info.basic,video.upload,video.publish,video.list"),
        # The Reels guide's permissions (no publish_video, a Live Video one) + the optional comment one.
        ("facebook", "client_id", "pages_show_list,pages_read_engagement,pages_manage_posts,pages_manage_engagement"),
        (
            "instagram",
            "client_id",
            "instagram_basic,instagram_content_publish,pages_show_list,pages_read_engagement,instagram_manage_comments",
        ),
    ],
)
def test_start_url_has_state_scopes_and_redirect(signed_in, platforms, platform, client_field, scopes):
    params = query_of(start(signed_in, platform))
    assert params[client_field] in {CLIENTS["tiktok"][0], CLIENTS["facebook"][0]}
    assert params["scope"] == scopes
    assert params["redirect_uri"] == f"http://testserver/accounts/connect/{platform}/callback/"
    assert params["response_type"] == "code"
    assert params["state"] in signed_in.session["oauth_flows"]
    assert ("code_challenge" in params) == (platform != "tiktok")


def test_redirect_uri_uses_the_configured_public_address(signed_in, platforms, settings):
    settings.OAUTH_REDIRECT_BASE_URL = "https://reelmill.example.com/"
    params = query_of(start(signed_in, "tiktok"))
    assert params["redirect_uri"] == "https://reelmill.example.com/accounts/connect/tiktok/callback/"


# --- happy paths ------------------------------------------------------------------------------
def test_youtube_connect_stores_the_channel_with_encrypted_tokens(signed_in, user, platforms):
    page = text(connect(signed_in, "youtube"))
    assert "Connected YouTube @dailyshorts" in page
    account = SocialAccount.objects.get(owner=user)
    assert (account.platform, account.username, account.display_name) == ("youtube", "dailyshorts", "Daily Shorts")
    assert account.remote_id == "UC-channel-1" and account.followers_count == 1200
    assert account.access_token.startswith("ya29-") and account.refresh_token.startswith("1//rt-")
    assert account.token_scopes == [YT_UPLOAD, YT_READONLY, YT_FORCE_SSL]
    assert timedelta(minutes=55) < account.token_expires_at - timezone.now() < timedelta(minutes=61)
    assert account.status == AccountStatus.ACTIVE and account.connection == ConnectionMethod.OAUTH
    assert "Connected via OAuth" in page
    # The token went to the channel lookup as a bearer token; the PKCE verifier matched (else no token).
    assert platforms.seen[-1].headers["Authorization"] == f"Bearer {account.access_token}"
    assert account.access_token not in page and account.refresh_token not in page


def test_youtube_scopes_granted_earlier_are_kept_not_an_error(signed_in, user, platforms):
    platforms.earlier_scopes = ["openid"]  # oauthlib raises a "scope has changed" warning for these
    assert "Connected YouTube @dailyshorts" in text(connect(signed_in, "youtube"))
    account = SocialAccount.objects.get(owner=user)
    assert account.token_scopes == [YT_UPLOAD, YT_READONLY, YT_FORCE_SSL, "openid"]
    assert account.refresh_token.startswith("1//rt-")


def test_tiktok_connect_stores_open_id_and_tokens(signed_in, user, platforms):
    page = text(connect(signed_in, "tiktok"))
    assert "Connected TikTok @shop.daily" in page
    account = SocialAccount.objects.get(owner=user)
    assert account.remote_id == "tt-open-1"
    assert account.access_token.startswith("act-") and account.refresh_token.startswith("rft-")
    assert set(account.token_scopes) == {"user.info.basic", "video.upload", "video.publish", "video.list"}
    token_call = platforms.token_requests()[0]
    assert token_call.fields["grant_type"] == "authorization_code"
    assert token_call.fields["client_secret"] == CLIENTS["tiktok"][1]


def test_facebook_with_one_page_adds_it_with_its_page_token(signed_in, user, platforms):
    page = text(connect(signed_in, "facebook"))
    assert "Connected Facebook @shopdaily" in page
    account = SocialAccount.objects.get(owner=user)
    assert (account.remote_id, account.display_name, account.followers_count) == ("page-1", "Shop Daily", 300)
    assert account.access_token == "page-token-1"
    assert account.token_expires_at is None  # Page tokens from a long-lived user token do not expire
    assert "pages_manage_posts" in account.token_scopes
    exchanges = [seen.fields.get("grant_type", "authorization_code") for seen in platforms.token_requests()]
    assert exchanges == ["authorization_code", "fb_exchange_token"]


def test_facebook_with_several_pages_lets_the_user_choose(signed_in, user, platforms):
    platforms.page_size = 2  # and the Page list comes in two requests
    platforms.pages = [
        {"id": f"page-{n}", "name": f"Page {n}", "access_token": f"page-token-{n}", "followers_count": n}
        for n in range(1, 4)
    ]
    response = connect(signed_in, "facebook")
    assert response.redirect_chain[-1][0] == "/accounts/connect/facebook/choose/"
    page = text(response)
    assert all(f"Page {n}" in page for n in range(1, 4))
    assert "page-token" not in page and not SocialAccount.objects.exists()
    response = signed_in.post("/accounts/connect/facebook/choose/", {"remote_id": ["page-1", "page-3"]}, follow=True)
    assert "Connected Facebook @Page 1, Facebook @Page 3" in text(response)
    stored = dict(SocialAccount.objects.filter(owner=user).values_list("remote_id", "access_token"))
    assert stored == {"page-1": "page-token-1", "page-3": "page-token-3"}
    # The choice is used up: the page now says so instead of adding twice.
    again = signed_in.post("/accounts/connect/facebook/choose/", {"remote_id": ["page-2"]}, follow=True)
    assert "expired or was already made" in text(again)
    assert SocialAccount.objects.filter(owner=user).count() == 2


def test_facebook_choice_needs_at_least_one_page(signed_in, user, platforms):
    platforms.pages.append({"id": "page-2", "name": "Second", "access_token": "page-token-2"})
    connect(signed_in, "facebook")
    response = signed_in.post("/accounts/connect/facebook/choose/", {})
    assert "Choose at least one" in text(response)
    cancel = signed_in.post("/accounts/connect/facebook/choose/cancel/", follow=True)
    assert "Nothing was added" in text(cancel) and not SocialAccount.objects.exists()


def test_instagram_finds_the_account_linked_to_the_page(signed_in, user, platforms):
    platforms.pages.append({"id": "page-2", "name": "No Instagram here", "access_token": "page-token-2"})
    page = text(connect(signed_in, "instagram"))
    assert "Connected Instagram @shop.daily.ig" in page  # one linked account: no choice needed
    account = SocialAccount.objects.get(owner=user)
    assert (account.platform, account.remote_id, account.display_name) == ("instagram", "ig-1", "Shop Daily IG")
    assert account.access_token.startswith("EAAlong-")  # the long-lived user token
    assert account.token_expires_at > timezone.now() + timedelta(days=59)


def test_instagram_without_a_linked_account_explains_and_stores_nothing(signed_in, platforms):
    platforms.pages[0].pop("instagram_business_account")
    page = text(connect(signed_in, "instagram"))
    assert "has an Instagram professional account linked" in page
    assert not SocialAccount.objects.exists()


# --- refusals and broken flows ---------------------------------------------------------------
@pytest.mark.parametrize("platform", ["youtube", "tiktok", "facebook"])
def test_declined_consent_stores_nothing(signed_in, platforms, platform):
    platforms.deny = True
    response = connect(signed_in, platform)
    assert "You declined the" in text(response)
    assert response.redirect_chain[-1][0] == "/accounts/new/"
    assert not SocialAccount.objects.exists()
    assert signed_in.session["oauth_flows"] == {}
    assert platforms.token_requests() == []


def test_state_mismatch_is_refused_before_any_token_exchange(signed_in, platforms):
    callback = consent(start(signed_in, "youtube"))
    forged = callback.replace("state=", "state=forged")
    page = text(come_back(signed_in, forged))
    assert "state mismatch" in page and "nothing was saved" in page
    assert platforms.token_requests() == [] and not SocialAccount.objects.exists()


def test_callback_without_a_flow_in_the_session(signed_in, platforms, client):
    callback = consent(start(signed_in, "tiktok"))
    signed_in.session.flush()  # e.g. the session expired while the user was on TikTok
    client.force_login(UserFactory())
    page = text(come_back(client, callback))
    assert "No TikTok connection was in progress" in page
    assert not SocialAccount.objects.exists()


def test_expired_flow_is_refused(signed_in, platforms):
    location = start(signed_in, "youtube")
    callback = consent(location)
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        page = text(come_back(signed_in, callback))
    assert "expired (more than 10 minutes" in page
    assert not SocialAccount.objects.exists()


def test_a_callback_is_used_once(signed_in, platforms):
    callback = consent(start(signed_in, "tiktok"))
    come_back(signed_in, callback)
    page = text(come_back(signed_in, callback))
    assert "No TikTok connection was in progress" in page or "state mismatch" in page
    assert SocialAccount.objects.count() == 1


@pytest.mark.parametrize(
    ("platform", "granted", "expected"),
    [
        ("youtube", [YT_UPLOAD, YT_READONLY], "Connected YouTube"),
        ("facebook", ["pages_show_list", "pages_read_engagement", "pages_manage_posts"], "Connected Facebook"),
    ],
)
def test_the_comment_permission_is_optional(signed_in, user, platforms, platform, granted, expected):
    platforms.granted_scopes = granted  # the person unticked only what the first comment needs
    assert expected in text(connect(signed_in, platform))
    assert SocialAccount.objects.get(owner=user, platform=platform).token_scopes == granted


def test_missing_scopes_store_nothing(signed_in, platforms):
    platforms.granted_scopes = [YT_READONLY]  # the person unticked "upload videos"
    page = text(connect(signed_in, "youtube"))
    assert f"missing: {YT_UPLOAD}" in page
    assert not SocialAccount.objects.exists()


def test_token_errors_are_readable_and_free_of_secrets(signed_in, platforms):
    secret = CLIENTS["tiktok"][1]
    platforms.token_error = {"error": "invalid_client", "error_description": f"client_secret={secret} is wrong"}
    page = text(connect(signed_in, "tiktok"))
    assert "TikTok refused the authorization" in page
    assert secret not in page
    assert not SocialAccount.objects.exists()


def test_unreachable_platform_is_a_message_not_a_500(signed_in, platforms, settings):
    callback = consent(start(signed_in, "tiktok"))
    settings.TIKTOK_API_BASE_URL = "http://127.0.0.1:9"  # nothing listens on the discard port
    page = text(come_back(signed_in, callback))
    assert "Could not reach TikTok" in page


def test_google_account_without_a_channel(signed_in, platforms):
    platforms.channel = None
    assert "has no YouTube channel" in text(connect(signed_in, "youtube"))
    assert not SocialAccount.objects.exists()


# --- reconnecting ---------------------------------------------------------------------------
def connected_youtube(user, **extra):
    fields = {
        "remote_id": "UC-channel-1",
        "access_token": "ya29-old",
        "refresh_token": "1//rt-old-keep-me",
        "connection": ConnectionMethod.OAUTH,
    }
    return services.social_account_create(owner=user, platform="youtube", username="dailyshorts", **fields | extra)


def test_reconnect_keeps_the_refresh_token_when_none_comes_back(signed_in, user, platforms):
    account = connected_youtube(user)
    location = start(signed_in, "youtube", f"?account={account.pk}")
    assert "prompt" not in query_of(location)  # it holds a working refresh token: no forced consent
    page = text(come_back(signed_in, consent(location)))
    assert "Reconnected YouTube @dailyshorts" in page
    account.refresh_from_db()
    assert account.access_token.startswith("ya29-") and account.access_token != "ya29-old"
    assert account.refresh_token == "1//rt-old-keep-me"
    assert SocialAccount.objects.count() == 1


def test_reconnecting_an_expired_account_asks_for_consent_and_reactivates_it(signed_in, user, platforms):
    account = connected_youtube(user)
    services.social_account_mark_expired(account=account, reason="Token has been expired or revoked.")
    page = text(signed_in.get("/accounts/"))
    assert "Expired: reconnect" in page and f"/accounts/connect/youtube/?account={account.pk}" in page
    location = start(signed_in, "youtube", f"?account={account.pk}")
    assert query_of(location)["prompt"] == "consent"  # the stored refresh token is dead
    come_back(signed_in, consent(location))
    account.refresh_from_db()
    assert account.status == AccountStatus.ACTIVE and account.status_reason == ""
    assert account.refresh_token.startswith("1//rt-") and account.refresh_token != "1//rt-old-keep-me"


def test_connecting_again_without_reconnect_updates_the_same_account(signed_in, user, platforms):
    connect(signed_in, "tiktok")
    first = SocialAccount.objects.get()
    platforms.tiktok_user["display_name"] = "shop.daily.renamed"
    connect(signed_in, "tiktok")
    account = SocialAccount.objects.get()
    assert account.pk == first.pk and account.username == "shop.daily.renamed"
    assert account.access_token != first.access_token


def test_connect_upgrades_a_manual_account_with_the_same_handle(signed_in, user, platforms, account_factory):
    manual = account_factory(owner=user, platform="tiktok", username="Shop.Daily", notes="keep these notes")
    connect(signed_in, "tiktok")
    manual.refresh_from_db()
    assert manual.connection == ConnectionMethod.OAUTH and manual.remote_id == "tt-open-1"
    assert manual.notes == "keep these notes" and SocialAccount.objects.count() == 1


def test_reconnect_with_a_different_account_is_refused(signed_in, user, platforms):
    account = connected_youtube(user)
    platforms.channel["id"] = "UC-someone-else"
    page = text(connect(signed_in, "youtube", f"?account={account.pk}"))
    assert "is a different YouTube account" in page
    account.refresh_from_db()
    assert account.access_token == "ya29-old"


def test_reconnect_picks_the_right_facebook_page(signed_in, user, platforms):
    platforms.pages.append({"id": "page-2", "name": "Other", "access_token": "page-token-2"})
    account = services.social_account_create(
        owner=user, platform="facebook", username="shopdaily", remote_id="page-1", access_token="old"
    )
    connect(signed_in, "facebook", f"?account={account.pk}")  # no choice page: the account says which
    account.refresh_from_db()
    assert account.access_token == "page-token-1"
    assert SocialAccount.objects.count() == 1


# --- isolation ------------------------------------------------------------------------------
def test_cannot_start_a_reconnect_for_someone_elses_account(signed_in, other_user, platforms):
    theirs = connected_youtube(other_user)
    response = signed_in.get(f"/accounts/connect/youtube/?account={theirs.pk}")
    assert response.status_code == 404


def test_a_callback_cannot_attach_tokens_to_another_users_account(signed_in, user, other_user, platforms, client):
    theirs = connected_youtube(other_user)
    # Someone else's browser finishing my flow: their session has no such state.
    callback = consent(start(signed_in, "youtube"))
    intruder = Client()
    intruder.force_login(other_user)
    page = text(come_back(intruder, callback))
    assert "No YouTube connection was in progress" in page
    theirs.refresh_from_db()
    assert theirs.access_token == "ya29-old"
    # Connecting the same channel myself makes my own account, leaving theirs alone.
    connect(signed_in, "youtube")
    mine = SocialAccount.objects.get(owner=user)
    assert mine.pk != theirs.pk and mine.remote_id == theirs.remote_id
    theirs.refresh_from_db()
    assert theirs.access_token == "ya29-old"


# --- encryption, expiry, configuration -------------------------------------------------------
def test_oauth_tokens_are_encrypted_in_the_raw_column(signed_in, user, platforms):
    connect(signed_in, "youtube")
    account = SocialAccount.objects.get(owner=user)
    with connection.cursor() as cursor:
        cursor.execute("SELECT access_token, refresh_token FROM accounts_socialaccount WHERE id = %s", [account.pk])
        raw = cursor.fetchone()
    for secret, stored in zip((account.access_token, account.refresh_token), raw, strict=True):
        stored_bytes = bytes(stored) if not isinstance(stored, str) else stored.encode()
        assert stored_bytes and secret.encode() not in stored_bytes


def test_pending_page_tokens_are_not_readable_from_the_session(signed_in, platforms):
    platforms.pages.append({"id": "page-2", "name": "Second", "access_token": "page-token-2"})
    connect(signed_in, "facebook")
    stored = str(dict(signed_in.session.items()))
    assert "page-token" not in stored and "EAA" not in stored


def test_mark_expired_signals_once_and_keeps_secrets_out(user, django_capture_on_commit_callbacks):
    account = connected_youtube(user)
    received = []

    def receiver(sender, account, reason, **kwargs):
        received.append((account.pk, reason))

    account_needs_attention.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.social_account_mark_expired(account=account, reason="refresh with 1//rt-old-keep-me failed")
        with django_capture_on_commit_callbacks(execute=True):
            services.social_account_mark_expired(account=account, reason="again")
    finally:
        account_needs_attention.disconnect(receiver)
    assert received == [(account.pk, "refresh with [redacted] failed")]
    assert account.status == AccountStatus.EXPIRED and account.connection_state == "expired"


def test_not_configured_platforms_say_so_instead_of_a_button(signed_in, unconfigured):
    page = text(signed_in.get("/accounts/new/"))
    assert "not configured" in page and "YOUTUBE_CLIENT_ID and YOUTUBE_CLIENT_SECRET" in page
    assert "FACEBOOK_APP_ID and FACEBOOK_APP_SECRET" in page
    assert "/accounts/connect/" not in page
    response = signed_in.get("/accounts/connect/youtube/")
    assert response.status_code == 404
    assert "YouTube is not configured" in text(response) and "YOUTUBE_CLIENT_ID" in text(response)


def test_configured_platforms_show_connect_buttons(signed_in, platforms):
    page = text(signed_in.get("/accounts/new/"))
    for platform, label in [("youtube", "YouTube"), ("tiktok", "TikTok"), ("instagram", "Instagram")]:
        assert f'href="/accounts/connect/{platform}/"' in page and f"Connect with {label}" in page


def test_unknown_platform_is_404(signed_in, platforms):
    assert signed_in.get("/accounts/connect/myspace/").status_code == 404
    assert signed_in.get("/accounts/connect/myspace/callback/?code=x&state=y").status_code == 404


def test_connect_needs_a_login(client, platforms):
    response = client.get("/accounts/connect/youtube/")
    assert response.status_code == 302 and response.url.startswith("/sign-in/")


def test_edit_page_shows_connection_and_reconnect(signed_in, user, platforms):
    account = connected_youtube(user, connected_at=timezone.now(), token_scopes=[YT_UPLOAD])
    page = text(signed_in.get(f"/accounts/{account.pk}/edit/"))
    assert "Connected via OAuth" in page and "UC-channel-1" in page
    assert f"/accounts/connect/youtube/?account={account.pk}" in page and "Reconnect" in page
    assert "ya29-old" not in page and "rt-old" not in page


def test_list_page_shows_each_accounts_connection_state(signed_in, user, platforms, account_factory):
    connected_youtube(user)
    account_factory(owner=user, platform="tiktok", username="manual", access_token="x")
    page = text(signed_in.get("/accounts/"))
    assert "Connected via OAuth" in page and "Manual credentials" in page


# --- API and admin ----------------------------------------------------------------------------
def test_api_lists_connections_per_platform(api, platforms, settings):
    settings.FACEBOOK_APP_ID = ""
    response = api.get("/api/v1/accounts/connections/")
    assert response.status_code == 200
    rows = {row["platform"]: row for row in response.json()}
    assert set(rows) == {"youtube", "tiktok", "facebook", "instagram"}
    assert rows["youtube"]["configured"] is True
    assert rows["youtube"]["connect_url"] == "http://testserver/accounts/connect/youtube/"
    assert rows["youtube"]["callback_url"] == "http://testserver/accounts/connect/youtube/callback/"
    assert rows["facebook"] == rows["facebook"] | {"configured": False, "connect_url": None}
    assert rows["instagram"]["missing_settings"] == ["FACEBOOK_APP_ID"]
    assert CLIENTS["youtube"][1] not in response.content.decode()


def test_api_connections_needs_auth(anon_api):
    assert anon_api.get("/api/v1/accounts/connections/").status_code == 401


def test_api_account_shows_connection_state_never_tokens(api, user):
    account = connected_youtube(user)
    body = api.get(f"/api/v1/accounts/{account.pk}/").json()
    assert body["connection"] == "oauth" and body["connection_state"] == "oauth"
    assert body["remote_id"] == "UC-channel-1" and body["has_refresh_token"] is True
    assert "ya29-old" not in str(body)


def test_admin_shows_connection_state_never_tokens(client, user, admin_user):
    account = connected_youtube(user)
    client.force_login(admin_user)
    listing = text(client.get("/admin/accounts/socialaccount/"))
    assert "Connected via OAuth" in listing
    detail = text(client.get(f"/admin/accounts/socialaccount/{account.pk}/change/"))
    assert "Connected via OAuth" in detail and "UC-channel-1" in detail
    assert "ya29-old" not in listing + detail and "rt-old" not in listing + detail


# --- hand-over to the upload adapters ---------------------------------------------------------
def test_stored_connection_feeds_the_adapters_token_refresh(user, settings):
    settings.TIKTOK_CLIENT_KEY, settings.TIKTOK_CLIENT_SECRET = "tt-key", "tt-secret"
    with TikTokEmulator() as emulator:
        access, refresh = emulator.issue_tokens()
        account = services.social_account_create(
            owner=user,
            platform="tiktok",
            username="shop",
            remote_id="tt-open-1",
            access_token=access,
            refresh_token=refresh,
        )
        creds = Credentials(**adapter_credentials(account))
        assert (creds.open_id, creds.client_id, creds.client_secret) == ("tt-open-1", "tt-key", "tt-secret")
        fresh = get_adapter("tiktok", settings=emulator.settings()).refresh(creds)
    services.social_account_update(
        account=account, access_token=fresh.access_token, refresh_token="", token_expires_at=fresh.expires_at
    )
    account.refresh_from_db()
    assert account.access_token == fresh.access_token != access
    assert account.refresh_token == refresh
