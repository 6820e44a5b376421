import pytest

from tests.accounts.oauth_server import OAuthPlatforms


@pytest.fixture
def platforms(settings, monkeypatch):
    """The platforms' OAuth endpoints on loopback, with ReelMill's app credentials configured."""
    server = OAuthPlatforms().start()
    for name, value in server.settings().items():
        setattr(settings, name, value)
    # oauthlib (under google-auth-oauthlib) refuses plain-HTTP endpoints unless told otherwise.
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    yield server
    server.stop()


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
