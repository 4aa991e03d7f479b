"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2): categories are services, tickets are requests.

Any existing Open311 client can list services, read a service definition, file a request (with an API key) and
follow it. Answers come as JSON or XML by the suffix; errors as [{code, description}] with the HTTP status.

Requests are read by anyone, so only published tickets are requests here (tickets.publication: never a 举报, only with
the filer's consent, only once the reply was reviewed and published), and they carry only the reviewed public text.
A client that filed a request follows it with the token it was given (`?token=`), as a citizen does on the portal.
"""

import datetime as dt
import hashlib
import xml.etree.ElementTree as ET
from decimal import Decimal, InvalidOperation

from django.db.models import Max
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from zhengwu.core import clock, ratelimit
from zhengwu.core.errors import DomainError, NotFound
from zhengwu.core.masking import mask_address
from zhengwu.tickets import selectors, services
from zhengwu.tickets.masking import mask_free_text
from zhengwu.tickets.models import (
    ACTION_LABELS,
    OPEN_STATUSES,
    ApiKey,
    Category,
    Channel,
    Kind,
    Status,
    Ticket,
    TicketEvent,
)

SERVICE_FIELDS = ("service_code", "service_name", "description", "metadata", "type", "keywords", "group")
REQUEST_FIELDS = (
    "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
    "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
    "address", "address_id", "zipcode", "lat", "long", "media_url",
)  # fmt: skip
# Attributes of every service definition: what a ticket needs beyond the standard fields.
ATTRIBUTES = [
    {
        "variable": True,
        "code": "kind",
        "datatype": "singlevaluelist",
        "required": False,
        "datatype_description": "诉求类型,默认为求助",
        "order": 1,
        "description": "诉求类型",
        "values": [{"key": k, "name": str(label)} for k, label in Kind.choices],
    },
    {
        "variable": True,
        "code": "public_allowed",
        "datatype": "singlevaluelist",
        "required": False,
        "datatype_description": "是否同意公开答复(个人信息自动隐去)",
        "order": 2,
        "description": "同意公开答复",
        "values": [{"key": "true", "name": "同意"}, {"key": "false", "name": "不同意"}],
    },
    {
        "variable": True,
        "code": "anonymous",
        "datatype": "singlevaluelist",
        "required": False,
        "datatype_description": "仅举报可匿名",
        "order": 3,
        "description": "匿名",
        "values": [{"key": "true", "name": "匿名"}, {"key": "false", "name": "实名"}],
    },
]
SERVICE_NOTICE = gettext_lazy(
    "请保存工单编号(service_request_id)和查询码(token):未公开的请求只能凭 token 查询办理进度"
    "(GET requests/{service_request_id}.json?token=…),门户「办理进度查询」(/interaction/track/)也可凭二者查询"
)


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status, self.description = status, description


# ---- rendering -------------------------------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return _iso(value)
    return str(value)


def _iso(moment: dt.datetime | None) -> str | None:
    """W3C datetime with the offset, as GeoReport v2 asks (2025-11-24T10:00:00+08:00)."""
    return moment.astimezone(clock.LOCAL).isoformat(timespec="seconds") if moment else None


def _xml_element(tag: str, value) -> ET.Element:
    element = ET.Element(tag)
    if isinstance(value, dict):
        for key, inner in value.items():
            element.append(_xml_element(key, inner))
    elif isinstance(value, list):
        child_tag = {"attributes": "attribute", "values": "value", "keywords": "keyword"}.get(tag, "item")
        for inner in value:
            element.append(_xml_element(child_tag, inner))
    else:
        element.text = _text(value)
    return element


def _respond(fmt: str, root: str, item: str, rows: list[dict], status: int = 200):
    if fmt == "xml":
        tree = ET.Element(root)
        for row in rows:
            tree.append(_xml_element(item, row))
        body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(
            tree, encoding="utf-8", xml_declaration=False
        )
        return HttpResponse(body, content_type="text/xml; charset=utf-8", status=status)
    return JsonResponse(rows, safe=False, status=status, json_dumps_params={"ensure_ascii": False})


def _error(fmt: str, status: int, description: str):
    return _respond(fmt, "errors", "error", [{"code": status, "description": description}], status=status)


def _guard(view):
    """Answer Open311 errors and domain errors in the GeoReport error format, never as a 500."""

    def wrapped(request, *args, fmt: str, **kwargs):
        if fmt not in ("json", "xml"):
            return _error("json", 404, _("格式只支持 json 或 xml"))
        try:
            return view(request, *args, fmt=fmt, **kwargs)
        except Open311Error as err:
            return _error(fmt, err.status, err.description)
        except DomainError as err:
            return _error(fmt, 400 if err.status in (409, 422) else err.status, err.message)

    wrapped.__name__ = view.__name__
    return wrapped


# ---- mapping ---------------------------------------------------------------------------------------------------


def service_of(c: Category) -> dict:
    return {
        "service_code": c.code,
        "service_name": c.name,
        "description": c.description or c.full_name,
        "metadata": True,
        "type": "batch",
        "keywords": "",
        "group": c.parent.name if c.parent_id else c.name,
    }


def request_of(
    t: Ticket, updated: dt.datetime | None = None, last_action: str | None = None, *, filer: bool = False
) -> dict:
    """A ticket as a GeoReport request. The public gets the texts reviewed at publication; the filer (who showed the
    token) gets the progress of the matter, its own words and the reply masked as a published text would be."""
    shown = t.merged_into if t.status == Status.MERGED and t.merged_into_id else t
    is_open = shown.status in OPEN_STATUSES
    if filer:
        names = [t.caller_name, shown.caller_name]
        notes = shown.reply if shown.reply and not is_open else str(ACTION_LABELS.get(last_action or "", ""))
        description, notes = mask_free_text(t.content, names=names), mask_free_text(notes, names=names)
    else:
        description, notes = t.published_content, t.published_reply
    return {
        "service_request_id": t.number,
        "status": "open" if is_open else "closed",
        "status_notes": notes or str(Status(shown.status).label),
        "service_name": t.category.name,
        "service_code": t.category.code,
        "description": description,
        "agency_responsible": shown.lead_organisation.name
        if shown.lead_organisation_id
        else "政务服务便民热线",
        "service_notice": str(SERVICE_NOTICE),
        "requested_datetime": _iso(t.received_at),
        "updated_datetime": _iso(updated or t.received_at),
        "expected_datetime": _iso(shown.handle_due) if is_open else None,
        # the place is kept to the township and about 100 metres
        "address": mask_address(t.address),
        "address_id": None,
        "zipcode": None,
        "lat": round(float(t.latitude), 3) if t.latitude is not None else None,
        "long": round(float(t.longitude), 3) if t.longitude is not None else None,
        "media_url": None,
    }


def _requests(qs, *, filer: bool = False) -> list[dict]:
    tickets = list(
        qs.select_related("category", "lead_organisation", "merged_into__lead_organisation")[:1000]
    )
    events = TicketEvent.objects.filter(ticket__in=tickets)
    latest = {row["ticket"]: row["at"] for row in events.values("ticket").annotate(at=Max("at"))}
    last_actions = dict(events.order_by("ticket", "seq").values_list("ticket", "action"))
    return [request_of(t, latest.get(t.pk), last_actions.get(t.pk), filer=filer) for t in tickets]


# ---- views -----------------------------------------------------------------------------------------------------


@require_http_methods(["GET"])
@_guard
def service_list(request, fmt: str):
    return _respond(fmt, "services", "service", [service_of(c) for c in selectors.categories()])


@require_http_methods(["GET"])
@_guard
def service_definition(request, code: str, fmt: str):
    category = Category.objects.filter(code=code, is_active=True).first()
    if category is None:
        raise Open311Error(404, _("服务「%(code)s」不存在") % {"code": code})
    body = {"service_code": category.code, "attributes": ATTRIBUTES}
    if fmt == "xml":
        tree = _xml_element("service_definition", body)
        raw = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(tree, encoding="utf-8")
        return HttpResponse(raw, content_type="text/xml; charset=utf-8")
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _require_key(request) -> ApiKey:
    raw = request.POST.get("api_key", "")
    key = ApiKey.objects.filter(key_hash=hash_key(raw), is_active=True).first() if raw else None
    if key is None:
        raise Open311Error(403, _("api_key 无效或缺失"))
    return key


def _decimal(value: str, name: str, low: int, high: int) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise Open311Error(400, _("%(name)s 不是数字") % {"name": name}) from None
    if not low <= number <= high:
        raise Open311Error(400, _("%(name)s 超出范围") % {"name": name})
    return number.quantize(Decimal("0.000001"))


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("true", "1", "yes")


@csrf_exempt
@require_http_methods(["GET", "POST"])
@_guard
def requests_view(request, fmt: str):
    if request.method == "POST":
        return _create_request(request, fmt)
    # Every filter below narrows the published tickets: no parameter reaches a ticket the public may not read.
    qs = selectors.published_tickets().order_by("-received_at", "-id")
    if ids := request.GET.get("service_request_id"):
        qs = qs.filter(number__in=[i.strip() for i in ids.split(",") if i.strip()])
    else:
        if code := request.GET.get("service_code"):
            qs = qs.filter(category__code__in=code.split(","))
        status = request.GET.get("status")
        if status == "open":
            qs = qs.filter(status__in=OPEN_STATUSES)
        elif status == "closed":
            qs = qs.exclude(status__in=OPEN_STATUSES)
        start, end = _moment(request.GET.get("start_date")), _moment(request.GET.get("end_date"))
        # GeoReport v2: without dates, the last 90 days; at most 1000 requests.
        if start is None and end is None:
            start = clock.now() - dt.timedelta(days=90)
        if start:
            qs = qs.filter(received_at__gte=start)
        if end:
            qs = qs.filter(received_at__lte=end)
    return _respond(fmt, "service_requests", "request", _requests(qs))


def _moment(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Open311Error(400, _("日期「%(value)s」格式无效,应为 W3C 格式") % {"value": value}) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=clock.LOCAL)


def _create_request(request, fmt: str):
    ratelimit.limit(request, group="tickets.open311_post", rate="60/m")
    key = _require_key(request)
    p = request.POST
    category = Category.objects.filter(code=p.get("service_code", ""), is_active=True).first()
    if category is None:
        raise Open311Error(400, _("service_code 无效"))
    lat, lon = _decimal(p.get("lat"), "lat", -90, 90), _decimal(p.get("long"), "long", -180, 180)
    if (lat is None or lon is None) and not p.get("address_string") and not p.get("address_id"):
        raise Open311Error(400, _("须提供 lat/long 或 address_string"))
    kind = p.get("attribute[kind]") or Kind.HELP
    name = f"{p.get('last_name', '').strip()}{p.get('first_name', '').strip()}"
    ticket = services.file_ticket(
        kind=kind,
        channel=Channel.OPEN311,
        category=category,
        content=p.get("description", ""),
        caller_name=name,
        caller_phone=p.get("phone", ""),
        anonymous=_flag(p.get("attribute[anonymous]")),
        public_allowed=_flag(p.get("attribute[public_allowed]")),
        address=p.get("address_string", "") or p.get("address_id", ""),
        latitude=lat,
        longitude=lon,
        by=None,
    )
    row = {
        "service_request_id": ticket.number,
        "token": ticket.query_code,
        "service_notice": str(SERVICE_NOTICE),
        "account_id": p.get("account_id") or None,
    }
    del key  # the key authorises; it is not stored on the ticket
    return _respond(fmt, "service_requests", "request", [row], status=201)


def not_served(number: str, fmt: str, *, token_given: bool) -> Open311Error:
    """The 404 of `GET requests/<number>` (GeoReport v2: "service_request_id provided was not found"), the same for a
    number that does not exist and for a request that is not public — numbers run by day (2026111800001), so any
    other answer for an unpublished one would tell whoever walks the sequence that it exists, and which are 举报.
    The words say what the public is served and how the filer reads their own (the token the POST returned): a
    client that holds its service_request_id is not left believing the request was lost."""
    if token_given:
        return Open311Error(
            404,
            _("请求「%(number)s」不存在,或 token 与该请求不符:请使用提交请求时返回的 token")
            % {"number": number},
        )
    return Open311Error(
        404,
        _(
            "没有可公开查询的请求「%(number)s」:这里只答复已公开的请求(提交人同意公开、答复已经审核发布;举报一律不公开)。"
            "如是您提交的请求,请附上提交时返回的 token 查询办理进度:requests/%(number)s.%(fmt)s?token=…"
        )
        % {"number": number, "fmt": fmt},
    )


@require_http_methods(["GET"])
@_guard
def request_detail(request, number: str, fmt: str):
    """A published request, or the filer's own with its token; anything else is 404, worded as for a missing one
    (not_served says why, and how the filer reads theirs)."""
    token = request.GET.get("token")
    try:
        if token:
            ratelimit.limit(request, group="tickets.track", rate="30/m")
            ticket = selectors.track(number, token)
        else:
            ticket = selectors.published_ticket(number)
    except NotFound:
        raise not_served(number, fmt, token_given=bool(token)) from None
    return _respond(
        fmt, "service_requests", "request", _requests(Ticket.objects.filter(pk=ticket.pk), filer=bool(token))
    )
