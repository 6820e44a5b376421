from django.urls import path

from production import views

app_name = "production"

urlpatterns = [
    path("campaigns/", views.campaign_list, name="campaigns"),
    path("campaigns/new/", views.campaign_create, name="campaign-create"),
    path("campaigns/slot-candidates/", views.slot_candidates, name="slot-candidates"),
    path("campaigns/check/", views.composition_check, name="composition-check"),
    path("campaigns/<int:pk>/", views.campaign_edit, name="campaign-edit"),
    path("campaigns/<int:pk>/generate/", views.campaign_generate, name="campaign-generate"),
    path("campaigns/<int:pk>/<str:action>/", views.campaign_action, name="campaign-action"),
    path("queue/", views.queue_list, name="queue"),
    path("queue/rows/", views.queue_rows, name="queue-rows"),
    path("queue/<uuid:queue_id>/", views.queue_item_detail, name="queue-item"),
    path("queue/<uuid:queue_id>/<str:action>/", views.queue_item_action, name="queue-item-action"),
    path("batches/", views.batch_list, name="batches"),
    path("batches/<int:pk>/export.<str:fmt>", views.batch_export, name="batch-export"),
    path("batches/<int:pk>/<str:action>/", views.batch_action, name="batch-action"),
]
