from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django_otp import user_has_device

from zhengwu.core import access, clock
from zhengwu.workbench import agenda


def _no_profile(request):
    return render(request, "workbench/no_profile.html", status=403)


@login_required
def home(request):
    """The staff member's start page: the work waiting for them, list by list, most urgent first; who they are."""
    staff = access.staff_of(request.user)
    if staff is None:
        return _no_profile(request)
    lists = agenda.worklists(request.user)
    return render(
        request,
        "workbench/home.html",
        {
            "staff": staff,
            "today": clock.today(),
            "lists": lists,
            "waiting": sum(w.count for w in lists),
        },
    )


@login_required
def profile(request):
    """The staff member's own profile, with the phone masked and the way to turn on the second factor."""
    staff = access.staff_of(request.user)
    if staff is None:
        return _no_profile(request)
    return render(
        request, "workbench/profile.html", {"staff": staff, "otp_enabled": user_has_device(request.user)}
    )
