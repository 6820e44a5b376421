"""Voices and voice-overs: offline Piper + alignment for real, provider voices via the emulators."""

from __future__ import annotations

from decimal import Decimal

import pytest

from library.models import MediaAsset, MediaKind
from production.studio.models import (
    CallKind,
    Engine,
    Provider,
    ProviderCall,
    StudioAllowance,
    TimingSource,
    Voice,
    VoiceOver,
    VoiceOverStatus,
)
from production.studio.services import keys, scripts, voice_overs

TEXT = "Five quick tips for better coffee. Number two costs $19.99 in 2026, and ReelMill makes it easy!"


@pytest.fixture
def joe(db):
    voice = Voice.objects.filter(engine=Engine.PIPER, available=True).first()
    if voice is None:
        pytest.skip("The offline Piper voice is not installed")
    return voice


@pytest.fixture
def synthesize(api, eager, django_capture_on_commit_callbacks):
    def post(url="/api/v1/voice-overs/", **payload):
        with django_capture_on_commit_callbacks(execute=True):
            return api.post(url, payload, format="json")

    return post


def test_the_offline_voice_is_in_the_catalogue(api, joe):
    voices = api.get("/api/v1/voices/").json()["results"]
    mine = next(v for v in voices if v["id"] == joe.pk)
    assert mine["offline"] is True and mine["language"] == "en-US" and "CC0" in mine["licence"]


def test_free_text_becomes_a_voice_over_asset_with_word_timings(api, synthesize, joe, user):
    response = synthesize(text=TEXT, voice=joe.pk)
    assert response.status_code == 202, response.json()
    voice_over = VoiceOver.objects.get(pk=response.json()["id"])
    assert voice_over.status == VoiceOverStatus.READY, voice_over.error
    asset = voice_over.asset
    assert asset.kind == MediaKind.VOICE_OVER and asset.owner == user and asset.has_audio
    assert 4 < asset.duration_seconds < 12
    words = asset.word_timings
    assert [w["text"] for w in words] == TEXT.split()  # the script's own words, "$19.99" included
    assert all(w["end"] > w["start"] for w in words)
    assert all(a["end"] <= b["start"] + 1e-6 for a, b in zip(words, words[1:], strict=False))
    assert words[-1]["end"] <= asset.duration_seconds + 0.05
    assert voice_over.timing_source in (TimingSource.ALIGNMENT, TimingSource.MIXED)
    detail = api.get(f"/api/v1/voice-overs/{voice_over.pk}/").json()
    assert detail["status"] == "ready" and detail["audio_url"] and detail["duration_seconds"]
    timings = api.get(f"/api/v1/voice-overs/{voice_over.pk}/timings").json()
    assert timings["words"][0]["text"] == "Five"
    srt = api.get(f"/api/v1/voice-overs/{voice_over.pk}/captions.srt")
    assert srt.status_code == 200 and "-->" in srt.content.decode() and "$19.99" in srt.content.decode()
    vtt = api.get(f"/api/v1/voice-overs/{voice_over.pk}/captions.vtt")
    assert vtt.content.decode().startswith("WEBVTT")


def test_voicing_the_same_again_is_served_from_the_store(synthesize, joe):
    first = synthesize(text="A short line to voice.", voice=joe.pk)
    second = synthesize(text="A short line to voice.", voice=joe.pk)
    assert second.status_code == 200 and second.json()["id"] == first.json()["id"]
    assert MediaAsset.objects.filter(kind=MediaKind.VOICE_OVER).count() == 1
    slower = synthesize(text="A short line to voice.", voice=joe.pk, speed=0.8)
    assert slower.status_code == 202 and slower.json()["id"] != first.json()["id"]


def test_a_script_is_voiced_with_the_seed_verb(synthesize, joe, user):
    script = scripts.script_create_from_text(owner=user, text="Grind fresh. Brew hot. Enjoy slowly.")
    response = synthesize(url="/api/v1/ai/audio/synthesize", script=script.pk, voice=joe.pk)
    assert response.status_code == 202, response.json()
    voice_over = VoiceOver.objects.get(pk=response.json()["id"])
    assert voice_over.script == script and voice_over.status == VoiceOverStatus.READY
    assert [w["text"] for w in voice_over.asset.word_timings] == ["Grind", "fresh.", "Brew", "hot.", "Enjoy", "slowly."]


def test_voice_preview_is_made_once(api, joe):
    first = api.post(f"/api/v1/voices/{joe.pk}/preview")
    assert first.status_code == 200 and first.json()["preview_url"]
    joe.refresh_from_db()
    stored = joe.preview.name
    again = api.post(f"/api/v1/voices/{joe.pk}/preview")
    assert again.json()["preview_url"] == first.json()["preview_url"]
    joe.refresh_from_db()
    assert joe.preview.name == stored


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "text"),
        ({"text": "x" * 50_000}, "text"),
        ({"text": "   "}, "text"),
        ({"text": "hi", "speed": -1}, "speed"),
        ({"text": "hi", "speed": 3}, "speed"),
        ({"text": "hi", "speed": "fast"}, "speed"),
        ({"text": "hi", "voice": 999_999}, "voice"),
        ({"text": "hi", "voice": "joe"}, "voice"),
        ({"text": "hi", "script": 1}, "text"),
    ],
)
def test_bad_voice_over_requests_are_refused_and_change_nothing(api, joe, payload, field):
    response = api.post("/api/v1/voice-overs/", payload, format="json")
    assert response.status_code in (400, 404), response.json()
    assert field in response.json()["error"]["fields"], response.json()
    assert not VoiceOver.objects.exists()


