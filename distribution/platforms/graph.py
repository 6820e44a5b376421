"""What Facebook Pages and Instagram share: the Graph API's errors, throttling headers, tokens, insights."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from common.http_client import Response
from distribution.platforms.base import Credentials, ErrorKind, PlatformAdapter, PlatformError, with_token

RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, *range(80000, 80015)})
REVOKED_SUBCODES = frozenset({458, 459, 460, 464})  # app removed, checkpoint, password changed, unconfirmed
QUOTA_CODE = 9  # Instagram: the account's posts for the 24 h window are used up
MEDIA_CODES = frozenset({351, 352, 6000, 6001})
DEFAULT_RATE_LIMIT_WAIT = 60.0
USAGE_BACKOFF_PERCENT = 90  # above this share of the app's budget, pause before the next call


class GraphAdapter(PlatformAdapter):
    """Base of the Facebook and Instagram adapters: one Graph API dialect."""

    def __init__(self, *, graph_base_url: str, usage_pause: float = 30.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.graph_base_url = graph_base_url.rstrip("/")
        self.usage_pause = usage_pause
        self._pause_next = False

    def graph(self, method: str, path: str, creds: Credentials, **kwargs: Any) -> dict[str, Any]:
        """One Graph call with the token in the header (never in a URL); raises mapped errors."""
        if self._pause_next:
            self._pause_next = False
            self.retry.sleep(self.usage_pause)
        headers = {"Authorization": f"OAuth {creds.access_token}", **kwargs.pop("headers", {})}
        response = self.call(method, f"{self.graph_base_url}/{path.lstrip('/')}", creds, headers=headers, **kwargs)
        self._pause_next = usage_percent(response) >= USAGE_BACKOFF_PERCENT
        data = response.json()
        if not response.ok or "error" in data:
            raise self.graph_error(response, creds)
        return data

    def graph_error(self, response: Response, creds: Credentials, what: str = "") -> PlatformError:
        error = response.json().get("error") or {}
        code, subcode = int(error.get("code") or 0), int(error.get("error_subcode") or 0)
        if code == 190:
            kind, permanent = (ErrorKind.REVOKED, True) if subcode in REVOKED_SUBCODES else (ErrorKind.AUTH, False)
        elif code == QUOTA_CODE:
            kind, permanent = ErrorKind.QUOTA, False
        elif code in RATE_LIMIT_CODES or response.status == 429:
            kind, permanent = ErrorKind.RATE_LIMITED, False
        elif error.get("is_transient") or response.status >= 500 or code in (1, 2):
            kind, permanent = ErrorKind.TRANSIENT, False
        elif code in MEDIA_CODES:
            kind, permanent = ErrorKind.INVALID_MEDIA, True
        elif code == 200 or 200 < code < 300:
            kind, permanent = ErrorKind.REVOKED, True  # a permission the token no longer carries
        else:
            kind, permanent = ErrorKind.POLICY, True
        message = error.get("error_user_msg") or error.get("message") or response.text[:200] or str(response.status)
        failure = self.error_from(
            response, f"{what}{message} (code {code or response.status})", kind=kind, permanent=permanent, creds=creds
        )
        if kind == ErrorKind.QUOTA and failure.retry_after is None:
            failure.retry_after = 3600.0
        if kind == ErrorKind.RATE_LIMITED and failure.retry_after is None:
            failure.retry_after = regain_access_seconds(response) or DEFAULT_RATE_LIMIT_WAIT
        return failure

    def refresh(self, creds: Credentials) -> Credentials:
        """Exchange the long-lived token for a fresh one (Meta has no refresh tokens); a dead one means reconnect."""
        if not (creds.client_id and creds.client_secret):
            raise PlatformError(
                f"{self.name}: the token expired and cannot be renewed without the app id and secret; reconnect",
                permanent=True,
                kind=ErrorKind.REVOKED,
            )
        try:
            data = self.graph(
                "POST",
                "oauth/access_token",
                creds,
                form={
                    "grant_type": "fb_exchange_token",
                    "client_id": creds.client_id,
                    "client_secret": creds.client_secret,
                    "fb_exchange_token": creds.access_token,
                },
            )
        except PlatformError as error:
            if error.kind == ErrorKind.AUTH:
                error.kind, error.permanent = ErrorKind.REVOKED, True
            raise
        expires_in = data.get("expires_in")
        expires_at = datetime.now(UTC) + timedelta(seconds=int(expires_in)) if expires_in else None
        return with_token(creds, access_token=data["access_token"], refresh_token="", expires_at=expires_at)


def graph_codes(error: PlatformError) -> tuple[int, int]:
    """(code, error_subcode) of the Graph error behind `error`; (0, 0) when it carried none."""
    try:
        body = json.loads(error.body or "{}")
    except ValueError:
        return 0, 0
    details = body.get("error") if isinstance(body, dict) else None
    if not isinstance(details, dict):
        return 0, 0
    return int(details.get("code") or 0), int(details.get("error_subcode") or 0)


def permission_missing(platform: str, permission: str) -> PlatformError:
    return PlatformError(
        f"{platform}: the first comment needs the {permission} permission, which this connection lacks: "
        "reconnect the account to grant it (posting is not affected)",
        permanent=True,
        kind=ErrorKind.POLICY,
    )


def comment_error(platform: str, error: PlatformError, permission: str) -> PlatformError:
    """A refused comment. A missing permission refuses the comment only, not the account's posting,
    so it is a permanent POLICY error instead of the REVOKED that would make the user reconnect."""
    code, _ = graph_codes(error)
    if code == 10 or 200 <= code < 300:
        return permission_missing(platform, permission)
    return error


def usage_percent(response: Response) -> int:
    """The highest share of its budget the app (or business use case) has used, from Meta's headers."""
    highest = 0
    for header in ("x-app-usage", "x-business-use-case-usage"):
        for usage in _usage_entries(response.headers.get(header)):
            highest = max(highest, *(int(usage.get(key) or 0) for key in ("call_count", "total_time", "total_cputime")))
    return highest


def regain_access_seconds(response: Response) -> float | None:
    minutes = [
        float(usage.get("estimated_time_to_regain_access") or 0)
        for usage in _usage_entries(response.headers.get("x-business-use-case-usage"))
    ]
    return max(minutes) * 60 if minutes and max(minutes) > 0 else None


def _usage_entries(raw: str | None) -> list[dict[str, Any]]:
    if not raw:
        return []
    try:
        data = json.loads(raw)
    except ValueError:
        return []
    if isinstance(data, dict) and all(isinstance(value, list) for value in data.values()) and data:
        return [entry for entries in data.values() for entry in entries if isinstance(entry, dict)]
    return [data] if isinstance(data, dict) else []


def insight_values(data: dict[str, Any]) -> dict[str, Any]:
    """{metric name: value} from an insights answer (`values[0].value` or `total_value.value`)."""
    values: dict[str, Any] = {}
    for entry in data.get("data", []):
        if entry.get("values"):
            values[entry["name"]] = entry["values"][0].get("value")
        elif "total_value" in entry:
            values[entry["name"]] = entry["total_value"].get("value")
    return values
