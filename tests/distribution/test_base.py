import pytest

from common.http_client import redact
from distribution.emulators import Fault, YouTubeEmulator
from distribution.platforms import (
    Credentials,
    PlatformError,
    PublishRequest,
    RetryPolicy,
    UploadSession,
    YouTubeAdapter,
    get_adapter,
)


def test_defaults_point_at_the_real_platforms():
    adapter = get_adapter("youtube", settings={})
    assert isinstance(adapter, YouTubeAdapter)
    assert adapter.upload_base_url == "https://www.googleapis.com/upload/youtube/v3"
    assert get_adapter("tiktok", settings={}).api_base_url == "https://open.tiktokapis.com"
    assert get_adapter("facebook", settings={}).rupload_base_url.startswith("https://rupload.facebook.com/")


def test_unknown_platform_is_not_configured():
    with pytest.raises(PlatformError) as caught:
        get_adapter("myspace", settings={})
    assert caught.value.kind == "not_configured" and caught.value.permanent


def test_backoff_gives_up_after_the_last_attempt(make_file, sleeps):
    with YouTubeEmulator() as emulator:
        access, refresh = emulator.issue_tokens()
        emulator.faults.append(Fault.respond("start", 503, times=10))
        retry = RetryPolicy(max_attempts=4, base_delay=1.0, sleep=sleeps, jitter=lambda: 0.0)
        adapter = get_adapter("youtube", settings=emulator.settings(), retry=retry)
        media = make_file(1000)
        with pytest.raises(PlatformError) as caught:
            adapter.publish(PublishRequest(media.path, media.size), Credentials(access, refresh), UploadSession())
    assert caught.value.kind == "transient" and not caught.value.permanent
    assert sleeps.delays == [0.5, 1.0, 2.0]  # jitter takes up to half of each delay off
    assert len(emulator.routes_hit("start")) == 4


def test_a_long_retry_after_is_handed_back_to_the_caller(make_file, sleeps):
    with YouTubeEmulator() as emulator:
        access, refresh = emulator.issue_tokens()
        emulator.faults.append(Fault.respond("start", 429, headers={"Retry-After": "3600"}))
        adapter = get_adapter("youtube", settings=emulator.settings(), retry=RetryPolicy(sleep=sleeps))
        media = make_file(1000)
        with pytest.raises(PlatformError) as caught:
            adapter.publish(PublishRequest(media.path, media.size), Credentials(access, refresh), UploadSession())
    assert caught.value.kind == "rate_limited" and caught.value.retry_after == 3600 and sleeps.delays == []


def test_redact_blanks_known_secrets_and_token_shapes():
    text = redact(
        'Authorization: Bearer abc.def refresh_token=r1&x=1 {"access_token": "a2"} OAuth zzz secret-9',
        ("secret-9",),
    )
    for secret in ("abc.def", "r1", "a2", "zzz", "secret-9"):
        assert secret not in text
    assert "x=1" in text


def test_credentials_repr_hides_tokens():
    creds = Credentials("access-1", "refresh-1", client_secret="secret-1")
    assert "access-1" not in repr(creds) and "refresh-1" not in repr(creds) and "secret-1" not in repr(creds)


def test_scheduled_at_must_be_aware():
    from datetime import datetime

    with pytest.raises(ValueError):
        PublishRequest("x", 1, scheduled_at=datetime(2030, 1, 1))  # noqa: DTZ001 - the point of the test
