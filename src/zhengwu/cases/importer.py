"""`zhengwu cases import FILE.jsonl`: cases with their full event history from an older system (format in
docs/data-formats.md, "Cases"). Every line is validated in full — the item and version exist, the applicant's number
is valid, the events are in time order and each is allowed by the state machine, no number given twice — before
anything is written; every bad line is reported with its number, the key at fault (its column) and the reason, and
while any line is bad nothing is written. Then the whole file goes in in one transaction (legacy.import_cases)."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from zhengwu.cases import deadlines, history, services
from zhengwu.cases.models import Applicant, Case, CaseEvent, Channel, Decision, Delivery
from zhengwu.catalog.models import ItemVersion, ServiceItem
from zhengwu.core import clock, ids, inputs
from zhengwu.core.calendar import checked_once, current_calendar
from zhengwu.core.errors import DomainError, ValidationFailed

BATCH = 500  # numbers looked up per query
NUMBER = re.compile(r"^\d{6,12}-\d{4}-\d{6}$")
LINE_KEYS = {"number", "query_code", "item", "applicant", "agent", "channel", "form", "events"}
ACTIONS = {
    "submit",
    "request_supplement",
    "supply_supplement",
    "accept",
    "deem_accept",
    "refuse",
    "complete_step",
    "return_step",
    "suspend",
    "resume",
    "approve_extension",
    "withdraw",
    "terminate",
    "decide",
    "deliver",
    "complete",
}


@dataclass
class Report:
    """What an import did: cases written, lines skipped (their number exists already) and every bad line's error
    as (line number, column: the key at fault such as applicant.id_number or events[2].at, "" when the line as a
    whole is wrong, reason)."""

    imported: int = 0
    skipped: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)


@dataclass
class Parsed:
    """One validated line, ready for services.import_case."""

    number: str | None
    query_code: str | None
    item: ServiceItem
    version: ItemVersion
    applicant: dict
    agent: dict
    channel: str
    form: dict
    events: list[dict]
    state: history.CaseState | None = None  # the case as its events leave it, due dates computed


def _fail(message: str, column: str = "") -> None:
    """Refuse the line; `column`: the key at fault (applicant.id_number, events[2].at), "" for the whole line."""
    raise ValidationFailed(message, field=column or None)


def _event(index: int, key: str) -> str:
    """The column of an event's key: events[N].key, N counted from 1 as the messages count (第 N 个事件)."""
    return f"events[{index}].{key}"


def _fits(model, column: str, value: str, key: str, where: str = "", label=None, at: str = "") -> None:
    """A value longer than its column is refused, naming the field (and the event): never cut."""
    field = model._meta.get_field(column)
    label = f"{label or field.verbose_name} {key}"
    if problem := inputs.too_long(value, field.max_length, label):
        _fail(f"{where}{problem}" if where else problem, at or key)


def _moment(value, index: int) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except (TypeError, ValueError):
        _fail(
            _("第 %(index)s 个事件的时间「%(value)s」无效,应写作 YYYY-MM-DDTHH:MM:SS+08:00")
            % {"index": index, "value": value},
            _event(index, "at"),
        )
    return moment if moment.tzinfo else moment.replace(tzinfo=clock.LOCAL)


class Lookups:
    """What many lines of a file share, read once: the items by code and their published versions by number."""

    def __init__(self):
        self.items: dict[str, ServiceItem | None] = {}
        self.versions: dict[tuple[int, object], ItemVersion | None] = {}

    def item(self, code: str) -> ServiceItem | None:
        if code not in self.items:
            self.items[code] = ServiceItem.objects.filter(code=code).select_related("organisation").first()
        return self.items[code]

    def version(self, item: ServiceItem, number) -> ItemVersion | None:
        wanted = (
            inputs.whole(number) if isinstance(number, int | str) and not isinstance(number, bool) else None
        )
        if wanted is None:
            return None  # not a version number (missing, a list…): refused by the caller
        key = (item.pk, wanted)
        if key not in self.versions:
            published = item.versions.filter(status=ItemVersion.Status.PUBLISHED)
            self.versions[key] = published.filter(number=wanted).first()
        return self.versions[key]


