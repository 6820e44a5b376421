"""Connection attempts in progress, kept in the person's session between redirect and callback.

A flow is found by its `state` (so two tabs connecting two platforms do not clash), belongs to
the user who started it, and is used once. When Facebook Login hands over several Pages, the
candidates wait in the session for the person to choose, their tokens encrypted with the
accounts key and good for OAUTH_STATE_MAX_AGE_SECONDS.
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import asdict, dataclass
from datetime import datetime

from django.conf import settings
from django.core.signing import BadSignature
from django.http import HttpRequest
from django_cryptography.utils.crypto import FernetBytes, InvalidToken

from accounts.oauth.base import OAuthAccount, OAuthError, TokenSet, new_code_verifier, new_state

FLOWS_KEY = "oauth_flows"
CHOICES_KEY = "oauth_choices"
MAX_PENDING = 5


@dataclass(frozen=True)
class PendingFlow:
    platform: str
    state: str
    code_verifier: str
    user_id: int
    account_id: int | None  # the account being reconnected
    started_at: float


def begin(request: HttpRequest, *, platform: str, account_id: int | None) -> PendingFlow:
    now = time.time()
    flows = {
        state: flow
        for state, flow in (request.session.get(FLOWS_KEY) or {}).items()
        if now - flow["started_at"] < settings.OAUTH_STATE_MAX_AGE_SECONDS
    }
    newest = sorted(flows.items(), key=lambda item: item[1]["started_at"])[-(MAX_PENDING - 1) :]
    flow = PendingFlow(platform, new_state(), new_code_verifier(), request.user.pk, account_id, now)
    request.session[FLOWS_KEY] = {**dict(newest), flow.state: asdict(flow)}
    return flow


def finish(request: HttpRequest, *, platform: str, state: str, label: str) -> PendingFlow:
    """The flow this callback answers, removed from the session; OAuthError when there is none."""
    flows = dict(request.session.get(FLOWS_KEY) or {})
    if not flows:
        raise OAuthError(
            f"No {label} connection was in progress in this browser session: it may have been started "
            "elsewhere, or you signed in again in between. Nothing was saved; start again.",
            code="no_flow",
        )
    found = flows.pop(state, None) if state else None
    request.session[FLOWS_KEY] = flows
    if found is None or found["platform"] != platform or found["user_id"] != request.user.pk:
        raise OAuthError(
            f"The answer from {label} does not match the connection you started (state mismatch), so it was "
            "ignored and nothing was saved. Start again from ReelMill.",
            code="state_mismatch",
        )
    if time.time() - found["started_at"] > settings.OAUTH_STATE_MAX_AGE_SECONDS:
        minutes = settings.OAUTH_STATE_MAX_AGE_SECONDS // 60
        raise OAuthError(
            f"This {label} connection attempt expired (more than {minutes} minutes passed). Nothing was saved; "
            "start again.",
            code="state_expired",
        )
    return PendingFlow(**found)


def forget(request: HttpRequest, *, state: str) -> None:
    flows = dict(request.session.get(FLOWS_KEY) or {})
    if flows.pop(state, None) is not None:
        request.session[FLOWS_KEY] = flows


# --- choosing among several accounts --------------------------------------------------------
def stash_choices(request: HttpRequest, *, platform: str, accounts: list[OAuthAccount], account_id: int | None) -> None:
    payload = json.dumps([_dump(account) for account in accounts]).encode()
    request.session[CHOICES_KEY] = {
        "platform": platform,
        "user_id": request.user.pk,
        "account_id": account_id,
        "accounts": base64.b64encode(FernetBytes().encrypt(payload)).decode(),
    }


def pending_choices(request: HttpRequest, *, platform: str) -> tuple[list[OAuthAccount], int | None] | None:
    """The candidates waiting for this user on this platform, or None (none, expired or not theirs)."""
    stash = request.session.get(CHOICES_KEY)
    if not stash or stash["platform"] != platform or stash["user_id"] != request.user.pk:
        return None
    try:
        raw = FernetBytes().decrypt(base64.b64decode(stash["accounts"]), ttl=settings.OAUTH_STATE_MAX_AGE_SECONDS)
    except (BadSignature, InvalidToken, ValueError):
        drop_choices(request)
        return None
    return [_load(item) for item in json.loads(raw)], stash["account_id"]


def drop_choices(request: HttpRequest) -> None:
    request.session.pop(CHOICES_KEY, None)


def _dump(account: OAuthAccount) -> dict:
    data = asdict(account)
    expires_at = account.tokens.expires_at
    data["tokens"]["expires_at"] = expires_at.isoformat() if expires_at else None
    return data


def _load(data: dict) -> OAuthAccount:
    tokens = data.pop("tokens")
    expires_at = datetime.fromisoformat(tokens["expires_at"]) if tokens["expires_at"] else None
    return OAuthAccount(
        **data, tokens=TokenSet(**{**tokens, "expires_at": expires_at, "scopes": tuple(tokens["scopes"])})
    )
