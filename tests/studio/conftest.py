"""Loopback provider emulators for the studio's tests (see tests/studio/emulators.py)."""

import pytest

from production.studio.providers import base
from tests.studio.emulators import ElevenLabsEmulator, OpenAIEmulator


@pytest.fixture
def openai_emulator():
    """An OpenAI API on 127.0.0.1; `.base_url` ends in /v1, `.api_key` is the one key it accepts."""
    with OpenAIEmulator() as emulator:
        yield emulator


@pytest.fixture
def elevenlabs_emulator():
    """An ElevenLabs API on 127.0.0.1; `.base_url` has no /v1 (like ELEVENLABS_BASE_URL), `.api_key`."""
    with ElevenLabsEmulator() as emulator:
        yield emulator


@pytest.fixture
def provider_sleeps(monkeypatch) -> list[float]:
    """The pauses the providers' retry helper asked for, none of them waited out."""
    sleeps: list[float] = []
    monkeypatch.setattr(base, "sleep", sleeps.append)
    return sleeps


@pytest.fixture
def eager():
    """Tasks run inline, as a worker would run them (wrap requests in
    django_capture_on_commit_callbacks(execute=True) so the on-commit enqueue fires)."""
    from config.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before
