"""What the Facebook and Instagram emulators share: Graph API errors, token exchange, usage headers.

Graph errors have one shape: `{"error": {"message", "type": "OAuthException", "code",
"error_subcode"?, "fbtrace_id"}}`, HTTP 400 unless said otherwise. A request for a field a node
does not have is refused with code 100, "Tried accessing nonexisting field (...)".
"""

from __future__ import annotations

import json
from typing import Any

from distribution.emulators.base import Emulator, Exchange, new_id

GRAPH_PREFIX = "/graph/v24.0"


class GraphRefused(Exception):
    """An answer in the Graph error shape."""

    def __init__(self, code: int, message: str, *, subcode: int = 0, status: int = 400) -> None:
        super().__init__(message)
        self.code, self.message, self.subcode, self.status = code, message, subcode, status


class GraphEmulator(Emulator):
    """Tokens travel as `Authorization: OAuth <token>`; an expired one answers Graph error 190."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.app_usage: dict[str, int] = {}  # sent as x-app-usage on every answer when set
        self.insights: dict[str, list[dict[str, Any]]] = {}
        self.tokens_without: dict[str, set[str]] = {}  # token -> permissions the person did not grant

    def error_body(self, status: int, code: str | int, message: str, subcode: int = 0) -> dict[str, Any]:
        numeric = {"invalid_params": 100}.get(code, code) if isinstance(code, str) else code
        error: dict[str, Any] = {"message": message, "type": "OAuthException", "code": numeric, "fbtrace_id": new_id()}
        if subcode:
            error["error_subcode"] = subcode
        return {"error": error}

    def reply_unauthorized(self, exchange: Exchange) -> None:
        body = self.error_body(400, 190, "Error validating access token: Session has expired.")
        body["error"]["error_subcode"] = 463
        exchange.reply(400, body)

    def _answer(self, exchange: Exchange, needs_auth: bool) -> None:
        try:
            super()._answer(exchange, needs_auth)
        except GraphRefused as refusal:
            exchange.drain()
            body = self.error_body(refusal.status, refusal.code, refusal.message, refusal.subcode)
            exchange.reply(refusal.status, body)

    def ok(self, exchange: Exchange, body: dict[str, Any]) -> None:
        headers = {"x-app-usage": json.dumps(self.app_usage)} if self.app_usage else {}
        exchange.reply(200, body, headers)

    def require_permission(self, exchange: Exchange, permission: str) -> None:
        if permission in self.tokens_without.get(self.token_of(exchange), set()):
            raise GraphRefused(200, f"(#200) This endpoint requires the '{permission}' permission.")

    @staticmethod
    def check_fields(requested: str, allowed: frozenset[str], node_type: str) -> list[str]:
        """The requested fields, refusing any the node does not have (Graph error 100)."""
        fields = [name.strip() for name in requested.split(",") if name.strip()]
        for name in fields:
            if name.split("{", 1)[0] not in allowed:
                raise GraphRefused(100, f"(#100) Tried accessing nonexisting field ({name}) on node type ({node_type})")
        return fields

    def handle_token(self, exchange: Exchange) -> None:
        """fb_exchange_token: a live long-lived token for a new one."""
        form = exchange.form()
        if form.get("fb_exchange_token") not in self.access_tokens or not form.get("client_secret"):
            self.reply_unauthorized(exchange)
            return
        with self.lock:
            self.refresh_count += 1
            access = f"at-{new_id()}"
            self.access_tokens.add(access)
        self.ok(exchange, {"access_token": access, "token_type": "bearer", "expires_in": 5184000})

    def handle_insights(self, exchange: Exchange, object_id: str) -> None:
        exchange.drain()
        self.ok(exchange, {"data": self.insights.get(object_id, [])})

    def not_found(self, exchange: Exchange, object_id: str) -> None:
        message = f"Unsupported get request. Object with ID '{object_id}' does not exist"
        exchange.reply(400, self.error_body(400, 100, message, 33))
