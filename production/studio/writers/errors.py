"""The one error type the writers raise."""

from __future__ import annotations


class WriterError(Exception):
    """A script could not be written; `message` is meant for the creator, as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
