import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from common.http_client import HttpClient
from distribution.emulators import Fault, InstagramEmulator
from distribution.platforms import (
    Credentials,
    PlatformError,
    PublishRequest,
    PublishStatus,
    RetryPolicy,
    UploadSession,
    get_adapter,
)


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
    assert result.status == PublishStatus.PUBLISHED and result.url.endswith(f"/reel/{result.remote_id}/")
    assert len(emulator.routes_hit("media_publish")) == 1
    # The container has no media id: the post was found on the account's media edge by its caption.
    [lookup] = emulator.routes_hit("user_media")
    assert requested_fields(lookup) == {"id", "caption", "timestamp"}


def requested_fields(record) -> set[str]:
    return set(parse_qs(urlsplit(record.path).query).get("fields", [""])[0].split(","))


def container_reads(emulator):
    return [record for record in emulator.routes_hit("object") if record.path.split("?")[0].endswith(
        tuple(emulator.containers))]  # fmt: skip


def test_containers_are_asked_only_their_documented_fields(emulator, creds, adapter, make_file):
    session = UploadSession()
    adapter.publish(request_for(make_file(1000)), creds, session)
    adapter.status(creds, session)

    reads = container_reads(emulator)
    assert reads and all(requested_fields(read) <= {"id", "status", "status_code"} for read in reads)
    assert all(read.status == 200 for read in emulator.requests)


def test_fetch_metrics(emulator, creds, adapter, make_file):
    result = adapter.publish(request_for(make_file(1000)), creds, UploadSession())
    emulator.insights[result.remote_id] = [
        {"name": name, "values": [{"value": value}]}
        for name, value in {"views": 77, "likes": 9, "comments": 2, "shares": 1, "saved": 4}.items()
    ]
    metrics = adapter.fetch_metrics(result.remote_id, creds)
    assert (metrics.views, metrics.likes, metrics.comments, metrics.shares, metrics.saves) == (77, 9, 2, 1, 4)


def test_containers_are_polled_once_a_minute_for_at_most_five_minutes(creds, make_file, sleeps, public_media, tmp_path):
    with InstagramEmulator(processing_seconds=3600) as emulator:
        access, _ = emulator.issue_tokens()
        settings = emulator.settings() | {"PUBLIC_MEDIA_BASE_URL": public_media, "MEDIA_ROOT": str(tmp_path)}
        adapter = get_adapter("instagram", settings=settings, retry=RetryPolicy(max_attempts=1, sleep=sleeps))
        with pytest.raises(PlatformError) as caught:
            adapter.publish(request_for(make_file(1000)), Credentials(access, ig_user_id="1789"), UploadSession())
        polls = container_reads(emulator)
    assert caught.value.kind == "transient" and "5 minutes" in caught.value.message
    assert sleeps.delays == [60.0] * 5 and len(polls) == 6 and not emulator.media


def test_poll_interval_and_limit_are_options(creds, make_file, sleeps, public_media, tmp_path):
    with InstagramEmulator(processing_seconds=3600) as emulator:
        access, _ = emulator.issue_tokens()
        settings = emulator.settings() | {"PUBLIC_MEDIA_BASE_URL": public_media, "MEDIA_ROOT": str(tmp_path)}
        adapter = get_adapter(
            "instagram", settings=settings, retry=RetryPolicy(max_attempts=1, sleep=sleeps), poll_interval=2.0,
            poll_timeout=6.0,
        )  # fmt: skip
        with pytest.raises(PlatformError):
            adapter.publish(request_for(make_file(1000)), Credentials(access, ig_user_id="1789"), UploadSession())
    assert sleeps.delays == [2.0, 2.0, 2.0]


def test_a_container_not_ready_when_published_is_retried(emulator, creds, adapter, make_file):
    not_ready = {"error": {"message": "Media ID is not available", "type": "OAuthException", "code": 9007,
                           "error_subcode": 2207027}}  # fmt: skip
    emulator.faults.append(Fault.respond("media_publish", 400, not_ready))

    result = adapter.publish(request_for(make_file(1000)), creds, UploadSession())

    assert result.remote_id in emulator.media and len(emulator.media) == 1


# --- faults: each ends with exactly one post holding the file's bytes -----------------------
@pytest.mark.parametrize(
    "fault", ["dropped_mid_upload", "lost_reply_after_last_byte", "expired_session", "stale_status"]
)
def test_faults_end_with_exactly_one_post(emulator, creds, make_file, sleeps, store, public_media, tmp_path, fault):
    emulator.hang_seconds = 2
    settings = emulator.settings() | {"PUBLIC_MEDIA_BASE_URL": public_media, "MEDIA_ROOT": str(tmp_path)}
    adapter = get_adapter(
        "instagram", settings=settings, http=HttpClient(read_timeout=0.5), poll_interval=0.05,
        retry=RetryPolicy(max_attempts=3, sleep=sleeps, jitter=lambda: 1.0),
    )  # fmt: skip
    media = make_file(200_000)
    if fault == "dropped_mid_upload":  # Meta made the container; the answer never arrived
        emulator.faults.append(Fault.drop("media"))
    elif fault == "expired_session":
        emulator.faults.append(Fault.respond("media_publish", 503, times=3))
    else:
        emulator.faults.append(Fault.hang("media_publish"))
    session = UploadSession()
    try:
        adapter.publish(request_for(media), creds, session, store)
    except PlatformError:
        session = store.last
        if fault == "expired_session":
            emulator.expire_containers()
        if fault == "stale_status":  # the container still reads FINISHED although it was published
            emulator.faults.append(
                Fault.respond("object", 200, {"id": session.container_id, "status_code": "FINISHED"})
            )

    result = adapter.publish(request_for(media), creds, session, store)

    [post] = emulator.media.values()
    assert post.sha256 == media.sha256 and result.remote_id in emulator.media
    if fault in ("lost_reply_after_last_byte", "stale_status"):
        assert len(emulator.routes_hit("media_publish")) == 1  # found on the media edge, not published again


# --- the first comment ----------------------------------------------------------------------
def test_first_comment_is_posted_on_the_post(emulator, creds, adapter, make_file):
    media_id = adapter.publish(request_for(make_file(1000)), creds, UploadSession()).remote_id

    comment_id = adapter.post_comment(creds, media_id, "Which colour next?")

    assert emulator.media[media_id].comments == [{"id": comment_id, "message": "Which colour next?"}]


def test_first_comment_without_instagram_manage_comments_says_so(emulator, creds, adapter, make_file):
    media_id = adapter.publish(request_for(make_file(1000)), creds, UploadSession()).remote_id
    emulator.tokens_without[creds.access_token] = {"instagram_manage_comments"}

    with pytest.raises(PlatformError) as caught:
        adapter.post_comment(creds, media_id, "hi")

    assert caught.value.kind == "policy" and "instagram_manage_comments" in caught.value.message


def test_first_comment_with_a_token_known_to_lack_the_permission_sends_nothing(emulator, adapter):
    access, _ = emulator.issue_tokens()
    creds = Credentials(access, ig_user_id="1789", scopes=("instagram_basic", "instagram_content_publish"))
    with pytest.raises(PlatformError, match="instagram_manage_comments"):
        adapter.post_comment(creds, "123", "hi")
    assert not emulator.requests
