import logging

import pytest

from common.http_client import HttpClient
from distribution.emulators import Fault, YouTubeEmulator
from distribution.platforms import (
    Credentials,
    PlatformError,
    PublishRequest,
    PublishStatus,
    RetryPolicy,
    SessionState,
    UploadSession,
    YouTubeAdapter,
    get_adapter,
)

CHUNK = 256 * 1024


@pytest.fixture
def emulator():
    with YouTubeEmulator() as emulator:
        yield emulator


@pytest.fixture
def creds(emulator):
    access, refresh = emulator.issue_tokens()
    return Credentials(access, refresh, client_id="client-1", client_secret="shh-client-secret")


@pytest.fixture
def adapter(emulator, retry):
    return get_adapter("youtube", settings=emulator.settings(), chunk_size=CHUNK, retry=retry)


def request_for(media, **overrides):
    return PublishRequest(
        media.path, media.size, title="Mashup #1", description="Fresh", hashtags=["shorts"], **overrides
    )


def only_video(emulator):
    assert len(emulator.videos) == 1
    return next(iter(emulator.videos.values()))


def test_publish_sends_the_file_in_chunks_and_returns_the_video(emulator, creds, adapter, make_file, store):
    media = make_file(CHUNK * 3 + 1000)
    progress = []

    result = adapter.publish(
        request_for(media), creds, UploadSession(), store, lambda done, total: progress.append(done)
    )

    video = only_video(emulator)
    assert video.sha256 == media.sha256
    assert video.snippet["title"] == "Mashup #1" and video.snippet["tags"] == ["shorts"]
    assert result.remote_id == video.id and result.url.endswith(video.id)
    assert result.status == PublishStatus.PROCESSING and not result.privacy_forced  # YouTube processes it now
    assert progress == [CHUNK, 2 * CHUNK, 3 * CHUNK, media.size]
    assert emulator.body_bytes - emulator.requests[0].body_bytes == media.size
    assert store.saved[0].session_url and store.saved[0].bytes_confirmed == 0  # persisted before any byte
    assert store.last.state == SessionState.DONE


def test_dropped_connection_resumes_with_only_the_missing_bytes(emulator, creds, adapter, make_file, sleeps):
    media = make_file(CHUNK * 4)
    emulator.faults.append(Fault.drop("upload", after_bytes=100_000, skip=1))  # mid second chunk

    adapter.publish(request_for(media), creds, UploadSession())

    assert only_video(emulator).sha256 == media.sha256
    upload_bytes = sum(record.body_bytes for record in emulator.routes_hit("upload"))
    assert media.size <= upload_bytes <= media.size + CHUNK
    assert len(sleeps.delays) == 1
    status_queries = [
        r for r in emulator.routes_hit("upload") if r.headers.get("Content-Range", "").startswith("bytes */")
    ]
    assert len(status_queries) == 1


def test_crashed_process_resumes_from_the_persisted_session(emulator, creds, adapter, make_file, store):
    media = make_file(CHUNK * 4)
    emulator.faults.append(Fault.respond("upload", 400, {"error": {"code": 400, "message": "boom"}}, skip=2))
    with pytest.raises(PlatformError):
        adapter.publish(request_for(media), creds, UploadSession(), store)
    saved = store.last
    assert saved.bytes_confirmed == 2 * CHUNK

    result = adapter.publish(request_for(media), creds, saved, store)

    assert only_video(emulator).sha256 == media.sha256 and result.remote_id
    starts = emulator.routes_hit("start")
    assert len(starts) == 1


