"""Writes for supervision: alert review (explain, dismiss with a reason, escalate into an order), supervision orders
(issue, respond, send back, close, escalate when overdue), accountability records, the periodic scan. One
transaction each, with its audit record; every order step is an immutable OrderStep row."""

from __future__ import annotations

import datetime as dt
import functools

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from zhengwu.cases.models import Case
from zhengwu.core import actors, audit, clock, inputs, numbering
from zhengwu.core.calendar import add_workdays
from zhengwu.core.errors import Conflict, NotFound, ValidationFailed
from zhengwu.core.models import Organisation
from zhengwu.core.thresholds import ORDER_RESPONSE_WORKDAYS
from zhengwu.supervision import permissions, rules, selectors
from zhengwu.supervision.models import Accountability, Alert, OrderStep, SupervisionOrder
from zhengwu.tickets import selectors as ticket_selectors

ISSUER_ROLES = permissions.ISSUER_ROLES  # who issues, reviews and closes: said in supervision.permissions
RESPONDER_ROLES = permissions.RESPONDER_ROLES
MAX_RESPONSE_DAYS = 60


_text = inputs.text


_label = functools.partial(actors.acting_label, anonymous="系统")


_actor = actors.acting_user


# ---- alerts


def _raise(refused) -> None:
    if refused is not None:
        raise refused


def _review(alert: Alert, *, by, state: str, note: str) -> Alert:
    _raise(permissions.alert_reviewer_refusal(by, alert))
    with transaction.atomic():
        row = Alert.objects.select_for_update().get(pk=alert.pk)
        _raise(permissions.alert_state_refusal(row))
        before = row.state
        row.state, row.review_note = state, note
        row.reviewed_at, row.reviewed_by = clock.now(), _actor(by)
        row.save(update_fields=["state", "review_note", "reviewed_at", "reviewed_by"])
        audit.record(
            f"supervision.alert_{state}",
            row,
            actor=_actor(by),
            summary={"code": row.code, "from": before, "note": note},
        )
    return row


def explain_alert(*, alert: Alert, by, note: str) -> Alert:
    """Record the explanation found for an alert (the organisation's reason, checked); it stays on record."""
    return _review(
        alert, by=by, state=Alert.State.EXPLAINED, note=_text(note, field="note", label=_("情况说明"))
    )


def dismiss_alert(*, alert: Alert, by, reason: str) -> Alert:
    """Dismiss an alert as no breach, with the reason (e.g. the delay was the applicant's)."""
    return _review(
        alert, by=by, state=Alert.State.DISMISSED, note=_text(reason, field="reason", label=_("排除理由"))
    )


def escalate_alert(
    *, alert: Alert, by, instruction: str, response_days: int = ORDER_RESPONSE_WORKDAYS
) -> SupervisionOrder:
    """Turn an alert into a supervision order to its organisation."""
    with transaction.atomic():
        order = issue_order(
            by=by,
            alert=alert,
            case=alert.case,
            organisation=alert.organisation,
            instruction=instruction,
            response_days=response_days,
        )
        _review(
            alert, by=by, state=Alert.State.ESCALATED, note=_("转督办 %(number)s") % {"number": order.number}
        )
    return order


# ---- orders


def _next_number(today: dt.date) -> str:
    """DB-2026-0001."""
    return numbering.next_number(f"DB-{today.year}", sep="-", width=4, existing=SupervisionOrder.objects)


def _step(order: SupervisionOrder, action: str, *, by, note: str = "", data: dict | None = None) -> OrderStep:
    seq = order.steps.count() + 1
    step = OrderStep.objects.create(
        order=order,
        seq=seq,
        at=clock.now(),
        action=action,
        actor=_actor(by),
        actor_label=_label(by)[:150],
        organisation=order.organisation,
        note=note,
        data=data or {},
    )
    audit.record(
        f"supervision.order_{action}",
        order,
        actor=_actor(by),
        summary={
            "number": order.number,
            "organisation": order.organisation.name,
            "note": note[:200],
            **(data or {}),
        },
        rows=[step],
    )
    return step


