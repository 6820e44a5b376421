"""Error types of the renderer: one for bad specs, one for failed renders."""

from __future__ import annotations


class SpecError(ValueError):
    """A composition spec is invalid; `fields` maps a dotted path to its messages.

    The API turns `fields` into a 400 body, the dashboard into form errors.
    """

    def __init__(self, fields: dict[str, list[str]]):
        self.fields = {path: list(messages) for path, messages in fields.items()}
        super().__init__(self._summary())

    def _summary(self) -> str:
        parts = [f"{path}: {'; '.join(messages)}" for path, messages in self.fields.items()]
        return "Invalid composition spec: " + " | ".join(parts)


class RenderError(RuntimeError):
    """A render failed. `str()` is short and readable; `log_tail` holds ffmpeg's last words."""

    reason = "failed"

    def __init__(self, message: str, *, log_tail: str = "", command: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.log_tail = log_tail
        self.command = command or []


class RenderTimeout(RenderError):
    reason = "timeout"


class RenderCancelled(RenderError):
    reason = "cancelled"


class InvalidOutput(RenderError):
    """ffmpeg exited cleanly but the file is not what the spec asked for."""

    reason = "invalid_output"