def parse_line(data, lookups: Lookups | None = None) -> Parsed:
    """Validate one line's object; ValidationFailed with the first reason found, its field the column at fault."""
    lookups = lookups or Lookups()
    if not isinstance(data, dict):
        _fail(_("每行应为一个 JSON 对象"))
    unknown = sorted(set(data) - LINE_KEYS)
    if unknown:
        _fail(_("未知字段「%(unknown)s」") % {"unknown": unknown[0]}, unknown[0])
    number = data.get("number")
    if number is not None and not (isinstance(number, str) and NUMBER.match(number)):
        _fail(
            _("办件编号「%(number)s」格式应为 区划代码-年份-六位序号,如 360681-2019-000123")
            % {"number": number},
            "number",
        )
    item_ref = data.get("item") or {}
    if not isinstance(item_ref, dict) or not item_ref.get("code"):
        _fail(_("缺少事项编码 item.code"), "item.code")
    item = lookups.item(str(item_ref["code"]))
    if item is None or item.organisation_id is None:
        _fail(_("找不到实施机构的事项「%(code)s」") % {"code": item_ref["code"]}, "item.code")
    version_no = item_ref.get("version")
    version = lookups.version(item, version_no)
    if version is None:
        _fail(
            _("事项「%(code)s」没有已发布的第 %(version_no)s 版")
            % {"code": item.code, "version_no": version_no},
            "item.version",
        )
    applicant = data.get("applicant")
    if not isinstance(applicant, dict):
        _fail(_("缺少申请人 applicant"), "applicant")
    kind = applicant.get("kind")
    if kind not in Applicant.Kind.values:
        _fail(_("申请人类型 applicant.kind 应为 natural 或 legal"), "applicant.kind")
    if not str(applicant.get("name") or "").strip():
        _fail(_("缺少申请人姓名或名称 applicant.name"), "applicant.name")
    checked = (
        ids.check_resident_id(applicant.get("id_number"))
        if kind == "natural"
        else ids.check_uscc(applicant.get("id_number"))
    )
    if not checked.valid:
        _fail(_("申请人证件号码无效:%(reason)s") % {"reason": checked.reason}, "applicant.id_number")
    for key in ("name", "phone", "email", "address", "legal_representative"):
        _fits(Applicant, key, str(applicant.get(key) or "").strip(), f"applicant.{key}")
    if data.get("query_code") is not None:
        _fits(Case, "query_code", str(data["query_code"]), "query_code")
    agent = data.get("agent") or {}
    if agent:
        if not isinstance(agent, dict):
            _fail(_("代办人 agent 应为 JSON 对象"), "agent")
        services._agent(agent)  # its refusal names agent.name, agent.id_number or agent.phone
    channel = data.get("channel", Channel.COUNTER)
    if channel not in (Channel.COUNTER, Channel.ONLINE):
        _fail(_("收件渠道 channel 应为 counter 或 online"), "channel")
    events = data.get("events")
    if not isinstance(events, list) or not events:
        _fail(_("缺少事件列表 events"), "events")
    built, state = _events(events, version)
    return Parsed(
        number=number,
        query_code=data.get("query_code"),
        item=item,
        version=version,
        applicant={**applicant, "id_number": checked.value},
        agent=agent,
        channel=channel,
        form=data.get("form") or {},
        events=built,
        state=state,
    )


