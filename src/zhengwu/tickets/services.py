"""Writes for tickets: one function per use case, one transaction each, the event and the audit record inside."""

import datetime as dt
import functools
import hashlib
import secrets

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from zhengwu.core import access, actors, audit, clock, inputs, numbering
from zhengwu.core.actors import SYSTEM, actor_name
from zhengwu.core.calendar import current_calendar
from zhengwu.core.errors import AccessDenied, Conflict, ValidationFailed
from zhengwu.core.inputs import is_whole
from zhengwu.core.models import Organisation
from zhengwu.tickets import deadlines, knowledge, permissions, publication, workflow
from zhengwu.tickets.masking import mask_free_text
from zhengwu.tickets.models import (
    ANONYMOUS_KINDS,
    OPEN_STATUSES,
    ApiKey,
    Assignment,
    Category,
    Channel,
    Extension,
    Kind,
    KnowledgeEntry,
    Status,
    SupervisionOrder,
    Ticket,
    TicketEvent,
)
from zhengwu.tickets.text import opening

QUERY_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

# What answers a 政民互动 message for the 24-hour rule: the organisation's reply, the operator's direct answer from
# the knowledge base (直接办结) and the interim answer (受理回复). A merged duplicate is answered through its primary:
# its own clock stops at the merge (see docs/tickets.md).
FIRST_ANSWER_ACTIONS = frozenset({"reply", "close_directly", "interim_reply"})
# Taken by the platform itself (`zhengwu scheduled`), never by the citizen: their events name the system.
SYSTEM_ACTIONS = frozenset({"deem_acknowledged", "first_answer_warning"})
INTERIM_REPLY_MAX = 500


# ---------------------------------------------------------------- helpers


_actor = actors.acting_user


_label = functools.partial(actors.acting_label, anonymous="诉求人")


def _locked(ticket: Ticket) -> Ticket:
    return (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("category", "lead_organisation")
        .get(pk=ticket.pk)
    )


def _transition(
    ticket: Ticket, action: str, *, by=None, organisation=None, note: str = "", data: dict | None = None
) -> TicketEvent:
    """Move the ticket by `action` (checked against the table), write its event and its audit record."""
    before = ticket.status if action != "file" else None
    after = workflow.next_status(before, action)
    last = ticket.events.aggregate(m=Max("seq"))["m"] or 0 if action != "file" else 0
    ticket.status = after
    if action in FIRST_ANSWER_ACTIONS and ticket.first_answered_at is None:
        ticket.first_answered_at = clock.now()
        if ticket.first_answer_due is not None:
            data = {**(data or {}), "first_answer_late": ticket.first_answered_at > ticket.first_answer_due}
    ticket.save()
    event = TicketEvent.objects.create(
        ticket=ticket,
        seq=last + 1,
        at=clock.now(),
        action=action,
        from_status=before or "",
        to_status=after,
        actor=_actor(by),
        actor_label=(actor_name(SYSTEM) if by is None and action in SYSTEM_ACTIONS else _label(by))[:150],
        organisation=organisation,
        note=note,
        data=data or {},
    )
    audit.record(
        f"tickets.{action}",
        ticket,
        actor=_actor(by),
        summary={"number": ticket.number, "from": before, "to": after, "note": note[:200], **(data or {})},
        rows=[event],
    )
    return event


_text = functools.partial(inputs.text, max_length=None)


def _next_number(at: dt.datetime) -> str:
    """The day and a sequence: 2026111800001."""
    return numbering.next_number(
        at.astimezone(clock.LOCAL).strftime("%Y%m%d"), width=5, existing=Ticket.objects
    )


def _limits(ticket: Ticket) -> deadlines.Limits:
    return deadlines.Limits.of(ticket.category)


def _change_category(ticket: Ticket, category: Category, now: dt.datetime) -> dict:
    """Give the ticket another category. While its 政民互动 first answer is awaited, the limit is counted again from
    `received_at` with the new category's hours and a warning level the later limit no longer reaches is taken
    back; returns what the event's data records (the old and the new limit), empty if the limit did not move."""
    ticket.category = category
    old_due = ticket.first_answer_due
    moved = deadlines.recount_first_answer(
        ticket.received_at,
        ticket.channel,
        _limits(ticket),
        due=old_due,
        answered_at=ticket.first_answered_at,
        is_open=ticket.is_open,
    )
    if moved is None:
        return {}
    ticket.first_answer_due = moved.at
    ticket.first_answer_warned = deadlines.first_answer_warned_after_move(
        now, ticket.first_answer_warned, old_due, moved.at
    )
    return {"first_answer_due_was": old_due.isoformat(), "first_answer_due": moved.at.isoformat()}


