from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import oauth, selectors, services
from accounts.models import POSTING_STATES, AccountStatus, SocialAccount
from accounts.platforms import Platform
from accounts.serializers import (
    AccountStatsSerializer,
    CanUploadSerializer,
    ConnectionOptionSerializer,
    DeactivateSerializer,
    MeSerializer,
    RecordPostSerializer,
    RotationEntrySerializer,
    SocialAccountInputSerializer,
    SocialAccountSerializer,
    SocialAccountUpdateSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)
from common.errors import ApplicationError


class TokenApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: TokenSerializer},
        summary="Exchange a username and password for an API token",
        examples=[OpenApiExample("Sign in", value={"username": "maria", "password": "…"}, request_only=True)],
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(request._request, **serializer.validated_data)
        if user is None:
            raise ApplicationError("Wrong username or password.", code="invalid_credentials")
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})

    @extend_schema(responses={204: None}, summary="Revoke the token used for this request")
    def delete(self, request):
        if not request.user.is_authenticated:
            raise NotAuthenticated()
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeApi(APIView):
    @extend_schema(responses={200: MeSerializer}, summary="The signed-in user")
    def get(self, request):
        return Response(MeSerializer(request.user).data)


class SocialAccountFilter(filters.FilterSet):
    platform = filters.ChoiceFilter(choices=Platform.choices)
    status = filters.ChoiceFilter(choices=AccountStatus.choices)
    verified = filters.BooleanFilter()

    class Meta:
        model = SocialAccount
        fields = ["platform", "status", "verified"]


def _platform_or_400(platform: str) -> str:
    if platform not in Platform.values:
        raise ApplicationError(
            f"Unknown platform {platform!r}. Choose one of: {', '.join(Platform.values)}.",
            fields={"platform": [f"Unknown platform {platform!r}."]},
        )
    return platform


def _check_payload(account: SocialAccount, check) -> dict:
    return {
        "allowed": check.allowed,
        "code": check.code,
        "reason": check.reason,
        "connected": account.connection_state in POSTING_STATES,
        "next_allowed_at": check.next_allowed_at,
        "posts_last_hour": check.posts_last_hour,
        "posts_today": check.posts_today,
        "scheduled": check.scheduled,
        "hourly_upload_limit": account.hourly_upload_limit,
        "daily_upload_limit": account.daily_upload_limit,
        "upload_cooldown_minutes": account.upload_cooldown_minutes,
    }


ACCOUNT_EXAMPLE = OpenApiExample(
    "TikTok account",
    value={
        "platform": "tiktok",
        "username": "shop.daily",
        "display_name": "Shop Daily",
        "access_token": "write-only, never returned",
        "hourly_upload_limit": 4,
    },
    request_only=True,
)
AT_PARAMETER = OpenApiParameter("at", str, description="ISO 8601 time to evaluate at (default: now)")
PLATFORM_PARAMETER = OpenApiParameter("platform", str, OpenApiParameter.PATH, enum=Platform.values)


