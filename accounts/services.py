"""Writes for users and social accounts. Every door (API, dashboard, admin) calls these."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import AccountPost, AccountStatus, ConnectionMethod, SocialAccount, User
from accounts.oauth.base import OAuthAccount
from accounts.platforms import Platform, defaults_for
from accounts.signals import account_needs_attention
from common.errors import ApplicationError

CREDENTIAL_FIELDS = ("password", "access_token", "refresh_token")
EDITABLE_FIELDS = (
    "username",
    "display_name",
    "email",
    "verified",
    "time_zone",
    "followers_count",
    "views_count",
    "engagement_count",
    "upload_cooldown_minutes",
    "hourly_upload_limit",
    "daily_upload_limit",
    "notes",
    "token_expires_at",
    "token_scopes",
    "remote_id",
    "posting_window_start",
    "posting_window_end",
    "jitter_minutes",
)
# Set by the OAuth flow (social_account_connect), not offered to people in forms or the API.
CONNECTION_FIELDS = ("connection", "connected_at")
WRITABLE_FIELDS = EDITABLE_FIELDS + CREDENTIAL_FIELDS + CONNECTION_FIELDS


def user_create(*, username: str, password: str, email: str = "", **extra) -> User:
    user = User(username=username, email=email, **extra)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def social_account_create(*, owner: User, platform: str, username: str, **fields) -> SocialAccount:
    defaults = defaults_for(platform) if platform in Platform.values else None
    account = SocialAccount(owner=owner, platform=platform, username=username)
    if defaults:
        account.hourly_upload_limit = defaults.hourly_upload_limit
        account.daily_upload_limit = defaults.daily_upload_limit
        account.upload_cooldown_minutes = defaults.upload_cooldown_minutes
    for name, value in fields.items():
        if name not in WRITABLE_FIELDS:
            raise TypeError(f"Unknown field {name!r}")
        if value is not None:
            setattr(account, name, value)
    account.full_clean()
    account.save()
    return account


@transaction.atomic
def social_account_update(*, account: SocialAccount, **fields) -> SocialAccount:
    """Change profile, limits or notes; credentials given here replace the stored ones.

    Replacing credentials on an expired or revoked account makes it active again.
    """
    changed: list[str] = []
    for name, value in fields.items():
        if name not in WRITABLE_FIELDS:
            raise TypeError(f"Unknown field {name!r}")
        if name in CREDENTIAL_FIELDS and not value:
            continue  # write-only: an empty value means "keep what is stored"
        if getattr(account, name) != value:
            setattr(account, name, value)
            changed.append(name)
    if set(changed) & set(CREDENTIAL_FIELDS) and account.status in (
        AccountStatus.EXPIRED,
        AccountStatus.REVOKED,
    ):
        account.status = AccountStatus.ACTIVE
        account.status_reason = ""
        changed += ["status", "status_reason"]
    if not changed:
        return account
    account.full_clean()
    account.save(update_fields=[*changed, "updated_at"])
    return account


def _set_status(account: SocialAccount, status: str, reason: str = "") -> SocialAccount:
    account.status = status
    account.status_reason = reason[:500]
    fields = ["status", "status_reason", "updated_at"]
    if status == AccountStatus.ACTIVE:
        account.consecutive_errors = 0
        fields.append("consecutive_errors")
    account.save(update_fields=fields)
    return account


@transaction.atomic
def social_account_pause(*, account: SocialAccount) -> SocialAccount:
    if account.status != AccountStatus.ACTIVE:
        raise ApplicationError(f"Only an active account can be paused (this one is {account.status}).")
    return _set_status(account, AccountStatus.PAUSED, "Paused by its owner")


@transaction.atomic
def social_account_resume(*, account: SocialAccount) -> SocialAccount:
    if account.status != AccountStatus.PAUSED:
        raise ApplicationError(f"Only a paused account can be resumed (this one is {account.status}).")
    return _set_status(account, AccountStatus.ACTIVE)


@transaction.atomic
def social_account_deactivate(*, account: SocialAccount, reason: str = "") -> SocialAccount:
    if account.status == AccountStatus.DEACTIVATED:
        raise ApplicationError("This account is already deactivated.")
    return _set_status(account, AccountStatus.DEACTIVATED, reason or "Deactivated by its owner")


@transaction.atomic
def social_account_reactivate(*, account: SocialAccount) -> SocialAccount:
    if account.status in (AccountStatus.EXPIRED, AccountStatus.REVOKED):
        raise ApplicationError(
            f"This account's access is {account.status}: replace its credentials (reconnect) to reactivate it."
        )
    if account.status == AccountStatus.ACTIVE:
        raise ApplicationError("This account is already active.")
    return _set_status(account, AccountStatus.ACTIVE)


@transaction.atomic
def social_account_delete(*, account: SocialAccount) -> None:
    account.delete()


@transaction.atomic
def social_account_record_post(
    *, account: SocialAccount, at: datetime | None = None, reference: str = ""
) -> AccountPost:
    """Record a post made from the account; a success clears its error streak."""
    at = at or timezone.now()
    locked = SocialAccount.objects.select_for_update().get(pk=account.pk)
    post = AccountPost(account=locked, posted_at=at, reference=reference)
    post.full_clean()
    post.save()
    _count_success(locked, at)
    account.refresh_from_db()
    return post


def _count_success(locked: SocialAccount, at: datetime) -> None:
    locked.posts_count += 1
    locked.last_used_at = max(filter(None, [locked.last_used_at, at]))
    locked.consecutive_errors = 0
    locked.save(update_fields=["posts_count", "last_used_at", "consecutive_errors", "updated_at"])


@transaction.atomic
def social_account_record_success(*, account: SocialAccount, at: datetime | None = None) -> SocialAccount:
    """A post whose AccountPost was reserved beforehand went out: count it, clear the error streak."""
    locked = SocialAccount.objects.select_for_update().get(pk=account.pk)
    _count_success(locked, at or timezone.now())
    account.refresh_from_db()
    return account


@transaction.atomic
def social_account_set_publishing_limit(*, account: SocialAccount, limit: int, at: datetime | None = None) -> None:
    """Store the platform's own posting cap as it reported it live (Instagram)."""
    SocialAccount.objects.filter(pk=account.pk).update(
        publishing_limit=limit, publishing_limit_checked_at=at or timezone.now()
    )
    account.publishing_limit, account.publishing_limit_checked_at = limit, at or timezone.now()