def _events(raw: list, version: ItemVersion) -> tuple[list[dict], history.CaseState]:
    """The events as they will be stored, each checked against the state the ones before it left, and the case's
    final state with its due dates."""
    calendar = current_calendar()
    steps, first_done = services._steps_payload(version)
    built: list[dict] = []
    previous = None
    state = None  # what the events so far left (without due dates: no check of an event reads one)
    for index, event in enumerate(raw, start=1):
        if not isinstance(event, dict):
            _fail(_("第 %(index)s 个事件应为 JSON 对象") % {"index": index}, f"events[{index}]")
        action = event.get("action")
        if action not in ACTIONS:
            _fail(
                _("第 %(index)s 个事件的操作「%(action)s」不支持,可用:%(actions)s")
                % {"index": index, "action": action, "actions": "、".join(sorted(ACTIONS))},
                _event(index, "action"),
            )
        at = _moment(event.get("at"), index)
        if previous is not None and at < previous:
            _fail(_("第 %(index)s 个事件的时间早于上一个事件") % {"index": index}, _event(index, "at"))
        previous = at
        day = clock.local_date(at)
        if not built and action != "submit":
            _fail(_("第一个事件必须是 submit(收件)"), _event(index, "action"))
        data: dict = {}
        if action == "submit":
            data = {"received_on": day, "limits": services._limits(version), "channel": "import"}
        elif action == "request_supplement":
            try:
                items = services._supplement_items(version, event.get("items"))
            except DomainError as exc:
                _fail(
                    _("第 %(index)s 个事件:%(message)s") % {"index": index, "message": exc.message},
                    _event(index, "items"),
                )
            data = {"items": items, "round": state.supplement_rounds + 1}
        elif action == "supply_supplement":
            data = {"received_on": day}
        elif action == "accept":
            data = {"accepted_on": day, "steps": steps, "first_step_done": first_done}
        elif action == "deem_accept":
            data = {"accepted_on": state.intake_start, "steps": steps, "first_step_done": first_done}
        elif action == "refuse":
            data = {"reason": _required(event, "reason", index, _("不予受理理由"))}
        elif action == "complete_step":
            current = state.current_step
            if current is None or current.kind in ("decide", "deliver"):
                _fail(
                    _("第 %(index)s 个事件:没有可完成的环节(决定环节由 decide 完成,送达环节由 deliver 完成)")
                    % {"index": index},
                    _event(index, "action"),
                )
            data = {
                "position": current.position,
                "on": day,
                "opinion": _required(event, "opinion", index, _("办理意见")),
            }
        elif action == "return_step":
            data = {
                "from": state.current_step.position if state.current_step else None,
                "to": event.get("to"),
                "on": day,
                "reason": _required(event, "reason", index, _("退回理由")),
            }
            if not state.steps or not any(s.position == data["to"] and s.started_on for s in state.steps):
                _fail(
                    _("第 %(index)s 个事件:不能退回到第 %(to)s 个环节") % {"index": index, "to": data["to"]},
                    _event(index, "to"),
                )
        elif action == "suspend":
            if event.get("kind") not in deadlines.SUSPENSION_KINDS:
                _fail(
                    _("第 %(index)s 个事件:特别程序 kind 应为 %(suspension_kinds)s")
                    % {"index": index, "suspension_kinds": "、".join(deadlines.SUSPENSION_KINDS)},
                    _event(index, "kind"),
                )
            data = {"since": day, "kind": event["kind"], "expected_days": event.get("expected_days", 0)}
        elif action == "resume":
            data = {"until": day}
        elif action == "approve_extension":
            days = event.get("days")
            if not isinstance(days, int) or isinstance(days, bool) or days < 1:
                _fail(
                    _("第 %(index)s 个事件:延期天数 days 应为正整数") % {"index": index},
                    _event(index, "days"),
                )
            if state is not None and state.extension_days + days > version.extension_days:
                _fail(
                    _("第 %(index)s 个事件:延期合计超过法定延长时限 %(extension_days)s 个工作日")
                    % {"index": index, "extension_days": version.extension_days},
                    _event(index, "days"),
                )
            data = {"days": days, "approved_on": day}
        elif action == "decide":
            current = state.current_step if state else None
            if current is not None and current.kind != "decide":
                _fail(
                    _("第 %(index)s 个事件:当前环节为「%(step)s」,决定须在决定环节作出")
                    % {"index": index, "step": current.name},
                    _event(index, "action"),
                )
            if event.get("decision") not in Decision.values:
                _fail(
                    _("第 %(index)s 个事件:决定 decision 应为 grant 或 deny") % {"index": index},
                    _event(index, "decision"),
                )
            data = {"decision": event["decision"], "reasons": str(event.get("reasons") or "")}
        elif action == "deliver":
            if event.get("method") not in Delivery.values:
                _fail(
                    _("第 %(index)s 个事件:送达方式 method 应为 window、post 或 electronic")
                    % {"index": index},
                    _event(index, "method"),
                )
            data = {"method": event["method"]}
        if action in ("deliver", "complete") and state is not None:
            current = state.current_step
            if current is not None and not (action == "deliver" and current.kind == "deliver"):
                _fail(
                    _("第 %(index)s 个事件:「%(step)s」环节尚未完成")
                    % {"index": index, "step": current.name},
                    _event(index, "action"),
                )
        actor = str(event.get("actor") or "")
        _fits(
            CaseEvent,
            "actor_label",
            actor,
            "actor",
            where=_("第 %(index)s 个事件:") % {"index": index},
            label=_("操作人"),
            at=_event(index, "actor"),
        )
        candidate = {
            "action": action,
            "at": at,
            "data": services._jsonable(data),
            "actor": actor,
            "note": str(event.get("reason") or event.get("opinion") or event.get("note") or ""),
        }
        try:
            state = history.derive([*built, candidate], calendar, dues=False)
        except DomainError as exc:
            _fail(
                _("第 %(index)s 个事件(%(action)s):%(message)s")
                % {"index": index, "action": action, "message": exc.message},
                _event(index, "action"),
            )
        built.append(candidate)
    # the due dates once, over the whole history; one they refuse (a suspension, an extension) is named at the
    # first event that makes them fail
    try:
        return built, history.derive(built, calendar)
    except DomainError:
        for index in range(1, len(built) + 1):
            try:
                history.derive(built[:index], calendar)
            except DomainError as exc:
                _fail(
                    _("第 %(index)s 个事件(%(action)s):%(message)s")
                    % {"index": index, "action": built[index - 1]["action"], "message": exc.message},
                    _event(index, "action"),
                )
        raise


