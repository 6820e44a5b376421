"""What every OAuth provider shares: value objects, the one error type, app credentials, HTTP.

A provider knows one platform's consent screen and token endpoint:

    provider.authorization_url(state=..., code_verifier=..., reconsent=...)  -> where to send the browser
    provider.exchange(code=..., code_verifier=...)                           -> [OAuthAccount, ...]

`exchange` trades the code for tokens and reads the profile (one account for YouTube and
TikTok, every Page or Instagram account the person manages for Facebook Login). Storing them
is `accounts.services.social_account_connect`'s job.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, ClassVar

import requests
from django.conf import settings
from django.utils import timezone

from common.errors import ApplicationError

logger = logging.getLogger(__name__)

_TOKEN_FIELDS = re.compile(
    r"(?i)((?:access_token|refresh_token|client_secret|code_verifier|fb_exchange_token|code)[\"']?\s*[=:]\s*[\"']?)"
    r"[^\s\"'&,}]+"
)


class OAuthError(ApplicationError):
    """A connection attempt failed; the message is for the person who tried, free of secrets."""

    default_code = "oauth_failed"


class NotConfigured(OAuthError):
    status_code = 404
    default_code = "not_configured"


@dataclass(frozen=True)
class TokenSet:
    access_token: str
    refresh_token: str = ""
    expires_at: datetime | None = None
    scopes: tuple[str, ...] = ()

    def __repr__(self) -> str:  # the dataclass repr would print the tokens
        return f"TokenSet(expires_at={self.expires_at!r}, scopes={self.scopes!r})"


@dataclass(frozen=True)
class OAuthAccount:
    """One platform account a consent gave us access to, ready to store."""

    remote_id: str
    username: str
    tokens: TokenSet
    display_name: str = ""
    followers_count: int | None = None
    note: str = ""  # shown when choosing among several (e.g. "Page: Shop Daily")


@dataclass(frozen=True)
class Answer:
    status: int
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def expires_in(seconds: Any) -> datetime | None:
    try:
        return timezone.now() + timedelta(seconds=int(seconds)) if seconds else None
    except (TypeError, ValueError):
        return None


def as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def pkce_challenge(code_verifier: str) -> str:
    digest = hashlib.sha256(code_verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def redact(text: str, secrets_: tuple[str, ...] = ()) -> str:
    for secret in secrets_:
        if secret:
            text = text.replace(secret, "[redacted]")
    return _TOKEN_FIELDS.sub(lambda match: f"{match.group(1)}[redacted]", text)


class OAuthProvider:
    """One platform's OAuth dialect. Subclasses set the class attributes and the two steps."""

    platform: ClassVar[str] = ""
    label: ClassVar[str] = ""
    # (client id setting, client secret setting): also the environment variable names
    app_settings: ClassVar[tuple[str, str]] = ("", "")
    scopes: ClassVar[tuple[str, ...]] = ()
    # Scopes without which ReelMill cannot publish: a consent missing one stores nothing.
    required_scopes: ClassVar[tuple[str, ...]] = ()
    pkce: ClassVar[bool] = True
    # Facebook Login can hand over many Pages at once: the person picks which to add.
    offers_choice: ClassVar[bool] = False

    def __init__(self, *, redirect_uri: str) -> None:
        if not self.is_configured():
            raise NotConfigured(self.not_configured_message())
        self.redirect_uri = redirect_uri
        self.client_id, self.client_secret = (getattr(settings, name) for name in self.app_settings)
        self.session = requests.Session()
        self.session.headers["User-Agent"] = "ReelMill/1.0"

    # --- configuration --------------------------------------------------------------------
    @classmethod
    def is_configured(cls) -> bool:
        return all(getattr(settings, name, "") for name in cls.app_settings)

    @classmethod
    def missing_settings(cls) -> list[str]:
        return [name for name in cls.app_settings if not getattr(settings, name, "")]

    @classmethod
    def not_configured_message(cls) -> str:
        names = " and ".join(cls.app_settings)
        return f"{cls.label} connections are not configured: set {names} in ReelMill's environment and restart."

    # --- the two steps --------------------------------------------------------------------
    def authorization_url(self, *, state: str, code_verifier: str, reconsent: bool) -> str:
        raise NotImplementedError

    def exchange(self, *, code: str, code_verifier: str) -> list[OAuthAccount]:
        raise NotImplementedError

    # --- helpers --------------------------------------------------------------------------
    def granted_tokens(self, answer: dict[str, Any], scopes: tuple[str, ...]) -> TokenSet:
        """A token endpoint's answer as a TokenSet, once every required scope is among `scopes`."""
        self.check_scopes(scopes)
        return TokenSet(
            access_token=answer["access_token"],
            refresh_token=answer.get("refresh_token") or "",
            expires_at=expires_in(answer.get("expires_in")),
            scopes=scopes,
        )

    def check_scopes(self, granted: tuple[str, ...]) -> None:
        missing = [scope for scope in self.required_scopes if scope not in granted]
        if missing:
            raise OAuthError(
                f"{self.label} did not grant every permission ReelMill needs to publish "
                f"(missing: {', '.join(missing)}). Nothing was saved. Connect again and allow all of them."
            )

    def call(
        self,
        method: str,
        url: str,
        *,
        token: str = "",
        auth_scheme: str = "Bearer",
        params: dict[str, Any] | None = None,
        form: dict[str, Any] | None = None,
        what: str = "",
    ) -> Answer:
        """One request to the platform; no answer at all becomes an OAuthError for people."""
        headers = {"Authorization": f"{auth_scheme} {token}"} if token else {}
        try:
            raw = self.session.request(
                method,
                url,
                headers=headers,
                params=params,
                data=form,
                timeout=settings.OAUTH_HTTP_TIMEOUT_SECONDS,
                allow_redirects=False,
            )
        except requests.RequestException as error:
            logger.warning("%s %s: %s", self.platform, what or method, type(error).__name__)
            raise OAuthError(
                f"Could not reach {self.label} ({type(error).__name__}). Nothing was saved; try again in a moment."
            ) from None
        try:
            data = raw.json()
        except ValueError:
            data = {}
        return Answer(raw.status_code, data if isinstance(data, dict) else {"data": data})

    def refused(self, what: str, detail: Any, *, secrets_: tuple[str, ...] = ()) -> OAuthError:
        text = redact(str(detail or "no reason given"), (self.client_secret, *secrets_))[:300]
        logger.warning("%s refused %s: %s", self.platform, what, text)
        return OAuthError(f"{self.label} refused {what}: {text}. Nothing was saved; connect again.")


def new_state() -> str:
    return secrets.token_urlsafe(32)


def new_code_verifier() -> str:
    return secrets.token_urlsafe(64)  # 86 characters of the unreserved set, inside PKCE's 43..128
