"""API conventions shared by every app: one error body and pagination."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import re_path
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import exception_handler as drf_exception_handler

from common.errors import ApplicationError

logger = logging.getLogger(__name__)

_CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "request_too_large",
    415: "unsupported_media_type",
    429: "throttled",
}


def error_body(code: str, message: str, fields: dict | None = None, **extra) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}, **extra}}


def _flatten(detail) -> dict[str, list[str]]:
    """DRF's nested error detail -> {"field.sub": ["message", ...]}."""
    out: dict[str, list[str]] = {}

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, sub in value.items():
                # A nested serializer's own errors belong to the field that holds it.
                if key == "non_field_errors" and prefix:
                    walk(prefix, sub)
                else:
                    walk(f"{prefix}.{key}" if prefix else str(key), sub)
        elif isinstance(value, list) and value and not all(isinstance(v, str) for v in value):
            for index, sub in enumerate(value):
                walk(f"{prefix}.{index}" if prefix else str(index), sub)
        else:
            messages = value if isinstance(value, list) else [value]
            out.setdefault(prefix or "non_field_errors", []).extend(str(m) for m in messages)

    walk("", detail)
    return out


def exception_handler(exc, context):
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        message = f"Request body too large (limit {limit} bytes)."
        return Response(error_body("request_too_large", message, {"non_field_errors": [message]}), status=400)
    if isinstance(exc, ApplicationError):
        body = error_body(exc.code, exc.message, exc.fields, **exc.extra)
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {}
        message = "; ".join(exc.messages) if not fields else "Invalid input."
        exc = exceptions.ValidationError(fields or {"non_field_errors": exc.messages})
        exc.detail_message = message
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception("Unhandled API error", exc_info=exc)
        return Response(
            error_body("server_error", "Something went wrong on our side. It has been logged."),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )

    code = _CODES.get(response.status_code, "error")
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        message = getattr(exc, "detail_message", None) or _summary(fields)
        response.data = error_body("invalid", message, fields)
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        response.data = error_body(code, str(detail))
    return response


def _summary(fields: dict[str, list[str]]) -> str:
    if list(fields) == ["non_field_errors"]:
        return " ".join(fields["non_field_errors"])
    names = ", ".join(name for name in fields if name != "non_field_errors")
    return f"Invalid input: check {names}." if names else "Invalid input."


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200


class OptionalSlashRouter(SimpleRouter):
    """Routes answer with or without the trailing slash (`/api/v1/queue/stats` and `.../stats/`).

    Links we generate keep the slash: the slash-less twins are unnamed, so reverse() ignores them.
    """

    def get_urls(self):
        urls = super().get_urls()
        bare = [
            re_path(str(url.pattern)[: -len("/$")] + "$", url.callback)
            for url in urls
            if str(url.pattern).endswith("/$")
        ]
        return urls + bare


def hide_slashless_twins(endpoints):
    """drf-spectacular hook: document each route once, in its canonical (slashed) form."""
    paths = {path for path, *_ in endpoints}
    return [e for e in endpoints if e[0].endswith("/") or f"{e[0]}/" not in paths]