def _required(event: dict, key: str, index: int, label: str) -> str:
    value = str(event.get(key) or "").strip()
    if not value:
        _fail(
            _("第 %(index)s 个事件缺少%(label)s %(key)s") % {"index": index, "label": label, "key": key},
            _event(index, key),
        )
    return value


@checked_once  # the calendar read once for every line's dates, not once a line
def check_file(path: Path) -> tuple[list[Parsed], Report]:
    """Read and check every line of the file, writing nothing: the lines to import, and the report with the lines
    skipped (their number exists already: importing a file twice writes nothing twice) and every bad line's error.
    The numbers are looked up with one query a batch, the items and versions once each."""
    report, lookups = Report(), Lookups()
    lines: list[tuple[int, object]] = []
    with path.open(encoding="utf-8") as text:
        for number, line in enumerate(text, start=1):
            if not line.strip():
                continue
            try:
                lines.append((number, json.loads(line)))
            except json.JSONDecodeError as exc:
                report.errors.append(
                    (number, "", _("不是有效的 JSON:第 %(colno)s 列") % {"colno": exc.colno})
                )
    given = sorted(
        {d["number"] for _n, d in lines if isinstance(d, dict) and isinstance(d.get("number"), str)}
    )
    existing: set[str] = set()
    for start in range(0, len(given), BATCH):
        existing.update(
            Case.objects.filter(number__in=given[start : start + BATCH]).values_list("number", flat=True)
        )
    first_with: dict[str, int] = {}  # number → the line that gives it first
    parsed = []
    for number, data in lines:
        case_number = data.get("number") if isinstance(data, dict) else None
        if isinstance(case_number, str) and case_number in existing:
            report.skipped += 1
            continue
        if isinstance(case_number, str) and case_number in first_with:
            report.errors.append(
                (
                    number,
                    "number",
                    _("办件编号「%(number)s」与第 %(line)s 行重复")
                    % {"number": case_number, "line": first_with[case_number]},
                )
            )
            continue
        if isinstance(case_number, str):
            first_with[case_number] = number
        try:
            parsed.append(parse_line(data, lookups))
        except DomainError as exc:
            report.errors.append((number, exc.field or "", exc.message))
    report.errors.sort(
        key=lambda error: error[0]
    )  # in the file's order, the unreadable lines among the others
    return parsed, report


@checked_once  # the lines checked and written against one calendar
def import_file(path: Path) -> Report:
    """Import the whole file or nothing: every line is checked first (check_file); while any is bad nothing is
    written and every error is reported; then every good line goes in in one transaction."""
    parsed, report = check_file(path)
    if report.errors or not parsed:
        return report
    services.import_cases(parsed)
    report.imported = len(parsed)
    return report
