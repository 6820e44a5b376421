import pytest

from common.http_client import HttpClient
from distribution.emulators import Fault, TikTokEmulator
from distribution.platforms import Credentials, PlatformError, PublishRequest, PublishStatus, UploadSession, get_adapter
from distribution.platforms.tiktok import ChunkRules

MIN_CHUNK = 64 * 1024
CHUNK = 100_000
RULES = ChunkRules(min_chunk=MIN_CHUNK, max_chunk=1_000_000, max_last_chunk=2_000_000)


@pytest.fixture
def emulator():
    with TikTokEmulator(min_chunk=MIN_CHUNK, max_chunk=1_000_000, max_last_chunk=2_000_000) as emulator:
        yield emulator


@pytest.fixture
def creds(emulator):
    access, refresh = emulator.issue_tokens()
    return Credentials(access, refresh, client_id="client-key", client_secret="tt-client-secret")


def make_adapter(emulator, retry, **options):
    options = {"chunk_size": CHUNK, "chunk_rules": RULES, "poll_interval": 2.0, "retry": retry} | options
    return get_adapter("tiktok", settings=emulator.settings(), **options)


@pytest.fixture
def adapter(emulator, retry):
    return make_adapter(emulator, retry)


def request_for(media, **overrides):
    fields = {"title": "Best of", "description": "Wow", "hashtags": ["fyp"], "duration_seconds": 30} | overrides
    return PublishRequest(media.path, media.size, **fields)


def only_publish(emulator):
    assert len(emulator.publishes) == 1
    return next(iter(emulator.publishes.values()))


def test_direct_post_uploads_chunks_and_polls_until_published(emulator, creds, adapter, make_file, sleeps, store):
    media = make_file(CHUNK * 3 + 50_000)  # 3 chunks, the last one holding the remainder

    result = adapter.publish(request_for(media), creds, UploadSession(), store)

    publish = only_publish(emulator)
    assert publish.upload.sha256() == media.sha256
    assert (publish.chunk_size, publish.chunk_count) == (CHUNK, 3)
    assert [r.body_bytes for r in emulator.routes_hit("upload")] == [CHUNK, CHUNK, CHUNK + 50_000]
    assert publish.post_info["privacy_level"] == "PUBLIC_TO_EVERYONE"
    assert publish.post_info["title"] == "Best of\n\nWow\n\n#fyp"
    assert result.status == PublishStatus.PUBLISHED and result.remote_id == str(publish.post_id)
    assert result.url == f"https://www.tiktok.com/@reelmill_demo/video/{publish.post_id}"
    assert sleeps.delays == [2.0]  # one status poll said "processing"
    assert store.saved[0].publish_id and store.saved[0].bytes_confirmed == 0


def test_small_file_goes_whole(emulator, creds, adapter, make_file):
    media = make_file(MIN_CHUNK - 1)
    adapter.publish(request_for(media), creds, UploadSession())
    assert only_publish(emulator).chunk_count == 1
    assert only_publish(emulator).upload.sha256() == media.sha256


def test_chunk_plan_follows_tiktok_rules():
    rules = ChunkRules()
    assert rules.plan(3_000_000, 10 * 2**20) == (3_000_000, 1)
    assert rules.plan(50_000_123, 10_000_000) == (10_000_000, 5)
    assert rules.plan(30 * 2**20, 1) == (5 * 2**20, 6)  # raised to the 5 MB minimum
    chunk, count = rules.plan(20_000_000_000, 10 * 2**20)
    assert count <= 1000 and chunk <= rules.max_chunk
    with pytest.raises(PlatformError) as caught:
        rules.plan(70_000_000_000, 10 * 2**20)
    assert caught.value.kind == "invalid_media"
    with pytest.raises(ValueError):
        get_adapter("tiktok", settings={}, chunk_size=1024)


def test_dropped_chunk_resumes_from_what_tiktok_reports(emulator, creds, adapter, make_file, sleeps):
    media = make_file(CHUNK * 4)
    emulator.faults.append(Fault.drop("upload", after_bytes=60_000, skip=2))  # mid third chunk

    adapter.publish(request_for(media), creds, UploadSession())

    assert only_publish(emulator).upload.sha256() == media.sha256
    assert (
        media.size
        < emulator.routes_hit("upload")[-1].body_bytes + sum(r.body_bytes for r in emulator.routes_hit("upload")[:-1])
        <= media.size + CHUNK
    )
    assert len(emulator.routes_hit("init")) == 1


