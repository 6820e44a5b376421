from __future__ import annotations

from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from common.errors import ApplicationError
from monitoring import selectors
from monitoring.models import Alert, AlertKind, AutomationJob, JobRun, JobType, RunStatus, Severity, StatsSnapshot
from monitoring.serializers import (
    AlertSerializer,
    InitializeAutomationSerializer,
    InitializeResultSerializer,
    JobInputSerializer,
    JobRunSerializer,
    JobSerializer,
    JobStatsSerializer,
    JobUpdateSerializer,
    RunNowResultSerializer,
    SnapshotQuerySerializer,
    SnapshotSerializer,
    StopAllResultSerializer,
    SystemStatusQuerySerializer,
    SystemStatusSerializer,
)
from monitoring.services import alerts, jobs
from production.selectors import campaign_list

CREATE_EXAMPLES = [
    OpenApiExample(
        "Generate two videos every hour",
        value={
            "name": "Hourly videos",
            "job_type": "generate",
            "cron": "0 * * * *",
            "parameters": {"videos_per_run": 2},
        },
        request_only=True,
    ),
    OpenApiExample(
        "Upload three videos to TikTok every 2 hours on weekdays",
        value={
            "name": "TikTok uploads",
            "job_type": "upload",
            "cron": "0 */2 * * 1-5",
            "platform": "tiktok",
            "parameters": {"uploads_per_run": 3},
        },
        request_only=True,
    ),
]


def _campaign_or_400(user, campaign_id):
    if campaign_id is None:
        return None
    campaign = campaign_list(user=user).filter(pk=campaign_id).first()
    if campaign is None:
        raise ApplicationError("No campaign with this id among yours.", fields={"campaign": ["Not found."]})
    return campaign


class JobFilter(filters.FilterSet):
    job_type = filters.ChoiceFilter(choices=JobType.choices)
    enabled = filters.BooleanFilter()

    class Meta:
        model = AutomationJob
        fields = ["job_type", "enabled"]


class RunFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=RunStatus.choices)

    class Meta:
        model = JobRun
        fields = ["status"]