def test_other_users_voice_overs_scripts_and_voices_answer_404(api, other_user, joe):
    theirs_script = scripts.script_create_from_text(owner=other_user, text="Their words.")
    theirs = VoiceOver.objects.create(owner=other_user, voice=joe, text="Their words.")
    for url in (
        f"/api/v1/voice-overs/{theirs.pk}/",
        f"/api/v1/voice-overs/{theirs.pk}/timings",
        f"/api/v1/voice-overs/{theirs.pk}/captions.srt",
    ):
        assert api.get(url).status_code == 404
    assert api.delete(f"/api/v1/voice-overs/{theirs.pk}/").status_code == 404
    response = api.post("/api/v1/voice-overs/", {"script": theirs_script.pk}, format="json")
    assert response.status_code == 404
    key = keys.provider_key_create(owner=other_user, provider=Provider.ELEVENLABS, label="11", api_key="sk_x")
    their_voice = Voice.objects.create(owner=other_user, engine=Engine.ELEVENLABS, key=key, voice_id="v1", name="V")
    assert api.get(f"/api/v1/voices/{their_voice.pk}/").status_code == 404
    assert api.post(f"/api/v1/voices/{their_voice.pk}/preview").status_code == 404
    refused = api.post("/api/v1/voice-overs/", {"text": "hi", "voice": their_voice.pk}, format="json")
    assert refused.status_code == 404
    assert VoiceOver.objects.count() == 1


def test_openai_voice_through_the_emulator_is_aligned(synthesize, user, openai_emulator, settings):
    settings.OPENAI_BASE_URL = openai_emulator.base_url
    key = keys.provider_key_create(
        owner=user, provider=Provider.OPENAI, label="OpenAI", api_key=openai_emulator.api_key
    )
    keys.provider_key_test(key=key)
    voice = Voice.objects.get(owner=user, key=key, voice_id="alloy")
    response = synthesize(text="Brew better coffee at home with three simple habits.", voice=voice.pk)
    voice_over = VoiceOver.objects.get(pk=response.json()["id"])
    assert voice_over.status == VoiceOverStatus.READY, voice_over.error
    assert voice_over.timing_source != TimingSource.PROVIDER
    assert len(voice_over.asset.word_timings) == 9
    speech = ProviderCall.objects.get(kind=CallKind.SPEECH)
    assert speech.characters > 0 and speech.cost_usd > 0


def test_elevenlabs_voice_uses_its_own_timings(synthesize, user, elevenlabs_emulator, settings):
    settings.ELEVENLABS_BASE_URL = elevenlabs_emulator.base_url
    key = keys.provider_key_create(
        owner=user, provider=Provider.ELEVENLABS, label="11", api_key=elevenlabs_emulator.api_key
    )
    keys.provider_key_test(key=key)
    voice = Voice.objects.filter(owner=user, key=key).first()
    response = synthesize(text="Brew better coffee, at home: 3 habits.", voice=voice.pk)
    voice_over = VoiceOver.objects.get(pk=response.json()["id"])
    assert voice_over.status == VoiceOverStatus.READY, voice_over.error
    assert voice_over.timing_source == TimingSource.PROVIDER
    assert [w["text"] for w in voice_over.asset.word_timings] == [
        "Brew",
        "better",
        "coffee,",
        "at",
        "home:",
        "3",
        "habits.",
    ]


def test_a_paid_voice_beyond_the_budget_fails_without_calling(synthesize, user, openai_emulator, settings):
    settings.OPENAI_BASE_URL = openai_emulator.base_url
    key = keys.provider_key_create(
        owner=user, provider=Provider.OPENAI, label="OpenAI", api_key=openai_emulator.api_key
    )
    keys.provider_key_test(key=key)
    StudioAllowance.objects.create(user=user, monthly_budget_usd=Decimal("0"))
    voice = Voice.objects.get(owner=user, key=key, voice_id="alloy")
    voice_over = VoiceOver.objects.get(pk=synthesize(text="Hello there.", voice=voice.pk).json()["id"])
    assert voice_over.status == VoiceOverStatus.FAILED and "budget" in voice_over.error
    assert not [r for r in openai_emulator.requests if r.route == "speech"]


def test_a_voice_over_drives_word_captions_in_a_render(user, joe, eager, django_capture_on_commit_callbacks, tmp_path):
    from production.rendering import CompositionSpec, render
    from production.services.specs import load_assets
    from tests.media import make_media

    with django_capture_on_commit_callbacks(execute=True):
        voice_over = voice_overs.voice_over_create(owner=user, voice=joe, text="Grind fresh. Brew hot.")
    voice_over.refresh_from_db()
    assert voice_over.status == VoiceOverStatus.READY, voice_over.error
    background = make_media(tmp_path, "bg.mp4", "video.mp4")
    from library.services import media_asset_ingest

    clip = media_asset_ingest(owner=user, kind="template", path=background)
    spec = CompositionSpec.from_dict(
        {
            "inputs": [{"asset": clip.pk, "loop": True}],
            "output": {"width": 180, "height": 320, "fps": 25},
            "duration": voice_over.asset.duration_seconds,
            "audio": {"voice_over": {"asset": voice_over.asset_id}},
            "text": {"captions": {"voice_over": {"asset": voice_over.asset_id}}},
        }
    )
    result = render(spec, str(tmp_path / "out.mp4"), assets=load_assets(ids=spec.asset_ids(), workdir=tmp_path))
    assert result.duration == pytest.approx(voice_over.asset.duration_seconds, abs=0.2)
    sidecar = result.srt_path.read_text()
    assert "Grind fresh." in sidecar
