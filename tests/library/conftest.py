import shutil
from pathlib import Path

import pytest

from tests.media import make_media

_KINDS = {"video": "video.mp4", "landscape": "landscape.mp4", "audio": "audio.m4a", "image": "image.png"}


@pytest.fixture(scope="session")
def media_source(tmp_path_factory) -> dict[str, Path]:
    """Each sample file generated once per run."""
    directory = tmp_path_factory.mktemp("samples")
    return {key: make_media(directory, name) for key, name in _KINDS.items()}


@pytest.fixture
def media(media_source, tmp_path) -> dict[str, Path]:
    """Copies of the samples this test may rename, move or delete."""
    directory = tmp_path / "in"
    directory.mkdir()
    return {key: Path(shutil.copy(path, directory / path.name)) for key, path in media_source.items()}


@pytest.fixture
def variant(tmp_path):
    """make(n) -> a distinct small video (different checksum per n)."""
    counter = iter(range(1, 10_000))

    def make(kind: str = "video.mp4", name: str | None = None) -> Path:
        n = next(counter)
        return make_media(tmp_path / "variants", name or f"clip{n}.mp4", kind, variant=n)

    return make


def media_files(root: Path) -> list[Path]:
    return [p for p in Path(root).rglob("*") if p.is_file()] if Path(root).exists() else []


@pytest.fixture
def celery_eager():
    """Tasks run inline when enqueued (on commit), as a worker would run them."""
    from config.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before
