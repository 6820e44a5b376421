"""YouTube Data API v3: videos.insert through a resumable upload session; commentThreads.insert.

Publish options read from `PublishRequest.options` (the Upload's `options`):

    synthetic      bool  the video is AI-generated or altered (status.containsSyntheticMedia);
                         TikTok's `is_aigc` is read as the same thing
    made_for_kids  bool  status.selfDeclaredMadeForKids (default False), always sent
    category_id    str   snippet.categoryId (default the adapter's, "22" People & Blogs)

`status.privacyStatus` is public, unlisted or private: `YouTubeAdapter.check_options` refuses
anything else before an upload is registered. A received video is PROCESSING until YouTube
reports `uploadStatus: processed`.
"""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from common.http_client import Response
from distribution.platforms.base import (
    Credentials,
    ErrorKind,
    Metrics,
    PlatformAdapter,
    PlatformError,
    Progress,
    PublishRequest,
    PublishResult,
    PublishStatus,
    SessionState,
    UploadSession,
    _ignore,
    with_token,
)

CHUNK_QUANTUM = 256 * 1024  # every chunk but the last is a multiple of this
JSON_UTF8 = "application/json; charset=UTF-8"  # the resumable guide's Content-Type for metadata
COMMENT_SCOPE = "https://www.googleapis.com/auth/youtube.force-ssl"
TITLE_LIMIT = 100
PACIFIC = ZoneInfo("America/Los_Angeles")
_QUOTA_REASONS = {"quotaExceeded", "dailyLimitExceeded", "uploadLimitExceeded"}
_RATE_REASONS = {"rateLimitExceeded", "userRateLimitExceeded"}
_MEDIA_REASONS = {"mediaBodyRequired", "invalidVideo", "uploadFailed", "videoTooLong", "invalidFileFormat"}


def seconds_until_pacific_midnight(now: datetime | None = None) -> float:
    """YouTube quotas reset at midnight Pacific time."""
    local = (now or datetime.now(UTC)).astimezone(PACIFIC)
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), PACIFIC)
    return (midnight - local).total_seconds()


