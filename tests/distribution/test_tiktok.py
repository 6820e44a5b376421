import hashlib
from dataclasses import dataclass

import pytest

from common.http_client import HttpClient
from distribution.emulators import Fault, TikTokEmulator
from distribution.platforms import Credentials, PlatformError, PublishRequest, PublishStatus, UploadSession, get_adapter
from distribution.platforms.tiktok import FAIL_REASONS, ChunkRules

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


class FakeClock:
    """The emulator's clock, moved by hand: an hour passes in a line."""

    def __init__(self) -> None:
        self.now, self.advanced = 1_000_000.0, False

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
        self.advanced = True


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
    assert rules.plan(50_000_123, 10_000_000) == (10_000_000, 5)  # the media transfer guide's example
    assert rules.plan(30 * 2**20, 1) == (5 * 2**20, 6)  # raised to the 5 MB minimum
    chunk, count = rules.plan(4 * 2**30, 10 * 2**20)  # the 4 GB maximum
    assert count <= 1000 and chunk <= rules.max_chunk
    for too_big in (4 * 2**30 + 1, 70_000_000_000):
        with pytest.raises(PlatformError) as caught:
            rules.plan(too_big, 10 * 2**20)
        assert caught.value.kind == "invalid_media" and caught.value.permanent
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


# --- the media transfer guide's chunk rules, at their real sizes ---------------------------
# The guide's "MB" is 2**20 bytes: its whole-upload example calls 4,194,304 bytes "4 MB".
MB = 2**20


@dataclass
class SparseFile:
    path: str
    size: int
    sha256: str


@pytest.fixture
def sparse_file(tmp_path):
    """make(size): a file of `size` zero bytes that takes no disk space, and its SHA-256."""

    def make(size: int) -> SparseFile:
        path = tmp_path / f"sparse-{size}.mp4"
        with open(path, "wb") as file:
            file.truncate(size)
        digest, block, left = hashlib.sha256(), bytes(MB), size
        while left:
            digest.update(block[: min(MB, left)])
            left -= min(MB, left)
        return SparseFile(str(path), size, digest.hexdigest())

    return make


BOUNDARIES = [
    (1, (1, 1)),  # under 5 MB: whole
    (4_999_999, (4_999_999, 1)),
    (5 * MB, (5 * MB, 1)),  # 5,242,880: one chunk, exactly the minimum
    (7_000_000, (7_000_000, 1)),  # smaller than the preferred 10 MB chunk: one chunk of the file's size
    (10 * MB - 1, (10 * MB - 1, 1)),
    (64 * MB + 1, (10 * MB, 6)),  # over 64 MB: several chunks, the remainder in the last
    (200_000_000, (10 * MB, 19)),
]


@pytest.mark.parametrize(("size", "plan"), BOUNDARIES)
def test_chunk_plan_at_the_guides_boundaries(size, plan):
    chunk, count = ChunkRules().plan(size, 10 * MB)
    assert (chunk, count) == plan
    last = size - chunk * (count - 1)
    assert count == size // chunk and 1 <= count <= 1000
    assert size < 5 * MB or (5 * MB <= chunk <= 64 * MB and last <= 128 * MB)


def test_a_file_just_over_64_mb_is_never_one_chunk_even_when_64_mb_chunks_are_preferred():
    assert ChunkRules().plan(64 * MB + 1, 64 * MB) == (32 * MB, 2)
    assert ChunkRules().plan(64 * MB, 64 * MB) == (64 * MB, 1)


@pytest.mark.parametrize(("size", "plan"), BOUNDARIES)
def test_files_at_the_boundaries_upload_under_the_documented_rules(size, plan, sparse_file, retry):
    """The emulator here keeps TikTok's real numbers (5 MB..64 MB chunks), not the shrunken test ones."""
    media = sparse_file(size)
    chunk, count = plan
    with TikTokEmulator() as emulator:
        access, refresh = emulator.issue_tokens()
        adapter = get_adapter("tiktok", settings=emulator.settings(), retry=retry)

        result = adapter.publish(request_for(media), Credentials(access, refresh), UploadSession())

        publish = only_publish(emulator)
        assert result.status == PublishStatus.PUBLISHED
        assert (publish.chunk_size, publish.chunk_count) == plan
        assert [r.body_bytes for r in emulator.routes_hit("upload")] == [chunk] * (count - 1) + [
            size - chunk * (count - 1)
        ]
        assert publish.upload.sha256() == media.sha256


