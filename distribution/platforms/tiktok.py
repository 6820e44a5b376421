"""TikTok Content Posting API: creator info, init (direct post or inbox draft), chunks, status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from common.http_client import Response
from distribution.platforms.base import (
    Credentials,
    ErrorKind,
    Metrics,
    PlatformAdapter,
    PlatformError,
    Progress,
    PublishResult,
    PublishStatus,
    SessionState,
    UploadSession,
    _ignore,
    with_token,
)

MIB = 1024 * 1024
PRIVACY_LEVELS = {
    "public": "PUBLIC_TO_EVERYONE",
    "friends": "MUTUAL_FOLLOW_FRIENDS",
    "followers": "FOLLOWER_OF_CREATOR",
    "private": "SELF_ONLY",
}
CAPTION_LIMIT = 2200
# error code (API answers and status fail_reason) -> (kind, permanent)
_ERRORS: dict[str, tuple[str, bool]] = {
    "access_token_invalid": (ErrorKind.AUTH, False),
    "scope_not_authorized": (ErrorKind.REVOKED, True),
    "scope_permission_missed": (ErrorKind.REVOKED, True),
    "rate_limit_exceeded": (ErrorKind.RATE_LIMITED, False),
    "spam_risk_too_many_posts": (ErrorKind.QUOTA, False),
    "spam_risk_too_many_pending_share": (ErrorKind.QUOTA, False),
    "reached_active_user_cap": (ErrorKind.QUOTA, False),
    "spam_risk_user_banned_from_posting": (ErrorKind.POLICY, True),
    "spam_risk": (ErrorKind.POLICY, True),
    "unaudited_client_can_only_post_to_private_accounts": (ErrorKind.PRIVATE_ONLY, True),
    "privacy_level_option_mismatch": (ErrorKind.POLICY, True),
    "invalid_params": (ErrorKind.POLICY, True),
    "file_format_check_failed": (ErrorKind.INVALID_MEDIA, True),
    "duration_check_failed": (ErrorKind.INVALID_MEDIA, True),
    "frame_rate_check_failed": (ErrorKind.INVALID_MEDIA, True),
    "picture_size_check_failed": (ErrorKind.INVALID_MEDIA, True),
    "invalid_file_upload": (ErrorKind.INVALID_MEDIA, True),
    "internal_error": (ErrorKind.TRANSIENT, False),
}
_PENDING_DRAFTS_WAIT = 3600.0  # drafts clear when the creator acts on them: look again in an hour


@dataclass(frozen=True)
class ChunkRules:
    """TikTok's chunking rules; production keeps the defaults, tests shrink them to run on small files."""

    min_chunk: int = 5 * MIB  # files below this go whole
    max_chunk: int = 64_000_000
    max_last_chunk: int = 128_000_000
    max_chunks: int = 1000

    def plan(self, file_size: int, preferred: int) -> tuple[int, int]:
        """(chunk_size, total_chunk_count): the last chunk takes the remainder, as TikTok counts."""
        if file_size < self.min_chunk:
            return file_size, 1
        chunk = min(max(preferred, self.min_chunk), self.max_chunk)
        if file_size // chunk > self.max_chunks:
            chunk = -(-file_size // self.max_chunks)
        count = max(1, file_size // chunk)
        last = file_size - chunk * (count - 1)
        if chunk > self.max_chunk or last > self.max_last_chunk:
            raise PlatformError(
                f"tiktok: a {file_size}-byte file cannot be cut into at most {self.max_chunks} chunks",
                permanent=True,
                kind=ErrorKind.INVALID_MEDIA,
            )
        return chunk, count


class TikTokAdapter(PlatformAdapter):
    name = "tiktok"
    settings_map: ClassVar[dict[str, tuple[str, str]]] = {
        "api_base_url": ("TIKTOK_API_BASE_URL", "https://open.tiktokapis.com"),
    }

    def __init__(
        self,
        *,
        api_base_url: str,
        chunk_size: int = 10 * MIB,
        chunk_rules: ChunkRules | None = None,
        poll_interval: float = 5.0,
        max_polls: int = 60,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.api_base_url = api_base_url.rstrip("/")
        self.chunk_rules = chunk_rules or ChunkRules()
        if not self.chunk_rules.min_chunk <= chunk_size <= self.chunk_rules.max_chunk:
            raise ValueError(
                f"TikTok chunk_size must be within {self.chunk_rules.min_chunk}..{self.chunk_rules.max_chunk}"
            )
        self.chunk_size = chunk_size
        self.poll_interval = poll_interval
        self.max_polls = max_polls

    # --- upload ---------------------------------------------------------------------------
    def creator_info(self, creds: Credentials) -> dict[str, Any]:
        return self._api("POST", "/v2/post/publish/creator_info/query/", creds, {})

    def start(self, request, creds, session, persist) -> None:
        inbox = request.options.get("tiktok_mode", "direct") == "inbox"
        chunk_size, count = self.chunk_rules.plan(request.file_size, self.chunk_size)
        source = {"source": "FILE_UPLOAD", "video_size": request.file_size, "chunk_size": chunk_size,
                  "total_chunk_count": count}  # fmt: skip
        if inbox:
            data = self._api("POST", "/v2/post/publish/inbox/video/init/", creds, {"source_info": source})
        else:
            info = self.creator_info(creds)
            session.extra["username"] = info.get("creator_username", "")
            body = {"post_info": self._post_info(request, info), "source_info": source}
            data = self._api("POST", "/v2/post/publish/video/init/", creds, body)
        session.publish_id = data["publish_id"]
        session.session_url = data["upload_url"]
        session.total_bytes, session.chunk_size = request.file_size, chunk_size
        session.extra["chunk_count"] = count
        session.extra["inbox"] = inbox
        session.state = SessionState.UPLOADING
        persist(session)

    def _post_info(self, request, info: dict[str, Any]) -> dict[str, Any]:
        level = PRIVACY_LEVELS.get(request.privacy)
        allowed = info.get("privacy_level_options", [])
        if level is None or level not in allowed:
            raise PlatformError(
                f"tiktok: privacy {request.privacy!r} is not offered to this creator (allowed: {', '.join(allowed)})",
                permanent=True,
                kind=ErrorKind.POLICY,
            )
        longest = info.get("max_video_post_duration_sec")
        if request.duration_seconds and longest and request.duration_seconds > longest:
            raise PlatformError(
                f"tiktok: the video lasts {request.duration_seconds:.0f} s; this creator may post at most {longest} s",
                permanent=True,
                kind=ErrorKind.INVALID_MEDIA,
            )
        caption = "\n\n".join(part for part in (request.title.strip(), request.caption()) if part)
        return {
            "title": caption[:CAPTION_LIMIT],
            "privacy_level": level,
            "disable_comment": bool(request.options.get("disable_comment") or info.get("comment_disabled")),
            "disable_duet": bool(request.options.get("disable_duet") or info.get("duet_disabled")),
            "disable_stitch": bool(request.options.get("disable_stitch") or info.get("stitch_disabled")),
            "is_aigc": bool(request.options.get("is_aigc", False)),
        }

    def _chunk_length(self, session: UploadSession, first: int) -> int:
        index = first // session.chunk_size
        last_index = session.extra["chunk_count"] - 1
        return session.total_bytes - first if index >= last_index else session.chunk_size

    def send(self, request, creds, session, persist, on_progress: Progress = _ignore) -> None:
        def put_chunk(first: int, length: int) -> int:
            response = self.put_range(request, creds, session, persist, first, length)
            if response.status in (201, 206, 200):
                return first + length
            raise self._error(response, creds, "the chunk upload was refused")

        self.send_chunks(
            session, persist, on_progress, chunk_length=lambda first: self._chunk_length(session, first),
            put_chunk=put_chunk,
        )  # fmt: skip

    def query_offset(self, request, creds, session) -> int | None:
        """TikTok reports `uploaded_bytes`; chunks are fixed at init, so resume at the chunk holding it."""
        data = self._fetch_status(creds, session)
        if data is None or data.get("status") == "FAILED":
            return None
        uploaded = int(data.get("uploaded_bytes") or 0)
        if uploaded >= session.total_bytes:
            return session.total_bytes
        last_start = session.chunk_size * (session.extra["chunk_count"] - 1)
        return min((uploaded // session.chunk_size) * session.chunk_size, last_start)

    def finish(self, request, creds, session) -> PublishResult:
        for poll in range(self.max_polls):
            result = self.status(creds, session)
            if result.status == PublishStatus.FAILED:
                reason = result.raw.get("fail_reason", "unknown")
                kind, permanent = _ERRORS.get(reason, (ErrorKind.INVALID_MEDIA, True))
                raise PlatformError(f"tiktok: publishing failed: {reason}", permanent=permanent, kind=kind)
            if result.status not in (PublishStatus.UPLOADED, PublishStatus.PROCESSING):
                return result
            if poll + 1 < self.max_polls:
                self.retry.sleep(self.poll_interval)
        return result

    def status(self, creds, session) -> PublishResult:
        data = self._fetch_status(creds, session)
        if data is None:
            return PublishResult("", "", PublishStatus.NOT_FOUND)
        state = data.get("status", "")
        post_ids = data.get("publicaly_available_post_id") or []  # TikTok's spelling
        remote_id = str(post_ids[0]) if post_ids else session.publish_id
        username = session.extra.get("username", "")
        url = f"https://www.tiktok.com/@{username}/video/{post_ids[0]}" if post_ids and username else ""
        if state == "PUBLISH_COMPLETE":
            status = PublishStatus.PUBLISHED
        elif state == "SEND_TO_USER_INBOX":
            status = PublishStatus.DRAFT
        elif state == "FAILED":
            status = PublishStatus.FAILED
        elif int(data.get("uploaded_bytes") or 0) < session.total_bytes and state == "PROCESSING_UPLOAD":
            status = PublishStatus.INCOMPLETE
        else:
            status = PublishStatus.UPLOADED
        return PublishResult(remote_id, url, status, raw=data)

    def _fetch_status(self, creds: Credentials, session: UploadSession) -> dict[str, Any] | None:
        if not session.publish_id:
            return None
        try:
            return self._api("POST", "/v2/post/publish/status/fetch/", creds, {"publish_id": session.publish_id})
        except PlatformError as error:
            if error.status == 404 or "invalid_publish_id" in error.body:
                return None
            raise

    # --- metrics and tokens ---------------------------------------------------------------
    def fetch_metrics(self, remote_id: str, creds: Credentials) -> Metrics:
        data = self._api(
            "POST",
            "/v2/video/query/",
            creds,
            {"filters": {"video_ids": [remote_id]}},
            params={"fields": "id,view_count,like_count,comment_count,share_count"},
        )
        videos = data.get("videos") or [{}]
        video = videos[0]
        return Metrics(
            views=video.get("view_count"),
            likes=video.get("like_count"),
            comments=video.get("comment_count"),
            shares=video.get("share_count"),
        )

    def refresh(self, creds: Credentials) -> Credentials:
        response = self.call(
            "POST",
            f"{self.api_base_url}/v2/oauth/token/",
            creds,
            form={
                "client_key": creds.client_id,
                "client_secret": creds.client_secret,
                "grant_type": "refresh_token",
                "refresh_token": creds.refresh_token,
            },
        )
        data = response.json()
        if not response.ok or "access_token" not in data:
            transient = response.status >= 500 or response.status == 429
            raise self.error_from(
                response,
                f"token refresh failed: {data.get('error_description') or data.get('error') or response.status}",
                kind=ErrorKind.TRANSIENT if transient else ErrorKind.REVOKED,
                permanent=not transient,
                creds=creds,
            )
        expires_at = datetime.now(UTC) + timedelta(seconds=int(data.get("expires_in", 86400)))
        scopes = tuple(data["scope"].split(",")) if data.get("scope") else creds.scopes
        return with_token(
            creds,
            access_token=data["access_token"],
            refresh_token=data.get("refresh_token", ""),
            expires_at=expires_at,
            scopes=scopes,
            open_id=data.get("open_id", creds.open_id),
        )

    # --- helpers --------------------------------------------------------------------------
    def _api(self, method: str, path: str, creds: Credentials, body: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        response = self.call(
            method,
            f"{self.api_base_url}{path}",
            creds,
            headers={
                "Authorization": f"Bearer {creds.access_token}",
                "Content-Type": "application/json; charset=UTF-8",
            },
            json_body=body,
            **kwargs,
        )
        error = response.json().get("error") or {}
        if not response.ok or error.get("code", "ok") != "ok":
            raise self._error(response, creds, path.rstrip("/").rsplit("/", 2)[-2] + " failed")
        return response.json().get("data") or {}

    def _error(self, response: Response, creds: Credentials, what: str) -> PlatformError:
        error = response.json().get("error") or {}
        code = error.get("code") or ""
        kind, permanent = _ERRORS.get(code, (None, True))
        if kind is None:
            if response.status == 401:
                kind, permanent = ErrorKind.AUTH, False
            elif response.status == 429:
                kind, permanent = ErrorKind.RATE_LIMITED, False
            elif response.status >= 500:
                kind, permanent = ErrorKind.TRANSIENT, False
            else:
                kind = ErrorKind.POLICY
        detail = f"{what}: {code or response.status}: {error.get('message') or response.text[:200]}"
        failure = self.error_from(response, detail, kind=kind, permanent=permanent, creds=creds)
        if code == "spam_risk_too_many_pending_share":
            failure.retry_after = _PENDING_DRAFTS_WAIT
        elif kind == ErrorKind.RATE_LIMITED and failure.retry_after is None:
            failure.retry_after = 10.0  # init allows 6 a minute per token
        return failure
