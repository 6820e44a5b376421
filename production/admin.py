from django.contrib import admin, messages
from django.utils.html import format_html

from common.errors import ApplicationError
from production.models import BatchJob, Campaign, QueueItem, QueueLog
from production.services import batches, campaigns, queue


def _run_each(modeladmin, request, queryset, service, done: str):
    """Run a service on each selected row; business-rule refusals become warnings."""
    count = 0
    for obj in queryset:
        try:
            service(obj)
            count += 1
        except ApplicationError as exc:
            modeladmin.message_user(request, f"{obj}: {exc.message}", messages.WARNING)
    if count:
        modeladmin.message_user(request, f"{done} {count}.", messages.SUCCESS)


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "owner",
        "status",
        "content_type",
        "videos_per_run",
        "videos_generated",
        "last_generated_at",
    )
    list_filter = ("status", "content_type", "distribution_strategy")
    search_fields = ("name", "description", "owner__username")
    list_select_related = ("owner",)
    raw_id_fields = ("owner",)
    filter_horizontal = ("target_accounts",)
    readonly_fields = (
        "videos_generated",
        "last_generated_at",
        "pool_exhausted_at",
        "pool_message",
        "created_at",
        "updated_at",
    )
    actions = ["activate", "pause", "generate_now"]

    def _transition(self, request, queryset, action, done):
        _run_each(
            self, request, queryset, lambda item: campaigns.campaign_transition(campaign=item, action=action), done
        )

    @admin.action(description="Activate selected campaigns")
    def activate(self, request, queryset):
        self._transition(request, queryset, "activate", "Activated")

    @admin.action(description="Pause selected campaigns")
    def pause(self, request, queryset):
        self._transition(request, queryset, "pause", "Paused")

    @admin.action(description="Generate one run of videos now")
    def generate_now(self, request, queryset):
        _run_each(self, request, queryset, lambda item: campaigns.campaign_generate(campaign=item), "Generated for")


class QueueLogInline(admin.TabularInline):
    model = QueueLog
    extra = 0
    can_delete = False
    fields = ("created_at", "level", "message")
    readonly_fields = fields
    max_num = 0


@admin.register(QueueItem)
class QueueItemAdmin(admin.ModelAdmin):
    list_display = (
        "queue_id",
        "owner",
        "status",
        "priority",
        "platform",
        "progress_bar",
        "attempts",
        "campaign",
        "created_at",
    )
    list_filter = ("status", "priority", "platform", "content_type", "campaign")
    search_fields = ("queue_id", "owner__username", "campaign__name", "last_error")
    list_select_related = ("owner", "campaign")
    raw_id_fields = ("owner", "campaign", "batch", "output_asset")
    readonly_fields = (
        "queue_id",
        "attempts",
        "error_count",
        "lease_owner",
        "lease_expires_at",
        "heartbeat_at",
        "started_at",
        "completed_at",
        "render_seconds",
        "output_path",
        "command",
        "last_error",
        "created_at",
        "updated_at",
    )
    exclude = ("assets",)
    inlines = [QueueLogInline]
    actions = ["retry", "cancel", "requeue"]

    @admin.display(description="Progress")
    def progress_bar(self, obj):
        return format_html('<progress max="100" value="{}"></progress> {}%', int(obj.progress), int(obj.progress))

    @admin.action(description="Retry selected failed/cancelled items")
    def retry(self, request, queryset):
        _run_each(self, request, queryset, lambda item: queue.queue_item_retry(item=item), "Retried")

    @admin.action(description="Cancel selected items")
    def cancel(self, request, queryset):
        _run_each(self, request, queryset, lambda item: queue.queue_item_cancel(item=item), "Cancelled")

    @admin.action(description="Requeue: render again from scratch")
    def requeue(self, request, queryset):
        _run_each(self, request, queryset, lambda item: queue.queue_item_retry(item=item, rerender=True), "Requeued")


@admin.register(BatchJob)
class BatchJobAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "batch_type", "status", "concurrency_limit", "started_at", "finished_at")
    list_filter = ("status", "batch_type")
    search_fields = ("name", "owner__username")
    list_select_related = ("owner",)
    raw_id_fields = ("owner", "campaign")
    actions = ["pause", "resume", "cancel"]

    @admin.action(description="Pause selected batches")
    def pause(self, request, queryset):
        _run_each(self, request, queryset, lambda b: batches.batch_pause(batch=b), "Paused")

    @admin.action(description="Resume selected batches")
    def resume(self, request, queryset):
        _run_each(self, request, queryset, lambda b: batches.batch_resume(batch=b), "Resumed")

    @admin.action(description="Cancel selected batches")
    def cancel(self, request, queryset):
        _run_each(self, request, queryset, lambda b: batches.batch_cancel(batch=b), "Cancelled")


@admin.register(QueueLog)
class QueueLogAdmin(admin.ModelAdmin):
    list_display = ("created_at", "item", "level", "message")
    list_filter = ("level",)
    search_fields = ("message", "item__queue_id")
    list_select_related = ("item",)
    raw_id_fields = ("item",)
    date_hierarchy = "created_at"

    def has_change_permission(self, request, obj=None):
        return False  # an audit trail
