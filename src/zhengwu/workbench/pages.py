"""The one gate of workbench pages (the workbench's four decorators were one each for catalog, cases, supervision,
tickets and evaluation, and disagreed; the hall's, joint approval's and the licences' pages had three more).

What it decides, everywhere the same:
- signed in (else the sign-in page);
- a staff profile: acting in the workbench is acting for an organisation, so an account without one — a superuser
  or an administrator included — gets the page that says so (403, `workbench/no_profile.html`, as the workbench
  home always did); administrators work the workbench through their own staff profile (core.access.require_role
  asks the same), and the system settings through the admin site;
- with `roles`, one of them (administrators hold every role); the view finds the staff profile as `request.staff`;
- a domain error out of the view or the role check (NotFound, AccessDenied, Conflict …) is left to
  core.middleware.DomainErrorPageMiddleware, the one place that turns it into the Chinese error page with its
  status and message (404 never says whether the record exists; 403 says why) — never a 500.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from zhengwu.core import access


def staff_page(view=None, *, roles: tuple[str, ...] = ()):
    """Decorate a workbench view: `@staff_page` or `@staff_page(roles=(Role.SUPERVISOR, …))`."""
    if view is None:
        return lambda v: staff_page(v, roles=roles)

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        staff = access.staff_of(request.user)
        if staff is None:
            return render(request, "workbench/no_profile.html", status=403)
        request.staff = access.require_role(request.user, *roles) if roles else staff
        return view(request, *args, **kwargs)

    return wrapped