# ---------------------------------------------------------------- intake


def file_ticket(
    *,
    kind: str,
    channel: str,
    category: Category,
    content: str,
    title: str = "",
    caller_name: str = "",
    caller_phone: str = "",
    anonymous: bool = False,
    public_allowed: bool = False,
    address: str = "",
    region=None,
    latitude=None,
    longitude=None,
    mailbox=None,
    urgent: bool = False,
    received_at: dt.datetime | None = None,
    by=None,
) -> Ticket:
    """Register a ticket from any channel; it gets a number and a query code the citizen follows it with."""
    if kind not in Kind.values:
        raise ValidationFailed(_("诉求类型「%(kind)s」不存在") % {"kind": kind}, field="kind")
    if channel not in Channel.values:
        raise ValidationFailed(_("来源渠道「%(channel)s」不存在") % {"channel": channel}, field="channel")
    if category is None or not category.is_active:
        raise ValidationFailed(_("请选择有效的诉求分类"), field="category")
    content = _text(content, field="content", label=_("诉求内容"), max_length=4000)
    title = _text(title, field="title", label=_("标题"), max_length=120, required=False) or opening(content)
    caller_name = _text(caller_name, field="caller_name", label=_("姓名"), max_length=40, required=False)
    caller_phone = _text(
        caller_phone, field="caller_phone", label=_("联系电话"), max_length=20, required=False
    )
    if anonymous and kind not in ANONYMOUS_KINDS:
        raise ValidationFailed(_("只有举报可以匿名提交,其他诉求请留下姓名和联系电话"), field="anonymous")
    if not anonymous and not caller_name:
        raise ValidationFailed(_("请填写姓名(举报可选择匿名)"), field="caller_name")
    if not anonymous and not caller_phone:
        raise ValidationFailed(_("请填写联系电话,以便答复和回访"), field="caller_phone")
    if caller_phone and not is_whole(caller_phone.replace("-", "")):
        raise ValidationFailed(_("联系电话只能包含数字和连字符"), field="caller_phone")
    if channel == Channel.MAILBOX and mailbox is None:
        raise ValidationFailed(_("请选择领导信箱"), field="mailbox")
    if anonymous:
        caller_name = caller_phone = ""
    at = received_at or clock.now()
    first_answer = deadlines.first_answer_due(at, channel, deadlines.Limits.of(category))
    for _attempt in range(5):
        try:
            with transaction.atomic():
                ticket = Ticket(
                    number=_next_number(at),
                    query_code="".join(secrets.choice(QUERY_CODE_ALPHABET) for _i in range(6)),
                    kind=kind,
                    channel=channel,
                    category=category,
                    title=title,
                    content=content,
                    caller_name=caller_name,
                    caller_phone=caller_phone,
                    anonymous=anonymous,
                    public_allowed=public_allowed,
                    address=_text(address, field="address", label=_("地点"), max_length=200, required=False),
                    region=region,
                    latitude=latitude,
                    longitude=longitude,
                    mailbox=mailbox,
                    urgent=urgent,
                    received_at=at,
                    first_answer_due=first_answer.at if first_answer else None,
                    created_by=_actor(by),
                )
                ticket.save()
                data = {"kind": kind, "channel": channel}
                if first_answer:
                    data["first_answer_due"] = first_answer.at.isoformat()
                _transition(ticket, "file", by=by, data=data)
                return ticket
        except IntegrityError:
            continue  # two filings took the same number at once: take the next one
    raise Conflict(_("工单编号分配冲突,请重试"), code="number_conflict")


