from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from rest_framework import serializers

from accounts.models import TIME_ZONE_CHOICES, ConnectionState, SocialAccount, User
from accounts.platforms import (
    MAX_COOLDOWN_MINUTES,
    MAX_DAILY_LIMIT,
    MAX_HOURLY_LIMIT,
    MAX_JITTER_MINUTES,
    Platform,
)


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, write_only=True, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class MeSerializer(serializers.ModelSerializer):
    role = serializers.CharField()

    class Meta:
        model = User
        fields = ["id", "username", "email", "first_name", "last_name", "role", "time_zone", "date_joined"]


class SocialAccountSerializer(serializers.ModelSerializer):
    """What the API shows of an account: everything except the credentials themselves."""

    has_password = serializers.SerializerMethodField()
    has_access_token = serializers.SerializerMethodField()
    has_refresh_token = serializers.SerializerMethodField()
    connection_state = serializers.ChoiceField(choices=ConnectionState.choices, read_only=True)
    connection_problem = serializers.SerializerMethodField(
        help_text="Why no platform would take a post from it as stored; empty when it can post"
    )

    class Meta:
        model = SocialAccount
        fields = [
            "id",
            "platform",
            "username",
            "display_name",
            "email",
            "verified",
            "status",
            "status_reason",
            "time_zone",
            "followers_count",
            "posts_count",
            "views_count",
            "engagement_count",
            "upload_cooldown_minutes",
            "hourly_upload_limit",
            "daily_upload_limit",
            "posting_window_start",
            "posting_window_end",
            "jitter_minutes",
            "publishing_limit",
            "last_used_at",
            "last_error",
            "last_error_at",
            "consecutive_errors",
            "notes",
            "has_password",
            "has_access_token",
            "has_refresh_token",
            "token_expires_at",
            "token_scopes",
            "remote_id",
            "connection",
            "connected_at",
            "connection_state",
            "connection_problem",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_has_password(self, obj: SocialAccount) -> bool:
        return bool(obj.password)

    def get_has_access_token(self, obj: SocialAccount) -> bool:
        return bool(obj.access_token)

    def get_has_refresh_token(self, obj: SocialAccount) -> bool:
        return bool(obj.refresh_token)

    def get_connection_problem(self, obj: SocialAccount) -> str:
        return obj.connection_problem()


class SocialAccountInputSerializer(serializers.Serializer):
    """Create/update input. Credentials are write-only: accepted here, never echoed."""

    platform = serializers.ChoiceField(choices=Platform.choices)
    username = serializers.CharField(max_length=150)
    display_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    verified = serializers.BooleanField(required=False)
    time_zone = serializers.ChoiceField(choices=TIME_ZONE_CHOICES, required=False)
    followers_count = serializers.IntegerField(min_value=0, required=False)
    views_count = serializers.IntegerField(min_value=0, required=False)
    engagement_count = serializers.IntegerField(min_value=0, required=False)
    upload_cooldown_minutes = serializers.IntegerField(min_value=0, max_value=MAX_COOLDOWN_MINUTES, required=False)
    hourly_upload_limit = serializers.IntegerField(min_value=1, max_value=MAX_HOURLY_LIMIT, required=False)
    daily_upload_limit = serializers.IntegerField(min_value=1, max_value=MAX_DAILY_LIMIT, required=False)
    posting_window_start = serializers.TimeField(required=False, allow_null=True)
    posting_window_end = serializers.TimeField(required=False, allow_null=True)
    jitter_minutes = serializers.IntegerField(min_value=0, max_value=MAX_JITTER_MINUTES, required=False)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    password = serializers.CharField(required=False, allow_blank=True, write_only=True, max_length=4096)
    access_token = serializers.CharField(required=False, allow_blank=True, write_only=True, max_length=8192)
    refresh_token = serializers.CharField(required=False, allow_blank=True, write_only=True, max_length=8192)
    token_expires_at = serializers.DateTimeField(required=False, allow_null=True)
    token_scopes = serializers.ListField(child=serializers.CharField(max_length=200), required=False, max_length=50)
    remote_id = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=128,
        help_text="The platform's id: YouTube channel id, TikTok open_id, Facebook Page id, Instagram user id.",
    )

    def validate(self, attrs):
        account = self.instance
        hourly = attrs.get("hourly_upload_limit", getattr(account, "hourly_upload_limit", None))
        daily = attrs.get("daily_upload_limit", getattr(account, "daily_upload_limit", None))
        if hourly and daily and hourly > daily:
            raise serializers.ValidationError({"hourly_upload_limit": ["Cannot be more than the daily limit."]})
        start = attrs.get("posting_window_start", getattr(account, "posting_window_start", None))
        end = attrs.get("posting_window_end", getattr(account, "posting_window_end", None))
        if (start is None) != (end is None):
            raise serializers.ValidationError(
                {"posting_window_end": ["Give both ends of the posting window, or neither."]}
            )
        if start is not None and start == end:
            raise serializers.ValidationError({"posting_window_end": ["The window cannot start and end at once."]})
        return attrs


