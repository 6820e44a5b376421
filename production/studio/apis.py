from __future__ import annotations

from django.http import HttpResponse
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from common.errors import ApplicationError
from production.studio import selectors
from production.studio.models import (
    Avatar,
    Engine,
    GenerationJob,
    GenerationStatus,
    PromptTemplate,
    ProviderKey,
    Script,
    ScriptStatus,
    TemplateCategory,
    Voice,
    VoiceOver,
    VoiceOverStatus,
)
from production.studio.serializers import (
    AvatarInputSerializer,
    AvatarSerializer,
    GenerationJobCreateSerializer,
    GenerationJobSerializer,
    KeyTestSerializer,
    PromptTemplateInputSerializer,
    PromptTemplateSerializer,
    ProviderKeyInputSerializer,
    ProviderKeySerializer,
    ProviderKeyUpdateSerializer,
    QuickGenerateSerializer,
    ScriptGenerateSerializer,
    ScriptSerializer,
    ScriptUpdateSerializer,
    StudioUsageSerializer,
    SwapVisualSerializer,
    VisualPromptSerializer,
    VoiceOverCreateSerializer,
    VoiceOverSerializer,
    VoiceOverTimingsSerializer,
    VoiceSerializer,
)
from production.studio.services import avatars, generation, keys, scripts, templates, voice_overs, voices


class NotYours(ApplicationError):
    status_code = 404
    default_code = "not_found"


def _owned(queryset, pk: int | None, field: str):
    """The row with `pk` among the user's own (None stays None); another user's id is a 404."""
    if pk is None:
        return None
    row = queryset.filter(pk=pk).first()
    if row is None:
        raise NotYours(f"No such {field.replace('_', ' ')} ({pk}).", fields={field: [f"Unknown {field} {pk}."]})
    return row


# --- provider keys ----------------------------------------------------------------------------

KEY_EXAMPLE = OpenApiExample(
    "Local Ollama",
    value={
        "provider": "openai_compatible",
        "label": "Ollama on my laptop",
        "base_url": "http://127.0.0.1:11434/v1",
        "default_model": "llama3.2",
    },
    request_only=True,
)


@extend_schema_view(
    list=extend_schema(summary="Your provider keys (the secret is never returned)"),
    retrieve=extend_schema(summary="One provider key"),
    destroy=extend_schema(summary="Delete a provider key"),
)
class ProviderKeyViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    serializer_class = ProviderKeySerializer
    lookup_value_regex = r"\d+"
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ProviderKey.objects.none()
        return selectors.provider_key_list(user=self.request.user)

    @extend_schema(
        request=ProviderKeyInputSerializer,
        responses={201: ProviderKeySerializer},
        summary="Add a key (OpenAI, an OpenAI-compatible server, ElevenLabs)",
        examples=[KEY_EXAMPLE],
    )
    def create(self, request):
        serializer = ProviderKeyInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        key = keys.provider_key_create(owner=request.user, **serializer.validated_data)
        return Response(ProviderKeySerializer(key).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ProviderKeyUpdateSerializer,
        responses={200: ProviderKeySerializer},
        summary="Change a key (a blank api_key keeps the stored one)",
    )
    def partial_update(self, request, pk=None):
        key = self.get_object()
        serializer = ProviderKeyUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        key = keys.provider_key_update(key=key, **serializer.validated_data)
        return Response(ProviderKeySerializer(key).data)

    def perform_destroy(self, instance):
        keys.provider_key_delete(key=instance)

    @extend_schema(
        request=None,
        responses={200: ProviderKeySerializer},
        summary="Test a key with a cheap real call",
        operation_id="keys_test_one",
    )
    @action(detail=True, methods=["post"], url_path="test")
    def test_one(self, request, pk=None):
        return Response(ProviderKeySerializer(keys.provider_key_test(key=self.get_object())).data)

    @extend_schema(
        request=KeyTestSerializer,
        responses={200: ProviderKeySerializer},
        summary="Test a key (seed verb: POST /keys/test with its id)",
    )
    @action(detail=False, methods=["post"], url_path="test")
    def test(self, request):
        serializer = KeyTestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        key = _owned(self.get_queryset(), serializer.validated_data["id"], "id")
        return Response(ProviderKeySerializer(keys.provider_key_test(key=key)).data)

    @extend_schema(request=None, responses={200: ProviderKeySerializer}, summary="Use this key by default")
    @action(detail=True, methods=["post"], url_path="make-default")
    def make_default(self, request, pk=None):
        return Response(ProviderKeySerializer(keys.provider_key_make_default(key=self.get_object())).data)


