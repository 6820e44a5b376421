from playwright.sync_api import expect

from accounts.models import AccountStatus, SocialAccount
from tests.factories import PASSWORD


def test_sign_up_add_tiktok_account_and_deactivate_it(page, screenshot):
    page.goto("/")
    assert "/sign-in/" in page.url

    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Username").fill("maria")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_text("Welcome to ReelMill, maria")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Accounts").click()
    page.get_by_role("link", name="Add account").first.click()
    page.get_by_label("Platform").select_option("tiktok")
    page.get_by_label("Username").fill("maria.shop")
    page.get_by_label("Display name").fill("Maria's Shop")
    page.get_by_label("Access token").fill("browser-secret-token")
    page.get_by_role("button", name="Add account").click()

    row = page.locator("tr[data-account='maria.shop']")
    expect(row).to_be_visible()
    expect(row).to_contain_text("5/hour · 15/day · 15 min cooldown")
    expect(row.locator(".next-upload")).to_contain_text("Now")
    expect(row.locator(".badge.status-active")).to_have_text("Active")
    assert "browser-secret-token" not in page.content()
    screenshot("accounts")

    row.get_by_role("button", name="Deactivate").click()
    expect(page.get_by_text("Deactivated TikTok @maria.shop")).to_be_visible()
    expect(row.locator(".badge")).to_have_text("Deactivated")
    expect(row.get_by_role("button", name="Reactivate")).to_be_visible()
    screenshot("accounts-deactivated")

    account = SocialAccount.objects.get(username="maria.shop")
    assert account.status == AccountStatus.DEACTIVATED
    assert account.owner.username == "maria"
