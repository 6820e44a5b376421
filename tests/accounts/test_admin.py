import pytest

from accounts.models import AccountStatus
from tests.factories import UserFactory


@pytest.fixture
def operator_client(client, db):
    operator = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(operator)
    return client


def test_admin_never_displays_credentials(operator_client, account_factory):
    account = account_factory(access_token="ADMIN-SECRET-TOKEN", password="ADMIN-SECRET-PASS")
    for url in ("/admin/accounts/socialaccount/", f"/admin/accounts/socialaccount/{account.pk}/change/"):
        page = operator_client.get(url).content.decode()
        assert "ADMIN-SECRET" not in page
    change = operator_client.get(f"/admin/accounts/socialaccount/{account.pk}/change/").content.decode()
    assert "replace_access_token" in change
    assert "password, access token" in change


def test_admin_replaces_credentials_and_runs_actions(operator_client, account_factory):
    account = account_factory(platform="instagram", username="gram", access_token="old")
    page = operator_client.get(f"/admin/accounts/socialaccount/{account.pk}/change/")
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        {
            "owner": account.owner_id,
            "token_scopes": "[]",
            "replace_access_token": "brand-new-token",
            "posts-TOTAL_FORMS": 0,
            "posts-INITIAL_FORMS": 0,
        }
    )
    response = operator_client.post(f"/admin/accounts/socialaccount/{account.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    account.refresh_from_db()
    assert account.access_token == "brand-new-token"

    operator_client.post("/admin/accounts/socialaccount/", {"action": "deactivate", "_selected_action": [account.pk]})
    account.refresh_from_db()
    assert account.status == AccountStatus.DEACTIVATED
    operator_client.post("/admin/accounts/socialaccount/", {"action": "reactivate", "_selected_action": [account.pk]})
    account.refresh_from_db()
    assert account.status == AccountStatus.ACTIVE


def test_admin_search_and_filters(operator_client, account_factory):
    account_factory(username="findme", platform="facebook")
    account_factory(username="other", platform="tiktok")
    page = operator_client.get("/admin/accounts/socialaccount/", {"q": "findme"}).content.decode()
    assert "findme" in page and "@other" not in page
    page = operator_client.get("/admin/accounts/socialaccount/", {"platform__exact": "tiktok"}).content.decode()
    assert "@other" in page and "findme" not in page
