"""Facebook Page Reels: video_reels start, rupload with offsets, finish (published or scheduled)."""

from __future__ import annotations

from typing import Any, ClassVar

from common.http_client import FileSlice
from distribution.platforms.base import (
    Credentials,
    ErrorKind,
    Metrics,
    PlatformError,
    Progress,
    PublishResult,
    PublishStatus,
    SessionState,
    UploadSession,
    _ignore,
)
from distribution.platforms.graph import GraphAdapter, insight_values

MIB = 1024 * 1024
REEL_METRICS = "blue_reels_play_count,post_video_likes_by_reaction_type,post_video_social_actions"


class FacebookAdapter(GraphAdapter):
    name = "facebook"
    settings_map: ClassVar[dict[str, tuple[str, str]]] = {
        "graph_base_url": ("FACEBOOK_GRAPH_BASE_URL", "https://graph.facebook.com/v24.0"),
        "rupload_base_url": ("FACEBOOK_RUPLOAD_BASE_URL", "https://rupload.facebook.com/video-upload/v24.0"),
    }

    def __init__(self, *, rupload_base_url: str, chunk_size: int = 16 * MIB, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if chunk_size <= 0:
            raise ValueError("Facebook chunk_size must be positive")
        self.rupload_base_url = rupload_base_url.rstrip("/")
        self.chunk_size = chunk_size

    def _page(self, creds: Credentials) -> str:
        if not creds.page_id:
            raise PlatformError("facebook: the account has no Page id", permanent=True, kind=ErrorKind.NOT_CONFIGURED)
        return creds.page_id

    # --- upload ---------------------------------------------------------------------------
    def start(self, request, creds, session, persist) -> None:
        data = self.graph("POST", f"{self._page(creds)}/video_reels", creds, form={"upload_phase": "start"})
        session.video_id = data["video_id"]
        session.session_url = f"{self.rupload_base_url}/{session.video_id}"
        session.total_bytes = request.file_size
        session.state = SessionState.UPLOADING
        persist(session)

    def send(self, request, creds, session, persist, on_progress: Progress = _ignore) -> None:
        def put_chunk(first: int, length: int) -> int:
            response = self.call(
                "POST",
                session.session_url,
                creds,
                headers={
                    "Authorization": f"OAuth {creds.access_token}",
                    "offset": str(first),
                    "file_size": str(session.total_bytes),
                    "Content-Type": "application/octet-stream",
                },
                body=FileSlice(request.file_path, first, length),
            )
            data = response.json()
            if response.ok and data.get("success"):
                return first + length
            debug = data.get("debug_info") or {}
            if debug and "error" not in data:
                kind = ErrorKind.TRANSIENT if debug.get("retriable") else ErrorKind.INVALID_MEDIA
                raise self.error_from(
                    response, f"upload refused: {debug.get('message', '')}", kind=kind,
                    permanent=not debug.get("retriable"), creds=creds,
                )  # fmt: skip
            raise self.graph_error(response, creds, "upload refused: ")

        self.send_chunks(
            session, persist, on_progress, chunk_length=lambda first: min(self.chunk_size, session.total_bytes - first),
            put_chunk=put_chunk,
        )  # fmt: skip

    def query_offset(self, request, creds, session) -> int | None:
        status = self._video_status(creds, session)
        if status is None or status.get("video_status") in ("expired", "error"):
            return None
        uploading = status.get("uploading_phase") or {}
        # Meta spells it "bytes_transfered"; accept the dictionary spelling too.
        return int(uploading.get("bytes_transfered", uploading.get("bytes_transferred", 0)) or 0)

    def finish(self, request, creds, session) -> PublishResult:
        form = {"upload_phase": "finish", "video_id": session.video_id, "description": request.caption()}
        if request.title:
            form["title"] = request.title
        if request.scheduled_at is not None:
            form.update(video_state="SCHEDULED", scheduled_publish_time=str(int(request.scheduled_at.timestamp())))
        else:
            form["video_state"] = "PUBLISHED"
        self.graph(
            "POST", f"{self._page(creds)}/video_reels", creds, form=form, outcome_session=session,
            persist=_ignore,
        )  # fmt: skip
        result = self.status(creds, session)
        if result.status == PublishStatus.UPLOADED:  # the finish call is still being applied
            status = PublishStatus.SCHEDULED if request.scheduled_at else PublishStatus.PROCESSING
            return PublishResult(result.remote_id, result.url, status, raw=result.raw)
        return result

    def status(self, creds, session) -> PublishResult:
        status = self._video_status(creds, session)
        url = f"https://www.facebook.com/reel/{session.video_id}" if session.video_id else ""
        if status is None:
            return PublishResult("", "", PublishStatus.NOT_FOUND)
        uploading = status.get("uploading_phase") or {}
        processing = status.get("processing_phase") or {}
        publishing = status.get("publishing_phase") or {}
        if status.get("video_status") == "error" or processing.get("status") == "error":
            state = PublishStatus.FAILED
        elif uploading.get("status") != "complete":
            state = PublishStatus.INCOMPLETE
        elif publishing.get("publish_status") == "scheduled":
            state = PublishStatus.SCHEDULED
        elif publishing.get("status") == "complete":
            state = PublishStatus.PUBLISHED
        elif publishing.get("status") == "in_progress":
            state = PublishStatus.PROCESSING
        else:
            state = PublishStatus.UPLOADED
        return PublishResult(session.video_id, url, state, raw=status)

    def _video_status(self, creds: Credentials, session: UploadSession) -> dict[str, Any] | None:
        if not session.video_id:
            return None
        try:
            return self.graph("GET", session.video_id, creds, params={"fields": "status"}).get("status") or {}
        except PlatformError as error:
            if error.status == 404 or (error.kind == ErrorKind.POLICY and "does not exist" in error.message):
                return None
            raise

    # --- metrics --------------------------------------------------------------------------
    def fetch_metrics(self, remote_id: str, creds: Credentials) -> Metrics:
        values = insight_values(
            self.graph("GET", f"{remote_id}/video_insights", creds, params={"metric": REEL_METRICS})
        )
        reactions = values.get("post_video_likes_by_reaction_type") or {}
        actions = values.get("post_video_social_actions") or {}
        return Metrics(
            views=values.get("blue_reels_play_count"),
            likes=sum(reactions.values()) if reactions else None,
            comments=actions.get("COMMENT"),
            shares=actions.get("SHARE"),
        )
