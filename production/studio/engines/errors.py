"""The one error the offline engines raise."""

from __future__ import annotations


class EngineError(Exception):
    """An offline engine (Piper, espeak-ng, ffmpeg, the aligner) could not do its job.

    `message` is written for the creator; `permanent` says whether trying the same thing
    again can help (a missing voice cannot, a timeout on a busy machine might).
    """

    def __init__(self, message: str, permanent: bool = True) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent

    def __repr__(self) -> str:
        return f"EngineError({self.message!r}, permanent={self.permanent})"

    def __reduce__(self):  # picklable for Celery results
        return EngineError, (self.message, self.permanent)