def test_expired_session_starts_a_new_one(emulator, creds, adapter, make_file, store):
    media = make_file(CHUNK * 2)
    emulator.faults.append(Fault.respond("upload", 503, skip=1))
    emulator.faults.append(Fault.respond("upload", 503))
    session = UploadSession()
    with pytest.raises(PlatformError):
        get_adapter(
            "youtube",
            settings=emulator.settings(),
            chunk_size=CHUNK,
            retry=adapter.retry.__class__(max_attempts=1, sleep=adapter.retry.sleep),
        ).publish(request_for(media), creds, session, store)
    emulator.expire_sessions()

    adapter.publish(request_for(media), creds, store.last, store)

    assert only_video(emulator).sha256 == media.sha256
    assert len(emulator.routes_hit("start")) == 2


def test_401_refreshes_the_token_once_and_goes_on(emulator, creds, adapter, make_file):
    media = make_file(CHUNK)
    emulator.expire_tokens()
    renewed = []

    result = adapter.publish(request_for(media), creds, UploadSession(), on_credentials=renewed.append)

    assert result.remote_id and emulator.refresh_count == 1
    assert renewed[0].access_token != creds.access_token
    assert renewed[0].refresh_token == creds.refresh_token  # Google sent none back: the old one is kept
    assert renewed[0].expires_at is not None and renewed[0].expires_at.tzinfo is not None


def test_second_401_after_refresh_is_a_permanent_auth_error(emulator, creds, adapter, make_file):
    media = make_file(CHUNK)
    unauthorized = {"error": {"code": 401, "message": "Invalid Credentials", "errors": [{"reason": "authError"}]}}
    emulator.faults.append(Fault.respond("start", 401, unauthorized, times=2))

    with pytest.raises(PlatformError) as caught:
        adapter.publish(request_for(media), creds, UploadSession())

    assert caught.value.kind == "auth" and caught.value.permanent
    assert emulator.refresh_count == 1 and not emulator.videos


def test_revoked_refresh_token_is_permanent(emulator, creds, adapter, make_file):
    emulator.revoke()
    with pytest.raises(PlatformError) as caught:
        adapter.publish(request_for(make_file(CHUNK)), creds, UploadSession())
    assert caught.value.kind == "revoked" and caught.value.permanent
    assert "expired or revoked" in caught.value.message


def test_5xx_and_429_back_off_honouring_retry_after(emulator, creds, adapter, make_file, sleeps):
    media = make_file(CHUNK * 2)
    emulator.faults.append(Fault.respond("upload", 503, times=2, min_body=1))
    emulator.faults.append(Fault.respond("start", 429, headers={"Retry-After": "7"}))

    adapter.publish(request_for(media), creds, UploadSession())

    assert only_video(emulator).sha256 == media.sha256
    assert sleeps.delays == [7.0, 2.0, 4.0]  # Retry-After wins over 1 s; then 2**n backoff


def test_quota_exceeded_is_not_retried_and_says_when(emulator, creds, adapter, make_file, sleeps):
    emulator.insert_quota = 0
    with pytest.raises(PlatformError) as caught:
        adapter.publish(request_for(make_file(CHUNK)), creds, UploadSession())
    error = caught.value
    assert error.kind == "quota" and not error.permanent and 0 < error.retry_after <= 25 * 3600
    assert "exceeded your quota" in error.message and sleeps.delays == []


def test_channel_upload_limit_maps_to_quota(emulator, creds, adapter, make_file):
    body = {"error": {"code": 400, "message": "The user has exceeded the number of videos they may upload.",
                      "errors": [{"reason": "uploadLimitExceeded"}]}}  # fmt: skip
    emulator.faults.append(Fault.respond("start", 400, body))
    with pytest.raises(PlatformError) as caught:
        adapter.publish(request_for(make_file(CHUNK)), creds, UploadSession())
    assert caught.value.kind == "quota" and "number of videos" in caught.value.message


def test_policy_error_is_permanent_with_the_platform_message(emulator, creds, adapter, make_file):
    body = {"error": {"code": 400, "message": "The request metadata specifies an invalid video title.",
                      "errors": [{"reason": "invalidTitle"}]}}  # fmt: skip
    emulator.faults.append(Fault.respond("start", 400, body))
    with pytest.raises(PlatformError) as caught:
        adapter.publish(request_for(make_file(CHUNK)), creds, UploadSession())
    assert caught.value.permanent and caught.value.kind == "policy"
    assert "invalid video title" in caught.value.message and caught.value.status == 400


