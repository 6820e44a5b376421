from __future__ import annotations

from rest_framework import serializers

from accounts.models import SocialAccount
from accounts.platforms import Platform
from production.models import (
    BatchJob,
    Campaign,
    ContentType,
    Priority,
    QueueItem,
    QueueLog,
)
from production.services import queue as queue_services

PRIORITY_NAMES = {label: value for value, label in Priority.choices}


class PriorityField(serializers.ChoiceField):
    """Priorities travel as names (low, normal, high) and are stored as numbers for ordering."""

    def __init__(self, **kwargs):
        super().__init__(choices=list(PRIORITY_NAMES), **kwargs)

    def to_internal_value(self, data):
        return PRIORITY_NAMES[super().to_internal_value(data)]

    def to_representation(self, value):
        return Priority(value).label


class QueueItemSerializer(serializers.ModelSerializer):
    priority = PriorityField()
    campaign = serializers.PrimaryKeyRelatedField(read_only=True)
    output_url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = QueueItem
        fields = [
            "id",
            "queue_id",
            "status",
            "priority",
            "platform",
            "content_type",
            "progress",
            "campaign",
            "batch",
            "attempts",
            "max_attempts",
            "error_count",
            "last_error",
            "warnings",
            "caption",
            "hashtags",
            "output_asset",
            "output_url",
            "thumbnail_url",
            "render_seconds",
            "lease_owner",
            "lease_expires_at",
            "heartbeat_at",
            "cancel_requested",
            "created_at",
            "started_at",
            "completed_at",
            "metadata",
            "spec",
        ]
        read_only_fields = fields

    def get_output_url(self, obj) -> str | None:
        if not obj.output_asset_id:
            return None
        return self._absolute(f"/api/v1/media/{obj.output_asset_id}/download/")

    def get_thumbnail_url(self, obj) -> str | None:
        if not obj.output_asset_id:
            return None
        return self._absolute(f"/api/v1/media/{obj.output_asset_id}/thumbnail/")

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class QueueItemListSerializer(QueueItemSerializer):
    class Meta(QueueItemSerializer.Meta):
        fields = [f for f in QueueItemSerializer.Meta.fields if f not in ("spec", "metadata")]
        read_only_fields = fields


class QueueAddSerializer(serializers.Serializer):
    spec = serializers.JSONField(help_text="A composition spec (see the renderer docs in README).")
    priority = PriorityField(required=False, help_text="low, normal (default) or high")
    content_type = serializers.ChoiceField(choices=ContentType.choices, required=False, default=ContentType.CUSTOM)
    caption = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")
    hashtags = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, max_length=60, default=list
    )
    metadata = serializers.DictField(required=False, default=dict)

    def validate_spec(self, value):
        if not isinstance(value, dict):
            raise serializers.ValidationError("Must be a JSON object.")
        return value

    def to_new_item(self, data=None) -> queue_services.NewItem:
        data = data or self.validated_data
        return queue_services.NewItem(
            spec=data["spec"],
            priority=data.get("priority", Priority.NORMAL),
            content_type=data["content_type"],
            caption=data["caption"],
            hashtags=tuple(data["hashtags"]),
            metadata=data["metadata"],
        )


class BatchAddSerializer(serializers.Serializer):
    items = QueueAddSerializer(many=True, allow_empty=False)


class QueueLogSerializer(serializers.ModelSerializer):
    class Meta:
        model = QueueLog
        fields = ["created_at", "level", "message"]


class QueueStatsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    by_status = serializers.DictField(child=serializers.IntegerField())
    by_platform = serializers.DictField(child=serializers.IntegerField())
    by_content_type = serializers.DictField(child=serializers.IntegerField())
    by_priority = serializers.DictField(child=serializers.IntegerField())
    error_rate = serializers.FloatField()
    average_processing_seconds = serializers.FloatField(allow_null=True)


class ItemStatusSerializer(serializers.ModelSerializer):
    output_url = serializers.SerializerMethodField()
    error = serializers.CharField(source="last_error")

    class Meta:
        model = QueueItem
        fields = ["queue_id", "status", "progress", "output_url", "error", "attempts", "completed_at"]

    get_output_url = QueueItemSerializer.get_output_url
    _absolute = QueueItemSerializer._absolute


