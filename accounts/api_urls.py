from django.urls import re_path

from accounts import apis
from common.api import OptionalSlashRouter

router = OptionalSlashRouter()
router.register("accounts", apis.SocialAccountViewSet, basename="social-account")

urlpatterns = [
    re_path(r"^auth/token/?$", apis.TokenApi.as_view(), name="auth-token"),
    re_path(r"^auth/me/?$", apis.MeApi.as_view(), name="auth-me"),
    *router.urls,
]
