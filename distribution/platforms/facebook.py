"""Facebook Page Reels: video_reels start, one rupload of the rest of the file, finish; comments.

The Reels guide uploads the bytes in ONE `POST rupload.facebook.com/video-upload/{version}/{id}`
that carries the file from `offset` to its end. After an interruption the status's
`uploading_phase.bytes_transfered` (Meta's spelling) is the next `offset`. Permissions:
`pages_show_list`, `pages_read_engagement`, `pages_manage_posts`; the optional first comment
also needs `pages_manage_engagement`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from common.http_client import FileSlice, Response
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
from distribution.platforms.graph import GraphAdapter, comment_error, insight_values, permission_missing

REEL_METRICS = "blue_reels_play_count,post_video_likes_by_reaction_type,post_video_social_actions"
COMMENT_PERMISSION = "pages_manage_engagement"


class FacebookAdapter(GraphAdapter):
    name = "facebook"
    settings_map: ClassVar[dict[str, tuple[str, str]]] = {
        "graph_base_url": ("FACEBOOK_GRAPH_BASE_URL", "https://graph.facebook.com/v24.0"),
        "rupload_base_url": ("FACEBOOK_RUPLOAD_BASE_URL", "https://rupload.facebook.com/video-upload/v24.0"),
    }

    def __init__(self, *, rupload_base_url: str, chunk_size: int | None = None, **kwargs: Any) -> None:
        """`chunk_size` is accepted and ignored: settings written when the adapter sent fixed-size
        pieces still load, but rupload takes the rest of the file in one request."""
        super().__init__(**kwargs)
        self.rupload_base_url = rupload_base_url.rstrip("/")

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
        """One POST with the file from the confirmed offset to its end."""
        persist(session)
        first = session.bytes_confirmed
        if first < session.total_bytes:
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
                body=FileSlice(request.file_path, first, session.total_bytes - first),
            )
            data = response.json()
            if not (response.status == 200 and data.get("success")):
                raise self._upload_error(response, data, creds, session)
        session.bytes_confirmed = session.total_bytes
        session.state = SessionState.UPLOADED
        persist(session)
        on_progress(session.total_bytes, session.total_bytes)

    def _upload_error(
        self, response: Response, data: dict[str, Any], creds: Credentials, session: UploadSession
    ) -> PlatformError:
        """Why rupload said no: retriable (resume from the status), the session expired (start a new
        one), or the file is refused."""
        debug = data.get("debug_info") or {}
        if "error" in data or not debug:
            return self.graph_error(response, creds, "upload refused: ")
        if debug.get("retriable"):  # e.g. PartialRequestError: resume from what the status says arrived
            return self.error_from(
                response, f"upload interrupted: {debug.get('message', '')}", kind=ErrorKind.TRANSIENT,
                permanent=False, creds=creds,
            )  # fmt: skip
        status = self._video_status(creds, session)
        if status is None or status.get("video_status") == "expired":
            session.restart()  # the session is gone: the next attempt opens a new one
            return self.error_from(
                response, "the upload session expired; starting a new one", kind=ErrorKind.TRANSIENT,
                permanent=False, creds=creds,
            )  # fmt: skip
        return self.error_from(
            response, f"upload refused: {debug.get('type', '')}: {debug.get('message', '')}",
            kind=ErrorKind.INVALID_MEDIA, permanent=True, creds=creds,
        )  # fmt: skip

    def query_offset(self, request, creds, session) -> int | None:
        status = self._video_status(creds, session)
        if status is None or status.get("video_status") in ("expired", "error"):
            return None
        uploading = status.get("uploading_phase") or {}
        # Meta's documents spell it "bytes_transfered"; some answers spell it "bytes_transferred".
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

    # --- the first comment ----------------------------------------------------------------
    def post_comment(self, creds: Credentials, remote_id: str, text: str) -> str:
        """POST /{video-id}/comments with the Page token; needs pages_manage_engagement."""
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
