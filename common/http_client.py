"""The one outbound HTTP client: platform adapters (distribution) and studio providers.

Everything that leaves ReelMill for a platform or a provider goes through `HttpClient.request`:
one place for timeouts, connection pooling, large send blocks, logging with secrets redacted, and
turning `requests` exceptions into a `TransportError` that says whether the request body was sent
and whether the host could be reached at all. (The studio's OpenAI adapter rides on the official
`openai` package's own transport; it redacts through `redact` here.)
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import NewConnectionError

logger = logging.getLogger(__name__)

REDACTED = "[redacted]"
SEND_BLOCK_SIZE = 1024 * 1024  # bytes handed to the socket per write; urllib3's default is 16 KiB
_SECRET_PATTERNS = (
    re.compile(r"(?i)\b(Bearer|OAuth)\s+[^\s\"',]+"),
    re.compile(
        r"(?i)((?:access_token|refresh_token|client_secret|upload_token|fb_exchange_token|id_token"
        r"|xi-api-key|api[_-]key)[\"']?\s*[=:]\s*[\"']?)[^\s\"'&,}]+"
    ),
    # Provider keys by their shape, masked or not: OpenAI `sk-…`/`sk-proj-…`, ElevenLabs `sk_…`.
    re.compile(r"\bsk[-_][A-Za-z0-9_\-*]{8,}"),
)


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """`text` without token values: the known `secrets`, bearer headers and token-looking fields."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    text = _SECRET_PATTERNS[0].sub(lambda match: f"{match.group(1)} {REDACTED}", text)
    text = _SECRET_PATTERNS[1].sub(lambda match: f"{match.group(1)}{REDACTED}", text)
    return _SECRET_PATTERNS[2].sub(REDACTED, text)


class TransportError(Exception):
    """No HTTP answer. `timed_out` means the body went out and the answer never came;
    `unreachable` means no connection was made at all (refused, unknown host, connect timeout)."""

    def __init__(self, message: str, *, timed_out: bool, unreachable: bool = False) -> None:
        super().__init__(message)
        self.timed_out = timed_out
        self.unreachable = unreachable


class FileSlice:
    """`length` bytes of a file from `offset`, read block by block as the socket takes them."""

    def __init__(self, path: str | os.PathLike, offset: int, length: int) -> None:
        self.path, self.offset, self.length = path, offset, length

    def __len__(self) -> int:
        return self.length

    def __iter__(self) -> Iterator[bytes]:
        with open(self.path, "rb") as file:
            file.seek(self.offset)
            remaining = self.length
            while remaining > 0:
                block = file.read(min(SEND_BLOCK_SIZE, remaining))
                if not block:
                    raise TransportError(f"{self.path} is shorter than expected", timed_out=False)
                remaining -= len(block)
                yield block


@dataclass
class Response:
    status: int
    headers: Mapping[str, str]
    text: str

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def json(self) -> dict[str, Any]:
        try:
            data = json.loads(self.text or "{}")
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {"data": data}

    def retry_after(self) -> float | None:
        """Seconds from a Retry-After header (delta or HTTP date), if any."""
        value = self.headers.get("Retry-After")
        if not value:
            return None
        try:
            return max(0.0, float(value))
        except ValueError:
            pass
        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return None


class _LargeBlockAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["blocksize"] = SEND_BLOCK_SIZE
        super().init_poolmanager(*args, **kwargs)


class HttpClient:
    """A pooled `requests` session with timeouts; `request` never raises a `requests` exception."""

    def __init__(self, *, connect_timeout: float = 10.0, read_timeout: float = 120.0, user_agent: str = "") -> None:
        self.timeout = (connect_timeout, read_timeout)
        self.session = requests.Session()
        adapter = _LargeBlockAdapter(pool_maxsize=8)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers["User-Agent"] = user_agent or "ReelMill/1.0"

    def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        form: Mapping[str, Any] | None = None,
        body: FileSlice | bytes | None = None,
        read_timeout: float | None = None,
        secrets: tuple[str, ...] = (),
    ) -> Response:
        """`secrets` (token values in play) are blanked from anything this logs."""
        started = time.monotonic()
        timeout = (self.timeout[0], read_timeout or self.timeout[1])
        try:
            raw = self.session.request(
                method,
                url,
                headers=dict(headers or {}),
                params=params,
                json=json_body,
                data=form if form is not None else body,
                timeout=timeout,
                allow_redirects=False,
            )
        except requests.ReadTimeout as error:
            logger.warning("%s %s: no answer within %s s", method, redact(url, secrets), timeout[1])
            raise TransportError(f"no answer from {_host(url)} within {timeout[1]} s", timed_out=True) from error
        except requests.RequestException as error:
            logger.warning("%s %s: %s", method, redact(url, secrets), type(error).__name__)
            raise TransportError(
                f"connection to {_host(url)} failed ({type(error).__name__})",
                timed_out=False,
                unreachable=_never_connected(error),
            ) from error
        response = Response(raw.status_code, raw.headers, raw.text)
        logger.debug(
            "%s %s -> %s in %.2f s: %s",
            method,
            redact(url, secrets),
            raw.status_code,
            time.monotonic() - started,
            redact(raw.text[:300], secrets),
        )
        return response

    def google_auth_request(self):
        """A google-auth transport riding on this client's session (YouTube token refresh)."""
        from google.auth.transport.requests import Request

        return Request(session=self.session)


def _host(url: str) -> str:
    return requests.utils.urlparse(url).netloc


def _never_connected(error: requests.RequestException) -> bool:
    """True when the request never reached the server: refused, unresolvable, connect timeout."""
    if isinstance(error, requests.ConnectTimeout):
        return True
    if not isinstance(error, requests.ConnectionError):
        return False
    reason = getattr(error.args[0], "reason", None) if error.args else None
    return isinstance(reason, NewConnectionError)
