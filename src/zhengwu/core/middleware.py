from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from zhengwu.core import access, auth
from zhengwu.core.context import acting_as


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _go(request, url: str):
    """Redirect, telling htmx to load the whole page rather than swap the login form into a fragment."""
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


class RequestContextMiddleware:
    """Records who acts and from where for the audit chain, and ends sessions older than the absolute limit.

    When ZHENGWU_REQUIRE_OTP_FOR_ADMIN is on, an administrator signed in without a second factor is sent to
    enrol one before anything else.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        ip = client_ip(request)
        if user is not None and user.is_authenticated:
            if auth.session_expired(request):
                with acting_as(user, ip=ip):
                    auth.sign_out(request, reason="expired")
                query = {"expired": "1"}
                if request.method == "GET":
                    query["next"] = request.get_full_path()
                return _go(request, f"{reverse('core:login')}?{urlencode(query)}")
            if access.must_use_otp(user) and not _verified(user) and not _otp_exempt(request):
                return _go(request, reverse("core:otp_setup"))
        signed_in = user is not None and user.is_authenticated
        with acting_as(user if signed_in else None, ip=ip, label="" if signed_in else "匿名访客"):
            return self.get_response(request)


def _verified(user) -> bool:
    return bool(getattr(user, "is_verified", lambda: False)())


def _otp_exempt(request) -> bool:
    """Pages an administrator still reaches before enrolling a second factor."""
    allowed = (reverse("core:otp_setup"), reverse("core:logout"), reverse("core:login"))
    return request.path in allowed or request.path.startswith(("/static/", "/healthz"))
