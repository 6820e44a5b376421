from celery import shared_task

from library import services
from library.models import MediaAsset


@shared_task(acks_late=True, soft_time_limit=15 * 60, time_limit=16 * 60)
def media_asset_import_url_task(asset_id: int) -> None:
    """Fetch a URL import; the asset ends ready, or rejected with the reason."""
    asset = MediaAsset.objects.filter(pk=asset_id).first()
    if asset is not None:
        services.media_asset_fetch(asset=asset)
