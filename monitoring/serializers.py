from __future__ import annotations

import zoneinfo

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from monitoring import cron, selectors
from monitoring.models import (
    Alert,
    AutomationJob,
    JobRun,
    JobType,
    Period,
    StatsSnapshot,
    platform_choices,
)
from monitoring.services.jobs import DEFAULT_SCHEDULES


class CronField(serializers.CharField):
    """Five cron fields; the reason a value is wrong comes from monitoring.cron."""

    def to_internal_value(self, data):
        from common.errors import ApplicationError

        value = super().to_internal_value(data)
        try:
            return cron.parse(value).expression
        except ApplicationError as exc:
            raise serializers.ValidationError(exc.message) from None


def _validate_time_zone(value: str) -> str:
    if value not in zoneinfo.available_timezones():
        raise serializers.ValidationError(f"{value!r} is not a known time zone (e.g. Europe/Berlin).")
    return value


class JobRunSerializer(serializers.ModelSerializer):
    job_name = serializers.CharField(source="job.name", read_only=True)

    class Meta:
        model = JobRun
        fields = [
            "id", "job", "job_name", "status", "trigger", "started_at", "finished_at", "duration_seconds",
            "counts", "message", "error", "worker", "task_id",
        ]  # fmt: skip
        read_only_fields = fields


