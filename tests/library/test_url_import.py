"""URL imports against a real HTTP server on loopback (allowed only by MEDIA_IMPORT_ALLOW_PRIVATE)."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings

from library import services
from library.downloads import DownloadError, check_url
from library.models import MediaAsset, MediaSource, MediaStatus
from tests.accounts.test_apis import assert_error
from tests.library.conftest import media_files

URL = "/api/v1/media/import-url/"


@pytest.fixture
def server(media):
    """Serves /video.mp4, /audio.m4a, /notes.txt, /big.mp4 (lies about nothing), /hop/N redirects."""
    files = {
        "/video.mp4": media["video"].read_bytes(),
        "/audio.m4a": media["audio"].read_bytes(),
        "/notes.mp4": b"definitely not a video\n" * 40,
    }
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's naming
            requests.append(self.path)
            if self.path.startswith("/hop/"):
                remaining = int(self.path.rsplit("/", 1)[1])
                self.send_response(302)
                self.send_header("Location", "/video.mp4" if remaining == 0 else f"/hop/{remaining - 1}")
                self.end_headers()
                return
            body = files.get(self.path)
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    httpd.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.requests = requests
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def _eager(celery_eager):
    pass


@pytest.fixture
def allow_loopback(settings):
    settings.MEDIA_IMPORT_ALLOW_PRIVATE = True


def import_via_api(api, url, kind, django_capture_on_commit_callbacks, **fields):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(URL, {"url": url, "kind": kind, **fields})
    return response


def test_import_from_a_loopback_server_becomes_ready(
    api, user, server, allow_loopback, django_capture_on_commit_callbacks, media
):
    response = import_via_api(
        api, f"{server.base}/video.mp4", "hot_video", django_capture_on_commit_callbacks, tags=["viral"]
    )
    assert response.status_code == 202, response.content
    assert response.json()["status"] == "processing"  # what the caller sees straight away

    asset = MediaAsset.objects.get(pk=response.json()["id"])
    assert asset.status == MediaStatus.READY
    assert asset.source == MediaSource.IMPORTED_URL
    assert asset.source_url == f"{server.base}/video.mp4"
    assert (asset.title, asset.tags, asset.width, asset.height) == ("video", ["viral"], 160, 284)
    assert asset.size_bytes == media["video"].stat().st_size
    assert asset.thumbnail

    follow = api.get(f"/api/v1/media/{asset.pk}/").json()
    assert follow["status"] == "ready"


def test_import_follows_up_to_three_redirects_and_no_more(
    api, server, allow_loopback, django_capture_on_commit_callbacks
):
    ok = import_via_api(api, f"{server.base}/hop/2", "template", django_capture_on_commit_callbacks)
    assert MediaAsset.objects.get(pk=ok.json()["id"]).status == MediaStatus.READY  # 3 redirects

    too_many = import_via_api(api, f"{server.base}/hop/3", "hot_video", django_capture_on_commit_callbacks)
    asset = MediaAsset.objects.get(pk=too_many.json()["id"])
    assert asset.status == MediaStatus.REJECTED
    assert "Too many redirects: more than 3" in asset.rejection_reason
    assert server.requests.count("/video.mp4") == 1  # the second import never reached the file


def test_imported_file_that_is_not_media_is_rejected_with_the_reason(
    api, server, allow_loopback, django_capture_on_commit_callbacks
):
    before = media_files(settings.MEDIA_ROOT)
    response = import_via_api(api, f"{server.base}/notes.mp4", "hot_video", django_capture_on_commit_callbacks)
    asset = MediaAsset.objects.get(pk=response.json()["id"])
    assert asset.status == MediaStatus.REJECTED
    assert "not a media file" in asset.rejection_reason
    assert not asset.file
    assert media_files(settings.MEDIA_ROOT) == before

    missing = import_via_api(api, f"{server.base}/nothing.mp4", "hot_video", django_capture_on_commit_callbacks)
    assert "404" in MediaAsset.objects.get(pk=missing.json()["id"]).rejection_reason


def test_import_size_cap_and_duplicates(
    api, user, server, allow_loopback, django_capture_on_commit_callbacks, settings
):
    first = import_via_api(api, f"{server.base}/audio.m4a", "audio", django_capture_on_commit_callbacks)
    again = import_via_api(api, f"{server.base}/audio.m4a", "audio", django_capture_on_commit_callbacks)
    duplicate = MediaAsset.objects.get(pk=again.json()["id"])
    assert duplicate.status == MediaStatus.REJECTED
    assert f"already in your library as #{first.json()['id']}" in duplicate.rejection_reason

    settings.MEDIA_MAX_UPLOAD_BYTES = 100
    big = import_via_api(api, f"{server.base}/video.mp4", "template", django_capture_on_commit_callbacks)
    rejected = MediaAsset.objects.get(pk=big.json()["id"])
    assert rejected.status == MediaStatus.REJECTED
    assert "the limit is 100 bytes" in rejected.rejection_reason


def test_loopback_is_refused_without_the_setting(api, server, settings):
    settings.MEDIA_IMPORT_ALLOW_PRIVATE = False
    body = assert_error(api.post(URL, {"url": f"{server.base}/video.mp4", "kind": "hot_video"}), 400)
    assert body["code"] == "url_not_allowed"
    assert "private or local address (127.0.0.1)" in body["message"]
    assert MediaAsset.objects.count() == 0
    assert server.requests == []


def test_a_redirect_to_a_private_address_is_refused_by_the_task(user, server, settings):
    """The check runs on every hop: a public page may not bounce the fetch into the network."""
    settings.MEDIA_IMPORT_ALLOW_PRIVATE = True
    asset = services.media_asset_import_url(owner=user, url=f"{server.base}/hop/1", kind="template")
    settings.MEDIA_IMPORT_ALLOW_PRIVATE = False
    services.media_asset_fetch(asset=asset)
    assert asset.status == MediaStatus.REJECTED
    assert "private or local address" in asset.rejection_reason


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("ftp://example.com/a.mp4", "url_scheme_not_allowed"),
        ("file:///etc/passwd", "invalid"),
        ("http://10.0.0.8/a.mp4", "url_not_allowed"),
        ("http://169.254.169.254/latest/meta-data", "url_not_allowed"),
        ("http://[::1]/a.mp4", "url_not_allowed"),
        ("not a url", "invalid"),
    ],
)
def test_bad_urls_are_400(api, url, code):
    assert_error(api.post(URL, {"url": url, "kind": "hot_video"}), 400, code)
    assert MediaAsset.objects.count() == 0


@pytest.mark.parametrize("url", ["ftp://example.com/a.mp4", "file:///etc/passwd", "gopher://x/", "javascript:alert(1)"])
def test_non_http_schemes_are_refused_by_the_service(url):
    with pytest.raises(DownloadError, match="Only http and https"):
        check_url(url)


def test_import_input_errors(api):
    assert_error(api.post(URL, {"url": "https://example.com/a.mp4"}), 400, "invalid", field="kind")
    assert_error(api.post(URL, {"kind": "audio"}), 400, "invalid", field="url")


def test_an_import_deleted_while_downloading_is_not_brought_back(user, server, allow_loopback):
    asset = services.media_asset_import_url(owner=user, url=f"{server.base}/video.mp4", kind="template")
    MediaAsset.objects.filter(pk=asset.pk).delete()
    services.media_asset_fetch(asset=asset)
    assert not MediaAsset.objects.exists()
    assert media_files(settings.MEDIA_ROOT) == []
