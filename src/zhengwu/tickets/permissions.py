"""What a person may do on a ticket now: one rule per action of the ticket page (issue 15), read twice — the
workbench's ticket page shows exactly the forms `allowed_actions` allows, and the services check the same role,
assignment and state rules (`require_desk`, `require_member`, `assignment`, `return_refusal`, `extension_refusal`,
`supervision_refusal`; tests/tickets/test_allowed_actions_match_services.py tries every action for every kind of
person at every status). The statuses each action starts from are the workflow's table (`workflow.TRANSITIONS`); who may
take it is said here:

- the hotline desk (话务员, 中心管理人员: DESK_ROLES) files, dispatches, merges, closes directly, calls back
  (回访), records a caller's repeat call about a ticket still being handled (来电催办, `urge_refusal`) and sends
  the interim answer of a ticket not yet dispatched; supervisors see every ticket of the centre
  (selectors.CENTRE_ROLES) but only supervise (督办) — with the centre managers;
- an organisation the ticket is dispatched to (its staff, or of an organisation above it) acknowledges (签收) its
  assignment, and the lead organisation returns it (退单, before the acknowledgement limit), replies, asks for an
  extension and sends the interim answer;
- the centre managers decide extensions;
- the lead organisation (the desk, before one was named) reviews and publishes the masked reply.

Which organisations a ticket may be dispatched to at all (`handling_organisations`, `dispatch_refusal`) is said here
too, and the workbench's menu and home page read it (`handles_tickets`) to show the hotline to whoever may sign for
and answer tickets — not to one role.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from zhengwu.core import access, clock
from zhengwu.core.errors import AccessDenied, Conflict, DomainError, ValidationFailed
from zhengwu.core.models import Organisation, Role
from zhengwu.tickets import deadlines, publication, workflow
from zhengwu.tickets.models import Assignment, Extension, Status, Ticket

DESK_ROLES = (Role.HOTLINE_OPERATOR, Role.CENTRE_MANAGER)
SUPERVISING_ROLES = (Role.SUPERVISOR, Role.CENTRE_MANAGER)
EXTENSION_DECIDERS = (Role.CENTRE_MANAGER,)

# the actions of the ticket page, each with the workflow action(s) whose starting statuses it needs
ACTIONS: dict[str, tuple[str, ...]] = {
    "dispatch": ("dispatch",),
    "close": ("close_directly",),
    "merge": ("merge",),
    "interim_reply": ("interim_reply",),
    "acknowledge": ("acknowledge", "co_acknowledge"),
    "return": ("return",),
    "reply": ("reply",),
    "extension": ("request_extension",),
    "decide_extension": ("decide_extension",),
    "follow_up": ("follow_up_solved",),
    "unreached": ("close_unreached",),
    "supervise": ("supervise",),
    "publish": ("publish",),
    "urge": ("urge",),
}

# the actions whose refusal depends on the user's assignments to the ticket (active_assignments)
BY_ASSIGNMENT = frozenset({"interim_reply", "acknowledge", "return", "reply", "extension"})


def handling_organisations() -> QuerySet[Organisation]:
    """The organisations that handle citizens' matters (承办单位), to which a ticket may be dispatched: every active
    organisation but
    - those of kind 其他 (Organisation.Kind.OTHER) — in the county that is the 监察委员会, an organ that investigates
      officials and is not an administrative body answering citizens' requests (its 电子监察 and 督办 work on
      tickets goes through the supervisor's role, not through dispatch);
    - the 12345 hotline centre (Organisation.is_hotline_centre), whose staff take the calls: it dispatches, it does
      not handle."""
    return (
        Organisation.objects.filter(is_active=True)
        .exclude(kind=Organisation.Kind.OTHER)
        .exclude(is_hotline_centre=True)
    )


def dispatch_refusal(organisation: Organisation, *, field: str = "lead") -> ValidationFailed | None:
    """Why the ticket may not be dispatched to `organisation` (as lead, or co-handler with field="co_handlers")."""
    if handling_organisations().filter(pk=organisation.pk).exists():
        return None
    return ValidationFailed(
        _("「%(name)s」不是承办单位,不能派单给它;请选择承办诉求的部门、乡镇或单位")
        % {"name": organisation.name},
        field=field,
    )


def handles_tickets(user) -> bool:
    """May the user sign for (签收) and answer tickets — do they work for a handling organisation (their own or one
    below it, as `active_assignments` reads them)? The menu's 热线 and the home page's ticket lists ask this."""
    if access.staff_of(user) is None:
        return False
    return handling_organisations().filter(pk__in=access.own_organisations(user).values("pk")).exists()


def require_desk(user) -> None:
    access.require_role(user, *DESK_ROLES)


def require_member(user, organisation: Organisation) -> None:
    """The user works for `organisation` (or may act on its records)."""
    if access.staff_of(user) is None:
        raise AccessDenied()
    access.require_organisation(user, organisation)


def assignment(ticket: Ticket, organisation: Organisation, role: str | None = None) -> Assignment:
    """The organisation's active assignment on the ticket (the lead's, with `role`), or AccessDenied."""
    assignments = ticket.assignments.filter(active=True, organisation=organisation)
    if role:
        assignments = assignments.filter(role=role)
    found = assignments.first()
    if found is None:
        raise AccessDenied(_("该工单未派给本单位"))
    return found


def supervision_refusal(ticket: Ticket) -> Conflict | None:
    """督办 orders an organisation to act: a ticket not dispatched to one (or returned) has no one to order yet."""
    if ticket.lead_organisation_id is None:
        return Conflict(_("工单尚未派单,没有督办对象;请先派单"), code="no_lead", field="due")
    return None


def urge_refusal(ticket: Ticket) -> Conflict | None:
    """来电催办 chases the organisation handling the ticket (workflow.TRANSITIONS["urge"]); at any other point the
    caller's repeat call is answered another way, which the refusal says."""
    if ticket.status in workflow.TRANSITIONS["urge"][0]:
        return None
    if ticket.status in (Status.NEW, Status.RETURNED):
        message = _("工单尚未派给承办单位,无需催办;请先派单")
    elif ticket.status == Status.REPLIED:
        message = _("工单已答复,不能催办;请进行回访,诉求人认为未解决的,回访时记为未解决")
    elif ticket.status == Status.MERGED:
        message = _("工单已并入其他工单,请对主工单催办")
    else:
        message = _("工单已办结,不能催办;诉求人有新的诉求请重新登记")
    return Conflict(message, code="urge_not_open")


