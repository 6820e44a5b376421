"""The sandbox platform: "publishes" by copying the video into local media storage.

It needs no account connection, so the demo of `make run` posts end to end. The post URL is
the file's MEDIA URL, and its metrics grow with the post's age at a rate fixed by its id, so
the numbers move the same way on every fetch.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar

from django.core.files import File
from django.core.files.storage import default_storage

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
    _ignore,
)

FOLDER = "published"


class SandboxAdapter(PlatformAdapter):
    name = "sandbox"
    settings_map: ClassVar[dict[str, tuple[str, str]]] = {}

    def __init__(self, *, storage=None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.storage = storage or default_storage

    def start(self, request, creds, session, persist) -> None:
        account = request.options.get("account", "account")
        session.video_id = uuid.uuid4().hex
        session.session_url = f"{FOLDER}/{account}/{session.video_id}.mp4"
        session.total_bytes = request.file_size
        session.state = SessionState.UPLOADING
        persist(session)

    def send(self, request, creds, session, persist, on_progress: Progress = _ignore) -> None:
        try:
            with open(request.file_path, "rb") as source:
                # Storage writes under a temporary name and moves the file into place when done.
                session.session_url = self.storage.save(session.session_url, File(source))
        except OSError as error:
            raise PlatformError(
                f"sandbox: cannot copy the video: {error}", permanent=True, kind=ErrorKind.INVALID_MEDIA
            ) from error
        session.bytes_confirmed = session.total_bytes
        session.state = SessionState.UPLOADED
        persist(session)
        on_progress(session.total_bytes, session.total_bytes)

    def query_offset(self, request, creds, session) -> int | None:
        return session.total_bytes if self.storage.exists(session.session_url) else None

    def finish(self, request, creds, session) -> PublishResult:
        return self._result(session.session_url)

    def _result(self, name: str) -> PublishResult:
        return PublishResult(remote_id=name, url=self.storage.url(name), status=PublishStatus.PUBLISHED)

    def status(self, creds, session) -> PublishResult:
        if session.session_url and self.storage.exists(session.session_url):
            return self._result(session.session_url)
        return PublishResult("", "", PublishStatus.NOT_FOUND)

    def fetch_metrics(self, remote_id: str, creds: Credentials) -> Metrics:
        if not self.storage.exists(remote_id):
            raise PlatformError(f"sandbox: {remote_id} is gone", permanent=True, kind=ErrorKind.POLICY)
        return growing_metrics(remote_id, self.storage.get_modified_time(remote_id))

    def refresh(self, creds: Credentials) -> Credentials:
        return creds


def growing_metrics(remote_id: str, published_at: datetime, now: datetime | None = None) -> Metrics:
    """Counts that rise with the post's age, at a rate derived from its id (deterministic)."""
    now = now or datetime.now(UTC)
    minutes = max(0, int((now - published_at).total_seconds() // 60))
    rate = 3 + int(hashlib.sha256(remote_id.encode()).hexdigest()[:4], 16) % 17  # views a minute
    views = 5 + minutes * rate
    return Metrics(views=views, likes=views // 12, comments=views // 80, shares=views // 150, saves=views // 100)
