import pytest
from django.apps import apps
from django.contrib import admin

# Internal rows nobody edits: a lock row per platform, taken while a platform-wide cap is counted.
INTERNAL = {"distribution.PlatformLock"}


@pytest.mark.parametrize("app_label", ["accounts", "library", "production", "distribution", "monitoring"])
def test_every_model_is_in_the_admin(app_label):
    missing = [
        model._meta.label
        for model in apps.get_app_config(app_label).get_models()
        if model not in admin.site._registry and model._meta.label not in INTERNAL
    ]
    assert not missing, f"not in the admin: {missing}"


def test_admin_pages_open_for_an_operator(admin_client):
    for model in admin.site._registry:
        if model._meta.app_label in ("accounts", "library", "production", "distribution", "monitoring"):
            url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
            assert admin_client.get(url).status_code == 200, url
