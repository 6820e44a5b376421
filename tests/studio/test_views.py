"""The studio's dashboard pages: scripts (write, edit, voice), the player, Settings → Providers."""

from __future__ import annotations

import shutil
import socket
from decimal import Decimal

import pytest

from production.studio.models import (
    KeyStatus,
    Provider,
    ProviderCall,
    ProviderKey,
    Script,
    ScriptStatus,
    StudioAllowance,
    Voice,
    VoiceOver,
    VoiceOverStatus,
)
from production.studio.services import keys, templates, voices
from tests.factories import UserFactory
from tests.studio.test_with_providers import good_script

SECRET = "sk-live-RECOGNISABLE-secret-4242"


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def catalogues(db):
    """The built-in templates and this machine's voices, as after a migrate."""
    templates.prompt_templates_sync_builtin()
    voices.voices_sync_local()


@pytest.fixture
def eager(settings, django_capture_on_commit_callbacks):
    """Tasks run inline when their transaction commits, as a worker would run them.

    Set on the Celery app too: the app read the setting when it was configured."""
    from config.celery import app

    before = app.conf.task_always_eager  # read first: the app reads its settings when first touched
    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True

    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    yield run
    app.conf.task_always_eager = before


@pytest.fixture
def lazy_celery(monkeypatch):
    """No worker: what was sent stays queued (the page shows it waiting)."""
    from production.studio import tasks

    sent: list[int] = []
    monkeypatch.setattr(tasks.script_write_task, "delay", sent.append)
    monkeypatch.setattr(tasks.voice_over_make_task, "delay", sent.append)
    return sent


def make_script(owner, **fields) -> Script:
    values = {
        "topic": "home coffee brewing",
        "title": "Better coffee at home",
        "hook": "Your coffee can taste twice as good.",
        "scenes": [
            {"text": "Grind the beans just before you brew.", "keywords": ["coffee grinder"], "seconds": 2.8},
            {"text": "Use water just off the boil.", "keywords": ["kettle"], "seconds": 2.4},
        ],
        "call_to_action": "Follow for more coffee tips.",
        "captions": {"tiktok": {"caption": "Better coffee at home", "hashtags": ["#coffee", "#tips"]}},
        "word_count": 24,
        "estimated_seconds": 9.6,
        "status": ScriptStatus.READY,
        "engine": "template",
    }
    values.update(fields)
    return Script.objects.create(owner=owner, **values)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def editor_data(script: Script, **overrides) -> dict:
    data = {
        "title": script.title,
        "hook": script.hook,
        "call_to_action": script.call_to_action,
        "scenes-TOTAL_FORMS": str(len(script.scenes)),
        "scenes-INITIAL_FORMS": str(len(script.scenes)),
        "scenes-MIN_NUM_FORMS": "0",
        "scenes-MAX_NUM_FORMS": "40",
    }
    for index, scene in enumerate(script.scenes):
        data[f"scenes-{index}-text"] = scene["text"]
        data[f"scenes-{index}-keywords"] = ", ".join(scene["keywords"])
    for platform, entry in script.captions.items():
        data[f"caption_{platform}"] = entry["caption"]
        data[f"hashtags_{platform}"] = " ".join(entry["hashtags"])
    data.update(overrides)
    return data


# --- Scripts ---------------------------------------------------------------------------------


