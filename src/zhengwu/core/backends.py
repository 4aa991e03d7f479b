"""The password backend: Django's ModelBackend, reading the signed-in person for each request in one statement (issue
20) — the user with their staff profile, its organisation and region, its window and its roles, which nearly every
staff request asks for (core.access) and which were four more reads one after another; compiled once per connection
(core.prepared), as it is read on every signed-in request."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import OuterRef

from zhengwu.core.aggregates import comma_list_of
from zhengwu.core.calendar import freshness_columns
from zhengwu.core.models import Staff, StaffRole
from zhengwu.core.prepared import Prepared


def _roles():
    return comma_list_of(StaffRole.objects.filter(staff_id=OuterRef("staff__id")), "role", "staff_id")


_SIGNED_IN = Prepared(
    lambda pk: (
        get_user_model()
        ._default_manager.select_related("staff__organisation__region", "staff__window")
        .annotate(staff_role_list=_roles())
        # the request's one check of the holiday calendar (core.middleware.OneCalendarPerRequestMiddleware)
        .annotate(**freshness_columns())
        .filter(pk=pk)[:1]
    ),
    int,
)


class StaffBackend(ModelBackend):
    """Signs in as ModelBackend does; `get_user` (every signed-in request) reads the staff profile with the user."""

    def get_user(self, user_id):
        user = _SIGNED_IN.first(user_id)
        if user is None or not self.user_can_authenticate(user):
            return None
        try:
            staff = user.staff
        except Staff.DoesNotExist:
            return user
        staff._role_codes = set(filter(None, (user.staff_role_list or "").split(",")))
        return user
