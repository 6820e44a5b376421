"""Per-platform defaults: the one place the DESIGN.md table lives in code."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class Platform(models.TextChoices):
    TIKTOK = "tiktok", "TikTok"
    YOUTUBE = "youtube", "YouTube"
    FACEBOOK = "facebook", "Facebook"
    INSTAGRAM = "instagram", "Instagram"
    SANDBOX = "sandbox", "Sandbox (local)"


@dataclass(frozen=True)
class PlatformDefaults:
    hourly_upload_limit: int
    daily_upload_limit: int
    upload_cooldown_minutes: int
    aspect: str
    max_duration_seconds: int


PLATFORM_DEFAULTS: dict[str, PlatformDefaults] = {
    Platform.TIKTOK: PlatformDefaults(5, 15, 15, "9:16", 600),
    Platform.YOUTUBE: PlatformDefaults(3, 10, 20, "9:16 Shorts or 16:9", 60),
    Platform.FACEBOOK: PlatformDefaults(10, 30, 15, "9:16 Reels", 90),
    Platform.INSTAGRAM: PlatformDefaults(5, 25, 30, "9:16", 90),
    # Publishes into local storage (the demo of `make run`): generous, nothing to protect.
    Platform.SANDBOX: PlatformDefaults(60, 1000, 0, "any", 600),
}

# Hard ceilings on what an account may be configured to: beyond these a value is a typo.
MAX_HOURLY_LIMIT = 100
MAX_DAILY_LIMIT = 1000
MAX_COOLDOWN_MINUTES = 7 * 24 * 60
MAX_JITTER_MINUTES = 24 * 60


def defaults_for(platform: str) -> PlatformDefaults:
    return PLATFORM_DEFAULTS[Platform(platform)]
