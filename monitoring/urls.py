from django.urls import path

from monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("jobs/", views.job_list, name="jobs"),
    path("jobs/new", views.job_create, name="job-create"),
    path("jobs/initialize", views.job_initialize, name="initialize"),
    path("jobs/stop-all", views.jobs_stop_all, name="stop-all"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/<str:action>", views.job_action, name="job-action"),
    path("monitoring/", views.monitoring, name="monitoring"),
    path("monitoring/alerts/<int:pk>/acknowledge", views.alert_acknowledge, name="alert-acknowledge"),
]
