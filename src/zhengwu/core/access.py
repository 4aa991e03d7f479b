"""Who may see and do what: decided here and nowhere else.

Staff see and act on what belongs to their organisation and its children; centre managers and supervisors
on everything in their organisation's region and the regions below it; administrators on everything.
"""

from django.db.models import Q, QuerySet

from zhengwu.core.errors import AccessDenied
from zhengwu.core.models import Organisation, Region, Role, Staff

REGIONAL_ROLES = (Role.CENTRE_MANAGER, Role.SUPERVISOR)


def staff_of(user) -> Staff | None:
    """The staff profile of a signed-in user, or None (citizens, anonymous visitors, bare accounts)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.staff
    except Staff.DoesNotExist:
        return None


def is_administrator(user) -> bool:
    staff = staff_of(user)
    return bool(getattr(user, "is_superuser", False) or (staff and staff.has_role(Role.ADMINISTRATOR)))


def has_role(user, *roles: str) -> bool:
    staff = staff_of(user)
    return bool(staff and staff.has_role(*roles)) or (Role.ADMINISTRATOR in roles and is_administrator(user))


def visible_regions(user) -> QuerySet[Region]:
    """Regions whose records the user may see as a regional overseer (empty for organisation-scoped staff)."""
    if is_administrator(user):
        return Region.objects.all()
    staff = staff_of(user)
    if staff and staff.has_role(*REGIONAL_ROLES):
        return Region.objects.filter(path__startswith=staff.organisation.region.path)
    return Region.objects.none()


def visible_organisations(user) -> QuerySet[Organisation]:
    """Organisations whose records the user may see: their own and its children, or their whole region."""
    if is_administrator(user):
        return Organisation.objects.all()
    staff = staff_of(user)
    if staff is None:
        return Organisation.objects.none()
    scope = Q(path__startswith=staff.organisation.path)
    if staff.has_role(*REGIONAL_ROLES):
        scope |= Q(region__path__startswith=staff.organisation.region.path)
    return Organisation.objects.filter(scope)


def scope(user, queryset: QuerySet, organisation_field: str = "organisation") -> QuerySet:
    """Narrow any queryset to the records the user may see, through the field that names their organisation."""
    if is_administrator(user):
        return queryset
    staff = staff_of(user)
    if staff is None:
        return queryset.none()
    prefix = f"{organisation_field}__" if organisation_field else ""
    cond = Q(**{f"{prefix}path__startswith": staff.organisation.path})
    if staff.has_role(*REGIONAL_ROLES):
        cond |= Q(**{f"{prefix}region__path__startswith": staff.organisation.region.path})
    return queryset.filter(cond)


def can_see_organisation(user, organisation: Organisation) -> bool:
    return visible_organisations(user).filter(pk=organisation.pk).exists()


def require_organisation(user, organisation: Organisation) -> None:
    """Raise AccessDenied unless the user may see and act on the organisation's records."""
    if not can_see_organisation(user, organisation):
        raise AccessDenied()


def require_role(user, *roles: str) -> Staff:
    """The user's staff profile, provided they hold one of the roles (administrators hold all)."""
    staff = staff_of(user)
    if is_administrator(user) and staff is not None:
        return staff
    if staff is None or not staff.has_role(*roles):
        raise AccessDenied("您没有执行该操作所需的角色")
    return staff


def can_use_admin(user) -> bool:
    """Django admin is for administrators and centre managers."""
    return bool(user.is_active and (is_administrator(user) or has_role(user, Role.CENTRE_MANAGER)))
