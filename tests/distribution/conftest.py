import copy
import hashlib
import os
from dataclasses import dataclass, field

import pytest

from distribution.platforms import RetryPolicy, UploadSession


@dataclass
class MediaFile:
    path: str
    size: int
    sha256: str


@pytest.fixture
def make_file(tmp_path):
    def make(size: int, name: str = "video.mp4") -> MediaFile:
        data = os.urandom(size)
        path = tmp_path / name
        path.write_bytes(data)
        return MediaFile(str(path), size, hashlib.sha256(data).hexdigest())

    return make


@dataclass
class Sleeps:
    delays: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture
def sleeps():
    return Sleeps()


@pytest.fixture
def retry(sleeps):
    """Backoff without real waiting or randomness: the delays land in `sleeps.delays`."""
    return RetryPolicy(max_attempts=6, base_delay=1.0, max_delay=30.0, sleep=sleeps, jitter=lambda: 1.0)


@dataclass
class Store:
    """What the caller would have saved: a copy of the session at each persist."""

    saved: list[UploadSession] = field(default_factory=list)

    def __call__(self, session: UploadSession) -> None:
        self.saved.append(copy.deepcopy(session))

    @property
    def last(self) -> UploadSession:
        return copy.deepcopy(self.saved[-1])


@pytest.fixture
def store():
    return Store()
