"""A creator's journey in the studio: a provider key added and tested under Settings → Providers,
a script written offline from a topic, a scene edited (the estimate follows the typing), the
script voiced with the offline voice (its progress shown live, no reload), and the player
lighting up each word while it is spoken."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from production.studio import tasks
from production.studio.models import ProviderKey, Script, ScriptStatus, Voice, VoiceOver, VoiceOverStatus
from production.studio.services import templates, voices
from production.studio.services.voice_overs import voice_over_make
from tests.e2e.test_production_journey import sign_in
from tests.factories import UserFactory
from tests.library.conftest import celery_eager  # noqa: F401 - scripts are written inside the request
from tests.studio.conftest import openai_emulator  # noqa: F401 - the OpenAI-compatible server of the key

WIDE = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
NEW_SCENE = "Grind the beans right before you brew, and weigh them: fifteen grams for one cup."


@pytest.fixture
def voicing_queue(monkeypatch) -> list[int]:
    """The voice-overs the dashboard sent to the workers; the test plays the worker."""
    sent: list[int] = []
    monkeypatch.setattr(tasks.voice_over_make_task, "delay", sent.append)
    return sent


def both_widths(page, screenshot, name: str) -> None:
    page.set_viewport_size(WIDE)
    screenshot(f"{name}-1440")
    page.set_viewport_size(PHONE)
    screenshot(f"{name}-390")
    page.set_viewport_size(WIDE)


def test_key_script_voice_and_word_lit_player(page, screenshot, settings, openai_emulator, voicing_queue, request):  # noqa: F811
    settings.STUDIO_ALLOW_PRIVATE_PROVIDER_URLS = True  # the emulator listens on 127.0.0.1
    templates.prompt_templates_sync_builtin()
    voices.voices_sync_local()
    voice = Voice.objects.filter(owner=None, engine="piper", available=True).first()
    if voice is None:
        pytest.skip("The offline Piper voice is not installed here")
    request.getfixturevalue("celery_eager")
    user = UserFactory(username="lena")
    page.set_viewport_size(WIDE)
    sign_in(page, user)

    # Settings → Providers: add a key for an OpenAI-compatible server, then test it.
    page.get_by_role("link", name="Settings", exact=True).click()
    expect(page.locator(".usage-line")).to_contain_text("$0.00 of $10.00 used this month")
    form = page.locator(".key-form")
    expect(form.get_by_label("Server address")).to_be_hidden()
    form.get_by_label("Provider", exact=True).select_option("openai_compatible")
    expect(form.get_by_label("Server address")).to_be_visible()
    expect(form).to_contain_text("e.g. http://127.0.0.1:11434/v1 for Ollama")
    form.get_by_label("Name", exact=True).fill("My laptop")
    form.get_by_label("API key").fill(openai_emulator.api_key)
    form.get_by_label("Server address").fill(openai_emulator.base_url)
    form.get_by_label("Model").fill("gpt-4o-mini")
    form.get_by_role("button", name="Add the key").click()
    expect(page.get_by_text("Added OpenAI-compatible server · My laptop.")).to_be_visible()
    card = page.locator(".key-card[data-key='My laptop']")
    expect(card.locator(".key-status")).to_have_text("Untested")
    expect(card.locator(".key-stored")).to_have_text("Yes")
    expect(card).to_contain_text(openai_emulator.base_url)
    card.get_by_role("button", name="Test").click()
    expect(page.get_by_text("My laptop works.")).to_be_visible()
    expect(card.locator(".key-status")).to_have_text("Working")
    assert openai_emulator.api_key not in page.content()
    assert ProviderKey.objects.get(owner=user).api_key == openai_emulator.api_key
    both_widths(page, screenshot, "studio-providers")

    # Studio → Scripts: the offline writer from a topic (the AI key is offered too).
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Studio").click()
    writer = page.get_by_label("Writer")
    expect(writer.locator("option")).to_have_count(2)
    expect(writer).to_contain_text("My laptop")
    page.get_by_label("Topic").fill("home coffee brewing")
    writer.select_option("template")
    page.get_by_label("Length").select_option("30")
    page.get_by_label("Platform").select_option("tiktok")
    page.get_by_role("button", name="Write the script").click()
    expect(page.get_by_text("Writing a script about “home coffee brewing”.")).to_be_visible()
    expect(page.locator("h1 .badge")).to_have_text("Ready")
    script = Script.objects.get(owner=user)
    assert script.status == ScriptStatus.READY and script.engine == "template"
    scenes = page.locator("[data-scene]")
    expect(scenes).to_have_count(len(script.scenes))

    # Edit the first scene: its seconds and the total follow the typing; Save keeps it.
    first = scenes.first
    total_before = int(page.locator("#total-seconds").inner_text())
    first.get_by_label("Spoken text").fill(NEW_SCENE)
    expect(first.locator("[data-scene-seconds]")).to_have_text(f"{len(NEW_SCENE.split()) / 2.5:.1f}")
    expect(page.locator("#total-seconds")).not_to_have_text(str(total_before))
    first.get_by_label("Visual keywords").fill("coffee grinder, scale")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved “")).to_be_visible()
    script.refresh_from_db()
    assert script.scenes[0]["text"] == NEW_SCENE and script.scenes[0]["keywords"] == ["coffee grinder", "scale"]
    assert script.edited

    # A sample of the voice: loading first (made once), then playing.
    option = page.locator(".voice-option", has=page.locator(f"input[value='{voice.pk}']"))
    option.locator("input[type=radio]").check()
    hear = option.get_by_role("button", name=f"Hear {voice.name}")
    hear.click()
    expect(hear).to_have_attribute("data-state", "loading")
    page.wait_for_function(
        "b => ['playing', 'ready', 'idle'].includes(b.dataset.state) && b.dataset.sample",
        arg=hear.element_handle(),
        timeout=60_000,
    )
    expect(option.locator(".preview-error")).to_be_hidden()
    voice.refresh_from_db()
    assert voice.preview

    # Voice it: the progress shows while a worker voices it, then the player, without a reload.
    page.get_by_label("Speed").fill("1.1")
    expect(page.locator(".speed-value")).to_have_text("1.10×")
    page.get_by_role("button", name="Voice it").click()
    expect(page.get_by_text(f"Voicing “{script.title}” with {voice.name}.")).to_be_visible()
    section = page.locator("#voice-over")
    expect(section.locator(".steps li[aria-current='step']")).to_have_text("Queued")
    expect(section.get_by_role("progressbar")).to_be_visible()
    section.scroll_into_view_if_needed()
    screenshot("studio-voicing-1440")
    voice_over = VoiceOver.objects.get(owner=user)
    assert voicing_queue == [voice_over.pk] and voice_over.speed == pytest.approx(1.1)
    page.evaluate("window.__sameDocument = true")
    voice_over_make(voice_over_id=voice_over.pk)
    voice_over.refresh_from_db()
    assert voice_over.status == VoiceOverStatus.READY, voice_over.error
    expect(section).to_have_attribute("data-status", "ready", timeout=15_000)
    assert page.evaluate("window.__sameDocument") is True
    expect(section.locator(".timing-source")).to_have_text(voice_over.get_timing_source_display())
    words = section.locator(".karaoke .word")
    expect(words).to_have_count(len(voice_over.asset.word_timings))

    # The player: the lit word follows the audio's time; a click on a word seeks to it.
    player = section.locator("[data-player]")
    expect(player).to_have_attribute("data-seekable", "yes")
    timings = page.evaluate("JSON.parse(document.getElementById('voice-over-words').textContent)")
    assert len(timings) > 8
    page.evaluate(f"document.querySelector('#voice-over audio').currentTime = {timings[3]['start'] + 0.02}")
    expect(player).to_have_attribute("data-word", "3")
    expect(words.nth(3)).to_have_class("word active")
    words.nth(7).click()
    expect(player).to_have_attribute("data-word", "7")
    page.evaluate(
        "() => { const a = document.querySelector('#voice-over audio'); a.pause(); a.muted = true;"
        " a.currentTime = 0; return a.play(); }"
    )
    page.wait_for_function("document.querySelector('[data-player]').dataset.word !== '-1'")
    lit = page.evaluate("document.querySelector('[data-player]').dataset.word")
    page.wait_for_function(f"!['-1', '{lit}'].includes(document.querySelector('[data-player]').dataset.word)")
    page.evaluate("document.querySelector('#voice-over audio').pause()")
    both_widths(page, screenshot, "studio-script-player")

    # Captions and audio to take away, and the voice-over in the library.
    srt = page.request.get(section.get_by_role("link", name="Captions (SRT)").get_attribute("href"))
    assert srt.status == 200 and "-->" in srt.text()
    vtt = page.request.get(section.get_by_role("link", name="Captions (VTT)").get_attribute("href"))
    assert vtt.text().startswith("WEBVTT")
    section.get_by_role("link", name="Open in library").click()
    expect(page.locator("h1")).to_contain_text("Voice-over")

    # Back on the list: the script with its status.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Studio").click()
    expect(page.locator(".script-row[data-status='ready']")).to_have_count(1)
    both_widths(page, screenshot, "studio-scripts")
