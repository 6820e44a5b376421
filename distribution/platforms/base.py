"""The contract every platform adapter keeps: value objects, the one error type, the publish loop.

An upload is a small state machine held in an `UploadSession` that the caller persists:

    new --start--> uploading --send/resume--> uploaded --finish--> done
                        \\_____ timeout after the last byte ____> unknown --status--> ...

`persist(session)` is called before any byte is sent and after every confirmed chunk, so a
process that dies mid-upload resumes from the last confirmed byte instead of starting over.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, ClassVar

from common.http_client import FileSlice, HttpClient, Response, TransportError, redact

logger = logging.getLogger(__name__)


class ErrorKind:
    AUTH = "auth"  # token invalid or expired: refresh once
    REVOKED = "revoked"  # the user withdrew consent or the refresh token is dead: reconnect
    QUOTA = "quota"  # a daily quota or cap is spent: retry after the reset
    RATE_LIMITED = "rate_limited"  # short-term throttling: honour Retry-After
    TRANSIENT = "transient"  # 5xx, dropped connections
    POLICY = "policy"  # the platform refuses this post (privacy option, content rules, bad field)
    INVALID_MEDIA = "invalid_media"  # the file itself is refused
    UNKNOWN_OUTCOME = "unknown_outcome"  # every byte sent, no answer: reconcile with status()
    PRIVATE_ONLY = "private_only"  # an unaudited app may only post privately (TikTok)
    NOT_CONFIGURED = "not_configured"  # ReelMill lacks a setting this platform needs
    UNSUPPORTED = "unsupported"  # the platform's API has no such thing (a comment on TikTok)

    RETRYABLE = frozenset({RATE_LIMITED, TRANSIENT})


class PlatformError(Exception):
    """The one error adapters raise. `permanent` tells the caller whether trying again can help.

    Message and body pass through `redact`, so a token echoed by a platform never reaches a log.
    """

    def __init__(
        self,
        message: str,
        *,
        permanent: bool,
        kind: str,
        retry_after: float | None = None,
        status: int | None = None,
        body: str = "",
        secrets: tuple[str, ...] = (),
    ) -> None:
        self.message = redact(message, secrets)
        self.permanent = permanent
        self.kind = kind
        self.retry_after = retry_after
        self.status = status
        self.body = redact(body, secrets)[:2000]
        super().__init__(self.message)

    def __repr__(self) -> str:
        return f"PlatformError({self.message!r}, kind={self.kind!r}, permanent={self.permanent}, status={self.status})"


class SessionState:
    NEW = "new"
    UPLOADING = "uploading"
    UPLOADED = "uploaded"
    UNKNOWN = "unknown"
    DONE = "done"


class PublishStatus:
    PUBLISHED = "published"
    SCHEDULED = "scheduled"
    DRAFT = "draft"  # sent to the creator's inbox (TikTok) to finish in the app
    PROCESSING = "processing"  # the platform has the bytes and is still working on them
    INCOMPLETE = "incomplete"  # the platform is missing bytes: resume
    UPLOADED = "uploaded"  # every byte is there, the post is not made yet: finish
    FAILED = "failed"
    NOT_FOUND = "not_found"  # the platform has no trace of it: safe to start again


@dataclass(frozen=True)
class PublishRequest:
    file_path: str
    file_size: int
    content_type: str = "video/mp4"
    title: str = ""
    description: str = ""
    hashtags: list[str] = field(default_factory=list)
    privacy: str = "public"  # public | unlisted | private | friends
    scheduled_at: datetime | None = None  # aware
    duration_seconds: float | None = None
    options: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.scheduled_at is not None and self.scheduled_at.utcoffset() is None:
            raise ValueError("scheduled_at must be an aware datetime")

    def caption(self) -> str:
        """Description followed by the hashtags, each once, with a leading '#'."""
        tags = " ".join(f"#{tag.lstrip('#')}" for tag in dict.fromkeys(self.hashtags))
        return "\n\n".join(part for part in (self.description.strip(), tags) if part)


@dataclass(frozen=True)
class Credentials:
    access_token: str
    refresh_token: str = ""
    expires_at: datetime | None = None
    scopes: tuple[str, ...] = ()
    client_id: str = ""
    client_secret: str = ""
    page_id: str = ""  # Facebook
    ig_user_id: str = ""  # Instagram
    channel_id: str = ""  # YouTube
    open_id: str = ""  # TikTok

    def secrets(self) -> tuple[str, ...]:
        return tuple(value for value in (self.access_token, self.refresh_token, self.client_secret) if value)

    def __repr__(self) -> str:  # dataclass repr would print the tokens
        return f"Credentials(expires_at={self.expires_at!r}, scopes={self.scopes!r})"


@dataclass
class UploadSession:
    state: str = SessionState.NEW
    session_url: str = ""  # YouTube session URI, TikTok/Facebook upload URL
    publish_id: str = ""  # TikTok
    video_id: str = ""  # YouTube / Facebook
    container_id: str = ""  # Instagram
    bytes_confirmed: int = 0
    total_bytes: int = 0
    chunk_size: int = 0  # fixed at start where the platform needs it (TikTok)
    extra: dict[str, Any] = field(default_factory=dict)

    def restart(self) -> None:
        """The platform forgot the session: start over with nothing confirmed."""
        self.state, self.session_url, self.publish_id, self.video_id, self.container_id = (SessionState.NEW,) + (
            "",
        ) * 4
        self.bytes_confirmed, self.chunk_size, self.extra = 0, 0, {}


@dataclass(frozen=True)
class PublishResult:
    remote_id: str
    url: str
    status: str
    privacy_forced: bool = False
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Metrics:
    """Counts the platform reports; None where it does not report that count."""

    views: int | None = None
    likes: int | None = None
    comments: int | None = None
    shares: int | None = None
    saves: int | None = None


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 10
    base_delay: float = 1.0
    max_delay: float = 120.0
    # A Retry-After longer than this is handed back to the caller to reschedule instead of slept.
    max_wait: float = 600.0
    sleep: Callable[[float], None] = time.sleep
    jitter: Callable[[], float] = random.random

    def delay(self, attempt: int, retry_after: float | None) -> float:
        backoff = min(self.max_delay, self.base_delay * 2**attempt) * (0.5 + self.jitter() / 2)
        return max(backoff, retry_after or 0.0)


Persist = Callable[[UploadSession], None]
Progress = Callable[[int, int], None]


def _ignore(*_args: Any) -> None:
    return None


# How each platform calls itself in messages, for adapters that do not say.
PLATFORM_LABELS = {"youtube": "YouTube", "tiktok": "TikTok", "facebook": "Facebook", "instagram": "Instagram"}


class PlatformAdapter:
    """One outside platform. Subclasses implement the protocol steps; `publish` drives them."""

    name: ClassVar[str] = ""
    # The privacy values the platform has; None: it takes whatever ReelMill offers (or ignores it).
    privacy_options: ClassVar[tuple[str, ...] | None] = None
    # constructor argument -> (setting name, production default); read by `get_adapter`
    settings_map: ClassVar[dict[str, tuple[str, str]]] = {}

    def __init__(self, *, http: HttpClient | None = None, retry: RetryPolicy | None = None) -> None:
        self.http = http or HttpClient()
        self.retry = retry or RetryPolicy()

    # --- checks before anything is sent ---------------------------------------------------
    @classmethod
    def allowed_privacy(cls) -> tuple[str, ...] | None:
        """The privacy values this platform has (None: no restriction to check here)."""
        return cls.privacy_options

    @classmethod
    def check_options(cls, *, privacy: str, options: dict[str, Any] | None = None) -> None:
        """Refuse a privacy or option the platform does not have, before an upload is registered.

        Raises a permanent PlatformError (kind POLICY) with a message for the user; needs no
        credentials and sends nothing, so services can call it when they create the upload."""
        allowed = cls.allowed_privacy()
        if allowed is not None and privacy not in allowed:
            label = PLATFORM_LABELS.get(cls.name, cls.name)
            choices = f"{', '.join(allowed[:-1])} or {allowed[-1]}" if len(allowed) > 1 else "".join(allowed)
            raise PlatformError(
                f"{cls.name}: {label} has no privacy {privacy!r}: choose {choices}",
                permanent=True,
                kind=ErrorKind.POLICY,
            )

    # --- protocol steps -------------------------------------------------------------------
    def start(self, request: PublishRequest, creds: Credentials, session: UploadSession, persist: Persist) -> None:
        """Open the platform's upload session, fill `session`, persist it. No media bytes yet."""
        raise NotImplementedError

    def send(
        self,
        request: PublishRequest,
        creds: Credentials,
        session: UploadSession,
        persist: Persist,
        on_progress: Progress = _ignore,
    ) -> None:
        """Stream the file from `session.bytes_confirmed` to the end, persisting each confirmed chunk."""
        raise NotImplementedError

    def query_offset(self, request: PublishRequest, creds: Credentials, session: UploadSession) -> int | None:
        """How many bytes the platform holds for this session; None when the session is gone."""
        return session.bytes_confirmed

    def resume(
        self,
        request: PublishRequest,
        creds: Credentials,
        session: UploadSession,
        persist: Persist,
        on_progress: Progress = _ignore,
    ) -> None:
        """Ask the platform how far it got, then send only what is missing (or start over if it forgot)."""
        offset = self.query_offset(request, creds, session)
        if offset is None:
            logger.info("%s upload session expired; starting a new one", self.name)
            session.restart()
            self.start(request, creds, session, persist)
            offset = 0
        session.bytes_confirmed = offset
        persist(session)
        if session.state == SessionState.UPLOADING:
            self.send(request, creds, session, persist, on_progress)

    def finish(self, request: PublishRequest, creds: Credentials, session: UploadSession) -> PublishResult:
        raise NotImplementedError

    def status(self, creds: Credentials, session: UploadSession) -> PublishResult:
        """What the platform says about this upload now (reconciliation after an unknown outcome, polling)."""
        raise NotImplementedError

    def fetch_metrics(self, remote_id: str, creds: Credentials) -> Metrics:
        raise NotImplementedError

    def refresh(self, creds: Credentials) -> Credentials:
        """New credentials with a fresh access token; the refresh token is kept when none is returned."""
        raise NotImplementedError

    def post_comment(self, creds: Credentials, remote_id: str, text: str) -> str:
        """Comment `text` on the published post `remote_id`; returns the comment's id.

        Raises PlatformError like the other steps (kind AUTH: refresh and call again); this
        default, for platforms whose API has no comments, raises kind UNSUPPORTED, permanent."""
        label = PLATFORM_LABELS.get(self.name, self.name)
        raise PlatformError(
            f"{self.name}: {label}'s API has no comments: the first comment was not posted",
            permanent=True,
            kind=ErrorKind.UNSUPPORTED,
        )

    # --- the whole flow -------------------------------------------------------------------
    def publish(
        self,
        request: PublishRequest,
        creds: Credentials,
        session: UploadSession,
        persist: Persist = _ignore,
        on_progress: Progress = _ignore,
        *,
        on_credentials: Callable[[Credentials], None] = _ignore,
    ) -> PublishResult:
        """Drive start/send/finish with retries; raise PlatformError when it cannot succeed now.

        Transient and rate-limited failures back off (exponential, jittered, Retry-After
        honoured) and resume from what the platform holds; an auth failure refreshes the token
        once (`on_credentials` receives the new ones to store) and is permanent the second time.
        An unknown outcome is never retried here: the caller reconciles it with `status`, or
        calls `publish` again with the same session, which reconciles before sending anything.
        """
        refreshed = False
        interrupted = session.state != SessionState.NEW
        for attempt in range(self.retry.max_attempts):
            try:
                return self._run(request, creds, session, persist, on_progress, interrupted)
            except PlatformError as error:
                interrupted = True
                persist(session)
                if error.kind == ErrorKind.AUTH and not refreshed:
                    refreshed = True
                    creds = self.refresh(creds)
                    on_credentials(creds)
                    continue
                if error.kind == ErrorKind.AUTH:
                    raise PlatformError(
                        f"{self.name}: still unauthorised after refreshing the token: {error.message}",
                        permanent=True,
                        kind=ErrorKind.AUTH,
                        status=error.status,
                        body=error.body,
                    ) from error
                if error.kind not in ErrorKind.RETRYABLE or attempt + 1 >= self.retry.max_attempts:
                    raise
                if (error.retry_after or 0) > self.retry.max_wait:
                    raise
                delay = self.retry.delay(attempt, error.retry_after)
                logger.warning("%s; retrying in %.1f s", error.message, delay)
                self.retry.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

    def _run(
        self,
        request: PublishRequest,
        creds: Credentials,
        session: UploadSession,
        persist: Persist,
        on_progress: Progress,
        interrupted: bool,
    ) -> PublishResult:
        if session.state == SessionState.UNKNOWN:
            found = self._reconcile(creds, session, persist)
            if found is not None:
                return found
        if session.state == SessionState.NEW:
            session.total_bytes = request.file_size
            self.start(request, creds, session, persist)
        if session.state == SessionState.UPLOADING:
            if interrupted:
                self.resume(request, creds, session, persist, on_progress)
            else:
                self.send(request, creds, session, persist, on_progress)
        if session.state == SessionState.DONE:
            return self.status(creds, session)
        result = self.finish(request, creds, session)
        session.state = SessionState.DONE
        persist(session)
        return result

    def reconcile(self, creds: Credentials, session: UploadSession, persist: Persist = _ignore) -> PublishResult | None:
        """Settle an unknown outcome without sending anything: the result when the post exists,
        None when the session says what to do next (resume, finish, or start over); raises a
        permanent PlatformError when the platform reports the upload failed."""
        return self._reconcile(creds, session, persist)

    def _reconcile(self, creds: Credentials, session: UploadSession, persist: Persist) -> PublishResult | None:
        """Settle an unknown outcome from what the platform says, without sending anything."""
        found = self.status(creds, session)
        logger.info("%s: reconciled an unknown outcome: %s", self.name, found.status)
        if found.status == PublishStatus.FAILED:
            raise self.failure(found)
        if found.status == PublishStatus.NOT_FOUND:
            session.restart()
        elif found.status == PublishStatus.INCOMPLETE:
            session.state = SessionState.UPLOADING
        elif found.status == PublishStatus.UPLOADED:
            session.state = SessionState.UPLOADED
        else:
            session.state = SessionState.DONE
        persist(session)
        return found if session.state == SessionState.DONE else None

    def failure(self, result: PublishResult) -> PlatformError:
        """The error for an upload the platform reports failed; adapters that learn why map the reason."""
        return PlatformError(
            f"{self.name}: the platform reports the upload failed", permanent=True, kind=ErrorKind.INVALID_MEDIA
        )

    # --- helpers for subclasses -----------------------------------------------------------
    def call(
        self,
        method: str,
        url: str,
        creds: Credentials,
        *,
        outcome_session: UploadSession | None = None,
        persist: Persist = _ignore,
        **kwargs: Any,
    ) -> Response:
        """One HTTP exchange. Without an answer: transient, or, when `outcome_session` is given
        (the request that completes or publishes the upload), an unknown outcome recorded on it."""
        try:
            return self.http.request(method, url, secrets=creds.secrets(), **kwargs)
        except TransportError as error:
            if error.timed_out and outcome_session is not None:
                outcome_session.state = SessionState.UNKNOWN
                persist(outcome_session)
                raise PlatformError(
                    f"{self.name}: {error}; the upload may have completed: check its status before sending again",
                    permanent=False,
                    kind=ErrorKind.UNKNOWN_OUTCOME,
                    secrets=creds.secrets(),
                ) from error
            raise PlatformError(
                f"{self.name}: {error}", permanent=False, kind=ErrorKind.TRANSIENT, secrets=creds.secrets()
            ) from error

    def put_range(
        self,
        request: PublishRequest,
        creds: Credentials,
        session: UploadSession,
        persist: Persist,
        first: int,
        length: int,
        *,
        headers: dict[str, str] | None = None,
    ) -> Response:
        """PUT bytes first..first+length-1 of the file with a Content-Range, streamed from disk.

        The last range is the one whose lost answer makes the outcome unknown."""
        last = first + length - 1
        return self.call(
            "PUT",
            session.session_url,
            creds,
            outcome_session=session if last + 1 == session.total_bytes else None,
            persist=persist,
            headers={
                **(headers or {}),
                "Content-Type": request.content_type,
                "Content-Range": f"bytes {first}-{last}/{session.total_bytes}",
            },
            body=FileSlice(request.file_path, first, length),
        )

    def send_chunks(
        self,
        session: UploadSession,
        persist: Persist,
        on_progress: Progress,
        *,
        chunk_length: Callable[[int], int],
        put_chunk: Callable[[int, int], int],
    ) -> None:
        """Send chunks from the confirmed offset; `put_chunk(first, length)` returns the new confirmed offset."""
        persist(session)
        while session.bytes_confirmed < session.total_bytes:
            first = session.bytes_confirmed
            confirmed = put_chunk(first, chunk_length(first))
            if confirmed <= first:
                raise PlatformError(
                    f"{self.name}: the platform confirmed no bytes of the chunk at {first}",
                    permanent=False,
                    kind=ErrorKind.TRANSIENT,
                )
            session.bytes_confirmed = confirmed
            persist(session)
            on_progress(session.bytes_confirmed, session.total_bytes)
        session.state = SessionState.UPLOADED
        persist(session)

    def error_from(self, response: Response, message: str, *, kind: str, permanent: bool, creds: Credentials):
        return PlatformError(
            f"{self.name}: {message}",
            permanent=permanent,
            kind=kind,
            retry_after=response.retry_after(),
            status=response.status,
            body=response.text,
            secrets=creds.secrets(),
        )


def with_token(creds: Credentials, *, access_token: str, refresh_token: str, expires_at: datetime | None, **more):
    return replace(creds, access_token=access_token, refresh_token=refresh_token or creds.refresh_token,
                   expires_at=expires_at, **more)  # fmt: skip
