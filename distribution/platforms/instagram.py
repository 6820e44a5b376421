"""Instagram Reels (Graph API): a container Meta fills from a public URL, status polling, media_publish.

Containers are asked only their documented fields (`id`, `status`, `status_code`): there is no
`media_id` on a container. So when `media_publish` goes unanswered, the post is looked up on the
account's media edge (`GET /{ig-user-id}/media?fields=id,caption,timestamp`) by its caption and
time; a container that reads PUBLISHED is never published again, found or not. Containers are
polled as the publishing guide asks: about once a minute (`poll_interval`) for at most five
minutes (`poll_timeout`). The optional first comment needs `instagram_manage_comments`.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
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
from distribution.platforms.graph import GraphAdapter, comment_error, graph_codes, insight_values, permission_missing

CAPTION_LIMIT = 2200
CONTAINER_FIELDS = "status_code,status"  # of id, status, status_code, copyright_check_status
NOT_READY = (9007, 2207027)  # "Media ID is not available": the container is not FINISHED yet
COMMENT_PERMISSION = "instagram_manage_comments"
LOOKUP_PAGES = 4  # media edge pages (25 posts each) searched for a post whose answer was lost
CLOCK_SLACK = timedelta(minutes=5)  # between our clock and Meta's when matching a post's timestamp


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
        poll_interval: float = 60.0,
        poll_timeout: float = 300.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if poll_interval <= 0 or poll_timeout < 0:
            raise ValueError("Instagram poll_interval must be positive and poll_timeout not negative")
        self.public_media_base_url = str(public_media_base_url).rstrip("/")
        self.media_root = str(media_root)
        self.poll_interval = poll_interval
        self.poll_timeout = poll_timeout

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
        caption = request.caption()[:CAPTION_LIMIT]
        form = {
            "media_type": "REELS",
            "video_url": video_url,
            "caption": caption,
            "share_to_feed": "true" if request.options.get("share_to_feed", True) else "false",
        }
        created_at = datetime.now(UTC)
        session.container_id = self.graph("POST", f"{self._user(creds)}/media", creds, form=form)["id"]
        session.total_bytes = request.file_size
        session.state = SessionState.UPLOADING
        # What finds the post again on the media edge if the answer to media_publish is lost.
        session.extra.update(caption=caption, container_created_at=created_at.isoformat())
        persist(session)

    def send(self, request, creds, session, persist, on_progress: Progress = _ignore) -> None:
        """Meta pulls the bytes itself: poll the container until it is FINISHED."""
        polls = math.floor(self.poll_timeout / self.poll_interval) + 1
        for poll in range(polls):
            data = self._container(creds, session.container_id)
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
            if poll + 1 < polls:
                self.retry.sleep(self.poll_interval)
        minutes = self.poll_timeout / 60
        raise PlatformError(
            f"instagram: Meta is still processing the video after {minutes:g} minutes; it will be checked again later",
            permanent=False,
            kind=ErrorKind.TRANSIENT,
        )

    def query_offset(self, request, creds, session) -> int | None:
        return 0  # nothing to resume: polling the container again is the resume

    def finish(self, request, creds, session) -> PublishResult:
        session.extra["publish_requested_at"] = datetime.now(UTC).isoformat()
        try:
            data = self.graph(
                "POST", f"{self._user(creds)}/media_publish", creds, form={"creation_id": session.container_id},
                outcome_session=session,
            )  # fmt: skip
        except PlatformError as error:
            if error.kind == ErrorKind.UNKNOWN_OUTCOME or error.kind in ErrorKind.RETRYABLE:
                raise
            if graph_codes(error) == NOT_READY:
                raise PlatformError(
                    f"instagram: {error.message}: the container is not ready yet",
                    permanent=False,
                    kind=ErrorKind.TRANSIENT,
                    retry_after=self.poll_interval,
                ) from error
            found = self._after_refusal(creds, session)
            if found is None:
                raise
            return found
        session.extra["media_id"] = data["id"]
        return self._published(creds, data["id"])

    def _after_refusal(self, creds: Credentials, session) -> PublishResult | None:
        """media_publish said no: the post when the container was published after all (never post it
        again); a new container next time when it expired; None when the refusal stands."""
        code = self._container(creds, session.container_id).get("status_code")
        if code not in ("PUBLISHED", "EXPIRED"):
            return None
        found = self._find_post(creds, session)
        if found is not None:
            return found
        if code == "PUBLISHED":  # posted, though the media edge does not show it (yet)
            return PublishResult("", "", PublishStatus.PUBLISHED, raw={"container": session.container_id})
        session.restart()
        raise PlatformError("instagram: the container expired before it was published", permanent=False,
                            kind=ErrorKind.TRANSIENT)  # fmt: skip

    def _published(self, creds: Credentials, media_id: str) -> PublishResult:
        media = self.graph("GET", media_id, creds, params={"fields": "id,permalink"})
        return PublishResult(media_id, media.get("permalink", ""), PublishStatus.PUBLISHED, raw=media)

    def _container(self, creds: Credentials, container_id: str) -> dict[str, Any]:
        return self.graph("GET", container_id, creds, params={"fields": CONTAINER_FIELDS})

    def status(self, creds, session) -> PublishResult:
        if session.extra.get("media_id"):  # media_publish answered: that is the post
            return self._published(creds, session.extra["media_id"])
        if not session.container_id:
            return PublishResult("", "", PublishStatus.NOT_FOUND)
        data = self._container(creds, session.container_id)
        code = data.get("status_code")
        publish_tried = bool(session.extra.get("publish_requested_at"))
        if code == "PUBLISHED" or (publish_tried and code in ("FINISHED", "EXPIRED")):
            # After an unanswered media_publish the container's status may lag behind the post.
            found = self._find_post(creds, session)
            if found is not None:
                return found
            if code == "PUBLISHED":  # never publish a published container again
                return PublishResult("", "", PublishStatus.PUBLISHED, raw=data)
        if code == "FINISHED":
            return PublishResult("", "", PublishStatus.UPLOADED, raw=data)
        if code in ("ERROR", "EXPIRED"):
            return PublishResult("", "", PublishStatus.FAILED if code == "ERROR" else PublishStatus.NOT_FOUND, raw=data)
        return PublishResult("", "", PublishStatus.INCOMPLETE, raw=data)

    def _find_post(self, creds: Credentials, session) -> PublishResult | None:
        """The account's post with this upload's caption, made after its container, from the media edge."""
        caption = (session.extra.get("caption") or "").strip()
        created = session.extra.get("container_created_at")
        if not created:
            return None
        since = datetime.fromisoformat(created) - CLOCK_SLACK
        params: dict[str, Any] = {"fields": "id,caption,timestamp", "limit": 25}
        for _ in range(LOOKUP_PAGES):
            data = self.graph("GET", f"{self._user(creds)}/media", creds, params=params)
            posts = data.get("data") or []
            for post in posts:
                posted = _timestamp(post.get("timestamp", ""))
                if posted is not None and posted < since:
                    return None  # newest first: everything further is older than this upload
                if (post.get("caption") or "").strip() == caption and post.get("id"):
                    session.extra["media_id"] = post["id"]
                    return self._published(creds, post["id"])
            after = ((data.get("paging") or {}).get("cursors") or {}).get("after")
            if not posts or not after or not (data.get("paging") or {}).get("next"):
                return None
            params = {**params, "after": after}
        return None

    # --- the first comment ----------------------------------------------------------------
    def post_comment(self, creds: Credentials, remote_id: str, text: str) -> str:
        """POST /{ig-media-id}/comments; needs instagram_manage_comments."""
        if creds.scopes and COMMENT_PERMISSION not in creds.scopes:
            raise permission_missing(self.name, COMMENT_PERMISSION)
        try:
            data = self.graph("POST", f"{remote_id}/comments", creds, form={"message": text})
        except PlatformError as error:
            failure = comment_error(self.name, error, COMMENT_PERMISSION)
            if failure is error:
                raise
            raise failure from error
        return str(data.get("id", ""))

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


def _timestamp(value: str) -> datetime | None:
    """An IG Media timestamp ("2026-05-01T12:00:00+0000") as an aware datetime."""
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        return None
