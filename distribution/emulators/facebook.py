"""Facebook Page Reels emulator: video_reels start/finish, rupload, status, comments, insights.

Strict, as the Reels publishing guide and what rupload.facebook.com answers in the field:

- rupload (`POST /video-upload/{version}/{video_id}`) needs the Page token
  (`Authorization: OAuth`), an `offset` and a `file_size` header (unsigned integers, else
  `ParameterValidationError`); `file_size` must stay the same, and `offset` must equal the bytes
  already held (`bytes_transfered`), so nothing is sent twice or skipped. The body is meant to
  carry the file from `offset` to its end: a shorter one keeps what came and answers
  `206 PartialRequestError` (retriable); a longer one is refused. Errors here are
  `{"debug_info": {"retriable", "type", "message"}}`.
- `upload_phase=finish` before every byte arrived is refused (code 6000); `video_state` must be
  DRAFT, PUBLISHED or SCHEDULED (code 100), SCHEDULED with a future `scheduled_publish_time`.
- 30 API-published Reels per Page per rolling 24 h (code 80002 past it).
- `GET /{video_id}?fields=status` reports `uploading_phase.bytes_transfered` (Meta's spelling).
- `POST /{video_id}/comments` needs `message`, a published video, `pages_manage_engagement`.
- `expire_uploads()` ends every unfinished upload session: rupload refuses it and the status
  says `video_status: expired`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from distribution.emulators.base import Exchange, ReceivedUpload, new_id
from distribution.emulators.graph import GRAPH_PREFIX, GraphEmulator, GraphRefused

VIDEO_STATES = ("DRAFT", "PUBLISHED", "SCHEDULED")
VIDEO_FIELDS = frozenset(
    {"id", "status", "description", "title", "permalink_url", "length", "created_time", "published", "updated_time"}
)
DAY_SECONDS = 86400


@dataclass
class Reel:
    page_id: str
    upload: ReceivedUpload | None = None
    published: bool = False
    published_at: float = 0.0
    video_state: str = ""
    description: str = ""
    finish_calls: int = 0
    expired: bool = False
    comments: list[dict[str, str]] = field(default_factory=list)


class RuploadRefused(Exception):
    def __init__(self, status: int, kind: str, message: str, *, retriable: bool = False) -> None:
        super().__init__(message)
        self.status, self.kind, self.message, self.retriable = status, kind, message, retriable

    def body(self) -> dict[str, Any]:
        return {"debug_info": {"retriable": self.retriable, "type": self.kind, "message": self.message}}


class FacebookEmulator(GraphEmulator):
    name = "facebook"
    routes = [
        ("POST", GRAPH_PREFIX + r"/(?P<page_id>\w+)/video_reels", "video_reels", True),
        ("POST", r"/video-upload/v24.0/(?P<video_id>\w+)", "upload", True),
        ("GET", GRAPH_PREFIX + r"/(?P<object_id>\w+)/video_insights", "insights", True),
        ("POST", GRAPH_PREFIX + r"/(?P<video_id>\w+)/comments", "comment", True),
        ("POST", GRAPH_PREFIX + r"/oauth/access_token", "token", False),
        ("GET", GRAPH_PREFIX + r"/(?P<video_id>\w+)", "video", True),
    ]

    def __init__(self, *args: Any, reels_per_day: int = 30, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reels_per_day = reels_per_day
        self.reels: dict[str, Reel] = {}

    def settings(self) -> dict[str, str]:
        return {
            "FACEBOOK_GRAPH_BASE_URL": self.base_url + GRAPH_PREFIX,
            "FACEBOOK_RUPLOAD_BASE_URL": self.base_url + "/video-upload/v24.0",
        }

    def expire_uploads(self) -> None:
        with self.lock:
            for reel in self.reels.values():
                if not reel.published:
                    reel.expired = True

    def published(self) -> list[Reel]:
        return [reel for reel in self.reels.values() if reel.published]

    # --- video_reels: start and finish -----------------------------------------------------
    def handle_video_reels(self, exchange: Exchange, page_id: str) -> None:
        form = exchange.form()
        phase = form.get("upload_phase")
        if phase == "start":
            video_id = new_id().replace("-", "")
            with self.lock:
                self.reels[video_id] = Reel(page_id)
            self.ok(exchange, {"video_id": video_id, "upload_url": f"{self.base_url}/video-upload/v24.0/{video_id}"})
        elif phase == "finish":
            self._finish(exchange, page_id, form)
        else:
            raise GraphRefused(100, "(#100) upload_phase must be one of {start, finish}")

    def _finish(self, exchange: Exchange, page_id: str, form: dict[str, str]) -> None:
        reel = self.reels.get(form.get("video_id", ""))
        if reel is None or reel.page_id != page_id:
            raise GraphRefused(100, f"(#100) video_id {form.get('video_id', '')!r} is not a Reel of this Page")
        state = form.get("video_state", "")
        if state not in VIDEO_STATES:
            raise GraphRefused(100, f"(#100) Param video_state must be one of {{{', '.join(VIDEO_STATES)}}}")
        if state == "SCHEDULED":
            when = form.get("scheduled_publish_time", "")
            if not when.isdigit() or int(when) <= time.time():
                raise GraphRefused(100, "(#100) A SCHEDULED reel needs a future scheduled_publish_time (unix time)")
        held = reel.upload.committed if reel.upload else 0
        if reel.upload is None or not reel.upload.complete:
            total = reel.upload.total if reel.upload else "?"
            raise GraphRefused(6000, f"(#6000) There was a problem uploading your video file: {held} of {total} bytes")
        with self.lock:
            reel.finish_calls += 1
            if not reel.published:  # finishing twice publishes once
                cutoff = time.time() - DAY_SECONDS
                recent = sum(1 for r in self.reels.values() if r.page_id == page_id and r.published_at > cutoff)
                if recent >= self.reels_per_day:
                    message = "The Page has reached its limit of API-published Reels for 24 hours."
                    raise GraphRefused(80002, message)
                reel.published, reel.published_at, reel.video_state = True, time.time(), state
                reel.description = form.get("description", "")
        self.ok(exchange, {"success": True})

    # --- rupload -----------------------------------------------------------------------------
    def _answer(self, exchange: Exchange, needs_auth: bool) -> None:
        try:
            super()._answer(exchange, needs_auth)
        except RuploadRefused as refusal:
            exchange.drain()
            exchange.reply(refusal.status, refusal.body())

    def handle_upload(self, exchange: Exchange, video_id: str) -> None:
        reel = self.reels.get(video_id)
        if reel is None:
            raise RuploadRefused(404, "NotFoundError", f"No upload session for video {video_id}")
        if reel.expired:
            raise RuploadRefused(400, "ProcessingFailedError", "The upload session has expired: start a new one")
        offset, size = _unsigned(exchange, "offset"), _unsigned(exchange, "file_size")
        if reel.upload is None:
            reel.upload = ReceivedUpload(size)
        upload = reel.upload
        if size != upload.total:
            raise RuploadRefused(400, "ParameterValidationError", f"file_size {size} differs from {upload.total}")
        if offset != upload.committed:
            raise RuploadRefused(
                400,
                "ParameterValidationError",
                f"Offset {offset} does not match the {upload.committed} bytes received: resume from bytes_transfered",
            )
        expected = upload.total - offset
        if exchange.remaining > expected:
            raise RuploadRefused(400, "ParameterValidationError", f"The body is longer than the {expected} bytes left")
        short = exchange.remaining < expected
        exchange.receive(upload, offset, commit_partial=True)
        if short:
            raise RuploadRefused(
                206, "PartialRequestError", "Partial request (did not match length of file)", retriable=True
            )
        self.ok(exchange, {"success": True})

    # --- status and comments -----------------------------------------------------------------
    def handle_video(self, exchange: Exchange, video_id: str) -> None:
        reel = self.reels.get(video_id)
        if reel is None:
            self.not_found(exchange, video_id)
            return
        fields = self.check_fields(exchange.query.get("fields", "id"), VIDEO_FIELDS, "Video")
        transferred = reel.upload.committed if reel.upload else 0
        complete = reel.upload is not None and reel.upload.complete
        publishing: dict[str, Any] = {"status": "complete" if reel.published else "not_started"}
        if reel.published:
            publishing["publish_status"] = "scheduled" if reel.video_state == "SCHEDULED" else "published"
        if reel.expired:
            video_status = "expired"
        elif reel.published:
            video_status = "ready"
        else:
            video_status = "upload_complete" if complete else "processing"
        status = {
            "video_status": video_status,
            "uploading_phase": {"status": "complete" if complete else "in_progress", "bytes_transfered": transferred},
            "processing_phase": {"status": "complete" if complete else "not_started"},
            "publishing_phase": publishing,
        }
        body: dict[str, Any] = {"id": video_id}
        if "status" in fields:
            body["status"] = status
        if "description" in fields:
            body["description"] = reel.description
        self.ok(exchange, body)

    def handle_comment(self, exchange: Exchange, video_id: str) -> None:
        form = exchange.form()
        reel = self.reels.get(video_id)
        if reel is None or not reel.published:
            message = f"(#100) Object with ID '{video_id}' does not exist or cannot be commented on"
            raise GraphRefused(100, message, subcode=33)
        self.require_permission(exchange, "pages_manage_engagement")
        message = form.get("message", "")
        if not message.strip():
            raise GraphRefused(100, "(#100) Missing message or attachment")
        comment_id = f"{video_id}_{new_id()}"
        with self.lock:
            reel.comments.append({"id": comment_id, "message": message})
        self.ok(exchange, {"id": comment_id})


def _unsigned(exchange: Exchange, header: str) -> int:
    value = exchange.headers.get(header, "")
    if not value.isdigit():
        raise RuploadRefused(
            400, "ParameterValidationError", f"HeaderValuePredicate: Header {header} not convertable to unsigned long"
        )
    return int(value)