@extend_schema_view(
    list=extend_schema(summary="List your social accounts (filter by platform, status; search)"),
    retrieve=extend_schema(summary="One social account"),
    destroy=extend_schema(summary="Delete a social account"),
)
class SocialAccountViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    serializer_class = SocialAccountSerializer
    filterset_class = SocialAccountFilter
    search_fields = ["username", "display_name", "email", "notes"]
    ordering_fields = ["platform", "username", "status", "posts_count", "views_count", "last_used_at", "created_at"]
    ordering = ["platform", "username"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return SocialAccount.objects.none()
        return selectors.social_account_list(user=self.request.user)

    def _at(self):
        raw = self.request.query_params.get("at")
        if not raw:
            return timezone.now()
        try:
            at = parse_datetime(raw)
        except ValueError:
            at = None
        if at is None or timezone.is_naive(at):
            raise ApplicationError(
                "`at` must be an ISO 8601 time with a time zone.", fields={"at": ["Invalid date-time."]}
            )
        return at

    @extend_schema(
        request=SocialAccountInputSerializer,
        responses={201: SocialAccountSerializer},
        summary="Add a social account",
        examples=[ACCOUNT_EXAMPLE],
    )
    def create(self, request):
        serializer = SocialAccountInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        account = services.social_account_create(owner=request.user, **serializer.validated_data)
        return Response(SocialAccountSerializer(account).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=SocialAccountUpdateSerializer,
        responses={200: SocialAccountSerializer},
        summary="Update a social account (credentials given here replace the stored ones)",
    )
    def partial_update(self, request, pk=None):
        account = self.get_object()
        serializer = SocialAccountUpdateSerializer(account, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        account = services.social_account_update(account=account, **serializer.validated_data)
        return Response(SocialAccountSerializer(account).data)

    def perform_destroy(self, instance):
        services.social_account_delete(account=instance)

    @extend_schema(responses={200: AccountStatsSerializer}, summary="Totals by platform and status")
    @action(detail=False, methods=["get"])
    def stats(self, request):
        return Response(AccountStatsSerializer(selectors.social_account_stats(user=request.user)).data)

    @extend_schema(
        responses={200: ConnectionOptionSerializer(many=True)},
        summary="OAuth connections per platform: configured or not, and the dashboard URL that starts one",
        description=(
            "Read-only: connecting is a browser flow (consent screen, then a redirect back to the "
            "dashboard), so this lists where to send a signed-in browser, not an API to call."
        ),
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def connections(self, request):
        return Response(ConnectionOptionSerializer(oauth.connection_options(request), many=True).data)

    @extend_schema(
        responses={200: SocialAccountSerializer(many=True)},
        summary="Active accounts that can post (a working token, or the sandbox)",
    )
    @action(detail=False, methods=["get"])
    def active(self, request):
        qs = self.filter_queryset(self.get_queryset()).filter(status=AccountStatus.ACTIVE)
        qs = qs.filter(pk__in=[account.pk for account in qs if not account.connection_problem()])
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(SocialAccountSerializer(page, many=True).data)

    @extend_schema(
        parameters=[PLATFORM_PARAMETER],
        responses={200: SocialAccountSerializer(many=True)},
        summary="Accounts on one platform",
    )
    @action(detail=False, methods=["get"], url_path=r"platform/(?P<platform>[^/.]+)")
    def by_platform(self, request, platform=None):
        qs = self.filter_queryset(self.get_queryset()).filter(platform=_platform_or_400(platform))
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(SocialAccountSerializer(page, many=True).data)

    @extend_schema(
        parameters=[AT_PARAMETER, PLATFORM_PARAMETER],
        responses={200: SocialAccountSerializer},
        summary="The account to post with next on a platform (400 when none is allowed now)",
    )
    @action(detail=False, methods=["get"], url_path=r"best/(?P<platform>[^/.]+)")
    def best(self, request, platform=None):
        account = selectors.social_account_best(user=request.user, platform=_platform_or_400(platform), at=self._at())
        if account is None:
            raise ApplicationError(
                f"No {platform} account may post now: none is active and connected, or all are at their limits.",
                code="no_account_available",
            )
        return Response(SocialAccountSerializer(account).data)

    @extend_schema(
        parameters=[AT_PARAMETER, PLATFORM_PARAMETER],
        responses={200: RotationEntrySerializer(many=True)},
        summary="The order accounts on a platform would be used in",
    )
    @action(detail=False, methods=["get"], url_path=r"rotation/(?P<platform>[^/.]+)")
    def rotation(self, request, platform=None):
        rotation = selectors.social_account_rotation(
            user=request.user, platform=_platform_or_400(platform), at=self._at()
        )
        data = [
            {"position": index, "account": account, "can_upload": _check_payload(account, check)}
            for index, (account, check) in enumerate(rotation, start=1)
        ]
        return Response(RotationEntrySerializer(data, many=True).data)

    @extend_schema(
        parameters=[AT_PARAMETER],
        responses={200: CanUploadSerializer},
        summary="May this account post now? (false with the reason when it is not connected)",
    )
    @action(detail=True, methods=["get"], url_path="can-upload")
    def can_upload(self, request, pk=None):
        account = self.get_object()
        check = selectors.social_account_can_upload(account=account, at=self._at())
        return Response(CanUploadSerializer(_check_payload(account, check)).data)

    @extend_schema(request=DeactivateSerializer, responses={200: SocialAccountSerializer}, summary="Deactivate")
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        serializer = DeactivateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        account = services.social_account_deactivate(account=self.get_object(), **serializer.validated_data)
        return Response(SocialAccountSerializer(account).data)

    @extend_schema(request=None, responses={200: SocialAccountSerializer}, summary="Reactivate")
    @action(detail=True, methods=["post"])
    def reactivate(self, request, pk=None):
        account = services.social_account_reactivate(account=self.get_object())
        return Response(SocialAccountSerializer(account).data)

    @extend_schema(request=None, responses={200: SocialAccountSerializer}, summary="Pause posting")
    @action(detail=True, methods=["post"])
    def pause(self, request, pk=None):
        return Response(SocialAccountSerializer(services.social_account_pause(account=self.get_object())).data)

    @extend_schema(request=None, responses={200: SocialAccountSerializer}, summary="Resume posting")
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        return Response(SocialAccountSerializer(services.social_account_resume(account=self.get_object())).data)

    @extend_schema(
        request=RecordPostSerializer,
        responses={201: SocialAccountSerializer},
        summary="Record a post made from this account (counts toward its limits)",
    )
    @action(detail=True, methods=["post"], url_path="record-post")
    def record_post(self, request, pk=None):
        account = self.get_object()
        serializer = RecordPostSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.social_account_record_post(
            account=account,
            at=serializer.validated_data.get("posted_at"),
            reference=serializer.validated_data.get("reference", ""),
        )
        return Response(SocialAccountSerializer(account).data, status=status.HTTP_201_CREATED)
