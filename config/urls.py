from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from common import health
from monitoring import views as monitoring_views

api_v1 = [
    path("", include("accounts.api_urls")),
    path("", include("library.api_urls")),
    path("", include("production.api_urls")),
    path("", include("production.studio.api_urls")),
    path("", include("distribution.api_urls")),
    path("", include("monitoring.api_urls")),
]

urlpatterns = [
    path("", include("monitoring.urls")),
    path("", include("accounts.urls")),
    path("library/", include("library.urls")),
    path("studio/", include("production.studio.urls")),
    path("uploads/", include("distribution.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("", include("production.urls")),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", monitoring_views.readyz, name="readyz"),
]

handler400 = "common.http.bad_request"
handler403 = "common.http.forbidden"
handler404 = "common.http.not_found"
handler500 = "common.http.server_error"

admin.site.site_header = "ReelMill operations"
admin.site.site_title = "ReelMill admin"
if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
