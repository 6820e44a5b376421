"""Instagram Reels emulator: containers filled from a public URL, status_code, media_publish, limits.

Strict, as the content publishing guide and the IG Container / IG Media references say:

- `POST /{ig-user-id}/media` needs `media_type=REELS` (VIDEO is retired for feed videos), a
  public `video_url`, and a caption within 2,200 characters, 30 hashtags and 20 @-mentions.
- A container answers only its documented fields (`id`, `status`, `status_code`,
  `copyright_check_status`); any other is Graph error 100 "Tried accessing nonexisting field".
  There is no `media_id` on a container.
- `media_publish` refuses a container that is not FINISHED (9007 / 2207027 "Media ID is not
  available" while IN_PROGRESS), one that expired, failed, or was already published, and any
  post past the account's `content_publishing_limit` (code 9, subcode 2207042).
- `GET /{ig-user-id}/media?fields=id,caption,timestamp` lists the account's posts, newest first,
  in pages (`limit`, `after` cursor); only IG Media fields may be asked.
- `POST /{ig-media-id}/comments` needs `message`, an existing post and `instagram_manage_comments`.

Meta downloads each video in the background from `video_url`; the container reads FINISHED once
the download is done and `processing_seconds` have passed.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from distribution.emulators.base import RECEIVE_BLOCK, Exchange, new_id
from distribution.emulators.graph import GRAPH_PREFIX, GraphEmulator, GraphRefused

CAPTION_LIMIT, HASHTAG_LIMIT, MENTION_LIMIT = 2200, 30, 20
DAY_SECONDS = 86400
CONTAINER_FIELDS = frozenset({"id", "status", "status_code", "copyright_check_status"})
MEDIA_FIELDS = frozenset(
    {
        "id", "caption", "comments_count", "is_shared_to_feed", "like_count", "media_product_type", "media_type",
        "media_url", "owner", "permalink", "shortcode", "thumbnail_url", "timestamp", "username",
    }
)  # fmt: skip
NOT_READY = (9007, 2207027, "Media ID is not available")
OVER_LIMIT = (9, 2207042, "You have reached the maximum number of posts allowed by the Content Publishing API")


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
    ready_at: float = 0.0  # time.monotonic() from which a fetched video reads FINISHED
    fetched: bool = False
    published_at: float = 0.0
    comments: list[dict[str, str]] = field(default_factory=list)

    def timestamp(self) -> str:
        return datetime.fromtimestamp(self.published_at, UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


class InstagramEmulator(GraphEmulator):
    name = "instagram"
    routes = [
        ("POST", GRAPH_PREFIX + r"/(?P<user_id>\w+)/media", "media", True),
        ("GET", GRAPH_PREFIX + r"/(?P<user_id>\w+)/media", "user_media", True),
        ("POST", GRAPH_PREFIX + r"/(?P<user_id>\w+)/media_publish", "media_publish", True),
        ("GET", GRAPH_PREFIX + r"/(?P<user_id>\w+)/content_publishing_limit", "publishing_limit", True),
        ("GET", GRAPH_PREFIX + r"/(?P<object_id>\w+)/insights", "insights", True),
        ("POST", GRAPH_PREFIX + r"/(?P<media_id>\w+)/comments", "comment", True),
        ("POST", GRAPH_PREFIX + r"/oauth/access_token", "token", False),
        ("GET", GRAPH_PREFIX + r"/(?P<object_id>\w+)", "object", True),
    ]

    def __init__(self, *args: Any, quota_total: int = 100, processing_seconds: float = 0.0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.quota_total = quota_total
        self.processing_seconds = processing_seconds
        self.containers: dict[str, Container] = {}
        self.media: dict[str, Container] = {}  # media id -> the container it was published from

    def settings(self) -> dict[str, str]:
        return {"INSTAGRAM_GRAPH_BASE_URL": self.base_url + GRAPH_PREFIX}

    def expire_containers(self) -> None:
        """Every container not yet published expires (Meta gives them 24 hours)."""
        with self.lock:
            for container in self.containers.values():
                if not container.media_id:
                    container.status_code = "EXPIRED"

    # --- containers --------------------------------------------------------------------------
    def handle_media(self, exchange: Exchange, user_id: str) -> None:
        form = exchange.form()
        media_type = form.get("media_type", "")
        if media_type == "VIDEO":
            raise GraphRefused(100, "(#100) The VIDEO media type is no longer supported: use media_type=REELS")
        if media_type != "REELS":
            raise GraphRefused(100, "(#100) This emulator takes Reels only: media_type=REELS is required")
        video_url = form.get("video_url", "")
        if not re.match(r"https?://", video_url):
            raise GraphRefused(100, "(#100) The parameter video_url is required: a public URL of the video")
        caption = form.get("caption", "")
        _check_caption(caption)
        if form.get("share_to_feed", "true") not in ("true", "false"):
            raise GraphRefused(100, "(#100) share_to_feed must be true or false")
        container = Container(user_id, video_url, caption)
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
        container.sha256, container.ready_at, container.fetched = (
            hasher.hexdigest(),
            time.monotonic() + self.processing_seconds,
            True,
        )

    def _settle(self, container: Container) -> None:
        with self.lock:
            if container.status_code == "IN_PROGRESS" and container.fetched and time.monotonic() >= container.ready_at:
                container.status_code = "FINISHED"

    def handle_media_publish(self, exchange: Exchange, user_id: str) -> None:
        container_id = exchange.form().get("creation_id", "")
        container = self.containers.get(container_id)
        if not container_id:
            raise GraphRefused(100, "(#100) The parameter creation_id is required")
        if container is None or container.user_id != user_id:
            raise GraphRefused(100, f"(#100) The container {container_id} does not exist for this account", subcode=33)
        self._settle(container)
        with self.lock:
            code = container.status_code
            if code == "IN_PROGRESS":
                raise GraphRefused(NOT_READY[0], NOT_READY[2], subcode=NOT_READY[1])
            if code == "PUBLISHED":
                raise GraphRefused(100, "(#100) This container was already published: create a new one to post again")
            if code == "EXPIRED":
                raise GraphRefused(100, "(#100) The media container has expired: create a new one")
            if code == "ERROR":
                raise GraphRefused(100, f"(#100) The container failed and cannot be published: {container.status}")
            cutoff = time.time() - DAY_SECONDS
            used = sum(1 for m in self.media.values() if m.user_id == user_id and m.published_at > cutoff)
            if used >= self.quota_total:
                raise GraphRefused(OVER_LIMIT[0], OVER_LIMIT[2], subcode=OVER_LIMIT[1])
            container.media_id = new_id().replace("-", "")
            container.status_code, container.published_at = "PUBLISHED", time.time()
            self.media[container.media_id] = container
        self.ok(exchange, {"id": container.media_id})

    def handle_publishing_limit(self, exchange: Exchange, user_id: str) -> None:
        cutoff = time.time() - DAY_SECONDS
        used = sum(1 for m in self.media.values() if m.user_id == user_id and m.published_at > cutoff)
        config = {"quota_total": self.quota_total, "quota_duration": DAY_SECONDS}
        self.ok(exchange, {"data": [{"quota_usage": used, "config": config}]})

    # --- reading -----------------------------------------------------------------------------
    def handle_user_media(self, exchange: Exchange, user_id: str) -> None:
        fields = self.check_fields(exchange.query.get("fields", "id"), MEDIA_FIELDS, "IGMedia")
        limit = min(int(exchange.query.get("limit", "25") or 25), 100)
        posts = sorted(
            ((media_id, m) for media_id, m in self.media.items() if m.user_id == user_id),
            key=lambda item: item[1].published_at,
            reverse=True,
        )
        after = exchange.query.get("after", "")
        start = next((i + 1 for i, (media_id, _) in enumerate(posts) if media_id == after), 0) if after else 0
        page = posts[start : start + limit]
        body: dict[str, Any] = {"data": [self._media_fields(media_id, m, fields) for media_id, m in page]}
        if page:
            body["paging"] = {"cursors": {"before": page[0][0], "after": page[-1][0]}}
            if start + limit < len(posts):
                body["paging"]["next"] = f"{self.base_url}{exchange.path}?after={page[-1][0]}&limit={limit}"
        self.ok(exchange, body)

    def _media_fields(self, media_id: str, media: Container, fields: list[str]) -> dict[str, Any]:
        values = {
            "id": media_id,
            "caption": media.caption,
            "timestamp": media.timestamp(),
            "permalink": f"https://www.instagram.com/reel/{media_id}/",
            "media_type": "VIDEO",
            "media_product_type": "REELS",
            "comments_count": len(media.comments),
            "like_count": 0,
        }
        return {"id": media_id, **{name: values[name] for name in fields if name in values}}

    def handle_object(self, exchange: Exchange, object_id: str) -> None:
        requested = exchange.query.get("fields", "id")
        if object_id in self.containers:
            container = self.containers[object_id]
            fields = self.check_fields(requested, CONTAINER_FIELDS, "ShadowIGMediaBuilder")
            self._settle(container)
            values = {
                "id": object_id,
                "status_code": container.status_code,
                "status": container.status or _status_text(container.status_code),
                "copyright_check_status": {"status": "complete", "matches_found": False},
            }
            self.ok(exchange, {name: values[name] for name in ["id", *fields] if name in values})
        elif object_id in self.media:
            fields = self.check_fields(requested, MEDIA_FIELDS, "IGMedia")
            self.ok(exchange, self._media_fields(object_id, self.media[object_id], fields))
        else:
            self.not_found(exchange, object_id)

    def handle_comment(self, exchange: Exchange, media_id: str) -> None:
        form = exchange.form()
        media = self.media.get(media_id)
        if media is None:
            raise GraphRefused(100, f"(#100) Object with ID '{media_id}' does not exist", subcode=33)
        self.require_permission(exchange, "instagram_manage_comments")
        message = form.get("message", "")
        if not message.strip():
            raise GraphRefused(100, "(#100) The parameter message is required")
        comment_id = new_id().replace("-", "")
        with self.lock:
            media.comments.append({"id": comment_id, "message": message})
        self.ok(exchange, {"id": comment_id})


def _check_caption(caption: str) -> None:
    if len(caption) > CAPTION_LIMIT:
        raise GraphRefused(100, f"(#100) The caption is longer than {CAPTION_LIMIT} characters")
    if len(re.findall(r"(?<!\w)#\w", caption)) > HASHTAG_LIMIT:
        raise GraphRefused(100, f"(#100) The caption has more than {HASHTAG_LIMIT} hashtags")
    if len(re.findall(r"(?<!\w)@\w", caption)) > MENTION_LIMIT:
        raise GraphRefused(100, f"(#100) The caption has more than {MENTION_LIMIT} @-mentions")


def _status_text(code: str) -> str:
    return {"FINISHED": "Finished: 100", "IN_PROGRESS": "In Progress", "PUBLISHED": "Published"}.get(code, code)
