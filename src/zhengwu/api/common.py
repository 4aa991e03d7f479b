"""What every API router shares, defined once: the error body, the errors an operation lists, session sign-in.

- `ErrorOut` is the body of every error: {code, message, field}.
- `ERRORS` lists the errors an operation may answer, for its `response={200: ..., **ERRORS}`.
- `signed_in` / `staff` / `staff_only`: sign-in by the Django session. Nobody signed in (or the session expired)
  answers 401 with `WWW-Authenticate` (api.urls), so a client knows to sign in again; a signed-in user without the
  right answers 403. The CSRF check applies to signed-in sessions only: an anonymous caller gets 401, not a CSRF 403.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
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


def _as_documented(schema: type[Schema], data: dict) -> dict:
    return {
        name: data[name]
        if name in data or field.is_required()
        else field.get_default(call_default_factory=True)
        for name, field in schema.model_fields.items()
    }


def answer(request: HttpRequest, schema: type[Schema], data, *, status: int = 200) -> HttpResponse:
    """`data` — a dict, or a list of dicts, of the values the selectors make (text, numbers, dates, lists and dicts
    of them) — answered as `schema` documents it (the operation's `response=` still names the schema for OpenAPI),
    without pydantic validating every field again: the schema's keys in its order, a missing key at its default,
    as validation gives them. Validation took about a sixth of a public status query's CPU and of a list's
    (issue 20). With `ZHENGWU_CHECK_ANSWERS` (on in the test suite) every such answer is also validated the usual
    way, and one that differs fails the request — so a selector that gives a value the schema would change or
    refuse is found by the tests, not by a client."""
    from zhengwu.api.urls import api

    out = (
        [_as_documented(schema, row) for row in data]
        if isinstance(data, list)
        else _as_documented(schema, data)
    )
    response = api.create_response(request, out, status=status)
    if settings.ZHENGWU_CHECK_ANSWERS:
        if isinstance(data, list):
            validated = [schema.model_validate(row).model_dump() for row in data]
        else:
            validated = schema.model_validate(data).model_dump()
        expected = api.create_response(request, validated, status=status).content
        if expected != response.content:
            raise AssertionError(
                f"{schema.__name__}: the answer differs from its validated form\n{response.content[:2000]!r}\n"
                f"{expected[:2000]!r}"
            )
    return response
