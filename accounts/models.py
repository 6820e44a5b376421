from __future__ import annotations

import zoneinfo
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django_cryptography.fields import encrypt

from accounts.platforms import (
    MAX_COOLDOWN_MINUTES,
    MAX_DAILY_LIMIT,
    MAX_HOURLY_LIMIT,
    MAX_JITTER_MINUTES,
    Platform,
)
from common.models import TimeStampedModel

TIME_ZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones())]


def validate_time_zone(value: str) -> None:
    # Validated, not stored as choices: the list changes with every tzdata release.
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone (e.g. Europe/Berlin).")


class User(AbstractUser):
    """Creator by default; operator = is_staff; admin = is_superuser."""

    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])

    @property
    def role(self) -> str:
        if self.is_superuser:
            return "admin"
        if self.is_staff:
            return "operator"
        return "creator"


class AccountStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"
    DEACTIVATED = "deactivated", "Deactivated"


class ConnectionMethod(models.TextChoices):
    MANUAL = "manual", "Manual credentials"
    OAUTH = "oauth", "OAuth"


class ConnectionState(models.TextChoices):
    """What the dashboard shows about an account's access; derived, never stored."""

    OAUTH = "oauth", "Connected via OAuth"
    MANUAL = "manual", "Manual credentials"
    LOCAL = "local", "Local: nothing to connect"
    EXPIRED = "expired", "Expired: reconnect"
    PASSWORD = "password", "Not connected: password only"
    NONE = "none", "Not connected"


# Connection states in which an account can post (the others need Connect first).
POSTING_STATES = frozenset({ConnectionState.OAUTH, ConnectionState.MANUAL, ConnectionState.LOCAL})


