from __future__ import annotations

from rest_framework import serializers

from accounts.platforms import Platform
from distribution.models import (
    FIRST_COMMENT_MAX_LENGTH,
    Distribution,
    EngagementSnapshot,
    Privacy,
    Upload,
    UploadAttempt,
    UploadStatus,
)
from distribution.selectors import SUMMARY_GROUPS

BEST = "best"


class UploadAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = UploadAttempt
        fields = [
            "id", "created_at", "request_summary", "http_status", "response_body", "outcome", "error_kind",
            "duration_ms",
        ]  # fmt: skip
        read_only_fields = fields


class UploadSerializer(serializers.ModelSerializer):
    queue_item = serializers.UUIDField(source="queue_item.queue_id", read_only=True)
    account = serializers.IntegerField(source="account_id", read_only=True)
    account_username = serializers.CharField(source="account.username", read_only=True)
    progress = serializers.FloatField(read_only=True)
    synthetic = serializers.BooleanField(read_only=True, help_text="Labelled AI-made for the platform")

    class Meta:
        model = Upload
        fields = [
            "upload_id", "queue_item", "account", "account_username", "platform", "status", "progress",
            "video_path", "file_size", "duration_seconds", "title", "caption", "hashtags", "privacy",
            "privacy_forced", "options", "synthetic", "checksum", "warnings", "slot_at", "scheduled_at",
            "next_attempt_at", "started_at", "completed_at", "upload_url", "remote_id", "remote_status", "retries",
            "max_retries", "error_kind", "last_error", "bytes_confirmed", "total_bytes", "first_comment",
            "first_comment_status", "first_comment_id", "first_comment_error", "first_comment_at", "created_at",
            "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class UploadDetailSerializer(UploadSerializer):
    attempts = UploadAttemptSerializer(many=True, read_only=True)

    class Meta(UploadSerializer.Meta):
        fields = [*UploadSerializer.Meta.fields, "error_log", "attempts"]
        read_only_fields = fields


class AccountChoiceField(serializers.CharField):
    """An account id, or "best" for the campaign's strategy to choose."""

    def to_internal_value(self, data):
        value = str(super().to_internal_value(data)).strip().lower()
        if value == BEST:
            return BEST
        if not value.isdigit():
            raise serializers.ValidationError('Give an account id or "best".')
        return int(value)


class UploadRegisterSerializer(serializers.Serializer):
    queue_item = serializers.UUIDField(help_text="The ready video's queue_id")
    account = AccountChoiceField(default=BEST, help_text='An account id, or "best" (the campaign\'s strategy)')
    platform = serializers.ChoiceField(choices=Platform.choices, required=False, help_text='Needed with "best"')
    privacy = serializers.ChoiceField(choices=Privacy.choices, default=Privacy.PUBLIC)
    scheduled_at = serializers.DateTimeField(required=False, allow_null=True)
    tiktok_mode = serializers.ChoiceField(
        choices=[("direct", "direct"), ("inbox", "inbox")], required=False, help_text="TikTok: post or send a draft"
    )
    first_comment = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=FIRST_COMMENT_MAX_LENGTH,
        trim_whitespace=True,
        help_text="Posted as the first comment right after the video where the platform allows it (not "
        "TikTok). Left out: the campaign's first comment, if it has one; empty: none.",
    )
    synthetic = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Label the post as AI-generated (always on for videos from the AI studio)",
    )

    def validate(self, attrs):
        if attrs["account"] == BEST and not attrs.get("platform"):
            raise serializers.ValidationError({"platform": ['Say which platform "best" chooses an account on.']})
        return attrs


class ScheduledPostCreateSerializer(UploadRegisterSerializer):
    scheduled_at = serializers.DateTimeField()


class UploadRetryFailedSerializer(serializers.Serializer):
    upload_id = serializers.UUIDField(required=False, help_text="One failed upload; leave out to retry all of yours")