# --- post_info: every field TikTok marks required, and the disclosures ----------------------
def test_direct_post_sends_every_post_info_field(emulator, creds, adapter, make_file):
    adapter.publish(request_for(make_file(CHUNK)), creds, UploadSession())

    assert only_publish(emulator).post_info == {
        "title": "Best of\n\nWow\n\n#fyp",
        "privacy_level": "PUBLIC_TO_EVERYONE",
        "disable_comment": False,
        "disable_duet": False,
        "disable_stitch": False,
        "video_cover_timestamp_ms": 1000,
        "brand_content_toggle": False,  # marked required by the Direct Post reference
        "brand_organic_toggle": False,
        "is_aigc": False,
    }


@pytest.mark.parametrize("option", ["synthetic", "is_aigc"])
def test_synthetic_content_is_labelled_ai_generated(option, emulator, creds, adapter, make_file):
    adapter.publish(request_for(make_file(CHUNK), options={option: True}), creds, UploadSession())
    assert only_publish(emulator).post_info["is_aigc"] is True


def test_branded_content_disclosures_come_from_the_options(emulator, creds, adapter, make_file):
    options = {"brand_content_toggle": True, "brand_organic_toggle": True}
    adapter.publish(request_for(make_file(CHUNK), options=options), creds, UploadSession())
    info = only_publish(emulator).post_info
    assert info["brand_content_toggle"] is True and info["brand_organic_toggle"] is True


def test_a_caption_is_cut_to_2200_utf16_units_as_tiktok_counts_them(emulator, creds, adapter, make_file):
    emoji = "\N{GRINNING FACE}"  # one character, two UTF-16 units
    adapter.publish(request_for(make_file(CHUNK), title=emoji * 1500, description=""), creds, UploadSession())
    title = only_publish(emulator).post_info["title"]
    assert len(title.encode("utf-16-le")) // 2 <= 2200 and title == emoji * 1100


# --- chunk replies: 416 means "here is where I am", 403 means "this URL is dead" -----------
def tiktok_ok(data):
    return {"data": data, "error": {"code": "ok", "message": "", "log_id": "log-stale"}}


def test_416_resumes_from_the_progress_tiktok_reports(emulator, creds, adapter, make_file):
    media = make_file(CHUNK * 4)
    emulator.faults.append(Fault.drop("upload", after_bytes=50_000, skip=2))  # mid third chunk
    # Status lags behind the upload server: it says nothing arrived, so the chunk at 0 is resent.
    lagging = tiktok_ok({"status": "PROCESSING_UPLOAD", "uploaded_bytes": 0})
    emulator.faults.append(Fault.respond("status", 200, lagging))

    result = adapter.publish(request_for(media), creds, UploadSession())

    assert result.status == PublishStatus.PUBLISHED
    assert [r.status for r in emulator.routes_hit("upload")] == [206, 206, None, 416, 206, 201]
    assert only_publish(emulator).upload.sha256() == media.sha256


def test_expired_upload_url_starts_a_new_upload_never_a_second_post(emulator, creds, adapter, make_file, store):
    media = make_file(CHUNK * 3)
    clock = FakeClock()
    emulator.clock = clock

    def an_hour_passes_after_the_first_chunk(sent: int, total: int) -> None:
        if sent == CHUNK and not clock.advanced:
            clock.advance(3601)  # the upload URL is valid for one hour

    result = adapter.publish(request_for(media), creds, UploadSession(), store, an_hour_passes_after_the_first_chunk)

    assert result.status == PublishStatus.PUBLISHED
    assert [r.status for r in emulator.routes_hit("upload")] == [206, 403, 206, 206, 201]
    assert len(emulator.routes_hit("init")) == 2
    posted = [p for p in emulator.publishes.values() if p.status == "PUBLISH_COMPLETE"]
    assert len(posted) == 1 and posted[0].upload.sha256() == media.sha256
    assert store.last.publish_id != store.saved[0].publish_id  # the new upload was persisted


