"""What the renderer needs to know about a library asset (filled in by the library app)."""

from __future__ import annotations

from dataclasses import dataclass

ASSET_KINDS = ("template", "hot_video", "product", "audio", "image", "rendered", "voice_over")
AUDIO_KINDS = frozenset({"audio", "voice_over"})
VISUAL_KINDS = frozenset({"template", "hot_video", "product", "image", "rendered"})
# Material the user made themselves; "hot_video" is reused material. A "rendered" video may
# already contain reused clips, so it does not count as original.
ORIGINAL_KINDS = frozenset({"template", "product", "image"})


@dataclass(frozen=True)
class AssetInfo:
    id: int
    owner_id: int
    kind: str
    status: str
    path: str
    duration: float | None = None  # seconds; None for still images
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    has_audio: bool = False
    has_video: bool = True
    royalty_free: bool = False
    # A voice-over's words in the order spoken, (text, start, end) in seconds; () otherwise.
    words: tuple[tuple[str, float, float], ...] = ()

    @property
    def is_still(self) -> bool:
        return self.kind == "image" or self.duration is None
