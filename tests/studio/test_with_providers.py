"""The studio with real providers (loopback emulators): key tests, LLM scripts, cache, budgets, secrecy."""

from __future__ import annotations

import logging
from decimal import Decimal

import pytest

from production.studio.models import (
    CallKind,
    KeyStatus,
    Provider,
    ProviderCall,
    Script,
    ScriptStatus,
    StudioAllowance,
    Voice,
)
from production.studio.services import keys

TOPIC = "home coffee brewing"


def good_script(topic: str = TOPIC) -> dict:
    scenes = [
        "Start with fresh beans: coffee loses its aroma within weeks of roasting, so buy small bags often.",
        "Grind right before brewing, because ground coffee goes stale in minutes and tastes flat.",
        "Use water just off the boil, around ninety three degrees, so the grounds extract without burning.",
        "Weigh everything: sixty grams of coffee per litre of water gives a balanced cup every morning.",
    ]
    return {
        "title": "Better home coffee brewing",
        "hook": f"Your {topic} routine is missing four easy wins.",
        "scenes": [{"text": text, "visual_keywords": ["coffee beans"], "seconds": 6} for text in scenes],
        "call_to_action": "Follow for more coffee tips!",
        "captions": {
            platform: {"caption": "Four easy wins for home coffee", "hashtags": ["#coffee", "#homebrew"]}
            for platform in ("tiktok", "youtube", "instagram", "facebook")
        },
    }


@pytest.fixture
def local_llm(user, openai_emulator):
    """An OpenAI-compatible server key (like Ollama), pointing at the emulator, which serves llama3.2."""
    openai_emulator.models.append("llama3.2")
    return keys.provider_key_create(
        owner=user,
        provider=Provider.OPENAI_COMPATIBLE,
        label="Local",
        base_url=openai_emulator.base_url,
        api_key=openai_emulator.api_key,
        default_model="llama3.2",
    )


@pytest.fixture
def openai_key(user, openai_emulator, settings):
    settings.OPENAI_BASE_URL = openai_emulator.base_url
    return keys.provider_key_create(
        owner=user, provider=Provider.OPENAI, label="OpenAI", api_key=openai_emulator.api_key
    )


@pytest.fixture
def generate(api, eager, django_capture_on_commit_callbacks):
    """POST a script request; its task runs when the request's transaction commits."""

    def post(**payload):
        with django_capture_on_commit_callbacks(execute=True):
            return api.post("/api/v1/scripts/", {"topic": TOPIC, **payload}, format="json")

    return post


def test_key_test_succeeds_and_lists_openai_voices(openai_key, user):
    keys.provider_key_test(key=openai_key)
    openai_key.refresh_from_db()
    assert openai_key.status == KeyStatus.SUCCESS and openai_key.last_error == ""
    assert ProviderCall.objects.filter(owner=user, kind=CallKind.TEST, ok=True).count() == 1
    assert Voice.objects.filter(owner=user, key=openai_key, voice_id="alloy").exists()


def test_a_wrong_key_fails_with_a_readable_error_that_hides_the_key(user, openai_emulator, settings, caplog):
    settings.OPENAI_BASE_URL = openai_emulator.base_url
    openai_emulator.echo_key = True
    wrong = "sk-wrong-0123456789abcdef0123456789"
    key = keys.provider_key_create(owner=user, provider=Provider.OPENAI, label="Bad", api_key=wrong)
    with caplog.at_level(logging.DEBUG):
        keys.provider_key_test(key=key)
    key.refresh_from_db()
    assert key.status == KeyStatus.FAILED
    assert key.last_error.startswith("401 from 127.0.0.1:") and "invalid key" in key.last_error
    assert wrong not in key.last_error and wrong not in caplog.text
    assert wrong not in ProviderCall.objects.get(key=key).error


def test_elevenlabs_key_test_lists_its_voices(user, elevenlabs_emulator, settings):
    settings.ELEVENLABS_BASE_URL = elevenlabs_emulator.base_url
    key = keys.provider_key_create(
        owner=user, provider=Provider.ELEVENLABS, label="11", api_key=elevenlabs_emulator.api_key
    )
    keys.provider_key_test(key=key)
    key.refresh_from_db()
    assert key.status == KeyStatus.SUCCESS
    assert Voice.objects.filter(owner=user, key=key, engine="elevenlabs").count() >= 1