class RetryFailedResultSerializer(serializers.Serializer):
    retried = UploadSerializer(many=True)
    problems = serializers.ListField(child=serializers.CharField())


class UploadStatsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    by_status = serializers.DictField(child=serializers.IntegerField())
    by_platform = serializers.DictField(child=serializers.IntegerField())
    success_rate = serializers.FloatField(allow_null=True)
    total_size_bytes = serializers.IntegerField()
    average_duration_seconds = serializers.FloatField(allow_null=True)
    average_upload_seconds = serializers.FloatField(allow_null=True)


class UploadNextSerializer(serializers.Serializer):
    publish_now = serializers.BooleanField(
        default=False, help_text="Publish in this request instead of handing the uploads to workers"
    )


class UploadNextResultSerializer(serializers.Serializer):
    queue_item = serializers.UUIDField(source="item.queue_id")
    uploads = UploadSerializer(many=True)
    errors = serializers.DictField(child=serializers.CharField(), help_text="platform -> why nothing was reserved")


class EngagementSnapshotSerializer(serializers.ModelSerializer):
    class Meta:
        model = EngagementSnapshot
        fields = ["fetched_at", "views", "likes", "comments", "shares", "saves"]
        read_only_fields = fields


class DistributionSerializer(serializers.ModelSerializer):
    upload_id = serializers.UUIDField(source="upload.upload_id", read_only=True)
    queue_item = serializers.UUIDField(source="queue_item.queue_id", read_only=True)
    account = serializers.IntegerField(source="account_id", read_only=True)
    account_username = serializers.CharField(source="account.username", read_only=True)
    engagement = serializers.IntegerField(read_only=True)

    class Meta:
        model = Distribution
        fields = [
            "id", "upload_id", "queue_item", "account", "account_username", "platform", "status", "remote_id",
            "url", "published_at", "views", "likes", "comments", "shares", "saves", "engagement",
            "last_fetched_at", "fetch_error",
        ]  # fmt: skip
        read_only_fields = fields


class DistributionDetailSerializer(DistributionSerializer):
    snapshots = EngagementSnapshotSerializer(many=True, read_only=True)

    class Meta(DistributionSerializer.Meta):
        fields = [*DistributionSerializer.Meta.fields, "snapshots"]
        read_only_fields = fields


class SummaryRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    posts = serializers.IntegerField()
    views = serializers.IntegerField()
    likes = serializers.IntegerField()
    comments = serializers.IntegerField()
    shares = serializers.IntegerField()
    saves = serializers.IntegerField()
    engagement_rate = serializers.FloatField(allow_null=True)


class SummaryQuerySerializer(serializers.Serializer):
    group = serializers.ChoiceField(choices=list(SUMMARY_GROUPS), default="platform")


class RecentQuerySerializer(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=365, default=7)


UPLOAD_STATUS_CHOICES = UploadStatus.choices


class TrendSampleSerializer(serializers.Serializer):
    distribution = serializers.IntegerField()
    url = serializers.CharField(allow_blank=True)
    platform = serializers.CharField()
    views = serializers.IntegerField()
    velocity = serializers.FloatField(help_text="Engagement per hour since posting")


class TrendKeywordSerializer(serializers.Serializer):
    keyword = serializers.CharField()
    kind = serializers.ChoiceField(choices=["keyword", "hashtag"])
    velocity = serializers.FloatField(help_text="Views + likes + shares per hour since posting, over its videos")
    trend = serializers.ChoiceField(choices=["rising", "falling", "steady", "new"])
    videos = serializers.IntegerField()
    simulated = serializers.BooleanField(help_text="Some numbers come from the sandbox, which invents them")
    samples = TrendSampleSerializer(many=True)


class TrendQuerySerializer(serializers.Serializer):
    window_days = serializers.IntegerField(min_value=1, max_value=90, required=False, default=7)
    limit = serializers.IntegerField(min_value=1, max_value=100, required=False, default=20)
