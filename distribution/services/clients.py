"""What a publish run needs from an account and an upload: an adapter, credentials, the session.

The adapter's HTTP client records every exchange as an `UploadAttempt`, redacted: the
account's tokens, bearer headers and token-looking fields never reach the table.
"""

from __future__ import annotations

import contextlib
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from accounts import services as account_services
from accounts.models import SocialAccount
from accounts.services import redact as redact_account
from common.http_client import TransportError, redact
from distribution.models import AttemptOutcome, Upload, UploadAttempt
from distribution.platforms import Credentials, HttpClient, RetryPolicy, UploadSession, get_adapter

# Settings holding each platform's OAuth client (filled by the OAuth connect flows).
CLIENT_SETTINGS = {
    "youtube": ("YOUTUBE_CLIENT_ID", "YOUTUBE_CLIENT_SECRET"),
    "tiktok": ("TIKTOK_CLIENT_KEY", "TIKTOK_CLIENT_SECRET"),
    "facebook": ("FACEBOOK_APP_ID", "FACEBOOK_APP_SECRET"),
    "instagram": ("FACEBOOK_APP_ID", "FACEBOOK_APP_SECRET"),
}
# Which Credentials field the account's remote_id fills.
PLATFORM_ID_FIELD = {"facebook": "page_id", "instagram": "ig_user_id", "youtube": "channel_id", "tiktok": "open_id"}
BODY_LIMIT = 2000
SESSION_FIELDS = {
    "session_url": "session_url",
    "publish_id": "publish_id",
    "video_id": "remote_video_id",
    "container_id": "remote_container_id",
    "bytes_confirmed": "bytes_confirmed",
    "total_bytes": "total_bytes",
}