class UsageApi(APIView):
    @extend_schema(
        responses={200: StudioUsageSerializer}, summary="This month's provider calls and spend against your budget"
    )
    def get(self, request):
        return Response(StudioUsageSerializer(selectors.usage_summary(user=request.user)).data)


# --- prompt templates -------------------------------------------------------------------------


class PromptTemplateFilter(filters.FilterSet):
    category = filters.ChoiceFilter(choices=TemplateCategory.choices)
    builtin = filters.BooleanFilter(field_name="owner", lookup_expr="isnull")


@extend_schema_view(
    list=extend_schema(summary="Prompt templates: the built-in starters and your own"),
    retrieve=extend_schema(summary="One prompt template"),
    destroy=extend_schema(summary="Delete one of your templates (built-ins cannot be deleted)"),
)
class PromptTemplateViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    serializer_class = PromptTemplateSerializer
    filterset_class = PromptTemplateFilter
    search_fields = ["name", "description"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PromptTemplate.objects.none()
        return selectors.prompt_template_list(user=self.request.user)

    @extend_schema(request=PromptTemplateInputSerializer, responses={201: PromptTemplateSerializer})
    def create(self, request):
        serializer = PromptTemplateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        template = templates.prompt_template_create(owner=request.user, **serializer.validated_data)
        return Response(PromptTemplateSerializer(template).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PromptTemplateInputSerializer(partial=True), responses={200: PromptTemplateSerializer})
    def partial_update(self, request, pk=None):
        template = self.get_object()
        serializer = PromptTemplateInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        template = templates.prompt_template_update(template=template, **serializer.validated_data)
        return Response(PromptTemplateSerializer(template).data)

    def perform_destroy(self, instance):
        templates.prompt_template_delete(template=instance)


# --- scripts ----------------------------------------------------------------------------------

SCRIPT_EXAMPLE = OpenApiExample(
    "From a topic, offline",
    value={"topic": "home coffee brewing", "style": "friendly", "duration": 30, "platform": "tiktok"},
    request_only=True,
)


def _generate_script(request) -> Response:
    serializer = ScriptGenerateSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    if data.get("text"):
        script = scripts.script_create_from_text(
            owner=request.user, text=data["text"], title=data["title"], topic=data["topic"]
        )
        return Response(ScriptSerializer(script).data, status=status.HTTP_201_CREATED)
    user = request.user
    script = scripts.script_generate(
        owner=user,
        topic=data["topic"],
        template=_owned(selectors.prompt_template_list(user=user), data["template"], "template"),
        provider=data["provider"],
        key=_owned(selectors.provider_key_list(user=user), data["key"], "key"),
        model=data["model"],
        tone=data["style"],
        product=data["product"],
        audience=data["audience"],
        target_seconds=data["duration"],
        platform=data["platform"],
        seed=data["seed"],
        regenerate=data["regenerate"],
    )
    done = script.status == ScriptStatus.READY
    return Response(ScriptSerializer(script).data, status=status.HTTP_200_OK if done else status.HTTP_202_ACCEPTED)


GENERATE_DESCRIPTION = (
    "Returns at once: 202 with the script `queued` (poll it until `ready` or `failed`), or 200 with "
    "the stored script when the same request was answered before (no new provider call unless "
    "`regenerate`). With `text` instead of a topic, your words are split into scenes (201)."
)


class ScriptFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=ScriptStatus.choices)
    engine = filters.ChoiceFilter(choices=Engine.choices)


