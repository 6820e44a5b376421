"""Automation jobs and their runs, stats snapshots, alerts and worker heartbeats."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce

from accounts.platforms import Platform
from common.models import TimeStampedModel

ALL_PLATFORMS = "all"


class JobType(models.TextChoices):
    GENERATE = "generate", "Generate videos"
    UPLOAD = "upload", "Upload ready videos"
    CLEANUP = "cleanup", "Clean up files and logs"
    METRICS = "metrics", "Refresh engagement"
    ANALYZE = "analyze", "Snapshot stats and raise alerts"


# What each type accepts in `parameters`, with its default and bounds.
PARAMETER_SPECS: dict[str, dict[str, tuple[int, int, int]]] = {
    JobType.GENERATE: {"videos_per_run": (1, 1, 100)},
    JobType.UPLOAD: {"uploads_per_run": (1, 1, 50)},
    JobType.CLEANUP: {"retention_days": (7, 0, 3650), "log_retention_days": (30, 1, 3650)},
    JobType.METRICS: {"limit": (100, 1, 1000)},
    JobType.ANALYZE: {},
}


def platform_choices() -> list[tuple[str, str]]:
    return [(ALL_PLATFORMS, "All platforms"), *Platform.choices]


class AutomationJob(TimeStampedModel):
    """A scheduled piece of work of one user, driven by its django-celery-beat PeriodicTask.

    `running_since` is the overlap guard: a run claims the job by setting it (a conditional
    update), a tick that finds it set records a `skipped` run; a claim older than
    JOB_RUN_TIMEOUT_SECONDS belongs to a dead worker and may be taken over.
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="automation_jobs")
    name = models.CharField(max_length=200)
    job_type = models.CharField(max_length=16, choices=JobType.choices)
    platform = models.CharField(max_length=16, default=ALL_PLATFORMS, choices=platform_choices())
    campaign = models.ForeignKey(
        "production.Campaign", null=True, blank=True, on_delete=models.SET_NULL, related_name="automation_jobs"
    )
    parameters = models.JSONField(default=dict, blank=True)
    cron = models.CharField(max_length=120, help_text="Five fields: minute hour day-of-month month day-of-week")
    time_zone = models.CharField(max_length=64, default="UTC")
    enabled = models.BooleanField(default=True)
    standard = models.CharField(
        max_length=16, blank=True, help_text="Set on the jobs initialize-automation manages (generate/upload/cleanup)"
    )
    periodic_task = models.OneToOneField(
        "django_celery_beat.PeriodicTask", null=True, blank=True, on_delete=models.SET_NULL, related_name="job"
    )
    running_since = models.DateTimeField(null=True, blank=True)
    running_task_id = models.CharField(max_length=255, blank=True)
    cancel_requested = models.BooleanField(default=False)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_status = models.CharField(max_length=16, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                "owner",
                "name",
                name="unique_job_name_per_owner",
                violation_error_message="You already have a job with this name.",
            ),
            models.UniqueConstraint(
                "owner",
                "standard",
                condition=~Q(standard=""),
                name="one_standard_job_per_kind",
                violation_error_message="You already have this standard job.",
            ),
        ]
        indexes = [models.Index(fields=["owner", "enabled"], name="job_owner_enabled")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.platform != ALL_PLATFORMS and self.platform not in Platform.values:
            raise ValidationError({"platform": f"Choose 'all' or one of: {', '.join(Platform.values)}."})
        if self.campaign_id and self.campaign.owner_id != self.owner_id:
            raise ValidationError({"campaign": "Not one of your campaigns."})
        if self.campaign_id and self.job_type != JobType.GENERATE:
            raise ValidationError({"campaign": "Only generate jobs take a campaign."})

    def parameter(self, name: str) -> int:
        default = PARAMETER_SPECS[self.job_type][name][0]
        return int(self.parameters.get(name, default))


class RunStatus(models.TextChoices):
    RUNNING = "running", "Running"
    SUCCESS = "success", "Success"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped"
    CANCELLED = "cancelled", "Cancelled"


class RunTrigger(models.TextChoices):
    SCHEDULE = "schedule", "Schedule"
    MANUAL = "manual", "Run now"


class JobRun(models.Model):
    """One execution (or skipped tick) of a job: timing, outcome and what it did."""

    job = models.ForeignKey(AutomationJob, on_delete=models.CASCADE, related_name="runs")
    status = models.CharField(max_length=16, choices=RunStatus.choices, default=RunStatus.RUNNING)
    trigger = models.CharField(max_length=16, choices=RunTrigger.choices, default=RunTrigger.SCHEDULE)
    task_id = models.CharField(max_length=255, blank=True)
    worker = models.CharField(max_length=200, blank=True)
    started_at = models.DateTimeField(db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_seconds = models.FloatField(null=True, blank=True)
    # e.g. {"generated": 2}, {"uploads": 3, "published": 3}, {"files_removed": 4, "bytes_freed": 123}
    counts = models.JSONField(default=dict, blank=True)
    message = models.CharField(max_length=500, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["job", "-started_at"], name="run_job_recent"),
            models.Index(fields=["status"], name="run_status", condition=Q(status="running")),
        ]

    def __str__(self) -> str:
        return f"{self.job} at {self.started_at:%Y-%m-%d %H:%M} ({self.status})"


class Period(models.TextChoices):
    HOUR = "hour", "Hour"
    DAY = "day", "Day"


class StatsSnapshot(models.Model):
    """One owner's numbers over one hour or day (owner null: the whole system)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="stats_snapshots"
    )
    period = models.CharField(max_length=8, choices=Period.choices)
    period_start = models.DateTimeField()
    computed_at = models.DateTimeField()
    videos_generated = models.PositiveIntegerField(default=0)
    videos_rendered = models.PositiveIntegerField(default=0)
    videos_failed = models.PositiveIntegerField(default=0)
    render_seconds_avg = models.FloatField(null=True, blank=True)
    uploads_succeeded = models.PositiveIntegerField(default=0)
    uploads_failed = models.PositiveIntegerField(default=0)
    # {"tiktok": {"success": 3, "failed": 1}, ...}
    uploads_by_platform = models.JSONField(default=dict, blank=True)
    render_success_rate = models.FloatField(null=True, blank=True)
    upload_success_rate = models.FloatField(null=True, blank=True)
    views = models.PositiveBigIntegerField(default=0)
    engagement = models.PositiveBigIntegerField(default=0)
    queue_depth = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-period_start", "-id"]
        constraints = [
            # Coalesce: the system-wide row (owner null) is unique too, on every database.
            models.UniqueConstraint(
                Coalesce("owner", 0), "period", "period_start", name="one_snapshot_per_owner_period"
            ),
        ]
        indexes = [models.Index(fields=["owner", "period", "-period_start"], name="snapshot_owner_period")]

    def __str__(self) -> str:
        return f"{self.owner or 'system'} · {self.period} {self.period_start:%Y-%m-%d %H:%M}"


class Severity(models.TextChoices):
    INFO = "info", "Info"
    WARNING = "warning", "Warning"
    CRITICAL = "critical", "Critical"


class AlertKind(models.TextChoices):
    RENDER_FAILURES = "render_failures", "Render failure rate"
    ACCOUNT_ATTENTION = "account_attention", "Account needs attention"
    ACCOUNT_AT_LIMIT = "account_at_limit", "Account at its limit"
    PLATFORM_CAP = "platform_cap", "Platform cap reached"
    WORKER_MISSING = "worker_missing", "No worker"
    DISK_LOW = "disk_low", "Disk space low"
    JOB_FAILING = "job_failing", "Job failing repeatedly"


class Alert(TimeStampedModel):
    """Something an owner (or, owner null, an operator) should look at.

    Deduplicated by (owner, kind, subject) while open: raising it again counts and bumps
    `last_seen_at`. Acknowledging closes it; the next occurrence opens a new one.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    severity = models.CharField(max_length=16, choices=Severity.choices, default=Severity.WARNING)
    kind = models.CharField(max_length=32, choices=AlertKind.choices)
    subject = models.CharField(max_length=200, help_text="What the alert is about, e.g. account:12 or job:3")
    message = models.CharField(max_length=1000)
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    count = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_seen_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                Coalesce("owner", 0),
                "kind",
                "subject",
                condition=Q(acknowledged_at__isnull=True),
                name="one_open_alert_per_subject",
            ),
        ]
        indexes = [models.Index(fields=["owner", "acknowledged_at", "-last_seen_at"], name="alert_owner_open")]

    def __str__(self) -> str:
        return f"[{self.severity}] {self.message[:80]}"

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None


class WorkerHeartbeat(models.Model):
    """Written by every Celery worker every few seconds; /readyz wants a recent one."""

    hostname = models.CharField(max_length=255, unique=True)
    pid = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField()
    last_seen_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-last_seen_at"]

    def __str__(self) -> str:
        return self.hostname