def test_expired_upload_url_of_a_complete_upload_is_not_sent_again(emulator, creds, adapter, make_file, store):
    """A stale status said bytes were missing, but the upload was complete: no second init."""
    media = make_file(CHUNK * 2)
    clock = FakeClock()
    emulator.clock, emulator.hang_seconds = clock, 2
    adapter = make_adapter(emulator, adapter.retry, http=HttpClient(read_timeout=0.5))
    emulator.faults.append(Fault.hang("upload", skip=1))  # the last chunk's reply is lost
    with pytest.raises(PlatformError):
        adapter.publish(request_for(media), creds, UploadSession(), store)
    clock.advance(3601)  # and the upload URL expires before anyone looks
    lagging = tiktok_ok({"status": "PROCESSING_UPLOAD", "uploaded_bytes": CHUNK})
    emulator.faults.append(Fault.respond("status", 200, lagging, times=2))

    result = adapter.publish(request_for(media), creds, store.last, store)

    assert result.status == PublishStatus.PUBLISHED
    assert len(emulator.routes_hit("init")) == 1 and len(emulator.publishes) == 1


# --- fail_reason: what the user has to do ----------------------------------------------------
@pytest.mark.parametrize(
    ("reason", "kind", "permanent"),
    [
        ("auth_removed", "revoked", True),  # reconnect the account, not "invalid media"
        ("file_format_check_failed", "invalid_media", True),
        ("duration_check_failed", "invalid_media", True),
        ("frame_rate_check_failed", "invalid_media", True),
        ("picture_size_check_failed", "invalid_media", True),
        ("spam_risk_too_many_posts", "quota", False),
        ("spam_risk_user_banned_from_posting", "policy", True),
        ("spam_risk_text", "policy", True),
        ("spam_risk", "policy", True),
        ("publish_cancelled", "policy", True),
    ],
)
def test_fail_reason_says_what_to_do(reason, kind, permanent, emulator, creds, adapter, make_file):
    emulator.fail_reason = reason
    with pytest.raises(PlatformError) as caught:
        adapter.publish(request_for(make_file(CHUNK)), creds, UploadSession())
    assert (caught.value.kind, caught.value.permanent) == (kind, permanent)
    assert reason in caught.value.message
    assert len(emulator.publishes) == 1  # never posted again on our own


def test_fail_reason_map_covers_the_reference_table():
    documented = {
        "file_format_check_failed", "duration_check_failed", "frame_rate_check_failed", "picture_size_check_failed",
        "internal", "video_pull_failed", "photo_pull_failed", "publish_cancelled", "auth_removed",
        "spam_risk_too_many_posts", "spam_risk_user_banned_from_posting", "spam_risk_text", "spam_risk",
    }  # fmt: skip
    assert set(FAIL_REASONS) == documented
    assert FAIL_REASONS["internal"][1] is False  # "This is a retryable error."


def test_internal_fail_reason_uploads_again_and_posts_once(emulator, creds, adapter, make_file, sleeps):
    media = make_file(CHUNK * 2)
    emulator.fail_reasons.append("internal")  # the first upload fails inside TikTok, the next one goes

    result = adapter.publish(request_for(media), creds, UploadSession())

    assert result.status == PublishStatus.PUBLISHED
    assert [p.status for p in emulator.publishes.values()] == ["FAILED", "PUBLISH_COMPLETE"]
    assert [p.upload.sha256() for p in emulator.publishes.values()] == [media.sha256] * 2
    assert sleeps.delays  # backed off before trying again


def test_reconciling_an_auth_removed_failure_asks_to_reconnect(emulator, creds, make_file, retry, store):
    emulator.hang_seconds, emulator.processing_polls = 2, 0
    adapter = make_adapter(emulator, retry, http=HttpClient(read_timeout=0.5))
    emulator.faults.append(Fault.hang("upload"))
    emulator.fail_reason = "auth_removed"
    with pytest.raises(PlatformError):
        adapter.publish(request_for(make_file(CHUNK)), creds, UploadSession(), store)
    assert store.last.state == "unknown"

    with pytest.raises(PlatformError) as caught:
        adapter.reconcile(creds, store.last)

    assert (caught.value.kind, caught.value.permanent) == ("revoked", True)


