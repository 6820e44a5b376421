from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """Liveness: 200 while the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any failure to reach the database is "unhealthy"
        return JsonResponse(
            {"status": "error", "checks": {"database": f"unreachable: {exc.__class__.__name__}"}},
            status=503,
        )
    return JsonResponse({"status": "ok", "checks": {"database": "ok"}})
