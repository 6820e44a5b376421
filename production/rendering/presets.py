"""Platform output presets: resolution, frame rate, length limit, encoder settings, safe areas."""

from __future__ import annotations

from dataclasses import dataclass

PORTRAIT = {"1080p": (1080, 1920), "720p": (720, 1280)}
LANDSCAPE = {"1080p": (1920, 1080), "720p": (1280, 720)}
RESOLUTIONS = tuple(PORTRAIT)
# Without a platform the only limit is the longest thing any platform accepts.
UNLIMITED_DURATION = 43200.0


@dataclass(frozen=True)
class SafeArea:
    """Fractions of the frame that the platform's own UI covers (buttons, captions, tabs)."""

    top: float
    bottom: float
    left: float
    right: float


@dataclass(frozen=True)
class Preset:
    platform: str
    orientation: str  # "portrait" | "landscape"
    fps: int
    max_duration: float
    crf: int
    safe_area: SafeArea

    def size(self, resolution: str) -> tuple[int, int]:
        table = PORTRAIT if self.orientation == "portrait" else LANDSCAPE
        return table[resolution]


# Safe areas follow the platforms' published overlay guides for 9:16 video: the bottom
# fifth carries the caption and music ticker, the right edge the like/share buttons.
_REELS_SAFE = SafeArea(top=0.12, bottom=0.20, left=0.06, right=0.12)

PRESETS: dict[str, Preset] = {
    "tiktok": Preset("tiktok", "portrait", 30, 600.0, 23, SafeArea(0.08, 0.20, 0.06, 0.14)),
    "youtube_shorts": Preset("youtube_shorts", "portrait", 30, 60.0, 23, SafeArea(0.10, 0.18, 0.06, 0.12)),
    "instagram_reels": Preset("instagram_reels", "portrait", 30, 90.0, 23, _REELS_SAFE),
    "facebook_reels": Preset("facebook_reels", "portrait", 30, 90.0, 23, _REELS_SAFE),
    "youtube": Preset("youtube", "landscape", 30, UNLIMITED_DURATION, 21, SafeArea(0.05, 0.10, 0.05, 0.05)),
}
PLATFORMS = tuple(PRESETS)
NEUTRAL_SAFE_AREA = SafeArea(0.05, 0.08, 0.05, 0.05)

# Encoder settings shared by every preset: what all platforms ingest without re-encoding
# trouble. "veryfast" keeps a 2-core worker near real time at 1080x1920.
VIDEO_CODEC = "libx264"
X264_PRESET = "veryfast"
PIXEL_FORMAT = "yuv420p"
AUDIO_CODEC = "aac"
AUDIO_BITRATE = "128k"
AUDIO_RATE = 48000
DEFAULT_CRF = 23
DEFAULT_FPS = 30
X264_PRESETS = (
    "ultrafast",
    "superfast",
    "veryfast",
    "faster",
    "fast",
    "medium",
    "slow",
    "slower",
    "veryslow",
)
