"""Who may do what in electronic supervision (电子监察) now, said once (issue 15): the services (supervision.services)
refuse through these rules with the messages they always gave, and the workbench's supervision pages show each form
exactly where `refusal` allows it (tests/supervision/test_allowed_actions_match_services.py tries every action for
every kind of person at every point of an order and of an alert). Whose records a person sees is the selectors'
(visible_orders, visible_alerts, supervised_cases, through core.access); who may act is said here:

- 下达督办 (issue, on a case, a ticket, a disclosure request or an alert): supervisors (ISSUER_ROLES; an
  administrator with a staff profile too), on a record in their scope, to an organisation in their scope;
- 审核异常 (explain, dismiss, escalate — 记录说明、排除、转督办): the same issuers, on an alert in their scope not
  yet dismissed or turned into an order; escalating issues an order on the alert's record;
- 整改反馈 (respond): the department heads and centre managers (RESPONDER_ROLES) — for an order about a disclosure
  request also the disclosure officers — who may act on the organisation the order is addressed to (or its original
  one, once escalated above it), while the order waits for its answer (待反馈, also overdue or returned);
  The answer is 整改完成 (rectified) or 情况说明 (explanation); an order on a record — a case, a ticket, a disclosure
  request, or an alert about the handling of one of those, of a rectification or of an order — asks for the record
  to be handled, so 整改完成 is refused until the record shows it (rectified_refusal, one rule per kind of record in
  RECORD_KINDS): the department explains how it stands instead, which answers the order without claiming what the
  record contradicts;
- 办结 (close) and 退回 (return): the issuers, on an order in their scope once it was answered (已反馈);
- 问责 (accountability): the issuers, on an order in their scope, whatever its state.

Each rule returns the refusal — a DomainError with the message the service raises — or None. A service checks who
first, then its inputs, then the state on the locked row, as it always did; `refusal` asks the same in that order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from zhengwu.core import access
from zhengwu.core.errors import AccessDenied, Conflict, DomainError
from zhengwu.core.models import Role

ISSUER_ROLES = (Role.SUPERVISOR,)
RESPONDER_ROLES = (Role.DEPARTMENT_HEAD, Role.CENTRE_MANAGER)

ORDER_ACTIONS = ("respond", "close", "return", "accountability")
ALERT_ACTIONS = ("explain", "dismiss", "escalate")
# what an order is issued on (the case page's form, 督办工单, 督办依申请公开)
ISSUE_ACTIONS = ("issue",)


def _role_refusal(user, roles) -> AccessDenied | None:
    """access.require_role as a question."""
    if not access.may_act_as(user, *roles):
        return AccessDenied(_("您没有执行该操作所需的角色"))
    return None


# ---------------------------------------------------------------- issuing


def issuer_refusal(user) -> AccessDenied | None:
    """下达督办, and everything a supervisor does with orders and alerts: the issuing roles."""
    return _role_refusal(user, ISSUER_ROLES)


def may_issue(user) -> bool:
    """The page-level question: may the person issue orders at all (督办工单, 督办依申请公开, the case page's form)?"""
    return issuer_refusal(user) is None


def require_issuer(user) -> None:
    if refused := issuer_refusal(user):
        raise refused


def case_scope_refusal(user, case) -> AccessDenied | None:
    from zhengwu.supervision import selectors

    if not selectors.supervised_cases(user).filter(pk=case.pk).exists():
        return AccessDenied(_("该办件不在您的监察范围内"))
    return None


def ticket_scope_refusal(user, ticket) -> AccessDenied | None:
    from zhengwu.tickets import selectors as ticket_selectors

    if not ticket_selectors.visible_tickets(user).filter(pk=ticket.pk).exists():
        return AccessDenied(_("该工单不在您的监察范围内"))
    return None


def organisation_refusal(user, organisation) -> AccessDenied | None:
    """The organisation an order is addressed to is in the issuer's scope (access.require_organisation)."""
    if not access.can_see_organisation(user, organisation):
        return AccessDenied()
    return None


def issue_refusal(user, obj) -> DomainError | None:
    """下达督办 on `obj`: a case, a ticket, a disclosure request (addressed to their organisation) or an alert (on its
    record, to its organisation)."""
    from zhengwu.cases.models import Case
    from zhengwu.supervision.models import Alert
    from zhengwu.tickets.models import Ticket

    if refused := issuer_refusal(user):
        return refused
    if isinstance(obj, Alert):
        return alert_refusal(user, obj, "escalate")
    if isinstance(obj, Case):
        return case_scope_refusal(user, obj) or organisation_refusal(user, obj.organisation)
    if isinstance(obj, Ticket):
        return ticket_scope_refusal(user, obj) or organisation_refusal(user, obj.lead_organisation)
    return organisation_refusal(user, obj.organisation)  # a disclosure request, found in scope by its number


# ---------------------------------------------------------------- alerts


def alert_reviewer_refusal(user, alert) -> AccessDenied | None:
    """审核异常: an issuer whose scope holds the alert."""
    from zhengwu.supervision import selectors

    if refused := issuer_refusal(user):
        return refused
    if not selectors.visible_alerts(user).filter(pk=alert.pk).exists():
        return AccessDenied(_("该异常不在您的监察范围内"))
    return None


def alert_state_refusal(alert) -> Conflict | None:
    """An alert dismissed or already turned into an order is reviewed no more."""
    from zhengwu.supervision.models import Alert

    if alert.state in (Alert.State.DISMISSED, Alert.State.ESCALATED):
        return Conflict(_("该异常%(state)s") % {"state": alert.get_state_display()}, field="state")
    return None


def alert_subject_refusal(user, alert) -> AccessDenied | None:
    """转督办 issues an order on the alert's case (in the supervisor's scope) to the alert's organisation."""
    if alert.case_id is not None and (refused := case_scope_refusal(user, alert.case)):
        return refused
    return organisation_refusal(user, alert.organisation)


def alert_refusal(user, alert, action: str) -> DomainError | None:
    if action not in ALERT_ACTIONS:
        raise ValueError(f"unknown alert action {action}")
    if action == "escalate":
        return (
            issuer_refusal(user)
            or alert_subject_refusal(user, alert)
            or alert_reviewer_refusal(user, alert)
            or alert_state_refusal(alert)
        )
    return alert_reviewer_refusal(user, alert) or alert_state_refusal(alert)


# ---------------------------------------------------------------- orders


def on_request(order) -> bool:
    """Is the order about a disclosure request (by its number, or through an alert raised on one)?"""
    from zhengwu.supervision.models import SupervisionOrder

    return order.subject == SupervisionOrder.Subject.REQUEST or bool(
        order.alert_id and order.alert.request_id
    )


def responder_roles(order) -> tuple[str, ...]:
    """Who answers an order for its organisation: the department head or centre manager, and for an order about a
    disclosure request the office's disclosure officers (政务公开工作机构), who handle the request."""
    if on_request(order):
        return (*RESPONDER_ROLES, Role.DISCLOSURE_OFFICER)
    return RESPONDER_ROLES


def answers_orders(user) -> bool:
    """Does the person answer orders at all (any responder role, disclosure officers for their requests)?"""
    return access.may_act_as(user, *RESPONDER_ROLES, Role.DISCLOSURE_OFFICER)


def responder_refusal(user, order) -> AccessDenied | None:
    """整改反馈: a responder who works for the organisation the order is addressed to (or its original one), or one
    below it — the department answers for itself: a centre manager, who sees the whole region's orders, does not
    answer a department's order in its name (core.access.acts_for)."""
    if refused := _role_refusal(user, responder_roles(order)):
        return refused
    staff = access.staff_of(user)
    if not (
        access.acts_for(staff, order.organisation)
        or (order.origin is not None and access.acts_for(staff, order.origin))
    ):
        return AccessDenied(_("该督办单不是发给您单位的"))
    return None


# ---------------------------------------------------------------- 整改完成: what the record shows


@dataclass(frozen=True)
class RecordKind:
    """A kind of record an order can concern, as 整改完成 reads it — one rule per kind: the order asks for the record
    to be handled (ordered on it directly, or on one of its alerts that `holds`), and 整改完成 is refused until the
    record shows its fault `remedied` (else `refused`, with its number and status)."""

    key: str  # the respond step keeps the record's status as data["<key>_status"]
    alert_field: str  # the Alert's link to such a record
    subject: str | None  # the order's subject when ordered on the record itself
    status_title: Promise  # what the order page calls its status
    refused: Promise  # the refusal, with %(number)s and %(status)s
    holds: Callable[[str], bool]  # an order on one of its alerts (by code) asks for it to be handled
    remedied: Callable[[object], bool]
    number: Callable[[object], str]
    status: Callable[[object], str]  # its status now, in Chinese
    state_field: str = "status"  # the record's field holding its status (its code, kept by the respond step)
    record: Callable[[object], object] = lambda order: None  # the record of an order on it directly


def _case_undecided(case) -> bool:
    from zhengwu.cases.workflow import UNDECIDED_STATUSES

    return case.status in UNDECIDED_STATUSES


def _ticket_answered(ticket) -> bool:
    from zhengwu.tickets.models import Status

    # a ticket reopened after its answer (回访不满意) is being handled again: not remedied
    return ticket.status in (Status.REPLIED, Status.CLOSED)


def _request_concluded(request) -> bool:
    from zhengwu.disclosure.workflow import CONCLUDED_REQUEST_STATES

    return request.status in CONCLUDED_REQUEST_STATES


def _rectification_done(rectification) -> bool:
    from zhengwu.evaluation import rules

    # the rater has had the feedback (rules.DONE), or the rating was set aside on appeal
    return rectification.state in (*rules.DONE, rules.VOIDED)


def _ordered_request(order):
    from zhengwu.disclosure.models import DisclosureRequest

    return DisclosureRequest.objects.filter(number=order.request_ref).first()


# the alerts on a case whose order asks for the case itself to move (超期: decide it), not for a fault to be put
# right (a fee, a step out of order), which may be rectified while the case is still being handled. Every alert on
# a ticket, a disclosure request, a rectification or an order is about its handling (a deadline missed).
CASE_PROGRESS_ALERTS = ("case.overdue.promised", "case.overdue.legal")

RECORD_KINDS: tuple[RecordKind, ...] = (
    RecordKind(
        key="case",
        alert_field="case",
        subject="case",
        status_title=_lazy("办件状态"),
        refused=_lazy(
            "办件 %(number)s 尚未作出决定(当前:%(status)s),不能反馈「整改完成」:"
            "请选择「情况说明」如实反馈办理进度,办件作出决定后再反馈整改完成"
        ),
        holds=CASE_PROGRESS_ALERTS.__contains__,
        remedied=lambda case: not _case_undecided(case),
        number=lambda case: case.number,
        status=lambda case: case.get_status_display(),
        record=lambda order: order.case,
    ),
    RecordKind(
        key="ticket",
        alert_field="ticket",
        subject="ticket",
        status_title=_lazy("工单状态"),
        refused=_lazy(
            "工单 %(number)s 尚未答复(当前:%(status)s),不能反馈「整改完成」:"
            "请选择「情况说明」如实反馈办理进度,工单答复诉求人后再反馈整改完成"
        ),
        holds=lambda code: True,
        remedied=_ticket_answered,
        number=lambda ticket: ticket.number,
        status=lambda ticket: ticket.get_status_display(),
        record=lambda order: order.ticket,
    ),
    RecordKind(
        key="request",
        alert_field="request",
        subject="request",
        status_title=_lazy("申请状态"),
        refused=_lazy(
            "依申请公开申请 %(number)s 尚未答复(当前:%(status)s),不能反馈「整改完成」:"
            "请选择「情况说明」如实反馈办理进度,答复申请人后再反馈整改完成"
        ),
        holds=lambda code: True,
        remedied=_request_concluded,
        number=lambda request: request.number,
        status=lambda request: request.status_label,
        record=_ordered_request,
    ),
    RecordKind(
        key="rectification",
        alert_field="rectification",
        subject=None,
        status_title=_lazy("整改状态"),
        refused=_lazy(
            "差评整改 %(number)s 尚未反馈评价人(当前:%(status)s),不能反馈「整改完成」:"
            "请选择「情况说明」如实反馈整改进度,整改并反馈评价人后再反馈整改完成"
        ),
        holds=lambda code: True,
        remedied=_rectification_done,
        number=lambda rectification: rectification.rating.subject_number,
        status=lambda rectification: rectification.get_state_display(),
        state_field="state",
    ),
    RecordKind(
        key="order",
        alert_field="subject_order",
        subject=None,
        status_title=_lazy("原督办单状态"),
        refused=_lazy(
            "督办单 %(number)s 尚未反馈(当前:%(status)s),不能反馈「整改完成」:"
            "请选择「情况说明」如实说明情况,该督办单反馈后再反馈整改完成"
        ),
        holds=lambda code: True,
        remedied=lambda order: order.state != "open",
        number=lambda order: order.number,
        status=lambda order: order.get_state_display(),
        state_field="state",
    ),
)


@dataclass(frozen=True)
class Awaited:
    """The record an order asks to be handled, and its kind."""

    kind: RecordKind
    record: object

    @property
    def remedied(self) -> bool:
        return self.kind.remedied(self.record)

    @property
    def status(self) -> str:
        return self.kind.status(self.record)

    @property
    def status_code(self) -> str:
        return getattr(self.record, self.kind.state_field)

    @property
    def status_title(self) -> str:
        return str(self.kind.status_title)


def awaited(order) -> Awaited | None:
    """The record whose handling the order is about — the case, ticket or disclosure request it was issued on, or
    the record of its alert when the alert is about that record's handling (RecordKind.holds) — else None."""
    from zhengwu.supervision.models import SupervisionOrder

    if order.subject == SupervisionOrder.Subject.ALERT:
        alert = order.alert
        for kind in RECORD_KINDS:
            if getattr(alert, f"{kind.alert_field}_id") is not None:
                if not kind.holds(alert.code):
                    return None
                return Awaited(kind, getattr(alert, kind.alert_field))
        return None
    for kind in RECORD_KINDS:
        if kind.subject == order.subject:
            record = kind.record(order)
            return Awaited(kind, record) if record is not None else None
    return None


def rectified_refusal(order) -> Conflict | None:
    """整改完成 claims what the record must show: an order about a record's handling is rectified once the record's
    fault is remedied (RECORD_KINDS: a case decided or ended, a ticket answered, a disclosure request answered or
    ended, a rectification fed back to the rater, an order answered); until then the answer is 情况说明."""
    found = awaited(order)
    if found is None or found.remedied:
        return None
    return Conflict(
        str(found.kind.refused) % {"number": found.kind.number(found.record), "status": found.status},
        field="response_kind",
    )


def order_reviewer_refusal(user, order) -> AccessDenied | None:
    """办结、退回、问责: an issuer whose scope holds the order."""
    from zhengwu.supervision import selectors

    if refused := issuer_refusal(user):
        return refused
    if not selectors.visible_orders(user).filter(pk=order.pk).exists():
        return AccessDenied(_("该督办单不在您的监察范围内"))
    return None


def order_state_refusal(order, action: str) -> Conflict | None:
    """What the order's state allows: an answer while it waits for one, closing or returning once answered."""
    from zhengwu.supervision.models import SupervisionOrder

    if action == "respond" and order.state != SupervisionOrder.State.OPEN:
        return Conflict(
            _("督办单当前状态为「%(state)s」,不能反馈") % {"state": order.get_state_display()}, field="state"
        )
    if action == "close" and order.state != SupervisionOrder.State.RESPONDED:
        return Conflict(_("督办单尚未反馈,不能办结"), field="state")
    if action == "return" and order.state != SupervisionOrder.State.RESPONDED:
        return Conflict(_("只能退回已反馈的督办单"), field="state")
    return None


def order_refusal(user, order, action: str) -> DomainError | None:
    if action == "respond":
        return responder_refusal(user, order) or order_state_refusal(order, action)
    if action in ("close", "return"):
        return order_reviewer_refusal(user, order) or order_state_refusal(order, action)
    if action == "accountability":
        return order_reviewer_refusal(user, order)
    raise ValueError(f"unknown order action {action}")


# ---------------------------------------------------------------- one answer per action


def refusal(user, obj, action: str) -> DomainError | None:
    """Why the user may not take `action` on `obj` now, or None when they may. `obj` is an order (respond, close,
    return, accountability), an alert (explain, dismiss, escalate) or what an order is issued on (issue: a case, a
    ticket, a disclosure request or an alert)."""
    if action == "issue":
        return issue_refusal(user, obj)
    if action in ALERT_ACTIONS:
        return alert_refusal(user, obj, action)
    return order_refusal(user, obj, action)


def allowed(user, obj, action: str) -> bool:
    return refusal(user, obj, action) is None


def allowed_actions(user, obj) -> dict[str, bool]:
    """The forms of an order's page (respond, close, return, accountability) or of an alert (explain, dismiss,
    escalate) → may the user take the action now."""
    from zhengwu.supervision.models import Alert

    if isinstance(obj, Alert):  # the review's who and state asked once for its three buttons
        reviewed = alert_reviewer_refusal(user, obj) or alert_state_refusal(obj)
        return {
            "explain": reviewed is None,
            "dismiss": reviewed is None,
            "escalate": reviewed is None and alert_subject_refusal(user, obj) is None,
        }
    return {action: allowed(user, obj, action) for action in ORDER_ACTIONS}


def alert_forms(user, alerts) -> dict[int, dict[str, bool]]:
    """The alert list's review forms: by the pk of each alert the user may review now, which of its buttons
    (记录说明、排除、转督办) to show. The rules of `allowed_actions` asked for the whole list in one query (its
    state on the row; the alert, its case and its organisation in the person's scope); nothing is asked of a person
    who reviews no alert. tests/supervision/test_allowed_actions_match_services.py holds it to `refusal`."""
    from django.db.models import Exists, OuterRef

    from zhengwu.supervision import selectors

    if not may_issue(user):
        return {}
    open_ = [a.pk for a in alerts if alert_state_refusal(a) is None]
    rows = (
        selectors.visible_alerts(user)
        .filter(pk__in=open_)
        .annotate(
            case_in_scope=Exists(selectors.supervised_cases(user).filter(pk=OuterRef("case_id"))),
            organisation_in_scope=Exists(
                access.visible_organisations(user).filter(pk=OuterRef("organisation_id"))
            ),
        )
        .values_list("pk", "case_id", "case_in_scope", "organisation_in_scope")
    )
    return {
        pk: {
            "explain": True,
            "dismiss": True,
            "escalate": (case_id is None or case_in_scope) and organisation_in_scope,
        }
        for pk, case_id, case_in_scope, organisation_in_scope in rows
    }