@transaction.atomic
def close_directly(*, ticket: Ticket, answer: str, entry: KnowledgeEntry | None = None, by) -> Ticket:
    """The operator answers on the call (from the knowledge base) and closes the ticket (直接办结)."""
    permissions.require_desk(by)
    ticket = _locked(ticket)
    answer = _text(answer, field="answer", label=_("答复内容"), max_length=4000)
    now = clock.now()
    ticket.reply, ticket.replied_at, ticket.closed_at = answer, now, now
    data = {}
    if entry is not None:
        KnowledgeEntry.objects.filter(pk=entry.pk).update(uses=entry.uses + 1)
        data["knowledge_entry"] = entry.pk
    _transition(ticket, "close_directly", by=by, note=answer, data=data)
    return ticket


@transaction.atomic
def interim_reply(*, ticket: Ticket, text: str = "", organisation: Organisation | None = None, by) -> Ticket:
    """受理回复: a short public answer ("已收到,正在办理") that the citizen reads on the tracking page; it is the
    first answer of a 政民互动 message when it comes before the reply. Sent by the centre, or by the lead
    organisation (`organisation`) once the ticket is dispatched to it. The status does not change."""
    if organisation is None:
        permissions.require_desk(by)
    else:
        permissions.require_member(by, organisation)
    ticket = _locked(ticket)
    if organisation is not None:
        permissions.assignment(ticket, organisation, Assignment.Role.LEAD)
    text = _text(
        text or _("您的诉求已收到,正在办理中,我们将在办理期限内答复您。"),
        field="text",
        label=_("受理回复"),
        max_length=INTERIM_REPLY_MAX,
    )
    _transition(ticket, "interim_reply", by=by, organisation=organisation, note=text)
    return ticket


def flag_first_answers() -> dict:
    """The 24-hour first answer: record a warning event once when a waiting ticket comes within
    FIRST_ANSWER_WARN_HOURS of its limit and once when it passes it (run by `zhengwu scheduled`). Idempotent."""
    now = clock.now()
    rank = {"": 0, deadlines.FirstAnswerState.DUE_SOON: 1, deadlines.FirstAnswerState.OVERDUE: 2}
    done = {deadlines.FirstAnswerState.DUE_SOON: 0, deadlines.FirstAnswerState.OVERDUE: 0}
    waiting = (
        Ticket.objects.filter(
            status__in=OPEN_STATUSES,
            first_answered_at=None,
            first_answer_due__lte=now + dt.timedelta(hours=deadlines.FIRST_ANSWER_WARN_HOURS),
        )
        .exclude(first_answer_warned=deadlines.FirstAnswerState.OVERDUE)
        .order_by("first_answer_due")
        .values_list("pk", flat=True)
    )
    for pk in list(waiting):
        with transaction.atomic():
            ticket = (
                Ticket.objects.select_for_update(of=("self",)).select_related("lead_organisation").get(pk=pk)
            )
            level = ticket.first_answer_state
            if level not in done or rank[level] <= rank.get(ticket.first_answer_warned, 0):
                continue
            ticket.first_answer_warned = level
            due = ticket.first_answer_due.astimezone(clock.LOCAL)
            note = (
                _("政民互动诉求已超过首次答复期限(%(due)s)仍未答复,请立即答复或发送受理回复")
                if level == deadlines.FirstAnswerState.OVERDUE
                else _("政民互动诉求将于 %(due)s 到达首次答复期限,请尽快答复或发送受理回复")
            ) % {"due": f"{due:%Y-%m-%d %H:%M}"}
            _transition(
                ticket,
                "first_answer_warning",
                organisation=ticket.lead_organisation,
                note=note,
                data={"level": level, "first_answer_due": ticket.first_answer_due.isoformat()},
            )
            done[level] += 1
    return done


# ---------------------------------------------------------------- dispatch and handling


