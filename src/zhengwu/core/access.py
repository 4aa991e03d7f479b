"""Who may see and do what: decided here and nowhere else.

Staff see and act on what belongs to their organisation and its children; centre managers and supervisors
on everything in their organisation's region and the regions below it; administrators on everything.

Centres and windows belong to the organisations stationed in them: staff see the centres and windows where
their organisation (or a child) has a window or which it manages, and their own window. The audit chain is for
administrators (all of it) and supervisors (records of acts by staff in their region).
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _

from zhengwu.core.errors import AccessDenied
from zhengwu.core.models import AuditRecord, Organisation, Region, Role, ServiceCentre, Staff, Window

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
    """Superusers and staff holding the administrator role."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", True):
        return False
    staff = staff_of(user)
    return bool(getattr(user, "is_superuser", False) or (staff and staff.has_role(Role.ADMINISTRATOR)))


def has_role(user, *roles: str) -> bool:
    """True if the user holds one of the roles (administrators hold the administrator role implicitly)."""
    staff = staff_of(user)
    return bool(staff and staff.has_role(*roles)) or (Role.ADMINISTRATOR in roles and is_administrator(user))


def _regional_staff(user) -> Staff | None:
    """The staff profile if the user oversees a region (centre manager, supervisor), else None."""
    staff = staff_of(user)
    return staff if staff is not None and staff.has_role(*REGIONAL_ROLES) else None


def visible_regions(user) -> QuerySet[Region]:
    """Regions whose records the user may see as a regional overseer (empty for organisation-scoped staff)."""
    if is_administrator(user):
        return Region.objects.all()
    staff = _regional_staff(user)
    if staff is not None:
        return Region.objects.filter(path__startswith=staff.organisation.region.path)
    return Region.objects.none()


def _organisation_q(staff: Staff, prefix: str = "") -> Q:
    """The condition on an organisation (reached through `prefix`) that puts it in the staff member's scope."""
    cond = Q(**{f"{prefix}path__startswith": staff.organisation.path})
    if staff.has_role(*REGIONAL_ROLES):
        cond |= Q(**{f"{prefix}region__path__startswith": staff.organisation.region.path})
    return cond


def visible_organisations(user) -> QuerySet[Organisation]:
    """Organisations whose records the user may see: their own and its children, or their whole region."""
    if is_administrator(user):
        return Organisation.objects.all()
    staff = staff_of(user)
    if staff is None:
        return Organisation.objects.none()
    return Organisation.objects.filter(_organisation_q(staff))


def scope(user, queryset: QuerySet, organisation_field: str = "organisation") -> QuerySet:
    """Narrow any queryset to the records the user may see, through the field that names their organisation."""
    return queryset.filter(scope_q(user, organisation_field))


def scope_q(user, organisation_field: str = "organisation") -> Q:
    """The same rule as `scope`, as a condition to combine with others (`Q(pk__in=[])` matches nothing)."""
    if is_administrator(user):
        return Q()
    staff = staff_of(user)
    if staff is None:
        return Q(pk__in=[])
    prefix = f"{organisation_field}__" if organisation_field else ""
    return _organisation_q(staff, prefix)


def visible_staff(user) -> QuerySet[Staff]:
    """Staff profiles the user may see: those of the organisations in their scope."""
    return scope(user, Staff.objects.select_related("organisation", "user"))


def visible_centres(user) -> QuerySet[ServiceCentre]:
    """Centres in the user's region (overseers) or where their organisation has a window, manages, or they sit."""
    if is_administrator(user):
        return ServiceCentre.objects.all()
    staff = staff_of(user)
    if staff is None:
        return ServiceCentre.objects.none()
    cond = _organisation_q(staff, "managed_by__") | _organisation_q(staff, "windows__organisations__")
    if staff.window_id:
        cond |= Q(pk=staff.window.centre_id)
    if staff.has_role(*REGIONAL_ROLES):
        cond |= Q(region__path__startswith=staff.organisation.region.path)
    return ServiceCentre.objects.filter(pk__in=ServiceCentre.objects.filter(cond).values("pk"))