class CampaignSerializer(serializers.ModelSerializer):
    priority = PriorityField(required=False)
    target_accounts = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=SocialAccount.objects.none()
    )
    target_platforms = serializers.ListField(
        child=serializers.ChoiceField(choices=Platform.choices), required=False, max_length=10
    )
    composition_template = serializers.JSONField(
        help_text='A composition spec where asset ids may be "@slot" names, filled from `slots` at generation.'
    )
    slots = serializers.JSONField(
        required=False,
        help_text='{"hot": {"kind": "hot_video", "filters": {"tags": ["trend"]}}, ...}',
    )
    account_weights = serializers.DictField(child=serializers.FloatField(min_value=0), required=False)
    account_captions = serializers.DictField(
        child=serializers.DictField(child=serializers.CharField(allow_blank=True, max_length=5000)),
        required=False,
        help_text='Per target account: {"12": {"caption": "...", "hashtags": "#a #b"}}, instead of the templates. '
        "Templates take {variables} and {a|b|c} alternatives: each target account gets its own pick.",
    )
    first_comment_template = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2200,
        help_text="Posted as the first comment right after each video where the platform allows it (not TikTok)",
    )

    class Meta:
        model = Campaign
        fields = [
            "id",
            "name",
            "description",
            "status",
            "starts_at",
            "ends_at",
            "target_platforms",
            "target_accounts",
            "content_type",
            "composition_template",
            "slots",
            "caption_template",
            "hashtag_template",
            "videos_per_run",
            "priority",
            "distribution_strategy",
            "account_weights",
            "account_captions",
            "first_comment_template",
            "videos_generated",
            "last_generated_at",
            "pool_exhausted_at",
            "pool_message",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "status",
            "videos_generated",
            "last_generated_at",
            "pool_exhausted_at",
            "pool_message",
            "created_at",
            "updated_at",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            self.fields["target_accounts"].child_relation.queryset = SocialAccount.objects.filter(owner=request.user)

    def validate(self, attrs):
        starts, ends = attrs.get("starts_at"), attrs.get("ends_at")
        if starts and ends and ends <= starts:
            raise serializers.ValidationError({"ends_at": ["Must be after the start."]})
        return attrs


class GenerateSerializer(serializers.Serializer):
    count = serializers.IntegerField(min_value=1, max_value=500, required=False)
    seed = serializers.IntegerField(required=False, allow_null=True)


class WorkflowGenerateSerializer(serializers.Serializer):
    campaign = serializers.IntegerField(required=False)
    count = serializers.IntegerField(min_value=1, max_value=500, required=False)
    seed = serializers.IntegerField(required=False, allow_null=True)
    spec = serializers.JSONField(required=False)
    priority = PriorityField(required=False, help_text="low, normal (default) or high")

    def validate(self, attrs):
        if ("campaign" in attrs) == ("spec" in attrs):
            raise serializers.ValidationError({"non_field_errors": ["Give either `campaign` or `spec`."]})
        return attrs


class ProcessNextSerializer(serializers.Serializer):
    run_async = serializers.BooleanField(required=False, default=False, help_text="Queue a render task instead")


class BatchJobSerializer(serializers.ModelSerializer):
    progress = serializers.SerializerMethodField()

    class Meta:
        model = BatchJob
        fields = [
            "id",
            "name",
            "batch_type",
            "campaign",
            "status",
            "concurrency_limit",
            "progress",
            "started_at",
            "finished_at",
            "created_at",
        ]
        read_only_fields = fields

    def get_progress(self, obj) -> dict:
        from production.services.batches import batch_progress

        return batch_progress(obj)


class BatchCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    concurrency_limit = serializers.IntegerField(min_value=1, max_value=64, required=False, default=2)
    items = QueueAddSerializer(many=True, required=False, allow_empty=False)
    campaign = serializers.IntegerField(required=False)
    count = serializers.IntegerField(min_value=1, max_value=500, required=False)
    seed = serializers.IntegerField(required=False, allow_null=True)

    def validate(self, attrs):
        if ("items" in attrs) == ("campaign" in attrs):
            raise serializers.ValidationError({"non_field_errors": ["Give either `items` or `campaign` (+ `count`)."]})
        return attrs
