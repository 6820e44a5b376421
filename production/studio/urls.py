from django.urls import path

from production.studio import views

app_name = "studio"

urlpatterns = [
    path("scripts/", views.script_list, name="scripts"),
    path("scripts/rows/", views.script_rows, name="script-rows"),
    path("scripts/write/", views.script_generate, name="script-generate"),
    path("scripts/own-words/", views.script_from_text, name="script-from-text"),
    path("scripts/<int:pk>/", views.script_detail, name="script"),
    path("scripts/<int:pk>/live/", views.script_live, name="script-live"),
    path("scripts/<int:pk>/regenerate/", views.script_regenerate, name="script-regenerate"),
    path("scripts/<int:pk>/delete/", views.script_delete, name="script-delete"),
    path("scripts/<int:pk>/voice/", views.script_voice, name="script-voice"),
    path("voices/<int:pk>/preview/", views.voice_preview, name="voice-preview"),
    path("voices/<int:pk>/sample/", views.voice_sample, name="voice-sample"),
    path("voice-overs/<int:pk>/live/", views.voice_over_live, name="voice-over-live"),
    path("voice-overs/<int:pk>/captions.<str:fmt>", views.voice_over_captions, name="voice-over-captions"),
    path("videos/", views.video_list, name="videos"),
    path("videos/make/", views.video_generate, name="generate"),
    path("videos/<int:pk>/", views.job_detail, name="job"),
    path("videos/<int:pk>/live/", views.job_live, name="job-live"),
    path("videos/<int:pk>/scenes/<int:index>/swap/", views.job_swap, name="job-swap"),
    path("videos/<int:pk>/<str:action>/", views.job_action, name="job-action"),
    path("avatars/", views.avatar_list, name="avatars"),
    path("avatars/<int:pk>/delete/", views.avatar_delete, name="avatar-delete"),
    path("settings/providers/", views.provider_list, name="providers"),
    path("settings/providers/<int:pk>/", views.provider_edit, name="provider-edit"),
    path("settings/providers/<int:pk>/<str:action>/", views.provider_action, name="provider-action"),
]