@transaction.atomic
def dispatch_ticket(
    *,
    ticket: Ticket,
    lead: Organisation,
    co_handlers=(),
    note: str = "",
    category: Category | None = None,
    by,
) -> Ticket:
    """Send the ticket to one lead organisation and any co-handlers; the acknowledge and handling clocks start."""
    permissions.require_desk(by)
    ticket = _locked(ticket)
    if lead is None:
        raise ValidationFailed(_("请选择主办单位"), field="lead")
    co_handlers = [o for o in dict.fromkeys(co_handlers) if o.pk != lead.pk]
    for org, field in [(lead, "lead"), *((o, "co_handlers") for o in co_handlers)]:
        if refused := permissions.dispatch_refusal(org, field=field):
            raise refused
    now = clock.now()
    moved = {}
    if category is not None and category.pk != ticket.category_id:
        moved = _change_category(ticket, category, now)
    calendar, limits = current_calendar(), _limits(ticket)
    ack = deadlines.acknowledge_due(calendar, now, limits, urgent=ticket.urgent)
    handle = deadlines.handle_due(calendar, now, limits, urgent=ticket.urgent)
    ticket.assignments.filter(active=True).update(active=False)
    Assignment.objects.create(ticket=ticket, organisation=lead, role=Assignment.Role.LEAD, assigned_at=now)
    for org in co_handlers:
        Assignment.objects.create(ticket=ticket, organisation=org, role=Assignment.Role.CO, assigned_at=now)
    ticket.lead_organisation = lead
    ticket.dispatched_at = now
    ticket.acknowledge_due, ticket.handle_due = ack.at, handle.at
    ticket.deadline_provisional = ack.provisional or handle.provisional
    ticket.extension_workdays = 0
    _transition(
        ticket,
        "dispatch",
        by=by,
        organisation=lead,
        note=note,
        data={
            "lead": lead.pk,
            "co_handlers": [o.pk for o in co_handlers],
            "acknowledge_due": ack.at.isoformat(),
            "handle_due": handle.at.isoformat(),
            **moved,
        },
    )
    return ticket


@transaction.atomic
def acknowledge(*, ticket: Ticket, organisation: Organisation, by) -> Ticket:
    """The organisation takes the ticket (签收); late acknowledgements are recorded as late."""
    permissions.require_member(by, organisation)
    ticket = _locked(ticket)
    assignment = permissions.assignment(ticket, organisation)
    if assignment.acknowledged_at:
        raise Conflict(_("本单位已签收该工单"), code="already_acknowledged")
    now = clock.now()
    assignment.acknowledged_at = now
    assignment.acknowledged_late = bool(ticket.acknowledge_due and now > ticket.acknowledge_due)
    assignment.save()
    action = "acknowledge" if assignment.role == Assignment.Role.LEAD else "co_acknowledge"
    _transition(ticket, action, by=by, organisation=organisation, data={"late": assignment.acknowledged_late})
    return ticket


@transaction.atomic
def return_ticket(*, ticket: Ticket, organisation: Organisation, reason: str, by) -> Ticket:
    """The lead organisation sends the ticket back as not theirs (退单), with a reason, before the limit runs out."""
    permissions.require_member(by, organisation)
    ticket = _locked(ticket)
    reason = _text(reason, field="reason", label=_("退单理由"), max_length=1000)
    assignment = permissions.assignment(ticket, organisation, Assignment.Role.LEAD)
    if refused := permissions.return_refusal(ticket):
        raise refused
    now = clock.now()
    assignment.returned_at, assignment.return_reason, assignment.active = now, reason, False
    assignment.save()
    ticket.assignments.filter(active=True).update(active=False)
    ticket.return_count += 1
    ticket.lead_organisation = None
    ticket.acknowledge_due = ticket.handle_due = None
    _transition(
        ticket, "return", by=by, organisation=organisation, note=reason, data={"returns": ticket.return_count}
    )
    return ticket


def deem_overdue_acknowledged() -> int:
    """Tickets whose acknowledgement limit ran out are taken as acknowledged by their lead (run by a task/command)."""
    count = 0
    for pk in Ticket.objects.filter(status=Status.DISPATCHED, acknowledge_due__lt=clock.now()).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            ticket = Ticket.objects.select_for_update().get(pk=pk)
            if ticket.status != Status.DISPATCHED or ticket.acknowledge_due >= clock.now():
                continue
            ticket.assignments.filter(active=True, role=Assignment.Role.LEAD, acknowledged_at=None).update(
                acknowledged_at=clock.now(), acknowledged_late=True
            )
            _transition(
                ticket,
                "deem_acknowledged",
                organisation=ticket.lead_organisation,
                note=_("超过签收时限,视为签收"),
            )
            count += 1
    return count


