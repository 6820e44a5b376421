"""TikTok Content Posting API: creator info, init (direct post or inbox draft), chunks, status.

References (developers.tiktok.com/doc/...): content-posting-api-reference-direct-post,
content-posting-api-reference-upload-video, content-posting-api-media-transfer-guide,
content-posting-api-reference-get-video-status, tiktok-api-v2-error-handling.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, NamedTuple

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

# The media transfer guide's "MB" is 2**20 bytes: its whole-upload example calls a
# 4,194,304-byte file "4 MB". The adapter and the emulator both count this way.
MB = 1024 * 1024
GB = 1024 * MB
PRIVACY_LEVELS = {
    "public": "PUBLIC_TO_EVERYONE",
    "friends": "MUTUAL_FOLLOW_FRIENDS",
    "followers": "FOLLOWER_OF_CREATOR",
    "private": "SELF_ONLY",
}
CAPTION_LIMIT = 2200  # "The maximum length is 2200 in UTF-16 runes" (Direct Post, post_info.title)
COVER_TIMESTAMP_MS = 1000  # the reference's example; TikTok falls back to the first frame if it is invalid
UPLOADABLE = frozenset({"video/mp4", "video/quicktime", "video/webm"})  # chunk PUT Content-Type

# error.code of an API answer -> (kind, permanent). From the error tables of the Direct Post,
# Upload and Get Post Status references and the v2 error handling page. The Direct Post page
# spells the parameter error `invalid_param`, the error handling page `invalid_params`.
API_ERRORS: dict[str, tuple[str, bool]] = {
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
    "url_ownership_unverified": (ErrorKind.NOT_CONFIGURED, True),
    "invalid_param": (ErrorKind.POLICY, True),
    "invalid_params": (ErrorKind.POLICY, True),
    "invalid_file_upload": (ErrorKind.INVALID_MEDIA, True),
    "internal_error": (ErrorKind.TRANSIENT, False),
}


class FailReason(NamedTuple):
    kind: str
    permanent: bool
    advice: str


# `fail_reason` of status/fetch -> what it means for the user. Every row of the "Fail reasons"
# table of https://developers.tiktok.com/doc/content-posting-api-reference-get-video-status ;
# retryable where the table says so ("internal": "This is a retryable error."; the pull
# failures: "a retry is recommended"), permanent where it says "Retry should not be done".
# A non-permanent failure left nothing posted: the next attempt starts a new upload.
FAIL_REASONS: dict[str, FailReason] = {
    "file_format_check_failed": FailReason(ErrorKind.INVALID_MEDIA, True, "TikTok does not support this file format"),
    "duration_check_failed": FailReason(ErrorKind.INVALID_MEDIA, True, "the video is too long or too short for TikTok"),
    "frame_rate_check_failed": FailReason(ErrorKind.INVALID_MEDIA, True, "TikTok needs 23 to 60 frames a second"),
    "picture_size_check_failed": FailReason(ErrorKind.INVALID_MEDIA, True, "TikTok needs 360 to 4096 pixels a side"),
    "internal": FailReason(ErrorKind.TRANSIENT, False, "TikTok had an internal error; uploading again"),
    "video_pull_failed": FailReason(ErrorKind.TRANSIENT, False, "TikTok could not fetch the video; trying again"),
    "photo_pull_failed": FailReason(ErrorKind.TRANSIENT, False, "TikTok could not fetch the photos; trying again"),
    "publish_cancelled": FailReason(ErrorKind.POLICY, True, "the upload was cancelled; it is not posted again unasked"),
    "auth_removed": FailReason(
        ErrorKind.REVOKED,
        True,
        "the creator removed ReelMill's access while TikTok processed it: reconnect the account",
    ),
    "spam_risk_too_many_posts": FailReason(
        ErrorKind.QUOTA, False, "this creator reached TikTok's 24-hour cap of API posts; trying again later"
    ),
    "spam_risk_user_banned_from_posting": FailReason(ErrorKind.POLICY, True, "TikTok banned this creator from posting"),
    "spam_risk_text": FailReason(ErrorKind.POLICY, True, "TikTok refused the caption as risky or spammy"),
    "spam_risk": FailReason(ErrorKind.POLICY, True, "TikTok refused this post as risky"),
}
_CAP_WAIT = 3600.0  # caps and pending drafts clear with time or the creator's action: look again in an hour
_CAPS = frozenset({"spam_risk_too_many_posts", "spam_risk_too_many_pending_share", "reached_active_user_cap"})
_CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+)")
_MAX_416_IN_A_ROW = 3


@dataclass(frozen=True)
class ChunkRules:
    """The media transfer guide's chunk rules (MB = 2**20 bytes); tests shrink them to run on small files.

    total_chunk_count = floor(video_size / chunk_size); each chunk 5..64 MB, the remainder joins
    the last chunk (at most 128 MB); a file under 5 MB goes whole; a file over 64 MB in several
    chunks; 1..1000 chunks; at most 4 GB in all.
    """

    min_chunk: int = 5 * MB  # files below this go whole
    max_chunk: int = 64 * MB
    max_last_chunk: int = 128 * MB
    max_chunks: int = 1000
    max_video_size: int = 4 * GB

    def plan(self, file_size: int, preferred: int) -> tuple[int, int]:
        """(chunk_size, total_chunk_count) for a file, as TikTok counts them."""
        if not 0 < file_size <= self.max_video_size:
            raise self._refused(f"a {file_size}-byte file cannot go to TikTok (1 byte to {self.max_video_size})")
        if file_size < self.min_chunk:
            return file_size, 1
        # Never declare a chunk larger than the file: floor(size / chunk) would be 0.
        chunk = min(max(preferred, self.min_chunk), self.max_chunk, file_size)
        if file_size > self.max_chunk:
            chunk = min(chunk, file_size // 2)  # "greater than 64 MB must be uploaded in multiple chunks"
        if file_size // chunk > self.max_chunks:
            chunk = -(-file_size // self.max_chunks)
        count = file_size // chunk
        last = file_size - chunk * (count - 1)
        if chunk > self.max_chunk or last > self.max_last_chunk or count > self.max_chunks:
            raise self._refused(f"a {file_size}-byte file cannot be cut into at most {self.max_chunks} chunks")
        return chunk, count

    @staticmethod
    def _refused(message: str) -> PlatformError:
        return PlatformError(f"tiktok: {message}", permanent=True, kind=ErrorKind.INVALID_MEDIA)


class TikTokAdapter(PlatformAdapter):
    name = "tiktok"
    privacy_options = tuple(PRIVACY_LEVELS)  # TikTok has no "unlisted"
    settings_map: ClassVar[dict[str, tuple[str, str]]] = {
        "api_base_url": ("TIKTOK_API_BASE_URL", "https://open.tiktokapis.com"),
    }

    def __init__(
        self,
        *,
        api_base_url: str,
        chunk_size: int = 10 * MB,
        chunk_rules: ChunkRules | None = None,
        poll_interval: float = 5.0,
        max_polls: int = 60,
        max_reinits: int = 2,
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
        self.max_reinits = max_reinits  # new upload URLs one send may ask for after the old one expired

    # --- upload ---------------------------------------------------------------------------
    def creator_info(self, creds: Credentials) -> dict[str, Any]:
        return self._api("POST", "/v2/post/publish/creator_info/query/", creds, {})

    def start(self, request, creds, session, persist) -> None:
        inbox = request.options.get("tiktok_mode", "direct") == "inbox"
        if request.content_type not in UPLOADABLE:
            raise PlatformError(
                f"tiktok: a {request.content_type} file cannot be uploaded (only {', '.join(sorted(UPLOADABLE))})",
                permanent=True,
                kind=ErrorKind.INVALID_MEDIA,
            )
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
        session.bytes_confirmed = 0
        session.extra["chunk_count"] = count
        session.extra["inbox"] = inbox
        session.state = SessionState.UPLOADING
        persist(session)

    def _post_info(self, request: PublishRequest, info: dict[str, Any]) -> dict[str, Any]:
        """Every post_info field of the Direct Post reference, the required ones always."""
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
        options = request.options
        caption = "\n\n".join(part for part in (request.title.strip(), request.caption()) if part)
        return {
            "title": fit_utf16(caption, CAPTION_LIMIT),
            "privacy_level": level,
            "disable_comment": _flag(options, "disable_comment") or bool(info.get("comment_disabled")),
            "disable_duet": _flag(options, "disable_duet") or bool(info.get("duet_disabled")),
            "disable_stitch": _flag(options, "disable_stitch") or bool(info.get("stitch_disabled")),
            "video_cover_timestamp_ms": self._cover_timestamp(request),
            # Commercial content disclosures: a paid partnership / the creator's own business.
            "brand_content_toggle": _flag(options, "brand_content_toggle"),
            "brand_organic_toggle": _flag(options, "brand_organic_toggle"),
            # AI-generated content: `synthetic` is the platform-neutral option, `is_aigc` TikTok's name.
            "is_aigc": _flag(options, "synthetic", "is_aigc"),
        }

    @staticmethod
    def _cover_timestamp(request: PublishRequest) -> int:
        try:
            cover = max(0, int(request.options.get("video_cover_timestamp_ms", COVER_TIMESTAMP_MS)))
        except (TypeError, ValueError):
            cover = COVER_TIMESTAMP_MS
        if request.duration_seconds is not None and cover >= request.duration_seconds * 1000:
            cover = 0
        return cover

    def _chunk_length(self, session: UploadSession, first: int) -> int:
        index = first // session.chunk_size
        last_index = session.extra["chunk_count"] - 1
        return session.total_bytes - first if index >= last_index else session.chunk_size

    def _on_plan(self, session: UploadSession, offset: int) -> bool:
        """True when `offset` is where a chunk of the plan starts, or the end of the file."""
        if offset == session.total_bytes:
            return True
        return (
            0 <= offset < session.total_bytes
            and offset % session.chunk_size == 0
            and (offset // session.chunk_size < session.extra["chunk_count"])
        )

    def send(self, request, creds, session, persist, on_progress: Progress = _ignore) -> None:
        """Chunks in order from the confirmed offset. 416: continue from the progress TikTok
        reports. 403/404: the upload URL expired (it lives an hour) or is gone: a new init for
        the same video, unless TikTok already holds every byte."""
        persist(session)
        refused_in_a_row = reinits = 0
        while session.bytes_confirmed < session.total_bytes:
            first = session.bytes_confirmed
            length = self._chunk_length(session, first)
            response = self.put_range(request, creds, session, persist, first, length)
            if response.status in (200, 201, 206):
                held, refused_in_a_row = first + length, 0
            elif response.status == 416:
                refused_in_a_row += 1
                if refused_in_a_row > _MAX_416_IN_A_ROW:  # the answers contradict each other: ask again later
                    raise self._transient(response, f"TikTok keeps refusing the chunk at {first} (416)")
                held = self._held_bytes(response, request, creds, session)
            elif response.status in (403, 404):
                if reinits >= self.max_reinits:
                    raise self._transient(response, f"the upload URL expired {reinits + 1} times during one upload")
                reinits += 1
                held = self._after_expiry(request, creds, session, persist)
            else:
                raise self._error(response, creds, "the chunk upload was refused")
            session.bytes_confirmed = held
            persist(session)
            on_progress(session.bytes_confirmed, session.total_bytes)
        session.state = SessionState.UPLOADED
        persist(session)

    def _held_bytes(self, response: Response, request, creds, session: UploadSession) -> int:
        """Bytes TikTok holds, from a 416's `Content-Range: bytes 0-{uploaded}/{total}`.

        The guide's number is the count of bytes uploaded; an HTTP-style last index (count - 1)
        is accepted too: whichever lands on the plan's chunk boundary. Without a usable header,
        ask status/fetch."""
        match = _CONTENT_RANGE.fullmatch(response.headers.get("Content-Range", "").strip())
        if match and int(match.group(3)) == session.total_bytes:
            end = int(match.group(2))
            for held in (end, end + 1):
                if self._on_plan(session, held):
                    return held
        offset = self.query_offset(request, creds, session)
        if offset is None:  # resuming asks again and starts a new upload if TikTok forgot this one
            raise self._transient(response, "TikTok answered 416 and no longer knows this upload")
        return offset

    def _after_expiry(self, request, creds, session: UploadSession, persist) -> int:
        """The upload URL no longer takes bytes. If TikTok holds the whole file, nothing is sent
        or started again (that would be a second post); otherwise a new init for the same video."""
        data = self._fetch_status(creds, session)
        if data is not None and self._holds_everything(data, session):
            return session.total_bytes
        abandoned = [*session.extra.get("abandoned_publish_ids", []), session.publish_id]
        session.restart()
        session.extra["abandoned_publish_ids"] = abandoned
        self.start(request, creds, session, persist)
        return 0

    @staticmethod
    def _holds_everything(data: dict[str, Any], session: UploadSession) -> bool:
        state = data.get("status", "")
        if state in ("SEND_TO_USER_INBOX", "PUBLISH_COMPLETE"):
            return True
        return state != "FAILED" and int(data.get("uploaded_bytes") or 0) >= session.total_bytes

    def query_offset(self, request, creds, session) -> int | None:
        """TikTok reports `uploaded_bytes`; chunks are fixed at init, so resume at the chunk holding it.

        None (start a new upload) when TikTok forgot it or failed it retryably; a failure that
        says "do not retry" (auth_removed...) is raised instead."""
        data = self._fetch_status(creds, session)
        if data is None:
            return None
        if data.get("status") == "FAILED":
            reason = FAIL_REASONS.get(data.get("fail_reason", ""))
            if reason is not None and reason.permanent:
                raise self.failure(PublishResult(session.publish_id, "", PublishStatus.FAILED, raw=data))
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
                raise self.failure(result)
            if result.status == PublishStatus.NOT_FOUND:
                # Nothing was posted (a retryable fail_reason, or TikTok forgot the upload):
                # the next attempt starts a new upload of the same video.
                failure = self.failure(result) if result.raw.get("fail_reason") else None
                session.restart()
                raise failure or PlatformError(
                    "tiktok: TikTok has no trace of the finished upload; uploading again",
                    permanent=False,
                    kind=ErrorKind.TRANSIENT,
                )
            if result.status not in (PublishStatus.UPLOADED, PublishStatus.PROCESSING):
                return result
            if poll + 1 < self.max_polls:
                self.retry.sleep(self.poll_interval)
        return result

    def failure(self, result: PublishResult) -> PlatformError:
        """The error for a FAILED status, from the fail_reason table (see FAIL_REASONS)."""
        reason = result.raw.get("fail_reason") or "unknown"
        known = FAIL_REASONS.get(reason)
        kind, permanent = (known.kind, known.permanent) if known else (ErrorKind.INVALID_MEDIA, True)
        advice = f": {known.advice}" if known else ""
        error = PlatformError(f"tiktok: publishing failed: {reason}{advice}", permanent=permanent, kind=kind)
        if reason in _CAPS:
            error.retry_after = _CAP_WAIT
        return error

    def status(self, creds, session) -> PublishResult:
        """What TikTok says now. A FAILED upload whose fail_reason is retryable left nothing
        posted: it is reported as NOT_FOUND (start again), the reason kept in `raw`."""
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
            reason = FAIL_REASONS.get(data.get("fail_reason", ""))
            status = PublishStatus.NOT_FOUND if reason and not reason.permanent else PublishStatus.FAILED
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
        if not response.ok or _error_of(response).get("code", "ok") != "ok":
            raise self._error(response, creds, path.rstrip("/").rsplit("/", 2)[-2] + " failed")
        return response.json().get("data") or {}

    def _error(self, response: Response, creds: Credentials, what: str) -> PlatformError:
        error = _error_of(response)
        code = str(error.get("code") or "")
        kind, permanent = API_ERRORS.get(code, (None, True))
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
        if code in _CAPS and failure.retry_after is None:
            failure.retry_after = _CAP_WAIT
        elif kind == ErrorKind.RATE_LIMITED and failure.retry_after is None:
            failure.retry_after = 10.0  # init allows 6 a minute per token
        return failure

    def _transient(self, response: Response, message: str) -> PlatformError:
        return PlatformError(
            f"tiktok: {message}", permanent=False, kind=ErrorKind.TRANSIENT, status=response.status, body=response.text
        )


def _error_of(response: Response) -> dict[str, Any]:
    """The `error` object of an answer ({code, message, log_id}); empty when there is none."""
    error = response.json().get("error")
    return error if isinstance(error, dict) else {}


def fit_utf16(text: str, limit: int) -> str:
    """`text` cut to at most `limit` UTF-16 code units (TikTok's "runes"), never inside a character."""
    if len(text.encode("utf-16-le")) // 2 <= limit:
        return text
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return text[:index]
    return text


def _flag(options: dict[str, Any], *names: str) -> bool:
    """An on/off option as a bool; strings from forms or JSON ("false", "0") count as off."""
    for name in names:
        value = options.get(name)
        if isinstance(value, str):
            value = value.strip().lower() in {"1", "true", "yes", "on"}
        if value:
            return True
    return False
