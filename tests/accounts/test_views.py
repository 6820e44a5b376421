import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccountStatus, SocialAccount
from accounts.selectors import social_account_can_upload
from tests.accounts.test_oauth import come_back, consent, start
from tests.factories import PASSWORD


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("url", ["/", "/accounts/", "/accounts/new/", "/password/"])
def test_pages_need_a_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign-in"))


def test_sign_up_signs_in_and_lands_on_overview(client, db):
    response = client.post(
        "/sign-up/", {"username": "newbie", "email": "", "password1": PASSWORD, "password2": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/"
    assert b"Welcome to ReelMill, newbie" in response.content


def test_sign_up_bad_input_shows_errors(client, db):
    response = client.post("/sign-up/", {"username": "x", "password1": "a", "password2": "b"})
    assert response.status_code == 200
    assert b"didn" in response.content or b"match" in response.content


def test_sign_in_throttled_after_repeated_failures(client, user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/sign-in/", {"username": user.username, "password": "wrong"})
    response = client.post("/sign-in/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 429
    assert b"Try again later" in response.content
    assert "_auth_user_id" not in client.session


def test_csrf_is_enforced_on_forms(user):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    response = strict.post("/accounts/new/", {"platform": "tiktok", "username": "x"})
    assert response.status_code == 403
    assert not SocialAccount.objects.exists()


def test_accounts_page_lists_only_own_accounts_with_next_slot(signed_in, user, account_factory):
    account_factory(owner=user, username="mine", hourly_upload_limit=4, access_token="live-token")
    account_factory(username="someone_else")
    page = signed_in.get("/accounts/").content.decode()
    assert "@mine" in page and "someone_else" not in page
    assert "4/hour" in page
    assert "Now" in page


def test_add_account_form_with_defaults(signed_in, user):
    response = signed_in.post(
        "/accounts/new/",
        {"platform": "youtube", "username": "chan", "time_zone": "UTC", "access_token": "form-secret-token"},
    )
    assert response.status_code == 302
    account = SocialAccount.objects.get(owner=user)
    assert account.hourly_upload_limit == 3 and account.access_token == "form-secret-token"
    page = signed_in.get(f"/accounts/{account.pk}/edit/").content.decode()
    assert "form-secret-token" not in page


def test_add_account_duplicate_shows_error_and_writes_nothing(signed_in, user, account_factory):
    account_factory(owner=user, platform="tiktok", username="dupe")
    response = signed_in.post("/accounts/new/", {"platform": "tiktok", "username": "DUPE", "time_zone": "UTC"})
    assert response.status_code == 200
    assert "already have an account" in response.content.decode()
    assert SocialAccount.objects.filter(owner=user).count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {"platform": "myspace", "username": "x", "time_zone": "UTC"},
        {"platform": "tiktok", "username": "", "time_zone": "UTC"},
        {"platform": "tiktok", "username": "x", "time_zone": "UTC", "hourly_upload_limit": "-3"},
        {"platform": "tiktok", "username": "x", "time_zone": "Nowhere/Land"},
    ],
)
def test_add_account_bad_input(signed_in, data):
    response = signed_in.post("/accounts/new/", data)
    assert response.status_code == 200
    assert b'class="error"' in response.content
    assert not SocialAccount.objects.exists()


def test_actions_and_isolation(signed_in, user, account_factory, other_user):
    mine = account_factory(owner=user)
    theirs = account_factory(owner=other_user)
    signed_in.post(f"/accounts/{mine.pk}/deactivate/")
    mine.refresh_from_db()
    assert mine.status == AccountStatus.DEACTIVATED
    assert signed_in.post(f"/accounts/{theirs.pk}/deactivate/").status_code == 404
    assert signed_in.get(f"/accounts/{theirs.pk}/edit/").status_code == 404
    assert signed_in.post(f"/accounts/{mine.pk}/explode/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == AccountStatus.ACTIVE


def test_invalid_transition_is_explained(signed_in, user, account_factory):
    account = account_factory(owner=user, status=AccountStatus.DEACTIVATED)
    page = signed_in.post(f"/accounts/{account.pk}/pause/", follow=True).content.decode()
    assert "Only an active account can be paused" in page


def test_overview_shows_accounts_needing_attention(signed_in, user, account_factory):
    account_factory(owner=user, username="broken", status=AccountStatus.EXPIRED)
    page = signed_in.get("/").content.decode()
    assert "@broken" in page and "Expired" in page


def test_edit_form_sets_the_platform_id_and_refuses_a_duplicate(signed_in, user, account_factory):
    account_factory(owner=user, platform="facebook", username="first", remote_id="page-1")
    second = account_factory(owner=user, platform="facebook", username="second")
    form = {"username": "second", "time_zone": "UTC", "remote_id": "page-1"}
    response = signed_in.post(f"/accounts/{second.pk}/edit/", form)
    assert response.status_code == 200
    assert "You already have this platform account" in response.content.decode()
    second.refresh_from_db()
    assert second.remote_id == ""
    response = signed_in.post(f"/accounts/{second.pk}/edit/", form | {"remote_id": "page-2"})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.remote_id == "page-2"


def test_a_password_only_account_shows_why_it_cannot_post_and_a_connect_button(
    signed_in, user, account_factory, platforms
):
    seeded = account_factory(owner=user, platform="tiktok", username="seeded", password="hunter2")
    account_factory(owner=user, platform="sandbox", username="local")

    page = signed_in.get("/accounts/").content.decode()

    row = page[page.index('data-account="seeded"') :]
    row = row[: row.index("</tr>")]
    assert "Not connected: password only" in row
    assert "Connect this TikTok account with TikTok to post: the official API does not accept passwords" in row
    assert f'href="/accounts/connect/tiktok/?account={seeded.pk}">Connect with TikTok</a>' in row
    local = page[page.index('data-account="local"') :]
    assert "Connect with" not in local[: local.index("</tr>")]  # the sandbox needs no connection
    assert 'id="not-connected-count"><strong>1</strong>' in page

    # Connect: consent on TikTok, back to the dashboard, and the same account can post.
    done = come_back(signed_in, consent(start(signed_in, "tiktok", f"?account={seeded.pk}")))
    assert "Reconnected TikTok" in done.content.decode()
    seeded.refresh_from_db()
    assert seeded.connection_state == "oauth" and SocialAccount.objects.filter(owner=user).count() == 2
    assert social_account_can_upload(account=seeded, at=timezone.now()).allowed


def test_adding_an_account_with_a_password_warns_it_cannot_post_yet(signed_in, user, unconfigured):
    response = signed_in.post(
        "/accounts/new/",
        {"platform": "tiktok", "username": "seeded", "time_zone": "UTC", "password": "hunter2"},
        follow=True,
    )
    page = response.content.decode()
    assert "Added TikTok @seeded." in page
    assert "cannot post yet: connect this TikTok account with TikTok to post" in page
    assert "Connect: TikTok not configured" in page  # no OAuth app: it says what is missing instead
    assert SocialAccount.objects.get(owner=user).password == "hunter2"