@transaction.atomic
def request_extension(
    *, ticket: Ticket, organisation: Organisation, workdays: int, reason: str, by
) -> Extension:
    """The lead organisation asks for more working days; the centre decides."""
    permissions.require_member(by, organisation)
    ticket = _locked(ticket)
    permissions.assignment(ticket, organisation, Assignment.Role.LEAD)
    reason = _text(reason, field="reason", label=_("延期理由"), max_length=1000)
    if refused := permissions.extension_refusal(ticket):  # urgent, or a request already waiting
        raise refused
    left = deadlines.extension_left(_limits(ticket), ticket.extension_workdays)
    if not isinstance(workdays, int) or workdays < 1 or workdays > left:
        raise ValidationFailed(_("延期工作日应在 1 至 %(left)s 之间") % {"left": left}, field="workdays")
    ext = Extension.objects.create(
        ticket=ticket, organisation=organisation, workdays=workdays, reason=reason, requested_at=clock.now()
    )
    _transition(
        ticket,
        "request_extension",
        by=by,
        organisation=organisation,
        note=reason,
        data={"workdays": workdays},
    )
    return ext


@transaction.atomic
def decide_extension(*, extension: Extension, approve: bool, note: str = "", by) -> Extension:
    """The centre approves or refuses an extension; approval moves the handling limit."""
    access.require_role(by, *permissions.EXTENSION_DECIDERS)
    ticket = _locked(extension.ticket)
    extension = Extension.objects.select_for_update().get(pk=extension.pk)
    if extension.decision != Extension.Decision.PENDING:
        raise Conflict(_("该延期申请已审批"), code="already_decided")
    extension.decision = Extension.Decision.APPROVED if approve else Extension.Decision.REJECTED
    extension.decided_at, extension.decision_note = clock.now(), note
    extension.save()
    data = {"approved": approve, "workdays": extension.workdays}
    if approve:
        left = deadlines.extension_left(_limits(ticket), ticket.extension_workdays)
        if extension.workdays > left:
            raise Conflict(_("最多还能延期 %(left)s 个工作日") % {"left": left}, code="extension_exceeded")
        ticket.extension_workdays += extension.workdays
        due = deadlines.handle_due(
            current_calendar(),
            ticket.dispatched_at,
            _limits(ticket),
            urgent=False,
            extension_workdays=ticket.extension_workdays,
        )
        ticket.handle_due, ticket.deadline_provisional = due.at, due.provisional
        data["handle_due"] = due.at.isoformat()
    _transition(ticket, "decide_extension", by=by, note=note, data=data)
    return extension


@transaction.atomic
def reply_ticket(*, ticket: Ticket, organisation: Organisation, text: str, by) -> Ticket:
    """The lead organisation answers the citizen (答复)."""
    permissions.require_member(by, organisation)
    ticket = _locked(ticket)
    permissions.assignment(ticket, organisation, Assignment.Role.LEAD)
    text = _text(text, field="text", label=_("答复内容"), max_length=4000)
    now = clock.now()
    ticket.reply, ticket.replied_at = text, now
    # an extension still waiting for the centre is moot once the answer is given (it would be offered for decision
    # again, about a round that is over, if the follow-up reopened the ticket)
    ticket.extensions.filter(decision=Extension.Decision.PENDING).update(
        decision=Extension.Decision.LAPSED, decided_at=now, decision_note=_("承办单位已答复")
    )
    late = bool(ticket.handle_due and now > ticket.handle_due)
    data = {"late": late, "round": ticket.reopen_count}  # the handling round: 0, then one more per reopening
    if ticket.handle_due is not None:
        data["handle_due"] = ticket.handle_due.isoformat()
    _transition(ticket, "reply", by=by, organisation=organisation, note=text, data=data)
    return ticket