def test_inbox_draft_and_the_pending_drafts_cap(emulator, creds, adapter, make_file):
    media = make_file(CHUNK)
    for _ in range(5):
        result = adapter.publish(request_for(media, options={"tiktok_mode": "inbox"}), creds, UploadSession())
        assert result.status == PublishStatus.DRAFT

    with pytest.raises(PlatformError) as caught:
        adapter.publish(request_for(media, options={"tiktok_mode": "inbox"}), creds, UploadSession())

    error = caught.value
    assert error.kind == "quota" and not error.permanent and error.retry_after == 3600
    assert "spam_risk_too_many_pending_share" in error.message and "pending shares" in error.message
    assert len(emulator.publishes) == 5


def test_unaudited_client_can_only_post_privately(creds, make_file, retry):
    with TikTokEmulator(min_chunk=MIN_CHUNK, unaudited=True) as emulator:
        access, refresh = emulator.issue_tokens()
        adapter = make_adapter(emulator, retry)
        media = make_file(CHUNK)
        with pytest.raises(PlatformError) as caught:
            adapter.publish(request_for(media), Credentials(access, refresh), UploadSession())
        assert caught.value.kind == "private_only" and caught.value.permanent

        result = adapter.publish(request_for(media, privacy="private"), Credentials(access, refresh), UploadSession())
        assert result.status == PublishStatus.PUBLISHED and result.url == ""  # private posts have no public id


def test_privacy_not_offered_and_too_long_video_fail_before_upload(emulator, creds, adapter, make_file):
    media = make_file(CHUNK)
    with pytest.raises(PlatformError, match="not offered"):
        adapter.publish(request_for(media, privacy="followers"), creds, UploadSession())
    with pytest.raises(PlatformError, match="at most 600 s") as caught:
        adapter.publish(request_for(media, duration_seconds=700), creds, UploadSession())
    assert caught.value.kind == "invalid_media" and not emulator.publishes


def test_failed_processing_reports_the_fail_reason(emulator, creds, adapter, make_file):
    emulator.fail_reason = "file_format_check_failed"
    with pytest.raises(PlatformError) as caught:
        adapter.publish(request_for(make_file(CHUNK)), creds, UploadSession())
    assert caught.value.kind == "invalid_media" and caught.value.permanent
    assert "file_format_check_failed" in caught.value.message


def test_rate_limit_backs_off_and_expired_token_refreshes(emulator, creds, adapter, make_file, sleeps):
    limited = {"error": {"code": "rate_limit_exceeded", "message": "Too many requests"}}
    emulator.faults.append(Fault.respond("init", 429, limited, headers={"Retry-After": "12"}))
    emulator.expire_tokens()
    renewed = []

    result = adapter.publish(request_for(make_file(CHUNK)), creds, UploadSession(), on_credentials=renewed.append)

    assert result.status == PublishStatus.PUBLISHED
    assert emulator.refresh_count == 1 and renewed[0].refresh_token == creds.refresh_token
    assert renewed[0].open_id == "open-id-1" and "video.publish" in renewed[0].scopes
    assert sleeps.delays[0] == 12.0


def test_second_access_token_invalid_is_permanent(emulator, creds, adapter, make_file):
    invalid = {"error": {"code": "access_token_invalid", "message": "The access token is invalid"}}
    emulator.faults.append(Fault.respond("creator_info", 401, invalid, times=2))
    with pytest.raises(PlatformError) as caught:
        adapter.publish(request_for(make_file(CHUNK)), creds, UploadSession())
    assert caught.value.kind == "auth" and caught.value.permanent and emulator.refresh_count == 1


def test_unknown_outcome_on_the_last_chunk_is_reconciled(emulator, creds, make_file, retry, store):
    emulator.hang_seconds = 2
    adapter = make_adapter(emulator, retry, http=HttpClient(read_timeout=0.5))
    media = make_file(CHUNK * 2)
    emulator.faults.append(Fault.hang("upload", skip=1))

    with pytest.raises(PlatformError) as caught:
        adapter.publish(request_for(media), creds, UploadSession(), store)
    assert caught.value.kind == "unknown_outcome"
    sent = emulator.body_bytes

    result = adapter.publish(request_for(media), creds, store.last, store)

    assert result.status == PublishStatus.PUBLISHED and len(emulator.publishes) == 1
    assert emulator.body_bytes - sent < 1000  # status calls only: no media bytes again


def test_fetch_metrics(emulator, creds, adapter, make_file):
    result = adapter.publish(request_for(make_file(CHUNK)), creds, UploadSession())
    emulator.metrics[result.remote_id] = {"view_count": 900, "like_count": 80, "comment_count": 7, "share_count": 3}
    metrics = adapter.fetch_metrics(result.remote_id, creds)
    assert (metrics.views, metrics.likes, metrics.comments, metrics.shares) == (900, 80, 7, 3)
