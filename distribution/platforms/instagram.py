"""Instagram Reels (Graph API): a container Meta fills from a public URL, status polling, media_publish."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import quote

from distribution.platforms.base import (
    Credentials,
    ErrorKind,
    Metrics,
    PlatformError,
    Progress,
    PublishResult,
    PublishStatus,
    SessionState,
    _ignore,
)
from distribution.platforms.graph import GraphAdapter, insight_values

CAPTION_LIMIT = 2200


@dataclass(frozen=True)
class PublishingLimit:
    used: int
    total: int
    window_seconds: int


class InstagramAdapter(GraphAdapter):
    name = "instagram"
    settings_map: ClassVar[dict[str, tuple[str, str]]] = {
        "graph_base_url": ("INSTAGRAM_GRAPH_BASE_URL", "https://graph.facebook.com/v24.0"),
        "public_media_base_url": ("PUBLIC_MEDIA_BASE_URL", ""),
        "media_root": ("MEDIA_ROOT", ""),
    }

    def __init__(
        self,
        *,
        public_media_base_url: str = "",
        media_root: str | os.PathLike = "",
        poll_interval: float = 10.0,
        max_polls: int = 30,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.public_media_base_url = str(public_media_base_url).rstrip("/")
        self.media_root = str(media_root)
        self.poll_interval = poll_interval
        self.max_polls = max_polls

    def video_url(self, file_path: str) -> str:
        """The public URL Meta downloads the video from: PUBLIC_MEDIA_BASE_URL + the path under MEDIA_ROOT."""
        if not self.public_media_base_url:
            raise PlatformError(
                "instagram: not configured: Instagram downloads each video from a public URL; set "
                "PUBLIC_MEDIA_BASE_URL to an address that serves MEDIA_ROOT to the internet",
                permanent=True,
                kind=ErrorKind.NOT_CONFIGURED,
            )
        relative = os.path.relpath(file_path, self.media_root) if self.media_root else os.path.basename(file_path)
        if relative.startswith(".."):
            raise PlatformError(
                f"instagram: {file_path} is not under MEDIA_ROOT, so it has no public URL",
                permanent=True,
                kind=ErrorKind.NOT_CONFIGURED,
            )
        return f"{self.public_media_base_url}/{quote(relative.replace(os.sep, '/'))}"

    def _user(self, creds: Credentials) -> str:
        if not creds.ig_user_id:
            raise PlatformError(
                "instagram: the account has no Instagram user id", permanent=True, kind=ErrorKind.NOT_CONFIGURED
            )
        return creds.ig_user_id

    def publishing_limit(self, creds: Credentials) -> PublishingLimit:
        """Posts used and allowed in the rolling window, read live (documented as 25 or 100 a day)."""
        data = self.graph(
            "GET", f"{self._user(creds)}/content_publishing_limit", creds, params={"fields": "quota_usage,config"}
        )
        entry = (data.get("data") or [{}])[0]
        config = entry.get("config") or {}
        return PublishingLimit(
            int(entry.get("quota_usage") or 0),
            int(config.get("quota_total") or 25),
            int(config.get("quota_duration") or 86400),
        )

    # --- upload ---------------------------------------------------------------------------
    def start(self, request, creds, session, persist) -> None:
        video_url = self.video_url(request.file_path)
        limit = self.publishing_limit(creds)
        if limit.used >= limit.total:
            raise PlatformError(
                f"instagram: {limit.used} of {limit.total} posts used in the last {limit.window_seconds // 3600} h",
                permanent=False,
                kind=ErrorKind.QUOTA,
                retry_after=3600.0,
            )
        form = {
            "media_type": "REELS",
            "video_url": video_url,
            "caption": request.caption()[:CAPTION_LIMIT],
            "share_to_feed": "true" if request.options.get("share_to_feed", True) else "false",
        }
        session.container_id = self.graph("POST", f"{self._user(creds)}/media", creds, form=form)["id"]
        session.total_bytes = request.file_size
        session.state = SessionState.UPLOADING
        persist(session)

    def send(self, request, creds, session, persist, on_progress: Progress = _ignore) -> None:
        """Meta pulls the bytes itself: wait until the container is FINISHED."""
        for poll in range(self.max_polls):
            data = self.graph("GET", session.container_id, creds, params={"fields": "status_code,status"})
            code = data.get("status_code")
            if code in ("FINISHED", "PUBLISHED"):
                session.bytes_confirmed = session.total_bytes
                session.state = SessionState.UPLOADED
                persist(session)
                on_progress(session.total_bytes, session.total_bytes)
                return
            if code == "ERROR":
                raise PlatformError(
                    f"instagram: Meta could not process the video: {data.get('status') or 'no reason given'}",
                    permanent=True,
                    kind=ErrorKind.INVALID_MEDIA,
                )
            if code == "EXPIRED":
                session.restart()
                persist(session)
                raise PlatformError("instagram: the container expired", permanent=False, kind=ErrorKind.TRANSIENT)
            if poll + 1 < self.max_polls:
                self.retry.sleep(self.poll_interval)
        raise PlatformError("instagram: the container is still processing", permanent=False, kind=ErrorKind.TRANSIENT)

    def query_offset(self, request, creds, session) -> int | None:
        return 0  # nothing to resume: polling the container again is the resume

    def finish(self, request, creds, session) -> PublishResult:
        data = self.graph(
            "POST", f"{self._user(creds)}/media_publish", creds, form={"creation_id": session.container_id},
            outcome_session=session,
        )  # fmt: skip
        return self._published(creds, data["id"])

    def _published(self, creds: Credentials, media_id: str) -> PublishResult:
        media = self.graph("GET", media_id, creds, params={"fields": "id,permalink"})
        return PublishResult(media_id, media.get("permalink", ""), PublishStatus.PUBLISHED, raw=media)

    def status(self, creds, session) -> PublishResult:
        if not session.container_id:
            return PublishResult("", "", PublishStatus.NOT_FOUND)
        data = self.graph("GET", session.container_id, creds, params={"fields": "status_code,status,media_id"})
        code = data.get("status_code")
        if code == "PUBLISHED":
            media_id = data.get("media_id") or session.extra.get("media_id", "")
            if media_id:
                return self._published(creds, media_id)
            return PublishResult("", "", PublishStatus.PUBLISHED, raw=data)
        if code == "FINISHED":
            return PublishResult("", "", PublishStatus.UPLOADED, raw=data)
        if code in ("ERROR", "EXPIRED"):
            return PublishResult("", "", PublishStatus.FAILED if code == "ERROR" else PublishStatus.NOT_FOUND, raw=data)
        return PublishResult("", "", PublishStatus.INCOMPLETE, raw=data)

    # --- metrics --------------------------------------------------------------------------
    def fetch_metrics(self, remote_id: str, creds: Credentials) -> Metrics:
        values = insight_values(
            self.graph("GET", f"{remote_id}/insights", creds, params={"metric": "views,likes,comments,shares,saved"})
        )
        return Metrics(
            views=values.get("views"),
            likes=values.get("likes"),
            comments=values.get("comments"),
            shares=values.get("shares"),
            saves=values.get("saved"),
        )