def test_scripts_page_offers_templates_writers_and_lists_only_own_scripts(signed_in, user, catalogues):
    make_script(user, title="Mine to keep")
    make_script(UserFactory(), title="Someone else's")
    response = signed_in.get("/studio/scripts/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Offline template writer" in html and "not an AI" in html
    assert '<optgroup label="Tips / listicle">' in html
    assert "Use my own words" in html or "use my own words" in html
    assert "Mine to keep" in html and "Someone else" not in html
    assert 'href="/studio/scripts/"' in html  # the Studio entry of the navigation


def test_scripts_list_runs_a_constant_number_of_queries(signed_in, user, catalogues, django_assert_max_num_queries):
    for n in range(12):
        make_script(user, title=f"Script {n}")
    with django_assert_max_num_queries(14):
        assert signed_in.get("/studio/scripts/").status_code == 200


def test_ai_writers_are_the_users_own_llm_keys(signed_in, user, catalogues):
    key = keys.provider_key_create(owner=user, provider=Provider.OPENAI, label="Work", api_key=SECRET)
    other = keys.provider_key_create(owner=UserFactory(), provider=Provider.OPENAI, label="Theirs", api_key="sk-x")
    html = signed_in.get("/studio/scripts/").content.decode()
    assert f'value="key:{key.pk}"' in html and "AI: Work (OpenAI)" in html
    assert f'value="key:{other.pk}"' not in html
    assert SECRET not in html


def test_writing_offline_from_a_topic_lands_on_the_ready_script(signed_in, user, catalogues, eager):
    response = eager(
        lambda: signed_in.post(
            "/studio/scripts/write/",
            {"topic": "home coffee brewing", "writer": "template", "duration": "30", "platform": "tiktok", "seed": "0"},
        )
    )
    script = Script.objects.get(owner=user)
    assert response.status_code == 302 and response["Location"] == f"/studio/scripts/{script.pk}/"
    assert script.status == ScriptStatus.READY, script.error
    page = signed_in.get(response["Location"]).content.decode()
    assert "Writing a script about “home coffee brewing”" in page
    assert 'id="script-editor"' in page and "Scene 1" in page
    assert "offline template writer" in page
    assert f"{script.scenes[0]['text'][:30]}" in page


@pytest.fixture
def local_llm(user, settings, openai_emulator):
    """A key for an OpenAI-compatible server on this machine (like Ollama), played by the emulator."""
    settings.STUDIO_ALLOW_PRIVATE_PROVIDER_URLS = True
    openai_emulator.models.append("llama3.2")
    return keys.provider_key_create(
        owner=user,
        provider=Provider.OPENAI_COMPATIBLE,
        label="Laptop",
        base_url=openai_emulator.base_url,
        api_key=openai_emulator.api_key,
        default_model="llama3.2",
    )


def test_writing_with_an_ai_key_shows_who_wrote_it_and_counts_the_call(
    signed_in, user, catalogues, eager, local_llm, openai_emulator
):
    openai_emulator.chat_replies.append(good_script())
    response = eager(
        lambda: signed_in.post(
            "/studio/scripts/write/",
            {"topic": "home coffee brewing", "writer": f"key:{local_llm.pk}", "duration": "30"},
        )
    )
    script = Script.objects.get(owner=user)
    assert script.status == ScriptStatus.READY, script.error
    assert script.engine == Provider.OPENAI_COMPATIBLE and script.key == local_llm
    page = signed_in.get(response["Location"]).content.decode()
    assert "OpenAI-compatible server (llama3.2)" in page and "Start with fresh beans" in page
    usage = signed_in.get("/studio/settings/providers/").content.decode()
    assert "1 call to providers" in usage
    assert openai_emulator.api_key not in page + usage


def test_an_ai_script_over_budget_fails_with_the_readable_reason(
    signed_in, user, catalogues, eager, local_llm, openai_emulator
):
    StudioAllowance.objects.create(user=user, monthly_budget_usd=Decimal("0"))
    ProviderCall.objects.create(owner=user, provider=Provider.OPENAI, kind="chat", cost_usd=Decimal("0.01"))
    response = eager(
        lambda: signed_in.post(
            "/studio/scripts/write/",
            {"topic": "home coffee brewing", "writer": f"key:{local_llm.pk}", "duration": "30"},
        )
    )
    script = Script.objects.get(owner=user)
    assert script.status == ScriptStatus.FAILED
    html = signed_in.get(response["Location"]).content.decode()
    assert "The script could not be written." in html and "monthly studio budget" in html


def test_a_script_being_written_polls_then_reloads_into_the_editor(
    signed_in, user, catalogues, lazy_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            "/studio/scripts/write/", {"topic": "tiny gardens", "writer": "template", "duration": "30"}
        )
    script = Script.objects.get(owner=user)
    assert lazy_celery == [script.pk] and script.status == ScriptStatus.QUEUED
    page = signed_in.get(response["Location"]).content.decode()
    assert "Waiting to be written" in page and f'hx-get="/studio/scripts/{script.pk}/live/"' in page
    listing = signed_in.get("/studio/scripts/").content.decode()
    assert 'data-polling="on"' in listing
    live = signed_in.get(f"/studio/scripts/{script.pk}/live/", HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 1s"' in live.content.decode()
    Script.objects.filter(pk=script.pk).update(status=ScriptStatus.READY, scenes=[{"text": "Hi.", "keywords": []}])
    done = signed_in.get(f"/studio/scripts/{script.pk}/live/", HTTP_HX_REQUEST="true")
    assert done.status_code == 204 and done["HX-Refresh"] == "true"


def test_a_failed_script_shows_its_readable_error(signed_in, user):
    script = make_script(user, status=ScriptStatus.FAILED, error="The model server did not answer in 120 s.")
    html = signed_in.get(f"/studio/scripts/{script.pk}/").content.decode()
    assert "The script could not be written." in html
    assert "The model server did not answer in 120 s." in html
    assert "Try again" in html and "hx-trigger" not in html


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"topic": "", "writer": "template", "duration": "30"}, "This field is required."),
        ({"topic": "x" * 301, "writer": "template", "duration": "30"}, "at most 300 characters"),
        ({"topic": "coffee", "writer": "key:999999", "duration": "30"}, "Select a valid choice."),
        ({"topic": "coffee", "writer": "template", "duration": "7"}, "Select a valid choice."),
        ({"topic": "coffee", "writer": "template", "duration": "30", "seed": "-4"}, "greater than or equal to 0"),
    ],
)
def test_bad_topic_input_rerenders_with_the_error_and_saves_nothing(signed_in, catalogues, data, error):
    response = signed_in.post("/studio/scripts/write/", data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Script.objects.exists()


def test_another_users_key_is_not_a_writer(signed_in, catalogues):
    theirs = keys.provider_key_create(owner=UserFactory(), provider=Provider.OPENAI, label="Theirs", api_key="sk-x")
    response = signed_in.post(
        "/studio/scripts/write/", {"topic": "coffee", "writer": f"key:{theirs.pk}", "duration": "30"}
    )
    assert response.status_code == 200 and "Select a valid choice." in response.content.decode()
    assert not Script.objects.exists()


def test_own_words_become_a_ready_script(signed_in, user):
    text = "Five tips for better sleep.\n\nKeep the room cool.\n\nPut the phone away an hour before bed."
    response = signed_in.post("/studio/scripts/own-words/", {"own-title": "Sleep better", "own-text": text})
    script = Script.objects.get(owner=user)
    assert response.status_code == 302 and response["Location"] == f"/studio/scripts/{script.pk}/"
    assert script.status == ScriptStatus.READY and script.engine == "text"
    assert "Keep the room cool." in script.spoken_text
    page = signed_in.get(response["Location"]).content.decode()
    assert "your own words" in page and "Regenerate" not in page


def test_empty_own_words_rerender_with_the_error(signed_in, catalogues):
    response = signed_in.post("/studio/scripts/own-words/", {"own-title": "Nothing", "own-text": "   "})
    assert response.status_code == 200
    html = response.content.decode()
    assert "This field is required." in html
    assert not Script.objects.exists()


def test_script_detail_shows_scenes_estimates_captions_and_the_voice_picker(signed_in, user, catalogues):
    script = make_script(user)
    html = signed_in.get(f"/studio/scripts/{script.pk}/").content.decode()
    assert "Grind the beans just before you brew." in html
    assert "data-scene-seconds>2.8<" in html.replace("</output>", "<")  # 7 words / 2.5
    assert 'id="total-seconds">10<' in html.replace("</output>", "<")
    assert "TikTok caption" in html and "#coffee #tips" in html
    assert "Voice it" in html
    for voice in Voice.objects.filter(owner=None, available=True):
        assert voice.name in html


def test_saving_the_editor_goes_through_the_service(signed_in, user):
    script = make_script(user)
    data = editor_data(
        script,
        **{
            "scenes-0-text": "Grind your beans right before brewing them every single morning.",
            "scenes-0-keywords": "grinder, beans",
            "scenes-1-DELETE": "on",
            "hashtags_tiktok": "coffee #morning",
        },
    )
    response = signed_in.post(f"/studio/scripts/{script.pk}/", data)
    assert response.status_code == 302
    script.refresh_from_db()
    assert [scene["text"] for scene in script.scenes] == [
        "Grind your beans right before brewing them every single morning."
    ]
    assert script.scenes[0]["keywords"] == ["grinder", "beans"]
    assert script.scenes[0]["seconds"] == pytest.approx(4.0)
    assert script.captions["tiktok"]["hashtags"] == ["#coffee", "#morning"]
    assert script.edited is True
    assert script.estimated_seconds == pytest.approx(round(script.word_count / 2.5, 1))
    assert "Saved “Better coffee at home”" in signed_in.get(response["Location"]).content.decode()


def test_a_new_scene_added_in_the_editor_is_saved(signed_in, user):
    script = make_script(user)
    data = editor_data(
        script, **{"scenes-TOTAL_FORMS": "3", "scenes-2-text": "Enjoy it slowly.", "scenes-2-keywords": ""}
    )
    assert signed_in.post(f"/studio/scripts/{script.pk}/", data).status_code == 302
    script.refresh_from_db()
    assert len(script.scenes) == 3 and script.scenes[2]["text"] == "Enjoy it slowly."
    assert script.scenes[2]["keywords"]  # picked from the text by the service


def test_an_added_scene_left_blank_is_ignored(signed_in, user):
    script = make_script(user)
    data = editor_data(script, **{"scenes-TOTAL_FORMS": "3", "scenes-2-text": "", "scenes-2-keywords": ""})
    assert signed_in.post(f"/studio/scripts/{script.pk}/", data).status_code == 302
    script.refresh_from_db()
    assert len(script.scenes) == 2


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"scenes-0-text": ""}, "This field is required."),
        ({"scenes-0-DELETE": "on", "scenes-1-DELETE": "on"}, "A script needs at least one scene."),
        ({"hook": "x" * 501}, "at most 500 characters"),
    ],
)
def test_bad_editor_input_rerenders_with_the_error_and_changes_nothing(signed_in, user, catalogues, overrides, error):
    script = make_script(user)
    before = list(script.scenes)
    response = signed_in.post(f"/studio/scripts/{script.pk}/", editor_data(script, **overrides))
    assert response.status_code == 200
    assert error in response.content.decode()
    script.refresh_from_db()
    assert script.scenes == before and script.edited is False


