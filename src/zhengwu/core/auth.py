"""Staff sign-in as services: password, the optional TOTP second factor, sign-out, and each step's audit record.

django-axes counts failures (wrong passwords and wrong codes alike) per user name and address and locks
the pair out; these functions only read its verdict from the request and write the audit chain.
"""

import math
from dataclasses import dataclass

import django_otp
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.contrib import auth as django_auth
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.shortcuts import resolve_url
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhengwu.core import audit, clock

PENDING_KEY = "zhengwu_otp_pending"
SIGNED_IN_AT_KEY = "signed_in_at"
PENDING_SECONDS = 5 * 60  # the code must follow the password within five minutes
USER_TYPE = "auth.user"


@dataclass(frozen=True)
class Attempt:
    """The outcome of a password (or code) attempt, as the sign-in pages need it."""

    user: object | None = None
    locked: bool = False
    tries_left: int | None = None


def lockout_minutes(request=None) -> int:
    """How long a lock-out lasts, in whole minutes (from the django-axes cool-off setting)."""
    cool_off = get_cool_off(request)
    return math.ceil(cool_off.total_seconds() / 60) if cool_off else 0


def is_locked(request, username: str) -> bool:
    """Is this user name locked out from this address right now?"""
    return AxesProxyHandler.is_locked(request, {"username": username})


def check_password(request, *, username: str, password: str) -> Attempt:
    """Check a user name and password through django-axes; audit a failure or lock-out. Does not sign in."""
    already_locked = is_locked(request, username)
    user = django_auth.authenticate(request, username=username, password=password)
    if user is not None:
        return Attempt(user=user)
    return _failed(request, username=username, factor="password", already_locked=already_locked)


def check_second_factor(request, *, user, token: str) -> tuple[TOTPDevice | None, Attempt]:
    """Verify a TOTP code against the user's confirmed devices; a wrong code counts as a failed sign-in."""
    if is_locked(request, user.get_username()):
        return None, _failed(request, username=user.get_username(), factor="otp", already_locked=True)
    for device in TOTPDevice.objects.devices_for_user(user, confirmed=True):
        if device.verify_token(token):
            return device, Attempt(user=user)
    # Tell django-axes, so wrong codes lock the account like wrong passwords do.
    user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request)
    return None, _failed(request, username=user.get_username(), factor="otp")


def _failed(request, *, username: str, factor: str, already_locked: bool = False) -> Attempt:
    limit = get_failure_limit(request, {"username": username})
    failures = getattr(request, "axes_failures_since_start", None)
    locked = already_locked or bool(getattr(request, "axes_locked_out", False))
    user = get_user_model().objects.filter(username=username).first()
    target = {"object_type": USER_TYPE, "object_id": str(user.pk) if user else ""}
    with transaction.atomic():
        if already_locked:
            audit.record("auth.sign_in_refused", summary={"username": username, "reason": "locked"}, **target)
        else:
            audit.record(
                "auth.sign_in_failed",
                summary={"username": username, "factor": factor, "failures": failures},
                **target,
            )
            if locked:
                audit.record(
                    "auth.locked_out",
                    summary={"username": username, "failures": failures, "minutes": lockout_minutes(request)},
                    **target,
                )
    tries_left = None if locked or failures is None else max(limit - failures, 0)
    return Attempt(locked=locked, tries_left=tries_left)


def needs_second_factor(user) -> bool:
    """True if the user has a confirmed TOTP device."""
    return django_otp.user_has_device(user, confirmed=True)


def begin_second_factor(request, *, user, next_url: str) -> None:
    """Remember, for a few minutes, who passed the password step; they stay signed out until the code."""
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user_id": user.pk,
        "backend": user.backend,
        "at": clock.now().timestamp(),
        "next": next_url,
    }


def pending_second_factor(request) -> tuple[object | None, str]:
    """The user waiting for the code step and where they were going, or (None, "") if none or too old."""
    pending = request.session.get(PENDING_KEY)
    if not pending or clock.now().timestamp() - pending.get("at", 0) > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None, ""
    user = get_user_model().objects.filter(pk=pending["user_id"], is_active=True).first()
    if user is None:
        return None, ""
    user.backend = pending["backend"]
    return user, pending.get("next", "")


def sign_in(request, *, user, device: TOTPDevice | None = None) -> None:
    """Sign the user in (with the verified device, if any), start the session clock, audit it."""
    with transaction.atomic():
        request.session.pop(PENDING_KEY, None)
        django_auth.login(request, user)
        if device is not None:
            django_otp.login(request, device)
        request.session[SIGNED_IN_AT_KEY] = clock.now().timestamp()
        audit.record(
            "auth.signed_in",
            user,
            actor=user,
            summary={"second_factor": "totp" if device is not None else None},
        )


def sign_out(request, *, reason: str = "user") -> None:
    """End the session; audit who left and why (they chose to, or the session ran out)."""
    user = request.user if request.user.is_authenticated else None
    with transaction.atomic():
        if user is not None:
            audit.record("auth.signed_out", user, actor=user, summary={"reason": reason})
        django_auth.logout(request)


def www_authenticate() -> str:
    """The challenge of an API 401: sign-in is a session cookie got at the sign-in page."""
    return f'Session realm="zhengwu", login="{resolve_url(settings.LOGIN_URL)}"'


def session_expired(request) -> bool:
    """Has the session outlived the absolute limit since sign-in (ZHENGWU_SESSION_MAX_SECONDS)?"""
    started = request.session.get(SIGNED_IN_AT_KEY)
    return bool(started) and clock.now().timestamp() - started > settings.ZHENGWU_SESSION_MAX_SECONDS


def otp_device_for_setup(user) -> TOTPDevice:
    """The user's unconfirmed TOTP device, created on first use (a confirmed one is never shown again)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="验证器应用", confirmed=False)


def confirm_otp(request, *, device: TOTPDevice, token: str) -> bool:
    """Confirm a new device with its first code; the session counts as verified from then on."""
    if not device.verify_token(token):
        return False
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
        django_otp.login(request, device)
        audit.record("auth.otp_enrolled", device.user, summary={"device": device.pk})
    return True


def remove_otp(request, *, user, password: str) -> bool:
    """Remove the user's TOTP devices after they re-enter their password."""
    if not user.check_password(password):
        return False
    with transaction.atomic():
        removed = list(TOTPDevice.objects.filter(user=user).values_list("pk", flat=True))
        TOTPDevice.objects.filter(pk__in=removed).delete()
        request.session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)
        audit.record("auth.otp_removed", user, summary={"devices": removed})
    return True