@transaction.atomic
def record_follow_up(
    *, ticket: Ticket, solved: bool | None, satisfied: bool | None, note: str = "", by=None
) -> Ticket:
    """The follow-up (回访): solved closes the ticket; not solved reopens it to the same organisation with the reason.

    `by` is an operator calling back, or None when the citizen records it with the query code.
    """
    if by is not None and getattr(by, "is_authenticated", False):
        permissions.require_desk(by)
    if solved is None:
        raise ValidationFailed(_("请选择是否解决"), field="solved")
    ticket = _locked(ticket)
    # the note of a solved ticket the caller is content with is an opinion, not a reason; not solved, or solved but
    # not satisfied (已解决但不满意), the operator writes down why — the reopened round and the satisfaction figures
    # read it (as a bad rating needs its reason, evaluation.rules)
    unsatisfied = satisfied is False
    label = _("未解决的原因") if not solved else _("不满意的原因") if unsatisfied else _("回访意见")
    note = _text(note, field="note", label=label, max_length=1000, required=not solved or unsatisfied)
    now = clock.now()
    ticket.solved, ticket.satisfied = solved, satisfied
    if solved:
        ticket.closed_at = now
        _transition(ticket, "follow_up_solved", by=by, note=note, data={"satisfied": satisfied})
        _share_outcome(ticket, by=by)
        return ticket
    ticket.reopen_count += 1
    due = deadlines.handle_due(current_calendar(), now, _limits(ticket), urgent=ticket.urgent)
    ticket.handle_due, ticket.deadline_provisional = due.at, due.provisional
    ticket.reply, ticket.replied_at = "", None
    _transition(
        ticket,
        "follow_up_unsolved",
        by=by,
        organisation=ticket.lead_organisation,
        note=note,
        data={"satisfied": satisfied, "handle_due": due.at.isoformat(), "reopens": ticket.reopen_count},
    )
    return ticket


URGE_CALLER_MAX = 40


@transaction.atomic
def urge_ticket(*, ticket: Ticket, caller: str, note: str, by) -> Ticket:
    """来电催办: the caller rings 12345 again about a ticket an organisation is still handling; the operator records
    who called and what they said, instead of filing the matter again. The ticket counts its urges (催办次数,
    shown in the queues) and the event is addressed to the lead organisation, as the other events it must act on
    (督办, 回访未解决); co-handlers see it on the ticket page.

    A 催办 changes no limit: the handling limit (办理期限) stays as dispatched or extended, and the status stays.
    Nor is it a supervision alert by itself: no rule of supervision reads it."""
    permissions.require_desk(by)
    ticket = _locked(ticket)
    if refused := permissions.urge_refusal(ticket):
        raise refused
    caller = _text(caller, field="caller", label=_("来电人"), max_length=URGE_CALLER_MAX)
    note = _text(note, field="note", label=_("催办内容"), max_length=1000)
    ticket.urge_count += 1
    _transition(
        ticket,
        "urge",
        by=by,
        organisation=ticket.lead_organisation,
        note=note,
        data={"caller": caller, "urges": ticket.urge_count},
    )
    return ticket


@transaction.atomic
def close_unreached(*, ticket: Ticket, note: str, by) -> Ticket:
    """回访未果办结: the operator could not reach the caller for the follow-up (a number that does not answer, a wrong
    number) and closes the answered ticket saying how it was tried; solved and satisfied stay unknown, not "yes"."""
    permissions.require_desk(by)
    ticket = _locked(ticket)
    note = _text(note, field="note", label=_("回访情况"), max_length=1000)
    ticket.solved = ticket.satisfied = None
    ticket.closed_at = clock.now()
    _transition(ticket, "close_unreached", by=by, note=note)
    _share_outcome(ticket, by=by)
    return ticket


def _share_outcome(primary: Ticket, *, by) -> None:
    """Merged tickets close with their primary's reply."""
    for child in Ticket.objects.select_for_update().filter(merged_into=primary, status=Status.MERGED):
        child.reply, child.replied_at, child.closed_at = primary.reply, primary.replied_at, primary.closed_at
        child.solved, child.satisfied = primary.solved, primary.satisfied
        _transition(child, "close_with_primary", by=by, data={"primary": primary.number})


@transaction.atomic
def merge_tickets(*, duplicate: Ticket, into: Ticket, by) -> Ticket:
    """Merge a duplicate into an open ticket about the same matter; the duplicate shares its outcome."""
    permissions.require_desk(by)
    if duplicate.pk == into.pk:
        raise ValidationFailed(_("不能与自身合并"), field="into")
    first, second = sorted([duplicate.pk, into.pk])
    locked = {t.pk: t for t in Ticket.objects.select_for_update().filter(pk__in=[first, second])}
    duplicate, into = locked[duplicate.pk], locked[into.pk]
    if into.status in (Status.MERGED, Status.CLOSED):
        raise Conflict(_("目标工单已办结或已合并,不能并入"), code="merge_target_closed", field="into")
    if duplicate.merged.exists():
        raise Conflict(_("该工单已有并入的工单,请将其他工单并入它"), code="merge_has_children")
    duplicate.merged_into = into
    duplicate.assignments.filter(active=True).update(active=False)
    _transition(duplicate, "merge", by=by, data={"into": into.number})
    audit.record("tickets.merged_in", into, actor=_actor(by), summary={"duplicate": duplicate.number})
    return duplicate


