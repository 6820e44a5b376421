import json
from datetime import UTC, datetime

import pytest

from common.http_client import HttpClient
from distribution.emulators import FacebookEmulator, Fault
from distribution.platforms import Credentials, PlatformError, PublishRequest, PublishStatus, UploadSession, get_adapter

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
    return get_adapter("facebook", settings=emulator.settings(), chunk_size=CHUNK, retry=retry, usage_pause=5.0)


def request_for(media, **overrides):
    return PublishRequest(media.path, media.size, description="Reel time", hashtags=["reels"], **overrides)


def only_reel(emulator):
    assert len(emulator.reels) == 1
    return next(iter(emulator.reels.values()))


def test_reel_is_uploaded_with_offsets_and_published(emulator, creds, adapter, make_file, store):
    media = make_file(CHUNK * 2 + 123)

    result = adapter.publish(request_for(media), creds, UploadSession(), store)

    reel = only_reel(emulator)
    assert reel.upload.sha256() == media.sha256 and reel.published and reel.video_state == "PUBLISHED"
    assert reel.description == "Reel time\n\n#reels"
    assert [r.headers["offset"] for r in emulator.routes_hit("upload")] == ["0", str(CHUNK), str(2 * CHUNK)]
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


def test_dropped_upload_resumes_from_bytes_transferred(emulator, creds, adapter, make_file):
    media = make_file(CHUNK * 3)
    emulator.faults.append(Fault.drop("upload", after_bytes=150_000, skip=1))

    adapter.publish(request_for(media), creds, UploadSession())

    assert only_reel(emulator).upload.sha256() == media.sha256
    uploaded = sum(r.body_bytes for r in emulator.routes_hit("upload"))
    assert media.size <= uploaded <= media.size + CHUNK
    assert emulator.routes_hit("upload")[2].headers["offset"] == str(CHUNK + 150_000)


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
        adapter = get_adapter("facebook", settings=emulator.settings(), chunk_size=CHUNK, retry=retry)
        with pytest.raises(PlatformError) as caught:
            adapter.publish(request_for(make_file(CHUNK)), Credentials(access, page_id="1234"), UploadSession())
    assert caught.value.kind == "rate_limited" and "limit of API-published Reels" in caught.value.message


def test_unknown_outcome_of_finish_is_reconciled(emulator, creds, make_file, retry, store):
    emulator.hang_seconds = 2
    adapter = get_adapter("facebook", settings=emulator.settings(), chunk_size=CHUNK, retry=retry,
                          http=HttpClient(read_timeout=0.5))  # fmt: skip
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
