import json
import re
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhengwu.core import access, auth, clock
from zhengwu.core.context import acting_as
from zhengwu.core.errors import DomainError, ValidationFailed


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
                if request.path.startswith("/api/"):
                    return session_expired_answer()
                query = {"expired": "1"}
                if request.method == "GET":
                    query["next"] = request.get_full_path()
                return _go(request, f"{reverse('core:login')}?{urlencode(query)}")
            if access.must_use_otp(user) and not _verified(user) and not _otp_exempt(request):
                return _go(request, reverse("core:otp_setup"))
        signed_in = user is not None and user.is_authenticated
        with acting_as(user if signed_in else None, ip=ip, label="" if signed_in else "匿名访客"):
            return self.get_response(request)


def session_expired_answer() -> JsonResponse:
    """The API's answer to a request whose session expired: 401 with a challenge, so a client signs in again."""
    response = JsonResponse(
        {"code": "unauthenticated", "message": "会话已过期,请重新登录", "field": None},
        status=401,
        json_dumps_params={"ensure_ascii": False},
    )
    response["WWW-Authenticate"] = auth.www_authenticate()
    return response


def _verified(user) -> bool:
    return bool(getattr(user, "is_verified", lambda: False)())


def _otp_exempt(request) -> bool:
    """Pages an administrator still reaches before enrolling a second factor."""
    allowed = (reverse("core:otp_setup"), reverse("core:logout"), reverse("core:login"))
    return request.path in allowed or request.path.startswith(("/static/", "/healthz"))


class RequestSizeMiddleware:
    """Refuses a request whose declared body (Content-Length) is larger than ZHENGWU_REQUEST_MAX_BYTES before any
    of it is read, whatever the proxy in front does: 413, {code, message, field} on the API, the Chinese error page
    on pages. Each file is then checked against its own domain's limit by core.files."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from zhengwu.core import files

        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        limit = files.request_limit()
        if declared > limit:
            message = _("上传内容过大(%(size)s MB),每次提交不能超过 %(limit)s MB;请压缩或分次上传") % {
                "size": round(declared / 1048576, 1),
                "limit": limit // 1048576,
            }
            if request.path.startswith("/api/"):
                response = JsonResponse(
                    {"code": "too_large", "message": str(message), "field": None},
                    status=413,
                    json_dumps_params={"ensure_ascii": False},
                )
            else:
                context = {"status": 413, "heading": _("上传内容过大"), "message": message}
                response = render(request, "error_page.html", context, status=413)
            return response
        return self.get_response(request)


class UnreadableInputMiddleware:
    """Turns away input the database or the request parser cannot take, before any view sees it.

    PostgreSQL text cannot hold NUL (0x00) characters and a multipart body without a valid boundary cannot be
    read: either would otherwise end, deep in a view, as a 500. The API (/api/) gets its {code, message, field};
    pages get the Chinese 400 page. The CKAN action API is let through: it refuses such input itself, in CKAN's
    envelope (api/ckan/protocol.py).
    """

    PREFIX = "/api/"
    OWN_FORMAT = re.compile(r"^/(disclosure/)?api/(3/)?action/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/static/") and not self.OWN_FORMAT.match(request.path):
            refused = _unreadable(request)
            if refused is not None:
                if request.path.startswith(self.PREFIX):
                    return JsonResponse(refused.as_dict(), status=refused.status)
                return render(request, "400.html", {"message": refused.message}, status=400)
        return self.get_response(request)


def _unreadable(request) -> DomainError | None:
    """What in the request no view could take (a NUL character, a broken multipart body), or None."""
    if "\x00" in request.path:
        return _nul_error(None)
    refused = _nul_in_form(request.GET)
    if refused is not None:
        return refused
    content_type = request.content_type or ""
    if content_type.startswith(("multipart/", "application/x-www-form-urlencoded")):
        try:
            form = request.POST  # parsed now, so a broken body answers here rather than as a 500
        except MultiPartParserError:
            return DomainError(
                _("请求体无法解析:multipart 表单的 boundary 缺失或无效"), code="invalid_body", status=400
            )
        return _nul_in_form(form)
    if content_type == "application/json" and request.body:
        try:
            data = json.loads(request.body)
        except (ValueError, UnicodeDecodeError):
            return None  # the API answers invalid JSON itself
        found = _nul_in(data)
        if found is not None:
            return _nul_error(found or None)
    return None


def _nul_in_form(form) -> ValidationFailed | None:
    for key, values in form.lists():
        if "\x00" in key or any("\x00" in v for v in values):
            return _nul_error(key.replace("\x00", "") or None)
    return None


def _nul_in(value, where: str = "") -> str | None:
    """Where (a dotted path, "" for the top) a NUL character is in parsed JSON, or None."""
    if isinstance(value, str):
        return where if "\x00" in value else None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = ((str(i), v) for i, v in enumerate(value))
    else:
        return None
    for key, item in items:
        path = f"{where}.{key}" if where else str(key)
        if "\x00" in str(key):
            return path.replace("\x00", "")
        found = _nul_in(item, path)
        if found is not None:
            return found
    return None


def _nul_error(field: str | None) -> ValidationFailed:
    if field:
        return ValidationFailed(_("%(field)s:不能包含空字符(\\0)") % {"field": field}, field=field)
    return ValidationFailed(_("不能包含空字符(\\0)"), field=field)


class DomainErrorPageMiddleware:
    """A domain error no page view caught (not found, no access, a conflict) is shown as the Chinese error page
    with its status and message, never as a 500. The API has its own handler (api/urls.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DomainError) or request.path.startswith("/api/"):
            return None
        template = {403: "403.html", 404: "404.html"}.get(exception.status, "error_page.html")
        heading = _PAGE_HEADINGS.get(exception.status, _("无法完成"))
        context = {"status": exception.status, "heading": heading, "message": exception.message}
        return render(request, template, context, status=exception.status)


