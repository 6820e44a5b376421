"""Provider keys: encrypted at rest, write-only in the API, one default per provider, isolation."""

from __future__ import annotations

import pytest
from django.db import connection

from production.studio.models import KeyStatus, Provider, ProviderKey
from production.studio.services import keys

SECRET = "sk-test-SECRET-9f8e7d6c5b4a"


@pytest.fixture
def key(user):
    return keys.provider_key_create(owner=user, provider=Provider.OPENAI, label="Main", api_key=SECRET)


def test_key_is_encrypted_at_rest(key):
    with connection.cursor() as cursor:
        cursor.execute("SELECT api_key FROM studio_providerkey WHERE id = %s", [key.pk])
        (raw,) = cursor.fetchone()
    raw = bytes(raw) if not isinstance(raw, str) else raw.encode()
    assert SECRET.encode() not in raw
    assert ProviderKey.objects.get(pk=key.pk).api_key == SECRET


def test_api_never_returns_the_key(api, user):
    response = api.post("/api/v1/keys/", {"provider": "openai", "label": "Main", "api_key": SECRET}, format="json")
    assert response.status_code == 201, response.json()
    assert SECRET not in response.content.decode()
    assert response.json()["has_key"] is True
    listing = api.get("/api/v1/keys/")
    detail = api.get(f"/api/v1/keys/{response.json()['id']}/")
    for page in (listing, detail):
        assert page.status_code == 200
        assert SECRET not in page.content.decode()
        assert SECRET[:12] not in page.content.decode()


def test_first_key_of_a_provider_is_the_default_and_a_new_default_takes_over(user, key):
    assert key.is_default
    second = keys.provider_key_create(owner=user, provider=Provider.OPENAI, label="Other", api_key="sk-other")
    assert not second.is_default
    keys.provider_key_make_default(key=second)
    key.refresh_from_db()
    assert not key.is_default
    assert ProviderKey.objects.filter(owner=user, provider=Provider.OPENAI, is_default=True).get() == second


def test_deleting_the_default_promotes_another(user, key):
    other = keys.provider_key_create(owner=user, provider=Provider.OPENAI, label="Other", api_key="sk-other")
    keys.provider_key_delete(key=key)
    other.refresh_from_db()
    assert other.is_default


def test_blank_key_on_update_keeps_the_stored_one(key):
    keys.provider_key_update(key=key, api_key="", label="Renamed")
    key.refresh_from_db()
    assert key.api_key == SECRET and key.label == "Renamed"


def test_a_new_secret_makes_the_key_untested_again(key):
    key.status = KeyStatus.SUCCESS
    key.save()
    keys.provider_key_update(key=key, api_key="sk-new-one")
    key.refresh_from_db()
    assert key.status == KeyStatus.UNTESTED


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"provider": "gemini", "api_key": "x"}, "provider"),
        ({"provider": "openai"}, "api_key"),
        ({"provider": "elevenlabs", "api_key": ""}, "api_key"),
        ({"provider": "openai_compatible"}, "base_url"),
        ({"provider": "openai_compatible", "base_url": "ftp://127.0.0.1/v1"}, "base_url"),
        ({"provider": "openai_compatible", "base_url": "http://user:pw@127.0.0.1/v1"}, "base_url"),
        ({"provider": "openai", "api_key": "sk with spaces"}, "api_key"),
        ({"provider": "openai", "api_key": "x" * 501}, "api_key"),
        ({"provider": "openai", "api_key": "sk", "label": "x" * 101}, "label"),
        ({"provider": ["openai"], "api_key": "sk"}, "provider"),
    ],
)
def test_bad_key_input_is_a_400_and_saves_nothing(api, payload, field):
    response = api.post("/api/v1/keys/", payload, format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()["error"]["fields"]
    assert not ProviderKey.objects.exists()


def test_duplicate_label_is_a_409(api, key):
    response = api.post("/api/v1/keys/", {"provider": "openai", "label": "Main", "api_key": "sk-2"}, format="json")
    assert response.status_code == 409
    assert ProviderKey.objects.count() == 1


def test_private_server_addresses_are_refused_when_the_operator_says_so(api, settings):
    settings.STUDIO_ALLOW_PRIVATE_PROVIDER_URLS = False
    response = api.post(
        "/api/v1/keys/", {"provider": "openai_compatible", "base_url": "http://127.0.0.1:11434/v1"}, format="json"
    )
    assert response.status_code == 400
    assert "private or local" in response.json()["error"]["message"]


def test_other_users_keys_answer_404(api, other_user):
    theirs = keys.provider_key_create(owner=other_user, provider=Provider.OPENAI, label="Theirs", api_key=SECRET)
    for method, url in [
        ("get", f"/api/v1/keys/{theirs.pk}/"),
        ("patch", f"/api/v1/keys/{theirs.pk}/"),
        ("delete", f"/api/v1/keys/{theirs.pk}/"),
        ("post", f"/api/v1/keys/{theirs.pk}/test/"),
        ("post", f"/api/v1/keys/{theirs.pk}/make-default/"),
    ]:
        response = getattr(api, method)(url, {}, format="json")
        assert response.status_code == 404, (method, url)
    assert api.post("/api/v1/keys/test", {"id": theirs.pk}, format="json").status_code == 404
    assert ProviderKey.objects.filter(pk=theirs.pk, label="Theirs").exists()


def test_testing_a_key_against_a_closed_port_records_a_readable_failure(user):
    key = keys.provider_key_create(
        owner=user, provider=Provider.OPENAI_COMPATIBLE, label="Ollama", base_url="http://127.0.0.1:9/v1"
    )
    keys.provider_key_test(key=key)
    key.refresh_from_db()
    assert key.status == KeyStatus.FAILED
    assert key.last_tested_at is not None
    assert "could not reach" in key.last_error and "127.0.0.1:9" in key.last_error


def test_operator_keys_are_used_only_when_allowed(user, settings):
    from production.studio.models import StudioAllowance

    settings.OPENAI_API_KEY = "sk-operator"
    settings.STUDIO_OPERATOR_KEYS_FOR_ALL = False
    with pytest.raises(keys.ApplicationError, match="No OpenAI key"):
        keys.key_for(user=user, provider=Provider.OPENAI)
    StudioAllowance.objects.create(user=user, use_operator_keys=True)
    resolved = keys.key_for(user=user, provider=Provider.OPENAI)
    assert resolved.operator and resolved.api_key == "sk-operator"
