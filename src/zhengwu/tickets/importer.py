"""Importing past tickets from JSON Lines (docs/data-formats.md, "Tickets"): every line validated before any is written.

A past ticket is stored with the events its final status implies (filed → dispatched → acknowledged → replied →
closed), so the state can be rebuilt from events for imported tickets too. One audit record covers the batch.
"""

import datetime as dt
import json
import secrets
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from zhengwu.core import audit, clock
from zhengwu.core.inputs import too_long
from zhengwu.core.models import Organisation, Region
from zhengwu.tickets import workflow
from zhengwu.tickets.models import (
    ANONYMOUS_KINDS,
    Assignment,
    Category,
    Channel,
    Kind,
    Status,
    Ticket,
    TicketEvent,
)
from zhengwu.tickets.text import opening

REQUIRED = ("kind", "category", "content", "received_at")
KNOWN = set(REQUIRED) | {
    "number", "channel", "title", "caller_name", "caller_phone", "anonymous", "public_allowed", "address", "region",
    "urgent", "lead_organisation", "status", "reply", "replied_at", "closed_at", "solved", "satisfied",
}  # fmt: skip
# The actions that lead to each importable status.
PATHS = {
    Status.NEW: ["file"],
    Status.DISPATCHED: ["file", "dispatch"],
    Status.ACKNOWLEDGED: ["file", "dispatch", "acknowledge"],
    Status.REPLIED: ["file", "dispatch", "acknowledge", "reply"],
    Status.CLOSED: ["file", "dispatch", "acknowledge", "reply", "follow_up_solved"],
}
QUERY_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


@dataclass
class ImportReport:
    lines: int = 0
    imported: int = 0
    errors: list[str] = field(default_factory=list)


def _moment(value, name: str) -> dt.datetime:
    if not isinstance(value, str):
        raise ValueError(_("%(name)s 应为 ISO 8601 时间字符串") % {"name": name})
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(_("%(name)s「%(value)s」不是有效时间") % {"name": name, "value": value}) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=clock.LOCAL)


def _parse(row, categories, regions, organisations, seen_numbers) -> dict:
    if not isinstance(row, dict):
        raise ValueError(_("每行应为一个 JSON 对象"))
    unknown = sorted(set(row) - KNOWN)
    if unknown:
        raise ValueError(_("未知字段「%(unknown)s」") % {"unknown": unknown[0]})
    for key in REQUIRED:
        if row.get(key) in (None, ""):
            raise ValueError(_("缺少字段「%(key)s」") % {"key": key})
    if row["kind"] not in Kind.values:
        raise ValueError(
            _("kind「%(kind)s」无效,可用:%(values)s")
            % {"kind": row["kind"], "values": "、".join(Kind.values)}
        )
    channel = row.get("channel", Channel.IMPORT)
    if channel not in Channel.values:
        raise ValueError(_("channel「%(channel)s」无效") % {"channel": channel})
    category = categories.get(row["category"])
    if category is None:
        raise ValueError(_("分类「%(category)s」不存在") % {"category": row["category"]})
    status = row.get("status", Status.CLOSED)
    if status not in PATHS:
        raise ValueError(
            _("status「%(status)s」不能导入,可用:%(paths)s") % {"status": status, "paths": "、".join(PATHS)}
        )
    lead = None
    if row.get("lead_organisation"):
        lead = organisations.get(row["lead_organisation"])
        if lead is None:
            raise ValueError(
                _("承办单位(统一社会信用代码)「%(lead_organisation)s」不存在")
                % {"lead_organisation": row["lead_organisation"]}
            )
    needs_lead = status != Status.NEW and not (status == Status.CLOSED and not lead)
    if needs_lead and lead is None:
        raise ValueError(_("状态为 %(status)s 的工单须有 lead_organisation") % {"status": status})
    region = None
    if row.get("region"):
        region = regions.get(row["region"])
        if region is None:
            raise ValueError(_("行政区划「%(region)s」不存在") % {"region": row["region"]})
    anonymous = bool(row.get("anonymous", False))
    if anonymous and row["kind"] not in ANONYMOUS_KINDS:
        raise ValueError(_("只有举报可以匿名"))
    received = _moment(row["received_at"], "received_at")
    replied = _moment(row["replied_at"], "replied_at") if row.get("replied_at") else None
    closed = _moment(row["closed_at"], "closed_at") if row.get("closed_at") else None
    if status in (Status.REPLIED, Status.CLOSED) and not row.get("reply"):
        raise ValueError(_("已答复或已办结的工单须有 reply"))
    for later, name in ((replied, "replied_at"), (closed, "closed_at")):
        if later and later < received:
            raise ValueError(_("%(name)s 早于 received_at") % {"name": name})
    number = str(row.get("number") or "")
    if number:
        if len(number) > 20:
            raise ValueError(_("number 最长20位"))
        if number in seen_numbers:
            raise ValueError(_("工单编号「%(number)s」重复") % {"number": number})
        seen_numbers.add(number)
    content = str(row["content"])
    if len(content) > 4000:
        raise ValueError(_("content 最长4000字"))
    given = {
        "title": str(row.get("title") or ""),
        **({} if anonymous else {key: str(row.get(key) or "") for key in ("caller_name", "caller_phone")}),
        "address": str(row.get("address") or ""),
    }
    for key, value in given.items():  # refused, naming the key, where a value does not fit: never cut
        field = Ticket._meta.get_field(key)
        if problem := too_long(value, field.max_length, f"{field.verbose_name} {key}"):
            raise ValueError(problem)
    return {
        "number": number,
        "kind": row["kind"],
        "channel": channel,
        "category": category,
        # a title not given is the content's opening (text.opening: 30 characters, ended with …)
        "title": given["title"] or opening(content),
        "content": content,
        "caller_name": given.get("caller_name", ""),
        "caller_phone": given.get("caller_phone", ""),
        "anonymous": anonymous,
        "public_allowed": bool(row.get("public_allowed", False)),
        "address": given["address"],
        "region": region,
        "urgent": bool(row.get("urgent", False)),
        "lead_organisation": lead,
        "status": status,
        "reply": str(row.get("reply", "")),
        "replied_at": replied or (closed if row.get("reply") else None),
        "closed_at": closed or (replied if status == Status.CLOSED else None),
        "solved": row.get("solved"),
        "satisfied": row.get("satisfied"),
        "received_at": received,
    }