@transaction.atomic
def supervise_ticket(*, ticket: Ticket, due: dt.datetime, note: str, by) -> SupervisionOrder:
    """Issue a supervision order (督办) on a ticket: the lead organisation must act by `due`."""
    access.require_role(by, *permissions.SUPERVISING_ROLES)
    ticket = _locked(ticket)
    if refused := permissions.supervision_refusal(ticket):
        raise refused
    note = _text(note, field="note", label=_("督办意见"), max_length=1000)
    if due.tzinfo is None:  # a time without a zone is the centre's local time
        due = due.replace(tzinfo=clock.LOCAL)
    if due <= clock.now():
        raise ValidationFailed(_("督办期限必须晚于现在"), field="due")
    order = SupervisionOrder.objects.create(
        ticket=ticket,
        organisation=ticket.lead_organisation,
        issued_at=clock.now(),
        due=due,
        note=note,
        issued_by=_actor(by),
    )
    _transition(
        ticket,
        "supervise",
        by=by,
        organisation=ticket.lead_organisation,
        note=note,
        data={"due": due.isoformat()},
    )
    return order


@transaction.atomic
def publish_reply(*, ticket: Ticket, text: str | None = None, by) -> Ticket:
    """The organisation reviews the automatically masked reply and publishes it in the public mailbox."""
    ticket = _locked(ticket)
    if ticket.lead_organisation is None:
        permissions.require_desk(by)
    else:
        permissions.require_member(by, ticket.lead_organisation)
    if refused := publication.refusal(ticket):
        raise refused
    reviewed = text if text is not None else mask_free_text(ticket.reply, names=[ticket.caller_name])
    # What the reviewer sends is masked again: a reviewer may add text but can never unmask it.
    ticket.published_reply = mask_free_text(
        _text(reviewed, field="text", label=_("公开答复"), max_length=4000), names=[ticket.caller_name]
    )
    ticket.published_content = mask_free_text(ticket.content, names=[ticket.caller_name])
    ticket.published_at = clock.now()
    _transition(ticket, "publish", by=by, organisation=ticket.lead_organisation)
    return ticket


@transaction.atomic
def remask_published() -> int:
    """Mask every stored public text again with the current masking library (run after it learned to find more);
    returns how many tickets changed. Masking only ever hides more, so the reviewed wording is otherwise kept."""
    changed = []
    for t in Ticket.objects.filter(published_at__isnull=False).select_for_update().order_by("pk"):
        content = mask_free_text(t.published_content, names=[t.caller_name])
        reply = mask_free_text(t.published_reply, names=[t.caller_name])
        if (content, reply) != (t.published_content, t.published_reply):
            t.published_content, t.published_reply = content, reply
            t.save(update_fields=["published_content", "published_reply"])
            changed.append(t.number)
    if changed:
        audit.record(
            "tickets.published_remasked",
            object_type="tickets.ticket",
            summary={"tickets": len(changed), "first": changed[:20]},
        )
    return len(changed)


# ---------------------------------------------------------------- knowledge base


@transaction.atomic
def save_knowledge_entry(
    *,
    entry: KnowledgeEntry | None = None,
    title: str,
    answer: str,
    owner: Organisation,
    keywords: str = "",
    category: Category | None = None,
    state: str = KnowledgeEntry.State.PUBLISHED,
    review_due: dt.date | None = None,
    expires_on: dt.date | None = None,
    by,
) -> KnowledgeEntry:
    """Create or change a knowledge-base entry (its owner organisation's staff or the centre) and index it."""
    if access.staff_of(by) is None or not (
        access.has_role(by, *permissions.DESK_ROLES) or access.can_see_organisation(by, owner)
    ):
        raise AccessDenied()
    if state not in KnowledgeEntry.State.values:
        raise ValidationFailed(_("状态无效"), field="state")
    if review_due and expires_on and review_due > expires_on:
        raise ValidationFailed(_("复核日期不能晚于失效日期"), field="review_due")
    entry = entry or KnowledgeEntry()
    entry.title = _text(title, field="title", label=_("问题"), max_length=200)
    entry.answer = _text(answer, field="answer", label=_("答案"), max_length=8000)
    entry.keywords = _text(keywords, field="keywords", label=_("关键词"), max_length=200, required=False)
    entry.owner, entry.category, entry.state = owner, category, state
    entry.review_due, entry.expires_on, entry.updated_at = review_due, expires_on, clock.now()
    created = entry.pk is None
    entry.save()
    knowledge.reindex(entry)
    audit.record(
        "tickets.knowledge_saved", entry, actor=_actor(by), summary={"title": entry.title, "created": created}
    )
    return entry


