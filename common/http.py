"""Plain-Django responses shared by the dashboard and the API."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from common.api import error_body

LOCKOUT_MESSAGE = "Too many failed sign-in attempts from your address. Try again later."


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes lockout: JSON 429 for the API, a readable page for the dashboard."""
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("throttled", LOCKOUT_MESSAGE), status=429)
    return render(request, "accounts/locked_out.html", {"message": LOCKOUT_MESSAGE}, status=429)


def _error_page(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        code = {400: "invalid", 403: "permission_denied", 404: "not_found", 500: "server_error"}[status]
        return JsonResponse(error_body(code, message), status=status)
    return render(request, "error.html", {"title": title, "message": message}, status=status)


def bad_request(request, exception=None):
    return _error_page(request, 400, "Bad request", "The request could not be understood.")


def forbidden(request, exception=None):
    return _error_page(request, 403, "Not allowed", "You are not allowed to do that.")


def not_found(request, exception=None):
    return _error_page(request, 404, "Not found", "There is nothing here, or it is not yours.")


def server_error(request):
    return _error_page(request, 500, "Something went wrong", "Something went wrong on our side. It has been logged.")
