"""Public interaction (政民互动) over HTTP: the ticket lifecycle for staff; tracking, follow-up and FAQ for citizens."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja import Status as Reply

from zhengwu.api.common import ERRORS
from zhengwu.api.common import signed_in as staff
from zhengwu.api.params import OFFSET_MAX, check_date_range
from zhengwu.core import clock, ratelimit
from zhengwu.core.actors import actor_name
from zhengwu.core.errors import AccessDenied, NotFound, ValidationFailed
from zhengwu.core.masking import mask_name, mask_phone
from zhengwu.core.models import Organisation
from zhengwu.tickets import dispatching, hot, selectors, services
from zhengwu.tickets.models import (
    ACTION_LABELS,
    Category,
    Status,
    Ticket,
)

router = Router()


# ---- schemas -------------------------------------------------------------------------------------------------


class TicketIn(Schema):
    kind: str
    channel: str = "hotline"
    category: str  # category code
    content: str
    title: str = ""
    caller_name: str = ""
    caller_phone: str = ""
    anonymous: bool = False
    public_allowed: bool = False
    address: str = ""
    region: str | None = None  # region code
    latitude: float | None = None
    longitude: float | None = None
    mailbox_id: int | None = None
    urgent: bool = False


class EventOut(Schema):
    seq: int
    at: dt.datetime
    action: str
    action_label: str = ""
    from_status: str
    from_status_label: str = ""
    to_status: str
    to_status_label: str = ""
    actor: str
    organisation: str | None
    note: str


class TicketOut(Schema):
    number: str
    kind: str
    kind_label: str = ""
    channel: str
    channel_label: str = ""
    status: str
    status_label: str
    category: str
    title: str
    content: str
    caller_name: str
    caller_phone: str
    anonymous: bool
    public_allowed: bool
    address: str
    urgent: bool
    received_at: dt.datetime
    lead_organisation: str | None
    acknowledge_due: dt.datetime | None
    handle_due: dt.datetime | None
    deadline_provisional: bool
    first_answer_due: dt.datetime | None
    first_answered_at: dt.datetime | None
    first_answer_state: str
    first_answer_state_label: str = ""
    return_count: int
    reopen_count: int
    urge_count: int = 0
    reply: str
    replied_at: dt.datetime | None
    closed_at: dt.datetime | None
    solved: bool | None
    satisfied: bool | None
    merged_into: str | None
    query_code: str | None = None


class TicketDetailOut(TicketOut):
    events: list[EventOut]


def ticket_out(t: Ticket, *, with_code: bool = False, events: bool = False) -> dict:
    out = {
        "number": t.number,
        "kind": t.kind,
        "kind_label": t.get_kind_display(),
        "channel": t.channel,
        "channel_label": t.get_channel_display(),
        "status": t.status,
        "status_label": str(Status(t.status).label),
        "category": t.category.code,
        "title": t.title,
        "content": t.content,
        "caller_name": mask_name(t.caller_name),
        "caller_phone": mask_phone(t.caller_phone),
        "anonymous": t.anonymous,
        "public_allowed": t.public_allowed,
        "address": t.address,
        "urgent": t.urgent,
        "received_at": t.received_at,
        "lead_organisation": t.lead_organisation.name if t.lead_organisation_id else None,
        "acknowledge_due": t.acknowledge_due,
        "handle_due": t.handle_due,
        "deadline_provisional": t.deadline_provisional,
        "first_answer_due": t.first_answer_due,
        "first_answered_at": t.first_answered_at,
        "first_answer_state": t.first_answer_state,
        "first_answer_state_label": t.first_answer_state_label,
        "return_count": t.return_count,
        "reopen_count": t.reopen_count,
        "urge_count": t.urge_count,
        "reply": t.reply,
        "replied_at": t.replied_at,
        "closed_at": t.closed_at,
        "solved": t.solved,
        "satisfied": t.satisfied,
        "merged_into": t.merged_into.number if t.merged_into_id else None,
        "query_code": t.query_code if with_code else None,
    }
    if events:
        out["events"] = [
            {
                "seq": e.seq,
                "at": e.at,
                "action": e.action,
                "action_label": e.action_label,
                "from_status": e.from_status,
                "from_status_label": e.get_from_status_display() if e.from_status else "",
                "to_status": e.to_status,
                "to_status_label": e.get_to_status_display(),
                "actor": actor_name(e.actor_label),
                "organisation": e.organisation.name if e.organisation_id else None,
                "note": e.note,
            }
            for e in selectors.history(t)
        ]
    return out


def _category(code: str) -> Category:
    found = selectors.active_category(code)
    if found is None:
        raise NotFound(_("分类「%(code)s」不存在") % {"code": code}, field="category")
    return found


def _organisation(pk: int, field: str) -> Organisation:
    found = selectors.active_organisation(pk)
    if found is None:
        raise NotFound(_("机构 %(pk)s 不存在") % {"pk": pk}, field=field)
    return found


def file_from(payload: TicketIn, *, by) -> Ticket:
    """File a ticket from an API or Open311 payload (shared by both)."""
    region = selectors.region(payload.region) if payload.region else None
    if payload.region and region is None:
        raise NotFound(_("行政区划「%(region)s」不存在") % {"region": payload.region}, field="region")
    mailbox = selectors.open_mailbox(payload.mailbox_id) if payload.mailbox_id else None
    return services.file_ticket(
        kind=payload.kind,
        channel=payload.channel,
        category=_category(payload.category),
        content=payload.content,
        title=payload.title,
        caller_name=payload.caller_name,
        caller_phone=payload.caller_phone,
        anonymous=payload.anonymous,
        public_allowed=payload.public_allowed,
        address=payload.address,
        region=region,
        latitude=payload.latitude,
        longitude=payload.longitude,
        mailbox=mailbox,
        urgent=payload.urgent,
        by=by,
    )


# ---- staff: the lifecycle ------------------------------------------------------------------------------------


@router.post("/", response={201: TicketOut, **ERRORS}, auth=staff, summary="登记诉求")
def file_ticket(request, payload: TicketIn):
    if not selectors.is_centre(request.auth):
        raise AccessDenied(_("只有热线中心可以登记诉求"))
    return Reply(201, ticket_out(file_from(payload, by=request.auth), with_code=True))


class TicketPage(Schema):
    count: int
    items: list[TicketOut]


def _page(limit: int, offset: int) -> slice:
    limit = max(1, min(limit, 200))
    return slice(max(0, offset), max(0, offset) + limit)


@router.get("/", response=TicketPage, auth=staff, summary="我可见的工单")
def list_tickets(
    request,
    status: str | None = None,
    first_answer: str | None = None,
    limit: int = 50,
    offset: int = Query(0, le=OFFSET_MAX),
):
    """`first_answer=waiting|due_soon|overdue`: 政民互动 tickets still waiting for their 24-hour first answer."""
    qs = selectors.visible_tickets(request.auth).select_related("merged_into")
    if status:
        qs = qs.filter(status=status)
    if first_answer:
        if first_answer not in ("waiting", "due_soon", "overdue"):
            raise ValidationFailed(
                _("first_answer 只能是 waiting、due_soon 或 overdue"), field="first_answer"
            )
        qs = selectors.awaiting_first_answer(qs, "" if first_answer == "waiting" else first_answer)
    return {"count": qs.count(), "items": [ticket_out(t) for t in qs[_page(limit, offset)]]}


@router.get("/queues", auth=staff, summary="本单位的待办队列")
def queues(request):
    q = selectors.organisation_queues(request.auth)
    return {name: [t.number for t in getattr(q, name)] for name in q.__dataclass_fields__} | {
        "to_dispatch": [t.number for t in selectors.dispatch_queue(request.auth)[:200]]
    }


class KnowledgeOut(Schema):
    id: int
    title: str
    answer: str
    uses: int


@router.get(
    "/knowledge", response=list[KnowledgeOut], auth=staff, summary="知识库检索(分词、繁简、拼音首字母)"
)
def knowledge_search(request, q: str):
    return selectors.search_knowledge(q)


@router.get("/{number}", response={200: TicketDetailOut, **ERRORS}, auth=staff, summary="工单详情及全部历史")
def ticket_detail(request, number: str):
    return ticket_out(selectors.ticket_by_number(request.auth, number), events=True)


class DispatchIn(Schema):
    lead: int
    co_handlers: list[int] = []
    note: str = ""
    category: str | None = None


@router.post("/{number}/dispatch", response={200: TicketOut, **ERRORS}, auth=staff, summary="派单")
def dispatch(request, number: str, payload: DispatchIn):
    t = services.dispatch_ticket(
        ticket=selectors.ticket_by_number(request.auth, number),
        lead=_organisation(payload.lead, "lead"),
        co_handlers=[_organisation(pk, "co_handlers") for pk in payload.co_handlers],
        note=payload.note,
        category=_category(payload.category) if payload.category else None,
        by=request.auth,
    )
    return ticket_out(t)


@router.post("/{number}/acknowledge", response={200: TicketOut, **ERRORS}, auth=staff, summary="签收")
def acknowledge(request, number: str):
    t = selectors.ticket_by_number(request.auth, number)
    org = selectors.acting_organisation(request.auth, t)
    return ticket_out(services.acknowledge(ticket=t, organisation=org, by=request.auth))


class TicketReasonIn(Schema):
    reason: str


@router.post("/{number}/return", response={200: TicketOut, **ERRORS}, auth=staff, summary="退单")
def return_ticket(request, number: str, payload: TicketReasonIn):
    t = selectors.ticket_by_number(request.auth, number)
    org = selectors.acting_organisation(request.auth, t, lead_only=True)
    return ticket_out(
        services.return_ticket(ticket=t, organisation=org, reason=payload.reason, by=request.auth)
    )


class TextIn(Schema):
    text: str


@router.post("/{number}/reply", response={200: TicketOut, **ERRORS}, auth=staff, summary="答复")
def reply(request, number: str, payload: TextIn):
    t = selectors.ticket_by_number(request.auth, number)
    org = selectors.acting_organisation(request.auth, t, lead_only=True)
    return ticket_out(services.reply_ticket(ticket=t, organisation=org, text=payload.text, by=request.auth))


class InterimReplyIn(Schema):
    text: str = ""


@router.post(
    "/{number}/interim-reply",
    response={200: TicketOut, **ERRORS},
    auth=staff,
    summary="受理回复(已收到,正在办理;计为首次答复)",
)
def interim_reply(request, number: str, payload: InterimReplyIn):
    t = selectors.ticket_by_number(request.auth, number)
    org = (
        None
        if selectors.is_centre(request.auth)
        else selectors.acting_organisation(request.auth, t, lead_only=True)
    )
    return ticket_out(services.interim_reply(ticket=t, text=payload.text, organisation=org, by=request.auth))


class FollowUpIn(Schema):
    solved: bool
    satisfied: bool | None = None
    note: str = ""


@router.post("/{number}/follow-up", response={200: TicketOut, **ERRORS}, auth=staff, summary="回访")
def follow_up(request, number: str, payload: FollowUpIn):
    t = selectors.ticket_by_number(request.auth, number)
    return ticket_out(
        services.record_follow_up(
            ticket=t, solved=payload.solved, satisfied=payload.satisfied, note=payload.note, by=request.auth
        )
    )


class UrgeIn(Schema):
    caller: str
    note: str


@router.post(
    "/{number}/urge",
    response={200: TicketOut, **ERRORS},
    auth=staff,
    summary="来电催办(诉求人再次来电;不改变办理期限)",
)
def urge(request, number: str, payload: UrgeIn):
    t = selectors.ticket_by_number(request.auth, number)
    return ticket_out(
        services.urge_ticket(ticket=t, caller=payload.caller, note=payload.note, by=request.auth)
    )


class CloseIn(Schema):
    answer: str
    knowledge_entry: int | None = None


@router.post("/{number}/close", response={200: TicketOut, **ERRORS}, auth=staff, summary="直接办结")
def close(request, number: str, payload: CloseIn):
    t = selectors.ticket_by_number(request.auth, number)
    entry = None
    if payload.knowledge_entry is not None:
        entry = selectors.knowledge_entry(payload.knowledge_entry)
        if entry is None:
            raise NotFound(
                _("找不到知识库条目 %(pk)s") % {"pk": payload.knowledge_entry}, field="knowledge_entry"
            )
    return ticket_out(services.close_directly(ticket=t, answer=payload.answer, entry=entry, by=request.auth))


class MergeIn(Schema):
    into: str


@router.post("/{number}/merge", response={200: TicketOut, **ERRORS}, auth=staff, summary="合并重复工单")
def merge(request, number: str, payload: MergeIn):
    dup = selectors.ticket_by_number(request.auth, number)
    into = selectors.ticket_by_number(request.auth, payload.into)
    return ticket_out(services.merge_tickets(duplicate=dup, into=into, by=request.auth))


class DuplicateOut(Schema):
    number: str
    title: str
    status: str
    score: float
    reason: str


@router.get(
    "/{number}/duplicates", response={200: list[DuplicateOut], **ERRORS}, auth=staff, summary="疑似重复"
)
def duplicates(request, number: str):
    t = selectors.ticket_by_number(request.auth, number)
    found = selectors.find_duplicates(
        content=t.content, caller_phone=t.caller_phone, region_id=t.region_id, address=t.address, exclude=t.pk
    )
    return [
        {
            "number": d.ticket.number,
            "title": d.ticket.title,
            "status": d.ticket.status,
            "score": d.score,
            "reason": d.reason,
        }
        for d in found
    ]


class SuggestionOut(Schema):
    organisation_id: int
    organisation: str
    score: float
    likelihood: str  # 很可能 (score ≥ 0.5), 可能 (≥ 0.2), 也可能: what the operator's screen shows


@router.get(
    "/{number}/suggestions", response={200: list[SuggestionOut], **ERRORS}, auth=staff, summary="派单建议"
)
def suggestions(request, number: str):
    t = selectors.ticket_by_number(request.auth, number)
    if not selectors.is_centre(request.auth):
        raise AccessDenied(_("只有热线中心可以派单"))
    return [
        {
            "organisation_id": s.organisation.pk,
            "organisation": s.organisation.name,
            "score": s.score,
            "likelihood": s.likelihood,
        }
        for s in dispatching.suggest(t, limit=5)
    ]


@router.get("/analysis/hot-topics", auth=staff, summary="热点分析:分类、乡镇、上升热词(period=day|week)")
def hot_topics(request, period: str = "week", until: dt.date | None = None):
    if not selectors.is_centre(request.auth):
        raise AccessDenied()
    check_date_range(until, field="until", label=_("截止日期"))
    r = hot.report(period=period, until=until or clock.today())
    return {
        "period": r.period,
        "since": r.since,
        "until": r.until,
        "total": r.total,
        "previous_total": r.previous_total,
        "by_category": [{"name": c, "count": n, "previous": p} for c, n, p in r.by_category],
        "by_region": [{"name": c, "count": n, "previous": p} for c, n, p in r.by_region],
        "heat": {
            "columns": r.columns,
            "rows": [{"region": g, "counts": c, "total": t} for g, c, t in r.heat],
        },
        "rising": [{"term": w, "count": n, "previous": p} for w, n, p in r.rising],
    }


class TicketExtensionIn(Schema):
    workdays: int
    reason: str


class TicketExtensionOut(Schema):
    id: int
    workdays: int
    reason: str
    decision: str


@router.post(
    "/{number}/extensions", response={201: TicketExtensionOut, **ERRORS}, auth=staff, summary="申请延期"
)
def request_extension(request, number: str, payload: TicketExtensionIn):
    t = selectors.ticket_by_number(request.auth, number)
    org = selectors.acting_organisation(request.auth, t, lead_only=True)
    ext = services.request_extension(
        ticket=t, organisation=org, workdays=payload.workdays, reason=payload.reason, by=request.auth
    )
    return Reply(201, ext)


class TicketDecisionIn(Schema):
    approve: bool
    note: str = ""


@router.post(
    "/extensions/{pk}/decision", response={200: TicketExtensionOut, **ERRORS}, auth=staff, summary="审批延期"
)
def decide_extension(request, pk: int, payload: TicketDecisionIn):
    return services.decide_extension(
        extension=selectors.extension_for(request.auth, pk),
        approve=payload.approve,
        note=payload.note,
        by=request.auth,
    )


class SuperviseIn(Schema):
    due: dt.datetime
    note: str


@router.post("/{number}/supervise", response={201: dict, **ERRORS}, auth=staff, summary="督办")
def supervise(request, number: str, payload: SuperviseIn):
    t = selectors.ticket_by_number(request.auth, number)
    check_date_range(payload.due, field="due", label=_("督办期限"))
    due = payload.due if timezone.is_aware(payload.due) else timezone.make_aware(payload.due)  # local time
    order = services.supervise_ticket(ticket=t, due=due, note=payload.note, by=request.auth)
    return Reply(201, {"id": order.pk, "due": order.due.isoformat()})


class TicketPublishIn(Schema):
    text: str | None = None


@router.post(
    "/{number}/publish", response={200: dict, **ERRORS}, auth=staff, summary="审核并公开答复(自动脱敏)"
)
def publish(request, number: str, payload: TicketPublishIn):
    t = services.publish_reply(
        ticket=selectors.ticket_by_number(request.auth, number), text=payload.text, by=request.auth
    )
    return {"number": t.number, "content": t.published_content, "reply": t.published_reply}


# ---- citizens ------------------------------------------------------------------------------------------------


class TrackOut(Schema):
    number: str
    status: str
    status_label: str
    kind: str
    kind_label: str = ""
    title: str
    received_at: dt.datetime
    handle_due: dt.datetime | None
    first_answer_due: dt.datetime | None
    first_answered_at: dt.datetime | None
    reply: str
    replied_at: dt.datetime | None
    merged_into: str | None
    steps: list[dict]


def track_out(t: Ticket) -> dict:
    shown = t.merged_into if t.merged_into_id and t.status == Status.MERGED else t
    return {
        "number": t.number,
        "status": shown.status,
        "status_label": str(Status(shown.status).label),
        "kind": t.kind,
        "kind_label": t.get_kind_display(),
        "title": t.title,
        "received_at": t.received_at,
        "handle_due": shown.handle_due,
        "first_answer_due": t.first_answer_due,
        "first_answered_at": t.first_answered_at,
        "reply": shown.reply,
        "replied_at": shown.replied_at,
        "merged_into": t.merged_into.number if t.merged_into_id else None,
        "steps": [
            {
                "at": e["at"].isoformat(),
                "action": e["action"],
                "label": str(ACTION_LABELS.get(e["action"], e["action"])),
                "status": str(Status(e["to_status"]).label),
                # the interim answer (受理回复) was written to the citizen; other notes stay inside
                **({"text": e["note"]} if e["action"] == "interim_reply" else {}),
            }
            for e in selectors.public_events(t)
        ],
    }


@router.get(
    "/track/{number}", response={200: TrackOut, **ERRORS}, auth=None, summary="凭编号和查询码查询办理进度"
)
def track(request, number: str, code: str):
    ratelimit.limit(request, group="tickets.track", rate="30/m")
    return track_out(selectors.track(number, code))


class CitizenFollowUpIn(FollowUpIn):
    code: str


@router.post(
    "/track/{number}/follow-up", response={200: TrackOut, **ERRORS}, auth=None, summary="诉求人评价办理结果"
)
def citizen_follow_up(request, number: str, payload: CitizenFollowUpIn):
    ratelimit.limit(request, group="tickets.follow_up", rate="10/m")
    t = selectors.track(number, payload.code)
    t = services.record_follow_up(
        ticket=t, solved=payload.solved, satisfied=payload.satisfied, note=payload.note
    )
    return track_out(t)


class FaqOut(Schema):
    id: int
    title: str
    answer: str


@router.get("/public/faq", response=list[FaqOut], auth=None, summary="常见问题")
def faq(request):
    return list(selectors.faq())


class CategoryOut(Schema):
    code: str
    name: str
    parent: str | None
    acknowledge_workdays: int
    handle_workdays: int
    max_extension_workdays: int
    urgent_acknowledge_hours: int
    urgent_handle_hours: int
    first_answer_hours: int


@router.get("/public/categories", response=list[CategoryOut], auth=None, summary="诉求分类及时限")
def categories(request):
    return [
        {
            **{f: getattr(c, f) for f in CategoryOut.model_fields if f != "parent"},
            "parent": c.parent.code if c.parent_id else None,
        }
        for c in selectors.categories()
    ]


class PublishedOut(Schema):
    number: str
    kind: str
    category: str
    content: str
    reply: str
    organisation: str | None
    published_at: dt.datetime


@router.get("/public/mailbox", response=list[PublishedOut], auth=None, summary="公开答复(已脱敏)")
def mailbox(request, limit: int = 50, offset: int = Query(0, le=OFFSET_MAX)):
    return [
        {
            "number": t.number,
            "kind": t.kind,
            "category": t.category.name,
            "content": t.published_content,
            "reply": t.published_reply,
            "organisation": t.lead_organisation.name if t.lead_organisation_id else None,
            "published_at": t.published_at,
        }
        for t in selectors.published_tickets()[_page(limit, offset)]
    ]
