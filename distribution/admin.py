"""Operators' view of uploads and distributions. Tokens live on accounts and never show here;
attempt bodies were redacted before they were stored."""

from django.contrib import admin, messages
from django.utils.html import format_html

from common.errors import ApplicationError
from distribution.models import Distribution, EngagementSnapshot, Upload, UploadAttempt, UploadStatus
from distribution.services import metrics, publishing


class UploadAttemptInline(admin.TabularInline):
    model = UploadAttempt
    extra = 0
    can_delete = False
    fields = ("created_at", "request_summary", "http_status", "outcome", "error_kind", "duration_ms", "response_body")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Upload)
class UploadAdmin(admin.ModelAdmin):
    list_display = (
        "upload_id", "owner", "account", "platform", "status", "progress_percent", "scheduled_at",
        "retries", "post_link", "created_at",
    )  # fmt: skip
    list_filter = ("status", "platform", "account", "privacy_forced", "first_comment_status")
    search_fields = ("upload_id", "remote_id", "caption", "account__username", "owner__username", "last_error")
    list_select_related = ("owner", "account")
    raw_id_fields = ("owner", "queue_item", "account")
    date_hierarchy = "created_at"
    inlines = [UploadAttemptInline]
    readonly_fields = (
        "upload_id", "owner", "queue_item", "account", "platform", "status", "video_path", "file_size",
        "duration_seconds", "slot_at", "started_at", "completed_at", "next_attempt_at", "upload_url", "remote_id",
        "remote_status", "retries", "error_kind", "last_error", "error_log", "session_url", "publish_id",
        "remote_video_id", "remote_container_id", "bytes_confirmed", "total_bytes", "session_state",
        "privacy_forced", "warnings", "options", "checksum", "first_comment", "first_comment_status",
        "first_comment_id", "first_comment_error", "first_comment_at", "created_at", "updated_at",
    )  # fmt: skip
    actions = ["retry", "reconcile", "cancel"]

    @admin.display(description="progress")
    def progress_percent(self, obj):
        return f"{obj.progress:.0f} %"

    @admin.display(description="post")
    def post_link(self, obj):
        return format_html('<a href="{}" rel="noopener">open</a>', obj.upload_url) if obj.upload_url else "—"

    def _each(self, request, queryset, service, done: str):
        count = 0
        for upload in queryset.select_related("account"):
            try:
                if service(upload) is not None:
                    count += 1
            except ApplicationError as exc:
                self.message_user(request, f"{upload.upload_id}: {exc.message}", messages.WARNING)
        self.message_user(request, f"{done} {count}.", messages.SUCCESS if count else messages.INFO)

    @admin.action(description="Retry selected failed uploads")
    def retry(self, request, queryset):
        self._each(request, queryset, lambda upload: publishing.upload_retry(upload=upload), "Retrying")

    @admin.action(description="Reconcile selected unknown uploads with the platform now")
    def reconcile(self, request, queryset):
        def check(upload):
            if upload.status != UploadStatus.UNKNOWN:
                raise ApplicationError(f"Only unknown outcomes are reconciled (this one is {upload.status}).")
            Upload.objects.filter(pk=upload.pk).update(next_attempt_at=None)
            return publishing.upload_reconcile(upload_id=upload.pk)

        self._each(request, queryset, check, "Reconciled")

    @admin.action(description="Cancel selected pending or scheduled uploads")
    def cancel(self, request, queryset):
        self._each(request, queryset, lambda upload: publishing.upload_cancel(upload=upload), "Cancelled")


@admin.register(UploadAttempt)
class UploadAttemptAdmin(admin.ModelAdmin):
    list_display = ("created_at", "upload", "request_summary", "http_status", "outcome", "error_kind", "duration_ms")
    list_filter = ("outcome", "error_kind", "upload__platform")
    search_fields = ("upload__upload_id", "request_summary")
    list_select_related = ("upload",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EngagementSnapshotInline(admin.TabularInline):
    model = EngagementSnapshot
    extra = 0
    can_delete = False
    fields = ("fetched_at", "views", "likes", "comments", "shares", "saves")
    readonly_fields = fields
    max_num = 0
    ordering = ("-fetched_at",)


@admin.register(Distribution)
class DistributionAdmin(admin.ModelAdmin):
    list_display = (
        "remote_id", "owner", "account", "platform", "status", "views", "likes", "comments", "shares",
        "published_at", "last_fetched_at",
    )  # fmt: skip
    list_filter = ("platform", "status", "account")
    search_fields = ("remote_id", "url", "account__username", "owner__username")
    list_select_related = ("owner", "account")
    raw_id_fields = ("upload", "owner", "queue_item", "account")
    readonly_fields = ("views", "likes", "comments", "shares", "saves", "last_fetched_at", "fetch_error")
    inlines = [EngagementSnapshotInline]
    actions = ["fetch_now"]

    @admin.action(description="Fetch metrics now")
    def fetch_now(self, request, queryset):
        for distribution in queryset.select_related("account"):
            metrics.distribution_fetch_metrics(distribution=distribution)
        self.message_user(request, f"Fetched {queryset.count()}.", messages.SUCCESS)


@admin.register(EngagementSnapshot)
class EngagementSnapshotAdmin(admin.ModelAdmin):
    list_display = ("distribution", "fetched_at", "views", "likes", "comments", "shares", "saves")
    list_filter = ("distribution__platform",)
    search_fields = ("distribution__remote_id", "distribution__account__username")
    list_select_related = ("distribution",)
    raw_id_fields = ("distribution",)
    date_hierarchy = "fetched_at"

    def has_change_permission(self, request, obj=None):
        return False  # history as it was fetched
