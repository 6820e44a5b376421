"""YouTube Data API v3 emulator: resumable sessions, 308 Range, quota, unaudited lock, comments, tokens.

Strict: it refuses, in Google's error shape (`{"error": {"code", "message", "errors": [{"reason",
...}]}}`), what the resumable upload guide and the videos.insert / commentThreads.insert references
say the API refuses:

- a start without `X-Upload-Content-Length`, with a body that is not `application/json`
  (charset UTF-8 when one is named), with an `X-Upload-Content-Type` that is not `video/*` or
  `application/octet-stream`, without `part`, without `snippet.title`, or with a
  `status.privacyStatus` other than public | unlisted | private;
- a PUT whose Content-Range overlaps or skips the bytes the session holds, whose length differs
  from the body's, whose total differs from `X-Upload-Content-Length`, or a chunk other than the
  last that is not a multiple of 256 KiB;
- a status query (`Content-Range: bytes */TOTAL`) that carries a body or the wrong total;
- any PUT to an expired session (404, or 410 after `expire_sessions(status=410)`).

A completed upload answers `201 Created` with the video, `uploadStatus: uploaded`; videos.list
reports `processed` once `processing_seconds` have passed. With `relocate=True` every 308 names a
new session URI in `Location` and the old one stops answering (404), as the guide allows.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

from distribution.emulators.base import Emulator, Exchange, ReceivedUpload, new_id

_RANGE = re.compile(r"bytes (?:(\d+)-(\d+)|\*)/(\d+)")
CHUNK_QUANTUM = 256 * 1024
PRIVACY_STATUSES = ("public", "unlisted", "private")
UPLOAD_MEDIA_TYPES = re.compile(r"(video/[\w.+-]+|application/octet-stream)")
COMMENT_SCOPE = "https://www.googleapis.com/auth/youtube.force-ssl"
COMMENT_LIMIT = 10_000


class Refused(Exception):
    """An answer in Google's error shape: status, reason, message."""

    def __init__(self, status: int, reason: str, message: str) -> None:
        super().__init__(message)
        self.status, self.reason, self.message = status, reason, message


@dataclass
class YouTubeSession:
    metadata: dict[str, Any]
    upload: ReceivedUpload
    video_id: str = ""
    expired_status: int = 0  # 404 or 410 once expired


@dataclass
class YouTubeVideo:
    id: str
    snippet: dict[str, Any]
    status: dict[str, Any]
    statistics: dict[str, str] = field(
        default_factory=lambda: {"viewCount": "0", "likeCount": "0", "commentCount": "0"}
    )
    sha256: str = ""
    processed_at: float = 0.0  # time.monotonic() from which uploadStatus reads "processed"

    def resource(self, parts: str = "snippet,status", *, settle: bool = True) -> dict[str, Any]:
        """The video as the API shows it; `settle`: a processing video that is due reads "processed"."""
        if settle and self.status.get("uploadStatus") == "uploaded" and time.monotonic() >= self.processed_at:
            self.status["uploadStatus"] = "processed"
        resource: dict[str, Any] = {"kind": "youtube#video", "id": self.id}
        for part in parts.split(","):
            if part in ("snippet", "status", "statistics"):
                resource[part] = dict(getattr(self, part))
        return resource