class RecordingHttpClient(HttpClient):
    """The adapters' HTTP client, writing one redacted UploadAttempt per exchange."""

    def __init__(self, *, upload: Upload, account: SocialAccount, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.upload, self.account = upload, account
        self.recorded: list[UploadAttempt] = []

    def request(self, method: str, url: str, **kwargs: Any):
        secrets = kwargs.get("secrets", ())
        summary = self._summary(method, url, kwargs)
        started = time.monotonic()
        try:
            response = super().request(method, url, **kwargs)
        except TransportError as error:
            self.note(summary, outcome=AttemptOutcome.NO_ANSWER, body=str(error), started=started, secrets=secrets)
            raise
        ok = response.ok or response.status == 308
        self.note(
            summary,
            outcome=AttemptOutcome.OK if ok else AttemptOutcome.ERROR,
            status=response.status,
            body=response.text,
            started=started,
            secrets=secrets,
        )
        return response

    def _summary(self, method: str, url: str, kwargs: dict) -> str:
        parts = urlsplit(url)
        line = f"{method} {parts.scheme}://{parts.netloc}{parts.path}"
        headers = kwargs.get("headers") or {}
        for name in ("Content-Range", "offset", "X-Upload-Content-Length"):
            if name in headers:
                line += f"; {name}: {headers[name]}"
        body = kwargs.get("body")
        if body is not None:
            line += f"; {len(body)} bytes"
        return line

    def note(
        self,
        summary: str,
        *,
        outcome: str,
        status: int | None = None,
        body: str = "",
        started: float | None = None,
        secrets: tuple[str, ...] = (),
        error_kind: str = "",
    ) -> UploadAttempt:
        elapsed = int((time.monotonic() - started) * 1000) if started is not None else 0
        attempt = UploadAttempt.objects.create(
            upload=self.upload,
            request_summary=self.clean(summary, secrets)[:1000],
            http_status=status,
            response_body=self.clean(body, secrets)[:BODY_LIMIT],
            outcome=outcome,
            error_kind=error_kind,
            duration_ms=elapsed,
        )
        self.recorded.append(attempt)
        return attempt

    def clean(self, text: str, secrets: tuple[str, ...] = ()) -> str:
        return redact_account(redact(text, secrets), self.account)

    def mark_last(self, error_kind: str) -> None:
        if self.recorded:
            last = self.recorded[-1]
            UploadAttempt.objects.filter(pk=last.pk).update(error_kind=error_kind)


def retry_policy() -> RetryPolicy:
    """In-process retries stay short; longer waits go back to Celery with a countdown."""
    return RetryPolicy(
        max_attempts=max(2, settings.UPLOAD_INLINE_ATTEMPTS),  # one refresh after a 401 needs two
        base_delay=settings.UPLOAD_INLINE_BACKOFF_SECONDS,
        max_delay=settings.UPLOAD_INLINE_MAX_WAIT_SECONDS,
        max_wait=settings.UPLOAD_INLINE_MAX_WAIT_SECONDS,
    )


def adapter_for(platform: str, *, http: HttpClient | None = None):
    if http is None:
        http = HttpClient(
            connect_timeout=settings.PLATFORM_HTTP_CONNECT_TIMEOUT, read_timeout=settings.PLATFORM_HTTP_READ_TIMEOUT
        )
    options = dict(settings.UPLOAD_ADAPTER_OPTIONS.get(platform, {}))
    return get_adapter(platform, http=http, retry=retry_policy(), **options)


def recording_client(upload: Upload) -> RecordingHttpClient:
    return RecordingHttpClient(
        upload=upload,
        account=upload.account,
        connect_timeout=settings.PLATFORM_HTTP_CONNECT_TIMEOUT,
        read_timeout=settings.PLATFORM_HTTP_READ_TIMEOUT,
    )


def credentials_for(account: SocialAccount) -> Credentials:
    client_id, client_secret = (getattr(settings, name, "") for name in CLIENT_SETTINGS.get(account.platform, ("", "")))
    extra = {PLATFORM_ID_FIELD[account.platform]: account.remote_id} if account.platform in PLATFORM_ID_FIELD else {}
    return Credentials(
        access_token=account.access_token,
        refresh_token=account.refresh_token,
        expires_at=account.token_expires_at,
        scopes=tuple(account.token_scopes or ()),
        client_id=client_id,
        client_secret=client_secret,
        **extra,
    )


def save_credentials(account: SocialAccount, creds: Credentials) -> None:
    """Store refreshed tokens (encrypted); an empty refresh token keeps the stored one."""
    account_services.social_account_update(
        account=account,
        access_token=creds.access_token,
        refresh_token=creds.refresh_token,
        token_expires_at=creds.expires_at,
        token_scopes=list(creds.scopes) if creds.scopes else account.token_scopes,
    )


def session_of(upload: Upload) -> UploadSession:
    state = dict(upload.session_state or {})
    return UploadSession(
        state=state.get("state", "new"),
        session_url=upload.session_url,
        publish_id=upload.publish_id,
        video_id=upload.remote_video_id,
        container_id=upload.remote_container_id,
        bytes_confirmed=upload.bytes_confirmed,
        total_bytes=upload.total_bytes,
        chunk_size=state.get("chunk_size", 0),
        extra=state.get("extra", {}),
    )


def session_fields(session: UploadSession) -> dict[str, Any]:
    """The Upload columns that hold `session`."""
    data = asdict(session)
    fields = {column: data[name] for name, column in SESSION_FIELDS.items()}
    fields["session_state"] = {"state": session.state, "chunk_size": session.chunk_size, "extra": session.extra}
    return fields


def persist_session(upload: Upload, session: UploadSession) -> None:
    """Save the session now (its own commit), before bytes go out and after each confirmed chunk."""
    fields = session_fields(session)
    Upload.objects.filter(pk=upload.pk).update(**fields, updated_at=timezone.now())
    for name, value in fields.items():
        setattr(upload, name, value)


@contextlib.contextmanager
def local_file(name: str) -> Iterator[str]:
    """A local path for a stored file: the file itself on disk storage, else a temporary copy."""
    try:
        path = default_storage.path(name)
    except NotImplementedError:
        path = None
    if path is not None:
        yield path
        return
    with tempfile.NamedTemporaryFile(suffix=".mp4") as copy, default_storage.open(name, "rb") as source:
        for chunk in iter(lambda: source.read(1024 * 1024), b""):
            copy.write(chunk)
        copy.flush()
        yield copy.name
