"""Instagram Reels emulator: containers filled from a public URL, status_code, media_publish, limits."""

from __future__ import annotations

import hashlib
import threading
import urllib.request
from dataclasses import dataclass
from typing import Any

from distribution.emulators.base import RECEIVE_BLOCK, Exchange, new_id
from distribution.emulators.graph import GRAPH_PREFIX, GraphEmulator


@dataclass
class Container:
    user_id: str
    video_url: str
    caption: str
    status_code: str = "IN_PROGRESS"
    status: str = ""
    sha256: str = ""
    bytes_fetched: int = 0
    media_id: str = ""


class InstagramEmulator(GraphEmulator):
    name = "instagram"
    routes = [
        ("POST", GRAPH_PREFIX + r"/(?P<user_id>\w+)/media", "media", True),
        ("POST", GRAPH_PREFIX + r"/(?P<user_id>\w+)/media_publish", "media_publish", True),
        ("GET", GRAPH_PREFIX + r"/(?P<user_id>\w+)/content_publishing_limit", "publishing_limit", True),
        ("GET", GRAPH_PREFIX + r"/(?P<object_id>\w+)/insights", "insights", True),
        ("POST", GRAPH_PREFIX + r"/oauth/access_token", "token", False),
        ("GET", GRAPH_PREFIX + r"/(?P<object_id>\w+)", "object", True),
    ]

    def __init__(self, *args: Any, quota_total: int = 100, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.quota_total = quota_total
        self.containers: dict[str, Container] = {}
        self.media: dict[str, Container] = {}

    def settings(self) -> dict[str, str]:
        return {"INSTAGRAM_GRAPH_BASE_URL": self.base_url + GRAPH_PREFIX}

    def handle_media(self, exchange: Exchange, user_id: str) -> None:
        form = exchange.form()
        if form.get("media_type") != "REELS" or not form.get("video_url", "").startswith("http"):
            raise ValueError("media_type=REELS and a public video_url are required")
        container = Container(user_id, form["video_url"], form.get("caption", ""))
        container_id = new_id().replace("-", "")
        with self.lock:
            self.containers[container_id] = container
        # Meta downloads the video in the background, as the real service does.
        threading.Thread(target=self._fetch, args=(container,), daemon=True).start()
        self.ok(exchange, {"id": container_id})

    def _fetch(self, container: Container) -> None:
        hasher = hashlib.sha256()
        try:
            with urllib.request.urlopen(container.video_url, timeout=30) as response:  # noqa: S310 - test infra
                while block := response.read(RECEIVE_BLOCK):
                    hasher.update(block)
                    container.bytes_fetched += len(block)
        except OSError as error:
            container.status_code, container.status = "ERROR", f"Media download has failed: {error}"
            return
        container.sha256, container.status_code = hasher.hexdigest(), "FINISHED"

    def handle_media_publish(self, exchange: Exchange, user_id: str) -> None:
        container = self.containers.get(exchange.form().get("creation_id", ""))
        if container is None or container.user_id != user_id or container.status_code not in ("FINISHED", "PUBLISHED"):
            raise ValueError("the container is not ready to publish")
        with self.lock:
            if not container.media_id:  # publishing a container twice makes one post
                if len(self.media) >= self.quota_total:
                    exchange.reply(400, self.error_body(400, 9, "Application request limit reached"))
                    return
                container.media_id = new_id().replace("-", "")
                container.status_code = "PUBLISHED"
                self.media[container.media_id] = container
        self.ok(exchange, {"id": container.media_id})

    def handle_publishing_limit(self, exchange: Exchange, user_id: str) -> None:
        used = sum(1 for media in self.media.values() if media.user_id == user_id)
        config = {"quota_total": self.quota_total, "quota_duration": 86400}
        self.ok(exchange, {"data": [{"quota_usage": used, "config": config}]})

    def handle_object(self, exchange: Exchange, object_id: str) -> None:
        if object_id in self.containers:
            container = self.containers[object_id]
            body = {"id": object_id, "status_code": container.status_code, "status": container.status}
            if container.media_id:
                body["media_id"] = container.media_id
            self.ok(exchange, body)
        elif object_id in self.media:
            self.ok(exchange, {"id": object_id, "permalink": f"https://www.instagram.com/reel/{object_id}/"})
        else:
            self.not_found(exchange, object_id)
