import pytest
from playwright.sync_api import expect

from accounts import services
from accounts.models import AccountStatus, SocialAccount
from tests.accounts.oauth_server import serving
from tests.factories import PASSWORD, UserFactory


@pytest.fixture
def platforms(settings, monkeypatch):
    with serving(settings, monkeypatch) as server:
        yield server


def sign_in(page, user):
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_connect_facebook_pages_then_reconnect_an_expired_one(page, platforms, screenshot, transactional_db):
    platforms.pages.append({"id": "page-2", "name": "Second Shop", "access_token": "page-token-2"})
    user = UserFactory()
    sign_in(page, user)

    page.goto("/accounts/new/")
    expect(page.get_by_role("link", name="Connect with YouTube")).to_be_visible()
    screenshot("accounts-connect")
    page.get_by_role("link", name="Connect with Facebook").click()  # -> consent (loopback) -> back here

    expect(page.get_by_role("heading", name="Which Facebook accounts should ReelMill post to?")).to_be_visible()
    page.get_by_label("Second Shop").uncheck()
    screenshot("accounts-connect-choose")
    page.get_by_role("button", name="Add selected").click()
    expect(page.get_by_text("Connected Facebook @shopdaily.")).to_be_visible()
    row = page.locator("tr[data-account='shopdaily']")
    expect(row.locator(".conn")).to_have_text("Connected via OAuth")
    assert "page-token" not in page.content()

    account = SocialAccount.objects.get(owner=user)
    services.social_account_mark_expired(account=account, reason="Error validating access token (code 190)")
    page.reload()
    expect(row.locator(".conn")).to_have_text("Expired: reconnect")
    screenshot("accounts-expired")
    row.get_by_role("link", name="Reconnect").click()
    expect(page.get_by_text("Reconnected Facebook @shopdaily.")).to_be_visible()
    expect(row.locator(".conn")).to_have_text("Connected via OAuth")
    account.refresh_from_db()
    assert account.status == AccountStatus.ACTIVE and SocialAccount.objects.count() == 1