def test_unknown_outcome_is_reconciled_without_sending_again(emulator, creds, make_file, retry, store):
    emulator.hang_seconds = 2
    http = HttpClient(read_timeout=0.5)
    adapter = get_adapter("youtube", settings=emulator.settings(), http=http, chunk_size=CHUNK, retry=retry)
    media = make_file(CHUNK * 2)
    emulator.faults.append(Fault.hang("upload", skip=1))  # the last chunk: taken, never answered

    with pytest.raises(PlatformError) as caught:
        adapter.publish(request_for(media), creds, UploadSession(), store)
    assert caught.value.kind == "unknown_outcome" and not caught.value.permanent
    session = store.last
    assert session.state == SessionState.UNKNOWN
    bytes_before = emulator.body_bytes

    found = adapter.status(creds, session)
    assert found.status == PublishStatus.PUBLISHED and found.remote_id == only_video(emulator).id
    result = adapter.publish(request_for(media), creds, session, store)  # what a retry task would do

    assert result.remote_id == found.remote_id
    assert emulator.body_bytes == bytes_before and len(emulator.videos) == 1


def test_unaudited_project_flags_the_forced_private_video(creds, make_file, retry):
    with YouTubeEmulator(unaudited=True) as emulator:
        access, refresh = emulator.issue_tokens()
        adapter = get_adapter("youtube", settings=emulator.settings(), chunk_size=CHUNK, retry=retry)
        result = adapter.publish(request_for(make_file(CHUNK)), Credentials(access, refresh), UploadSession())
    assert result.privacy_forced and result.status == PublishStatus.PROCESSING
    assert result.raw["status"]["privacyStatus"] == "private"


def test_scheduled_upload_is_private_until_publish_at(emulator, creds, adapter, make_file):
    from datetime import UTC, datetime

    when = datetime(2030, 1, 2, 15, 0, tzinfo=UTC)
    result = adapter.publish(request_for(make_file(CHUNK), scheduled_at=when), creds, UploadSession())
    status = only_video(emulator).status
    assert status["privacyStatus"] == "private" and status["publishAt"].startswith("2030-01-02T15:00")
    assert result.status == PublishStatus.SCHEDULED and not result.privacy_forced


def test_fetch_metrics(emulator, creds, adapter, make_file):
    result = adapter.publish(request_for(make_file(CHUNK)), creds, UploadSession())
    emulator.videos[result.remote_id].statistics = {"viewCount": "1200", "likeCount": "31", "commentCount": "4"}

    metrics = adapter.fetch_metrics(result.remote_id, creds)

    assert (metrics.views, metrics.likes, metrics.comments, metrics.shares) == (1200, 31, 4, None)


def test_chunk_size_must_follow_the_256_kib_rule(emulator):
    with pytest.raises(ValueError, match="256"):
        get_adapter("youtube", settings=emulator.settings(), chunk_size=300_000)


def test_tokens_never_reach_errors_or_logs(emulator, creds, adapter, make_file, caplog):
    caplog.set_level(logging.DEBUG)
    echo = {"error": {"code": 400, "message": f"bad token {creds.access_token} Bearer {creds.refresh_token}",
                      "errors": [{"reason": "badRequest"}]}}  # fmt: skip
    emulator.faults.append(Fault.respond("start", 400, echo))
    emulator.expire_tokens()
    with pytest.raises(PlatformError) as caught:
        adapter.publish(request_for(make_file(CHUNK)), creds, UploadSession())
    text = f"{caught.value} {caught.value.body} {caught.value!r} {creds!r} {caplog.text}"
    for secret in (creds.access_token, creds.refresh_token, creds.client_secret):
        assert secret not in text
    assert "[redacted]" in caught.value.message


