from django.urls import re_path

from common.api import OptionalSlashRouter
from distribution import apis

router = OptionalSlashRouter()
router.register("uploads", apis.UploadViewSet, basename="upload")
router.register("scheduled-posts", apis.ScheduledPostViewSet, basename="scheduled-post")
router.register("distributions", apis.DistributionViewSet, basename="distribution")

urlpatterns = [
    re_path(r"^workflow/upload-next/?$", apis.WorkflowUploadNextApi.as_view(), name="workflow-upload-next"),
    re_path(r"^trends/keywords/?$", apis.TrendKeywordsApi.as_view(), name="trend-keywords"),
    *router.urls,
]
