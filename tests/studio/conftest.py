"""Loopback provider emulators for the studio's tests (see tests/studio/emulators.py), and a small library."""

import subprocess

import pytest

from library.probe import ffmpeg_binary
from library.services import media_asset_ingest
from production.studio.providers import base
from tests.media import make_media
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


TAGS = [["coffee", "beans"], ["grinder", "coffee"], ["water", "kettle"], ["cup", "morning"], ["scale", "kitchen"]]


@pytest.fixture
def library(user, tmp_path):
    """A small library of tagged clips and images a topic about coffee can draw from."""
    assets = []
    for index, tags in enumerate(TAGS):
        if index % 2:
            path = tmp_path / f"still{index}.png"
            colour = ["0x6b4226", "0xd9b38c", "0x3d5a80"][index % 3]
            subprocess.run(
                [
                    ffmpeg_binary(),
                    "-v",
                    "error",
                    "-f",
                    "lavfi",
                    "-i",
                    f"color=c={colour}:size=200x300",
                    "-frames:v",
                    "1",
                    str(path),
                ],
                check=True,
            )
            kind = "image"
        else:
            path = make_media(tmp_path / "lib", f"clip{index}.mp4", "video.mp4", variant=index + 1)
            kind = "template"
        assets.append(media_asset_ingest(owner=user, kind=kind, path=path, title=" ".join(tags), tags=tags))
    return assets