class JobSerializer(serializers.ModelSerializer):
    cron_description = serializers.SerializerMethodField()
    next_run_at = serializers.SerializerMethodField()
    running = serializers.SerializerMethodField()

    class Meta:
        model = AutomationJob
        fields = [
            "id", "name", "job_type", "platform", "campaign", "parameters", "cron", "cron_description",
            "time_zone", "enabled", "standard", "next_run_at", "running", "running_since", "last_run_at",
            "last_status", "consecutive_failures", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_cron_description(self, job) -> str:
        return cron.describe(job.cron)

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_next_run_at(self, job):
        return selectors.job_next_run(job)

    def get_running(self, job) -> bool:
        return job.running_since is not None


class JobInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    job_type = serializers.ChoiceField(choices=JobType.choices)
    cron = CronField(max_length=cron.MAX_LENGTH, help_text="minute hour day-of-month month day-of-week")
    platform = serializers.ChoiceField(choices=platform_choices(), default="all")
    campaign = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    parameters = serializers.DictField(required=False, default=dict, help_text='e.g. {"videos_per_run": 2}')
    enabled = serializers.BooleanField(default=True)
    time_zone = serializers.CharField(max_length=64, required=False, validators=[_validate_time_zone])


class JobUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    cron = CronField(max_length=cron.MAX_LENGTH, required=False)
    platform = serializers.ChoiceField(choices=platform_choices(), required=False)
    campaign = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    parameters = serializers.DictField(required=False)
    enabled = serializers.BooleanField(required=False)
    time_zone = serializers.CharField(max_length=64, required=False, validators=[_validate_time_zone])

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError("Send at least one field to change.")
        return attrs


class NextRunSerializer(serializers.Serializer):
    job = serializers.IntegerField(source="job.pk")
    name = serializers.CharField(source="job.name")
    job_type = serializers.CharField(source="job.job_type")
    at = serializers.DateTimeField()


class JobStatsSerializer(serializers.Serializer):
    total_jobs = serializers.IntegerField()
    enabled_jobs = serializers.IntegerField()
    by_type = serializers.DictField(child=serializers.IntegerField())
    total_runs = serializers.IntegerField()
    successful_runs = serializers.IntegerField()
    failed_runs = serializers.IntegerField()
    skipped_runs = serializers.IntegerField()
    success_rate = serializers.FloatField(allow_null=True)
    next_scheduled = NextRunSerializer(many=True)


class InitializeAutomationSerializer(serializers.Serializer):
    generation_schedule = CronField(default=DEFAULT_SCHEDULES["generate"])
    upload_schedule = CronField(default=DEFAULT_SCHEDULES["upload"])
    cleanup_schedule = CronField(default=DEFAULT_SCHEDULES["cleanup"])
    videos_per_generation = serializers.IntegerField(default=1, min_value=1, max_value=100)
    uploads_per_run = serializers.IntegerField(default=2, min_value=1, max_value=50)

    # The seed's client sends camelCase; both spellings are accepted.
    CAMEL = {
        "generationSchedule": "generation_schedule",
        "uploadSchedule": "upload_schedule",
        "cleanupSchedule": "cleanup_schedule",
        "videosPerGeneration": "videos_per_generation",
        "uploadsPerRun": "uploads_per_run",
    }

    def to_internal_value(self, data):
        if hasattr(data, "items"):
            data = {self.CAMEL.get(key, key): value for key, value in data.items()}
        return super().to_internal_value(data)


class InitializeResultSerializer(serializers.Serializer):
    jobs = JobSerializer(many=True)


class StopAllResultSerializer(serializers.Serializer):
    disabled = serializers.IntegerField(help_text="Jobs that were enabled and are now disabled")
    stopped = serializers.IntegerField(help_text="Runs that were in progress and were asked to stop")


class RunNowResultSerializer(serializers.Serializer):
    job = serializers.IntegerField()
    task_id = serializers.CharField()


class QueueSummarySerializer(serializers.Serializer):
    total = serializers.IntegerField()
    by_status = serializers.DictField(child=serializers.IntegerField())
    depth = serializers.IntegerField(help_text="pending + processing")
    error_rate = serializers.FloatField()


class UploadSummarySerializer(serializers.Serializer):
    total = serializers.IntegerField()
    by_status = serializers.DictField(child=serializers.IntegerField())
    by_platform = serializers.DictField(child=serializers.IntegerField())
    success_rate = serializers.FloatField(allow_null=True)


class AccountSummarySerializer(serializers.Serializer):
    total = serializers.IntegerField()
    active = serializers.IntegerField(help_text="Active and able to post (a working token, or the sandbox)")
    not_connected = serializers.IntegerField(help_text="Active but to be connected before they can post")
    by_status = serializers.DictField(child=serializers.IntegerField())
    by_platform = serializers.DictField(child=serializers.IntegerField())
    posts = serializers.IntegerField()
    views = serializers.IntegerField()


class SystemStatusSerializer(serializers.Serializer):
    scope = serializers.ChoiceField(choices=["user", "global"])
    generated_at = serializers.DateTimeField()
    queue = QueueSummarySerializer()
    uploads = UploadSummarySerializer()
    accounts = AccountSummarySerializer()
    jobs = JobStatsSerializer()
    running_jobs = JobRunSerializer(many=True)


class SystemStatusQuerySerializer(serializers.Serializer):
    scope = serializers.ChoiceField(
        choices=["user", "global"], required=False, help_text="Operators get `global` by default; others only `user`."
    )


class AlertSerializer(serializers.ModelSerializer):
    acknowledged_by = serializers.CharField(source="acknowledged_by.username", read_only=True, allow_null=True)
    scope = serializers.SerializerMethodField()

    class Meta:
        model = Alert
        fields = [
            "id", "scope", "severity", "kind", "subject", "message", "first_seen_at", "last_seen_at", "count",
            "acknowledged_at", "acknowledged_by",
        ]  # fmt: skip
        read_only_fields = fields

    def get_scope(self, alert) -> str:
        return "user" if alert.owner_id else "system"


class SnapshotSerializer(serializers.ModelSerializer):
    class Meta:
        model = StatsSnapshot
        fields = [
            "id", "period", "period_start", "computed_at", "videos_generated", "videos_rendered", "videos_failed",
            "render_seconds_avg", "uploads_succeeded", "uploads_failed", "uploads_by_platform",
            "render_success_rate", "upload_success_rate", "views", "engagement", "queue_depth",
        ]  # fmt: skip
        read_only_fields = fields


class SnapshotQuerySerializer(serializers.Serializer):
    period = serializers.ChoiceField(choices=Period.choices, required=False)
    system = serializers.BooleanField(required=False, default=False, help_text="Operators: system-wide snapshots")