def redact(message: str, account: SocialAccount) -> str:
    """Remove the account's own secrets from a message before it is stored or shown."""
    for name in CREDENTIAL_FIELDS:
        secret = getattr(account, name)
        if secret and len(secret) >= 4:
            message = message.replace(secret, "[redacted]")
    return message


@transaction.atomic
def social_account_record_error(*, account: SocialAccount, message: str, at: datetime | None = None) -> SocialAccount:
    """Count a failure; after ACCOUNT_ERROR_THRESHOLD in a row the account is deactivated."""
    at = at or timezone.now()
    locked = SocialAccount.objects.select_for_update().get(pk=account.pk)
    locked.consecutive_errors += 1
    locked.last_error = redact(message, locked)[:1000]
    locked.last_error_at = at
    fields = ["consecutive_errors", "last_error", "last_error_at", "updated_at"]
    threshold = settings.ACCOUNT_ERROR_THRESHOLD
    if locked.consecutive_errors >= threshold and locked.status == AccountStatus.ACTIVE:
        locked.status = AccountStatus.DEACTIVATED
        locked.status_reason = (
            f"Deactivated after {locked.consecutive_errors} consecutive errors; last: {locked.last_error}"
        )[:500]
        fields += ["status", "status_reason"]
        _needs_attention_on_commit(locked, locked.status_reason)
    locked.save(update_fields=fields)
    account.refresh_from_db()
    return account