def _days(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_RESPONSE_DAYS:
        raise ValidationFailed(
            _("反馈时限应为 1 至 %(max)s 个工作日") % {"max": MAX_RESPONSE_DAYS}, field="response_days"
        )
    return value


def issue_order(
    *,
    by,
    organisation: Organisation | None = None,
    instruction: str,
    response_days: int = ORDER_RESPONSE_WORKDAYS,
    case: Case | None = None,
    ticket=None,
    request_ref: str = "",
    alert: Alert | None = None,
) -> SupervisionOrder:
    """A supervisor orders an organisation to act on a case, ticket, disclosure request or alert and to report back
    within `response_days` working days."""
    permissions.require_issuer(by)
    instruction = _text(instruction, field="instruction", label=_("督办要求"))
    response_days = _days(response_days)
    if case is not None:
        organisation = organisation or case.organisation
        subject, label = SupervisionOrder.Subject.CASE, _("办件 %(number)s") % {"number": case.number}
        _raise(permissions.case_scope_refusal(by, case))
    elif ticket is not None:
        organisation = organisation or ticket.lead_organisation
        subject, label = SupervisionOrder.Subject.TICKET, _("工单 %(number)s") % {"number": ticket.number}
        _raise(permissions.ticket_scope_refusal(by, ticket))
        if organisation is None:  # not dispatched yet: no department answers for it
            raise ValidationFailed(
                _("工单 %(number)s 尚未派单,还没有承办单位可督办:请待热线派单后再督办")
                % {"number": ticket.number},
                field="ticket",
            )
    elif request_ref:
        subject, label = (
            SupervisionOrder.Subject.REQUEST,
            _("依申请公开 %(number)s") % {"number": request_ref},
        )
    elif alert is not None:
        organisation = organisation or alert.organisation
        subject, label = SupervisionOrder.Subject.ALERT, _("异常 %(title)s") % {"title": alert.title}
    else:
        raise ValidationFailed(_("请选择督办的办件、工单、依申请公开或异常"), field="subject")
    if alert is not None:
        # An order on an alert names the record the alert is on, and keeps the link to it.
        subject = SupervisionOrder.Subject.ALERT
        if case is not None:
            label = _("办件 %(number)s:%(title)s") % {"number": case.number, "title": alert.title}
        elif alert.request_id:
            request_ref = alert.request.number
            label = _("依申请公开 %(number)s:%(title)s") % {"number": request_ref, "title": alert.title}
        elif alert.ticket_id:
            ticket = alert.ticket
            label = _("工单 %(number)s:%(title)s") % {"number": ticket.number, "title": alert.title}
        elif alert.rectification_id:
            label = _("差评整改 %(number)s:%(title)s") % {
                "number": alert.rectification.rating.subject_number,
                "title": alert.title,
            }
        elif alert.subject_order_id:
            label = _("督办单 %(number)s:%(title)s") % {
                "number": alert.subject_order.number,
                "title": alert.title,
            }
    if organisation is None:
        raise ValidationFailed(_("请选择责任单位"), field="organisation")
    _raise(permissions.organisation_refusal(by, organisation))
    today = clock.today()
    with transaction.atomic():
        for attempt in range(3):
            try:
                with transaction.atomic():
                    order = SupervisionOrder.objects.create(
                        number=_next_number(today),
                        subject=subject,
                        subject_label=label[:120],
                        case=case,
                        ticket=ticket,
                        request_ref=request_ref[:40],
                        alert=alert,
                        organisation=organisation,
                        origin=organisation,
                        instruction=instruction,
                        response_days=response_days,
                        # 督办 rule: the response is due `response_days` working days after the day of issue.
                        due_on=add_workdays(today, response_days).value,
                        issued_at=clock.now(),
                        issued_by=_actor(by),
                    )
                break
            except IntegrityError:
                if attempt == 2:
                    raise Conflict(_("督办编号冲突,请重试"), field="number") from None
        _step(order, "issue", by=by, note=instruction, data={"due_on": order.due_on.isoformat()})
    return order


def order_subject(by, *, ticket: str = "", request: str = ""):
    """The ticket (by its number) or the disclosure request (by its number) a supervisor may order on, looked up in
    the user's scope; a number not found is a ValidationFailed at its field ("ticket" or "request")."""
    from zhengwu.disclosure import selectors as disclosure_selectors
    from zhengwu.disclosure.models import DisclosureRequest

    ticket, request = str(ticket or "").strip(), str(request or "").strip()
    if ticket:
        try:
            return ticket_selectors.ticket_by_number(by, ticket)
        except NotFound:
            raise ValidationFailed(
                _("找不到工单 %(number)s,请核对工单编号(或不在您的监察范围内)") % {"number": ticket[:30]},
                field="ticket",
            ) from None
    if request:
        pk = DisclosureRequest.objects.filter(number=request).values_list("pk", flat=True).first()
        try:
            if pk is None:
                raise NotFound()
            return disclosure_selectors.staff_request(by, pk)
        except NotFound:
            raise ValidationFailed(
                _("找不到依申请公开申请 %(number)s,请核对申请编号(或不在您的监察范围内)")
                % {"number": request[:30]},
                field="request",
            ) from None
    raise ValidationFailed(_("请填写工单编号或依申请公开申请编号"), field="ticket")


responder_roles = permissions.responder_roles


def respond_order(
    *, order: SupervisionOrder, by, response: str, kind: str = SupervisionOrder.ResponseKind.EXPLANATION
) -> SupervisionOrder:
    """The organisation reports back: 整改完成 (`kind` rectified) — refused until the record the order is about shows
    its fault remedied (permissions.rectified_refusal: a case decided, a ticket or a disclosure request answered …)
    — or 情况说明 (explanation, the default: how the matter stands)."""
    _raise(permissions.responder_refusal(by, order))
    if kind not in SupervisionOrder.ResponseKind.values:
        raise ValidationFailed(_("请选择反馈类型:整改完成或情况说明"), field="response_kind")
    response = _text(response, field="response", label=_("整改反馈"))
    with transaction.atomic():
        row = (
            # of=self: the order is what is locked; its case, ticket and alert are read with it through outer joins,
            # whose nullable side PostgreSQL will not lock
            SupervisionOrder.objects.select_for_update(of=("self",))
            .select_related("case", "ticket", "alert")
            .get(pk=order.pk)
        )
        _raise(permissions.order_state_refusal(row, "respond"))
        if kind == SupervisionOrder.ResponseKind.RECTIFIED:
            _raise(permissions.rectified_refusal(row))
        row.state, row.response, row.responded_at = SupervisionOrder.State.RESPONDED, response, clock.now()
        row.response_kind = kind
        row.save(update_fields=["state", "response", "response_kind", "responded_at"])
        late = clock.today() > row.due_on
        data = {"late": late, "level": row.level, "kind": kind}
        if (found := permissions.awaited(row)) is not None:
            # what the record showed when the answer was given: data["case_status"], ["ticket_status"] …
            data[f"{found.kind.key}_status"] = found.status_code
        _step(row, "respond", by=by, note=response, data=data)
    return row


def _issuer(by, order: SupervisionOrder) -> None:
    _raise(permissions.order_reviewer_refusal(by, order))


def return_order(
    *, order: SupervisionOrder, by, reason: str, response_days: int = ORDER_RESPONSE_WORKDAYS
) -> SupervisionOrder:
    """The supervisor is not satisfied: the order goes back to the organisation with a new deadline."""
    _issuer(by, order)
    reason = _text(reason, field="reason", label=_("退回理由"))
    response_days = _days(response_days)
    with transaction.atomic():
        row = SupervisionOrder.objects.select_for_update().get(pk=order.pk)
        _raise(permissions.order_state_refusal(row, "return"))
        row.state = SupervisionOrder.State.OPEN
        row.due_on = add_workdays(clock.today(), response_days).value
        row.save(update_fields=["state", "due_on"])
        _step(
            row,
            "return",
            by=by,
            note=reason,
            data={"due_on": row.due_on.isoformat(), "response_days": response_days},
        )
    return row


def close_order(*, order: SupervisionOrder, by, outcome: str) -> SupervisionOrder:
    """The supervisor accepts the response and closes the order, with the outcome."""
    _issuer(by, order)
    outcome = _text(outcome, field="outcome", label=_("办结意见"))
    with transaction.atomic():
        row = SupervisionOrder.objects.select_for_update().get(pk=order.pk)
        _raise(permissions.order_state_refusal(row, "close"))
        row.state, row.outcome, row.closed_at = SupervisionOrder.State.CLOSED, outcome, clock.now()
        row.save(update_fields=["state", "outcome", "closed_at"])
        _step(row, "close", by=by, note=outcome)
    return row


def superior_of(organisation: Organisation) -> Organisation | None:
    """The next level up: the parent organisation, else the people's government of the region (or the region above)."""
    if organisation.parent_id:
        return organisation.parent
    region = organisation.region
    while region is not None:
        government = (
            Organisation.objects.filter(region=region, kind=Organisation.Kind.GOVERNMENT)
            .exclude(pk=organisation.pk)
            .first()
        )
        if government is not None:
            return government
        region = region.parent
    return None


def escalate_overdue_orders(*, today: dt.date | None = None) -> list[SupervisionOrder]:
    """Orders with no response by their date go one level up (逐级督办): to the superior organisation, with a new
    deadline of the same number of working days. Idempotent for a day: an order escalated today is not again."""
    today = today or clock.today()
    done = []
    for pk in list(selectors.overdue_orders(today).values_list("pk", flat=True)):
        with transaction.atomic():
            row = SupervisionOrder.objects.select_for_update().select_related("organisation").get(pk=pk)
            if row.state != SupervisionOrder.State.OPEN or row.due_on >= today:
                continue
            superior = superior_of(row.organisation)
            before = row.organisation
            row.level += 1
            row.organisation = superior or row.organisation
            row.due_on = add_workdays(today, row.response_days).value
            row.save(update_fields=["level", "organisation", "due_on"])
            _step(
                row,
                "escalate",
                by=None,
                note=_("逾期未反馈,由%(before)s升级至%(after)s督办(第 %(level)s 级)")
                % {"before": before.name, "after": row.organisation.name, "level": row.level},
                data={"from": before.pk, "to": row.organisation.pk, "due_on": row.due_on.isoformat()},
            )
            done.append(row)
    return done


def record_accountability(
    *, order: SupervisionOrder, by, person: str, kind: str, reason: str, decided_on: dt.date | None = None
) -> Accountability:
    """Attach an accountability record (问责) to an order's outcome."""
    _issuer(by, order)
    person = _text(person, field="person", label=_("责任人"), max_length=40)
    reason = _text(reason, field="reason", label=_("问责事由"))
    if kind not in Accountability.Kind.values:
        raise ValidationFailed(_("问责方式不在可选范围内"), field="kind")
    with transaction.atomic():
        row = Accountability.objects.create(
            order=order,
            organisation=order.origin,
            person=person,
            kind=kind,
            reason=reason,
            decided_on=decided_on or clock.today(),
            recorded_at=clock.now(),
            recorded_by=_actor(by),
        )
        audit.record(
            "supervision.accountability",
            row,
            actor=_actor(by),
            summary={"order": order.number, "person": person, "kind": kind},
        )
    return row


# ---- calendar changes


def recompute_for_year(year: int) -> int:
    """After a calendar year was loaded: every order's response date that reached into the year, counted again
    from the step that set it (issue, return or escalation: that day plus its working days), in the loading
    transaction."""
    first = dt.date(year, 1, 1)
    changed = 0
    for order in SupervisionOrder.objects.filter(due_on__gte=first).select_for_update():
        step = order.steps.filter(action__in=("issue", "return", "escalate")).order_by("-seq").first()
        if step is None:
            continue
        days = (step.data or {}).get("response_days") if step.action == "return" else order.response_days
        if not days:
            continue  # a return recorded before its days were: its date stays as set
        # 督办 rule: the response is due `days` working days after the day the step set it.
        due = add_workdays(clock.local_date(step.at), int(days)).value
        if due != order.due_on:
            order.due_on = due
            order.save(update_fields=["due_on"])
            changed += 1
    if changed:
        audit.record(
            "supervision.order_recompute_dues",
            None,
            object_type="supervision.supervisionorder",
            summary={"year": year, "orders": changed},
        )
    return changed


# ---- the scan: what time alone turns into a breach


def scan(*, today: dt.date | None = None) -> dict:
    """Raise the alerts no event triggers — a case past its limits while nobody touched it, a suspension past its
    declared length, and every other deadline the platform keeps (deadline_rules: disclosure replies, ticket
    acknowledgements and replies, first answers, rectifications, orders) — then escalate overdue orders and push
    warnings. Safe to run any number of times, for any day (a day in a year the calendar does not know gives
    provisional findings, and the alerts say so)."""
    from zhengwu.supervision import deadline_rules, tasks

    moment = deadline_rules.Moment.of(today)
    today = moment.today
    raised = rules.scan(moment)  # the case rules that time alone breaks (overdue, suspension overrun)
    for rule in deadline_rules.deadline_rules():
        with transaction.atomic():
            raised += rule.raise_all(moment)
    escalated = escalate_overdue_orders(today=today)
    pushed = tasks.push_warnings(today=today)
    return {"alerts": raised, "escalated": len(escalated), "warnings": pushed}
