"""YouTube Data API v3 emulator: resumable sessions, 308 Range, quota, unaudited lock, tokens."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from distribution.emulators.base import Emulator, Exchange, ReceivedUpload, new_id

_RANGE = re.compile(r"bytes (?:(\d+)-(\d+)|\*)/(\d+)")


@dataclass
class YouTubeSession:
    metadata: dict[str, Any]
    upload: ReceivedUpload
    video_id: str = ""
    expired: bool = False


@dataclass
class YouTubeVideo:
    id: str
    snippet: dict[str, Any]
    status: dict[str, Any]
    statistics: dict[str, str] = field(
        default_factory=lambda: {"viewCount": "0", "likeCount": "0", "commentCount": "0"}
    )
    sha256: str = ""

    def resource(self, parts: str = "snippet,status") -> dict[str, Any]:
        resource: dict[str, Any] = {"kind": "youtube#video", "id": self.id}
        for part in parts.split(","):
            if part in ("snippet", "status", "statistics"):
                resource[part] = getattr(self, part)
        return resource


class YouTubeEmulator(Emulator):
    name = "youtube"
    routes = [
        ("POST", r"/upload/youtube/v3/videos", "start", True),
        ("PUT", r"/upload/youtube/v3/videos", "upload", True),
        ("GET", r"/youtube/v3/videos", "videos_list", True),
        ("POST", r"/token", "token", False),
    ]

    def __init__(self, *args: Any, unaudited: bool = False, insert_quota: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unaudited = unaudited  # projects not audited by Google: every upload locked private
        self.insert_quota = insert_quota  # videos.insert calls left today; None = unlimited
        self.sessions: dict[str, YouTubeSession] = {}
        self.videos: dict[str, YouTubeVideo] = {}

    def settings(self) -> dict[str, str]:
        return {
            "YOUTUBE_API_BASE_URL": f"{self.base_url}/youtube/v3",
            "YOUTUBE_UPLOAD_BASE_URL": f"{self.base_url}/upload/youtube/v3",
            "YOUTUBE_TOKEN_URL": f"{self.base_url}/token",
        }

    def expire_sessions(self) -> None:
        with self.lock:
            for session in self.sessions.values():
                session.expired = True

    def error_body(self, status: int, code: str, message: str) -> dict[str, Any]:
        return {"error": {"code": status, "message": message, "errors": [{"reason": code, "message": message}]}}

    def reply_unauthorized(self, exchange: Exchange) -> None:
        exchange.reply(401, self.error_body(401, "authError", "Invalid Credentials"))

    # --- routes ---------------------------------------------------------------------------
    def handle_start(self, exchange: Exchange) -> None:
        metadata = exchange.json()
        if exchange.query.get("uploadType") != "resumable":
            raise ValueError("uploadType=resumable is required")
        total = int(exchange.headers.get("X-Upload-Content-Length") or 0)
        if total <= 0:
            raise ValueError("X-Upload-Content-Length is required")
        with self.lock:
            if self.insert_quota is not None:
                if self.insert_quota <= 0:
                    message = "The request cannot be completed because you have exceeded your quota."
                    exchange.reply(403, self.error_body(403, "quotaExceeded", message))
                    return
                self.insert_quota -= 1
            upload_id = new_id("yt-")
            self.sessions[upload_id] = YouTubeSession(metadata, ReceivedUpload(total))
        location = f"{self.base_url}/upload/youtube/v3/videos?uploadType=resumable&upload_id={upload_id}"
        exchange.reply(200, b"", {"Location": location})

    def handle_upload(self, exchange: Exchange) -> None:
        session = self.sessions.get(exchange.query.get("upload_id", ""))
        if session is None or session.expired:
            exchange.drain()
            exchange.reply(404, self.error_body(404, "notFound", "Upload session not found or expired."))
            return
        match = _RANGE.fullmatch(exchange.headers.get("Content-Range", ""))
        if match is None:
            raise ValueError("Content-Range is required")
        first, last, total = match.groups()
        if int(total) != session.upload.total:
            raise ValueError("Content-Range total differs from X-Upload-Content-Length")
        if first is not None:
            length = int(last) - int(first) + 1
            if length != exchange.remaining:
                raise ValueError("Content-Range does not match Content-Length")
            if int(last) + 1 < session.upload.total and length % (256 * 1024):
                raise ValueError("chunks other than the last must be multiples of 256 KiB")
            if int(first) > session.upload.committed:
                exchange.drain()
            else:
                exchange.receive(session.upload, int(first), commit_partial=True)
        if session.upload.complete:
            video = self._video_for(session)
            exchange.reply(200, video.resource())
            return
        headers = {"Range": f"bytes=0-{session.upload.committed - 1}"} if session.upload.committed else {}
        exchange.reply(308, b"", headers)

    def _video_for(self, session: YouTubeSession) -> YouTubeVideo:
        """The one video a completed session creates, however often it is asked."""
        with self.lock:
            if not session.video_id:
                snippet = session.metadata.get("snippet", {})
                status = {"uploadStatus": "uploaded", **session.metadata.get("status", {})}
                if self.unaudited:
                    status["privacyStatus"] = "private"
                    status.pop("publishAt", None)
                video = YouTubeVideo(new_id(), snippet, status, sha256=session.upload.sha256())
                self.videos[video.id] = video
                session.video_id = video.id
            return self.videos[session.video_id]

    def handle_videos_list(self, exchange: Exchange) -> None:
        ids = exchange.query.get("id", "").split(",")
        parts = exchange.query.get("part", "snippet")
        items = [self.videos[video_id].resource(parts) for video_id in ids if video_id in self.videos]
        exchange.reply(200, {"kind": "youtube#videoListResponse", "items": items})

    def handle_token(self, exchange: Exchange) -> None:
        form = exchange.form()
        access = form.get("grant_type") == "refresh_token" and self.refresh_access(form.get("refresh_token", ""))
        if not access:
            body = {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}
            exchange.reply(400, body)
            return
        exchange.reply(200, {"access_token": access, "expires_in": 3599, "token_type": "Bearer"})
