from django.apps import AppConfig


class ProductionConfig(AppConfig):
    name = "production"
    verbose_name = "Production: campaigns, queue and rendering"

    def ready(self) -> None:
        from library.services import register_delete_guard
        from production.models import QueueItem, QueueStatus

        @register_delete_guard
        def _used_by_open_work(asset) -> str | None:
            active = QueueItem.objects.filter(
                assets=asset, status__in=[QueueStatus.PENDING, QueueStatus.PROCESSING]
            ).count()
            return f"it is used by {active} pending or rendering queue item(s)" if active else None