@extend_schema_view(
    list=extend_schema(summary="Your automation jobs (cron in words, next run, last status)"),
    retrieve=extend_schema(summary="One job"),
    destroy=extend_schema(summary="Delete a job, its history and its schedule"),
)
class JobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    serializer_class = JobSerializer
    filterset_class = JobFilter
    search_fields = ["name"]
    ordering_fields = ["name", "created_at", "last_run_at", "job_type"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return AutomationJob.objects.none()
        return selectors.job_list(user=self.request.user)

    @extend_schema(
        request=JobInputSerializer, responses={201: JobSerializer}, examples=CREATE_EXAMPLES, summary="Create a job"
    )
    def create(self, request):
        serializer = JobInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["campaign"] = _campaign_or_400(request.user, data.get("campaign"))
        job = jobs.automation_job_create(owner=request.user, **data)
        return Response(JobSerializer(job).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=JobUpdateSerializer, responses={200: JobSerializer}, summary="Change a job (cron, parameters, …)"
    )
    def partial_update(self, request, pk=None):
        job = self.get_object()
        serializer = JobUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "campaign" in data:
            data["campaign"] = _campaign_or_400(request.user, data["campaign"])
        job = jobs.automation_job_update(job=job, **data)
        return Response(JobSerializer(job).data)

    def perform_destroy(self, instance):
        jobs.automation_job_delete(job=instance)

    @extend_schema(request=None, responses={200: JobSerializer}, summary="Enable the job's schedule")
    @action(detail=True, methods=["post"])
    def enable(self, request, pk=None):
        return Response(JobSerializer(jobs.automation_job_set_enabled(job=self.get_object(), enabled=True)).data)

    @extend_schema(request=None, responses={200: JobSerializer}, summary="Disable the job's schedule")
    @action(detail=True, methods=["post"])
    def disable(self, request, pk=None):
        return Response(JobSerializer(jobs.automation_job_set_enabled(job=self.get_object(), enabled=False)).data)

    @extend_schema(
        request=None, responses={202: RunNowResultSerializer}, summary="Run the job now (outside its schedule)"
    )
    @action(detail=True, methods=["post"], url_path="run-now")
    def run_now(self, request, pk=None):
        job = self.get_object()
        task_id = jobs.automation_job_run_now(job=job)
        return Response({"job": job.pk, "task_id": task_id}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        responses={200: JobRunSerializer(many=True)},
        parameters=[OpenApiParameter("status", enum=RunStatus.values, description="Only runs with this status")],
        filters=False,
        summary="The job's runs, newest first",
    )
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        job = self.get_object()
        run_filter = RunFilter(request.query_params, queryset=selectors.job_run_list(user=request.user, job=job))
        if not run_filter.is_valid():
            raise ApplicationError("Invalid filter.", fields={k: list(v) for k, v in run_filter.errors.items()})
        page = self.paginate_queryset(run_filter.qs)
        return self.get_paginated_response(JobRunSerializer(page, many=True).data)

    @extend_schema(responses={200: JobStatsSerializer}, summary="Totals, success rate and the next scheduled runs")
    @action(detail=False, methods=["get"])
    def stats(self, request):
        return Response(JobStatsSerializer(selectors.job_stats(user=request.user)).data)


class InitializeAutomationApi(APIView):
    @extend_schema(
        request=InitializeAutomationSerializer,
        responses={200: InitializeResultSerializer},
        summary="Create or update your three standard jobs (generation, upload, cleanup); idempotent",
        description="camelCase names as in the original client (generationSchedule, …) are accepted too.",
        examples=[
            OpenApiExample(
                "Hourly generation, uploads every 2 hours, cleanup at 03:00",
                value={
                    "generation_schedule": "0 * * * *",
                    "upload_schedule": "0 */2 * * *",
                    "cleanup_schedule": "0 3 * * *",
                    "videos_per_generation": 1,
                    "uploads_per_run": 2,
                },
                request_only=True,
            )
        ],
    )
    def post(self, request):
        serializer = InitializeAutomationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        created = jobs.automation_initialize(owner=request.user, **serializer.validated_data)
        return Response({"jobs": JobSerializer(created, many=True).data})


class RunningJobsApi(APIView):
    @extend_schema(responses={200: JobRunSerializer(many=True)}, summary="Your runs in progress")
    def get(self, request):
        return Response(JobRunSerializer(selectors.running_runs(user=request.user), many=True).data)


class StopAllJobsApi(APIView):
    @extend_schema(
        request=None, responses={200: StopAllResultSerializer}, summary="Disable all your jobs and stop their runs"
    )
    def post(self, request):
        result = jobs.automation_jobs_stop_all(owner=request.user)
        return Response({"disabled": result.disabled, "stopped": result.stopped})


class SystemStatusApi(APIView):
    @extend_schema(
        parameters=[SystemStatusQuerySerializer],
        responses={200: SystemStatusSerializer},
        summary="Queue, uploads, accounts, jobs and running jobs together",
    )
    def get(self, request):
        query = SystemStatusQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        scope = query.validated_data.get("scope") or ("global" if request.user.is_staff else "user")
        if scope == "global" and not request.user.is_staff:
            raise ApplicationError("Only operators see the global status.", fields={"scope": ["Use 'user'."]})
        data = selectors.system_status(user=request.user, everyone=scope == "global")
        return Response(SystemStatusSerializer(data).data)


class AlertFilter(filters.FilterSet):
    open = filters.BooleanFilter(field_name="acknowledged_at", lookup_expr="isnull", label="Only open alerts")
    severity = filters.ChoiceFilter(choices=Severity.choices)
    kind = filters.ChoiceFilter(choices=AlertKind.choices)

    class Meta:
        model = Alert
        fields = ["open", "severity", "kind"]


@extend_schema_view(
    list=extend_schema(summary="Your alerts (operators: and the system's), newest first"),
    retrieve=extend_schema(summary="One alert"),
)
class AlertViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = AlertSerializer
    filterset_class = AlertFilter
    search_fields = ["message", "subject"]
    ordering_fields = ["last_seen_at", "first_seen_at", "count", "severity"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Alert.objects.none()
        return selectors.alert_list(user=self.request.user)

    @extend_schema(request=None, responses={200: AlertSerializer}, summary="Acknowledge (close) the alert")
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        alert = alerts.alert_acknowledge(alert=self.get_object(), user=request.user)
        return Response(AlertSerializer(alert).data)


@extend_schema_view(list=extend_schema(summary="Stats snapshots per hour or day", parameters=[SnapshotQuerySerializer]))
class SnapshotViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = SnapshotSerializer
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return StatsSnapshot.objects.none()
        query = SnapshotQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        qs = selectors.snapshot_list(user=self.request.user, system=query.validated_data["system"])
        if query.validated_data.get("period"):
            qs = qs.filter(period=query.validated_data["period"])
        return qs.order_by("-period_start", "-id")
