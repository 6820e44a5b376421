from django.urls import path

from library import views

app_name = "library"

urlpatterns = [
    path("", views.asset_list, name="list"),
    path("upload/", views.asset_upload, name="upload"),
    path("import-url/", views.asset_import_url, name="import-url"),
    path("bulk/", views.asset_bulk, name="bulk"),
    path("<int:pk>/", views.asset_detail, name="detail"),
    path("<int:pk>/card/", views.asset_card, name="card"),
    path("<int:pk>/delete/", views.asset_delete, name="delete"),
    path("<int:pk>/file/", views.asset_file, name="file"),
    path("<int:pk>/thumbnail/", views.asset_thumbnail, name="thumbnail"),
]
