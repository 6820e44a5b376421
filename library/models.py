from __future__ import annotations

import re
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from accounts.platforms import Platform
from common.models import TimeStampedModel

MAX_TAGS = 30
MAX_TAG_LENGTH = 40
_TAG_RE = re.compile(r"^[\w][\w .&+#'-]*$")
_EXT_RE = re.compile(r"^[a-z0-9]{1,8}$")


class MediaKind(models.TextChoices):
    TEMPLATE = "template", "Template video"
    HOT_VIDEO = "hot_video", "Hot video"
    PRODUCT = "product", "Product clip"
    AUDIO = "audio", "Audio track"
    IMAGE = "image", "Image"
    RENDERED = "rendered", "Rendered video"
    VOICE_OVER = "voice_over", "Voice-over"


VIDEO_KINDS = frozenset({MediaKind.TEMPLATE, MediaKind.HOT_VIDEO, MediaKind.PRODUCT, MediaKind.RENDERED})


class MediaStatus(models.TextChoices):
    PROCESSING = "processing", "Processing"
    READY = "ready", "Ready"
    REJECTED = "rejected", "Rejected"


class MediaSource(models.TextChoices):
    UPLOADED = "uploaded", "Uploaded"
    IMPORTED_URL = "imported_url", "Imported from a URL"
    IMPORTED_FOLDER = "imported_folder", "Imported from a folder"
    RENDERED = "rendered", "Rendered by ReelMill"
    GENERATED = "generated", "Made in the studio"


class Orientation(models.TextChoices):
    PORTRAIT = "portrait", "Portrait"
    LANDSCAPE = "landscape", "Landscape"
    SQUARE = "square", "Square"


def normalize_tags(values) -> list[str]:
    """Lower-case, trimmed, de-duplicated tags in their given order; raises on bad ones."""
    tags: list[str] = []
    for raw in values or []:
        tag = " ".join(str(raw).split()).lower()
        if not tag or tag in tags:
            continue
        if len(tag) > MAX_TAG_LENGTH or not _TAG_RE.match(tag):
            raise ValidationError(
                {
                    "tags": [
                        f"{tag[:60]!r} is not a valid tag: letters, digits, spaces and - _ . & + # ' only, "
                        f"at most {MAX_TAG_LENGTH} characters."
                    ]
                }
            )
        tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise ValidationError({"tags": [f"At most {MAX_TAGS} tags."]})
    return tags


def tag_index_for(tags: list[str]) -> str:
    """`|a|b|`: lets every database filter on one tag with a plain LIKE."""
    return f"|{'|'.join(tags)}|" if tags else ""


def orientation_for(width: int | None, height: int | None) -> str:
    if not width or not height:
        return ""
    if width == height:
        return Orientation.SQUARE
    return Orientation.PORTRAIT if height > width else Orientation.LANDSCAPE


def storage_name(*, owner_id: int, kind: str, extension: str) -> str:
    """A generated name: the uploader's filename never decides where bytes land."""
    extension = extension.lower().lstrip(".")
    if not _EXT_RE.match(extension):
        extension = "bin"
    return f"library/{owner_id}/{kind}/{uuid.uuid4().hex}.{extension}"


def thumbnail_name(*, owner_id: int) -> str:
    return f"library/{owner_id}/thumbnails/{uuid.uuid4().hex}.jpg"


class MediaAsset(TimeStampedModel):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="media_assets")
    kind = models.CharField(max_length=16, choices=MediaKind.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=5000)
    tags = models.JSONField(default=list, blank=True)
    tag_index = models.CharField(max_length=1500, blank=True, editable=False)
    category = models.CharField(max_length=50, blank=True)
    mood = models.CharField(max_length=50, blank=True)
    platform = models.CharField(max_length=16, choices=Platform.choices, blank=True)

    source = models.CharField(max_length=16, choices=MediaSource.choices, default=MediaSource.UPLOADED)
    source_url = models.URLField(max_length=2000, blank=True)
    original_filename = models.CharField(max_length=255, blank=True)
    license_note = models.CharField(max_length=500, blank=True)
    royalty_free = models.BooleanField(default=False)

    file = models.FileField(max_length=255, blank=True)
    thumbnail = models.FileField(max_length=255, blank=True)
    checksum = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the file, hex")
    size_bytes = models.PositiveBigIntegerField(default=0)
    duration_seconds = models.FloatField(null=True, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    fps = models.FloatField(null=True, blank=True)
    container = models.CharField(max_length=100, blank=True)
    video_codec = models.CharField(max_length=50, blank=True)
    audio_codec = models.CharField(max_length=50, blank=True)
    has_audio = models.BooleanField(default=False)
    has_video = models.BooleanField(default=False)
    orientation = models.CharField(max_length=10, choices=Orientation.choices, blank=True)

    status = models.CharField(max_length=12, choices=MediaStatus.choices, default=MediaStatus.PROCESSING)
    rejection_reason = models.CharField(max_length=1000, blank=True)
    # A voice-over's words in the order spoken: [{"text", "start", "end"}] in seconds, the
    # script's own text (never a transcription); empty for every other kind.
    word_timings = models.JSONField(default=list, blank=True)
    times_used = models.PositiveIntegerField(default=0)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "checksum"],
                condition=~models.Q(status="rejected") & ~models.Q(checksum=""),
                name="unique_media_checksum_per_owner",
                violation_error_message="You already have this file in your library.",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["processing", "ready", "rejected"]),
                name="media_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "kind", "status"], name="media_owner_kind_status"),
            models.Index(fields=["owner", "status", "-created_at"], name="media_owner_recent"),
            models.Index(fields=["owner", "kind", "times_used", "last_used_at"], name="media_owner_usage"),
            models.Index(fields=["owner", "category"], name="media_owner_category"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    def set_tags(self, tags) -> None:
        self.tags = normalize_tags(tags)
        self.tag_index = tag_index_for(self.tags)

    @property
    def is_video(self) -> bool:
        return self.kind in VIDEO_KINDS

    @property
    def is_ready(self) -> bool:
        return self.status == MediaStatus.READY