def test_regenerate_and_delete(signed_in, user, catalogues, lazy_celery, django_capture_on_commit_callbacks):
    script = make_script(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(f"/studio/scripts/{script.pk}/regenerate/")
    assert response.status_code == 302
    script.refresh_from_db()
    assert script.status == ScriptStatus.QUEUED and lazy_celery == [script.pk]
    response = signed_in.post(f"/studio/scripts/{script.pk}/delete/", follow=True)
    assert not Script.objects.filter(pk=script.pk).exists()
    assert "Deleted the script" in response.content.decode()


def test_regenerating_own_words_is_refused_readably(signed_in, user):
    script = make_script(user, engine="text")
    response = signed_in.post(f"/studio/scripts/{script.pk}/regenerate/", follow=True)
    assert response.status_code == 200
    assert "This script is your own text; edit it instead of regenerating." in response.content.decode()


# --- Voicing -------------------------------------------------------------------------------


@pytest.fixture
def offline_voice(catalogues):
    voice = Voice.objects.filter(owner=None, engine="piper", available=True).first()
    if voice is None:
        pytest.skip("The offline Piper voice is not installed here")
    return voice


def test_voicing_shows_progress_while_queued(
    signed_in, user, offline_voice, lazy_celery, django_capture_on_commit_callbacks
):
    script = make_script(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(f"/studio/scripts/{script.pk}/voice/", {"voice": offline_voice.pk, "speed": "1.0"})
    voice_over = VoiceOver.objects.get(owner=user)
    assert response.status_code == 302
    assert response["Location"] == f"/studio/scripts/{script.pk}/?take={voice_over.pk}#voice-over"
    assert voice_over.status == VoiceOverStatus.QUEUED and voice_over.text == script.spoken_text
    assert lazy_celery == [voice_over.pk]
    html = signed_in.get(response["Location"]).content.decode()
    assert f'hx-get="/studio/voice-overs/{voice_over.pk}/live/"' in html
    assert 'aria-current="step">Queued<' in html
    VoiceOver.objects.filter(pk=voice_over.pk).update(status=VoiceOverStatus.ALIGNING, progress=60)
    live = signed_in.get(f"/studio/voice-overs/{voice_over.pk}/live/").content.decode()
    assert 'aria-current="step">Timing words<' in live and "60%" in live


def test_voicing_for_real_gives_the_player_with_word_timings(signed_in, user, offline_voice, eager):
    script = make_script(user)
    response = eager(
        lambda: signed_in.post(f"/studio/scripts/{script.pk}/voice/", {"voice": offline_voice.pk, "speed": "1.0"})
    )
    voice_over = VoiceOver.objects.get(owner=user)
    assert voice_over.status == VoiceOverStatus.READY, voice_over.error
    html = signed_in.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 1s"' not in html.split('id="voice-over"')[1]
    assert f'src="/library/{voice_over.asset_id}/file/"' in html
    assert '<script id="voice-over-words" type="application/json">' in html
    assert html.count('class="word"') == len(voice_over.asset.word_timings)
    assert "Word timings:" in html and voice_over.get_timing_source_display() in html
    assert f"/library/{voice_over.asset_id}/" in html  # Open in library
    srt = signed_in.get(f"/studio/voice-overs/{voice_over.pk}/captions.srt")
    vtt = signed_in.get(f"/studio/voice-overs/{voice_over.pk}/captions.vtt")
    assert srt.status_code == 200 and "-->" in srt.content.decode()
    assert vtt.status_code == 200 and vtt.content.decode().startswith("WEBVTT")
    assert signed_in.get(f"/library/{voice_over.asset_id}/file/").status_code == 200


@pytest.mark.parametrize("speed", ["5", "0.1", "fast"])
def test_a_bad_speed_rerenders_with_the_error(signed_in, user, offline_voice, speed):
    script = make_script(user)
    response = signed_in.post(f"/studio/scripts/{script.pk}/voice/", {"voice": offline_voice.pk, "speed": speed})
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
    assert not VoiceOver.objects.exists()


def test_a_voice_sample_is_made_once_then_served(signed_in, user, offline_voice):
    response = signed_in.post(f"/studio/voices/{offline_voice.pk}/preview/", HTTP_X_STUDIO_PREVIEW="1")
    assert response.status_code == 302 and response["Location"] == f"/studio/voices/{offline_voice.pk}/sample/"
    offline_voice.refresh_from_db()
    assert offline_voice.preview
    sample = signed_in.get(response["Location"])
    assert sample.status_code == 200 and sample["Content-Type"].startswith("audio/")
    assert b"".join(sample.streaming_content)[:4] == b"RIFF"


def test_a_voice_that_is_gone_is_404(signed_in, user, catalogues):
    voice = Voice.objects.create(owner=None, engine="piper", voice_id="missing", name="Gone", available=False)
    assert signed_in.post(f"/studio/voices/{voice.pk}/preview/").status_code == 404


def test_a_voice_sample_that_cannot_be_made_says_why(signed_in, user, catalogues):
    if shutil.which("espeak-ng"):
        pytest.skip("espeak-ng is installed here: its sample would be made")
    voice = Voice.objects.create(owner=None, engine="espeak", voice_id="en-us", name="Robot", available=True)
    response = signed_in.post(f"/studio/voices/{voice.pk}/preview/", HTTP_X_STUDIO_PREVIEW="1")
    assert response.status_code == 409
    assert "espeak-ng is not installed" in response.content.decode()
    script = make_script(user)
    fallback = signed_in.post(
        f"/studio/voices/{voice.pk}/preview/", {"next": f"/studio/scripts/{script.pk}/"}, follow=True
    )
    assert fallback.redirect_chain[-1][0] == f"/studio/scripts/{script.pk}/"
    assert "No sample of Robot: espeak-ng is not installed" in fallback.content.decode()


# --- Isolation -----------------------------------------------------------------------------


def test_other_users_scripts_voice_overs_and_keys_are_404(signed_in, catalogues):
    other = UserFactory()
    script = make_script(other)
    key = keys.provider_key_create(owner=other, provider=Provider.OPENAI, label="Theirs", api_key=SECRET)
    voice = Voice.objects.create(owner=other, engine="openai", key=key, voice_id="nova", name="Nova")
    voice_over = VoiceOver.objects.create(owner=other, script=script, voice=voice, text="Hello.")
    for url in (
        f"/studio/scripts/{script.pk}/",
        f"/studio/scripts/{script.pk}/live/",
        f"/studio/voice-overs/{voice_over.pk}/live/",
        f"/studio/voice-overs/{voice_over.pk}/captions.srt",
        f"/studio/voices/{voice.pk}/sample/",
        f"/studio/settings/providers/{key.pk}/",
    ):
        assert signed_in.get(url).status_code == 404, url
    for url in (
        f"/studio/scripts/{script.pk}/",
        f"/studio/scripts/{script.pk}/regenerate/",
        f"/studio/scripts/{script.pk}/delete/",
        f"/studio/scripts/{script.pk}/voice/",
        f"/studio/voices/{voice.pk}/preview/",
        f"/studio/settings/providers/{key.pk}/test/",
        f"/studio/settings/providers/{key.pk}/default/",
        f"/studio/settings/providers/{key.pk}/delete/",
    ):
        assert signed_in.post(url).status_code == 404, url
    assert Script.objects.filter(pk=script.pk, status=ScriptStatus.READY).exists()
    assert ProviderKey.objects.filter(pk=key.pk).exists()


def test_another_users_voice_cannot_be_chosen(signed_in, user, offline_voice):
    other = UserFactory()
    key = keys.provider_key_create(owner=other, provider=Provider.OPENAI, label="Theirs", api_key="sk-x")
    theirs = Voice.objects.create(owner=other, engine="openai", key=key, voice_id="nova", name="Nova")
    script = make_script(user)
    response = signed_in.post(f"/studio/scripts/{script.pk}/voice/", {"voice": theirs.pk, "speed": "1"})
    assert response.status_code == 200 and "Select a valid choice." in response.content.decode()
    assert not VoiceOver.objects.exists()


# --- Settings → Providers ------------------------------------------------------------------


def test_providers_page_shows_usage_in_plain_words(signed_in, user):
    ProviderCall.objects.create(owner=user, provider=Provider.OPENAI, kind="chat", cost_usd=Decimal("0.42"))
    html = signed_in.get("/studio/settings/providers/").content.decode()
    assert "$0.42 of $10.00" in html and "used this month" in html
    assert "No keys yet" in html
    assert 'href="/studio/settings/providers/">Settings</a>' in html  # the header link


def test_adding_a_key_goes_through_the_service_and_never_shows_it(signed_in, user):
    response = signed_in.post(
        "/studio/settings/providers/",
        {"provider": "openai", "label": "Work", "api_key": SECRET, "default_model": "gpt-4o-mini"},
    )
    assert response.status_code == 302
    key = ProviderKey.objects.get(owner=user)
    assert key.api_key == SECRET and key.is_default and key.default_model == "gpt-4o-mini"
    page = signed_in.get("/studio/settings/providers/")
    html = page.content.decode()
    assert "Added OpenAI · Work" in html and "Default" in html and "Untested" in html
    assert 'class="key-stored">Yes<' in html
    for response in (page, signed_in.get(f"/studio/settings/providers/{key.pk}/"), signed_in.get("/studio/scripts/")):
        assert SECRET not in response.content.decode()
        assert SECRET[:12] not in response.content.decode()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"provider": "openai", "label": "No key"}, "OpenAI needs a key."),
        ({"provider": "openai_compatible", "label": "Ollama"}, "An OpenAI-compatible server needs its address."),
        (
            {"provider": "openai_compatible", "label": "Ollama", "base_url": "ftp://example.test"},
            "The server address must be an http:// or https:// URL.",
        ),
        ({"provider": "openai", "label": "Spaces", "api_key": "sk bad key"}, "A key has no spaces or line breaks."),
        ({"provider": "nonsense", "label": "X"}, "Select a valid choice."),
    ],
)
def test_bad_key_input_rerenders_with_the_error_and_saves_nothing(signed_in, data, error):
    response = signed_in.post("/studio/settings/providers/", data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not ProviderKey.objects.exists()


def test_a_rejected_key_form_does_not_echo_the_secret(signed_in, user):
    keys.provider_key_create(owner=user, provider=Provider.OPENAI, label="Work", api_key="sk-first")
    response = signed_in.post("/studio/settings/providers/", {"provider": "openai", "label": "Work", "api_key": SECRET})
    html = response.content.decode()
    assert response.status_code == 200 and "You already have a key labelled" in html
    assert SECRET not in html
    assert ProviderKey.objects.filter(owner=user).count() == 1


def test_editing_with_a_blank_key_keeps_the_stored_one(signed_in, user):
    key = keys.provider_key_create(owner=user, provider=Provider.OPENAI, label="Work", api_key=SECRET)
    response = signed_in.post(
        f"/studio/settings/providers/{key.pk}/", {"label": "Renamed", "api_key": "", "default_model": "gpt-4o"}
    )
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.label == "Renamed" and key.api_key == SECRET and key.default_model == "gpt-4o"
    assert key.provider == Provider.OPENAI


def test_testing_a_key_against_a_closed_port_records_the_readable_failure(signed_in, user, settings):
    settings.STUDIO_ALLOW_PRIVATE_PROVIDER_URLS = True
    settings.STUDIO_PROVIDER_RETRIES = 0
    key = keys.provider_key_create(
        owner=user,
        provider=Provider.OPENAI_COMPATIBLE,
        label="Laptop",
        base_url=f"http://127.0.0.1:{closed_port()}/v1",
        api_key=SECRET,
        default_model="llama3.2",
    )
    response = signed_in.post(f"/studio/settings/providers/{key.pk}/test/", follow=True)
    key.refresh_from_db()
    assert key.status == KeyStatus.FAILED and key.last_error and key.last_tested_at
    html = response.content.decode()
    assert "Laptop did not work" in html and key.last_error in html.replace("&#x27;", "'")
    assert "http://127.0.0.1:" in html and SECRET not in html


def test_testing_a_working_key(signed_in, user, settings, openai_emulator):
    settings.STUDIO_ALLOW_PRIVATE_PROVIDER_URLS = True
    key = keys.provider_key_create(
        owner=user,
        provider=Provider.OPENAI_COMPATIBLE,
        label="Emulated",
        base_url=openai_emulator.base_url,
        api_key=openai_emulator.api_key,
        default_model="gpt-4o-mini",
    )
    html = signed_in.post(f"/studio/settings/providers/{key.pk}/test/", follow=True).content.decode()
    key.refresh_from_db()
    assert key.status == KeyStatus.SUCCESS, key.last_error
    assert "Emulated works." in html and "Working" in html
    assert openai_emulator.api_key not in html


def test_make_default_and_delete_a_key(signed_in, user):
    first = keys.provider_key_create(owner=user, provider=Provider.OPENAI, label="One", api_key="sk-one")
    second = keys.provider_key_create(owner=user, provider=Provider.OPENAI, label="Two", api_key="sk-two")
    signed_in.post(f"/studio/settings/providers/{second.pk}/default/")
    first.refresh_from_db(), second.refresh_from_db()
    assert second.is_default and not first.is_default
    response = signed_in.post(f"/studio/settings/providers/{second.pk}/delete/", follow=True)
    assert "Deleted OpenAI · Two." in response.content.decode()
    first.refresh_from_db()
    assert first.is_default and not ProviderKey.objects.filter(pk=second.pk).exists()


def test_providers_page_runs_a_constant_number_of_queries(signed_in, user, django_assert_max_num_queries):
    for n in range(8):
        keys.provider_key_create(owner=user, provider=Provider.OPENAI, label=f"Key {n}", api_key=f"sk-{n}")
    with django_assert_max_num_queries(10):
        assert signed_in.get("/studio/settings/providers/").status_code == 200


def test_the_secret_never_appears_on_any_studio_page(signed_in, user, catalogues):
    key = keys.provider_key_create(owner=user, provider=Provider.OPENAI, label="Work", api_key=SECRET)
    script = make_script(user, key=key, engine="openai", model="gpt-4o-mini")
    failed = make_script(user, status=ScriptStatus.FAILED, error="Refused.", key=key, engine="openai")
    pages = [
        "/studio/scripts/",
        "/studio/scripts/rows/",
        f"/studio/scripts/{script.pk}/",
        f"/studio/scripts/{failed.pk}/",
        "/studio/settings/providers/",
        f"/studio/settings/providers/{key.pk}/",
    ]
    for url in pages:
        response = signed_in.get(url)
        assert response.status_code == 200, url
        assert SECRET not in response.content.decode(), url
