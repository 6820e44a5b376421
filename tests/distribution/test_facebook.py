import json
from datetime import UTC, datetime

import pytest

from common.http_client import HttpClient
from distribution.emulators import FacebookEmulator, Fault
from distribution.platforms import (
    Credentials,
    PlatformError,
    PublishRequest,
    PublishStatus,
    RetryPolicy,
    UploadSession,
    get_adapter,
)

CHUNK = 200_000


@pytest.fixture
def emulator():
    with FacebookEmulator() as emulator:
        yield emulator


@pytest.fixture
def creds(emulator):
    access, _ = emulator.issue_tokens()
    return Credentials(access, page_id="1234", client_id="app-1", client_secret="fb-app-secret")


@pytest.fixture
def adapter(emulator, retry):
    # chunk_size as older settings carry it: the adapter must still send the rest of the file at once.
    return get_adapter("facebook", settings=emulator.settings(), chunk_size=CHUNK, retry=retry, usage_pause=5.0)


def request_for(media, **overrides):
    return PublishRequest(media.path, media.size, description="Reel time", hashtags=["reels"], **overrides)


def only_reel(emulator):
    assert len(emulator.reels) == 1
    return next(iter(emulator.reels.values()))


def test_reel_bytes_go_in_one_request_from_offset_to_the_end(emulator, creds, adapter, make_file, store):
    media = make_file(CHUNK * 2 + 123)

    result = adapter.publish(request_for(media), creds, UploadSession(), store)

    reel = only_reel(emulator)
    assert reel.upload.sha256() == media.sha256 and reel.published and reel.video_state == "PUBLISHED"
    assert reel.description == "Reel time\n\n#reels"
    [upload] = emulator.routes_hit("upload")
    assert (upload.headers["offset"], upload.headers["file_size"]) == ("0", str(media.size))
    assert upload.body_bytes == media.size and upload.status == 200
    assert (
        result.status == PublishStatus.PUBLISHED and result.url == f"https://www.facebook.com/reel/{result.remote_id}"
    )
    assert store.saved[0].video_id and store.saved[0].bytes_confirmed == 0


def test_scheduled_reel(emulator, creds, adapter, make_file):
    when = datetime(2031, 5, 1, 9, 30, tzinfo=UTC)
    result = adapter.publish(request_for(make_file(CHUNK), scheduled_at=when), creds, UploadSession())
    assert only_reel(emulator).video_state == "SCHEDULED" and result.status == PublishStatus.SCHEDULED
    finish = [r for r in emulator.routes_hit("video_reels")][-1]
    assert finish.body_bytes > 0


def test_dropped_upload_resumes_from_bytes_transfered_with_the_rest_in_one_request(emulator, creds, adapter, make_file):
    media = make_file(CHUNK * 3)
    emulator.faults.append(Fault.drop("upload", after_bytes=150_000))

    adapter.publish(request_for(media), creds, UploadSession())

    assert only_reel(emulator).upload.sha256() == media.sha256
    first, resumed = emulator.routes_hit("upload")
    assert first.body_bytes == 150_000 and first.status is None
    assert resumed.headers["offset"] == "150000" and resumed.body_bytes == media.size - 150_000
    status_reads = [r for r in emulator.routes_hit("video") if "fields=status" in r.path]
    assert len(status_reads) >= 1  # the offset came from the platform's bytes_transfered


def test_rate_limit_codes_and_app_usage_back_off(emulator, creds, adapter, make_file, sleeps):
    throttled = {"error": {"message": "(#4) Application request limit reached", "code": 4}}
    usage = json.dumps({"1234": [{"type": "pages", "call_count": 100, "estimated_time_to_regain_access": 2}]})
    emulator.faults.append(Fault.respond("video_reels", 400, throttled, headers={"x-business-use-case-usage": usage}))
    emulator.app_usage = {"call_count": 95, "total_time": 10, "total_cputime": 10}

    adapter.publish(request_for(make_file(CHUNK)), creds, UploadSession())

    assert sleeps.delays[0] == 120.0  # estimated_time_to_regain_access, in minutes
    assert 5.0 in sleeps.delays[1:]  # x-app-usage above 90 %: pause before the next call


def test_invalid_token_tries_one_exchange_then_fails_permanently(emulator, creds, adapter, make_file):
    emulator.expire_tokens()
    with pytest.raises(PlatformError) as caught:
        adapter.publish(request_for(make_file(CHUNK)), creds, UploadSession())
    assert caught.value.kind == "revoked" and caught.value.permanent
    assert "Session has expired" in caught.value.message
    assert len(emulator.routes_hit("token")) == 1


def test_token_exchange_renews_a_live_token(emulator, creds, adapter):
    renewed = adapter.refresh(creds)
    assert renewed.access_token != creds.access_token and renewed.access_token in emulator.access_tokens
    assert renewed.expires_at > datetime.now(UTC)


def test_reels_cap_is_reported_with_the_platform_message(make_file, retry):
    with FacebookEmulator(reels_per_day=0) as emulator:
        access, _ = emulator.issue_tokens()
        adapter = get_adapter("facebook", settings=emulator.settings(), retry=retry)
        with pytest.raises(PlatformError) as caught:
            adapter.publish(request_for(make_file(CHUNK)), Credentials(access, page_id="1234"), UploadSession())
    assert caught.value.kind == "rate_limited" and "limit of API-published Reels" in caught.value.message


