from django.urls import re_path

from common.api import OptionalSlashRouter
from production import apis

router = OptionalSlashRouter()
router.register("queue", apis.QueueViewSet, basename="queue")
router.register("campaigns", apis.CampaignViewSet, basename="campaign")
router.register("batches", apis.BatchJobViewSet, basename="batch")

urlpatterns = [
    re_path(r"^workflow/generate/?$", apis.WorkflowGenerateApi.as_view(), name="workflow-generate"),
    re_path(r"^workflow/process-next/?$", apis.WorkflowProcessNextApi.as_view(), name="workflow-process-next"),
    re_path(
        r"^workflow/status/(?P<queue_id>[0-9a-fA-F-]{36})/?$", apis.WorkflowStatusApi.as_view(), name="workflow-status"
    ),
    *router.urls,
]
