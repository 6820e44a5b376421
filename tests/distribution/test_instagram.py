import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from common.http_client import HttpClient
from distribution.emulators import Fault, InstagramEmulator
from distribution.platforms import Credentials, PlatformError, PublishRequest, PublishStatus, UploadSession, get_adapter


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        return


@pytest.fixture
def public_media(tmp_path):
    """A stand-in for the public server of MEDIA_ROOT that Meta downloads from."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def emulator():
    with InstagramEmulator() as emulator:
        yield emulator


@pytest.fixture
def creds(emulator):
    access, _ = emulator.issue_tokens()
    return Credentials(access, ig_user_id="1789", client_id="app-1", client_secret="ig-app-secret")


@pytest.fixture
def adapter(emulator, retry, public_media, tmp_path):
    settings = emulator.settings() | {"PUBLIC_MEDIA_BASE_URL": public_media, "MEDIA_ROOT": str(tmp_path)}
    return get_adapter("instagram", settings=settings, retry=retry, poll_interval=0.05)


def request_for(media):
    return PublishRequest(media.path, media.size, description="New drop", hashtags=["reels", "new"])


def test_reel_is_fetched_from_the_public_url_and_published(emulator, creds, adapter, make_file, store):
    media = make_file(300_000)

    result = adapter.publish(request_for(media), creds, UploadSession(), store)

    assert len(emulator.media) == 1
    container = emulator.media[result.remote_id]
    assert container.sha256 == media.sha256 and container.caption == "New drop\n\n#reels #new"
    assert container.video_url.endswith("/video.mp4")
    assert result.status == PublishStatus.PUBLISHED and result.url.startswith("https://www.instagram.com/reel/")
    assert store.saved[0].container_id


def test_without_public_base_url_instagram_is_not_configured(emulator, creds, make_file, retry):
    adapter = get_adapter("instagram", settings=emulator.settings(), retry=retry)
    with pytest.raises(PlatformError) as caught:
        adapter.publish(request_for(make_file(1000)), creds, UploadSession())
    error = caught.value
    assert error.permanent and error.kind == "not_configured"
    assert "PUBLIC_MEDIA_BASE_URL" in error.message and not emulator.requests


def test_failed_download_is_invalid_media(emulator, creds, adapter, make_file):
    media = make_file(1000)
    missing = PublishRequest(media.path.replace("video.mp4", "gone.mp4"), 1000)
    with pytest.raises(PlatformError) as caught:
        adapter.publish(missing, creds, UploadSession())
    assert caught.value.kind == "invalid_media" and "download has failed" in caught.value.message


def test_publishing_limit_is_read_live(creds, make_file, retry, public_media, tmp_path):
    with InstagramEmulator(quota_total=1) as emulator:
        access, _ = emulator.issue_tokens()
        creds = Credentials(access, ig_user_id="1789")
        settings = emulator.settings() | {"PUBLIC_MEDIA_BASE_URL": public_media, "MEDIA_ROOT": str(tmp_path)}
        adapter = get_adapter("instagram", settings=settings, retry=retry, poll_interval=0.05)
        adapter.publish(request_for(make_file(1000)), creds, UploadSession())
        assert adapter.publishing_limit(creds).used == 1

        with pytest.raises(PlatformError) as caught:
            adapter.publish(request_for(make_file(1000)), creds, UploadSession())
    assert caught.value.kind == "quota" and "1 of 1 posts" in caught.value.message


def test_unknown_outcome_of_media_publish_is_reconciled(
    emulator, creds, make_file, retry, public_media, tmp_path, store
):
    emulator.hang_seconds = 2
    settings = emulator.settings() | {"PUBLIC_MEDIA_BASE_URL": public_media, "MEDIA_ROOT": str(tmp_path)}
    adapter = get_adapter("instagram", settings=settings, retry=retry, poll_interval=0.05,
                          http=HttpClient(read_timeout=0.5))  # fmt: skip
    emulator.faults.append(Fault.hang("media_publish"))
    with pytest.raises(PlatformError) as caught:
        adapter.publish(request_for(make_file(1000)), creds, UploadSession(), store)
    assert caught.value.kind == "unknown_outcome"

    result = adapter.publish(request_for(make_file(1000)), creds, store.last, store)

    assert len(emulator.media) == 1 and result.remote_id in emulator.media
    assert len(emulator.routes_hit("media_publish")) == 1


def test_fetch_metrics(emulator, creds, adapter, make_file):
    result = adapter.publish(request_for(make_file(1000)), creds, UploadSession())
    emulator.insights[result.remote_id] = [
        {"name": name, "values": [{"value": value}]}
        for name, value in {"views": 77, "likes": 9, "comments": 2, "shares": 1, "saved": 4}.items()
    ]
    metrics = adapter.fetch_metrics(result.remote_id, creds)
    assert (metrics.views, metrics.likes, metrics.comments, metrics.shares, metrics.saves) == (77, 9, 2, 1, 4)