# --- what YouTube accepts -------------------------------------------------------------------
@pytest.mark.parametrize("privacy", ["friends", "followers"])
def test_a_privacy_youtube_does_not_have_is_refused_before_anything_is_sent(
    emulator, creds, adapter, make_file, privacy
):
    with pytest.raises(PlatformError) as caught:
        adapter.publish(request_for(make_file(CHUNK), privacy=privacy), creds, UploadSession())
    error = caught.value
    assert error.kind == "policy" and error.permanent
    assert f"{privacy!r}" in error.message and "public, unlisted or private" in error.message
    assert not emulator.requests


def test_privacy_can_be_checked_when_the_upload_is_registered():
    assert YouTubeAdapter.allowed_privacy() == ("public", "unlisted", "private")
    YouTubeAdapter.check_options(privacy="unlisted", options={"synthetic": True})
    with pytest.raises(PlatformError, match="public, unlisted or private") as caught:
        YouTubeAdapter.check_options(privacy="friends", options={})
    assert caught.value.kind == "policy" and caught.value.permanent


def test_start_body_is_json_in_utf8(emulator, creds, adapter, make_file):
    adapter.publish(request_for(make_file(CHUNK)), creds, UploadSession())
    [start] = emulator.routes_hit("start")
    assert start.headers["Content-Type"] == "application/json; charset=UTF-8"
    assert start.headers["X-Upload-Content-Type"] == "video/mp4"


def test_video_is_processing_until_youtube_reports_processed(creds, make_file, retry):
    with YouTubeEmulator(processing_seconds=3600) as emulator:
        access, refresh = emulator.issue_tokens()
        creds = Credentials(access, refresh)
        adapter = get_adapter("youtube", settings=emulator.settings(), chunk_size=CHUNK, retry=retry)
        session = UploadSession()

        result = adapter.publish(request_for(make_file(CHUNK)), creds, session)

        assert result.status == PublishStatus.PROCESSING and result.remote_id in emulator.videos
        assert adapter.status(creds, session).status == PublishStatus.PROCESSING
        emulator.finish_processing()
        assert adapter.status(creds, session).status == PublishStatus.PUBLISHED


def test_a_new_location_in_a_308_is_followed(creds, make_file, retry, store):
    with YouTubeEmulator(relocate=True) as emulator:
        access, refresh = emulator.issue_tokens()
        adapter = get_adapter("youtube", settings=emulator.settings(), chunk_size=CHUNK, retry=retry)
        media = make_file(CHUNK * 3 + 10)

        result = adapter.publish(request_for(media), Credentials(access, refresh), UploadSession(), store)

        assert only_video(emulator).sha256 == media.sha256 and result.remote_id
        assert len(emulator.routes_hit("start")) == 1
        assert [r.status for r in emulator.routes_hit("upload")] == [308, 308, 308, 201]
        urls = {saved.session_url for saved in store.saved}
        assert len(urls) == 4  # the first URI and three new ones, each persisted


@pytest.mark.parametrize(
    ("options", "synthetic", "for_kids"),
    [({}, False, False), ({"synthetic": True}, True, False), ({"is_aigc": True, "made_for_kids": True}, True, True)],
)
def test_synthetic_media_and_made_for_kids_are_declared(
    emulator, creds, adapter, make_file, options, synthetic, for_kids
):
    adapter.publish(request_for(make_file(CHUNK), options=options), creds, UploadSession())
    status = only_video(emulator).status
    assert status["containsSyntheticMedia"] is synthetic and status["selfDeclaredMadeForKids"] is for_kids


def test_a_video_without_a_title_is_named_after_its_caption(emulator, creds, adapter, make_file):
    media = make_file(CHUNK)
    adapter.publish(PublishRequest(media.path, media.size, description="Fresh <drop>\nmore"), creds, UploadSession())
    assert only_video(emulator).snippet["title"] == "Fresh drop"


