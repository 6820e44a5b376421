"""A loopback stand-in for the platforms' OAuth side: consent screens, token endpoints, profiles.

It checks what the real ones check (client credentials, the exact redirect URI, the PKCE
verifier, single-use codes, bearer tokens) and records every request, so tests assert on what
crossed the socket. The upload APIs are the job of distribution/emulators.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

CLIENTS = {
    "youtube": ("yt-client-id", "yt-client-SECRET-123"),
    "tiktok": ("tt-client-key", "tt-client-SECRET-456"),
    "facebook": ("fb-app-id", "fb-app-SECRET-789"),
}


@dataclass
class Grant:
    platform: str
    redirect_uri: str
    challenge: str
    scopes: list[str]
    consent: bool  # a consent screen was shown (Google: prompt=consent)


@dataclass
class Seen:
    method: str
    path: str
    fields: dict[str, str]
    headers: dict[str, str]


@dataclass
class OAuthPlatforms:
    deny: bool = False
    # Scopes the person leaves ticked; None = all that were asked for.
    granted_scopes: list[str] | None = None
    channel: dict[str, Any] = field(
        default_factory=lambda: {
            "id": "UC-channel-1",
            "snippet": {"title": "Daily Shorts", "customUrl": "@dailyshorts"},
            "statistics": {"subscriberCount": "1200"},
        }
    )
    tiktok_user: dict[str, Any] = field(default_factory=lambda: {"open_id": "tt-open-1", "display_name": "shop.daily"})
    pages: list[dict[str, Any]] = field(
        default_factory=lambda: [
            {
                "id": "page-1",
                "name": "Shop Daily",
                "username": "shopdaily",
                "followers_count": 300,
                "access_token": "page-token-1",
                "instagram_business_account": {"id": "ig-1", "username": "shop.daily.ig", "name": "Shop Daily IG"},
            }
        ]
    )
    page_size: int = 100
    # Scopes granted earlier that Google adds to the answer (include_granted_scopes=true).
    earlier_scopes: list[str] = field(default_factory=list)
    token_error: dict[str, Any] | None = None  # answer the token endpoint with this (400)
    seen: list[Seen] = field(default_factory=list)
    codes: dict[str, Grant] = field(default_factory=dict)
    tokens: set[str] = field(default_factory=set)
    scopes_of: dict[str, list[str]] = field(default_factory=dict)  # Facebook token -> granted permissions

    # --- lifecycle ------------------------------------------------------------------------
    def start(self) -> OAuthPlatforms:
        platforms = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                platforms._dispatch(self)

            do_POST = do_GET

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def settings(self) -> dict[str, str]:
        return {
            "YOUTUBE_CLIENT_ID": CLIENTS["youtube"][0],
            "YOUTUBE_CLIENT_SECRET": CLIENTS["youtube"][1],
            "TIKTOK_CLIENT_KEY": CLIENTS["tiktok"][0],
            "TIKTOK_CLIENT_SECRET": CLIENTS["tiktok"][1],
            "FACEBOOK_APP_ID": CLIENTS["facebook"][0],
            "FACEBOOK_APP_SECRET": CLIENTS["facebook"][1],
            "YOUTUBE_AUTH_URL": f"{self.base_url}/google/auth",
            "YOUTUBE_TOKEN_URL": f"{self.base_url}/google/token",
            "YOUTUBE_API_BASE_URL": f"{self.base_url}/youtube/v3",
            "TIKTOK_AUTH_URL": f"{self.base_url}/tiktok/auth/",
            "TIKTOK_API_BASE_URL": self.base_url,
            "FACEBOOK_AUTH_URL": f"{self.base_url}/facebook/dialog/oauth",
            "FACEBOOK_GRAPH_BASE_URL": f"{self.base_url}/graph",
        }

    def token_requests(self) -> list[Seen]:
        return [seen for seen in self.seen if "token" in seen.path]

    # --- dispatch -------------------------------------------------------------------------
    def _dispatch(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        fields = dict(parse_qsl(parts.query))
        fields.update(parse_qsl(handler.rfile.read(length).decode()))
        self.seen.append(Seen(handler.command, parts.path, fields, dict(handler.headers)))
        routes = {
            "/google/auth": self._authorize,
            "/tiktok/auth/": self._authorize,
            "/facebook/dialog/oauth": self._authorize,
            "/google/token": self._google_token,
            "/v2/oauth/token/": self._tiktok_token,
            "/graph/oauth/access_token": self._graph_token,
            "/youtube/v3/channels": self._channels,
            "/v2/user/info/": self._tiktok_user,
            "/graph/me/permissions": self._permissions,
            "/graph/me/accounts": self._pages,
        }
        route = routes.get(parts.path)
        status, body, headers = route(handler, fields) if route else (404, {"error": "no route"}, {})
        payload = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)

    # --- consent screens ------------------------------------------------------------------
    def _authorize(self, handler, fields):
        platform = {"/google/auth": "youtube", "/tiktok/auth/": "tiktok"}.get(urlsplit(handler.path).path, "facebook")
        client_id = fields.get("client_key" if platform == "tiktok" else "client_id")
        if client_id != CLIENTS[platform][0] or fields.get("response_type") != "code" or not fields.get("state"):
            return 400, {"error": "invalid_request"}, {}
        redirect = fields["redirect_uri"]
        if self.deny:
            query = {
                "error": "access_denied",
                "error_description": "The user denied the request",
                "state": fields["state"],
            }
            return 302, {}, {"Location": f"{redirect}?{urlencode(query)}"}
        asked = fields.get("scope", "").replace(",", " ").split()
        code = f"code-{secrets.token_hex(8)}"
        self.codes[code] = Grant(
            platform,
            redirect,
            fields.get("code_challenge", ""),
            [scope for scope in asked if self.granted_scopes is None or scope in self.granted_scopes],
            consent=fields.get("prompt") == "consent",
        )
        return 302, {}, {"Location": f"{redirect}?{urlencode({'code': code, 'state': fields['state']})}"}

    def _redeem(self, platform: str, fields: dict[str, str], client: tuple[str, str]) -> Grant | None:
        grant = self.codes.pop(fields.get("code", ""), None)
        if grant is None or grant.platform != platform or client != CLIENTS[platform]:
            return None
        if grant.redirect_uri != fields.get("redirect_uri"):
            return None
        if grant.challenge:
            digest = hashlib.sha256(fields.get("code_verifier", "").encode()).digest()
            if base64.urlsafe_b64encode(digest).decode().rstrip("=") != grant.challenge:
                return None
        return grant

    def _issue(self, prefix: str) -> str:
        token = f"{prefix}-{secrets.token_hex(10)}"
        self.tokens.add(token)
        return token

    # --- token endpoints ------------------------------------------------------------------
    def _google_token(self, handler, fields):
        client = (fields.get("client_id", ""), fields.get("client_secret", ""))
        auth = handler.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            client = tuple(base64.b64decode(auth[6:]).decode().split(":", 1))
        if self.token_error:
            return 400, self.token_error, {}
        grant = self._redeem("youtube", fields, client)
        if grant is None:
            return 400, {"error": "invalid_grant", "error_description": "Bad Request"}, {}
        scope = " ".join(grant.scopes + self.earlier_scopes)
        body = {"access_token": self._issue("ya29"), "expires_in": 3599, "scope": scope}
        body["token_type"] = "Bearer"
        if grant.consent:  # Google sends a refresh token only when the consent screen was shown
            body["refresh_token"] = self._issue("1//rt")
        return 200, body, {}

    def _tiktok_token(self, handler, fields):
        if self.token_error:
            return 400, self.token_error, {}
        grant = self._redeem("tiktok", fields, (fields.get("client_key", ""), fields.get("client_secret", "")))
        if grant is None or fields.get("grant_type") != "authorization_code":
            return 400, {"error": "invalid_grant", "error_description": "Authorization code is expired."}, {}
        return (
            200,
            {
                "access_token": self._issue("act"),
                "refresh_token": self._issue("rft"),
                "expires_in": 86400,
                "refresh_expires_in": 31536000,
                "open_id": self.tiktok_user["open_id"],
                "scope": ",".join(grant.scopes),
                "token_type": "Bearer",
            },
            {},
        )

    def _graph_token(self, handler, fields):
        client = (fields.get("client_id", ""), fields.get("client_secret", ""))
        if self.token_error:
            return 400, self.token_error, {}
        if fields.get("grant_type") == "fb_exchange_token":
            short = fields.get("fb_exchange_token", "")
            if client != CLIENTS["facebook"] or short not in self.tokens:
                return 400, {"error": {"message": "Invalid OAuth access token.", "code": 190}}, {}
            long = self._issue("EAAlong")
            self.scopes_of[long] = self.scopes_of[short]
            return 200, {"access_token": long, "token_type": "bearer", "expires_in": 5183944}, {}
        grant = self._redeem("facebook", fields, client)
        if grant is None:
            return 400, {"error": {"message": "Invalid verification code format.", "code": 100}}, {}
        short = self._issue("EAAshort")
        self.scopes_of[short] = grant.scopes
        return 200, {"access_token": short, "token_type": "bearer", "expires_in": 5400}, {}

    # --- profiles -------------------------------------------------------------------------
    def _bearer(self, handler) -> str:
        value = handler.headers.get("Authorization", "")
        token = value.split(" ", 1)[1] if " " in value else ""
        return token if token in self.tokens else ""

    def _channels(self, handler, fields):
        if not self._bearer(handler):
            return 401, {"error": {"code": 401, "message": "Invalid Credentials"}}, {}
        return 200, {"items": [self.channel] if self.channel else []}, {}

    def _tiktok_user(self, handler, fields):
        if not self._bearer(handler):
            return 401, {"error": {"code": "access_token_invalid", "message": "invalid"}}, {}
        return 200, {"data": {"user": self.tiktok_user}, "error": {"code": "ok", "message": ""}}, {}

    def _permissions(self, handler, fields):
        token = self._bearer(handler)
        if not token:
            return 400, {"error": {"message": "Invalid OAuth access token.", "code": 190}}, {}
        return 200, {"data": [{"permission": scope, "status": "granted"} for scope in self.scopes_of[token]]}, {}

    def _pages(self, handler, fields):
        if not self._bearer(handler):
            return 400, {"error": {"message": "Invalid OAuth access token.", "code": 190}}, {}
        start = int(fields.get("after") or 0)
        chunk = self.pages[start : start + self.page_size]
        body: dict[str, Any] = {"data": chunk}
        if start + self.page_size < len(self.pages):
            body["paging"] = {"cursors": {"after": str(start + self.page_size)}, "next": f"{self.base_url}/next"}
        return 200, body, {}


@contextmanager
def serving(settings, monkeypatch) -> Iterator[OAuthPlatforms]:
    """Run the platforms and point ReelMill's OAuth settings (and app credentials) at them."""
    server = OAuthPlatforms().start()
    for name, value in server.settings().items():
        setattr(settings, name, value)
    # oauthlib (under google-auth-oauthlib) refuses plain-HTTP endpoints unless told otherwise.
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    try:
        yield server
    finally:
        server.stop()
