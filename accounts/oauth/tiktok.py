"""TikTok Login Kit v2 (web): consent, `POST /v2/oauth/token/`, then `/v2/user/info/`."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings

from accounts.oauth.base import OAuthAccount, OAuthProvider

SCOPES = ("user.info.basic", "video.upload", "video.publish", "video.list")


class TikTokProvider(OAuthProvider):
    platform = "tiktok"
    label = "TikTok"
    app_settings = ("TIKTOK_CLIENT_KEY", "TIKTOK_CLIENT_SECRET")
    scopes = SCOPES
    required_scopes = SCOPES
    pkce = False  # Login Kit for Web takes no code challenge (PKCE is for its desktop and mobile kits)

    def authorization_url(self, *, state: str, code_verifier: str, reconsent: bool) -> str:
        query = {
            "client_key": self.client_id,
            "scope": ",".join(self.scopes),
            "response_type": "code",
            "redirect_uri": self.redirect_uri,
            "state": state,
        }
        return f"{settings.TIKTOK_AUTH_URL}?{urlencode(query)}"

    def exchange(self, *, code: str, code_verifier: str) -> list[OAuthAccount]:
        base = settings.TIKTOK_API_BASE_URL.rstrip("/")
        answer = self.call(
            "POST",
            f"{base}/v2/oauth/token/",
            form={
                "client_key": self.client_id,
                "client_secret": self.client_secret,
                "code": code,
                "grant_type": "authorization_code",
                "redirect_uri": self.redirect_uri,
            },
            what="token",
        )
        data = answer.data
        if not answer.ok or not data.get("access_token"):
            raise self.refused("the authorization", data.get("error_description") or data.get("error") or answer.status)
        scopes = tuple(scope for scope in str(data.get("scope", "")).replace(" ", ",").split(",") if scope)
        tokens = self.granted_tokens(data, scopes)
        info = self.call(
            "GET",
            f"{base}/v2/user/info/",
            token=tokens.access_token,
            params={"fields": "open_id,union_id,avatar_url,display_name"},
            what="user info",
        )
        user = (info.data.get("data") or {}).get("user") or {}
        error = info.data.get("error") or {}
        if not info.ok or error.get("code", "ok") != "ok" or not (user.get("open_id") or data.get("open_id")):
            raise self.refused(
                "reading your profile", error.get("message") or info.status, secrets_=(tokens.access_token,)
            )
        open_id = user.get("open_id") or data["open_id"]
        name = user.get("display_name") or open_id
        return [OAuthAccount(remote_id=open_id, username=name[:150], display_name=name, tokens=tokens)]