@transaction.atomic
def social_account_mark_expired(*, account: SocialAccount, reason: str) -> SocialAccount:
    """The account's access is gone (revoked, unrefreshable): stop posting until it is reconnected.

    Sends `account_needs_attention` once, when the account turns expired, after the commit.
    """
    locked = SocialAccount.objects.select_for_update().get(pk=account.pk)
    if locked.status != AccountStatus.EXPIRED:
        reason = redact(reason, locked)[:500] or "The platform no longer accepts this account's token."
        _set_status(locked, AccountStatus.EXPIRED, reason)
        transaction.on_commit(lambda: account_needs_attention.send(sender=SocialAccount, account=locked, reason=reason))
    account.refresh_from_db()
    return account


def _free_username(*, owner: User, platform: str, wanted: str, remote_id: str, exclude_pk: int | None) -> str:
    """`wanted`, or `wanted-<end of the remote id>` when another of the owner's accounts has that name."""
    taken = SocialAccount.objects.filter(owner=owner, platform=platform, username__iexact=wanted)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    return f"{wanted}-{remote_id[-6:]}" if taken.exists() else wanted


def _account_to_connect(*, owner: User, platform: str, remote_id: str, username: str) -> SocialAccount | None:
    mine = SocialAccount.objects.select_for_update().filter(owner=owner, platform=platform)
    return (
        mine.filter(remote_id=remote_id).first()
        # A manually added account with the same handle: upgrade it instead of adding a twin.
        or mine.filter(remote_id="", username__iexact=username).first()
    )


@transaction.atomic
def social_account_connect(
    *, owner: User, platform: str, connected: OAuthAccount, account: SocialAccount | None = None
) -> tuple[SocialAccount, bool]:
    """Store what an OAuth flow returned; returns (account, created).

    `account` is the one being reconnected (it must be the same platform account); without it
    the owner's account with this remote id, or a manual one with this username, is updated, or
    a new one is added. A refresh token the platform did not send again is kept.
    """
    if account is not None:
        if account.owner_id != owner.pk or account.platform != platform:
            raise ApplicationError("That account is not yours to reconnect.", code="not_found")
        account = SocialAccount.objects.select_for_update().get(pk=account.pk)
        if account.remote_id and account.remote_id != connected.remote_id:
            raise ApplicationError(
                f"You signed in as {connected.username}, but @{account.username} is a different "
                f"{account.get_platform_display()} account. Sign in as @{account.username} to reconnect it, "
                f"or use Add account to connect {connected.username}.",
                code="account_mismatch",
            )
    else:
        account = _account_to_connect(
            owner=owner, platform=platform, remote_id=connected.remote_id, username=connected.username
        )
    username = _free_username(
        owner=owner,
        platform=platform,
        wanted=connected.username,
        remote_id=connected.remote_id,
        exclude_pk=account.pk if account else None,
    )
    tokens = connected.tokens
    fields = {
        "username": username,
        "remote_id": connected.remote_id,
        "access_token": tokens.access_token,
        "refresh_token": tokens.refresh_token,  # empty: keep the stored one
        "token_expires_at": tokens.expires_at,
        "token_scopes": list(tokens.scopes),
        "connection": ConnectionMethod.OAUTH,
        "connected_at": timezone.now(),
    }
    if connected.display_name:
        fields["display_name"] = connected.display_name[:150]
    if connected.followers_count is not None:
        fields["followers_count"] = connected.followers_count
    if account is None:
        return social_account_create(owner=owner, platform=platform, **fields), True
    account = social_account_update(account=account, **fields)
    if account.status != AccountStatus.PAUSED:
        # Fresh credentials: an expired, revoked or error-deactivated account may post again.
        _set_status(account, AccountStatus.ACTIVE)
    return account, False


def _needs_attention_on_commit(account: SocialAccount, reason: str) -> None:
    transaction.on_commit(lambda: account_needs_attention.send(sender=SocialAccount, account=account, reason=reason))
