"""TikTok Content Posting API emulator, strict: it refuses what TikTok's documents say TikTok refuses.

Every refusal carries TikTok's error shape, `{"data": {}, "error": {"code", "message", "log_id"}}`,
with the HTTP status the references give (developers.tiktok.com/doc/...):

- no `Authorization: Bearer <live token>`: 401 `access_token_invalid`; a token without the
  endpoint's scope: 401 `scope_not_authorized` (creator_info and video/init: `video.publish`;
  inbox/video/init: `video.upload`; status/fetch: either) - content-posting-api-reference-*;
- more than 20 creator_info, 6 init or 30 status/fetch requests a minute per access token:
  429 `rate_limit_exceeded`;
- a JSON endpoint called without `Content-Type: application/json`: 400 `invalid_param`;
- Direct Post `post_info`: `privacy_level` missing or not one of creator_info's
  `privacy_level_options`: 403 `privacy_level_option_mismatch`; `brand_content_toggle`
  (marked required) missing, a field of the wrong type, a title over 2200 UTF-16 units:
  400 `invalid_param`; an unaudited client posting anything but SELF_ONLY: 403
  `unaudited_client_can_only_post_to_private_accounts`; a sixth pending inbox draft: 403
  `spam_risk_too_many_pending_share`;
- `source_info` arithmetic against the media transfer guide (MB = 2**20 bytes, as the guide's
  "4 MB" = 4,194,304-byte example counts): total_chunk_count = floor(video_size / chunk_size);
  chunks 5..64 MB; the last one (chunk + remainder) at most 128 MB; under 5 MB whole
  (chunk_size = video_size, count 1); over 64 MB in several chunks; 1..1000 chunks; at most
  4 GB: 400 `invalid_param`;
- chunk PUT (content-posting-api-media-transfer-guide, "Response"): unknown upload or wrong
  `upload_token`: 404; the upload URL older than an hour: 403; a Content-Type other than
  video/mp4, video/quicktime, video/webm, a malformed Content-Range, a Content-Length that is
  not the range's length, a chunk off the declared plan, or a body shorter than announced:
  400 (nothing kept); a Content-Range that skips or overlaps the stored bytes: 416. Every chunk
  answer carries `Content-Range: bytes 0-{uploaded}/{total}`, `uploaded` the count of bytes held.

It records what it committed (`publishes`, hashed as the bytes arrive) and what reached the
creator (`posts`). Tests move time with `clock` (upload URL expiry, rate windows).
"""

from __future__ import annotations

import functools
import json
import random
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from distribution.emulators.base import DropConnection, Emulator, Exchange, ReceivedUpload, new_id

MB = 1024 * 1024
GB = 1024 * MB
SCOPES = ("user.info.basic", "video.upload", "video.publish", "video.list")
PRIVACY_LEVELS = ("PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "FOLLOWER_OF_CREATOR", "SELF_ONLY")
UPLOAD_TYPES = frozenset({"video/mp4", "video/quicktime", "video/webm"})
UPLOAD_URL_TTL = 3600.0  # "The upload_url is valid for one hour after issuance."
TITLE_LIMIT = 2200  # UTF-16 runes
# route -> the scopes of which the token must carry one
ROUTE_SCOPES: dict[str, tuple[str, ...]] = {
    "creator_info": ("video.publish",),
    "init": ("video.publish",),
    "inbox_init": ("video.upload",),
    "status": ("video.upload", "video.publish"),
    "video_query": ("video.list",),
}
# route -> requests a minute per access token ("Each user access_token is limited to ...")
RATE_LIMITS: dict[str, int] = {"creator_info": 20, "init": 6, "inbox_init": 6, "status": 30}
_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+)")
_BOOL_FIELDS = ("disable_comment", "disable_duet", "disable_stitch", "brand_organic_toggle", "is_aigc")


class Refused(Exception):
    """A request TikTok would refuse: answered with TikTok's error shape."""

    def __init__(self, status: int, code: str, message: str, *, headers=None, drain: bool = True) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = dict(headers or {})
        self.drain = drain


