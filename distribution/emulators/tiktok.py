"""TikTok Content Posting API emulator: creator info, init, sequential chunks, status, caps."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any

from distribution.emulators.base import Emulator, Exchange, ReceivedUpload, new_id

_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+)")
MIB = 1024 * 1024


@dataclass
class TikTokPublish:
    upload: ReceivedUpload
    chunk_size: int
    chunk_count: int
    inbox: bool
    post_info: dict[str, Any]
    status: str = "PROCESSING_UPLOAD"
    polls_until_done: int = 1
    post_id: int = 0
    fail_reason: str = ""


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
        min_chunk: int = 5 * MIB,
        max_chunk: int = 64_000_000,
        max_last_chunk: int = 128_000_000,
        max_pending_drafts: int = 5,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.unaudited = unaudited  # unaudited clients may only post SELF_ONLY
        self.min_chunk, self.max_chunk, self.max_last_chunk = min_chunk, max_chunk, max_last_chunk
        self.max_pending_drafts = max_pending_drafts
        self.creator = TikTokCreator()
        self.processing_polls = 1  # status fetches that still say "processing" after the last byte
        self.fail_reason = ""  # set to make processing end in FAILED with this reason
        self.publishes: dict[str, TikTokPublish] = {}
        self.metrics: dict[str, dict[str, int]] = {}

    def settings(self) -> dict[str, str]:
        return {"TIKTOK_API_BASE_URL": self.base_url}

    def error_body(self, status: int, code: str, message: str) -> dict[str, Any]:
        return {"data": {}, "error": {"code": code, "message": message, "log_id": new_id()}}

    def _ok(self, exchange: Exchange, data: dict[str, Any]) -> None:
        exchange.reply(200, {"data": data, "error": {"code": "ok", "message": "", "log_id": new_id()}})

    @property
    def pending_drafts(self) -> int:
        return sum(1 for publish in self.publishes.values() if publish.inbox and publish.status != "FAILED")

    # --- routes ---------------------------------------------------------------------------
    def handle_creator_info(self, exchange: Exchange) -> None:
        exchange.drain()
        creator = self.creator
        self._ok(
            exchange,
            {
                "creator_username": creator.username,
                "creator_nickname": creator.username,
                "privacy_level_options": creator.privacy_level_options,
                "comment_disabled": False,
                "duet_disabled": False,
                "stitch_disabled": False,
                "max_video_post_duration_sec": creator.max_video_post_duration_sec,
            },
        )

    def handle_init(self, exchange: Exchange, inbox: bool = False) -> None:
        body = exchange.json()
        post_info = body.get("post_info", {})
        if not inbox and self.unaudited and post_info.get("privacy_level") != "SELF_ONLY":
            message = "Unaudited clients can only post to private accounts."
            exchange.reply(403, self.error_body(403, "unaudited_client_can_only_post_to_private_accounts", message))
            return
        if not inbox and post_info.get("privacy_level") not in self.creator.privacy_level_options:
            exchange.reply(400, self.error_body(400, "privacy_level_option_mismatch", "Privacy level not allowed."))
            return
        if inbox and self.pending_drafts >= self.max_pending_drafts:
            message = "The user has too many pending shares in their inbox."
            exchange.reply(403, self.error_body(403, "spam_risk_too_many_pending_share", message))
            return
        source = body.get("source_info", {})
        size, chunk, count = (int(source.get(key) or 0) for key in ("video_size", "chunk_size", "total_chunk_count"))
        self._check_chunking(size, chunk, count)
        publish_id = new_id("v_pub_file~v2-1.")
        with self.lock:
            self.publishes[publish_id] = TikTokPublish(ReceivedUpload(size), chunk, count, inbox, post_info)
        upload_url = f"{self.base_url}/upload/{publish_id}?upload_token={new_id()}"
        self._ok(exchange, {"publish_id": publish_id, "upload_url": upload_url})

    def handle_inbox_init(self, exchange: Exchange) -> None:
        self.handle_init(exchange, inbox=True)

    def _check_chunking(self, size: int, chunk: int, count: int) -> None:
        if size <= 0 or chunk <= 0 or not 1 <= count <= 1000:
            raise ValueError("video_size, chunk_size and total_chunk_count (1..1000) are required")
        if size < self.min_chunk:
            if chunk != size or count != 1:
                raise ValueError("videos under the minimum chunk size must be uploaded whole")
            return
        if not self.min_chunk <= chunk <= self.max_chunk:
            raise ValueError(f"chunk_size must be within {self.min_chunk}..{self.max_chunk}")
        if count != size // chunk or size - chunk * (count - 1) > self.max_last_chunk:
            raise ValueError("total_chunk_count must be video_size // chunk_size")

    def handle_upload(self, exchange: Exchange, publish_id: str) -> None:
        publish = self.publishes.get(publish_id)
        if publish is None or "upload_token" not in exchange.query:
            exchange.drain()
            exchange.reply(404, self.error_body(404, "invalid_publish_id", "Unknown upload."))
            return
        match = _RANGE.fullmatch(exchange.headers.get("Content-Range", ""))
        if match is None:
            raise ValueError("Content-Range is required")
        first, last, total = (int(value) for value in match.groups())
        index = first // publish.chunk_size
        expected = publish.upload.total - first if index == publish.chunk_count - 1 else publish.chunk_size
        if total != publish.upload.total or first % publish.chunk_size or last - first + 1 != expected:
            raise ValueError(f"chunk {first}-{last} does not follow the declared chunking")
        if first != publish.upload.committed:
            exchange.drain()
            exchange.reply(416, b"", {"Content-Range": f"bytes */{publish.upload.committed}"})
            return
        exchange.receive(publish.upload, first, commit_partial=False)
        if publish.upload.complete:
            publish.polls_until_done = self.processing_polls
            exchange.reply(201, b"")
        else:
            exchange.reply(206, b"")

    def handle_status(self, exchange: Exchange) -> None:
        publish_id = exchange.json().get("publish_id", "")
        publish = self.publishes.get(publish_id)
        if publish is None:
            exchange.reply(400, self.error_body(400, "invalid_publish_id", "publish_id is invalid"))
            return
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
        if self.fail_reason:
            publish.status, publish.fail_reason = "FAILED", self.fail_reason
            return
        publish.status = "SEND_TO_USER_INBOX" if publish.inbox else "PUBLISH_COMPLETE"
        publish.post_id = random.randrange(7 * 10**18, 8 * 10**18)
        self.metrics[str(publish.post_id)] = {"view_count": 0, "like_count": 0, "comment_count": 0, "share_count": 0}

    def handle_token(self, exchange: Exchange) -> None:
        form = exchange.form()
        access = form.get("grant_type") == "refresh_token" and self.refresh_access(form.get("refresh_token", ""))
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
                "refresh_token": form["refresh_token"],
                "scope": "user.info.basic,video.upload,video.publish,video.list",
                "token_type": "Bearer",
            },
        )

    def handle_video_query(self, exchange: Exchange) -> None:
        ids = exchange.json().get("filters", {}).get("video_ids", [])
        videos = [{"id": video_id, **self.metrics[video_id]} for video_id in ids if video_id in self.metrics]
        self._ok(exchange, {"videos": videos, "cursor": 0, "has_more": False})
