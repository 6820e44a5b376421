from __future__ import annotations

import json

from django_filters import rest_framework as django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import filters, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from common.errors import ApplicationError
from library import selectors, services
from library.files import asset_file_response
from library.filters import MediaAssetFilter, PickFilter
from library.models import MediaKind
from library.serializers import (
    BulkResultSerializer,
    BulkSerializer,
    ErrorSerializer,
    ImportUrlSerializer,
    MediaAssetSerializer,
    MediaAssetUpdateSerializer,
    MediaAssetUploadSerializer,
    MediaStatsSerializer,
    PickParamsSerializer,
)
from library.uploads import raise_if_too_large

ASSET_EXAMPLE = OpenApiExample(
    "A ready hot video",
    response_only=True,
    value={
        "id": 42,
        "kind": "hot_video",
        "title": "Trending fashion challenge",
        "description": "",
        "tags": ["trending", "fashion"],
        "category": "fashion",
        "mood": "",
        "platform": "tiktok",
        "source": "uploaded",
        "source_url": "",
        "original_filename": "fashion_challenge.mp4",
        "license_note": "",
        "royalty_free": False,
        "status": "ready",
        "rejection_reason": "",
        "checksum": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "size_bytes": 1843221,
        "duration_seconds": 14.6,
        "width": 1080,
        "height": 1920,
        "fps": 30.0,
        "orientation": "portrait",
        "container": "mov,mp4,m4a,3gp,3g2,mj2",
        "video_codec": "h264",
        "audio_codec": "aac",
        "has_video": True,
        "has_audio": True,
        "times_used": 3,
        "last_used_at": "2026-05-01T09:30:00Z",
        "download_url": "/api/v1/media/42/download/",
        "thumbnail_url": "/api/v1/media/42/thumbnail/",
        "created_at": "2026-04-20T12:00:00Z",
        "updated_at": "2026-05-01T09:30:00Z",
    },
)
UPLOAD_EXAMPLE = OpenApiExample(
    "Add an audio track",
    request_only=True,
    value={
        "file": "(binary)",
        "kind": "audio",
        "title": "Upbeat background music",
        "category": "upbeat",
        "mood": "energetic",
        "tags": "background,music",
        "royalty_free": True,
    },
)
DUPLICATE_EXAMPLE = OpenApiExample(
    "Duplicate",
    response_only=True,
    status_codes=["409"],
    value={
        "error": {
            "code": "duplicate",
            "message": "This file is already in your library as #42 “Trending fashion challenge”.",
            "fields": {},
            "existing_id": 42,
        }
    },
)
REJECTED_EXAMPLE = OpenApiExample(
    "Not media",
    response_only=True,
    status_codes=["400"],
    value={
        "error": {
            "code": "unsupported_media",
            "message": "This is not a media file ffmpeg can read (Invalid data found when processing input).",
            "fields": {
                "file": ["This is not a media file ffmpeg can read (Invalid data found when processing input)."]
            },
        }
    },
)
BINARY_RESPONSE = {
    (200, "application/octet-stream"): OpenApiResponse(
        OpenApiTypes.BINARY, description="The bytes (video/*, audio/* or image/* by file type)"
    )
}
KIND_PARAMETER = OpenApiParameter(
    "kind", str, OpenApiParameter.PATH, enum=MediaKind.values, description="Also accepts `hot-video`"
)


class PassthroughRenderer(BaseRenderer):
    """Lets clients that accept only video/*, image/*… fetch files; errors stay JSON."""

    media_type = "*/*"
    format = "file"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return json.dumps(data).encode() if isinstance(data, dict | list) else data


def _kind_or_400(kind: str) -> str:
    kind = kind.replace("-", "_")
    if kind not in MediaKind.values:
        raise ApplicationError(
            f"Unknown kind {kind!r}. Choose one of: {', '.join(MediaKind.values)}.",
            fields={"kind": ["Not a valid kind."]},
        )
    return kind


