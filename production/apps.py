from django.apps import AppConfig


class ProductionConfig(AppConfig):
    name = "production"
    verbose_name = "Production: campaigns, queue and rendering"

    def ready(self) -> None:
        from django.urls import reverse

        from library.guards import Usage, register_delete_guard, register_usage_provider
        from production.models import QueueItem, QueueStatus

        @register_delete_guard
        def _used_by_open_work(asset) -> str | None:
            active = QueueItem.objects.filter(
                assets=asset, status__in=[QueueStatus.PENDING, QueueStatus.PROCESSING]
            ).count()
            return f"it is used by {active} pending or rendering queue item(s)" if active else None

        @register_usage_provider
        def _queue_items_using(asset, limit: int) -> list[Usage]:
            items = QueueItem.objects.filter(assets=asset).select_related("campaign").order_by("-created_at")[:limit]
            return [
                Usage(
                    label=f"{item.campaign.name if item.campaign_id else 'Video'} · {str(item.queue_id)[:8]}",
                    url=reverse("production:queue-item", args=[item.queue_id]),
                    status=item.status,
                    when=item.created_at,
                )
                for item in items
            ]
