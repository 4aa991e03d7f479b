import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect

from zhengwu.core.context import acting_as


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Records who acts and from where for the audit chain, and ends sessions older than the absolute limit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get("signed_in_at")
            if started and time.time() - started > settings.ZHENGWU_SESSION_MAX_SECONDS:
                logout(request)
                return redirect(f"{settings.LOGIN_URL and '/accounts/login/'}?expired=1")
        with acting_as(user if user is not None and user.is_authenticated else None, ip=client_ip(request)):
            return self.get_response(request)
