from django.urls import re_path

from common.api import OptionalSlashRouter
from monitoring import apis

router = OptionalSlashRouter()
router.register("jobs", apis.JobViewSet, basename="job")
router.register("alerts", apis.AlertViewSet, basename="alert")
router.register("snapshots", apis.SnapshotViewSet, basename="snapshot")

urlpatterns = [
    re_path(
        r"^workflow/initialize-automation/?$",
        apis.InitializeAutomationApi.as_view(),
        name="workflow-initialize-automation",
    ),
    re_path(r"^workflow/running-jobs/?$", apis.RunningJobsApi.as_view(), name="workflow-running-jobs"),
    re_path(r"^workflow/stop-all-jobs/?$", apis.StopAllJobsApi.as_view(), name="workflow-stop-all-jobs"),
    re_path(r"^system/status/?$", apis.SystemStatusApi.as_view(), name="system-status"),
    *router.urls,
]
