"""The password backend: Django's ModelBackend, reading the signed-in person for each request in one statement (issue
20) — the user with their staff profile, its organisation and region, its window and its roles, which nearly every
staff request asks for (core.access) and which were four more reads one after another."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Aggregate, CharField, OuterRef, Subquery

from zhengwu.core.models import Staff, StaffRole


class _RoleList(Aggregate):
    """The staff member's role codes as one comma-separated text (group_concat on SQLite, string_agg on PostgreSQL)."""

    function = "GROUP_CONCAT"
    template = "%(function)s(%(expressions)s, ',')"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function="STRING_AGG", **extra)


def _roles():
    return Subquery(
        StaffRole.objects.filter(staff_id=OuterRef("staff__id"))
        .order_by()
        .values("staff_id")
        .annotate(codes=_RoleList("role"))
        .values("codes")
    )


class StaffBackend(ModelBackend):
    """Signs in as ModelBackend does; `get_user` (every signed-in request) reads the staff profile with the user."""

    def get_user(self, user_id):
        user = (
            get_user_model()
            ._default_manager.select_related("staff__organisation__region", "staff__window")
            .annotate(staff_role_list=_roles())
            .filter(pk=user_id)
            .first()
        )
        if user is None or not self.user_can_authenticate(user):
            return None
        try:
            staff = user.staff
        except Staff.DoesNotExist:
            return user
        staff._role_codes = set(filter(None, (user.staff_role_list or "").split(",")))
        return user
