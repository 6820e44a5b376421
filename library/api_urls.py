from rest_framework.routers import SimpleRouter

from library import apis

router = SimpleRouter(trailing_slash="/?")
router.register("media", apis.MediaAssetViewSet, basename="media-asset")

urlpatterns = router.urls