def _refusing(handler: Callable[..., None]) -> Callable[..., None]:
    @functools.wraps(handler)
    def answer(self: TikTokEmulator, exchange: Exchange, **kwargs: Any) -> None:
        try:
            handler(self, exchange, **kwargs)
        except Refused as refusal:
            if refusal.drain:
                exchange.drain()
            else:
                exchange.handler.close_connection = True
            exchange.reply(refusal.status, self.error_body(refusal.status, refusal.code, refusal.message),
                           refusal.headers)  # fmt: skip

    return answer


@dataclass
class TikTokPublish:
    upload: ReceivedUpload
    chunk_size: int
    chunk_count: int
    inbox: bool
    post_info: dict[str, Any]
    upload_token: str = ""
    issued_at: float = 0.0
    status: str = "PROCESSING_UPLOAD"
    polls_until_done: int = 1
    post_id: int = 0
    fail_reason: str = ""


@dataclass(frozen=True)
class TikTokPost:
    """A video that reached the creator: posted, or delivered to the inbox as a draft."""

    publish_id: str
    post_id: int
    inbox: bool
    size: int
    sha256: str


@dataclass
class TikTokCreator:
    username: str = "reelmill_demo"
    privacy_level_options: list[str] = field(
        default_factory=lambda: ["PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY"]
    )
    max_video_post_duration_sec: int = 600


