from __future__ import annotations

from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.platforms import Platform
from accounts.selectors import social_account_list
from common.errors import ApplicationError
from distribution import selectors
from distribution.models import Distribution, DistributionStatus, Upload, UploadStatus
from distribution.serializers import (
    BEST,
    DistributionDetailSerializer,
    DistributionSerializer,
    RecentQuerySerializer,
    RetryFailedResultSerializer,
    ScheduledPostCreateSerializer,
    SummaryQuerySerializer,
    SummaryRowSerializer,
    TrendKeywordSerializer,
    TrendQuerySerializer,
    UploadDetailSerializer,
    UploadNextResultSerializer,
    UploadNextSerializer,
    UploadRegisterSerializer,
    UploadRetryFailedSerializer,
    UploadSerializer,
    UploadStatsSerializer,
)
from distribution.services import metrics, publishing, reservation, sending, workflow
from production.selectors import queue_item_list

UUID_REGEX = r"[0-9a-fA-F-]{36}"
REGISTER_EXAMPLES = [
    OpenApiExample(
        "Best TikTok account",
        value={"queue_item": "6f1c2e1e-3d7b-4a51-9d7e-0c2b9a1f4e11", "account": "best", "platform": "tiktok"},
        request_only=True,
    ),  # fmt: skip
    OpenApiExample(
        "One account, scheduled",
        value={
            "queue_item": "6f1c2e1e-3d7b-4a51-9d7e-0c2b9a1f4e11",
            "account": 12,
            "privacy": "public",
            "scheduled_at": "2030-05-01T18:00:00Z",
        },
        request_only=True,
    ),  # fmt: skip
    OpenApiExample(
        "With a first comment, labelled AI-made",
        value={
            "queue_item": "6f1c2e1e-3d7b-4a51-9d7e-0c2b9a1f4e11",
            "account": "best",
            "platform": "youtube",
            "first_comment": "Which colour next? Tell us below",
            "synthetic": True,
        },
        request_only=True,
    ),  # fmt: skip
]


class UploadFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=UploadStatus.choices)
    platform = filters.ChoiceFilter(choices=Platform.choices)
    account = filters.NumberFilter(field_name="account_id")
    queue_item = filters.UUIDFilter(field_name="queue_item__queue_id")
    scheduled = filters.BooleanFilter(field_name="scheduled_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Upload
        fields = ["status", "platform", "account", "queue_item", "scheduled"]


def _register(request, serializer_class) -> Response:
    """Send one video to one account (or the best one), from a validated request body."""
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    item = queue_item_list(user=request.user).filter(queue_id=data["queue_item"]).first()
    if item is None:
        raise ApplicationError("No video with this id among yours.", fields={"queue_item": ["Not found."]})
    account = None
    if data["account"] != BEST:
        account = social_account_list(user=request.user).filter(pk=data["account"]).first()
        if account is None:
            raise ApplicationError("No account with this id among yours.", fields={"account": ["Not found."]})
    sent = sending.uploads_send(
        item=item,
        targets=[sending.Target(account=account, platform=data.get("platform"))],
        scheduled_at=data.get("scheduled_at"),
        privacy=data["privacy"],
        options={"tiktok_mode": data["tiktok_mode"]} if data.get("tiktok_mode") else None,
        first_comment=data.get("first_comment"),
        synthetic=data.get("synthetic", False),
    )
    if sent.refusals:
        raise reservation.refusal_error(sent.refusals[0])
    upload = sent.uploads[0]
    body = UploadSerializer(upload).data
    return Response(body, status=status.HTTP_201_CREATED if sent.created(upload) else status.HTTP_200_OK)


@extend_schema_view(
    list=extend_schema(summary="Your uploads (filter by status, platform, account, queue item, scheduled)"),
    retrieve=extend_schema(summary="One upload with its HTTP attempts", responses=UploadDetailSerializer),
)
class UploadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_field = "upload_id"
    lookup_value_regex = UUID_REGEX
    filterset_class = UploadFilter
    search_fields = ["caption", "title", "remote_id", "account__username"]
    ordering_fields = ["created_at", "slot_at", "scheduled_at", "completed_at", "status", "file_size"]
    ordering = ["-created_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Upload.objects.none()
        if self.action == "retrieve":
            return selectors.upload_detail(user=self.request.user)
        return selectors.upload_list(user=self.request.user)

    def get_serializer_class(self):
        return UploadDetailSerializer if self.action == "retrieve" else UploadSerializer

    @extend_schema(
        request=UploadRegisterSerializer,
        responses={201: UploadSerializer, 200: UploadSerializer},
        summary="Register an upload: a ready video to one account or the best one (idempotent per pair)",
        examples=REGISTER_EXAMPLES,
    )
    def create(self, request):
        return _register(request, UploadRegisterSerializer)

    @extend_schema(responses=UploadStatsSerializer, summary="Totals, by status, success rate, size and durations")
    @action(detail=False, methods=["get"])
    def stats(self, request):
        return Response(UploadStatsSerializer(selectors.upload_stats(user=request.user)).data)

    @extend_schema(responses=UploadSerializer, summary="The upload a worker will send next (404 if none)")
    @action(detail=False, methods=["get"], url_path="next-pending")
    def next_pending(self, request):
        upload = selectors.upload_next_pending(user=request.user)
        if upload is None:
            raise ApplicationError("No upload is waiting.", code="nothing_pending")
        return Response(UploadSerializer(upload).data)

    def _page(self, qs):
        page = self.paginate_queryset(self.filter_queryset(qs))
        return self.get_paginated_response(UploadSerializer(page, many=True).data)

    @extend_schema(responses=UploadSerializer(many=True), summary="The uploads of one of your videos")
    @action(detail=False, methods=["get"], url_path=rf"by-queue-item/(?P<queue_id>{UUID_REGEX})")
    def by_queue_item(self, request, queue_id=None):
        item = get_object_or_404(queue_item_list(user=request.user), queue_id=queue_id)
        return self._page(selectors.upload_list(user=request.user).filter(queue_item=item))

    @extend_schema(responses=UploadSerializer(many=True), summary="The uploads to one of your accounts")
    @action(detail=False, methods=["get"], url_path=r"by-account/(?P<account_id>\d+)")
    def by_account(self, request, account_id=None):
        account = get_object_or_404(social_account_list(user=request.user), pk=account_id)
        return self._page(selectors.upload_list(user=request.user).filter(account=account))

    @extend_schema(
        responses=UploadSerializer(many=True),
        summary="Your uploads in one status",
        parameters=[OpenApiParameter("upload_status", str, OpenApiParameter.PATH, enum=UploadStatus.values)],
    )
    @action(detail=False, methods=["get"], url_path=r"by-status/(?P<upload_status>\w+)")
    def by_status(self, request, upload_status=None):
        if upload_status not in UploadStatus.values:
            raise ApplicationError(
                f"Unknown status {upload_status!r}. Choose one of: {', '.join(UploadStatus.values)}.",
                fields={"status": ["Not a valid choice."]},
            )
        return self._page(selectors.upload_list(user=request.user, filters={"status": upload_status}))

    @extend_schema(
        request=UploadRetryFailedSerializer,
        responses=RetryFailedResultSerializer,
        summary="Retry one failed upload (upload_id) or all of yours; each reserves a fresh slot",
    )
    @action(detail=False, methods=["post"], url_path="retry-failed")
    def retry_failed(self, request):
        serializer = UploadRetryFailedSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload_id = serializer.validated_data.get("upload_id")
        if upload_id is None:
            retried, problems = publishing.uploads_retry_failed(owner=request.user)
        else:
            upload = selectors.upload_list(user=request.user).filter(upload_id=upload_id).first()
            if upload is None:
                raise ApplicationError("No upload with this id among yours.", fields={"upload_id": ["Not found."]})
            retried, problems = [publishing.upload_retry(upload=upload)], []
        return Response({"retried": UploadSerializer(retried, many=True).data, "problems": problems})

    @extend_schema(request=None, responses=UploadSerializer, summary="Retry a failed upload")
    @action(detail=True, methods=["post"])
    def retry(self, request, upload_id=None):
        return Response(UploadSerializer(publishing.upload_retry(upload=self.get_object())).data)

    @extend_schema(request=None, responses=UploadSerializer, summary="Cancel a pending, scheduled or retrying upload")
    @action(detail=True, methods=["post"])
    def cancel(self, request, upload_id=None):
        return Response(UploadSerializer(publishing.upload_cancel(upload=self.get_object())).data)


@extend_schema_view(
    list=extend_schema(summary="Scheduled posts: waiting for their time (or scheduled on YouTube)"),
    destroy=extend_schema(summary="Cancel a scheduled post", responses={204: None}),
)
class ScheduledPostViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    serializer_class = UploadSerializer
    lookup_field = "upload_id"
    lookup_value_regex = UUID_REGEX

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Upload.objects.none()
        return selectors.scheduled_upload_list(user=self.request.user)

    @extend_schema(
        request=ScheduledPostCreateSerializer,
        responses={201: UploadSerializer, 200: UploadSerializer},
        summary="Schedule a ready video on one account or the best one",
        examples=REGISTER_EXAMPLES[1:],
    )
    def create(self, request):
        return _register(request, ScheduledPostCreateSerializer)

    def perform_destroy(self, instance):
        publishing.upload_cancel(upload=instance)

    @extend_schema(request=None, responses=UploadSerializer, summary="Cancel a scheduled post")
    @action(detail=True, methods=["post"])
    def cancel(self, request, upload_id=None):
        return Response(UploadSerializer(publishing.upload_cancel(upload=self.get_object())).data)


class WorkflowUploadNextApi(APIView):
    @extend_schema(
        request=UploadNextSerializer,
        responses={201: UploadNextResultSerializer},
        summary="Reserve and publish your next ready video on its campaign's platforms and accounts",
    )
    def post(self, request):
        serializer = UploadNextSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = workflow.workflow_upload_next(owner=request.user, **serializer.validated_data)
        return Response(UploadNextResultSerializer(result).data, status=status.HTTP_201_CREATED)


class DistributionFilter(filters.FilterSet):
    platform = filters.ChoiceFilter(choices=Platform.choices)
    status = filters.ChoiceFilter(choices=DistributionStatus.choices)
    account = filters.NumberFilter(field_name="account_id")
    queue_item = filters.UUIDFilter(field_name="queue_item__queue_id")
    campaign = filters.NumberFilter(field_name="queue_item__campaign_id")

    class Meta:
        model = Distribution
        fields = ["platform", "status", "account", "queue_item", "campaign"]


@extend_schema_view(
    list=extend_schema(summary="Your posts on the platforms with their engagement"),
    retrieve=extend_schema(summary="One post with its engagement history", responses=DistributionDetailSerializer),
)
class DistributionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    filterset_class = DistributionFilter
    ordering_fields = ["published_at", "views", "likes", "comments", "shares", "last_fetched_at"]
    ordering = ["-published_at"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Distribution.objects.none()
        if self.action == "retrieve":
            return selectors.distribution_detail(user=self.request.user)
        return selectors.distribution_list(user=self.request.user)

    def get_serializer_class(self):
        return DistributionDetailSerializer if self.action == "retrieve" else DistributionSerializer

    @extend_schema(
        parameters=[SummaryQuerySerializer],
        responses=SummaryRowSerializer(many=True),
        summary="Engagement totals per video, campaign, account or platform",
    )
    @action(detail=False, methods=["get"])
    def summary(self, request):
        query = SummaryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = selectors.distribution_summary(user=request.user, group=query.validated_data["group"])
        return Response(SummaryRowSerializer(rows, many=True).data)

    @extend_schema(
        parameters=[RecentQuerySerializer],
        responses=DistributionSerializer(many=True),
        summary="Posts of the last N days (default 7)",
    )
    @action(detail=False, methods=["get"])
    def recent(self, request):
        query = RecentQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        qs = selectors.distribution_recent(user=request.user, days=query.validated_data["days"])
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(DistributionSerializer(page, many=True).data)

    @extend_schema(request=None, responses=DistributionSerializer, summary="Fetch this post's metrics now")
    @action(detail=True, methods=["post"])
    def metrics(self, request, pk=None):
        distribution = metrics.distribution_fetch_metrics(distribution=self.get_object())
        return Response(DistributionSerializer(distribution).data)


class TrendKeywordsApi(APIView):
    """GET /trends/keywords: your videos' keywords and hashtags ranked by engagement velocity."""

    @extend_schema(
        parameters=[TrendQuerySerializer],
        responses={200: TrendKeywordSerializer(many=True)},
        summary="Trend keywords across your published videos (rising / falling), with sample videos",
        description=(
            "Engagement velocity = views + likes + shares per hour since posting, for videos published "
            "in the window; the trend compares the last day with the whole time since posting. Only your "
            "own videos: no outside trend source is reachable from here, so none is shown."
        ),
    )
    def get(self, request):
        from distribution.trends import trend_keywords

        query = TrendQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        found = trend_keywords(user=request.user, **query.validated_data)
        return Response(TrendKeywordSerializer(found, many=True).data)