def test_reconciling_an_internal_failure_starts_again(emulator, creds, make_file, retry, store):
    emulator.hang_seconds, emulator.processing_polls = 2, 0
    adapter = make_adapter(emulator, retry, http=HttpClient(read_timeout=0.5))
    emulator.faults.append(Fault.hang("upload"))
    emulator.fail_reasons.append("internal")
    media = make_file(CHUNK)
    with pytest.raises(PlatformError):
        adapter.publish(request_for(media), creds, UploadSession(), store)
    session = store.last

    assert adapter.reconcile(creds, session) is None
    assert session.state == "new" and not session.publish_id
    result = adapter.publish(request_for(media), creds, session)
    assert result.status == PublishStatus.PUBLISHED
    assert [p.status for p in emulator.publishes.values()] == ["FAILED", "PUBLISH_COMPLETE"]


# --- fault injection: each run ends with exactly one post of the file's bytes --------------
def assert_one_post_of(emulator, media):
    assert [post.sha256 for post in emulator.posts] == [media.sha256]


def test_fault_dropped_connection_mid_chunk(emulator, creds, adapter, make_file):
    media = make_file(CHUNK * 3 + 7)
    emulator.faults.append(Fault.drop("upload", after_bytes=40_000, skip=1))
    adapter.publish(request_for(media), creds, UploadSession())
    assert_one_post_of(emulator, media)


def test_fault_lost_reply_after_the_last_byte(emulator, creds, make_file, retry, store):
    emulator.hang_seconds = 2
    adapter = make_adapter(emulator, retry, http=HttpClient(read_timeout=0.5))
    media = make_file(CHUNK * 3 + 7)
    emulator.faults.append(Fault.hang("upload", skip=2))
    with pytest.raises(PlatformError) as caught:
        adapter.publish(request_for(media), creds, UploadSession(), store)
    assert caught.value.kind == "unknown_outcome"
    adapter.publish(request_for(media), creds, store.last, store)
    assert_one_post_of(emulator, media)


def test_fault_expired_upload_url(emulator, creds, adapter, make_file):
    media = make_file(CHUNK * 3 + 7)
    clock = FakeClock()
    emulator.clock = clock

    def expire_once(sent: int, total: int) -> None:
        if sent >= 2 * CHUNK and not clock.advanced:
            clock.advance(3601)

    adapter.publish(request_for(media), creds, UploadSession(), on_progress=expire_once)
    assert_one_post_of(emulator, media)
    assert len(emulator.publishes) == 2


def test_fault_stale_status(emulator, creds, make_file, retry, store):
    emulator.hang_seconds = 2
    adapter = make_adapter(emulator, retry, http=HttpClient(read_timeout=0.5))
    media = make_file(CHUNK * 3 + 7)
    emulator.faults.append(Fault.hang("upload", skip=2))  # the last chunk's reply is lost
    with pytest.raises(PlatformError):
        adapter.publish(request_for(media), creds, UploadSession(), store)
    lagging = tiktok_ok({"status": "PROCESSING_UPLOAD", "uploaded_bytes": CHUNK})
    emulator.faults.append(Fault.respond("status", 200, lagging, times=2))

    adapter.publish(request_for(media), creds, store.last, store)

    assert_one_post_of(emulator, media)
    assert [r.status for r in emulator.routes_hit("upload")][-1] == 416  # told where it stands, sent nothing twice


def test_a_failure_that_must_not_be_retried_stops_the_resume(emulator, creds, adapter, make_file):
    emulator.faults.append(Fault.drop("upload", after_bytes=40_000, skip=1))  # mid second chunk
    removed = tiktok_ok({"status": "FAILED", "fail_reason": "auth_removed", "uploaded_bytes": CHUNK})
    emulator.faults.append(Fault.respond("status", 200, removed))

    with pytest.raises(PlatformError) as caught:
        adapter.publish(request_for(make_file(CHUNK * 3)), creds, UploadSession())

    assert (caught.value.kind, caught.value.permanent) == ("revoked", True)
    assert "reconnect" in caught.value.message and len(emulator.routes_hit("init")) == 1
