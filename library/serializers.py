from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from accounts.platforms import Platform
from library.models import MAX_TAG_LENGTH, MAX_TAGS, MediaAsset, MediaKind
from library.services import MAX_BULK_IDS


class TagsField(serializers.ListField):
    """A list of tags; in multipart/form bodies also `tags=a,b` or repeated `tags` fields."""

    child = serializers.CharField(max_length=MAX_TAG_LENGTH * 4)

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", MAX_TAGS)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = [data]
        if isinstance(data, list | tuple):
            data = [part.strip() for item in data for part in str(item).split(",") if part.strip()]
        return super().to_internal_value(data)


class MediaAssetSerializer(serializers.ModelSerializer):
    tags = serializers.ListField(child=serializers.CharField(), read_only=True)
    download_url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = MediaAsset
        fields = [
            "id",
            "kind",
            "title",
            "description",
            "tags",
            "category",
            "mood",
            "platform",
            "source",
            "source_url",
            "original_filename",
            "license_note",
            "royalty_free",
            "status",
            "rejection_reason",
            "checksum",
            "size_bytes",
            "duration_seconds",
            "width",
            "height",
            "fps",
            "orientation",
            "container",
            "video_codec",
            "audio_codec",
            "has_video",
            "has_audio",
            "times_used",
            "last_used_at",
            "download_url",
            "thumbnail_url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_download_url(self, obj: MediaAsset) -> str | None:
        return reverse("media-asset-download", args=[obj.pk]) if obj.file else None

    def get_thumbnail_url(self, obj: MediaAsset) -> str | None:
        return reverse("media-asset-thumbnail", args=[obj.pk]) if obj.thumbnail else None


class _MetadataSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    tags = TagsField()
    category = serializers.CharField(max_length=50, required=False, allow_blank=True)
    mood = serializers.CharField(max_length=50, required=False, allow_blank=True)
    platform = serializers.ChoiceField(choices=Platform.choices, required=False, allow_blank=True)
    license_note = serializers.CharField(max_length=500, required=False, allow_blank=True)
    royalty_free = serializers.BooleanField(required=False)


class MediaAssetUploadSerializer(_MetadataSerializer):
    file = serializers.FileField(allow_empty_file=False, use_url=False)
    kind = serializers.ChoiceField(choices=MediaKind.choices)


class MediaAssetUpdateSerializer(_MetadataSerializer):
    title = serializers.CharField(max_length=200, required=False)


class ImportUrlSerializer(_MetadataSerializer):
    url = serializers.URLField(max_length=2000)
    kind = serializers.ChoiceField(choices=MediaKind.choices)


class BulkSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=[("tag", "Add tags"), ("untag", "Remove tags"), ("delete", "Delete")])
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), min_length=1, max_length=MAX_BULK_IDS, allow_empty=False
    )
    tags = TagsField()

    def validate(self, attrs):
        if attrs["action"] in ("tag", "untag") and not attrs.get("tags"):
            raise serializers.ValidationError({"tags": ["Give at least one tag to add or remove."]})
        return attrs


class BulkBlockedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reason = serializers.CharField()


class BulkResultSerializer(serializers.Serializer):
    action = serializers.CharField()
    changed = serializers.ListField(child=serializers.IntegerField())
    blocked = BulkBlockedSerializer(many=True)


class PickParamsSerializer(serializers.Serializer):
    count = serializers.IntegerField(min_value=1, max_value=50, default=1)
    seed = serializers.CharField(max_length=100, required=False)
    exclude_used_within_hours = serializers.FloatField(min_value=0, max_value=24 * 365, required=False)
    dry_run = serializers.BooleanField(default=False)


class GroupStatsSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    size_bytes = serializers.IntegerField()
    duration_seconds = serializers.FloatField()


class UsageSerializer(serializers.ModelSerializer):
    class Meta:
        model = MediaAsset
        fields = ["id", "title", "kind", "times_used", "last_used_at"]
        read_only_fields = fields


class MediaStatsSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    size_bytes = serializers.IntegerField()
    duration_seconds = serializers.FloatField()
    by_status = serializers.DictField(child=serializers.IntegerField())
    by_kind = serializers.DictField(child=GroupStatsSerializer())
    by_category = serializers.DictField(child=GroupStatsSerializer())
    by_platform = serializers.DictField(child=GroupStatsSerializer())
    most_used = UsageSerializer(many=True)
    least_used = UsageSerializer(many=True)


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    existing_id = serializers.IntegerField(required=False, help_text="409 duplicate: the asset you already have")


class ErrorSerializer(serializers.Serializer):
    """The error body every API route shares."""

    error = ErrorDetailSerializer()
