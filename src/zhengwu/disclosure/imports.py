"""`zhengwu disclosure import FILE.jsonl`: past requests, publications and remedies, one JSON object a line.

Every line is validated on its own and written in its own transaction; a bad line writes nothing and is reported
with its line number. The format is documented in docs/data-formats.md ("Disclosure history").
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from zhengwu.core import audit, calendar, clock
from zhengwu.core.errors import DomainError, ValidationFailed
from zhengwu.core.models import Organisation
from zhengwu.disclosure import outcomes, search, services, workflow
from zhengwu.disclosure.models import DisclosureRequest, Publication, Remedy, RequestEvent, ReviewEntry
from zhengwu.disclosure.text import sanitise

REQUEST_KEYS = {
    "type",
    "organisation",
    "number",
    "channel",
    "requester_kind",
    "requester_name",
    "description",
    "received_on",
    "concluded_on",
    "outcome",
    "reason",
    "fee_method",
    "fee_amount",
    "fee_paid_on",
}
PUBLICATION_KEYS = {
    "type",
    "organisation",
    "index_number",
    "title",
    "document_number",
    "genre",
    "subject",
    "written_on",
    "published_at",
    "body",
    "validity",
}
REMEDY_KEYS = {"type", "organisation", "kind", "filed_on", "result", "concluded_on"}


@dataclass
class ImportResult:
    requests: int = 0
    publications: int = 0
    others: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def _org(value) -> Organisation:
    org = Organisation.objects.filter(uscc=str(value or "").strip().upper()).first()
    if org is None:
        raise ValidationFailed(
            _("找不到统一社会信用代码为「%(value)s」的机构") % {"value": value}, field="organisation"
        )
    return org


def _date(data: dict, key: str, *, required: bool = True) -> dt.date | None:
    if data.get(key) in (None, ""):
        if required:
            raise ValidationFailed(_("缺少「%(key)s」") % {"key": key}, field=key)
        return None
    return calendar.parse_date(data[key], field=key, label=key)


def _keys(data: dict, allowed: set[str]) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ValidationFailed(_("未知字段「%(unknown)s」") % {"unknown": unknown[0]}, field=unknown[0])


def _text(data: dict, key: str, *, max_length: int, required: bool = True) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise ValidationFailed(_("「%(key)s」必须是文字") % {"key": key}, field=key)
    value = value.strip()
    if required and not value:
        raise ValidationFailed(_("缺少「%(key)s」") % {"key": key}, field=key)
    if len(value) > max_length:
        raise ValidationFailed(
            _("「%(key)s」最长 %(max_length)s 字") % {"key": key, "max_length": max_length}, field=key
        )
    return value


def _request(data: dict, by) -> None:
    _keys(data, REQUEST_KEYS)
    org = _org(data.get("organisation"))
    channel = data.get("channel", "in_person")
    if channel not in DisclosureRequest.Channel.values:
        raise ValidationFailed(_("未知的申请方式「%(channel)s」") % {"channel": channel}, field="channel")
    kind = data.get("requester_kind")
    if kind not in DisclosureRequest.RequesterKind.values:
        raise ValidationFailed(_("未知的申请人类型「%(kind)s」") % {"kind": kind}, field="requester_kind")
    received = _date(data, "received_on")
    concluded = _date(data, "concluded_on", required=False)
    outcome, reason = data.get("outcome") or "", data.get("reason") or ""
    if concluded is not None:
        outcomes.validate(outcome, reason)
        if concluded < received:
            raise ValidationFailed(_("办结日期早于收到日期"), field="concluded_on")
    elif outcome:
        raise ValidationFailed(_("有答复结果的须填写办结日期"), field="concluded_on")
    if received > clock.today():
        raise ValidationFailed(_("收到日期晚于今天"), field="received_on")
    number = (
        _text(data, "number", max_length=32, required=False)
        or f"IMP{received:%Y}{secrets.token_hex(5).upper()}"
    )
    if DisclosureRequest.objects.filter(number=number).exists():
        raise ValidationFailed(_("申请编号「%(number)s」已存在") % {"number": number}, field="number")
    fee_paid_on = _date(data, "fee_paid_on", required=False)
    fee_amount = data.get("fee_amount")
    if fee_amount is not None and (
        isinstance(fee_amount, bool) or not isinstance(fee_amount, int) or fee_amount < 0
    ):
        raise ValidationFailed(_("「fee_amount」必须是非负整数(元)"), field="fee_amount")
    fee_method = data.get("fee_method") or ""
    if fee_method and fee_method not in DisclosureRequest.FeeMethod.values:
        raise ValidationFailed(_("「fee_method」应为 items 或 pages"), field="fee_method")
    status = workflow.request_next(None, "import") if concluded else workflow.PROCESSING
    with transaction.atomic():
        r = DisclosureRequest.objects.create(
            organisation=org,
            number=number,
            access_code=secrets.token_hex(4),
            channel=channel,
            requester_kind=kind,
            requester_name=_text(data, "requester_name", max_length=100),
            description=_text(data, "description", max_length=5000),
            submitted_on=received,
            received_on=received,
            status=status,
            outcome=outcome if concluded else "",
            reason=reason if concluded else "",
            concluded_on=concluded,
            fee_method=fee_method,
            fee_amount=fee_amount,
            fee_paid_on=fee_paid_on,
            created_at=clock.now(),
            imported=True,
        )
        if concluded:
            event = RequestEvent.objects.create(
                request=r,
                action="import",
                from_status="",
                to_status=status,
                on=concluded,
                at=clock.now(),
                by=by,
                by_name="导入",
                note=_("历史记录导入"),
            )
        else:
            event = RequestEvent.objects.create(
                request=r,
                action="receive",
                from_status="",
                to_status=status,
                on=received,
                at=clock.now(),
                by=by,
                by_name="导入",
                note=_("历史记录导入"),
            )
            services._refresh_due(r)
            r.save(update_fields=["due_on", "due_provisional"])
        audit.record("disclosure.import.request", r, actor=by, summary={"number": number}, rows=[event])


def _publication(data: dict, by) -> None:
    _keys(data, PUBLICATION_KEYS)
    org = _org(data.get("organisation"))
    title = _text(data, "title", max_length=300)
    genre = data.get("genre", "other")
    if genre not in Publication.Genre.values:
        raise ValidationFailed(_("未知的体裁「%(genre)s」") % {"genre": genre}, field="genre")
    validity = data.get("validity", "valid")
    if validity not in Publication.Validity.values:
        raise ValidationFailed(_("未知的效力「%(validity)s」") % {"validity": validity}, field="validity")
    raw = data.get("published_at")
    if not isinstance(raw, str) or not raw:
        raise ValidationFailed(_("缺少「published_at」"), field="published_at")
    try:
        moment = (
            dt.datetime.fromisoformat(raw)
            if "T" in raw
            else dt.datetime.combine(dt.date.fromisoformat(raw), dt.time(9, 0))
        )
    except ValueError:
        raise ValidationFailed(
            _("「published_at」的值「%(raw)s」不是有效的日期时间") % {"raw": raw}, field="published_at"
        ) from None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=clock.LOCAL)
    if moment > clock.now():
        raise ValidationFailed(_("导入的公开信息发布时间不能晚于现在"), field="published_at")
    index_number = _text(data, "index_number", max_length=64, required=False)
    if index_number and Publication.objects.filter(index_number=index_number).exists():
        raise ValidationFailed(
            _("索引号「%(index_number)s」已存在") % {"index_number": index_number}, field="index_number"
        )
    body = sanitise(data.get("body") or "")
    number = _text(data, "document_number", max_length=100, required=False)
    subject = _text(data, "subject", max_length=60, required=False)
    with transaction.atomic():
        pub = Publication.objects.create(
            organisation=org,
            index_number=index_number or services._index_number(org, moment.year),
            title=title,
            document_number=number,
            genre=genre,
            subject=subject,
            written_on=_date(data, "written_on", required=False),
            published_at=moment,
            status=workflow.publication_next(workflow.DRAFT, "import"),
            validity=validity,
            body=body,
            created_by=by,
            created_at=clock.now(),
            search_tokens=search.tokens_for(title=title, document_number=number, body=body, subject=subject),
        )
        entry = ReviewEntry.objects.create(
            publication=pub,
            action="import",
            from_status=workflow.DRAFT,
            to_status=pub.status,
            by=by,
            by_name="导入",
            opinion="历史记录导入",
            at=clock.now(),
        )
        audit.record(
            "disclosure.import.publication",
            pub,
            actor=by,
            summary={"index_number": pub.index_number},
            rows=[entry],
        )


def _remedy(data: dict, by) -> None:
    _keys(data, REMEDY_KEYS)
    org = _org(data.get("organisation"))
    kind, result = data.get("kind"), data.get("result", "pending")
    if kind not in Remedy.Kind.values:
        raise ValidationFailed(_("未知的类型「%(kind)s」") % {"kind": kind}, field="kind")
    if result not in Remedy.Result.values:
        raise ValidationFailed(_("未知的结果「%(result)s」") % {"result": result}, field="result")
    filed, concluded = _date(data, "filed_on"), _date(data, "concluded_on", required=False)
    if (result == "pending") != (concluded is None):
        raise ValidationFailed(_("已审结的须有审结日期,尚未审结的不填"), field="concluded_on")
    with transaction.atomic():
        remedy = Remedy.objects.create(
            organisation=org, kind=kind, filed_on=filed, result=result, concluded_on=concluded
        )
        audit.record("disclosure.import.remedy", remedy, actor=by, summary={"kind": kind})


def import_lines(lines, *, by=None) -> ImportResult:
    """Import each line; collect the errors of bad lines (which write nothing)."""
    if by is None:
        by = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    if by is None:
        raise ValidationFailed(_("导入需要一个系统管理员账号作为记录人"), field="by")
    result = ImportResult()
    handlers = {"request": _request, "publication": _publication, "remedy": _remedy}
    for line_no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            if not isinstance(data, dict):
                raise ValidationFailed(_("每行必须是一个 JSON 对象"), field=None)
            handler = handlers.get(data.get("type"))
            if handler is None:
                raise ValidationFailed(_("「type」应为 request、publication 或 remedy"), field="type")
            handler(data, by)
        except json.JSONDecodeError as exc:
            result.errors.append((line_no, _("不是有效的 JSON:第 %(colno)s 列") % {"colno": exc.colno}))
        except DomainError as exc:
            result.errors.append((line_no, exc.message))
        else:
            kind = data["type"]
            if kind == "request":
                result.requests += 1
            elif kind == "publication":
                result.publications += 1
            else:
                result.others += 1
    return result
