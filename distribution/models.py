"""Uploads (one video to one account), their HTTP audit trail, and the engagement of what went out."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from accounts.platforms import Platform
from common.models import TimeStampedModel


class UploadStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    UPLOADING = "uploading", "Uploading"
    SUCCESS = "success", "Success"
    FAILED = "failed", "Failed"
    RETRY = "retry", "Retry scheduled"
    UNKNOWN = "unknown", "Unknown (being reconciled)"
    CANCELLED = "cancelled", "Cancelled"


# Statuses in which an upload still holds its account slot and may still post.
OPEN_STATUSES = (
    UploadStatus.PENDING,
    UploadStatus.UPLOADING,
    UploadStatus.RETRY,
    UploadStatus.UNKNOWN,
)


class Privacy(models.TextChoices):
    PUBLIC = "public", "Public"
    UNLISTED = "unlisted", "Unlisted"
    PRIVATE = "private", "Private"
    FRIENDS = "friends", "Friends"


class CommentStatus(models.TextChoices):
    NONE = "none", "No first comment"
    PENDING = "pending", "Waiting for the post"
    POSTED = "posted", "Posted"
    FAILED = "failed", "Failed"
    UNSUPPORTED = "unsupported", "Not offered by the platform"


# The longest first comment accepted (Instagram's cap; YouTube and Facebook take more).
FIRST_COMMENT_MAX_LENGTH = 2200


class Upload(TimeStampedModel):
    """One rendered video going to one account: reserved inside its limits, then published.

    (queue item, account) is unique: it is the idempotency key that keeps a video from being
    posted twice to the same account. The resumable session is stored here before any byte
    is sent, so a retry on any worker resumes from the last confirmed byte.
    """

    upload_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="uploads")
    queue_item = models.ForeignKey("production.QueueItem", on_delete=models.CASCADE, related_name="uploads")
    account = models.ForeignKey("accounts.SocialAccount", on_delete=models.CASCADE, related_name="uploads")
    platform = models.CharField(max_length=16, choices=Platform.choices)
    status = models.CharField(max_length=16, choices=UploadStatus.choices, default=UploadStatus.PENDING)

    video_path = models.CharField(max_length=500, help_text="Storage name of the rendered file")
    file_size = models.PositiveBigIntegerField(default=0)
    duration_seconds = models.FloatField(null=True, blank=True)
    title = models.CharField(max_length=200, blank=True)
    caption = models.TextField(blank=True)
    hashtags = models.JSONField(default=list, blank=True)
    privacy = models.CharField(max_length=16, choices=Privacy.choices, default=Privacy.PUBLIC)
    privacy_forced = models.BooleanField(
        default=False, help_text="The platform made the post private whatever was asked (unaudited app)"
    )
    options = models.JSONField(
        default=dict,
        blank=True,
        help_text="Sent to the adapter with title and privacy: tiktok_mode=inbox, synthetic=true (AI-made)",
    )
    warnings = models.JSONField(default=list, blank=True)
    checksum = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of the video: an account never gets the same video twice"
    )

    # An optional first comment, posted right after the video where the platform's API allows it.
    # Its outcome never changes the upload's.
    first_comment = models.TextField(blank=True)
    first_comment_status = models.CharField(max_length=16, choices=CommentStatus.choices, default=CommentStatus.NONE)
    first_comment_id = models.CharField(max_length=255, blank=True, help_text="The comment's id on the platform")
    first_comment_error = models.CharField(max_length=1000, blank=True)
    first_comment_at = models.DateTimeField(null=True, blank=True)

    # Timing: the AccountPost of this upload sits at `slot_at`; `scheduled_at` is when it should go
    # public (null: at once); workers pick it up from `next_attempt_at`.
    slot_at = models.DateTimeField()
    scheduled_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    # Result
    upload_url = models.CharField(max_length=2000, blank=True, help_text="The post's URL")
    remote_id = models.CharField(max_length=255, blank=True)
    remote_status = models.CharField(max_length=16, blank=True)
    retries = models.PositiveIntegerField(default=0)
    max_retries = models.PositiveIntegerField(default=5)
    error_kind = models.CharField(max_length=32, blank=True)
    last_error = models.CharField(max_length=2000, blank=True)
    error_log = models.TextField(blank=True)

    # The resumable session (distribution.platforms.UploadSession), persisted before bytes go out.
    session_url = models.TextField(blank=True)
    publish_id = models.CharField(max_length=255, blank=True)
    remote_video_id = models.CharField(max_length=255, blank=True)
    remote_container_id = models.CharField(max_length=255, blank=True)
    bytes_confirmed = models.PositiveBigIntegerField(default=0)
    total_bytes = models.PositiveBigIntegerField(default=0)
    session_state = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["queue_item", "account"],
                name="one_upload_per_item_and_account",
                violation_error_message="This video already has an upload to this account.",
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "status", "-created_at"], name="upload_owner_status"),
            models.Index(fields=["status", "next_attempt_at"], name="upload_due"),
            models.Index(fields=["account", "status"], name="upload_account_status"),
            models.Index(fields=["platform", "slot_at"], name="upload_platform_slot"),
            models.Index(fields=["account", "checksum"], name="upload_account_checksum"),
        ]

    def __str__(self) -> str:
        return f"{self.upload_id} → {self.platform} ({self.status})"

    @property
    def synthetic(self) -> bool:
        """The video is AI-made: the adapters label it so (TikTok is_aigc, YouTube containsSyntheticMedia)."""
        return bool((self.options or {}).get("synthetic"))

    @property
    def progress(self) -> float:
        if self.status == UploadStatus.SUCCESS:
            return 100.0
        return round(100 * self.bytes_confirmed / self.total_bytes, 1) if self.total_bytes else 0.0


class AttemptOutcome(models.TextChoices):
    OK = "ok", "OK"
    ERROR = "error", "Error answer"
    NO_ANSWER = "no_answer", "No answer"
    NOTE = "note", "Note"


class UploadAttempt(models.Model):
    """One HTTP exchange with a platform (or one local step): the audit trail of an upload.

    Everything here is redacted before it is stored: no token ever reaches this table.
    """

    upload = models.ForeignKey(Upload, on_delete=models.CASCADE, related_name="attempts")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    request_summary = models.CharField(max_length=1000)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True)
    outcome = models.CharField(max_length=16, choices=AttemptOutcome.choices)
    error_kind = models.CharField(max_length=32, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.request_summary[:60]} → {self.http_status or self.outcome}"


class DistributionStatus(models.TextChoices):
    PUBLISHED = "published", "Published"
    SCHEDULED = "scheduled", "Scheduled"
    DRAFT = "draft", "Draft in the creator's inbox"
    PROCESSING = "processing", "Processing"
    GONE = "gone", "Removed from the platform"


class Distribution(TimeStampedModel):
    """A video live on a platform (one successful upload) and its engagement counts."""

    upload = models.OneToOneField(Upload, on_delete=models.CASCADE, related_name="distribution")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="distributions")
    queue_item = models.ForeignKey("production.QueueItem", on_delete=models.CASCADE, related_name="distributions")
    account = models.ForeignKey("accounts.SocialAccount", on_delete=models.CASCADE, related_name="distributions")
    platform = models.CharField(max_length=16, choices=Platform.choices)
    status = models.CharField(max_length=16, choices=DistributionStatus.choices, default=DistributionStatus.PUBLISHED)
    remote_id = models.CharField(max_length=255)
    url = models.CharField(max_length=2000, blank=True)
    published_at = models.DateTimeField()
    views = models.PositiveBigIntegerField(default=0)
    likes = models.PositiveBigIntegerField(default=0)
    comments = models.PositiveBigIntegerField(default=0)
    shares = models.PositiveBigIntegerField(default=0)
    saves = models.PositiveBigIntegerField(default=0)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    fetch_error = models.CharField(max_length=1000, blank=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "-published_at"], name="distribution_owner_recent"),
            models.Index(fields=["owner", "platform"], name="distribution_owner_platform"),
            models.Index(fields=["last_fetched_at"], name="distribution_fetched"),
        ]

    def __str__(self) -> str:
        return f"{self.platform}:{self.remote_id}"

    @property
    def engagement(self) -> int:
        return self.likes + self.comments + self.shares + self.saves


class EngagementSnapshot(models.Model):
    """The counts of a distribution at one fetch: the history behind its current numbers."""

    distribution = models.ForeignKey(Distribution, on_delete=models.CASCADE, related_name="snapshots")
    fetched_at = models.DateTimeField(db_index=True)
    views = models.PositiveBigIntegerField(default=0)
    likes = models.PositiveBigIntegerField(default=0)
    comments = models.PositiveBigIntegerField(default=0)
    shares = models.PositiveBigIntegerField(default=0)
    saves = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["-fetched_at", "-id"]
        indexes = [models.Index(fields=["distribution", "-fetched_at"], name="snapshot_recent")]

    def __str__(self) -> str:
        return f"{self.distribution} at {self.fetched_at:%Y-%m-%d %H:%M}"


class PlatformLock(models.Model):
    """One row per platform, locked while a platform-wide cap is counted (YouTube's insert bucket)."""

    platform = models.CharField(max_length=16, primary_key=True)

    def __str__(self) -> str:
        return self.platform
