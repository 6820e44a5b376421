import logging
import re
import time
import uuid

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware

from common.logging import current_request_id

_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# The API answers 401 itself, the admin has its own sign-in, health checks stay open.
_OPEN_PREFIXES = ("/api/", "/admin/", "/healthz", "/readyz", "/static/", "/favicon.ico")


class DashboardLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Every dashboard page needs a login; views opt out with @login_not_required."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith(_OPEN_PREFIXES):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class RequestLogMiddleware:
    """A request id for every request (the caller's X-Request-ID when sane, else a new one),
    echoed in the response, and one log line per request: method, path, status, duration, user."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.log = logging.getLogger("reelmill.requests")

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = current_request_id.set(request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            if settings.LOG_REQUESTS:
                user = getattr(request, "user", None)
                self.log.info(
                    "%s %s %s",
                    request.method,
                    request.path,
                    response.status_code,
                    extra={
                        "event": "request",
                        "method": request.method,
                        "path": request.path,
                        "status": response.status_code,
                        "duration_ms": round((time.monotonic() - started) * 1000, 1),
                        "user_id": user.pk if user is not None and user.is_authenticated else None,
                    },
                )
            return response
        finally:
            current_request_id.reset(token)
