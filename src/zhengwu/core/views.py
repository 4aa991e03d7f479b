"""Sign-in pages (password, then the TOTP code if the user has one), sign-out, second-factor enrolment, lock-out."""

import sys
from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.db import connection
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.template import loader
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from zhengwu.core import access, auth, dbrouter, errors, navigation
from zhengwu.core.forms import OtpRemoveForm, OtpTokenForm, SignInForm


def health(request):
    """Liveness and database reachability (the primary and each replica), for load balancers and monitoring."""
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
        db = "ok"
    except Exception as exc:  # noqa: BLE001 — the health check reports any database failure
        return JsonResponse({"status": "error", "database": str(exc)}, status=503)
    answer = {"status": "ok", "database": db, "vendor": connection.vendor}
    if replicas := dbrouter.replica_health():  # only with DATABASE_REPLICA_URL (docs/deploy.md)
        answer["replicas"] = replicas
        if any(r["status"] != "ok" for r in replicas.values()):
            # 200 all the same: every app server shares the replicas, so taking this one out of the load balancer
            # would not help (and would take them all out); monitoring sees "degraded" and the replica's error
            answer["status"] = "degraded"
    return JsonResponse(answer)


FAVICON = "zhengwu/favicon.ico"


def favicon(request):
    """/favicon.ico, where browsers and bookmarks look for the site's icon (the file is in static)."""
    path = finders.find(FAVICON)
    if not path:
        raise Http404()
    response = FileResponse(open(path, "rb"), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def _next_url(request) -> str:
    """Where to go after signing in: the `next` parameter if it stays on this site, else the workbench."""
    return navigation.next_url(request, settings.LOGIN_REDIRECT_URL, avoid=reverse("core:login"))


def _failure_message(base: str, attempt: auth.Attempt) -> str:
    if attempt.tries_left:
        return _("%(base)s,还可尝试 %(n)d 次。") % {"base": base, "n": attempt.tries_left}
    return base + _("。")


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request):
    """Step one: user name and password. Users with a confirmed TOTP device go on to the code step."""
    next_url = _next_url(request)
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        attempt = auth.check_password(request, username=username, password=form.cleaned_data["password"])
        if attempt.user is not None:
            if auth.needs_second_factor(attempt.user):
                auth.begin_second_factor(request, user=attempt.user, next_url=next_url)
                return redirect("core:login_otp")
            auth.sign_in(request, user=attempt.user)
            return redirect(next_url)
        if attempt.locked:
            return lockout(request, {"username": username})
        form.fail(_failure_message(_("用户名或密码错误"), attempt))
    context = {
        "form": form,
        "next": next_url,
        "expired": request.GET.get("expired") == "1",
        "limit": settings.AXES_FAILURE_LIMIT,
        "minutes": auth.lockout_minutes(request),
    }
    return render(request, "core/login.html", context)


@sensitive_post_parameters("otp_token")
@csrf_protect
@never_cache
def otp_view(request):
    """Step two: the code from the authenticator app; only a right code signs the user in."""
    user, next_url = auth.pending_second_factor(request)
    if user is None:
        messages.info(request, _("请先输入用户名和密码。"))
        return redirect("core:login")
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device, attempt = auth.check_second_factor(request, user=user, token=form.cleaned_data["otp_token"])
        if device is not None:
            auth.sign_in(request, user=user, device=device)
            return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
        if attempt.locked:
            request.session.pop(auth.PENDING_KEY, None)
            return lockout(request, {"username": user.get_username()})
        form.fail(_failure_message(_("动态验证码错误或已过期"), attempt))
    return render(request, "core/otp.html", {"form": form, "pending_user": user})


@require_POST
@csrf_protect
def logout_view(request):
    """Sign out (POST only, so a link or an image cannot sign anyone out) and return to the sign-in page."""
    auth.sign_out(request)
    messages.success(request, _("您已安全退出。"))
    return redirect("core:login")


@sensitive_post_parameters("password", "otp_token")
@login_required
@never_cache
def otp_setup_view(request):
    """Enrol an authenticator app (QR code, then a first code), or remove it after re-entering the password."""
    user = request.user
    confirm_form = OtpTokenForm(request.POST if request.POST.get("action") == "confirm" else None)
    remove_form = OtpRemoveForm(request.POST if request.POST.get("action") == "remove" else None)
    if request.method == "POST" and confirm_form.is_bound and confirm_form.is_valid():
        device = auth.otp_device_for_setup(user)
        if auth.confirm_otp(request, device=device, token=confirm_form.cleaned_data["otp_token"]):
            messages.success(request, _("双重验证已启用。以后登录时需输入验证器应用中的动态验证码。"))
            return redirect("core:otp_setup")
        confirm_form.fail(_("动态验证码错误,请核对手机时间后输入最新的6位数字。"))
    required = access.must_use_otp(user)
    if request.method == "POST" and remove_form.is_bound and not required and remove_form.is_valid():
        if auth.remove_otp(request, user=user, password=remove_form.cleaned_data["password"]):
            messages.success(request, _("双重验证已停用。"))
            return redirect("core:otp_setup")
        remove_form.fail(_("密码错误,未停用双重验证。"))

    context = {
        "enabled": auth.needs_second_factor(user),
        "required": required,
        "confirm_form": confirm_form,
        "remove_form": remove_form,
    }
    if not context["enabled"]:
        device = auth.otp_device_for_setup(user)
        context["qr_svg"] = segno.make(device.config_url, error="m").svg_inline(
            scale=5, title=_("用验证器应用扫描此二维码"), border=2
        )
        context["secret"] = b32encode(device.bin_key).decode()
    return render(request, "core/otp_setup.html", context)


def lockout(request, credentials=None, *args, **kwargs):
    """django-axes calls this for a locked-out user name and address: a 403 page saying how long to wait."""
    if isinstance(credentials, HttpResponseBase):  # axes 8 passes (request, original_response, credentials)
        credentials = args[0] if args else kwargs.get("credentials")
    context = {
        "minutes": auth.lockout_minutes(request),
        "limit": settings.AXES_FAILURE_LIMIT,
        "username": (credentials or {}).get("username", ""),
    }
    return render(request, "core/locked.html", context, status=403)


def server_error(request):
    """handler500: what an uncaught exception answers. The database (or Redis, when configured) unavailable is not a
    bug but a fault to wait out: 503 with Retry-After. The API answers {code, message, field} as JSON, pages the
    Chinese error page naming 12345 and the service centre's counter. Renders with no request context and no query:
    the database may be the thing that is down."""
    unavailable = errors.is_unavailable(sys.exc_info()[1])
    status = 503 if unavailable else 500
    wait = errors.retry_after_seconds()
    if request.path.startswith("/api/"):
        body = (
            {
                "code": "unavailable",
                "message": _("服务暂时不可用(数据服务中断),请在 %(s)s 秒后重试") % {"s": wait},
            }
            if unavailable
            else {"code": "server_error", "message": _("系统内部错误,错误已记录;请稍后重试")}
        )
        response = JsonResponse(
            {**body, "field": None}, status=status, json_dumps_params={"ensure_ascii": False}
        )
    else:
        template = loader.get_template("503.html" if unavailable else "500.html")
        response = HttpResponse(template.render({"retry_after": wait}), status=status)
    if unavailable:
        response["Retry-After"] = str(wait)
    return response
