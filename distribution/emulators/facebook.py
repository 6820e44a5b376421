"""Facebook Page Reels emulator: video_reels start/finish, rupload with offsets, status, insights."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from distribution.emulators.base import Exchange, ReceivedUpload, new_id
from distribution.emulators.graph import GRAPH_PREFIX, GraphEmulator


@dataclass
class Reel:
    page_id: str
    upload: ReceivedUpload | None = None
    published: bool = False
    video_state: str = ""
    description: str = ""
    finish_calls: int = 0


class FacebookEmulator(GraphEmulator):
    name = "facebook"
    routes = [
        ("POST", GRAPH_PREFIX + r"/(?P<page_id>\w+)/video_reels", "video_reels", True),
        ("POST", r"/video-upload/v24.0/(?P<video_id>\w+)", "upload", True),
        ("GET", GRAPH_PREFIX + r"/(?P<object_id>\w+)/video_insights", "insights", True),
        ("POST", GRAPH_PREFIX + r"/oauth/access_token", "token", False),
        ("GET", GRAPH_PREFIX + r"/(?P<video_id>\w+)", "video", True),
    ]

    def __init__(self, *args: Any, reels_per_day: int = 30, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reels_per_day = reels_per_day
        self.reels: dict[str, Reel] = {}

    def settings(self) -> dict[str, str]:
        return {
            "FACEBOOK_GRAPH_BASE_URL": self.base_url + GRAPH_PREFIX,
            "FACEBOOK_RUPLOAD_BASE_URL": self.base_url + "/video-upload/v24.0",
        }

    def handle_video_reels(self, exchange: Exchange, page_id: str) -> None:
        form = exchange.form()
        phase = form.get("upload_phase")
        if phase == "start":
            video_id = new_id().replace("-", "")
            with self.lock:
                self.reels[video_id] = Reel(page_id)
            self.ok(exchange, {"video_id": video_id, "upload_url": f"{self.base_url}/video-upload/v24.0/{video_id}"})
        elif phase == "finish":
            self._finish(exchange, page_id, form)
        else:
            raise ValueError("upload_phase must be start or finish")

    def _finish(self, exchange: Exchange, page_id: str, form: dict[str, str]) -> None:
        reel = self.reels.get(form.get("video_id", ""))
        if reel is None or reel.page_id != page_id or reel.upload is None or not reel.upload.complete:
            raise ValueError("the video is not fully uploaded")
        with self.lock:
            reel.finish_calls += 1
            if not reel.published:  # finishing twice publishes once
                published_today = sum(1 for other in self.reels.values() if other.published)
                if published_today >= self.reels_per_day:
                    message = "The Page has reached its limit of API-published Reels for 24 hours."
                    exchange.reply(400, self.error_body(400, 80002, message))
                    return
                reel.published, reel.video_state = True, form.get("video_state", "PUBLISHED")
                reel.description = form.get("description", "")
        self.ok(exchange, {"success": True})

    def handle_upload(self, exchange: Exchange, video_id: str) -> None:
        reel = self.reels.get(video_id)
        if reel is None:
            exchange.drain()
            exchange.reply(404, {"debug_info": {"retriable": False, "type": "NotFound", "message": "unknown video"}})
            return
        offset, size = int(exchange.headers.get("offset", -1)), int(exchange.headers.get("file_size", 0))
        if reel.upload is None:
            reel.upload = ReceivedUpload(size)
        if offset < 0 or size != reel.upload.total:
            raise ValueError("offset and file_size headers are required and must match the upload")
        exchange.receive(reel.upload, offset, commit_partial=True)
        self.ok(exchange, {"success": True})

    def handle_video(self, exchange: Exchange, video_id: str) -> None:
        reel = self.reels.get(video_id)
        if reel is None:
            self.not_found(exchange, video_id)
            return
        transferred = reel.upload.committed if reel.upload else 0
        complete = reel.upload is not None and reel.upload.complete
        publishing: dict[str, Any] = {"status": "complete" if reel.published else "not_started"}
        if reel.published:
            publishing["publish_status"] = "scheduled" if reel.video_state == "SCHEDULED" else "published"
        status = {
            "video_status": "ready" if reel.published else ("upload_complete" if complete else "processing"),
            "uploading_phase": {"status": "complete" if complete else "in_progress", "bytes_transfered": transferred},
            "processing_phase": {"status": "complete" if complete else "not_started"},
            "publishing_phase": publishing,
        }
        self.ok(exchange, {"id": video_id, "status": status})