# ---------------------------------------------------------------- Open311 keys


@transaction.atomic
def create_api_key(*, name: str, by=None) -> tuple[ApiKey, str]:
    """A new Open311 API key for a client; the raw key is returned once and only its hash is kept."""
    if by is not None and not access.is_administrator(by):
        raise AccessDenied()
    name = _text(name, field="name", label=_("客户端名称"), max_length=100)
    raw = secrets.token_urlsafe(24)
    key = ApiKey.objects.create(
        name=name, prefix=raw[:8], key_hash=hashlib.sha256(raw.encode()).hexdigest(), created_at=clock.now()
    )
    audit.record(
        "tickets.api_key_created", key, actor=_actor(by), summary={"name": name, "prefix": key.prefix}
    )
    return key, raw


# ---------------------------------------------------------------- calendar changes


def limits_in_force(ticket: Ticket, events, calendar) -> tuple[deadlines.Due | None, deadlines.Due | None]:
    """The acknowledgement and handling limits in force, replayed from the ticket's events (in order) with the rules
    the services apply at each: a dispatch starts both (no extension granted yet), an approved extension moves the
    handling limit from the dispatch by every working day granted since, a reopening (回访未解决) starts the handling
    limit again from that moment, a return clears both."""
    limits = _limits(ticket)
    ack = handle = None
    granted = 0
    for event in events:
        data = event.data or {}
        if event.action == "dispatch":
            granted = 0
            start = ticket.dispatched_at or event.at
            ack = deadlines.acknowledge_due(calendar, start, limits, urgent=ticket.urgent)
            handle = deadlines.handle_due(calendar, start, limits, urgent=ticket.urgent)
        elif event.action == "decide_extension" and data.get("approved"):
            granted += int(data.get("workdays") or 0)
            handle = deadlines.handle_due(
                calendar, ticket.dispatched_at, limits, urgent=False, extension_workdays=granted
            )
        elif event.action == "follow_up_unsolved":
            handle = deadlines.handle_due(calendar, event.at, limits, urgent=ticket.urgent)
        elif event.action == "return":
            ack = handle = None
    return ack, handle


def recompute_for_year(year: int) -> int:
    """After a calendar year was loaded: the acknowledgement and handling limits (and the provisional flag) of
    every dispatched ticket whose limits touched the year, replayed by `limits_in_force`, in the loading
    transaction. Urgent tickets count hours, which no calendar moves."""
    first = dt.datetime(year, 1, 1, tzinfo=clock.LOCAL)
    end = dt.datetime(year + 1, 1, 1, tzinfo=clock.LOCAL)
    calendar = current_calendar()
    touched = (
        Ticket.objects.filter(urgent=False, dispatched_at__lt=end)
        .filter(Q(deadline_provisional=True) | Q(acknowledge_due__gte=first) | Q(handle_due__gte=first))
        .select_related("category")
    )
    changed = 0
    for ticket in touched.select_for_update(of=("self",)):
        ack, handle = limits_in_force(ticket, ticket.events.order_by("seq"), calendar)
        values = {
            "acknowledge_due": ack.at if ack else None,
            "handle_due": handle.at if handle else None,
            "deadline_provisional": any(d.provisional for d in (ack, handle) if d is not None),
        }
        if values["handle_due"] is None and ticket.handle_due is not None:
            continue  # limits written around the events (an import): keep them
        if any(getattr(ticket, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(ticket, k, v)
            ticket.save(update_fields=list(values))
            changed += 1
    if changed:
        audit.record(
            "tickets.recompute_dues",
            None,
            object_type="tickets.ticket",
            summary={"year": year, "tickets": changed},
        )
    return changed
