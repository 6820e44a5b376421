from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from common.errors import ApplicationError
from production import selectors
from production.models import BatchJob, Campaign, ContentType, Priority, QueueItem, QueueStatus
from production.serializers import (
    PRIORITY_NAMES,
    BatchAddSerializer,
    BatchCreateSerializer,
    BatchJobSerializer,
    CampaignSerializer,
    GenerateSerializer,
    ItemStatusSerializer,
    ProcessNextSerializer,
    QueueAddSerializer,
    QueueItemListSerializer,
    QueueItemSerializer,
    QueueLogSerializer,
    QueueStatsSerializer,
    WorkflowGenerateSerializer,
)
from production.services import batches, campaigns, queue

SPEC_EXAMPLE = {
    "inputs": [{"asset": 12}, {"asset": 34, "mute": True}],
    "layout": "stacked",
    "output": {"platform": "tiktok"},
    "duration": 15,
    "audio": {"music": {"asset": 56, "volume": 0.4, "fade_in": 1, "fade_out": 2}},
    "text": {"captions": {"lines": [{"start": 0, "end": 3, "text": "New drop!"}]}},
}


class QueueFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=QueueStatus.choices)
    priority = filters.ChoiceFilter(choices=[(name, name) for name in PRIORITY_NAMES], method="filter_priority")
    platform = filters.CharFilter()
    content_type = filters.ChoiceFilter(choices=ContentType.choices)
    campaign = filters.NumberFilter(field_name="campaign_id")
    batch = filters.NumberFilter(field_name="batch_id")

    class Meta:
        model = QueueItem
        fields = ["status", "priority", "platform", "content_type", "campaign", "batch"]

    def filter_priority(self, qs, name, value):
        return qs.filter(priority=PRIORITY_NAMES[value])


def _owned_item(request, queue_id) -> QueueItem:
    return get_object_or_404(selectors.queue_item_list(user=request.user), queue_id=queue_id)


