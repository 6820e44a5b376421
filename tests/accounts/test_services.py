from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from accounts import selectors, services
from accounts.models import AccountStatus
from common.errors import ApplicationError

NOON = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
TOKEN = "live-access-token"  # what a connected account holds (OAuth, or pasted by hand)


def can(account, at):
    return selectors.social_account_can_upload(account=account, at=at)


def post(account, at):
    services.social_account_record_post(account=account, at=at)


@pytest.fixture
def account(account_factory, user):
    return account_factory(
        owner=user,
        platform="tiktok",
        hourly_upload_limit=3,
        daily_upload_limit=5,
        upload_cooldown_minutes=10,
        access_token=TOKEN,
    )


def test_create_uses_platform_defaults(user):
    yt = services.social_account_create(owner=user, platform="youtube", username="chan")
    assert (yt.hourly_upload_limit, yt.daily_upload_limit, yt.upload_cooldown_minutes) == (3, 10, 20)
    ig = services.social_account_create(owner=user, platform="instagram", username="gram", hourly_upload_limit=2)
    assert (ig.hourly_upload_limit, ig.daily_upload_limit, ig.upload_cooldown_minutes) == (2, 25, 30)


def test_create_rejects_duplicates_case_insensitively(user):
    services.social_account_create(owner=user, platform="tiktok", username="Shop")
    with pytest.raises(ValidationError):
        services.social_account_create(owner=user, platform="tiktok", username="shop")
    # Same name on another platform is a different account.
    services.social_account_create(owner=user, platform="youtube", username="shop")


def test_cooldown_edge(account):
    post(account, NOON)
    just_before = can(account, NOON + timedelta(minutes=9, seconds=59))
    assert not just_before.allowed
    assert "Cooling down" in just_before.reason
    assert just_before.next_allowed_at == NOON + timedelta(minutes=10)
    assert can(account, NOON + timedelta(minutes=10)).allowed


def test_hourly_window_edge(account):
    for minutes in (0, 15, 30):
        post(account, NOON + timedelta(minutes=minutes))
    check = can(account, NOON + timedelta(minutes=59))
    assert not check.allowed
    assert "Hourly limit reached (3/3)" in check.reason
    # The first post leaves the rolling hour at 13:00 exactly.
    assert check.next_allowed_at == NOON + timedelta(hours=1)
    assert can(account, NOON + timedelta(hours=1)).allowed


def test_daily_reset_at_local_midnight(account_factory, user):
    account = account_factory(
        owner=user,
        hourly_upload_limit=5,
        daily_upload_limit=1,
        upload_cooldown_minutes=0,
        time_zone="Europe/Berlin",
        access_token=TOKEN,
    )
    evening = datetime(2026, 11, 20, 21, 30, tzinfo=UTC)  # 22:30 in Berlin
    post(account, evening)
    blocked = can(account, evening + timedelta(minutes=29))
    assert not blocked.allowed and blocked.posts_today == 1
    berlin_midnight = datetime(2026, 11, 20, 23, 0, tzinfo=UTC)
    assert blocked.next_allowed_at == berlin_midnight
    after_reset = can(account, berlin_midnight)
    assert after_reset.allowed and after_reset.posts_today == 0


def test_daily_limit_blocks_until_next_local_midnight(account_factory, user):
    account = account_factory(
        owner=user,
        hourly_upload_limit=10,
        daily_upload_limit=2,
        upload_cooldown_minutes=0,
        time_zone="America/New_York",
        access_token=TOKEN,
    )
    morning = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)  # 09:00 in New York
    post(account, morning)
    post(account, morning + timedelta(hours=1))
    check = can(account, morning + timedelta(hours=2))
    assert not check.allowed
    assert "Daily limit reached (2/2)" in check.reason
    local_midnight = datetime(2026, 11, 21, 5, 0, tzinfo=UTC)  # 00:00 in New York
    assert check.next_allowed_at == local_midnight
    assert not can(account, local_midnight - timedelta(seconds=1)).allowed
    assert can(account, local_midnight).allowed


def test_next_allowed_is_latest_of_all_blocks(account):
    for minutes in (0, 20, 40):
        post(account, NOON + timedelta(minutes=minutes))
    check = can(account, NOON + timedelta(minutes=45))
    # Cooldown ends 12:50, but the hour only frees up at 13:00.
    assert check.next_allowed_at == NOON + timedelta(hours=1)
    assert "Cooling down" in check.reason and "Hourly" in check.reason


def test_inactive_account_cannot_upload(account):
    services.social_account_pause(account=account)
    check = can(account, NOON)
    assert not check.allowed and check.next_allowed_at is None
    assert "paused" in check.reason.lower()