class YouTubeEmulator(Emulator):
    name = "youtube"
    routes = [
        ("POST", r"/upload/youtube/v3/videos", "start", True),
        ("PUT", r"/upload/youtube/v3/videos", "upload", False),  # the session URI is the credential
        ("GET", r"/youtube/v3/videos", "videos_list", True),
        ("POST", r"/youtube/v3/commentThreads", "comment", True),
        ("POST", r"/token", "token", False),
    ]

    def __init__(
        self,
        *args: Any,
        unaudited: bool = False,
        insert_quota: int | None = None,
        processing_seconds: float = 0.0,
        relocate: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.unaudited = unaudited  # projects not audited by Google: every upload locked private
        self.insert_quota = insert_quota  # videos.insert calls left today; None = unlimited
        self.processing_seconds = processing_seconds  # how long a received video stays "uploaded"
        self.relocate = relocate  # every 308 moves the session to a new URI
        self.sessions: dict[str, YouTubeSession] = {}
        self.videos: dict[str, YouTubeVideo] = {}
        self.comments: dict[str, dict[str, Any]] = {}
        self.tokens_without_comment_scope: set[str] = set()  # tokens granted without youtube.force-ssl

    def settings(self) -> dict[str, str]:
        return {
            "YOUTUBE_API_BASE_URL": f"{self.base_url}/youtube/v3",
            "YOUTUBE_UPLOAD_BASE_URL": f"{self.base_url}/upload/youtube/v3",
            "YOUTUBE_TOKEN_URL": f"{self.base_url}/token",
        }

    def expire_sessions(self, status: int = 404) -> None:
        with self.lock:
            for session in self.sessions.values():
                session.expired_status = status

    def finish_processing(self) -> None:
        with self.lock:
            for video in self.videos.values():
                video.processed_at = 0.0

    def error_body(self, status: int, code: str, message: str) -> dict[str, Any]:
        return {
            "error": {
                "code": status,
                "message": message,
                "errors": [{"message": message, "domain": "youtube.video", "reason": code}],
            }
        }

    def reply_unauthorized(self, exchange: Exchange) -> None:
        exchange.reply(401, self.error_body(401, "authError", "Invalid Credentials"))

    def _answer(self, exchange: Exchange, needs_auth: bool) -> None:
        try:
            super()._answer(exchange, needs_auth)
        except Refused as refusal:
            exchange.drain()
            exchange.reply(refusal.status, self.error_body(refusal.status, refusal.reason, refusal.message))

    # --- videos.insert, resumable --------------------------------------------------------
    def handle_start(self, exchange: Exchange) -> None:
        if exchange.query.get("uploadType") != "resumable":
            raise Refused(400, "badRequest", "uploadType=resumable is required for this emulator")
        if not exchange.query.get("part"):
            raise Refused(400, "required", "Required parameter: part")
        _check_json_content_type(exchange.headers.get("Content-Type", ""))
        total = exchange.headers.get("X-Upload-Content-Length", "")
        if not total.isdigit() or int(total) <= 0:
            raise Refused(400, "badRequest", "X-Upload-Content-Length is required: the size of the video in bytes")
        media_type = exchange.headers.get("X-Upload-Content-Type", "")
        if media_type and not UPLOAD_MEDIA_TYPES.fullmatch(media_type):
            raise Refused(
                400,
                "badContent",
                f"Media type '{media_type}' is not supported. Valid media types: [video/*, application/octet-stream]",
            )
        metadata = _metadata(exchange)
        with self.lock:
            if self.insert_quota is not None:
                if self.insert_quota <= 0:
                    message = "The request cannot be completed because you have exceeded your quota."
                    raise Refused(403, "quotaExceeded", message)
                self.insert_quota -= 1
            upload_id = new_id("yt-")
            self.sessions[upload_id] = YouTubeSession(metadata, ReceivedUpload(int(total)))
        exchange.reply(200, b"", {"Location": self._session_uri(upload_id)})

    def _session_uri(self, upload_id: str) -> str:
        return f"{self.base_url}/upload/youtube/v3/videos?uploadType=resumable&upload_id={upload_id}"

    def handle_upload(self, exchange: Exchange) -> None:
        upload_id = exchange.query.get("upload_id", "")
        session = self.sessions.get(upload_id)
        if session is None or session.expired_status:
            status = session.expired_status if session is not None else 404
            raise Refused(status, "notFound", "The upload session was not found or has expired.")
        match = _RANGE.fullmatch(exchange.headers.get("Content-Range", ""))
        if match is None:
            raise Refused(400, "badRequest", "Content-Range is required: bytes FIRST-LAST/TOTAL or bytes */TOTAL")
        first, last, total = match.groups()
        upload = session.upload
        if int(total) != upload.total:
            raise Refused(400, "badRequest", f"Content-Range total {total} differs from the announced {upload.total}")
        if first is None:  # status query
            if exchange.remaining:
                raise Refused(400, "badRequest", "A status query (bytes */TOTAL) carries no body: Content-Length: 0")
        else:
            self._receive(exchange, upload, int(first), int(last))
        if upload.complete:
            created = not session.video_id
            video = self._video_for(session)
            # The upload's own answer always says "uploaded": processing starts now.
            exchange.reply(201 if created else 200, video.resource(settle=False))
            return
        headers = {"Range": f"bytes=0-{upload.committed - 1}"} if upload.committed else {}
        if self.relocate:
            with self.lock:
                moved = new_id("yt-")
                self.sessions[moved] = self.sessions.pop(upload_id)
            headers["Location"] = self._session_uri(moved)
        exchange.reply(308, b"", headers)

    def _receive(self, exchange: Exchange, upload: ReceivedUpload, first: int, last: int) -> None:
        length = last - first + 1
        if length <= 0 or length != exchange.remaining:
            raise Refused(400, "badRequest", f"Content-Range covers {length} bytes, the body has {exchange.remaining}")
        if last + 1 > upload.total:
            raise Refused(400, "badRequest", "Content-Range ends past the announced size")
        if last + 1 < upload.total and length % CHUNK_QUANTUM:
            raise Refused(400, "badRequest", "Every chunk but the last must be a multiple of 256 KiB (262144 bytes)")
        if first > upload.committed:
            raise Refused(
                400,
                "badRequest",
                f"According to the Content-Range header, the upload offset is {first} byte(s), "
                f"which exceeds already uploaded size of {upload.committed} byte(s).",
            )
        if first < upload.committed:
            raise Refused(
                400,
                "badRequest",
                f"The Content-Range starts at byte {first}, but bytes 0-{upload.committed - 1} are already "
                "uploaded: ask the session (bytes */TOTAL) and send only what is missing.",
            )
        exchange.receive(upload, first, commit_partial=True)

    def _video_for(self, session: YouTubeSession) -> YouTubeVideo:
        """The one video a completed session creates, however often it is asked."""
        with self.lock:
            if not session.video_id:
                snippet = session.metadata.get("snippet", {})
                status = {"uploadStatus": "uploaded", **session.metadata.get("status", {})}
                status.setdefault("privacyStatus", "public")
                if self.unaudited:
                    status["privacyStatus"] = "private"
                    status.pop("publishAt", None)
                video = YouTubeVideo(
                    new_id(),
                    snippet,
                    status,
                    sha256=session.upload.sha256(),
                    processed_at=time.monotonic() + self.processing_seconds,
                )
                self.videos[video.id] = video
                session.video_id = video.id
            return self.videos[session.video_id]

    def handle_videos_list(self, exchange: Exchange) -> None:
        ids = exchange.query.get("id", "").split(",")
        parts = exchange.query.get("part", "")
        if not parts:
            raise Refused(400, "required", "Required parameter: part")
        items = [self.videos[video_id].resource(parts) for video_id in ids if video_id in self.videos]
        exchange.reply(200, {"kind": "youtube#videoListResponse", "items": items})

    # --- commentThreads.insert -----------------------------------------------------------
    def handle_comment(self, exchange: Exchange) -> None:
        if "snippet" not in exchange.query.get("part", "").split(","):
            raise Refused(400, "required", "Required parameter: part (snippet)")
        if self.token_of(exchange) in self.tokens_without_comment_scope:
            raise Refused(403, "insufficientPermissions", "Request had insufficient authentication scopes.")
        _check_json_content_type(exchange.headers.get("Content-Type", ""))
        snippet = _json(exchange).get("snippet") or {}
        video_id = snippet.get("videoId", "")
        text = ((snippet.get("topLevelComment") or {}).get("snippet") or {}).get("textOriginal", "")
        if not video_id:
            raise Refused(400, "channelOrVideoIdMissing", "The comment thread must name snippet.videoId.")
        if not str(text).strip():
            raise Refused(400, "commentTextRequired", "The comment being inserted must have text.")
        if len(text) > COMMENT_LIMIT:
            raise Refused(400, "commentTextTooLong", "The comment being inserted contains too many characters.")
        if video_id not in self.videos:
            raise Refused(404, "videoNotFound", "The video identified by the videoId parameter could not be found.")
        thread_id = new_id("Ug")
        comment = {"id": thread_id, "snippet": {"textOriginal": text, "textDisplay": text, "videoId": video_id}}
        with self.lock:
            self.comments[thread_id] = {"videoId": video_id, "text": text}
        resource = {
            "kind": "youtube#commentThread",
            "id": thread_id,
            "snippet": {"videoId": video_id, "topLevelComment": {"kind": "youtube#comment", **comment}},
        }
        exchange.reply(200, resource)

    def handle_token(self, exchange: Exchange) -> None:
        form = exchange.form()
        access = form.get("grant_type") == "refresh_token" and self.refresh_access(form.get("refresh_token", ""))
        if not access:
            body = {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}
            exchange.reply(400, body)
            return
        exchange.reply(200, {"access_token": access, "expires_in": 3599, "token_type": "Bearer"})


def _check_json_content_type(value: str) -> None:
    media_type, _, parameters = value.partition(";")
    charset = parameters.strip().lower().removeprefix("charset=") if parameters.strip() else "utf-8"
    if media_type.strip().lower() != "application/json" or charset not in ("utf-8", "utf8"):
        raise Refused(400, "badContent", f"Unsupported content with type: {value or '(none)'}")


def _json(exchange: Exchange) -> dict[str, Any]:
    try:
        data = json.loads(exchange.body() or b"{}")
    except ValueError:
        raise Refused(400, "parseError", "Parse Error") from None
    if not isinstance(data, dict):
        raise Refused(400, "parseError", "Parse Error")
    return data


def _metadata(exchange: Exchange) -> dict[str, Any]:
    """The video resource of a start request, checked as videos.insert checks it."""
    metadata = _json(exchange)
    snippet, status = metadata.get("snippet") or {}, metadata.get("status") or {}
    title = snippet.get("title")
    if not isinstance(title, str) or not title.strip() or len(title) > 100 or "<" in title or ">" in title:
        raise Refused(400, "invalidTitle", "The request metadata specifies an invalid or empty video title.")
    privacy = status.get("privacyStatus", "public")
    if privacy not in PRIVACY_STATUSES:
        raise Refused(
            400, "invalidValue", f"Invalid value '{privacy}' for status.privacyStatus: public, unlisted or private"
        )
    for flag in ("selfDeclaredMadeForKids", "containsSyntheticMedia", "embeddable"):
        if flag in status and not isinstance(status[flag], bool):
            raise Refused(400, "invalidValue", f"status.{flag} must be true or false")
    if status.get("publishAt") and privacy != "private":
        raise Refused(400, "invalidPublishAt", "A video with a publishAt time must be private until then.")
    return metadata
