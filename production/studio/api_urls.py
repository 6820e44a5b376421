from django.urls import re_path

from common.api import OptionalSlashRouter
from production.studio import apis

router = OptionalSlashRouter()
router.register("keys", apis.ProviderKeyViewSet, basename="provider-key")
router.register("prompt-templates", apis.PromptTemplateViewSet, basename="prompt-template")
router.register("scripts", apis.ScriptViewSet, basename="script")
router.register("voices", apis.VoiceViewSet, basename="voice")
router.register("voice-overs", apis.VoiceOverViewSet, basename="voice-over")
router.register("avatars", apis.AvatarViewSet, basename="avatar")
router.register("generation-jobs", apis.GenerationJobViewSet, basename="generation-job")

urlpatterns = [
    re_path(r"^usage/?$", apis.UsageApi.as_view(), name="studio-usage"),
    # The seeds' verbs, with this API's conventions.
    re_path(r"^ai/text/generate-script/?$", apis.GenerateScriptApi.as_view(), name="ai-generate-script"),
    re_path(r"^ai/audio/synthesize/?$", apis.SynthesizeApi.as_view(), name="ai-synthesize"),
    re_path(r"^ai-studio/generate-video/?$", apis.GenerateVideoApi.as_view(), name="ai-generate-video"),
    re_path(
        r"^ai-studio/generation-status/(?P<pk>\d+)/?$", apis.GenerationStatusApi.as_view(), name="ai-generation-status"
    ),
    re_path(
        r"^ai-studio/generation-jobs/?$", apis.GenerationJobViewSet.as_view({"get": "list"}), name="ai-generation-jobs"
    ),
    re_path(r"^ai-studio/generated-videos/?$", apis.GeneratedVideosApi.as_view(), name="ai-generated-videos"),
    re_path(r"^video/generate/?$", apis.QuickGenerateApi.as_view(), name="video-generate"),
    re_path(r"^video/generate/(?P<pk>\d+)/status/?$", apis.QuickStatusApi.as_view(), name="video-generate-status"),
    re_path(r"^video/list/?$", apis.GeneratedVideosApi.as_view(), name="video-list"),
    re_path(r"^video/delete/(?P<pk>\d+)/?$", apis.QuickDeleteApi.as_view(), name="video-delete"),
    *router.urls,
]
