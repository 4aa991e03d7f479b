"""/api/disclosure: the fee and due-date checks, public publication search, a requester's own request."""

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from zhengwu.api.common import ErrorOut
from zhengwu.api.params import DB_INT_MAX, OFFSET_MAX
from zhengwu.core.errors import ValidationFailed
from zhengwu.disclosure import deadlines, fees, selectors, services

router = Router()


class DisclosureFeeOut(Schema):
    amount: int
    lines: list[str]


class ReplyDueOut(Schema):
    due: dt.date
    provisional: bool
    start: dt.date
    limit_workdays: int
    paused_workdays: int
    explanation: list[str]


class PublicationOut(Schema):
    index_number: str
    title: str
    document_number: str
    organisation: str
    genre: str
    validity: str
    published_at: dt.datetime


class DisclosureRequestOut(Schema):
    number: str
    status: str
    status_label: str
    received_on: dt.date
    due_on: dt.date | None
    outcome: str
    reason: str
    concluded_on: dt.date | None


@router.get("/fee", response=DisclosureFeeOut, summary="信息处理费(按件或按量,只选其一)")
def fee(request, items: int | None = None, pages: int | None = None):
    if (items is None) == (pages is None):
        raise ValidationFailed(_("请只填写 items 或 pages 其中之一"), field="items")
    result = fees.by_items(items) if items is not None else fees.by_pages(pages)
    return {"amount": result.amount, "lines": list(result.lines)}


@router.get("/due", response=ReplyDueOut, summary="答复期限(第三十三条)")
def due(
    request,
    received: dt.date,
    supplement_received: dt.date | None = None,
    extension: int = 0,
    third_party: str = "",
):
    pauses = []
    for span in filter(None, third_party.split(",")):
        start, _sep, end = span.partition(":")
        try:
            pauses.append(deadlines.Pause(dt.date.fromisoformat(start), dt.date.fromisoformat(end)))
        except ValueError:
            raise ValidationFailed(
                _("第三方意见时段「%(span)s」应写作 YYYY-MM-DD:YYYY-MM-DD") % {"span": span},
                field="third_party",
            ) from None
    result = deadlines.reply_due(
        received, supplement_received=supplement_received, extension=extension, pauses=pauses
    )
    return {
        "due": result.due,
        "provisional": result.provisional,
        "start": result.start,
        "limit_workdays": result.limit,
        "paused_workdays": result.paused,
        "explanation": list(result.lines),
    }


@router.get("/publications", response=list[PublicationOut], summary="检索已公开的信息")
def publications(
    request,
    q: str = "",
    organisation: int | None = Query(None, ge=-DB_INT_MAX, le=DB_INT_MAX),
    number: str = "",
    limit: int = 20,
    offset: int = Query(0, le=OFFSET_MAX),
):
    rows = selectors.search_publications(query=q, organisation=organisation, document_number=number)
    rows = rows[max(offset, 0) : max(offset, 0) + min(max(limit, 1), 100)]
    return [
        {
            "index_number": p.index_number,
            "title": p.title,
            "document_number": p.document_number,
            "organisation": p.organisation.name,
            "genre": p.genre,
            "validity": p.validity,
            "published_at": p.published_at,
        }
        for p in rows
    ]


@router.get(
    "/requests/{number}",
    response={200: DisclosureRequestOut, 404: ErrorOut},
    summary="申请人凭查询码查询申请",
)
def request_status(request, number: str, code: str):
    r = services.request_by_code(number, code)
    return {
        "number": r.number,
        "status": r.status,
        "status_label": r.status_label,
        "received_on": r.received_on,
        "due_on": r.due_on,
        "outcome": r.outcome,
        "reason": r.reason,
        "concluded_on": r.concluded_on,
    }