_PAGE_HEADINGS = {
    400: _("请求无法处理"),
    403: _("无权访问"),
    404: _("页面不存在"),
    409: _("操作冲突"),
    422: _("填写有误"),
}


class SlidingSessionMiddleware:
    """The idle limit (SESSION_COOKIE_AGE) slides with activity without writing the session on every request
    (SESSION_SAVE_EVERY_REQUEST cost an UPDATE per request, issue 20): a signed-in session is saved, and so its
    expiry pushed back, when it was last refreshed more than ZHENGWU_SESSION_REFRESH_SECONDS ago (default 60). The
    idle limit is thus kept to within that many seconds; the absolute limit is RequestContextMiddleware's."""

    KEY = "_zw_refreshed"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is None or user is None or not user.is_authenticated or response.status_code >= 500:
            return response
        # The project clock (core.clock), as the absolute limit (auth.session_expired): outside tests and history
        # imports it runs at the system's pace, so the minute is the same; a test that moves the clock sees it pass.
        now = int(clock.now().timestamp())
        every = getattr(settings, "ZHENGWU_SESSION_REFRESH_SECONDS", 60)
        # a mark ahead of the clock (written before the clock was moved back) counts as stale, not as fresh
        if not 0 <= now - int(session.get(self.KEY, 0)) < every:
            session[self.KEY] = now  # modified: SessionMiddleware saves it with a new expiry
        return response


class OneCalendarPerRequestMiddleware:
    """The holiday calendar is checked against the database once per request, not once per use (issue 20): the
    request runs inside calendar.pinned(); a year loaded during the request is seen at once, as outside."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from zhengwu.core.calendar import known_freshness, pinned

        with pinned():
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                known_freshness(user)  # asked with the signed-in user (core.backends.StaffBackend)
            return self.get_response(request)


def session_refreshed_at_sign_in(sender, request, user, **kwargs) -> None:
    """A session just signed in to counts as refreshed now (it is saved anyway, with a fresh expiry)."""
    session = getattr(request, "session", None)
    if session is not None:
        session[SlidingSessionMiddleware.KEY] = int(clock.now().timestamp())