class SocialAccountUpdateSerializer(SocialAccountInputSerializer):
    platform = None  # an account's platform never changes


class DeactivateSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)


class RecordPostSerializer(serializers.Serializer):
    posted_at = serializers.DateTimeField(required=False)
    reference = serializers.CharField(required=False, allow_blank=True, max_length=255)

    def validate_posted_at(self, value):
        if value > timezone.now() + timedelta(minutes=5):
            raise serializers.ValidationError("A post cannot be recorded in the future.")
        return value


class CanUploadSerializer(serializers.Serializer):
    allowed = serializers.BooleanField()
    code = serializers.CharField(
        allow_blank=True, help_text="Why not: account_inactive, not_connected or limit_reached (empty when allowed)"
    )
    reason = serializers.CharField()
    connected = serializers.BooleanField(help_text="It holds a token the platform accepts (or is a sandbox account)")
    next_allowed_at = serializers.DateTimeField(allow_null=True)
    posts_last_hour = serializers.IntegerField()
    posts_today = serializers.IntegerField(help_text="In the account's local day, scheduled posts included")
    scheduled = serializers.IntegerField(help_text="Posts reserved in the next 24 h")
    hourly_upload_limit = serializers.IntegerField()
    daily_upload_limit = serializers.IntegerField()
    upload_cooldown_minutes = serializers.IntegerField()


class RotationEntrySerializer(serializers.Serializer):
    position = serializers.IntegerField()
    account = SocialAccountSerializer()
    can_upload = CanUploadSerializer()


class PlatformStatsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    active = serializers.IntegerField(help_text="Active and able to post (a working token, or the sandbox)")
    not_connected = serializers.IntegerField(help_text="Active but to be connected before they can post")
    posts = serializers.IntegerField()
    views = serializers.IntegerField()


class AccountStatsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    active = serializers.IntegerField(help_text="Active and able to post (a working token, or the sandbox)")
    not_connected = serializers.IntegerField(help_text="Active but to be connected before they can post")
    verified = serializers.IntegerField()
    posts = serializers.IntegerField()
    views = serializers.IntegerField()
    engagement = serializers.IntegerField()
    by_platform = serializers.DictField(child=PlatformStatsSerializer())
    by_status = serializers.DictField(child=serializers.IntegerField())


class ConnectionOptionSerializer(serializers.Serializer):
    platform = serializers.ChoiceField(choices=Platform.choices)
    label = serializers.CharField()
    configured = serializers.BooleanField()
    missing_settings = serializers.ListField(
        child=serializers.CharField(), help_text="Environment variables to set before this platform can connect."
    )
    connect_url = serializers.URLField(
        allow_null=True, help_text="Open in a browser (signed in to the dashboard) to start the OAuth flow."
    )
    callback_url = serializers.URLField(help_text="The redirect URI to register with the platform.")
    scopes = serializers.ListField(child=serializers.CharField())