def test_only_a_working_token_or_the_sandbox_can_post(user, account_factory):
    seeded = services.social_account_create(owner=user, platform="tiktok", username="seeded", password="hunter2")
    empty = account_factory(owner=user, platform="instagram")
    expired = account_factory(
        owner=user, platform="youtube", access_token=TOKEN, token_expires_at=NOON - timedelta(minutes=1)
    )
    local = account_factory(owner=user, platform="sandbox")

    assert seeded.status == AccountStatus.ACTIVE and seeded.connection_state == "password"
    check = can(seeded, NOON)
    assert not check.allowed and check.code == "not_connected" and check.next_allowed_at is None
    assert "the official API does not accept passwords" in check.reason
    assert empty.connection_state == "none" and "holds no access token" in can(empty, NOON).reason
    assert not can(expired, NOON).allowed and "access token expired" in can(expired, NOON).reason
    assert can(expired, NOON - timedelta(hours=1)).allowed  # before it expired
    assert local.connection_state == "local" and can(local, NOON).allowed
    stats = selectors.social_account_stats(user=user)
    assert (stats["active"], stats["not_connected"]) == (1, 3)

    services.social_account_update(account=seeded, access_token=TOKEN)  # a token pasted by hand
    assert seeded.connection_state == "manual" and can(seeded, NOON).allowed


def test_auto_deactivation_after_threshold(account, settings):
    settings.ACCOUNT_ERROR_THRESHOLD = 3
    for n in range(2):
        services.social_account_record_error(account=account, message=f"HTTP 500 #{n}")
    assert account.status == AccountStatus.ACTIVE
    services.social_account_record_error(account=account, message="HTTP 500 again")
    assert account.status == AccountStatus.DEACTIVATED
    assert "3 consecutive errors" in account.status_reason
    assert "HTTP 500 again" in account.status_reason


def test_success_resets_error_streak(account, settings):
    settings.ACCOUNT_ERROR_THRESHOLD = 3
    services.social_account_record_error(account=account, message="boom")
    services.social_account_record_error(account=account, message="boom")
    post(account, NOON)
    account.refresh_from_db()
    assert account.consecutive_errors == 0
    services.social_account_record_error(account=account, message="boom")
    assert account.status == AccountStatus.ACTIVE


def test_error_messages_never_keep_the_accounts_secrets(account):
    services.social_account_update(account=account, access_token="tok-SECRET-123456")
    services.social_account_record_error(account=account, message="401 for token tok-SECRET-123456")
    assert "tok-SECRET" not in account.last_error
    assert "[redacted]" in account.last_error


def test_status_transitions(account):
    services.social_account_deactivate(account=account, reason="spam warning")
    assert account.status_reason == "spam warning"
    with pytest.raises(ApplicationError):
        services.social_account_pause(account=account)
    services.social_account_reactivate(account=account)
    assert account.status == AccountStatus.ACTIVE
    account.status = AccountStatus.EXPIRED
    account.save()
    with pytest.raises(ApplicationError, match="replace its credentials"):
        services.social_account_reactivate(account=account)
    services.social_account_update(account=account, access_token="fresh-token")
    assert account.status == AccountStatus.ACTIVE


def test_update_keeps_credentials_when_blank(account):
    services.social_account_update(account=account, password="first-secret")
    services.social_account_update(account=account, password="", display_name="New name")
    account.refresh_from_db()
    assert account.password == "first-secret"
    assert account.display_name == "New name"


def test_best_prefers_fewest_recent_posts_then_least_recently_used(account_factory, user):
    limits = {"hourly_upload_limit": 10, "daily_upload_limit": 20, "upload_cooldown_minutes": 0, "access_token": TOKEN}
    busy = account_factory(owner=user, username="busy", **limits)
    quiet_old = account_factory(owner=user, username="quiet_old", **limits)
    quiet_new = account_factory(owner=user, username="quiet_new", **limits)
    account_factory(owner=user, username="paused", status=AccountStatus.PAUSED, **limits)
    account_factory(owner=user, platform="youtube", username="other_platform")
    account_factory(username="someone_elses", **limits)
    with time_machine.travel(NOON, tick=False):
        post(busy, NOON - timedelta(hours=2))
        post(busy, NOON - timedelta(hours=1))
        post(quiet_old, NOON - timedelta(hours=5))
        post(quiet_new, NOON - timedelta(hours=3))
        rotation = selectors.social_account_rotation(user=user, platform="tiktok", at=NOON)
        best = selectors.social_account_best(user=user, platform="tiktok", at=NOON)
    assert [a.username for a, _ in rotation] == ["quiet_old", "quiet_new", "busy"]
    assert best.username == "quiet_old"


def test_rotation_puts_blocked_accounts_last_by_next_slot(account_factory, user):
    soon = account_factory(owner=user, username="soon", upload_cooldown_minutes=10, access_token=TOKEN)
    later = account_factory(owner=user, username="later", upload_cooldown_minutes=30, access_token=TOKEN)
    free = account_factory(owner=user, username="free", access_token=TOKEN)
    account_factory(owner=user, username="seeded", password="hunter2")  # not connected: never in the rotation
    post(soon, NOON - timedelta(minutes=5))
    post(later, NOON - timedelta(minutes=5))
    rotation = selectors.social_account_rotation(user=user, platform="tiktok", at=NOON)
    assert [a.username for a, _ in rotation] == ["free", "soon", "later"]
    assert [c.allowed for _, c in rotation] == [True, False, False]
    assert selectors.social_account_best(user=user, platform="tiktok", at=NOON) == free


def test_best_is_none_when_every_account_is_blocked(account_factory, user):
    only = account_factory(owner=user, upload_cooldown_minutes=60, access_token=TOKEN)
    post(only, NOON)
    assert selectors.social_account_best(user=user, platform="tiktok", at=NOON + timedelta(minutes=1)) is None