@extend_schema_view(
    list=extend_schema(summary="Queue items (filter by status, priority, platform, content type, campaign, batch)"),
    retrieve=extend_schema(summary="One queue item with its spec"),
)
class QueueViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_field = "queue_id"
    lookup_value_regex = r"[0-9a-fA-F-]{36}"
    filterset_class = QueueFilter
    ordering_fields = ["created_at", "priority", "status", "progress", "completed_at"]
    ordering = ["-created_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return QueueItem.objects.none()
        return selectors.queue_item_list(user=self.request.user)

    def get_serializer_class(self):
        return QueueItemListSerializer if self.action == "list" else QueueItemSerializer

    @extend_schema(
        request=QueueAddSerializer,
        responses={201: QueueItemSerializer},
        summary="Add one video to the queue",
        examples=[
            OpenApiExample("Stacked mashup", value={"spec": SPEC_EXAMPLE, "priority": "high"}, request_only=True)
        ],
    )
    def create(self, request):
        serializer = QueueAddSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        [item] = queue.queue_items_add(owner=request.user, items=[serializer.to_new_item()])
        return Response(QueueItemSerializer(item, context={"request": request}).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=QueueAddSerializer, responses={201: QueueItemSerializer}, summary="Add one video (alias)")
    @action(detail=False, methods=["post"])
    def add(self, request):
        return self.create(request)

    @extend_schema(
        request=BatchAddSerializer,
        responses={201: QueueItemListSerializer(many=True)},
        summary="Add many videos in one transaction (all or nothing)",
    )
    @action(detail=False, methods=["post"], url_path="batch-add")
    def batch_add(self, request):
        serializer = BatchAddSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item_serializer = QueueAddSerializer()
        new = [item_serializer.to_new_item(data) for data in serializer.validated_data["items"]]
        items = queue.queue_items_add(owner=request.user, items=new)
        return Response(
            {"created": len(items), "queue_ids": [str(item.queue_id) for item in items]},
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(responses={200: QueueStatsSerializer}, summary="Totals by status, platform, content type")
    @action(detail=False, methods=["get"])
    def stats(self, request):
        return Response(QueueStatsSerializer(selectors.queue_stats(user=request.user)).data)

    @extend_schema(responses={200: QueueItemSerializer}, summary="The item a worker would render next (404 if none)")
    @action(detail=False, methods=["get"], url_path="next-pending")
    def next_pending(self, request):
        item = selectors.queue_next_pending(user=request.user)
        if item is None:
            raise ApplicationError("Nothing is pending.", code="queue_empty")
        return Response(QueueItemSerializer(item, context={"request": request}).data)

    @extend_schema(responses={200: QueueLogSerializer(many=True)}, summary="Process logs of one item")
    @action(detail=True, methods=["get"])
    def logs(self, request, queue_id=None):
        item = self.get_object()
        page = self.paginate_queryset(item.logs.all())
        return self.get_paginated_response(QueueLogSerializer(page, many=True).data)

    @extend_schema(request=None, responses={200: QueueItemSerializer}, summary="Cancel (stops a running render)")
    @action(detail=True, methods=["post"])
    def cancel(self, request, queue_id=None):
        item = queue.queue_item_cancel(item=self.get_object())
        return Response(QueueItemSerializer(item, context={"request": request}).data)

    @extend_schema(request=None, responses={200: QueueItemSerializer}, summary="Retry a failed or cancelled item")
    @action(detail=True, methods=["post"])
    def retry(self, request, queue_id=None):
        item = queue.queue_item_retry(item=self.get_object())
        return Response(QueueItemSerializer(item, context={"request": request}).data)

    @extend_schema(request=None, responses={200: dict}, summary="Clear your pending items (running ones continue)")
    @action(detail=False, methods=["post", "delete"])
    def clear(self, request):
        return Response({"cancelled": queue.queue_clear(owner=request.user)})


class WorkflowGenerateApi(APIView):
    @extend_schema(
        request=WorkflowGenerateSerializer,
        responses={201: QueueItemListSerializer(many=True)},
        summary="Generate videos from a campaign, or queue one ad-hoc spec",
    )
    def post(self, request):
        serializer = WorkflowGenerateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if "campaign" in data:
            campaign = get_object_or_404(selectors.campaign_list(user=request.user), pk=data["campaign"])
            items = campaigns.campaign_generate(campaign=campaign, count=data.get("count"), seed=data.get("seed"))
        else:
            items = queue.queue_items_add(
                owner=request.user,
                items=[queue.NewItem(spec=data["spec"], priority=data.get("priority", Priority.NORMAL))],
            )
        body = QueueItemListSerializer(items, many=True, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


class WorkflowProcessNextApi(APIView):
    @extend_schema(
        request=ProcessNextSerializer,
        responses={200: QueueItemSerializer, 202: dict},
        summary="Claim and render the next of your pending items now (or queue a render task)",
    )
    def post(self, request):
        from production import tasks
        from production.services.render import render_item

        serializer = ProcessNextSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if serializer.validated_data["run_async"]:
            queue.schedule_render()
            return Response({"scheduled": True}, status=status.HTTP_202_ACCEPTED)
        item = queue.queue_item_claim(worker=f"api:{tasks.worker_name()}", owner=request.user)
        if item is None:
            raise ApplicationError("Nothing is pending.", code="queue_empty")
        render_item(item=item, worker=item.lease_owner)
        item.refresh_from_db()
        return Response(QueueItemSerializer(item, context={"request": request}).data)


class WorkflowStatusApi(APIView):
    @extend_schema(responses={200: ItemStatusSerializer}, summary="Poll one item: status, progress, output, error")
    def get(self, request, queue_id):
        item = _owned_item(request, queue_id)
        return Response(ItemStatusSerializer(item, context={"request": request}).data)


@extend_schema_view(
    list=extend_schema(summary="Your campaigns"),
    create=extend_schema(summary="Create a campaign (a draft until activated)"),
    retrieve=extend_schema(summary="One campaign"),
    partial_update=extend_schema(summary="Update a campaign"),
    update=extend_schema(summary="Replace a campaign"),
    destroy=extend_schema(summary="Delete a campaign (its queue items stay)"),
)
class CampaignViewSet(viewsets.ModelViewSet):
    serializer_class = CampaignSerializer
    filterset_fields = ["status", "content_type", "distribution_strategy"]
    search_fields = ["name", "description"]
    ordering_fields = ["created_at", "name", "status", "videos_generated"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Campaign.objects.none()
        return selectors.campaign_list(user=self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = campaigns.campaign_create(
            owner=self.request.user, target_accounts=data.pop("target_accounts", []), **data
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = campaigns.campaign_update(
            campaign=serializer.instance, target_accounts=data.pop("target_accounts", None), **data
        )

    def perform_destroy(self, instance):
        campaigns.campaign_delete(campaign=instance)

    def _transition(self, request, name):
        campaign = campaigns.campaign_transition(campaign=self.get_object(), action=name)
        return Response(CampaignSerializer(campaign, context={"request": request}).data)

    @extend_schema(request=None, responses={200: CampaignSerializer}, summary="Activate: start generating")
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        return self._transition(request, "activate")

    @extend_schema(request=None, responses={200: CampaignSerializer}, summary="Pause generation")
    @action(detail=True, methods=["post"])
    def pause(self, request, pk=None):
        return self._transition(request, "pause")

    @extend_schema(request=None, responses={200: CampaignSerializer}, summary="Mark completed")
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        return self._transition(request, "complete")

    @extend_schema(request=None, responses={200: CampaignSerializer}, summary="Archive")
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        return self._transition(request, "archive")

    @extend_schema(request=None, responses={201: CampaignSerializer}, summary="Duplicate as a new draft")
    @action(detail=True, methods=["post"])
    def duplicate(self, request, pk=None):
        copy = campaigns.campaign_duplicate(campaign=self.get_object())
        return Response(CampaignSerializer(copy, context={"request": request}).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=GenerateSerializer,
        responses={201: QueueItemListSerializer(many=True)},
        summary="Generate videos now (fills the slots from the library and queues them)",
    )
    @action(detail=True, methods=["post"])
    def generate(self, request, pk=None):
        serializer = GenerateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        items = campaigns.campaign_generate(campaign=self.get_object(), **serializer.validated_data)
        body = QueueItemListSerializer(items, many=True, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Your batch jobs with progress"),
    retrieve=extend_schema(summary="One batch job"),
    destroy=extend_schema(summary="Delete a finished batch job (its items stay)"),
)
class BatchJobViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    serializer_class = BatchJobSerializer
    filterset_fields = ["status", "batch_type"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return BatchJob.objects.none()
        return selectors.batch_list(user=self.request.user)

    @extend_schema(request=BatchCreateSerializer, responses={201: BatchJobSerializer}, summary="Create a batch job")
    def create(self, request):
        serializer = BatchCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        campaign = None
        if "campaign" in data:
            campaign = get_object_or_404(selectors.campaign_list(user=request.user), pk=data["campaign"])
        items = [QueueAddSerializer().to_new_item(item) for item in data.get("items", [])]
        batch = batches.batch_create(
            owner=request.user,
            name=data["name"],
            concurrency_limit=data["concurrency_limit"],
            items=items or None,
            campaign=campaign,
            count=data.get("count"),
            seed=data.get("seed"),
        )
        return Response(BatchJobSerializer(batch).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        if instance.status in ("pending", "running", "paused"):
            raise ApplicationError("Cancel the batch before deleting it.", code="invalid_state")
        instance.delete()

    def _control(self, service):
        batch = service(batch=self.get_object())
        return Response(BatchJobSerializer(batch).data)

    @extend_schema(request=None, responses={200: BatchJobSerializer}, summary="Pause: no new items start")
    @action(detail=True, methods=["post"])
    def pause(self, request, pk=None):
        return self._control(batches.batch_pause)

    @extend_schema(request=None, responses={200: BatchJobSerializer}, summary="Resume")
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        return self._control(batches.batch_resume)

    @extend_schema(request=None, responses={200: BatchJobSerializer}, summary="Cancel pending and running items")
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._control(batches.batch_cancel)

    @extend_schema(request=None, responses={200: BatchJobSerializer}, summary="Retry the failed items")
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        batch = self.get_object()
        batches.batch_retry_failed(batch=batch)
        batch.refresh_from_db()
        return Response(BatchJobSerializer(batch).data)

    @extend_schema(
        parameters=[OpenApiParameter("export_format", str, enum=["csv", "json"], description="default csv")],
        responses={(200, "text/csv"): str, (200, "application/json"): dict},
        summary="Export results (item, status, output URL, error)",
    )
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):
        batch = self.get_object()
        fmt = request.query_params.get("export_format", "csv")
        if fmt not in ("csv", "json"):
            raise ApplicationError("export_format must be csv or json.", fields={"export_format": ["csv or json"]})
        body = batches.batch_export(
            batch,
            fmt=fmt,
            url_for=lambda item: request.build_absolute_uri(f"/api/v1/media/{item.output_asset_id}/download/"),
        )
        response = HttpResponse(body, content_type="application/json" if fmt == "json" else "text/csv")
        response["Content-Disposition"] = f'attachment; filename="batch-{batch.pk}.{fmt}"'
        return response