def test_unknown_outcome_of_finish_is_reconciled(emulator, creds, make_file, retry, store):
    emulator.hang_seconds = 2
    adapter = get_adapter("facebook", settings=emulator.settings(), retry=retry, http=HttpClient(read_timeout=0.5))
    emulator.faults.append(Fault.hang("video_reels", skip=1))  # start answers, finish does not

    with pytest.raises(PlatformError) as caught:
        adapter.publish(request_for(make_file(CHUNK)), creds, UploadSession(), store)
    assert caught.value.kind == "unknown_outcome"
    sent = emulator.body_bytes

    result = adapter.publish(request_for(make_file(CHUNK)), creds, store.last, store)

    assert result.status == PublishStatus.PUBLISHED and only_reel(emulator).finish_calls == 1
    assert emulator.body_bytes == sent


def test_fetch_metrics(emulator, creds, adapter, make_file):
    result = adapter.publish(request_for(make_file(CHUNK)), creds, UploadSession())
    emulator.insights[result.remote_id] = [
        {"name": "blue_reels_play_count", "values": [{"value": 540}]},
        {"name": "post_video_likes_by_reaction_type", "values": [{"value": {"REACTION_LIKE": 20, "REACTION_LOVE": 5}}]},
        {"name": "post_video_social_actions", "values": [{"value": {"COMMENT": 6, "SHARE": 2}}]},
    ]
    metrics = adapter.fetch_metrics(result.remote_id, creds)
    assert (metrics.views, metrics.likes, metrics.comments, metrics.shares) == (540, 25, 6, 2)


def test_the_old_chunk_size_option_changes_nothing(emulator, creds, make_file, retry):
    """Settings written for the old fixed-size pieces still load; the file still goes in one request."""
    adapter = get_adapter("facebook", settings=emulator.settings(), retry=retry, chunk_size=1000)
    adapter.publish(request_for(make_file(5000)), creds, UploadSession())
    assert len(emulator.routes_hit("upload")) == 1


def test_an_expired_upload_session_starts_a_new_reel(emulator, creds, adapter, make_file, store):
    media = make_file(CHUNK)
    emulator.faults.append(Fault.drop("upload", after_bytes=50_000))
    with pytest.raises(PlatformError):
        get_adapter("facebook", settings=emulator.settings(), retry=RetryPolicy(max_attempts=1)).publish(
            request_for(media), creds, UploadSession(), store
        )
    emulator.expire_uploads()

    result = adapter.publish(request_for(media), creds, store.last, store)

    [reel] = emulator.published()
    assert reel.upload.sha256() == media.sha256 and result.remote_id != store.saved[0].video_id
    assert len(emulator.reels) == 2


# --- faults: each ends with exactly one published reel holding the file's bytes --------------
STALE_STATUS = {
    "video_status": "upload_complete",
    "uploading_phase": {"status": "complete", "bytes_transfered": 0},
    "processing_phase": {"status": "complete"},
    "publishing_phase": {"status": "not_started"},
}


@pytest.mark.parametrize(
    "fault", ["dropped_mid_upload", "lost_reply_after_last_byte", "expired_session", "stale_status"]
)
def test_faults_end_with_exactly_one_reel(emulator, creds, make_file, sleeps, store, fault):
    emulator.hang_seconds = 2
    adapter = get_adapter(
        "facebook", settings=emulator.settings(), http=HttpClient(read_timeout=0.5),
        retry=RetryPolicy(max_attempts=3, sleep=sleeps, jitter=lambda: 1.0),
    )  # fmt: skip
    media = make_file(CHUNK * 2 + 77)
    if fault == "dropped_mid_upload":
        emulator.faults.append(Fault.drop("upload", after_bytes=123_456))
    elif fault == "lost_reply_after_last_byte":
        emulator.faults.append(Fault.hang("upload"))
    elif fault == "expired_session":
        emulator.faults.append(Fault.drop("upload", after_bytes=10_000, times=3))
    else:  # finish taken but unanswered, then a status that lags behind it
        emulator.faults.append(Fault.hang("video_reels", skip=1))
        STALE_STATUS["uploading_phase"]["bytes_transfered"] = media.size
        emulator.faults.append(Fault.respond("video", 200, {"id": "x", "status": STALE_STATUS}))
    session = UploadSession()
    try:
        adapter.publish(request_for(media), creds, session, store)
    except PlatformError:
        session = store.last
        if fault == "expired_session":
            emulator.expire_uploads()

    result = adapter.publish(request_for(media), creds, session, store)

    [reel] = emulator.published()
    assert reel.upload.sha256() == media.sha256 and result.remote_id in emulator.reels
    assert emulator.reels[result.remote_id] is reel


# --- the first comment ----------------------------------------------------------------------
def test_first_comment_is_posted_on_the_reel_with_the_page_token(emulator, creds, adapter, make_file):
    video_id = adapter.publish(request_for(make_file(CHUNK)), creds, UploadSession()).remote_id

    comment_id = adapter.post_comment(creds, video_id, "Shop the look: link in bio")

    [comment] = emulator.reels[video_id].comments
    assert comment == {"id": comment_id, "message": "Shop the look: link in bio"}
    [call] = emulator.routes_hit("comment")
    assert call.headers["Authorization"] == f"OAuth {creds.access_token}"


def test_first_comment_without_pages_manage_engagement_says_so(emulator, creds, adapter, make_file):
    video_id = adapter.publish(request_for(make_file(CHUNK)), creds, UploadSession()).remote_id
    emulator.tokens_without[creds.access_token] = {"pages_manage_engagement"}

    with pytest.raises(PlatformError) as caught:
        adapter.post_comment(creds, video_id, "hi")

    # The post is fine and the token still posts: only the comment needs the extra permission.
    assert caught.value.kind == "policy" and caught.value.permanent
    assert "pages_manage_engagement" in caught.value.message


def test_first_comment_on_a_missing_reel_is_a_permanent_error(emulator, creds, adapter):
    with pytest.raises(PlatformError) as caught:
        adapter.post_comment(creds, "999", "hi")
    assert caught.value.permanent and "does not exist" in caught.value.message