def centre_staff(centre: ServiceCentre) -> QuerySet[Staff]:
    """The active staff of a centre: those sitting at one of its windows and those working for the organisation that
    runs it (or one below it) — the people a centre's hall settings may name."""
    cond = Q(window__centre=centre)
    if centre.managed_by_id:
        cond |= Q(organisation__in=organisations_under(centre.managed_by))
    return (
        Staff.objects.filter(cond, user__is_active=True)
        .select_related("user", "organisation", "window")
        .order_by("organisation__name", "name", "pk")
    )


def visible_windows(user) -> QuerySet[Window]:
    """Windows of the user's organisations, of centres their organisation manages, their own, or in their region."""
    if is_administrator(user):
        return Window.objects.all()
    staff = staff_of(user)
    if staff is None:
        return Window.objects.none()
    cond = _organisation_q(staff, "organisations__") | _organisation_q(staff, "centre__managed_by__")
    if staff.window_id:
        cond |= Q(pk=staff.window_id)
    if staff.has_role(*REGIONAL_ROLES):
        cond |= Q(centre__region__path__startswith=staff.organisation.region.path)
    return Window.objects.filter(pk__in=Window.objects.filter(cond).values("pk"))


def collecting_window(user) -> Window | None:
    """统一收费 ("由区财政局在区政务服务中心设收费窗口负责征收"): the fee window (Window.collects_fees) at which the user
    collects, if they are a window clerk sitting at one; else None."""
    staff = staff_of(user)
    if staff is None or staff.window_id is None or not staff.has_role(Role.WINDOW_CLERK):
        return None
    window = staff.window
    return window if window.collects_fees and window.is_active else None


def centres_under(centre_id: int) -> list[int]:
    """The centre and every centre below it (its 分中心, the township centres and village points under them)."""
    found, level = [centre_id], [centre_id]
    while level:
        level = list(ServiceCentre.objects.filter(parent_id__in=level).values_list("pk", flat=True))
        found += [pk for pk in level if pk not in found]
    return found


def collects_q(user, *, organisation_field: str, window_field: str) -> Q:
    """What a fee window collects, as a condition on a record naming the charging organisation and the window that
    received the case: every record of its centre and the centres under it (集中收取) — received at one of their
    windows, or charged by an organisation stationed there (进驻). Matches nothing for anyone not at a fee window."""
    window = collecting_window(user)
    if window is None:
        return Q(pk__in=[])
    centres = centres_under(window.centre_id)
    return Q(**{f"{window_field}__centre_id__in": centres}) | Q(
        **{f"{organisation_field}__in": Organisation.objects.filter(windows__centre_id__in=centres)}
    )


def fee_scope_q(user, *, organisation_field: str = "organisation", window_field: str = "window") -> Q:
    """Who sees a fee record (a payment notice and what hangs on it): the charging organisation's scope (scope_q,
    overseers their region) and the fee window that collects it (collects_q) — one rule for lists, pages and the API."""
    return scope_q(user, organisation_field) | collects_q(
        user, organisation_field=organisation_field, window_field=window_field
    )


def visible_audit_records(user) -> QuerySet[AuditRecord]:
    """Administrators see the whole chain; supervisors see acts by staff of organisations in their region."""
    if is_administrator(user):
        return AuditRecord.objects.all()
    staff = staff_of(user)
    if staff is None or not staff.has_role(Role.SUPERVISOR):
        return AuditRecord.objects.none()
    region_path = staff.organisation.region.path
    actors = Staff.objects.filter(organisation__region__path__startswith=region_path).values("user_id")
    return AuditRecord.objects.filter(actor_id__in=actors)


_VISIBLE = {
    Region: visible_regions,
    Organisation: visible_organisations,
    Staff: visible_staff,
    ServiceCentre: visible_centres,
    Window: visible_windows,
    AuditRecord: visible_audit_records,
}


def visible(user, model: type[Model]) -> QuerySet:
    """The records of a core model the user may see."""
    return _VISIBLE[model](user)


def can_see(user, obj: Model) -> bool:
    """True if the user may see this record (any core model with a rule above)."""
    return visible(user, type(obj)).filter(pk=obj.pk).exists()


