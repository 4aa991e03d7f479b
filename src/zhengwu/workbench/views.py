from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django_otp import user_has_device

from zhengwu.core import access, clock


def _no_profile(request):
    return render(request, "workbench/no_profile.html", status=403)


@login_required
def home(request):
    """The staff member's start page: who they are, where they sit, what they may do."""
    staff = access.staff_of(request.user)
    if staff is None:
        return _no_profile(request)
    return render(request, "workbench/home.html", {"staff": staff, "today": clock.today()})


@login_required
def profile(request):
    """The staff member's own profile, with the phone masked and the way to turn on the second factor."""
    staff = access.staff_of(request.user)
    if staff is None:
        return _no_profile(request)
    return render(
        request, "workbench/profile.html", {"staff": staff, "otp_enabled": user_has_device(request.user)}
    )
