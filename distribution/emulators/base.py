"""What every loopback emulator shares: a threaded HTTP server, routing, tokens, faults, records.

An emulator keeps the semantics the adapters rely on and records what crossed the socket:
`requests` (one `Recorded` per exchange), `body_bytes` (every request-body byte read,
resent and dropped ones included) and, per upload, the SHA-256 of the bytes it committed.

Faults are queued per route and used up in order:

    emulator.faults.append(Fault.respond("upload", 503, times=2))
    emulator.faults.append(Fault.drop("upload", after_bytes=300_000))  # reset mid-body
    emulator.faults.append(Fault.hang("upload"))  # take the body, commit it, never answer
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import socket
import struct
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlsplit

RECEIVE_BLOCK = 1024 * 1024


class DropConnection(Exception):
    """Reset the connection without answering."""


@dataclass
class Fault:
    route: str  # a route name, or "*" for any
    action: str = "respond"  # respond | drop | hang
    status: int = 503
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    after_bytes: int = 0
    times: int = 1
    skip: int = 0  # matching requests to let through first
    min_body: int = 0  # only requests with at least this many body bytes match

    @classmethod
    def respond(cls, route: str, status: int, body: Any = None, *, headers=None, times=1, skip=0, min_body=0) -> Fault:
        return cls(route, "respond", status, body, dict(headers or {}), times=times, skip=skip, min_body=min_body)

    @classmethod
    def drop(cls, route: str, *, after_bytes: int = 0, times: int = 1, skip: int = 0) -> Fault:
        """Reset the connection after reading `after_bytes` of a longer body, or (0) instead of answering."""
        min_body = after_bytes + 1 if after_bytes else 0
        return cls(route, "drop", after_bytes=after_bytes, times=times, skip=skip, min_body=min_body)

    @classmethod
    def hang(cls, route: str, *, times: int = 1, skip: int = 0, min_body: int = 0) -> Fault:
        """Take the request, act on it, never answer."""
        return cls(route, "hang", times=times, skip=skip, min_body=min_body)


@dataclass
class Recorded:
    method: str
    path: str
    route: str
    headers: dict[str, str]
    body_bytes: int = 0
    status: int | None = None  # None: dropped or never answered


@dataclass
class ReceivedUpload:
    """The bytes an upload session committed, hashed as they arrive (never held in memory)."""

    total: int
    committed: int = 0
    bytes_received: int = 0
    hasher: Any = field(default_factory=hashlib.sha256)

    @property
    def complete(self) -> bool:
        return self.committed >= self.total

    def sha256(self) -> str:
        return self.hasher.hexdigest()


class Exchange:
    """One request being answered: parsed request line, body readers and the reply."""

    def __init__(self, emulator: Emulator, handler: BaseHTTPRequestHandler, route: str, match: re.Match) -> None:
        self.emulator, self.handler, self.route, self.match = emulator, handler, route, match
        parts = urlsplit(handler.path)
        self.path = parts.path
        self.query = dict(parse_qsl(parts.query))
        self.headers = handler.headers
        self.remaining = int(handler.headers.get("Content-Length") or 0)
        self.record = Recorded(handler.command, handler.path, route, dict(handler.headers))
        self.fault: Fault | None = None

    # --- reading ----------------------------------------------------------------------------
    def _read(self, size: int) -> bytes:
        data = self.handler.rfile.read(min(size, self.remaining)) if size else b""
        self._count(len(data))
        return data

    def _count(self, size: int) -> None:
        self.remaining -= size
        self.record.body_bytes += size
        with self.emulator.lock:
            self.emulator.body_bytes += size

    def body(self) -> bytes:
        return self._read(self.remaining)

    def json(self) -> dict[str, Any]:
        try:
            data = json.loads(self.body() or b"{}")
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    def form(self) -> dict[str, str]:
        """Fields from the query string and a form or JSON body, like Graph API endpoints take them."""
        fields = dict(self.query)
        raw = self.body()
        if raw.lstrip().startswith(b"{"):
            fields.update({key: str(value) for key, value in json.loads(raw).items()})
        else:
            fields.update(parse_qsl(raw.decode()))
        return fields

    def drain(self) -> None:
        buffer = memoryview(bytearray(RECEIVE_BLOCK))
        while self.remaining > 0:
            size = self.handler.rfile.readinto(buffer[: min(RECEIVE_BLOCK, self.remaining)])
            if not size:
                raise DropConnection
            self._count(size)

    def receive(self, upload: ReceivedUpload, first: int, *, commit_partial: bool) -> None:
        """Read the body as the bytes of `upload` from offset `first`.

        Bytes already committed are skipped, a gap is refused. On a `drop` fault the
        connection is reset after `after_bytes`; what arrived by then is committed when the
        platform keeps partial uploads (`commit_partial`), else thrown away with the chunk.
        """
        if first > upload.committed:
            self.drain()
            raise ValueError(f"chunk starts at {first} but only {upload.committed} bytes are committed")
        limit = self.remaining
        if self.fault is not None and self.fault.action == "drop":
            limit = min(limit, self.fault.after_bytes)
        hasher = upload.hasher.copy()
        position, read = first, 0
        buffer = memoryview(bytearray(RECEIVE_BLOCK))
        while read < limit:
            size = self.handler.rfile.readinto(buffer[: min(RECEIVE_BLOCK, limit - read)])
            if not size:
                break
            self._count(size)
            read += size
            upload.bytes_received += size
            skip = max(0, min(size, upload.committed - position))
            if size > skip:
                hasher.update(buffer[skip:size])
            position += size
        finished = self.remaining == 0
        if finished or commit_partial:
            with self.emulator.lock:
                if position > upload.committed:
                    upload.hasher, upload.committed = hasher, position
        if not finished:
            raise DropConnection

    # --- answering --------------------------------------------------------------------------
    def reply(self, status: int, body: Any = None, headers: dict[str, str] | None = None) -> None:
        if self.fault is not None and self.fault.action == "drop":
            raise DropConnection  # acted on, then the connection broke before the answer
        if self.fault is not None and self.fault.action == "hang":
            # The request was taken and acted on; the answer never comes.
            self.emulator.stopping.wait(self.emulator.hang_seconds)
            raise DropConnection
        payload = body if isinstance(body, bytes) else (json.dumps(body) if body is not None else "").encode()
        handler = self.handler
        self.record.status = status  # before the answer leaves: a client may read records at once
        handler.send_response(status)
        content_type = "application/json" if body is not None and not isinstance(body, (bytes, str)) else "text/plain"
        handler.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def _dispatch(self) -> None:
        self.server.emulator.dispatch(self)

    do_GET = do_POST = do_PUT = do_DELETE = _dispatch

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        return


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    emulator: Emulator

    def handle_error(self, request: Any, client_address: Any) -> None:
        return  # resets and hangs are part of the script


class Emulator:
    """Base of the per-platform emulators. Subclasses list `routes` and write `handle_<route>`."""

    name: ClassVar[str] = ""
    # (method, path regex, route name, needs a valid access token)
    routes: ClassVar[list[tuple[str, str, str, bool]]] = []
    hang_seconds = 30.0

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host, self.port = host, port
        self.lock = threading.RLock()
        self.stopping = threading.Event()
        self.faults: list[Fault] = []
        self.requests: list[Recorded] = []
        self.body_bytes = 0
        self.access_tokens: set[str] = set()
        self.refresh_tokens: set[str] = set()
        self.refresh_count = 0
        self._compiled = [(method, re.compile(pattern), name, auth) for method, pattern, name, auth in self.routes]
        self._server: _Server | None = None

    # --- lifecycle --------------------------------------------------------------------------
    def start(self) -> Emulator:
        self._server = _Server((self.host, self.port), _Handler)
        self._server.emulator = self
        self.port = self._server.server_address[1]
        threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name=f"{self.name}-emulator", daemon=True
        ).start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def settings(self) -> dict[str, str]:
        """The settings that point an adapter at this emulator."""
        raise NotImplementedError

    # --- tokens -----------------------------------------------------------------------------
    def issue_tokens(self) -> tuple[str, str]:
        access, refresh = f"at-{secrets.token_hex(12)}", f"rt-{secrets.token_hex(12)}"
        with self.lock:
            self.access_tokens.add(access)
            self.refresh_tokens.add(refresh)
        return access, refresh

    def expire_tokens(self) -> None:
        """Every access token stops working until refreshed through the token endpoint."""
        with self.lock:
            self.access_tokens.clear()

    def revoke(self) -> None:
        with self.lock:
            self.access_tokens.clear()
            self.refresh_tokens.clear()

    def refresh_access(self, refresh_token: str) -> str | None:
        """A new access token for a live refresh token, or None."""
        with self.lock:
            if refresh_token not in self.refresh_tokens:
                return None
            self.refresh_count += 1
            access = f"at-{secrets.token_hex(12)}"
            self.access_tokens.add(access)
            return access

    def token_of(self, exchange: Exchange) -> str:
        value = exchange.headers.get("Authorization", "")
        return value.split(" ", 1)[1].strip() if " " in value else ""

    # --- dispatch ---------------------------------------------------------------------------
    def dispatch(self, handler: BaseHTTPRequestHandler) -> None:
        route, match, needs_auth = self._route(handler.command, urlsplit(handler.path).path)
        exchange = Exchange(self, handler, route, match)
        with self.lock:
            self.requests.append(exchange.record)
            exchange.fault = self._take_fault(route, exchange.remaining)
        try:
            self._answer(exchange, needs_auth)
        except DropConnection:
            self._reset(handler)

    def _route(self, method: str, path: str) -> tuple[str, re.Match | None, bool]:
        for route_method, pattern, route, needs_auth in self._compiled:
            match = pattern.fullmatch(path)
            if route_method == method and match:
                return route, match, needs_auth
        return "unknown", None, False

    def _answer(self, exchange: Exchange, needs_auth: bool) -> None:
        fault = exchange.fault
        if fault is not None and fault.action == "respond":
            exchange.drain()
            exchange.reply(fault.status, fault.body, fault.headers)
            return
        if exchange.match is None:
            exchange.drain()
            exchange.reply(404, {"error": f"no route for {exchange.path}"})
            return
        if needs_auth and self.token_of(exchange) not in self.access_tokens:
            exchange.drain()
            self.reply_unauthorized(exchange)
            return
        try:
            getattr(self, f"handle_{exchange.route}")(exchange, **exchange.match.groupdict())
        except ValueError as error:
            exchange.drain()
            exchange.reply(400, self.error_body(400, "invalid_params", str(error)))

    def _take_fault(self, route: str, body_size: int) -> Fault | None:
        for fault in self.faults:
            if fault.route in (route, "*") and fault.times > 0 and body_size >= fault.min_body:
                if fault.skip > 0:
                    fault.skip -= 1
                    continue
                fault.times -= 1
                if fault.times == 0:
                    self.faults.remove(fault)
                return fault
        return None

    @staticmethod
    def _reset(handler: BaseHTTPRequestHandler) -> None:
        handler.close_connection = True
        try:
            # Linger 0: close with a reset, as a dropped connection looks to the client.
            handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            handler.connection.close()
        except OSError:
            pass

    # --- platform dialect -------------------------------------------------------------------
    def error_body(self, status: int, code: str, message: str) -> dict[str, Any]:
        raise NotImplementedError

    def reply_unauthorized(self, exchange: Exchange) -> None:
        exchange.reply(401, self.error_body(401, "access_token_invalid", "The access token is invalid or expired."))

    def routes_hit(self, route: str) -> list[Recorded]:
        return [record for record in self.requests if record.route == route]


def new_id(prefix: str = "") -> str:
    return prefix + secrets.token_hex(8)