@extend_schema_view(
    list=extend_schema(summary="Your scripts"),
    retrieve=extend_schema(summary="One script with its scenes"),
    destroy=extend_schema(summary="Delete a script"),
)
class ScriptViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    serializer_class = ScriptSerializer
    filterset_class = ScriptFilter
    search_fields = ["topic", "title"]
    ordering_fields = ["created_at", "updated_at", "status"]
    ordering = ["-created_at"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Script.objects.none()
        return selectors.script_list(user=self.request.user)

    @extend_schema(
        request=ScriptGenerateSerializer,
        responses={200: ScriptSerializer, 201: ScriptSerializer, 202: ScriptSerializer},
        summary="Generate a script from a topic, or split your own text into scenes",
        description=GENERATE_DESCRIPTION,
        examples=[SCRIPT_EXAMPLE],
    )
    def create(self, request):
        return _generate_script(request)

    @extend_schema(request=ScriptUpdateSerializer, responses={200: ScriptSerializer}, summary="Edit a ready script")
    def partial_update(self, request, pk=None):
        script = self.get_object()
        serializer = ScriptUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        script = scripts.script_update(script=script, **serializer.validated_data)
        return Response(ScriptSerializer(script).data)

    def perform_destroy(self, instance):
        scripts.script_delete(script=instance)

    @extend_schema(request=None, responses={202: ScriptSerializer}, summary="Write it again (a new provider call)")
    @action(detail=True, methods=["post"])
    def regenerate(self, request, pk=None):
        script = scripts.script_regenerate(script=self.get_object())
        return Response(ScriptSerializer(script).data, status=status.HTTP_202_ACCEPTED)


class GenerateScriptApi(APIView):
    """Seed verb: POST /ai/text/generate-script {topic, style, duration}."""

    @extend_schema(
        request=ScriptGenerateSerializer,
        responses={200: ScriptSerializer, 201: ScriptSerializer, 202: ScriptSerializer},
        summary="Generate a script (same as POST /scripts/)",
        description=GENERATE_DESCRIPTION,
        examples=[SCRIPT_EXAMPLE],
    )
    def post(self, request):
        return _generate_script(request)


# --- voices and voice-overs -------------------------------------------------------------------


class VoiceFilter(filters.FilterSet):
    engine = filters.ChoiceFilter(choices=Engine.choices)
    language = filters.CharFilter(lookup_expr="istartswith")
    gender = filters.CharFilter(lookup_expr="iexact")


@extend_schema_view(
    list=extend_schema(summary="Voices you can use: offline ones and your providers'"),
    retrieve=extend_schema(summary="One voice"),
)
class VoiceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = VoiceSerializer
    filterset_class = VoiceFilter
    search_fields = ["name", "description"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Voice.objects.none()
        return selectors.voice_list(user=self.request.user)

    @extend_schema(
        request=None,
        responses={200: VoiceSerializer},
        summary="A sample of this voice (made once, then served from storage)",
    )
    @action(detail=True, methods=["post"])
    def preview(self, request, pk=None):
        return Response(VoiceSerializer(voices.voice_preview(user=request.user, voice=self.get_object())).data)


def _create_voice_over(request) -> Response:
    serializer = VoiceOverCreateSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    user = request.user
    voice_over = voice_overs.voice_over_create(
        owner=user,
        voice=_owned(selectors.voice_list(user=user), data["voice"], "voice"),
        script=_owned(selectors.script_list(user=user), data["script"], "script"),
        text=data["text"],
        speed=data["speed"],
        regenerate=data["regenerate"],
    )
    done = voice_over.status == VoiceOverStatus.READY
    return Response(
        VoiceOverSerializer(voice_over).data, status=status.HTTP_200_OK if done else status.HTTP_202_ACCEPTED
    )


SYNTHESIZE_DESCRIPTION = (
    "Returns at once: 202 with the voice-over `queued` (poll it until `ready`), or 200 with the "
    "stored one when the same text was voiced before with the same voice and speed. The audio "
    "becomes a library asset of kind `voice_over` carrying word timings."
)
VOICE_OVER_EXAMPLE = OpenApiExample(
    "Free text, offline voice", value={"text": "Five tips for better coffee at home.", "speed": 1.0}, request_only=True
)


class VoiceOverFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=VoiceOverStatus.choices)
    script = filters.NumberFilter()


@extend_schema_view(
    list=extend_schema(summary="Your voice-overs"),
    retrieve=extend_schema(summary="One voice-over"),
    destroy=extend_schema(summary="Delete a voice-over (its audio stays in the library)"),
)
class VoiceOverViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    serializer_class = VoiceOverSerializer
    filterset_class = VoiceOverFilter
    ordering = ["-created_at"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return VoiceOver.objects.none()
        return selectors.voice_over_list(user=self.request.user)

    @extend_schema(
        request=VoiceOverCreateSerializer,
        responses={200: VoiceOverSerializer, 202: VoiceOverSerializer},
        summary="Voice a script or free text",
        description=SYNTHESIZE_DESCRIPTION,
        examples=[VOICE_OVER_EXAMPLE],
    )
    def create(self, request):
        return _create_voice_over(request)

    def perform_destroy(self, instance):
        voice_overs.voice_over_delete(voice_over=instance)

    @extend_schema(responses={200: VoiceOverTimingsSerializer}, summary="Word timings (the script's own words)")
    @action(detail=True, methods=["get"])
    def timings(self, request, pk=None):
        voice_over = self.get_object()
        words = voice_overs.voice_over_words(voice_over)
        return Response(
            VoiceOverTimingsSerializer(
                {
                    "id": voice_over.pk,
                    "timing_source": voice_over.timing_source,
                    "duration_seconds": voice_over.asset.duration_seconds,
                    "words": [word.as_dict() for word in words],
                }
            ).data
        )

    @extend_schema(responses={(200, "application/x-subrip"): str}, summary="Captions as SRT")
    @action(detail=True, methods=["get"], url_path="captions.srt")
    def srt(self, request, pk=None):
        return _caption_file(voice_overs.voice_over_srt(self.get_object()), "application/x-subrip", "srt")

    @extend_schema(responses={(200, "text/vtt"): str}, summary="Captions as WebVTT")
    @action(detail=True, methods=["get"], url_path="captions.vtt")
    def vtt(self, request, pk=None):
        return _caption_file(voice_overs.voice_over_vtt(self.get_object()), "text/vtt", "vtt")


def _caption_file(text: str, content_type: str, extension: str) -> HttpResponse:
    response = HttpResponse(text, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="captions.{extension}"'
    return response


class SynthesizeApi(APIView):
    """Seed verb: POST /ai/audio/synthesize {text, voice, speed}."""

    @extend_schema(
        request=VoiceOverCreateSerializer,
        responses={200: VoiceOverSerializer, 202: VoiceOverSerializer},
        summary="Synthesize a voice-over (same as POST /voice-overs/)",
        description=SYNTHESIZE_DESCRIPTION,
        examples=[VOICE_OVER_EXAMPLE],
    )
    def post(self, request):
        return _create_voice_over(request)


# --- avatars ----------------------------------------------------------------------------------


def _own_asset(user, asset_id: int):
    from library.selectors import media_asset_list

    return _owned(media_asset_list(user=user), asset_id, "asset")


@extend_schema_view(
    list=extend_schema(summary="Your avatars (presenters from your library)"),
    retrieve=extend_schema(summary="One avatar"),
    destroy=extend_schema(summary="Delete an avatar (the library asset stays)"),
)
class AvatarViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    serializer_class = AvatarSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Avatar.objects.none()
        return selectors.avatar_list(user=self.request.user)

    @extend_schema(request=AvatarInputSerializer, responses={201: AvatarSerializer}, summary="Add an avatar")
    def create(self, request):
        serializer = AvatarInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = {**serializer.validated_data}
        data["asset"] = _own_asset(request.user, data["asset"])
        avatar = avatars.avatar_create(owner=request.user, **data)
        return Response(AvatarSerializer(avatar).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AvatarInputSerializer(partial=True), responses={200: AvatarSerializer})
    def partial_update(self, request, pk=None):
        avatar = self.get_object()
        serializer = AvatarInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = {**serializer.validated_data}
        if "asset" in data:
            data["asset"] = _own_asset(request.user, data["asset"])
        return Response(AvatarSerializer(avatars.avatar_update(avatar=avatar, **data)).data)

    def perform_destroy(self, instance):
        avatars.avatar_delete(avatar=instance)


# --- generation jobs --------------------------------------------------------------------------

JOB_EXAMPLE = OpenApiExample(
    "Topic to TikTok video, offline",
    value={"topic": "home coffee brewing", "duration": 30, "platform": "tiktok", "target_accounts": [3]},
    request_only=True,
)
JOB_DESCRIPTION = (
    "Returns at once (202) with the job `queued`. Poll `GET /generation-jobs/{id}/` (or the seed verb "
    "`/ai-studio/generation-status/{id}`): `step` (script → voice → visuals → spec → queue → render → "
    "publish → done), `percent`, `error`; `video` once rendered."
)


def _create_job(request) -> Response:
    serializer = GenerationJobCreateSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    user = request.user
    from accounts.selectors import social_account_list

    accounts = social_account_list(user=user)
    targets = [_owned(accounts, account_id, "target_accounts") for account_id in dict.fromkeys(data["target_accounts"])]
    job = generation.generation_job_create(
        owner=user,
        topic=data["topic"],
        script=_owned(selectors.script_list(user=user), data["script"], "script"),
        template=_owned(selectors.prompt_template_list(user=user), data["template"], "template"),
        provider=data["provider"],
        tone=data["style"],
        audience=data["audience"],
        product=data["product"],
        target_seconds=data["duration"],
        seed=data["seed"],
        voice=_owned(selectors.voice_list(user=user), data["voice"], "voice"),
        speed=data["speed"],
        visual_source=data["visual_source"],
        avatar=_owned(selectors.avatar_list(user=user), data["avatar"], "avatar"),
        music_asset_id=data["music"],
        platform=data["platform"],
        caption_style=data["caption_style"],
        targets=targets,
    )
    return Response(GenerationJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class GenerationJobFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=GenerationStatus.choices)


@extend_schema_view(
    list=extend_schema(summary="Your generation jobs"),
    retrieve=extend_schema(summary="A generation job's status: step, percent, results, error"),
    destroy=extend_schema(summary="Delete a finished job (its video stays in the library)"),
)
class GenerationJobViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    serializer_class = GenerationJobSerializer
    filterset_class = GenerationJobFilter
    search_fields = ["topic"]
    ordering = ["-created_at"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return GenerationJob.objects.none()
        return selectors.generation_job_list(user=self.request.user)

    @extend_schema(
        request=GenerationJobCreateSerializer,
        responses={202: GenerationJobSerializer},
        summary="Generate a video from a topic or a script",
        description=JOB_DESCRIPTION,
        examples=[JOB_EXAMPLE],
    )
    def create(self, request):
        return _create_job(request)

    def perform_destroy(self, instance):
        generation.generation_job_delete(job=instance)

    @extend_schema(request=None, responses={200: GenerationJobSerializer}, summary="Cancel at the next step")
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return Response(GenerationJobSerializer(generation.generation_job_cancel(job=self.get_object())).data)

    @extend_schema(request=None, responses={202: GenerationJobSerializer}, summary="Retry from the failed step")
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        job = generation.generation_job_retry(job=self.get_object())
        return Response(GenerationJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        request=SwapVisualSerializer,
        responses={200: GenerationJobSerializer},
        summary="Use another library asset for one scene (before the render is queued)",
    )
    @action(detail=True, methods=["post"], url_path="swap-visual")
    def swap_visual(self, request, pk=None):
        job = self.get_object()
        serializer = SwapVisualSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        asset = _own_asset(request.user, serializer.validated_data["asset"])
        job = generation.generation_job_swap_visual(
            job=job, scene_index=serializer.validated_data["scene"], asset=asset
        )
        return Response(GenerationJobSerializer(job).data)


class GenerateVideoApi(APIView):
    """Seed verb: POST /ai-studio/generate-video."""

    @extend_schema(
        request=GenerationJobCreateSerializer,
        responses={202: GenerationJobSerializer},
        summary="Generate a video (same as POST /generation-jobs/)",
        description=JOB_DESCRIPTION,
        examples=[JOB_EXAMPLE],
    )
    def post(self, request):
        return _create_job(request)


class GenerationStatusApi(APIView):
    """Seed verb: GET /ai-studio/generation-status/{id}."""

    @extend_schema(responses={200: GenerationJobSerializer}, summary="A generation job's status")
    def get(self, request, pk: int):
        job = _owned(selectors.generation_job_list(user=request.user), pk, "job")
        return Response(GenerationJobSerializer(job).data)


class GeneratedVideosApi(APIView):
    """Seed verb: GET /ai-studio/generated-videos: jobs whose video is rendered."""

    @extend_schema(responses={200: GenerationJobSerializer(many=True)}, summary="Your generated videos")
    def get(self, request):
        from common.api import Pagination

        paginator = Pagination()
        page = paginator.paginate_queryset(selectors.generated_video_list(user=request.user), request, view=self)
        return paginator.get_paginated_response(GenerationJobSerializer(page, many=True).data)


# --- seed 004's quick verbs -------------------------------------------------------------------


class QuickGenerateApi(APIView):
    """POST /video/generate {type: quote | visual_prompt | video, category, topic}."""

    @extend_schema(
        request=QuickGenerateSerializer,
        responses={200: VisualPromptSerializer, 202: GenerationJobSerializer},
        summary="Quick generation: a quote video, a visual prompt (text, at once), or a video from a category",
    )
    def post(self, request):
        serializer = QuickGenerateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data["type"] == "visual_prompt":
            prompt, found = scripts.visual_prompt_for(topic=data["topic"])
            return Response(
                VisualPromptSerializer(
                    {"type": "visual_prompt", "topic": data["topic"], "prompt": prompt, "keywords": found}
                ).data
            )
        category = "quote" if data["type"] == "quote" else data["category"]
        template = selectors.prompt_template_list(user=request.user).filter(owner=None, category=category).first()
        job = generation.generation_job_create(
            owner=request.user, topic=data["topic"], template=template, platform=data["platform"]
        )
        return Response(GenerationJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class QuickStatusApi(APIView):
    @extend_schema(responses={200: GenerationJobSerializer}, summary="Status of a quick generation (its job)")
    def get(self, request, pk: int):
        return Response(
            GenerationJobSerializer(_owned(selectors.generation_job_list(user=request.user), pk, "id")).data
        )


class QuickDeleteApi(APIView):
    @extend_schema(responses={204: None}, summary="Delete a generated video's job (the video stays in the library)")
    def delete(self, request, pk: int):
        generation.generation_job_delete(job=_owned(selectors.generation_job_list(user=request.user), pk, "id"))
        return Response(status=status.HTTP_204_NO_CONTENT)
