from django.db import connection
from django.http import JsonResponse


def health(request):
    """Liveness and database reachability, for load balancers and monitoring."""
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
        db = "ok"
    except Exception as exc:  # noqa: BLE001 — the health check reports any database failure
        return JsonResponse({"status": "error", "database": str(exc)}, status=503)
    return JsonResponse({"status": "ok", "database": db, "vendor": connection.vendor})


def login_view(request):
    raise NotImplementedError


otp_view = logout_view = otp_setup_view = lockout = login_view
