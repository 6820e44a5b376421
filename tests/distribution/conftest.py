import copy
import functools
import hashlib
import os
import threading
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.utils import timezone

from distribution.emulators import FacebookEmulator, InstagramEmulator, TikTokEmulator, YouTubeEmulator
from distribution.platforms import RetryPolicy, UploadSession
from distribution.platforms.tiktok import ChunkRules
from library import services as library_services
from library.models import MediaKind
from production.models import QueueItem, QueueStatus
from tests.media import make_media
from tests.production.conftest import assets_for, clip_files  # noqa: F401 - real tiny library assets


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


# --- Django-level fixtures: ready videos, accounts and emulators wired through settings ------
MIN_TIKTOK_CHUNK = 64 * 1024
TIKTOK_RULES = ChunkRules(min_chunk=MIN_TIKTOK_CHUNK, max_chunk=1_000_000, max_last_chunk=2_000_000)
ADAPTER_OPTIONS = {
    "youtube": {"chunk_size": 256 * 1024},
    "tiktok": {"chunk_size": 100_000, "chunk_rules": TIKTOK_RULES, "poll_interval": 0.01},
    "facebook": {"chunk_size": 200_000, "usage_pause": 0.01},
    "instagram": {"poll_interval": 0.05},
}


@pytest.fixture(autouse=True)
def _fast_uploads(settings):
    """Small chunks and no real waiting: backoff goes straight back to the service."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.UPLOAD_ADAPTER_OPTIONS = ADAPTER_OPTIONS
    settings.UPLOAD_INLINE_ATTEMPTS = 2
    settings.UPLOAD_INLINE_BACKOFF_SECONDS = 0.0
    settings.UPLOAD_INLINE_MAX_WAIT_SECONDS = 0.0
    settings.PLATFORM_HTTP_READ_TIMEOUT = 5.0


@pytest.fixture(scope="session")
def base_video(tmp_path_factory) -> bytes:
    return make_media(tmp_path_factory.mktemp("dist-media"), "video.mp4").read_bytes()


@pytest.fixture
def rendered_asset(base_video, tmp_path):
    """make(owner, padding=0): a `rendered` library asset, unique bytes, `padding` random bytes longer."""
    counter = iter(range(10_000))

    def make(owner, padding: int = 0):
        path = tmp_path / f"render-{next(counter)}.mp4"
        path.write_bytes(base_video + os.urandom(max(16, padding)))
        return library_services.media_asset_ingest(owner=owner, kind=MediaKind.RENDERED, path=path, title="Render")

    return make


@pytest.fixture
def ready_item(rendered_asset):
    """make(owner, preset="sandbox", campaign=None, caption=..., hashtags=..., padding=0): a ready QueueItem.

    Each item has a rendered file of its own (an account refuses the same video twice), unless
    `same_file_as=<item>` gives it that item's file, for the tests of duplicates.
    """

    def make(owner, preset="sandbox", *, campaign=None, caption="New drop", hashtags=("#reels",), padding=0,
             own_file=True, same_file_as=None):  # fmt: skip
        asset = same_file_as.output_asset if same_file_as is not None else rendered_asset(owner, padding)
        return QueueItem.objects.create(
            owner=owner,
            spec={"inputs": [], "output": {"platform": preset}},
            platform=preset,
            campaign=campaign,
            status=QueueStatus.READY,
            output_asset=asset,
            output_path=asset.file.name,
            caption=caption,
            hashtags=list(hashtags),
            completed_at=timezone.now(),
        )

    return make


@pytest.fixture
def connect(account_factory):
    """connect(owner, platform, emulator=None, **fields): an account holding live emulator tokens."""

    def make(owner, platform: str, emulator=None, **fields):
        if emulator is not None:
            access, refresh = emulator.issue_tokens()
            fields = {"access_token": access, "refresh_token": refresh, "remote_id": "1789"} | fields
        return account_factory(owner=owner, platform=platform, **fields)

    return make


def _use(settings, emulator):
    for name, value in emulator.settings().items():
        setattr(settings, name, value)
    return emulator


@pytest.fixture
def youtube(settings):
    with YouTubeEmulator() as emulator:
        settings.YOUTUBE_CLIENT_ID, settings.YOUTUBE_CLIENT_SECRET = "yt-client", "yt-client-secret"
        yield _use(settings, emulator)


@pytest.fixture
def tiktok(settings):
    rules = {"min_chunk": MIN_TIKTOK_CHUNK, "max_chunk": 1_000_000, "max_last_chunk": 2_000_000}
    with TikTokEmulator(**rules) as emulator:
        settings.TIKTOK_CLIENT_KEY, settings.TIKTOK_CLIENT_SECRET = "tt-client", "tt-client-secret"
        yield _use(settings, emulator)


@pytest.fixture
def facebook(settings):
    with FacebookEmulator() as emulator:
        settings.FACEBOOK_APP_ID, settings.FACEBOOK_APP_SECRET = "fb-app", "fb-app-secret"
        yield _use(settings, emulator)


class _QuietFiles(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        return


@pytest.fixture
def instagram(settings):
    """The Instagram emulator, and a loopback server of MEDIA_ROOT as the public media address."""
    Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
    handler = functools.partial(_QuietFiles, directory=str(settings.MEDIA_ROOT))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    settings.PUBLIC_MEDIA_BASE_URL = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with InstagramEmulator() as emulator:
            settings.FACEBOOK_APP_ID, settings.FACEBOOK_APP_SECRET = "fb-app", "fb-app-secret"
            yield _use(settings, emulator)
    finally:
        server.shutdown()
        server.server_close()
