"""Loopback emulators of the platforms' upload APIs, for tests and local trials.

python -m distribution.emulators youtube --port 8765
"""

from distribution.emulators.base import Emulator, Fault, ReceivedUpload, Recorded
from distribution.emulators.facebook import FacebookEmulator
from distribution.emulators.instagram import InstagramEmulator
from distribution.emulators.tiktok import TikTokEmulator
from distribution.emulators.youtube import YouTubeEmulator

EMULATORS: dict[str, type[Emulator]] = {
    emulator.name: emulator for emulator in (YouTubeEmulator, TikTokEmulator, FacebookEmulator, InstagramEmulator)
}

__all__ = [
    "EMULATORS",
    "Emulator",
    "FacebookEmulator",
    "Fault",
    "InstagramEmulator",
    "ReceivedUpload",
    "Recorded",
    "TikTokEmulator",
    "YouTubeEmulator",
]
