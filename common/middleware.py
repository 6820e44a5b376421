from django.contrib.auth.middleware import LoginRequiredMiddleware

# The API answers 401 itself, the admin has its own sign-in, health checks stay open.
_OPEN_PREFIXES = ("/api/", "/admin/", "/healthz", "/readyz", "/static/", "/favicon.ico")


class DashboardLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Every dashboard page needs a login; views opt out with @login_not_required."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith(_OPEN_PREFIXES):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