def return_refusal(ticket: Ticket) -> Conflict | None:
    """退单 is possible only before the acknowledgement limit runs out; afterwards the ticket counts as taken."""
    if deadlines.may_return(clock.now(), ticket.acknowledge_due):
        return None
    return Conflict(
        _("签收时限已过,不能退单;工单视为已签收,请办理或申请延期"), code="return_too_late", field="reason"
    )


def extension_refusal(ticket: Ticket) -> Conflict | None:
    """An urgent ticket is never extended, and one request waits for the centre at a time."""
    if ticket.urgent:
        return Conflict(_("紧急件不能延期"), code="urgent_no_extension", field="workdays")
    if ticket.extensions.filter(decision=Extension.Decision.PENDING).exists():
        return Conflict(_("已有待审批的延期申请"), code="extension_pending")
    return None


def active_assignments(user, ticket: Ticket) -> list[Assignment]:
    """The active assignments of the organisations the user works for (access.own_organisations), lead first."""
    if access.staff_of(user) is None:
        return []
    found = ticket.assignments.filter(active=True, organisation__in=access.own_organisations(user))
    return sorted(found.select_related("organisation"), key=lambda a: a.role != Assignment.Role.LEAD)


def _status_refusal(ticket: Ticket, action: str) -> Conflict | None:
    if any(ticket.status in workflow.TRANSITIONS[step][0] for step in ACTIONS[action]):
        return None
    label = Status(ticket.status).label if ticket.status in Status.values else ticket.status
    return Conflict(
        _("工单当前状态为「%(label)s」,不能执行该操作") % {"label": label}, code="invalid_transition"
    )


def refusal(user, ticket: Ticket, action: str, *, mine: list[Assignment] | None = None) -> DomainError | None:
    """Why the user may not take `action` on the ticket now, or None when they may. `mine`: the user's
    active_assignments, when the caller has them already."""
    denied = AccessDenied(_("您不能对该工单执行此操作"))
    # the assignments are read only for the actions they decide (the call screen asks "urge" of each duplicate)
    if mine is None:
        mine = active_assignments(user, ticket) if action in BY_ASSIGNMENT else []
    lead = next((a for a in mine if a.role == Assignment.Role.LEAD), None)
    if action in ("dispatch", "close", "merge", "follow_up", "unreached"):
        if not access.may_act_as(user, *DESK_ROLES):
            return denied
    elif action == "urge":
        if not access.may_act_as(user, *DESK_ROLES):
            return denied
        return urge_refusal(ticket)
    elif action == "interim_reply":
        if lead is None and not access.may_act_as(user, *DESK_ROLES):
            return denied
    elif action == "acknowledge":
        waiting = [a for a in mine if a.acknowledged_at is None]
        if not waiting:
            return denied
        step = "acknowledge" if waiting[0].role == Assignment.Role.LEAD else "co_acknowledge"
        if ticket.status not in workflow.TRANSITIONS[step][0]:
            return _status_refusal(ticket, "acknowledge") or denied
    elif action in ("return", "reply", "extension"):
        if lead is None:
            return denied
    elif action == "decide_extension":
        if not access.may_act_as(user, *EXTENSION_DECIDERS):
            return denied
        if not ticket.extensions.filter(decision=Extension.Decision.PENDING).exists():
            return Conflict(_("没有待审批的延期申请"), code="no_pending_extension")
    elif action == "supervise":
        if not access.may_act_as(user, *SUPERVISING_ROLES):
            return denied
        if found := supervision_refusal(ticket):
            return found
    elif action == "publish":
        if ticket.lead_organisation_id is None:
            if not access.may_act_as(user, *DESK_ROLES):
                return denied
        elif access.staff_of(user) is None or not access.can_see_organisation(user, ticket.lead_organisation):
            return denied
        return publication.refusal(ticket)
    else:
        raise ValueError(f"unknown ticket action {action}")
    if found := _status_refusal(ticket, action):
        return found
    if action == "return":
        return return_refusal(ticket)
    if action == "extension":
        if deadlines.extension_left(deadlines.Limits.of(ticket.category), ticket.extension_workdays) < 1:
            return Conflict(_("延期工作日已用完"), code="extension_exceeded", field="workdays")
        return extension_refusal(ticket)
    return None


def refusals(user, ticket: Ticket) -> dict[str, DomainError | None]:
    """Each action of the ticket page → why the user may not take it now (None: they may); the user's assignments
    read once for all of them."""
    mine = active_assignments(user, ticket)
    return {action: refusal(user, ticket, action, mine=mine) for action in ACTIONS}


def allowed_actions(user, ticket: Ticket) -> dict[str, bool]:
    """Each action of the ticket page → may the user take it now."""
    return {action: refused is None for action, refused in refusals(user, ticket).items()}