# --- faults: each ends with exactly one video holding the file's bytes -----------------------
def _publish_until_done(adapter, request, creds, session, store, tries=3):
    for _ in range(tries):
        try:
            return adapter.publish(request, creds, session, store)
        except PlatformError as error:
            if error.permanent:
                raise
            session = store.last
    raise AssertionError("never finished")


@pytest.mark.parametrize(
    "fault", ["dropped_mid_upload", "lost_reply_after_last_byte", "expired_session", "stale_status"]
)
def test_faults_end_with_exactly_one_video(emulator, creds, make_file, sleeps, store, fault):
    emulator.hang_seconds = 2
    adapter = get_adapter(
        "youtube", settings=emulator.settings(), chunk_size=CHUNK, http=HttpClient(read_timeout=0.5),
        retry=RetryPolicy(max_attempts=3, sleep=sleeps, jitter=lambda: 1.0),
    )  # fmt: skip
    media = make_file(CHUNK * 3 + 500)
    if fault == "dropped_mid_upload":
        emulator.faults.append(Fault.drop("upload", after_bytes=100_000, skip=1))
    elif fault == "lost_reply_after_last_byte":
        emulator.faults.append(Fault.hang("upload", skip=3))
    elif fault == "expired_session":
        emulator.faults.append(Fault.respond("upload", 503, times=3, skip=1, min_body=1))
    else:  # the reply is lost, and the listing lags behind: the video is there but not yet listed
        emulator.faults.append(Fault.hang("upload", skip=3))
        emulator.faults.append(Fault.respond("videos_list", 200, {"kind": "youtube#videoListResponse", "items": []}))
    session = UploadSession()
    try:
        adapter.publish(request_for(media), creds, session, store)
    except PlatformError:
        session = store.last
        if fault == "expired_session":
            emulator.expire_sessions(status=410)

    result = _publish_until_done(adapter, request_for(media), creds, session, store)

    video = only_video(emulator)
    assert video.sha256 == media.sha256 and result.remote_id == video.id
    assert len(emulator.routes_hit("start")) == (2 if fault == "expired_session" else 1)


# --- the first comment ----------------------------------------------------------------------
def test_first_comment_is_posted_on_the_video(emulator, creds, adapter, make_file):
    video_id = adapter.publish(request_for(make_file(CHUNK)), creds, UploadSession()).remote_id

    comment_id = adapter.post_comment(creds, video_id, "Full video on the channel")

    assert emulator.comments[comment_id] == {"videoId": video_id, "text": "Full video on the channel"}
    [call] = emulator.routes_hit("comment")
    assert call.headers["Content-Type"] == "application/json; charset=UTF-8"


def test_first_comment_without_the_force_ssl_scope_says_to_reconnect(emulator, creds, adapter, make_file):
    video_id = adapter.publish(request_for(make_file(CHUNK)), creds, UploadSession()).remote_id
    emulator.tokens_without_comment_scope.add(creds.access_token)

    with pytest.raises(PlatformError) as caught:
        adapter.post_comment(creds, video_id, "hi")

    assert caught.value.kind == "policy" and caught.value.permanent
    assert "youtube.force-ssl" in caught.value.message and not emulator.comments


def test_first_comment_is_refused_locally_when_the_token_lacks_the_scope(emulator, adapter):
    access, refresh = emulator.issue_tokens()
    creds = Credentials(access, refresh, scopes=("https://www.googleapis.com/auth/youtube.upload",))
    with pytest.raises(PlatformError, match="youtube.force-ssl"):
        adapter.post_comment(creds, "abc", "hi")
    assert not emulator.requests


def test_first_comment_on_a_missing_video_is_a_permanent_error(emulator, creds, adapter):
    with pytest.raises(PlatformError) as caught:
        adapter.post_comment(creds, "gone", "hi")
    assert caught.value.permanent and caught.value.status == 404
