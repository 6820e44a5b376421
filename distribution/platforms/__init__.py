"""Platform adapters: one per outside service, all on `base.PlatformAdapter`.

Base URLs come from settings so the same code talks to a loopback emulator or the real platform:

    YOUTUBE_API_BASE_URL      https://www.googleapis.com/youtube/v3
    YOUTUBE_UPLOAD_BASE_URL   https://www.googleapis.com/upload/youtube/v3
    YOUTUBE_TOKEN_URL         https://oauth2.googleapis.com/token
    TIKTOK_API_BASE_URL       https://open.tiktokapis.com
    FACEBOOK_GRAPH_BASE_URL   https://graph.facebook.com/v24.0
    FACEBOOK_RUPLOAD_BASE_URL https://rupload.facebook.com/video-upload/v24.0
    INSTAGRAM_GRAPH_BASE_URL  https://graph.facebook.com/v24.0
    PUBLIC_MEDIA_BASE_URL     "" (Instagram fetches videos from here; unset = not configured)
    MEDIA_ROOT                the folder PUBLIC_MEDIA_BASE_URL serves
    PLATFORM_HTTP_CONNECT_TIMEOUT 10 (seconds)
    PLATFORM_HTTP_READ_TIMEOUT    120 (seconds; after the last byte, silence this long = unknown outcome)
"""

from __future__ import annotations

from typing import Any

from common.http_client import HttpClient
from distribution.platforms.base import (
    Credentials,
    ErrorKind,
    Metrics,
    PlatformAdapter,
    PlatformError,
    PublishRequest,
    PublishResult,
    PublishStatus,
    RetryPolicy,
    SessionState,
    UploadSession,
)
from distribution.platforms.facebook import FacebookAdapter
from distribution.platforms.instagram import InstagramAdapter
from distribution.platforms.sandbox import SandboxAdapter
from distribution.platforms.tiktok import TikTokAdapter
from distribution.platforms.youtube import YouTubeAdapter

ADAPTERS: dict[str, type[PlatformAdapter]] = {
    adapter.name: adapter
    for adapter in (YouTubeAdapter, TikTokAdapter, FacebookAdapter, InstagramAdapter, SandboxAdapter)
}

__all__ = [
    "ADAPTERS",
    "Credentials",
    "ErrorKind",
    "FacebookAdapter",
    "HttpClient",
    "InstagramAdapter",
    "Metrics",
    "PlatformAdapter",
    "PlatformError",
    "PublishRequest",
    "PublishResult",
    "PublishStatus",
    "RetryPolicy",
    "SandboxAdapter",
    "SessionState",
    "TikTokAdapter",
    "UploadSession",
    "YouTubeAdapter",
    "get_adapter",
]


def _read(settings: Any, name: str, default: Any) -> Any:
    value = settings.get(name) if isinstance(settings, dict) else getattr(settings, name, None)
    return default if value in (None, "") else value


def get_adapter(platform: str, *, settings: Any = None, http: HttpClient | None = None, **options: Any):
    """The adapter for `platform`, configured from `settings` (a dict or Django settings).

    `options` override constructor arguments (chunk sizes, retry policy, poll intervals...).
    """
    try:
        adapter_class = ADAPTERS[platform]
    except KeyError:
        raise PlatformError(
            f"no adapter for platform {platform!r}", permanent=True, kind=ErrorKind.NOT_CONFIGURED
        ) from None
    if settings is None:
        from django.conf import settings
    if http is None:
        http = HttpClient(
            connect_timeout=float(_read(settings, "PLATFORM_HTTP_CONNECT_TIMEOUT", 10)),
            read_timeout=float(_read(settings, "PLATFORM_HTTP_READ_TIMEOUT", 120)),
        )
    arguments = {arg: _read(settings, name, default) for arg, (name, default) in adapter_class.settings_map.items()}
    return adapter_class(http=http, **(arguments | options))
