"""The one application error type: business-rule violations, readable by people.

The API turns it into a JSON error body (400 by default, 409 for conflicts); the
dashboard shows the message as a form error or a flash message.
"""

from __future__ import annotations


class ApplicationError(Exception):
    status_code = 400
    default_code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        fields: dict[str, list[str]] | None = None,
        extra: dict | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.fields = fields or {}
        self.extra = extra or {}


class ConflictError(ApplicationError):
    status_code = 409
    default_code = "conflict"
