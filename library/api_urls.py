from common.api import OptionalSlashRouter
from library import apis

router = OptionalSlashRouter()
router.register("media", apis.MediaAssetViewSet, basename="media-asset")

urlpatterns = router.urls
