import pytest

from tests.accounts.oauth_server import serving


@pytest.fixture
def platforms(settings, monkeypatch):
    """The platforms' OAuth endpoints on loopback, with ReelMill's app credentials configured."""
    with serving(settings, monkeypatch) as server:
        yield server


@pytest.fixture
def unconfigured(settings):
    for name in (
        "YOUTUBE_CLIENT_ID",
        "YOUTUBE_CLIENT_SECRET",
        "TIKTOK_CLIENT_KEY",
        "TIKTOK_CLIENT_SECRET",
        "FACEBOOK_APP_ID",
        "FACEBOOK_APP_SECRET",
    ):
        setattr(settings, name, "")