class TikTokEmulator(Emulator):
    name = "tiktok"
    routes = [
        ("POST", r"/v2/post/publish/creator_info/query/", "creator_info", True),
        ("POST", r"/v2/post/publish/video/init/", "init", True),
        ("POST", r"/v2/post/publish/inbox/video/init/", "inbox_init", True),
        ("PUT", r"/upload/(?P<publish_id>[\w.~-]+)", "upload", False),
        ("POST", r"/v2/post/publish/status/fetch/", "status", True),
        ("POST", r"/v2/oauth/token/", "token", False),
        ("POST", r"/v2/video/query/", "video_query", True),
    ]

    def __init__(
        self,
        *args: Any,
        unaudited: bool = False,
        min_chunk: int = 5 * MB,
        max_chunk: int = 64 * MB,
        max_last_chunk: int = 128 * MB,
        max_chunks: int = 1000,
        max_video_size: int = 4 * GB,
        max_pending_drafts: int = 5,
        upload_url_ttl: float = UPLOAD_URL_TTL,
        rate_limits: dict[str, int] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.unaudited = unaudited  # unaudited clients may only post SELF_ONLY
        self.min_chunk, self.max_chunk, self.max_last_chunk = min_chunk, max_chunk, max_last_chunk
        self.max_chunks, self.max_video_size = max_chunks, max_video_size
        self.max_pending_drafts = max_pending_drafts
        self.upload_url_ttl = upload_url_ttl
        self.rate_limits = dict(RATE_LIMITS if rate_limits is None else rate_limits)
        self.clock: Callable[[], float] = time.monotonic
        self.creator = TikTokCreator()
        self.processing_polls = 1  # status fetches that still say "processing" after the last byte
        self.fail_reason = ""  # set to make every processing end in FAILED with this reason
        self.fail_reasons: list[str] = []  # one reason per upload, used up in order, before `fail_reason`
        self.publishes: dict[str, TikTokPublish] = {}
        self.metrics: dict[str, dict[str, int]] = {}
        self.token_scopes: dict[str, tuple[str, ...]] = {}
        self._calls: dict[tuple[str, str], deque[float]] = {}

    def settings(self) -> dict[str, str]:
        return {"TIKTOK_API_BASE_URL": self.base_url}

    def error_body(self, status: int, code: str, message: str) -> dict[str, Any]:
        return {"data": {}, "error": {"code": code, "message": message, "log_id": new_id()}}

    def _ok(self, exchange: Exchange, data: dict[str, Any]) -> None:
        exchange.reply(200, {"data": data, "error": {"code": "ok", "message": "", "log_id": new_id()}})

    @property
    def pending_drafts(self) -> int:
        return sum(1 for publish in self.publishes.values() if publish.inbox and publish.status != "FAILED")

    @property
    def posts(self) -> list[TikTokPost]:
        """What reached the creator, in order: one entry per post or inbox draft, with its bytes' hash."""
        return [
            TikTokPost(publish_id, publish.post_id, publish.inbox, publish.upload.total, publish.upload.sha256())
            for publish_id, publish in self.publishes.items()
            if publish.status in ("PUBLISH_COMPLETE", "SEND_TO_USER_INBOX")
        ]

    def expire_upload_urls(self) -> None:
        """Every upload URL issued so far stops taking bytes (as an hour later)."""
        with self.lock:
            for publish in self.publishes.values():
                publish.issued_at = float("-inf")

    # --- tokens and scopes ----------------------------------------------------------------
    def issue_tokens(self, scopes: tuple[str, ...] = SCOPES) -> tuple[str, str]:
        access, refresh = super().issue_tokens()
        with self.lock:
            self.token_scopes[access] = self.token_scopes[refresh] = tuple(scopes)
        return access, refresh

    def refresh_access(self, refresh_token: str) -> str | None:
        access = super().refresh_access(refresh_token)
        if access is not None:
            with self.lock:
                self.token_scopes[access] = self.token_scopes.get(refresh_token, SCOPES)
        return access

    def token_of(self, exchange: Exchange) -> str:
        scheme, _, token = exchange.headers.get("Authorization", "").partition(" ")
        return token.strip() if scheme.lower() == "bearer" else ""

    def _admit(self, exchange: Exchange) -> None:
        """Scope, JSON body, per-token rate: refused before the request is looked at."""
        token = self.token_of(exchange)
        needed = ROUTE_SCOPES.get(exchange.route, ())
        if needed and not set(needed) & set(self.token_scopes.get(token, ())):
            raise Refused(401, "scope_not_authorized", f"The access token does not bear {' or '.join(needed)}.")
        limit = self.rate_limits.get(exchange.route)
        if limit is not None:
            now = self.clock()
            with self.lock:
                calls = self._calls.setdefault((token, exchange.route), deque())
                while calls and calls[0] <= now - 60:
                    calls.popleft()
                if len(calls) >= limit:
                    raise Refused(429, "rate_limit_exceeded", f"At most {limit} requests a minute per access token.")
                calls.append(now)
        if not exchange.headers.get("Content-Type", "").lower().startswith("application/json"):
            raise Refused(400, "invalid_param", "Content-Type must be application/json; charset=UTF-8.")

    def _json(self, exchange: Exchange) -> dict[str, Any]:
        raw = exchange.body()
        try:
            data = json.loads(raw or b"{}")
        except ValueError:
            raise Refused(400, "invalid_param", "The body is not JSON.") from None
        if not isinstance(data, dict):
            raise Refused(400, "invalid_param", "The body must be a JSON object.")
        return data

    # --- routes ---------------------------------------------------------------------------
    @_refusing
    def handle_creator_info(self, exchange: Exchange) -> None:
        self._admit(exchange)
        exchange.drain()
        creator = self.creator
        self._ok(
            exchange,
            {
                "creator_avatar_url": f"{self.base_url}/avatar/{creator.username}.jpeg",
                "creator_username": creator.username,
                "creator_nickname": creator.username,
                "privacy_level_options": creator.privacy_level_options,
                "comment_disabled": False,
                "duet_disabled": False,
                "stitch_disabled": False,
                "max_video_post_duration_sec": creator.max_video_post_duration_sec,
            },
        )

    @_refusing
    def handle_init(self, exchange: Exchange, inbox: bool = False) -> None:
        self._admit(exchange)
        body = self._json(exchange)
        post_info: dict[str, Any] = {}
        if not inbox:
            post_info = self._check_post_info(body.get("post_info"))
        elif self.pending_drafts >= self.max_pending_drafts:
            message = "The user has too many pending shares in their inbox."
            raise Refused(403, "spam_risk_too_many_pending_share", message)
        size, chunk, count = self._check_source(body.get("source_info"))
        publish_id, token = new_id("v_pub_file~v2-1."), new_id()
        with self.lock:
            publish = TikTokPublish(ReceivedUpload(size), chunk, count, inbox, post_info, token, self.clock())
            self.publishes[publish_id] = publish
        upload_url = f"{self.base_url}/upload/{publish_id}?upload_token={token}"
        self._ok(exchange, {"publish_id": publish_id, "upload_url": upload_url})

    def handle_inbox_init(self, exchange: Exchange) -> None:
        self.handle_init(exchange, inbox=True)

    def _check_post_info(self, post_info: Any) -> dict[str, Any]:
        if not isinstance(post_info, dict):
            raise Refused(400, "invalid_param", "post_info is required for a direct post.")
        level = post_info.get("privacy_level")
        if level not in self.creator.privacy_level_options:
            message = f"privacy_level {level!r} is not one of {', '.join(self.creator.privacy_level_options)}."
            raise Refused(403, "privacy_level_option_mismatch", message)
        if self.unaudited and level != "SELF_ONLY":
            message = "Unaudited clients can only post to private accounts."
            raise Refused(403, "unaudited_client_can_only_post_to_private_accounts", message)
        if not isinstance(post_info.get("brand_content_toggle"), bool):
            raise Refused(400, "invalid_param", "post_info.brand_content_toggle (bool) is required.")
        for name in _BOOL_FIELDS:
            if name in post_info and not isinstance(post_info[name], bool):
                raise Refused(400, "invalid_param", f"post_info.{name} must be a bool.")
        cover = post_info.get("video_cover_timestamp_ms", 0)
        if isinstance(cover, bool) or not isinstance(cover, int):
            raise Refused(400, "invalid_param", "post_info.video_cover_timestamp_ms must be an int32.")
        title = post_info.get("title", "")
        if not isinstance(title, str) or len(title.encode("utf-16-le")) // 2 > TITLE_LIMIT:
            raise Refused(400, "invalid_param", f"post_info.title is at most {TITLE_LIMIT} UTF-16 runes.")
        return dict(post_info)

    def _check_source(self, source: Any) -> tuple[int, int, int]:
        """video_size, chunk_size, total_chunk_count, checked against the media transfer guide."""

        def refuse(message: str) -> Refused:
            return Refused(400, "invalid_param", message)

        if not isinstance(source, dict) or source.get("source") != "FILE_UPLOAD":
            raise refuse("source_info.source must be FILE_UPLOAD (PULL_FROM_URL is not emulated).")
        values = [source.get(key) for key in ("video_size", "chunk_size", "total_chunk_count")]
        if any(isinstance(value, bool) or not isinstance(value, int) for value in values):
            raise refuse("video_size, chunk_size and total_chunk_count (int64) are required for FILE_UPLOAD.")
        size, chunk, count = values
        if not 0 < size <= self.max_video_size:
            raise refuse(f"video_size must be 1..{self.max_video_size} bytes.")
        if chunk <= 0 or not 1 <= count <= self.max_chunks:
            raise refuse(f"chunk_size must be positive and total_chunk_count 1..{self.max_chunks}.")
        if size < self.min_chunk:
            if chunk != size or count != 1:
                raise refuse("Videos under 5 MB must be uploaded whole: chunk_size = video_size, 1 chunk.")
            return size, chunk, count
        if not self.min_chunk <= chunk <= self.max_chunk:
            raise refuse(f"chunk_size must be {self.min_chunk}..{self.max_chunk} bytes.")
        if count != size // chunk:
            raise refuse(f"total_chunk_count must be floor(video_size / chunk_size) = {size // chunk}.")
        if size > self.max_chunk and count < 2:
            raise refuse("Videos over 64 MB must be uploaded in several chunks.")
        if size - chunk * (count - 1) > self.max_last_chunk:
            raise refuse(f"The last chunk may hold at most {self.max_last_chunk} bytes.")
        return size, chunk, count

    @_refusing
    def handle_upload(self, exchange: Exchange, publish_id: str) -> None:
        publish = self.publishes.get(publish_id)
        if publish is None or exchange.query.get("upload_token") != publish.upload_token:
            raise Refused(404, "not_found", "TikTok cannot find a valid upload task for this upload_url.")
        upload = publish.upload
        progress = {"Content-Range": f"bytes 0-{upload.committed}/{upload.total}"}
        if self.clock() - publish.issued_at > self.upload_url_ttl:
            raise Refused(403, "forbidden", "The upload_url has expired.", headers=progress)
        content_type = exchange.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type not in UPLOAD_TYPES:
            raise Refused(400, "bad_request", f"Content-Type must be one of {', '.join(sorted(UPLOAD_TYPES))}.")
        match = _RANGE.fullmatch(exchange.headers.get("Content-Range", "").strip())
        if match is None:
            raise Refused(400, "bad_request", "Content-Range: bytes FIRST-LAST/TOTAL is required.")
        first, last, total = (int(value) for value in match.groups())
        if total != upload.total or not first <= last < total:
            raise Refused(400, "bad_request", f"Content-Range {first}-{last}/{total} is not within {upload.total}.")
        if exchange.headers.get("Content-Length") != str(last - first + 1):
            raise Refused(400, "bad_request", "Content-Length is not the byte size of the Content-Range.")
        if first != upload.committed:
            message = f"Content-Range starts at {first}; {upload.committed} bytes are uploaded."
            raise Refused(416, "range_not_satisfiable", message, headers=progress)
        index = first // publish.chunk_size
        expected = upload.total - first if index == publish.chunk_count - 1 else publish.chunk_size
        if first % publish.chunk_size or last - first + 1 != expected:
            raise Refused(400, "bad_request", f"Chunk {first}-{last} is not the declared chunk {index}.")
        try:
            exchange.receive(upload, first, commit_partial=False)
        except DropConnection:
            if exchange.fault is not None:
                raise
            raise Refused(400, "bad_request", "The body is shorter than its Content-Length.", drain=False) from None
        progress = {"Content-Range": f"bytes 0-{upload.committed}/{upload.total}"}
        if upload.complete:
            publish.polls_until_done = self.processing_polls
            exchange.reply(201, b"", progress)
        else:
            exchange.reply(206, b"", progress)

    @_refusing
    def handle_status(self, exchange: Exchange) -> None:
        self._admit(exchange)
        publish_id = self._json(exchange).get("publish_id", "")
        publish = self.publishes.get(publish_id) if isinstance(publish_id, str) else None
        if publish is None:
            raise Refused(400, "invalid_publish_id", "publish_id is invalid")
        with self.lock:
            self._advance(publish)
        data: dict[str, Any] = {"status": publish.status, "uploaded_bytes": publish.upload.committed}
        if publish.status == "PUBLISH_COMPLETE" and publish.post_info.get("privacy_level") != "SELF_ONLY":
            data["publicaly_available_post_id"] = [publish.post_id]
        if publish.fail_reason:
            data["fail_reason"] = publish.fail_reason
        self._ok(exchange, data)

    def _advance(self, publish: TikTokPublish) -> None:
        if not publish.upload.complete or publish.status != "PROCESSING_UPLOAD":
            return
        if publish.polls_until_done > 0:
            publish.polls_until_done -= 1
            return
        reason = self.fail_reasons.pop(0) if self.fail_reasons else self.fail_reason
        if reason:
            publish.status, publish.fail_reason = "FAILED", reason
            return
        publish.status = "SEND_TO_USER_INBOX" if publish.inbox else "PUBLISH_COMPLETE"
        publish.post_id = random.randrange(7 * 10**18, 8 * 10**18)
        self.metrics[str(publish.post_id)] = {"view_count": 0, "like_count": 0, "comment_count": 0, "share_count": 0}

    def handle_token(self, exchange: Exchange) -> None:
        form = exchange.form()
        refresh = form.get("refresh_token", "")
        access = form.get("grant_type") == "refresh_token" and self.refresh_access(refresh)
        if not access or not form.get("client_key") or not form.get("client_secret"):
            exchange.reply(400, {"error": "invalid_grant", "error_description": "Refresh token is invalid or expired."})
            return
        exchange.reply(
            200,
            {
                "access_token": access,
                "expires_in": 86400,
                "open_id": "open-id-1",
                "refresh_expires_in": 31536000,
                "refresh_token": refresh,
                "scope": ",".join(self.token_scopes.get(access, SCOPES)),
                "token_type": "Bearer",
            },
        )

    @_refusing
    def handle_video_query(self, exchange: Exchange) -> None:
        self._admit(exchange)
        filters = self._json(exchange).get("filters") or {}
        ids = filters.get("video_ids", []) if isinstance(filters, dict) else []
        videos = [{"id": video_id, **self.metrics[video_id]} for video_id in ids if video_id in self.metrics]
        self._ok(exchange, {"videos": videos, "cursor": 0, "has_more": False})
