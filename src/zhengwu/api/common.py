"""What every API router shares, defined once: the error body, the errors an operation lists, session sign-in.

- `ErrorOut` is the body of every error: {code, message, field}.
- `ERRORS` lists the errors an operation may answer, for its `response={200: ..., **ERRORS}`.
- `signed_in` / `staff` / `staff_only`: sign-in by the Django session. Nobody signed in (or the session expired)
  answers 401 with `WWW-Authenticate` (api.urls), so a client knows to sign in again; a signed-in user without the
  right answers 403. The CSRF check applies to signed-in sessions only: an anonymous caller gets 401, not a CSRF 403.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import AuthenticationError
from ninja.security import SessionAuth

from zhengwu.core import access
from zhengwu.core.errors import AccessDenied


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None = None


ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}


class Session(SessionAuth):
    """Any signed-in user by session (with the CSRF check); nobody signed in answers 401."""

    def _get_key(self, request):
        if not request.user.is_authenticated:
            raise AuthenticationError()
        return super()._get_key(request)

    def authenticate(self, request, key):
        return request.user if request.user.is_authenticated else None


class StaffSession(Session):
    """Signed-in staff (with a Staff record); another signed-in user answers 403."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None and access.staff_of(user) is None:
            raise AccessDenied(_("需要工作人员账号"))
        return user


signed_in = Session()
staff_only = StaffSession()
