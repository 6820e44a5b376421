"""Admin for operators: every write goes through the same services as the API and dashboard."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from common.errors import ApplicationError
from monitoring import cron
from monitoring.models import Alert, AutomationJob, JobRun, StatsSnapshot, WorkerHeartbeat
from monitoring.services import alerts, jobs


class AutomationJobForm(forms.ModelForm):
    class Meta:
        model = AutomationJob
        fields = ["owner", "name", "job_type", "platform", "campaign", "parameters", "cron", "time_zone", "enabled"]

    def clean_cron(self):
        try:
            return cron.parse(self.cleaned_data["cron"]).expression
        except ApplicationError as exc:
            raise ValidationError(exc.message) from None

    def clean(self):
        """What the service would refuse, as form errors (so saving never fails half-way)."""
        data = super().clean()
        job_type = data.get("job_type") or (self.instance.job_type if self.instance.pk else None)
        if job_type and "parameters" in data:
            try:
                data["parameters"] = jobs.clean_parameters(job_type, data["parameters"])
            except ApplicationError as exc:
                self.add_error("parameters", exc.message)
        return data


@admin.register(AutomationJob)
class AutomationJobAdmin(admin.ModelAdmin):
    form = AutomationJobForm
    list_display = ("name", "owner", "job_type", "cron_words", "enabled", "last_status", "last_run_at", "running_since")
    list_filter = ("job_type", "enabled", "last_status")
    search_fields = ("name", "owner__username")
    list_select_related = ("owner",)
    raw_id_fields = ("owner", "campaign")
    readonly_fields = (
        "standard", "periodic_task", "running_since", "last_run_at", "last_status", "consecutive_failures",
        "created_at", "updated_at",
    )  # fmt: skip
    actions = ["enable_jobs", "disable_jobs", "run_jobs_now"]

    def get_readonly_fields(self, request, obj=None):
        # The owner and the type are fixed once a job exists (its runs and schedule belong to them).
        return (*self.readonly_fields, "owner", "job_type") if obj else self.readonly_fields

    @admin.display(description="Schedule")
    def cron_words(self, job: AutomationJob) -> str:
        return f"{cron.describe(job.cron)} ({job.cron}, {job.time_zone})"

    def save_model(self, request, obj, form, change):
        fields = [name for name in AutomationJobForm.Meta.fields if name in form.cleaned_data and name != "owner"]
        data = {name: form.cleaned_data[name] for name in fields}
        if change:
            data.pop("job_type", None)
            saved = jobs.automation_job_update(job=AutomationJob.objects.get(pk=obj.pk), **data)
        else:
            saved = jobs.automation_job_create(owner=form.cleaned_data["owner"], **data)
        obj.pk = saved.pk
        obj.refresh_from_db()

    def delete_model(self, request, obj):
        jobs.automation_job_delete(job=obj)

    def delete_queryset(self, request, queryset):
        for job in queryset:
            jobs.automation_job_delete(job=job)

    @admin.action(description="Enable the selected jobs")
    def enable_jobs(self, request, queryset):
        for job in queryset:
            jobs.automation_job_set_enabled(job=job, enabled=True)
        self.message_user(request, f"Enabled {queryset.count()} job(s).")

    @admin.action(description="Disable the selected jobs")
    def disable_jobs(self, request, queryset):
        for job in queryset:
            jobs.automation_job_set_enabled(job=job, enabled=False)
        self.message_user(request, f"Disabled {queryset.count()} job(s).")

    @admin.action(description="Run the selected jobs now")
    def run_jobs_now(self, request, queryset):
        for job in queryset:
            jobs.automation_job_run_now(job=job)
        self.message_user(request, f"Queued {queryset.count()} run(s).")


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    list_display = ("job", "status", "trigger", "started_at", "duration_seconds", "counts", "worker")
    list_filter = ("status", "trigger")
    search_fields = ("job__name", "job__owner__username", "task_id")
    list_select_related = ("job",)
    date_hierarchy = "started_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ("message", "severity", "kind", "owner", "count", "last_seen_at", "acknowledged_at")
    list_filter = ("severity", "kind", ("acknowledged_at", admin.EmptyFieldListFilter))
    search_fields = ("message", "subject", "owner__username")
    list_select_related = ("owner", "acknowledged_by")
    readonly_fields = (
        "owner", "severity", "kind", "subject", "message", "first_seen_at", "last_seen_at", "count",
        "acknowledged_at", "acknowledged_by", "notified_at", "created_at", "updated_at",
    )  # fmt: skip
    actions = ["acknowledge"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Acknowledge the selected alerts")
    def acknowledge(self, request, queryset):
        for alert in queryset:
            alerts.alert_acknowledge(alert=alert, user=request.user)
        self.message_user(request, f"Acknowledged {queryset.count()} alert(s).")


@admin.register(StatsSnapshot)
class StatsSnapshotAdmin(admin.ModelAdmin):
    list_display = (
        "period_start", "period", "owner", "videos_generated", "videos_rendered", "videos_failed",
        "uploads_succeeded", "uploads_failed", "views", "queue_depth",
    )  # fmt: skip
    list_filter = ("period",)
    search_fields = ("owner__username",)
    list_select_related = ("owner",)
    date_hierarchy = "period_start"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ("hostname", "pid", "started_at", "last_seen_at")
    readonly_fields = ("hostname", "pid", "started_at", "last_seen_at")

    def has_add_permission(self, request):
        return False