class YouTubeAdapter(PlatformAdapter):
    name = "youtube"
    privacy_options = ("public", "unlisted", "private")  # status.privacyStatus has nothing else
    settings_map: ClassVar[dict[str, tuple[str, str]]] = {
        "api_base_url": ("YOUTUBE_API_BASE_URL", "https://www.googleapis.com/youtube/v3"),
        "upload_base_url": ("YOUTUBE_UPLOAD_BASE_URL", "https://www.googleapis.com/upload/youtube/v3"),
        "token_url": ("YOUTUBE_TOKEN_URL", "https://oauth2.googleapis.com/token"),
    }

    def __init__(
        self,
        *,
        api_base_url: str,
        upload_base_url: str,
        token_url: str,
        chunk_size: int = 64 * CHUNK_QUANTUM,  # 16 MiB
        category_id: str = "22",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if chunk_size <= 0 or chunk_size % CHUNK_QUANTUM:
            raise ValueError(f"YouTube chunk_size must be a positive multiple of 256 KiB ({CHUNK_QUANTUM} bytes)")
        self.api_base_url = api_base_url.rstrip("/")
        self.upload_base_url = upload_base_url.rstrip("/")
        self.token_url = token_url
        self.chunk_size = chunk_size
        self.category_id = category_id

    # --- upload ---------------------------------------------------------------------------
    def start(self, request, creds, session, persist) -> None:
        self.check_options(privacy=request.privacy, options=request.options)
        options = request.options
        status: dict[str, Any] = {
            "privacyStatus": request.privacy,
            "selfDeclaredMadeForKids": bool(options.get("made_for_kids", False)),
            "containsSyntheticMedia": bool(options.get("synthetic", options.get("is_aigc", False))),
        }
        if request.scheduled_at is not None:
            # A scheduled video must be private until publishAt; YouTube flips it then.
            status.update(privacyStatus="private", publishAt=request.scheduled_at.astimezone(UTC).isoformat())
        metadata = {
            "snippet": {
                "title": video_title(request),
                "description": request.caption(),
                "tags": [tag.lstrip("#") for tag in request.hashtags],
                "categoryId": options.get("category_id", self.category_id),
            },
            "status": status,
        }
        response = self.call(
            "POST",
            f"{self.upload_base_url}/videos",
            creds,
            params={"uploadType": "resumable", "part": "snippet,status"},
            headers={
                **self._auth(creds),
                "Content-Type": JSON_UTF8,
                "X-Upload-Content-Length": str(request.file_size),
                "X-Upload-Content-Type": request.content_type,
            },
            body=json.dumps(metadata).encode(),
        )
        if not response.ok or not response.headers.get("Location"):
            raise self._error(response, creds, "could not open an upload session")
        session.session_url = response.headers["Location"]
        session.total_bytes = request.file_size
        session.state = SessionState.UPLOADING
        session.extra["requested_privacy"] = request.privacy
        session.extra["scheduled"] = request.scheduled_at is not None
        persist(session)

    def send(self, request, creds, session, persist, on_progress: Progress = _ignore) -> None:
        def put_chunk(first: int, length: int) -> int:
            response = self.put_range(request, creds, session, persist, first, length, headers=self._auth(creds))
            return self._confirmed(response, creds, session)

        self.send_chunks(
            session,
            persist,
            on_progress,
            chunk_length=lambda first: min(self.chunk_size, session.total_bytes - first),
            put_chunk=put_chunk,
        )

    def query_offset(self, request, creds, session) -> int | None:
        response = self._ask_session(creds, session)
        if response.status in (404, 410):
            return None
        return self._confirmed(response, creds, session)

    def _ask_session(self, creds: Credentials, session: UploadSession) -> Response:
        return self.call(
            "PUT",
            session.session_url,
            creds,
            headers={**self._auth(creds), "Content-Range": f"bytes */{session.total_bytes}"},
            body=b"",
        )

    def _confirmed(self, response: Response, creds: Credentials, session: UploadSession) -> int:
        """Bytes the session holds, from a 308 Range or a finished 200/201 (which stores the video).

        A 308 may name a new session URI in Location: every later request goes there (the
        caller persists the session with the confirmed offset)."""
        if response.status == 308:
            if response.headers.get("Location"):
                session.session_url = response.headers["Location"]
            ranges = response.headers.get("Range", "")
            return int(ranges.rsplit("-", 1)[1]) + 1 if ranges else 0
        if response.status in (200, 201):
            resource = response.json()
            session.video_id = resource.get("id", "")
            session.extra["resource"] = {"id": session.video_id, "status": resource.get("status", {})}
            return session.total_bytes
        if response.status in (404, 410):
            session.restart()
            raise self.error_from(
                response, "the upload session expired", kind=ErrorKind.TRANSIENT, permanent=False, creds=creds
            )
        raise self._error(response, creds, "the upload was refused")

    def finish(self, request, creds, session) -> PublishResult:
        return self._result(session, session.extra.get("resource") or {})

    def _result(self, session: UploadSession, resource: dict[str, Any]) -> PublishResult:
        status = resource.get("status", {})
        requested = session.extra.get("requested_privacy", "public")
        scheduled = session.extra.get("scheduled", False)
        # Unaudited API projects get every upload locked private whatever was asked.
        forced = (scheduled and not status.get("publishAt")) or (
            not scheduled and requested != "private" and status.get("privacyStatus") == "private"
        )
        if status.get("uploadStatus") in ("failed", "rejected", "deleted"):
            state = PublishStatus.FAILED
        elif status.get("publishAt"):
            state = PublishStatus.SCHEDULED  # accepted for its time; YouTube processes it before then
        elif status.get("uploadStatus") == "processed":
            state = PublishStatus.PUBLISHED
        else:  # "uploaded": every byte is there, YouTube has not processed it yet
            state = PublishStatus.PROCESSING
        video_id = resource.get("id", session.video_id)
        return PublishResult(
            remote_id=video_id,
            url=f"https://www.youtube.com/watch?v={video_id}",
            status=state,
            privacy_forced=bool(forced),
            raw=resource,
        )

    def status(self, creds, session) -> PublishResult:
        if not session.video_id and session.session_url:
            response = self._ask_session(creds, session)
            if response.status in (404, 410):
                return PublishResult("", "", PublishStatus.NOT_FOUND, raw={"status": response.status})
            confirmed = self._confirmed(response, creds, session)
            if confirmed < session.total_bytes:
                session.bytes_confirmed = confirmed
                return PublishResult("", "", PublishStatus.INCOMPLETE, raw={"bytes": confirmed})
        if not session.video_id:
            return PublishResult("", "", PublishStatus.NOT_FOUND)
        response = self.call(
            "GET",
            f"{self.api_base_url}/videos",
            creds,
            params={"part": "status", "id": session.video_id},
            headers=self._auth(creds),
        )
        if not response.ok:
            raise self._error(response, creds, "could not read the video status")
        items = response.json().get("items", [])
        if not items:
            # The upload returned this id, so the video exists: the listing lags behind a fresh
            # upload. Starting over here would post it twice.
            url = f"https://www.youtube.com/watch?v={session.video_id}"
            return PublishResult(session.video_id, url, PublishStatus.PROCESSING, raw={"items": []})
        return self._result(session, items[0])

    # --- metrics and tokens ---------------------------------------------------------------
    def fetch_metrics(self, remote_id: str, creds: Credentials) -> Metrics:
        response = self.call(
            "GET",
            f"{self.api_base_url}/videos",
            creds,
            params={"part": "statistics", "id": remote_id},
            headers=self._auth(creds),
        )
        if not response.ok:
            raise self._error(response, creds, "could not read statistics")
        items = response.json().get("items", [])
        if not items:
            raise self.error_from(
                response, f"video {remote_id} not found", kind=ErrorKind.POLICY, permanent=True, creds=creds
            )
        stats = items[0].get("statistics", {})
        return Metrics(
            views=_count(stats, "viewCount"), likes=_count(stats, "likeCount"), comments=_count(stats, "commentCount")
        )

    def post_comment(self, creds: Credentials, remote_id: str, text: str) -> str:
        """commentThreads.insert: a top-level comment on the video; returns the comment thread's id."""
        if creds.scopes and COMMENT_SCOPE not in creds.scopes:
            raise PlatformError(
                f"youtube: the first comment needs the {COMMENT_SCOPE} permission, which this channel's "
                "connection lacks: reconnect the channel to grant it",
                permanent=True,
                kind=ErrorKind.POLICY,
            )
        body = {"snippet": {"videoId": remote_id, "topLevelComment": {"snippet": {"textOriginal": text}}}}
        response = self.call(
            "POST",
            f"{self.api_base_url}/commentThreads",
            creds,
            params={"part": "snippet"},
            headers={**self._auth(creds), "Content-Type": JSON_UTF8},
            body=json.dumps(body).encode(),
        )
        if not response.ok:
            what = "the first comment was refused"
            if response.status == 403 and "insufficient" in response.text.lower():
                what += f" (it needs {COMMENT_SCOPE}: reconnect the channel to grant it)"
            raise self._error(response, creds, what)
        return str(response.json().get("id", ""))

    def refresh(self, creds: Credentials) -> Credentials:
        """Refresh through google-auth, riding on the shared HTTP client's session."""
        from google.auth.exceptions import RefreshError, TransportError
        from google.oauth2.credentials import Credentials as GoogleCredentials

        google = GoogleCredentials(
            token=creds.access_token,
            refresh_token=creds.refresh_token,
            token_uri=self.token_url,
            client_id=creds.client_id,
            client_secret=creds.client_secret,
            scopes=list(creds.scopes) or None,
        )
        try:
            google.refresh(self.http.google_auth_request())
        except RefreshError as error:
            retryable = getattr(error, "retryable", False)
            raise PlatformError(
                f"youtube: token refresh failed: {error.args[0] if error.args else error}",
                permanent=not retryable,
                kind=ErrorKind.TRANSIENT if retryable else ErrorKind.REVOKED,
                secrets=creds.secrets(),
            ) from error
        except TransportError as error:
            raise PlatformError(
                f"youtube: token endpoint unreachable: {error}",
                permanent=False,
                kind=ErrorKind.TRANSIENT,
                secrets=creds.secrets(),
            ) from error
        expires_at = google.expiry.replace(tzinfo=UTC) if google.expiry else None
        return with_token(
            creds, access_token=google.token, refresh_token=google.refresh_token or "", expires_at=expires_at
        )

    # --- helpers --------------------------------------------------------------------------
    @staticmethod
    def _auth(creds: Credentials) -> dict[str, str]:
        return {"Authorization": f"Bearer {creds.access_token}"}

    def _error(self, response: Response, creds: Credentials, what: str) -> PlatformError:
        body = response.json().get("error", {})
        errors = body.get("errors") or [{}]
        reason = errors[0].get("reason", "")
        detail = f"{what}: {body.get('message') or reason or response.text[:200] or response.status}"
        if response.status == 401:
            kind, permanent = ErrorKind.AUTH, False
        elif reason in _QUOTA_REASONS:
            error = self.error_from(response, detail, kind=ErrorKind.QUOTA, permanent=False, creds=creds)
            error.retry_after = seconds_until_pacific_midnight()
            return error
        elif response.status == 429 or reason in _RATE_REASONS:
            kind, permanent = ErrorKind.RATE_LIMITED, False
        elif response.status >= 500:
            kind, permanent = ErrorKind.TRANSIENT, False
        elif reason in _MEDIA_REASONS:
            kind, permanent = ErrorKind.INVALID_MEDIA, True
        else:
            kind, permanent = ErrorKind.POLICY, True
        return self.error_from(response, detail, kind=kind, permanent=permanent, creds=creds)


def video_title(request: PublishRequest) -> str:
    """snippet.title: required, at most 100 characters, no angle brackets. Without a title, the
    first line of the caption stands in (YouTube's own uploader uses the file name)."""
    candidates = (request.title, request.description.strip().splitlines()[0] if request.description.strip() else "")
    for candidate in (*candidates, os.path.splitext(os.path.basename(request.file_path))[0], "Untitled"):
        title = re.sub(r"\s+", " ", candidate.replace("<", "").replace(">", "")).strip()
        if title:
            return title[:TITLE_LIMIT].rstrip()
    return "Untitled"  # pragma: no cover - the last candidate always holds


def _count(stats: dict[str, Any], key: str) -> int | None:
    value = stats.get(key)
    return int(value) if value is not None else None
