"""YouTube: Google's OAuth through google-auth-oauthlib's `Flow`, then the channel behind the consent."""

from __future__ import annotations

from typing import Any

import requests
from django.conf import settings
from google_auth_oauthlib.flow import Flow
from oauthlib.oauth2 import OAuth2Error

from accounts.oauth.base import OAuthAccount, OAuthError, OAuthProvider, TokenSet, as_int

UPLOAD = "https://www.googleapis.com/auth/youtube.upload"
READONLY = "https://www.googleapis.com/auth/youtube.readonly"
FORCE_SSL = "https://www.googleapis.com/auth/youtube.force-ssl"  # commentThreads.insert: the first comment


class YouTubeProvider(OAuthProvider):
    platform = "youtube"
    label = "YouTube"
    app_settings = ("YOUTUBE_CLIENT_ID", "YOUTUBE_CLIENT_SECRET")
    scopes = (UPLOAD, READONLY, FORCE_SSL)
    required_scopes = (UPLOAD, READONLY)  # FORCE_SSL is optional: without it only the first comment fails

    def _flow(self, code_verifier: str) -> Flow:
        config = {
            "web": {
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "auth_uri": settings.YOUTUBE_AUTH_URL,
                "token_uri": settings.YOUTUBE_TOKEN_URL,
                "redirect_uris": [self.redirect_uri],
            }
        }
        return Flow.from_client_config(
            config,
            scopes=list(self.scopes),
            redirect_uri=self.redirect_uri,
            code_verifier=code_verifier,
            autogenerate_code_verifier=False,
        )

    def authorization_url(self, *, state: str, code_verifier: str, reconsent: bool) -> str:
        # Google sends a refresh token only on a consent screen: ask for one (prompt=consent)
        # unless the account being reconnected already holds a working refresh token.
        extra = {"prompt": "consent"} if reconsent else {}
        url, _ = self._flow(code_verifier).authorization_url(
            state=state, access_type="offline", include_granted_scopes="true", **extra
        )
        return url

    def exchange(self, *, code: str, code_verifier: str) -> list[OAuthAccount]:
        flow = self._flow(code_verifier)
        try:
            token: dict[str, Any] = flow.fetch_token(code=code, timeout=settings.OAUTH_HTTP_TIMEOUT_SECONDS)
        except Warning as changed:
            # include_granted_scopes: Google may return more scopes than asked; oauthlib warns
            # by raising, with the token attached.
            token = dict(getattr(changed, "token", {}) or {})
        except OAuth2Error as error:
            raise self.refused("the authorization", f"{error.error}: {error.description or ''}") from None
        except requests.RequestException as error:
            raise OAuthError(f"Could not reach Google ({type(error).__name__}). Nothing was saved.") from None
        if not token.get("access_token"):
            raise self.refused("the authorization", "no access token in the answer")
        scope = token.get("scope") or ()
        scopes = tuple(scope.split() if isinstance(scope, str) else scope)
        return [self._channel(self.granted_tokens(token, scopes))]

    def _channel(self, tokens: TokenSet) -> OAuthAccount:
        answer = self.call(
            "GET",
            f"{settings.YOUTUBE_API_BASE_URL.rstrip('/')}/channels",
            token=tokens.access_token,
            params={"part": "snippet,statistics", "mine": "true"},
            what="channels.list",
        )
        if not answer.ok:
            detail = (answer.data.get("error") or {}).get("message") or answer.status
            raise self.refused("reading your channel", detail, secrets_=(tokens.access_token,))
        items = answer.data.get("items") or []
        if not items:
            raise OAuthError(
                "This Google account has no YouTube channel. Create one on youtube.com (or pick the "
                "channel's brand account when signing in), then connect again. Nothing was saved."
            )
        channel = items[0]
        snippet, stats = channel.get("snippet") or {}, channel.get("statistics") or {}
        title = snippet.get("title") or channel["id"]
        handle = (snippet.get("customUrl") or "").lstrip("@") or title
        followers = None if stats.get("hiddenSubscriberCount") else as_int(stats.get("subscriberCount"))
        return OAuthAccount(
            remote_id=channel["id"], username=handle[:150], display_name=title, followers_count=followers, tokens=tokens
        )