def validate(lines) -> tuple[list[dict], ImportReport]:
    """Parse and check every line; the report lists each error with its line number."""
    report = ImportReport()
    categories = {c.code: c for c in Category.objects.all()}
    regions = {r.code: r for r in Region.objects.all()}
    organisations = {o.uscc: o for o in Organisation.objects.all()}
    seen = set(Ticket.objects.values_list("number", flat=True))
    rows = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        report.lines += 1
        try:
            rows.append(_parse(json.loads(line), categories, regions, organisations, seen))
        except json.JSONDecodeError as err:
            report.errors.append(_("第 %(n)s 行:不是有效的 JSON(%(msg)s)") % {"n": n, "msg": err.msg})
        except ValueError as err:
            report.errors.append(_("第 %(n)s 行:%(err)s") % {"n": n, "err": err})
    return rows, report


def import_lines(lines, *, by=None) -> ImportReport:
    """Validate everything, then write everything in one transaction; on any error nothing is written."""
    rows, report = validate(lines)
    if report.errors:
        return report
    with transaction.atomic():
        numbers = set(Ticket.objects.values_list("number", flat=True))
        events = _store(rows, numbers)
        report.imported = len(rows)
        audit.record(
            "tickets.imported", None, object_type="tickets.ticket", actor=by, summary={"count": len(rows)}
        )
        audit.cover("tickets.imported_events", events, actor=by)
    return report


BATCH = (
    500  # rows per INSERT: a year of a county's tickets goes in with a few statements, not three per ticket
)


def _store(rows: list[dict], numbers: set) -> list[TicketEvent]:
    """The tickets, their lead assignments and the events their statuses imply, written in batches; the events
    written (for the audit chain to cover)."""
    tickets, paths = [], []
    for row in rows:
        number = row.pop("number") or _free_number(row["received_at"], numbers)
        numbers.add(number)
        actions = PATHS[row["status"]]
        if row["status"] == Status.CLOSED and row["lead_organisation"] is None:
            actions = ["file", "close_directly"]
        tickets.append(
            Ticket(
                number=number,
                query_code="".join(secrets.choice(QUERY_CODE_ALPHABET) for _i in range(6)),
                **{**row, "status": workflow.replay(actions)},
                dispatched_at=row["received_at"] if row["lead_organisation"] else None,
            )
        )
        paths.append((row, actions))
    Ticket.objects.bulk_create(tickets, batch_size=BATCH)
    assignments, events = [], []
    for ticket, (row, actions) in zip(tickets, paths, strict=True):
        lead = row["lead_organisation"]
        if lead:
            assignments.append(
                Assignment(
                    ticket=ticket,
                    organisation=lead,
                    role=Assignment.Role.LEAD,
                    assigned_at=row["received_at"],
                    acknowledged_at=row["received_at"] if "acknowledge" in actions else None,
                )
            )
        events += _events(ticket, row, actions)
    Assignment.objects.bulk_create(assignments, batch_size=BATCH)
    return TicketEvent.objects.bulk_create(events, batch_size=BATCH)


def _events(ticket: Ticket, row: dict, actions: list[str]) -> list[TicketEvent]:
    previous = None
    events = []
    for seq, action in enumerate(actions, start=1):
        after = workflow.next_status(previous, action)
        at = {
            "reply": row["replied_at"],
            "follow_up_solved": row["closed_at"],
            "close_directly": row["closed_at"],
        }.get(action)
        events.append(
            TicketEvent(
                ticket=ticket,
                seq=seq,
                at=at or row["received_at"],
                action=action,
                from_status=previous or "",
                to_status=after,
                actor_label="历史导入",
                organisation=row["lead_organisation"] if action != "file" else None,
                note=row["reply"] if action in ("reply", "close_directly") else "",
                data={"imported": True},
            )
        )
        previous = after
    return events


def _free_number(received: dt.datetime, numbers: set) -> str:
    prefix = received.astimezone(clock.LOCAL).strftime("%Y%m%d")
    n = 1
    while f"{prefix}{n:05d}" in numbers:
        n += 1
    return f"{prefix}{n:05d}"
