"""What the Facebook and Instagram emulators share: Graph API errors, token exchange, usage headers."""

from __future__ import annotations

import json
from typing import Any

from distribution.emulators.base import Emulator, Exchange, new_id

GRAPH_PREFIX = "/graph/v24.0"


class GraphEmulator(Emulator):
    """Tokens travel as `Authorization: OAuth <token>`; an expired one answers Graph error 190."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.app_usage: dict[str, int] = {}  # sent as x-app-usage on every answer when set
        self.insights: dict[str, list[dict[str, Any]]] = {}

    def error_body(self, status: int, code: str, message: str) -> dict[str, Any]:
        numeric = {"invalid_params": 100}.get(code, code)
        return {"error": {"message": message, "type": "OAuthException", "code": numeric, "fbtrace_id": new_id()}}

    def reply_unauthorized(self, exchange: Exchange) -> None:
        body = self.error_body(400, 190, "Error validating access token: Session has expired.")
        body["error"]["error_subcode"] = 463
        exchange.reply(400, body)

    def ok(self, exchange: Exchange, body: dict[str, Any]) -> None:
        headers = {"x-app-usage": json.dumps(self.app_usage)} if self.app_usage else {}
        exchange.reply(200, body, headers)

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
        exchange.reply(400, self.error_body(400, 100, message))