def can_see_organisation(user, organisation: Organisation) -> bool:
    """The organisation is among visible_organisations(user): the same rule, read off the paths in hand (the staff
    member's organisation and region, the organisation's and its region's) instead of a query — every permission
    check of every page and service asks it, often dozens of times a page (a query each cost ~0.5 ms)."""
    if organisation.pk is None:
        return False
    staff = staff_of(user)
    if staff is None or is_administrator(user):
        return visible_organisations(user).filter(pk=organisation.pk).exists()
    own, path = staff.organisation.path, organisation.path
    if not own or not path:  # a path not written yet: the database's
        return visible_organisations(user).filter(pk=organisation.pk).exists()
    if path.startswith(own):  # _organisation_q: their own organisation and those below it
        return True
    # … and a regional overseer's whole region (and the regions below it)
    return staff.has_role(*REGIONAL_ROLES) and organisation.region.path.startswith(
        staff.organisation.region.path
    )


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
        raise AccessDenied(_("您没有执行该操作所需的角色"))
    return staff


def may_act_as(user, *roles: str) -> bool:
    """require_role as a question, for pages that show what the services would accept: one of the roles, or an
    administrator with a staff profile."""
    staff = staff_of(user)
    return staff is not None and (is_administrator(user) or staff.has_role(*roles))


def acts_for(staff: Staff | None, organisation: Organisation) -> bool:
    """Does the staff member work for `organisation` — the organisation itself or one below their own? (A clerk of
    the centre's office at a general window receives a department's applications but does not act for it.)"""
    return staff is not None and organisation.path.startswith(staff.organisation.path)


def acts_for_q(staff: Staff | None, organisation_field: str = "organisation") -> Q:
    """`acts_for` as a condition on records whose organisation is reached through `organisation_field`: the staff
    member's organisation and those below it (`Q(pk__in=[])`, nothing, without a staff profile)."""
    if staff is None:
        return Q(pk__in=[])
    return Q(**{f"{organisation_field}__path__startswith": staff.organisation.path})


def organisations_under(organisation: Organisation) -> QuerySet[Organisation]:
    """The organisation and the organisations below it (an organisation without a path: itself only)."""
    if not organisation.path:
        return Organisation.objects.filter(pk=organisation.pk)
    return Organisation.objects.filter(path__startswith=organisation.path)


def own_organisations(user) -> QuerySet[Organisation]:
    """The organisations the user works for: their own and those below it (a regional overseer's region aside)."""
    staff = staff_of(user)
    if staff is None:
        return Organisation.objects.none()
    return organisations_under(staff.organisation)


def region_covers(region: Region, other: Region) -> bool:
    """Is `other` the region itself or one below it?"""
    return other.path.startswith(region.path)


def in_region_q(region: Region, region_field: str = "region") -> Q:
    """`region_covers` as a condition on records whose region is reached through `region_field`."""
    return Q(**{f"{region_field}__path__startswith": region.path})


def path_scope_q(staff: Staff, *, org_path: str, region_path: str) -> Q:
    """`scope_q`'s rule on copied path columns (a record that keeps its organisation's path and its region's path,
    indexed, instead of joining to the organisation): the staff member's organisation and those below it; a centre
    manager's or supervisor's whole region."""
    return paths_q(scope_paths(staff), org_path=org_path, region_path=region_path)


def scope_paths(staff: Staff) -> tuple[str, str | None]:
    """What path_scope_q's condition depends on: the organisation's path, and the region's path for a centre manager
    or supervisor (else None)."""
    regional = staff.organisation.region.path if staff.has_role(*REGIONAL_ROLES) else None
    return staff.organisation.path, regional


def paths_q(paths: tuple[str, str | None], *, org_path: str, region_path: str) -> Q:
    """path_scope_q's condition from scope_paths."""
    organisation, region = paths
    cond = Q(**{f"{org_path}__startswith": organisation})
    if region is not None:
        cond |= Q(**{f"{region_path}__startswith": region})
    return cond


def takes_step(user, role: str, organisation: Organisation) -> bool:
    """May the user take a handling step of `role` on an item of `organisation`: they hold the role and act for the
    organisation; a centre manager's step (the 一件事 dispatch) by a centre manager of the organisation's region or
    above. Administrators hold no step by office."""
    staff = staff_of(user)
    if staff is None or not staff.has_role(role):
        return False
    if role == Role.CENTRE_MANAGER:
        return organisation.region.path.startswith(staff.organisation.region.path)
    return acts_for(staff, organisation)


