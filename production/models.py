from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from common.models import TimeStampedModel


class Priority(models.IntegerChoices):
    LOW = 0, "low"
    NORMAL = 1, "normal"
    HIGH = 2, "high"


class ContentType(models.TextChoices):
    PRODUCT_PROMO = "product_promo", "Product promo"
    HOT_MASHUP = "hot_mashup", "Hot mashup"
    MIXED = "mixed", "Mixed"
    CUSTOM = "custom", "Custom"


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    COMPLETED = "completed", "Completed"
    ARCHIVED = "archived", "Archived"


class DistributionStrategy(models.TextChoices):
    SEQUENTIAL = "sequential", "Sequential"
    RANDOM = "random", "Random"
    ROUND_ROBIN = "round_robin", "Round robin"
    WEIGHTED = "weighted", "Weighted"


class Campaign(TimeStampedModel):
    """What to make, from which material, for which platforms and accounts, how often."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="campaigns")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    target_platforms = models.JSONField(default=list, blank=True)
    target_accounts = models.ManyToManyField("accounts.SocialAccount", blank=True, related_name="campaigns")
    content_type = models.CharField(max_length=16, choices=ContentType.choices, default=ContentType.PRODUCT_PROMO)
    # The renderer's spec with "@slot" strings where asset ids go, and what fills each slot.
    composition_template = models.JSONField(default=dict)
    slots = models.JSONField(default=dict, blank=True)
    # Templates with {variables} and {a|b|c} alternatives (each target account gets its own pick).
    caption_template = models.TextField(blank=True)
    hashtag_template = models.TextField(blank=True)
    first_comment_template = models.TextField(
        blank=True, help_text="Posted as the first comment right after each video, where the platform allows it"
    )
    # Per target account: {"<account id>": {"caption": "...", "hashtags": "..."}} replacing the templates above.
    account_captions = models.JSONField(default=dict, blank=True)
    videos_per_run = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1), MaxValueValidator(100)])
    priority = models.SmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    distribution_strategy = models.CharField(
        max_length=16, choices=DistributionStrategy.choices, default=DistributionStrategy.ROUND_ROBIN
    )
    account_weights = models.JSONField(default=dict, blank=True)
    videos_generated = models.PositiveIntegerField(default=0)
    last_generated_at = models.DateTimeField(null=True, blank=True)
    # Set when every mix of the slots' assets has been generated once: new videos would repeat one.
    pool_exhausted_at = models.DateTimeField(null=True, blank=True)
    pool_message = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "status"])]
        constraints = [
            models.UniqueConstraint(
                "owner",
                "name",
                name="unique_campaign_name_per_owner",
                violation_error_message="You already have a campaign with this name.",
            )
        ]

    def __str__(self) -> str:
        return self.name


class QueueStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    PROCESSING = "processing", "Processing"
    READY = "ready", "Ready"
    UPLOADED = "uploaded", "Uploaded"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class BatchType(models.TextChoices):
    GENERATE = "generate", "Generate"
    RENDER = "render", "Render"


class BatchStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    PAUSED = "paused", "Paused"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"
    FAILED = "failed", "Failed"


class BatchJob(TimeStampedModel):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="batch_jobs")
    name = models.CharField(max_length=200)
    batch_type = models.CharField(max_length=16, choices=BatchType.choices, default=BatchType.RENDER)
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="batches")
    status = models.CharField(max_length=16, choices=BatchStatus.choices, default=BatchStatus.PENDING)
    concurrency_limit = models.PositiveIntegerField(default=2, validators=[MinValueValidator(1), MaxValueValidator(64)])
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "status"])]

    def __str__(self) -> str:
        return self.name


class QueueItem(TimeStampedModel):
    """One video to render: a spec snapshot moving pending -> processing -> ready -> uploaded."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="queue_items")
    queue_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="items")
    batch = models.ForeignKey(BatchJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="items")
    spec = models.JSONField()
    # The library assets the spec uses: guards their deletion and shows where they were used.
    assets = models.ManyToManyField("library.MediaAsset", blank=True, related_name="queue_items")
    platform = models.CharField(max_length=32, db_index=True)
    content_type = models.CharField(max_length=16, choices=ContentType.choices, default=ContentType.CUSTOM)
    priority = models.SmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(max_length=16, choices=QueueStatus.choices, default=QueueStatus.PENDING)
    progress = models.FloatField(default=0, validators=[MinValueValidator(0), MaxValueValidator(100)])
    attempts = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField(default=3, validators=[MinValueValidator(1), MaxValueValidator(20)])
    lease_owner = models.CharField(max_length=200, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    cancel_requested = models.BooleanField(default=False)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    render_seconds = models.FloatField(null=True, blank=True)
    output_path = models.CharField(max_length=500, blank=True)
    output_asset = models.ForeignKey(
        "library.MediaAsset", null=True, blank=True, on_delete=models.SET_NULL, related_name="rendered_by"
    )
    command = models.TextField(blank=True)
    error_count = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    caption = models.TextField(blank=True)
    hashtags = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    # The assets a campaign chose for it, as one key: a campaign never makes the same mix twice.
    mix_key = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "mix_key"],
                condition=~models.Q(mix_key=""),
                name="one_item_per_campaign_mix",
                violation_error_message="This campaign already made a video from these assets.",
            )
        ]
        indexes = [
            # The claim query: pending, highest priority, oldest first.
            models.Index(fields=["status", "-priority", "created_at"], name="queue_claim_idx"),
            models.Index(fields=["status", "lease_expires_at"], name="queue_lease_idx"),
            models.Index(fields=["owner", "status", "-created_at"], name="queue_owner_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.queue_id} ({self.status})"


class LogLevel(models.TextChoices):
    DEBUG = "debug", "Debug"
    INFO = "info", "Info"
    WARNING = "warning", "Warning"
    ERROR = "error", "Error"


class QueueLog(models.Model):
    item = models.ForeignKey(QueueItem, on_delete=models.CASCADE, related_name="logs")
    created_at = models.DateTimeField(auto_now_add=True)
    level = models.CharField(max_length=8, choices=LogLevel.choices, default=LogLevel.INFO)
    message = models.TextField()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["item", "created_at"])]

    def __str__(self) -> str:
        return f"[{self.level}] {self.message[:60]}"