class SocialAccount(TimeStampedModel):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="social_accounts")
    platform = models.CharField(max_length=16, choices=Platform.choices)
    username = models.CharField(max_length=150)
    display_name = models.CharField(max_length=150, blank=True)
    email = models.EmailField(blank=True)
    verified = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=AccountStatus.choices, default=AccountStatus.ACTIVE)
    status_reason = models.CharField(max_length=500, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])

    followers_count = models.PositiveBigIntegerField(default=0)
    posts_count = models.PositiveBigIntegerField(default=0)
    views_count = models.PositiveBigIntegerField(default=0)
    engagement_count = models.PositiveBigIntegerField(default=0)

    upload_cooldown_minutes = models.PositiveIntegerField(
        validators=[MinValueValidator(0), MaxValueValidator(MAX_COOLDOWN_MINUTES)]
    )
    hourly_upload_limit = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_HOURLY_LIMIT)]
    )
    daily_upload_limit = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_DAILY_LIMIT)]
    )

    # Posting windows in the account's local time (both blank: any time; may wrap midnight),
    # and a random extra delay of up to `jitter_minutes` between posts to look natural.
    posting_window_start = models.TimeField(null=True, blank=True)
    posting_window_end = models.TimeField(null=True, blank=True)
    jitter_minutes = models.PositiveIntegerField(
        default=0, validators=[MinValueValidator(0), MaxValueValidator(MAX_JITTER_MINUTES)]
    )
    # A platform's own cap when it tells us live (Instagram's content_publishing_limit per 24 h).
    publishing_limit = models.PositiveIntegerField(null=True, blank=True)
    publishing_limit_checked_at = models.DateTimeField(null=True, blank=True)

    last_used_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=1000, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    consecutive_errors = models.PositiveIntegerField(default=0)
    notes = models.TextField(blank=True)

    # Credentials: encrypted with ACCOUNT_ENCRYPTION_KEY, write-only everywhere.
    password = encrypt(models.TextField(blank=True, default=""))
    access_token = encrypt(models.TextField(blank=True, default=""))
    refresh_token = encrypt(models.TextField(blank=True, default=""))
    token_expires_at = models.DateTimeField(null=True, blank=True)
    token_scopes = models.JSONField(default=list, blank=True)
    # Who the account is on the platform: YouTube channel id, TikTok open_id, Facebook Page id,
    # Instagram user id. Filled by OAuth; reconnecting finds the account by it.
    remote_id = models.CharField(max_length=128, blank=True)
    connection = models.CharField(max_length=16, choices=ConnectionMethod.choices, default=ConnectionMethod.MANUAL)
    connected_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["platform", "username"]
        constraints = [
            models.UniqueConstraint(
                "owner",
                "platform",
                Lower("username"),
                name="unique_account_per_owner_platform",
                violation_error_message="You already have an account with this username on this platform.",
            ),
            models.UniqueConstraint(
                fields=["owner", "platform", "remote_id"],
                condition=~models.Q(remote_id=""),
                name="unique_remote_account_per_owner",
                violation_error_message="You already have this platform account.",
            ),
            models.CheckConstraint(
                condition=models.Q(hourly_upload_limit__gte=1, daily_upload_limit__gte=1),
                name="upload_limits_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(posting_window_start__isnull=True, posting_window_end__isnull=True)
                | models.Q(posting_window_start__isnull=False, posting_window_end__isnull=False),
                name="posting_window_both_or_neither",
                violation_error_message="Give both ends of the posting window, or neither.",
            ),
        ]
        indexes = [models.Index(fields=["owner", "platform", "status"])]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} @{self.username}"

    def clean(self) -> None:
        super().clean()
        start, end = self.posting_window_start, self.posting_window_end
        if (start is None) != (end is None):
            raise ValidationError({"posting_window_end": "Give both ends of the posting window, or neither."})
        if start is not None and start == end:
            raise ValidationError({"posting_window_end": "The posting window cannot start and end at the same time."})

    @property
    def has_credentials(self) -> bool:
        return bool(self.password or self.access_token or self.refresh_token)

    def connection_problem(self, at: datetime | None = None) -> str:
        """Why no platform would take a post from this account as it is stored ("" when one would).

        Only a token posts: the official APIs (YouTube Data API, TikTok Content Posting, the Graph
        API) sign in with OAuth, never with a password. A password is kept for the owner's records
        only. An access token past its expiry without a refresh token to renew it is dead too. The
        sandbox needs nothing. Paused or deactivated is the account's status, not its connection.
        """
        if self.platform == Platform.SANDBOX:
            return ""
        label = self.get_platform_display()
        if not self.access_token and not self.refresh_token:
            why = "the official API does not accept passwords" if self.password else "it holds no access token"
            return f"connect this {label} account with {label} to post: {why}"
        expires = self.token_expires_at
        if not self.refresh_token and expires is not None and expires <= (at or timezone.now()):
            return (
                f"its {label} access token expired on {expires:%Y-%m-%d %H:%M} UTC and there is no refresh "
                f"token to renew it: connect it with {label} again to post"
            )
        return ""

    @property
    def is_connected(self) -> bool:
        """A platform would take a post from it now (its status aside)."""
        return not self.connection_problem()

    @property
    def connection_state(self) -> str:
        if self.status in (AccountStatus.EXPIRED, AccountStatus.REVOKED):
            return ConnectionState.EXPIRED
        if self.platform == Platform.SANDBOX:
            return ConnectionState.LOCAL
        if not self.access_token and not self.refresh_token:
            return ConnectionState.PASSWORD if self.password else ConnectionState.NONE
        if self.connection_problem():
            return ConnectionState.EXPIRED
        if self.connection == ConnectionMethod.OAUTH:
            return ConnectionState.OAUTH
        return ConnectionState.MANUAL

    def get_connection_state_display(self) -> str:
        return ConnectionState(self.connection_state).label


class AccountPost(models.Model):
    """One post made from an account: what hourly, daily and cooldown limits count."""

    account = models.ForeignKey(SocialAccount, on_delete=models.CASCADE, related_name="posts")
    posted_at = models.DateTimeField()
    reference = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-posted_at"]
        indexes = [models.Index(fields=["account", "posted_at"])]

    def __str__(self) -> str:
        return f"{self.account} at {self.posted_at:%Y-%m-%d %H:%M}"