def step_takers_q(user, *, role_field: str, organisation_field: str) -> Q:
    """The condition (on a step row) for the steps the user may take: `takes_step` as a query."""
    staff = staff_of(user)
    if staff is None:
        return Q(pk__in=[])
    roles = staff.role_codes - {Role.CENTRE_MANAGER}
    cond = Q(
        **{f"{role_field}__in": roles, f"{organisation_field}__path__startswith": staff.organisation.path}
    )
    if Role.CENTRE_MANAGER in staff.role_codes:
        cond |= Q(
            **{
                role_field: Role.CENTRE_MANAGER,
                f"{organisation_field}__region__path__startswith": staff.organisation.region.path,
            }
        )
    return cond


def decides_at_window(user, organisation: Organisation) -> bool:
    """Is the user the organisation's authorised officer at a window (首席代表, 窗口授权) — who may decide on the spot
    where the item is authorised to the window?"""
    staff = staff_of(user)
    return bool(
        staff is not None
        and staff.window_authorised
        and staff.window_id is not None
        and staff.has_role(Role.WINDOW_CLERK)
        and acts_for(staff, organisation)
    )


def may_reveal_personal(
    user,
    *,
    organisations=(),
    roles=(),
    window: Window | None = None,
    region: Region | None = None,
    overseers=(Role.SUPERVISOR,),
) -> bool:
    """May the user see a record's personal data in full (after giving a reason, core.personal.reveal)? Who does the
    work needs it, others see it masked (docs/masking.md, "Who may reveal"):
    - staff holding one of `roles` who act for one of `organisations` (the record's handlers);
    - the window clerk at `window` (the window that received it);
    - staff holding one of `overseers` (supervisors by default) whose region covers `region` (any, when None).
    Administrators and centre managers hold no such office unless a domain names them."""
    staff = staff_of(user)
    if staff is None or not getattr(user, "is_active", True):
        return False
    if roles and staff.has_role(*roles) and any(acts_for(staff, org) for org in organisations):
        return True
    if window is not None and staff.window_id == window.pk and staff.has_role(Role.WINDOW_CLERK):
        return True
    if overseers and staff.has_role(*overseers):
        return region is None or region.path.startswith(staff.organisation.region.path)
    return False


def can_use_admin(user) -> bool:
    """Django admin is for administrators and centre managers."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return is_administrator(user) or has_role(user, Role.CENTRE_MANAGER)


def can_manage(user, model: type[Model]) -> bool:
    """May the user add, change and delete records of this core model in admin (within their scope)?"""
    if not can_use_admin(user):
        return False
    if model in (AuditRecord,):
        return False
    if is_administrator(user):
        return True
    return model in (Organisation, Staff, ServiceCentre, Window)


def can_manage_record(user, obj: Model) -> bool:
    """May the user change or delete this record in admin? Only administrators touch an administrator's profile."""
    if not can_manage(user, type(obj)) or not can_see(user, obj):
        return False
    if isinstance(obj, Staff) and obj.has_role(Role.ADMINISTRATOR):
        return is_administrator(user)
    return True


def can_read_audit(user) -> bool:
    """The audit chain is open to administrators and supervisors (see visible_audit_records for their scope)."""
    return is_administrator(user) or has_role(user, Role.SUPERVISOR)


def assignable_users(user) -> QuerySet:
    """Accounts the user may attach a staff profile to: for centre managers, ordinary accounts not yet
    belonging to someone outside their scope."""
    users = get_user_model().objects.all()
    if is_administrator(user):
        return users
    if not can_use_admin(user):
        return users.none()
    return users.filter(is_superuser=False).filter(
        Q(staff__isnull=True) | Q(staff__in=visible_staff(user).values("pk"))
    )


def grantable_roles(user) -> list[str]:
    """Roles the user may give to staff: administrators any; centre managers all but administrator."""
    if is_administrator(user):
        return list(Role.values)
    if has_role(user, Role.CENTRE_MANAGER):
        return [r for r in Role.values if r != Role.ADMINISTRATOR]
    return []


def must_use_otp(user) -> bool:
    """Administrators must sign in with a second factor when ZHENGWU_REQUIRE_OTP_FOR_ADMIN is on."""
    return bool(getattr(settings, "ZHENGWU_REQUIRE_OTP_FOR_ADMIN", False)) and is_administrator(user)
