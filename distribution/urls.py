from django.urls import path

from distribution import views

app_name = "distribution"

urlpatterns = [
    path("", views.upload_list, name="uploads"),
    path("rows/", views.upload_rows, name="upload-rows"),
    path("scheduled/", views.scheduled_list, name="scheduled"),
    path("calendar/", views.calendar, name="calendar"),
    path("publish-next/", views.publish_next, name="publish-next"),
    path("videos/<uuid:queue_id>/publish/", views.publish, name="publish"),
    path("videos/<uuid:queue_id>/refresh-metrics/", views.refresh_metrics, name="refresh-metrics"),
    path("<uuid:upload_id>/", views.upload_detail, name="upload"),
    path("<uuid:upload_id>/<str:action>/", views.upload_action, name="upload-action"),
]
