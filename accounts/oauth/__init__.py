"""OAuth connections: one provider per platform, and what the dashboard and API show about them.

Settings (environment variables, `<NAME>_FILE` works too):

    YOUTUBE_CLIENT_ID / YOUTUBE_CLIENT_SECRET   Google Cloud OAuth client (web application)
    TIKTOK_CLIENT_KEY / TIKTOK_CLIENT_SECRET    TikTok for Developers app with Login Kit
    FACEBOOK_APP_ID / FACEBOOK_APP_SECRET       Meta app with Facebook Login (Pages and Instagram)
    *_AUTH_URL, *_TOKEN_URL, *_API_BASE_URL, FACEBOOK_GRAPH_BASE_URL   the platforms' addresses
    OAUTH_REDIRECT_BASE_URL   the site's public address for redirect URIs ("" = from the request)

Redirect URIs to register: <site>/accounts/connect/<platform>/callback/
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from accounts.oauth.base import NotConfigured, OAuthAccount, OAuthError, OAuthProvider, TokenSet
from accounts.oauth.facebook import FacebookProvider
from accounts.oauth.instagram import InstagramProvider
from accounts.oauth.tiktok import TikTokProvider
from accounts.oauth.youtube import YouTubeProvider
from accounts.platforms import Platform

if TYPE_CHECKING:
    from accounts.models import SocialAccount

PROVIDERS: dict[str, type[OAuthProvider]] = {
    provider.platform: provider for provider in (YouTubeProvider, TikTokProvider, FacebookProvider, InstagramProvider)
}

__all__ = [
    "PROVIDERS",
    "ConnectionOption",
    "NotConfigured",
    "OAuthAccount",
    "OAuthError",
    "OAuthProvider",
    "TokenSet",
    "adapter_credentials",
    "app_credentials",
    "callback_url",
    "connection_options",
    "get_provider",
    "provider_class",
]


@dataclass(frozen=True)
class ConnectionOption:
    platform: str
    label: str
    configured: bool
    missing_settings: list[str]
    connect_url: str | None  # None when not configured
    callback_url: str  # the redirect URI to register with the platform
    scopes: list[str]


def provider_class(platform: str) -> type[OAuthProvider]:
    try:
        return PROVIDERS[platform]
    except KeyError:
        raise OAuthError(
            f"There is no OAuth connection for {platform!r}. Choose one of: {', '.join(PROVIDERS)}.",
            code="not_found",
        ) from None


def get_provider(platform: str, *, request: HttpRequest) -> OAuthProvider:
    """The configured provider for `platform`; NotConfigured (404) when its app credentials are missing."""
    return provider_class(platform)(redirect_uri=callback_url(request, platform))


def app_credentials(platform: str) -> tuple[str, str]:
    """(client id, client secret) of ReelMill's app on a platform, ("", "") when not configured.

    What the upload adapters need to refresh tokens (`Credentials(client_id=..., client_secret=...)`).
    """
    provider = PROVIDERS.get(platform)
    if provider is None:
        return "", ""
    return tuple(getattr(settings, name, "") for name in provider.app_settings)  # type: ignore[return-value]


# The field of the upload adapters' `Credentials` that the platform id fills.
_REMOTE_ID_FIELD = {"youtube": "channel_id", "tiktok": "open_id", "facebook": "page_id", "instagram": "ig_user_id"}


def adapter_credentials(account: SocialAccount) -> dict[str, Any]:
    """Keyword arguments for `distribution.platforms.Credentials`: tokens, app credentials, platform id.

    Refreshed tokens go back through `social_account_update(account=..., access_token=...,
    refresh_token=..., token_expires_at=...)`, which keeps the stored refresh token when given "".
    """
    client_id, client_secret = app_credentials(account.platform)
    fields: dict[str, Any] = {
        "access_token": account.access_token,
        "refresh_token": account.refresh_token,
        "expires_at": account.token_expires_at,
        "scopes": tuple(account.token_scopes or ()),
        "client_id": client_id,
        "client_secret": client_secret,
    }
    if account.platform in _REMOTE_ID_FIELD:
        fields[_REMOTE_ID_FIELD[account.platform]] = account.remote_id
    return fields


def absolute(request: HttpRequest, path: str) -> str:
    base = settings.OAUTH_REDIRECT_BASE_URL.rstrip("/")
    return f"{base}{path}" if base else request.build_absolute_uri(path)


def callback_url(request: HttpRequest, platform: str) -> str:
    return absolute(request, reverse("accounts:connect-callback", args=[platform]))


def connection_options(request: HttpRequest) -> list[ConnectionOption]:
    """Every platform's OAuth state, in the platforms' display order."""
    options = []
    for platform in Platform.values:
        provider = PROVIDERS.get(platform)
        if provider is None:
            continue
        configured = provider.is_configured()
        options.append(
            ConnectionOption(
                platform=platform,
                label=provider.label,
                configured=configured,
                missing_settings=provider.missing_settings(),
                connect_url=absolute(request, reverse("accounts:connect", args=[platform])) if configured else None,
                callback_url=callback_url(request, platform),
                scopes=list(provider.scopes),
            )
        )
    return options
