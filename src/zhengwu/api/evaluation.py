"""好差评 and the first-inquiry ledger over HTTP: rating by signed link (no sign-in), ratings and the ledger for
staff (scoped by core.access), and the public monthly figures."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja import Status as Reply

from zhengwu.api.common import ERRORS
from zhengwu.api.common import signed_in as staff
from zhengwu.catalog import selectors as catalog
from zhengwu.core import clock, ratelimit, thresholds
from zhengwu.core.errors import NotFound
from zhengwu.core.masking import mask_name, mask_phone
from zhengwu.core.models import Organisation
from zhengwu.evaluation import links, rules, selectors, services
from zhengwu.evaluation.models import LedgerEntry, Rating, RatingChannel

router = Router()


class RateIn(Schema):
    token: str
    level: int
    tags: list[str] = []
    comment: str = ""


class RectificationOut(Schema):
    state: str
    state_label: str
    due: dt.date
    reply: str
    satisfied: bool | None


class RatingOut(Schema):
    id: int
    subject: str  # "case" or "ticket"
    number: str
    title: str
    level: int
    level_label: str
    good: bool
    tags: list[str]
    comment: str
    channel: str
    organisation: str
    item_code: str | None
    window: str | None
    staff: str | None
    rater: str
    rated_at: dt.datetime
    counted: bool
    rectification: RectificationOut | None


def _rating_out(r: Rating) -> dict:
    rect = getattr(r, "rectification", None)
    return {
        "id": r.pk,
        "subject": "case" if r.case_id else "ticket",
        "number": r.subject_number,
        "title": r.subject_title,
        "level": r.level,
        "level_label": r.get_level_display(),
        "good": rules.is_good(r.level),
        "tags": r.tags,
        "comment": r.comment,
        "channel": r.channel,
        "organisation": r.organisation.name,
        "item_code": r.item.code if r.item_id else None,
        "window": str(r.window) if r.window_id else None,
        "staff": r.staff.name if r.staff_id else None,
        "rater": mask_name(r.rater_name),
        "rated_at": r.rated_at,
        "counted": not r.excluded,
        "rectification": {
            "state": rect.state,
            "state_label": rect.get_state_display(),
            "due": rect.due,
            "reply": rect.reply,
            "satisfied": rect.satisfied,
        }
        if rect
        else None,
    }


@router.post(
    "/ratings", response={201: RatingOut, **ERRORS}, summary="凭评价链接评价办件或工单(每件一次)", auth=None
)
def rate(request, body: RateIn):
    ratelimit.limit(request, group="evaluation.api_rate", rate="10/m")
    kind, pk, channel = links.read_token(body.token)
    rating = services.rate(
        kind=kind,
        pk=pk,
        level=body.level,
        tags=body.tags,
        comment=body.comment,
        channel=RatingChannel.PORTAL if channel == "portal" else RatingChannel.LINK,
    )
    return Reply(201, _rating_out(selectors.rated(rating)))


@router.get("/ratings", response={200: list[RatingOut], **ERRORS}, summary="本范围内的评价(按月)", auth=staff)
def list_ratings(request, month: str = Query(None), bad: bool = False, limit: int = 200):
    month = month or clock.today().strftime("%Y-%m")
    rules.month_bounds(month)
    start, end = selectors._local_range(month)
    qs = selectors.visible_ratings(request.user).filter(rated_at__gte=start, rated_at__lt=end)
    if bad:
        qs = qs.filter(level__lte=thresholds.BAD_RATING_MAX)
    return [_rating_out(r) for r in qs[: max(1, min(limit, 1000))]]


@router.get("/ratings/{rating_id}", response={200: RatingOut, **ERRORS}, summary="一条评价", auth=staff)
def rating_detail(request, rating_id: int):
    r = selectors.visible_ratings(request.user).filter(pk=rating_id).first()
    if r is None:
        raise NotFound(_("找不到该评价"))
    return _rating_out(r)


class FiguresOut(Schema):
    name: str
    rated: int
    good: int
    bad: int
    rectified: int
    good_rate: float | None
    bad_rate: float | None
    rectified_rate: float | None


def _fig(name: str, f: rules.Figures) -> dict:
    def num(v):
        return float(v) if v is not None else None

    return {
        "name": name,
        "rated": f.rated,
        "good": f.good,
        "bad": f.bad,
        "rectified": f.rectified,
        "good_rate": num(f.good_rate),
        "bad_rate": num(f.bad_rate),
        "rectified_rate": num(f.rectified_rate),
    }


@router.get(
    "/figures",
    response={200: list[FiguresOut], **ERRORS},
    summary="好差评公示数据(按月,按机构或事项)",
    auth=None,
)
def figures(request, month: str = Query(...), by: str = "organisation"):
    rules.month_bounds(month)
    return [_fig(n, f) for n, f in selectors.figures(month, by="item" if by == "item" else "organisation")]


# ---- ledger --------------------------------------------------------------------------------------------------


class InquiryIn(Schema):
    topic: str
    result: str  # answered | guided | handed_over | pending
    answer: str = ""
    guided_to: str = ""
    asker_name: str = ""
    asker_phone: str = ""
    item_code: str | None = None
    channel: str = "visit"
    hand_to: int | None = None  # organisation id


class HandoverOut(Schema):
    seq: int
    from_organisation: str
    to_organisation: str
    note: str
    handed_at: dt.datetime
    answer: str
    answered_at: dt.datetime | None


class LedgerOut(Schema):
    id: int
    asked_at: dt.datetime
    staff: str
    organisation: str
    channel: str
    channel_label: str = ""
    asker_name: str
    asker_phone: str
    topic: str
    item_code: str | None
    answer: str
    guided_to: str
    result: str
    result_label: str = ""
    state: str
    state_label: str = ""
    holder: str
    answered_at: dt.datetime | None
    handovers: list[HandoverOut]


def _ledger_out(e: LedgerEntry) -> dict:
    return {
        "id": e.pk,
        "asked_at": e.asked_at,
        "staff": e.staff.name,
        "organisation": e.organisation.name,
        "channel": e.channel,
        "channel_label": e.get_channel_display(),
        "asker_name": mask_name(e.asker_name),
        "asker_phone": mask_phone(e.asker_phone),
        "topic": e.topic,
        "item_code": e.item.code if e.item_id else None,
        "answer": e.answer,
        "guided_to": e.guided_to,
        "result": e.result,
        "result_label": e.get_result_display(),
        "state": e.state,
        "state_label": e.get_state_display(),
        "holder": e.holder.name,
        "answered_at": e.answered_at,
        "handovers": [
            {
                "seq": h.seq,
                "from_organisation": h.from_organisation.name,
                "to_organisation": h.to_organisation.name,
                "note": h.note,
                "handed_at": h.handed_at,
                "answer": h.answer,
                "answered_at": h.answered_at,
            }
            for h in e.handovers.select_related("from_organisation", "to_organisation")
        ],
    }


def _organisation(pk: int | None) -> Organisation | None:
    if pk is None:
        return None
    org = selectors.active_organisation(pk)
    if org is None:
        raise NotFound(_("找不到该机构"), field="hand_to")
    return org


@router.post("/ledger", response={201: LedgerOut, **ERRORS}, summary="登记首问", auth=staff)
def record(request, body: InquiryIn):
    item = None
    if body.item_code:
        item = catalog.item_or_none(body.item_code)
        if item is None:
            raise NotFound(_("找不到事项 %(item_code)s") % {"item_code": body.item_code}, field="item_code")
    entry = services.record_inquiry(
        by=request.user,
        topic=body.topic,
        result=body.result,
        answer=body.answer,
        guided_to=body.guided_to,
        asker_name=body.asker_name,
        asker_phone=body.asker_phone,
        item=item,
        channel=body.channel,
        hand_to=_organisation(body.hand_to),
    )
    return Reply(201, _ledger_out(selectors.ledger_entry_for(request.user, entry.pk)))


@router.get("/ledger", response={200: list[LedgerOut], **ERRORS}, summary="查询首问台账", auth=staff)
def search(request, q: str = "", month: str = "", state: str = "", limit: int = 100):
    entries = selectors.search_ledger(request.user, q=q, month=month, state=state)
    return [_ledger_out(e) for e in entries[: max(1, min(limit, 500))]]


@router.get("/ledger/{entry_id}", response={200: LedgerOut, **ERRORS}, summary="一条首问台账", auth=staff)
def entry_detail(request, entry_id: int):
    return _ledger_out(selectors.ledger_entry_for(request.user, entry_id))


class HandOverIn(Schema):
    to: int
    note: str = ""


@router.post(
    "/ledger/{entry_id}/handover", response={200: LedgerOut, **ERRORS}, summary="转交并跟踪", auth=staff
)
def hand_over(request, entry_id: int, body: HandOverIn):
    entry = selectors.ledger_entry_for(request.user, entry_id)
    services.hand_over(entry=entry, to=_organisation(body.to), by=request.user, note=body.note)
    return _ledger_out(selectors.ledger_entry_for(request.user, entry_id))


class AnswerIn(Schema):
    answer: str


@router.post(
    "/ledger/{entry_id}/answer", response={200: LedgerOut, **ERRORS}, summary="答复并办结", auth=staff
)
def answer(request, entry_id: int, body: AnswerIn):
    entry = selectors.ledger_entry_for(request.user, entry_id)
    services.answer_inquiry(entry=entry, by=request.user, answer=body.answer)
    return _ledger_out(selectors.ledger_entry_for(request.user, entry_id))