@extend_schema_view(
    list=extend_schema(summary="List your media (filter, search, order)", examples=[ASSET_EXAMPLE]),
    retrieve=extend_schema(summary="One media asset", examples=[ASSET_EXAMPLE]),
    destroy=extend_schema(
        summary="Delete a media asset and its files (409 while pending work uses it)",
        responses={204: None, 409: OpenApiResponse(ErrorSerializer, description="In use by pending work")},
    ),
)
class MediaAssetViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    serializer_class = MediaAssetSerializer
    filter_backends = [django_filters.DjangoFilterBackend, filters.OrderingFilter]
    filterset_class = MediaAssetFilter
    ordering_fields = [
        "created_at",
        "title",
        "duration_seconds",
        "size_bytes",
        "times_used",
        "last_used_at",
        "kind",
    ]
    ordering = ["-created_at", "-id"]
    lookup_value_regex = r"\d+"
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return selectors.MediaAsset.objects.none()
        return selectors.media_asset_list(user=self.request.user)

    @extend_schema(
        request={"multipart/form-data": MediaAssetUploadSerializer},
        responses={
            201: MediaAssetSerializer,
            400: OpenApiResponse(ErrorSerializer, description="Not media, wrong kind, too large or too long"),
            409: OpenApiResponse(ErrorSerializer, description="Already in your library (`existing_id`)"),
        },
        summary="Upload a file (template, hot video, product clip, audio, image)",
        description=(
            "Multipart upload with `kind`. The file is probed with ffmpeg; files that are not "
            "decodable media, do not fit the kind, or exceed the size/duration limits are refused "
            "with 400 and nothing is kept. The same bytes twice answer 409 with `existing_id`."
        ),
        examples=[UPLOAD_EXAMPLE, ASSET_EXAMPLE, DUPLICATE_EXAMPLE, REJECTED_EXAMPLE],
    )
    def create(self, request):
        data = request.data
        raise_if_too_large(request)
        serializer = MediaAssetUploadSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        asset = services.media_asset_ingest(owner=request.user, **serializer.validated_data)
        return Response(MediaAssetSerializer(asset).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=MediaAssetUpdateSerializer,
        responses={200: MediaAssetSerializer},
        summary="Edit title, description, tags, category, mood, platform, licence",
        examples=[
            OpenApiExample("Retag", request_only=True, value={"tags": ["summer", "beach"], "category": "travel"}),
            ASSET_EXAMPLE,
        ],
    )
    def partial_update(self, request, pk=None):
        asset = self.get_object()
        serializer = MediaAssetUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        asset = services.media_asset_update(asset=asset, **serializer.validated_data)
        return Response(MediaAssetSerializer(asset).data)

    def perform_destroy(self, instance):
        services.media_asset_delete(asset=instance)

    @extend_schema(responses={200: MediaStatsSerializer}, summary="Library totals by kind, category, platform; usage")
    @action(detail=False, methods=["get"])
    def stats(self, request):
        return Response(MediaStatsSerializer(selectors.media_asset_stats(user=request.user)).data)

    @extend_schema(
        parameters=[KIND_PARAMETER, PickParamsSerializer],
        responses={200: MediaAssetSerializer(many=True)},
        summary="Pick random assets of a kind (least and longest-ago used preferred)",
        description=(
            "Takes the list filters plus `count`, `seed` (repeatable picks) and "
            "`exclude_used_within_hours`. Records the use (times_used, last_used_at) unless "
            "`dry_run=true`. 400 `not_enough_assets` says what is missing."
        ),
    )
    @action(
        detail=False,
        methods=["get"],
        url_path=r"random/(?P<kind>[^/.]+)",
        filterset_class=PickFilter,
        filter_backends=[django_filters.DjangoFilterBackend],  # documents the filters; applied below
        pagination_class=None,
    )
    def random(self, request, kind=None):
        kind = _kind_or_400(kind)
        params = PickParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        filterset = PickFilter(request.query_params, queryset=self.get_queryset())
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        assets = services.pick_assets(
            owner=request.user,
            kind=kind,
            count=params.validated_data["count"],
            filters=filterset.selector_filters(),
            seed=params.validated_data.get("seed"),
            exclude_used_within_hours=params.validated_data.get("exclude_used_within_hours"),
            record_usage=not params.validated_data["dry_run"],
        )
        return Response(MediaAssetSerializer(assets, many=True).data)

    @extend_schema(
        request=ImportUrlSerializer,
        responses={202: MediaAssetSerializer},
        summary="Import a file from a URL (downloaded in the background)",
        description=(
            "Answers 202 with the asset in `processing`; poll it until `ready` or `rejected` "
            "(with `rejection_reason`). Only http(s) URLs on public addresses are fetched."
        ),
        examples=[
            OpenApiExample(
                "Import",
                request_only=True,
                value={"url": "https://cdn.example.com/clips/dance.mp4", "kind": "hot_video", "tags": ["dance"]},
            )
        ],
    )
    @action(detail=False, methods=["post"], url_path="import-url")
    def import_url(self, request):
        serializer = ImportUrlSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        asset = services.media_asset_import_url(owner=request.user, **serializer.validated_data)
        return Response(MediaAssetSerializer(asset).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        request=BulkSerializer,
        responses={200: BulkResultSerializer},
        summary="Tag, untag or delete several of your assets",
        description="Unknown or foreign ids answer 404 and change nothing. Deleting skips assets in use "
        "and lists them under `blocked` with the reason.",
        examples=[
            OpenApiExample("Tag", request_only=True, value={"action": "tag", "ids": [4, 7], "tags": ["summer"]}),
            OpenApiExample(
                "Result",
                response_only=True,
                value={"action": "delete", "changed": [4], "blocked": [{"id": 7, "reason": "used by queue item #3"}]},
            ),
        ],
    )
    @action(detail=False, methods=["post"])
    def bulk(self, request):
        serializer = BulkSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data["action"] == "delete":
            result = services.media_asset_bulk_delete(owner=request.user, ids=data["ids"])
        else:
            result = services.media_asset_bulk_tag(
                owner=request.user, ids=data["ids"], tags=data["tags"], remove=data["action"] == "untag"
            )
        return Response(BulkResultSerializer(result).data)

    @extend_schema(responses=BINARY_RESPONSE, summary="The original file (owner only)")
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, PassthroughRenderer])
    def download(self, request, pk=None):
        attachment = request.query_params.get("attachment") in ("1", "true")
        return asset_file_response(self.get_object(), attachment=attachment)

    @extend_schema(responses=BINARY_RESPONSE, summary="The JPEG thumbnail (video and image kinds)")
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, PassthroughRenderer])
    def thumbnail(self, request, pk=None):
        return asset_file_response(self.get_object(), thumbnail=True)