def test_llm_script_then_the_same_request_is_served_from_the_store(api, generate, local_llm, openai_emulator):
    openai_emulator.chat_replies.append(good_script())
    response = generate()
    assert response.status_code == 202, response.json()
    script = Script.objects.get(pk=response.json()["id"])
    assert script.status == ScriptStatus.READY, script.error
    assert script.engine == Provider.OPENAI_COMPATIBLE and script.model == "llama3.2"
    assert script.scenes[0]["text"].startswith("Start with fresh beans")
    call = ProviderCall.objects.get(kind=CallKind.CHAT)
    assert call.ok and call.prompt_tokens > 0 and call.completion_tokens > 0
    requests_before = len(openai_emulator.requests)
    again = generate()
    assert again.status_code == 200 and again.json()["id"] == script.pk
    assert len(openai_emulator.requests) == requests_before  # no new HTTP call
    regenerated = generate(regenerate=True)
    assert regenerated.status_code == 202
    assert len(openai_emulator.requests) > requests_before


def test_a_degenerate_reply_gets_one_repair(api, generate, local_llm, openai_emulator):
    broken = good_script()
    broken["scenes"] = [{"text": "Scene 1", "visual_keywords": [], "seconds": 5}] * 4
    openai_emulator.chat_replies.extend([broken, good_script()])
    script = Script.objects.get(pk=generate().json()["id"])
    assert script.status == ScriptStatus.READY, script.error
    assert "repair" in script.notes
    assert ProviderCall.objects.filter(kind=CallKind.CHAT).count() == 2


def test_two_bad_replies_fail_with_the_problem_named(api, generate, local_llm, openai_emulator):
    openai_emulator.chat_replies.extend(["this is not json at all", "still not json"])
    script = Script.objects.get(pk=generate().json()["id"])
    assert script.status == ScriptStatus.FAILED
    assert "json" in script.error.lower()


def test_an_unreachable_server_fails_the_script_readably(api, generate, user):
    keys.provider_key_create(
        owner=user,
        provider=Provider.OPENAI_COMPATIBLE,
        label="Gone",
        base_url="http://127.0.0.1:9/v1",
        default_model="llama3.2",
    )
    script = Script.objects.get(pk=generate().json()["id"])
    assert script.status == ScriptStatus.FAILED
    assert "could not reach http://127.0.0.1:9" in script.error


def test_budget_refuses_paid_calls_and_says_budget_and_spend(api, generate, openai_key, openai_emulator, user):
    StudioAllowance.objects.create(user=user, monthly_budget_usd=Decimal("1.00"))
    ProviderCall.objects.create(
        owner=user, provider=Provider.OPENAI, kind=CallKind.CHAT, cost_usd=Decimal("1.00"), model="gpt-4o-mini"
    )
    script = Script.objects.get(pk=generate(provider="openai").json()["id"])
    assert script.status == ScriptStatus.FAILED
    assert "$1.00" in script.error and "budget" in script.error
    assert not [r for r in openai_emulator.requests if r.route == "chat"]
    usage = api.get("/api/v1/usage").json()
    assert Decimal(usage["spent_usd"]) == Decimal("1.00") and Decimal(usage["budget_usd"]) == Decimal("1.00")


def test_site_budget_refuses_too(api, generate, openai_key, openai_emulator, user, other_user, settings):
    settings.STUDIO_GLOBAL_MONTHLY_BUDGET_USD = 5.0
    ProviderCall.objects.create(owner=other_user, provider=Provider.OPENAI, kind=CallKind.CHAT, cost_usd=Decimal("5"))
    script = Script.objects.get(pk=generate(provider="openai").json()["id"])
    assert script.status == ScriptStatus.FAILED and "site's monthly studio budget" in script.error


def test_free_local_calls_are_not_refused_by_an_empty_budget(api, generate, local_llm, openai_emulator, user):
    StudioAllowance.objects.create(user=user, monthly_budget_usd=Decimal("0"))
    openai_emulator.chat_replies.append(good_script())
    script = Script.objects.get(pk=generate().json()["id"])
    assert script.status == ScriptStatus.READY, script.error


def test_the_key_never_reaches_responses_or_logs(api, generate, local_llm, openai_emulator, caplog):
    openai_emulator.chat_replies.append(good_script())
    with caplog.at_level(logging.DEBUG):
        responses = [
            generate(),
            api.get("/api/v1/keys/"),
            api.post(f"/api/v1/keys/{local_llm.pk}/test/"),
            api.get("/api/v1/scripts/"),
            api.get("/api/v1/usage"),
        ]
    for response in responses:
        assert openai_emulator.api_key not in response.content.decode()
    assert openai_emulator.api_key not in caplog.text
