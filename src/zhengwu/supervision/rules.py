"""Supervision rules (监察规则): each a small class in this module, registered by being defined.

A rule looks at one case event in its context (the case's events up to it, the case rebuilt before and after it,
the item version, the calendar, the entry time) and returns findings: what is wrong, said so a person understands.
`run_for_event` runs every rule on an event inside the transaction that wrote it; a rule that fails is logged and
skipped (its savepoint rolled back), never taking the case's write down with it.

Adding a rule: write a subclass of Rule with `code`, `severity`, `title` and `check()`; nothing else changes.
Ticket rules (政民互动) are subclasses of TicketRule, run on every tickets.TicketEvent (receiver in signals.py) and
stored as alerts without a case, once per ticket.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from zhengwu.cases import deadlines, history
from zhengwu.cases.models import Case, CaseEvent, Suspension
from zhengwu.cases.models import Status as CaseStatus
from zhengwu.cases.workflow import action_label
from zhengwu.core import access, clock
from zhengwu.core.calendar import Calendar, current_calendar
from zhengwu.supervision.models import Alert, Severity

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Finding:
    """One breach: the explanation a person reads and the facts behind it. `per_case` findings are raised once per
    case (overdue is overdue however many events follow); others once per event."""

    explanation: str
    data: dict = field(default_factory=dict)
    per_case: bool = False


@dataclass
class Context:
    """What a rule may look at for one event."""

    event: CaseEvent
    case: Case
    events: list[
        dict
    ]  # every event of the case up to and including this one: seq, action, at, data, actor_id
    calendar: Calendar
    entered_at: (
        dt.datetime
    )  # when the event was written (the clock), as opposed to `event.at`, when it happened
    backdating_hours: int | None = (
        None  # None: the centre's threshold, read when a rule first asks (issue 20)
    )

    def backdating_limit(self) -> int:
        if self.backdating_hours is None:
            from zhengwu.supervision.selectors import thresholds

            self.backdating_hours = thresholds().backdating_hours
        return self.backdating_hours

    @property
    def day(self) -> dt.date:
        return clock.local_date(self.event.at)

    @property
    def data(self) -> dict:
        return self.event.data or {}

    @cached_property
    def before(self) -> history.CaseState | None:
        return self._derive(self.events[:-1])

    @cached_property
    def after(self) -> history.CaseState | None:
        return self._derive(self.events)

    def _derive(self, events) -> history.CaseState | None:
        try:
            return history.derive(events, self.calendar)
        except Exception:  # events written around the workflow (imports, repairs) may not replay
            return None

    def earlier(self, *actions: str) -> list[dict]:
        return [e for e in self.events[:-1] if e["action"] in actions]

    @cached_property
    def actor_staff(self):
        from zhengwu.core.models import Staff

        if self.event.actor_id is None:
            return None
        return (
            Staff.objects.select_related("organisation", "window").filter(user_id=self.event.actor_id).first()
        )


DOMAINS = {
    "case": _lazy("办件"),
    "disclosure": _lazy("依申请公开"),
    "ticket": _lazy("诉求工单"),
    "rating": _lazy("好差评整改"),
    "supervision": _lazy("督办"),
    "joint": _lazy("并联审批"),
    "hall": _lazy("政务大厅"),
    "licence": _lazy("电子证照"),
}


def domain_of(code: str) -> str:
    """The domain a rule code belongs to (its first part): case, disclosure, ticket, rating or supervision."""
    return code.split(".", 1)[0] if code.split(".", 1)[0] in DOMAINS else "case"


def canonical_code(code: str) -> str:
    """A rule code as stored now: codes written before every code carried its domain (`overdue.promised`) are the
    case rules' (`case.overdue.promised`); links and API calls that still use them keep working."""
    code = (code or "").strip()
    return code if not code or code.split(".", 1)[0] in DOMAINS else f"case.{code}"


class Registered:
    """A rule's identity; a subclass with a `code` joins its family's `registry` (cases', tickets', deadlines').

    A code begins with its family's `domain`, so people can filter by it: a subclass writes the rest
    (`code = "overdue.promised"` in a case rule is registered as `case.overdue.promised`). This is the one place
    that names codes by domain; `canonical_code` reads codes stored before."""

    registry: list[type]
    domain: str = ""
    code: str = ""
    severity: str = Severity.WARNING
    title: str = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "code" in cls.__dict__ and cls.code:
            if cls.domain and not cls.code.startswith(f"{cls.domain}."):
                cls.code = f"{cls.domain}.{cls.code}"
            cls.registry.append(cls)


class Rule(Registered):
    """A supervision rule: `check` returns the findings for one event (empty when the event is lawful).

    `reads_database`: True (the default) runs `check` inside its own savepoint, so a failing query cannot spoil the
    case's transaction. A rule that only looks at the context's plain values (events, states, calendar, clock) may
    say False: its check then runs without a savepoint, and only storing what it finds takes one."""

    registry: list[type[Rule]] = []  # every rule on case events, in the order written
    domain = "case"
    reads_database: bool = True

    def check(self, ctx: Context) -> Iterable[Finding]:
        raise NotImplementedError


def _decided_on(ctx: Context) -> dt.date | None:
    """The day of the decision: this event's if it is the decision, an earlier decision's, or None."""
    if ctx.event.action == "decide":
        return ctx.day
    earlier = ctx.earlier("decide")
    return clock.local_date(earlier[-1]["at"]) if earlier else None


class _Overdue(Rule):
    reads_database = False
    due_name = ""
    due_field = ""  # the Case column the scan compares (the due date the events derived)
    limit_name = ""
    due_label = ""
    law = ""

    def stale(self, moment) -> Iterable[tuple[Case, Finding]]:
        """Time alone: accepted cases past this due date without a decision, not yet alerted (the scan)."""
        from zhengwu.supervision import deadline_rules  # its helpers word the finding; it imports this module

        cases = (
            Case.objects.filter(status=CaseStatus.ACCEPTED, **{f"{self.due_field}__lt": moment.today})
            .exclude(Exists(Alert.objects.filter(case=OuterRef("pk"), code=self.code)))
            .select_related("organisation")
        )
        for case in cases:
            due = getattr(case, self.due_field)
            sentence, facts = deadline_rules.late_sentence(moment, due, None, what=_("作出决定"))
            yield (
                case,
                deadline_rules.finding(
                    _("%(due_label)s为 %(due)s,%(sentence)s。%(law)s")
                    % {
                        "due_label": self.due_label,
                        "due": due.isoformat(),
                        "sentence": sentence,
                        "law": self.law,
                    },
                    facts,
                    moment,
                    due,
                    provisional=case.due_provisional,
                ),
            )

    def check(self, ctx):
        state = ctx.after
        due_obj = getattr(state, self.due_name, None) if state else None
        due = due_obj.due if due_obj else None
        if due is None:
            return []
        decided = _decided_on(ctx)
        if decided is not None and ctx.event.action != "decide":
            return []  # judged once, at the decision
        when = decided or ctx.day
        if when <= due:
            return []
        late = ctx.calendar.workdays_between(due, when).value
        what = (_("于 %(day)s 才作出决定") if decided else _("至 %(day)s 仍未作出决定")) % {
            "day": when.isoformat()
        }
        return [
            Finding(
                _("%(due_label)s为 %(due)s(%(total)s 个工作日),%(what)s,超出 %(late)s 个工作日。%(law)s")
                % {
                    "due_label": self.due_label,
                    "due": due.isoformat(),
                    "total": due_obj.total,
                    "what": what,
                    "late": late,
                    "law": self.law,
                },
                {"due": due.isoformat(), "on": when.isoformat(), "late_workdays": late},
                per_case=True,
            )
        ]


class OverduePromised(_Overdue):
    # 服务承诺: the promised limit published in the guide binds the organisation (国务院办公厅 政务服务"好差评"及承诺制).
    code = "overdue.promised"
    severity = Severity.WARNING
    title = _lazy("超过承诺办结期限")
    due_name, due_field, due_label = "promised", "promised_due", _lazy("承诺办结期限")
    law = _lazy("承诺时限是向申请人公开的服务承诺。")


class OverdueLegal(_Overdue):
    # 行政许可法 第四十二条: a decision within 20 working days of acceptance (or the law's limit), extendable by 10.
    code = "overdue.legal"
    severity = Severity.SERIOUS
    title = _lazy("超过法定办结期限")
    due_name, due_field, due_label = "legal", "legal_due", _lazy("法定办结期限")
    law = _lazy("违反《行政许可法》第四十二条关于办理期限的规定。")


class IntakeLate(Rule):
    # 行政许可法 第三十二条: the intake decision (受理 / 补正 / 不予受理) within 5 working days of receipt.
    reads_database = False
    code = "intake.late"
    severity = Severity.SERIOUS
    title = lazy(lambda: _("受理审查超过 %(days)s 个工作日") % {"days": deadlines.INTAKE_WORKDAYS}, str)()
    ACTIONS = ("accept", "refuse", "request_supplement", "deem_accept")

    def check(self, ctx):
        if ctx.event.action not in self.ACTIONS or ctx.before is None or ctx.before.intake_start is None:
            return []
        due = deadlines.intake_due(ctx.calendar, ctx.before.intake_start).due
        if ctx.event.action == "deem_accept":
            return [
                Finding(
                    _(
                        "收件(或补齐材料)于 %(start)s,%(days)s 个工作日内(至 %(due)s)"
                        "未作受理、补正或不予受理的决定,已依法视为受理。违反《行政许可法》第三十二条。"
                    )
                    % {
                        "start": ctx.before.intake_start.isoformat(),
                        "days": deadlines.INTAKE_WORKDAYS,
                        "due": due.isoformat(),
                    },
                    {"intake_start": ctx.before.intake_start.isoformat(), "intake_due": due.isoformat()},
                )
            ]
        if ctx.day <= due:
            return []
        late = ctx.calendar.workdays_between(due, ctx.day).value
        return [
            Finding(
                _(
                    "收件(或补齐材料)于 %(start)s,受理审查期限为 %(due)s,"
                    "却于 %(day)s 才作出决定,超出 %(late)s 个工作日。违反《行政许可法》第三十二条。"
                )
                % {
                    "start": ctx.before.intake_start.isoformat(),
                    "due": due.isoformat(),
                    "day": ctx.day.isoformat(),
                    "late": late,
                },
                {"intake_due": due.isoformat(), "on": ctx.day.isoformat(), "late_workdays": late},
            )
        ]


def _material_key(item: dict):
    return ("material", item["position"]) if item.get("position") is not None else ("other", item.get("name"))


class RepeatedSupplement(Rule):
    # 行政许可法 第三十二条第一款第(四)项: 一次性告知申请人需要补正的全部内容.
    reads_database = False
    code = "supplement.repeated_new_materials"
    severity = Severity.WARNING
    title = _lazy("再次补正新增首次未告知的材料")

    def check(self, ctx):
        if ctx.event.action != "request_supplement":
            return []
        earlier = ctx.earlier("request_supplement")
        if not earlier:
            return []
        named = {_material_key(i) for e in earlier for i in (e["data"] or {}).get("items", [])}
        new = [i.get("name", "") for i in ctx.data.get("items", []) if _material_key(i) not in named]
        if not new:
            return []
        reason = ctx.event.note or _("(未写明理由)")
        return [
            Finding(
                _(
                    "第 %(round)s 次补正告知新增了前次未告知的材料:%(materials)s。"
                    "应当一次性告知全部补正内容(《行政许可法》第三十二条)。书面理由:%(reason)s"
                )
                % {"round": len(earlier) + 1, "materials": _("、").join(new), "reason": reason},
                {"round": len(earlier) + 1, "new_materials": new},
            )
        ]


def _money(value) -> Decimal | None:
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        return None


class FeeDiffers(Rule):
    # 行政许可法 第五十八条、第五十九条: fees only where a law or regulation sets them, at the published standard.
    code = "fee.differs_from_standard"
    severity = Severity.SERIOUS
    title = _lazy("收费与目录标准不一致")

    def check(self, ctx):
        charged = ctx.data.get("fees")
        if not charged:
            return []
        standards = {f.position: f for f in ctx.case.version.fees.all()}
        by_name = {f.name: f for f in standards.values()}
        problems = []
        for item in charged:
            if item.get("notice"):  # computed from the fee catalogue: the fee rules (fee.*) check those
                continue
            fee = standards.get(item.get("position")) or by_name.get(item.get("name"))
            amount = _money(item.get("amount"))
            name = item.get("name") or (fee.name if fee else _("收费"))
            if fee is None:
                problems.append(
                    _("「%(name)s」%(amount)s 元不在本事项的收费目录中(目录:%(catalogue)s)")
                    % {"name": name, "amount": amount, "catalogue": _("、").join(by_name) or _("不收费")}
                )
            elif fee.amount is not None and amount != _money(fee.amount):
                problems.append(
                    _("「%(name)s」收取 %(amount)s 元,目录标准为 %(standard_amount)s 元(%(standard)s)")
                    % {
                        "name": fee.name,
                        "amount": amount,
                        "standard_amount": _money(fee.amount),
                        "standard": fee.standard,
                    }
                )
        if not problems:
            return []
        return [Finding(_("%(problems)s。") % {"problems": _("；").join(problems)}, {"charged": charged})]


class StepOutOfOrder(Rule):
    # 服务指南公布的办理流程: steps are done in their published order, none skipped.
    reads_database = False
    code = "step.out_of_order"
    severity = Severity.WARNING
    title = _lazy("办理环节跳过或顺序颠倒")

    def check(self, ctx):
        if ctx.event.action not in ("complete_step", "decide"):
            return []
        before = ctx.before
        if before is None or not before.steps:
            return []
        current = before.current_step
        if ctx.event.action == "complete_step":
            position = int(ctx.data.get("position", -1))
            if current is not None and position == current.position:
                return []
            names = {s.position: s.name for s in before.steps}
            return [
                Finding(
                    _("完成了第 %(position)s 个环节「%(step)s」,而当前应办理的是「%(current)s」。")
                    % {
                        "position": position,
                        "step": names.get(position, "?"),
                        "current": current.name if current else _("(无待办环节)"),
                    },
                    {"position": position, "current": current.position if current else None},
                )
            ]
        # the decision is made at the decision step (决定); the steps before it must be done (events from before
        # steps had kinds: at the last step)
        deciding = before.decision_step or before.steps[-1]
        skipped = [s.name for s in before.steps if s.state != "done" and s.position < deciding.position]
        if not skipped:
            return []
        return [
            Finding(
                _("作出决定时,环节「%(steps)s」尚未办理。") % {"steps": _("、").join(skipped)},
                {"skipped": skipped},
            )
        ]


class SamePersonAcceptsAndDecides(Rule):
    # 审批分离 (受审分离): where the item is not authorised to the window, acceptance and decision are by two people.
    code = "decision.same_person"
    severity = Severity.WARNING
    title = _lazy("受理与决定为同一人")

    def check(self, ctx):
        if ctx.event.action != "decide" or ctx.event.actor_id is None:
            return []
        version = ctx.case.version
        if version.instant or version.window_authorised:
            return []
        accepts = [e for e in ctx.earlier("accept") if e["actor_id"]]
        if not accepts or accepts[-1]["actor_id"] != ctx.event.actor_id:
            return []
        return [
            Finding(
                _("%(actor)s既受理又作出决定;本事项未授权窗口办结,应由不同人员受理和审批(受审分离)。")
                % {"actor": ctx.event.actor_label},
                {"actor": ctx.event.actor_id},
            )
        ]


INTAKE_ACTIONS = frozenset(
    {
        "submit",
        "upload_material",
        "request_supplement",
        "supply_supplement",
        "accept",
        "refuse",
        "deliver",
        "complete",
        "withdraw",
    }
)


class OutsideOrganisation(Rule):
    # 行政许可法 第二十三条/第二十四条: a licence is handled by the organisation that holds the power (or its delegate).
    code = "actor.outside_organisation"
    severity = Severity.SERIOUS
    title = _lazy("非实施机构人员办理")

    def check(self, ctx):
        staff = ctx.actor_staff
        if staff is None:
            return []
        case_org = ctx.case.organisation
        if access.acts_for(staff, case_org) or _takes_the_step(ctx, staff, case_org):
            return []
        window = staff.window
        if ctx.event.action in INTAKE_ACTIONS and window is not None:
            # 一窗受理: the case's own window, or a general window (综合窗口) of the same centre, takes applications.
            case_window = ctx.case.window
            if case_window is not None and (
                window.pk == case_window.pk
                or (window.kind == "general" and window.centre_id == case_window.centre_id)
            ):
                return []
            if window.organisations.filter(pk=case_org.pk).exists():
                return []
        return [
            Finding(
                _(
                    "%(staff)s(%(organisation)s)对%(case_organisation)s的办件执行了「%(action)s」操作,"
                    "不属于本机构人员,也不是受理该办件的窗口。"
                )
                % {
                    "staff": staff.name,
                    "organisation": staff.organisation.name,
                    "case_organisation": case_org.name,
                    "action": action_label(ctx.event.action),
                },
                {"staff": staff.pk, "organisation": staff.organisation_id, "action": ctx.event.action},
            )
        ]


def _takes_the_step(ctx: Context, staff, organisation) -> bool:
    """The event works a step the staff member may take for the organisation — a centre manager's step of the item
    (the 一件事 dispatch) by the centre's manager (core.access.takes_step)."""
    position = ctx.data.get("position")
    step = next((s for s in (ctx.before.steps if ctx.before else []) if s.position == position), None)
    return step is not None and access.takes_step(staff.user, step.role, organisation)


class SuspensionWithoutLegalReason(Rule):
    # 行政许可法 第四十五条: only hearings, tenders, auctions, inspection, testing, quarantine, appraisal and expert
    # review stop the clock.
    reads_database = False
    code = "suspension.no_legal_reason"
    severity = Severity.SERIOUS
    title = _lazy("中止没有法定事由")

    def check(self, ctx):
        if ctx.event.action != "suspend":
            return []
        kind = ctx.data.get("kind", "")
        if kind in deadlines.SUSPENSION_KINDS and (ctx.event.note or "").strip():
            return []
        lawful = _("、").join(str(k) for k in deadlines.SUSPENSION_KINDS.values())
        why = (
            _("中止类型「%(kind)s」不是法定特别程序") % {"kind": kind or _("未填写")}
            if kind not in deadlines.SUSPENSION_KINDS
            else _("未写明中止理由")
        )
        return [
            Finding(
                _("%(why)s。依《行政许可法》第四十五条,只有%(lawful)s所需时间不计入期限。")
                % {"why": why, "lawful": lawful},
                {"kind": kind},
            )
        ]


class SuspensionLongerThanDeclared(Rule):
    # 行政许可法 第四十五条: the time a special procedure needs is told to the applicant in writing (告知所需时间).
    reads_database = False
    code = "suspension.longer_than_declared"
    severity = Severity.WARNING
    title = _lazy("中止时间超过告知时长")

    def check(self, ctx):
        if ctx.event.action != "resume":
            return []
        suspends = ctx.earlier("suspend")
        if not suspends:
            return []
        declared = suspends[-1]["data"] or {}
        expected = int(declared.get("expected_days") or 0)
        since = dt.date.fromisoformat(str(declared.get("since") or clock.local_date(suspends[-1]["at"])))
        until = dt.date.fromisoformat(str(ctx.data.get("until") or ctx.day))
        used = ctx.calendar.workdays_between(since, until).value
        if not expected or used <= expected:
            return []
        return [
            Finding(
                _(
                    "%(since)s 中止时告知需要 %(expected)s 个工作日,实际至 %(until)s 才恢复,"
                    "用了 %(used)s 个工作日,超出 %(over)s 个。"
                )
                % {
                    "since": since.isoformat(),
                    "expected": expected,
                    "until": until.isoformat(),
                    "used": used,
                    "over": used - expected,
                },
                {"since": since.isoformat(), "until": until.isoformat(), "declared": expected, "used": used},
            )
        ]

    def stale(self, moment) -> Iterable[tuple[Case, Finding]]:
        """Time alone: a suspension still running past the working days the applicant was told (the scan)."""
        from zhengwu.supervision import deadline_rules  # its helpers word the finding; it imports this module

        rows = Suspension.objects.filter(ended_on__isnull=True, case__status=CaseStatus.SUSPENDED)
        for row in rows.select_related("case"):
            used = moment.calendar.workdays_between(row.started_on, moment.today).value
            if used <= row.expected_days:
                continue
            yield (
                row.case,
                deadline_rules.finding(
                    _(
                        "%(since)s 中止时告知需要 %(expected)s 个工作日,至 %(today)s 已用 %(used)s 个工作日仍未恢复办理。"
                    )
                    % {
                        "since": row.started_on.isoformat(),
                        "expected": row.expected_days,
                        "today": moment.today.isoformat(),
                        "used": used,
                    },
                    {"since": row.started_on.isoformat(), "declared": row.expected_days, "used": used},
                    moment,
                    row.started_on,
                ),
            )


class Backdated(Rule):
    # 行政许可法 第三十三条 (电子政务) and the 审计 rule: events are recorded when they happen; late entry is visible.
    reads_database = False
    code = "event.backdated"
    severity = Severity.WARNING
    title = _lazy("补录(记录时间明显早于录入时间)")

    def check(self, ctx):
        gap = ctx.entered_at - ctx.event.at
        if gap <= dt.timedelta(0) or gap <= dt.timedelta(hours=ctx.backdating_limit()):
            return []
        hours = int(gap.total_seconds() // 3600)
        happened = clock.local_date(ctx.event.at).isoformat()
        entered = clock.local_date(ctx.entered_at).isoformat()
        return [
            Finding(
                _(
                    "「%(action)s」记为 %(happened)s 发生,却在 %(entered)s 才录入,相隔约 %(hours)s 小时"
                    "(超过 %(limit)s 小时),可能倒签时间。"
                )
                % {
                    "action": action_label(ctx.event.action),
                    "happened": happened,
                    "entered": entered,
                    "hours": hours,
                    "limit": ctx.backdating_limit(),
                },
                {"at": ctx.event.at.isoformat(), "entered_at": ctx.entered_at.isoformat(), "hours": hours},
            )
        ]


def rules() -> list[Rule]:
    """An instance of every registered rule."""
    return [cls() for cls in REGISTRY]


def context_for(event: CaseEvent, *, backdating_hours: int | None = None) -> Context:
    prepared = getattr(event, "prepared_context", None)
    if prepared is not None:
        # The service that wrote the event read these already (cases.records._record): the events up to this one,
        # the case, the calendar, the case rebuilt after the event and the acting staff member.
        ctx = Context(
            event=event,
            case=prepared["case"],
            events=prepared["events"],
            calendar=prepared["calendar"],
            entered_at=prepared.get("entered_at") or clock.now(),
            backdating_hours=backdating_hours,
        )
        ctx.__dict__["after"] = prepared["after"]
        if "actor_staff" in prepared:
            ctx.__dict__["actor_staff"] = prepared["actor_staff"]
        return ctx
    rows = list(
        CaseEvent.objects.filter(case_id=event.case_id, seq__lte=event.seq)
        .order_by("seq")
        .values("seq", "action", "at", "data", "actor_id")
    )
    case = Case.objects.select_related("organisation", "version", "window").get(pk=event.case_id)
    return Context(
        event=event,
        case=case,
        events=rows,
        calendar=current_calendar(),
        entered_at=clock.now(),
        backdating_hours=backdating_hours,
    )


def run_for_event(event: CaseEvent) -> list[Alert]:
    """Run every rule on one event and store what they find (once per event, or once per case). Call inside the
    transaction that wrote the event. A rule that reads the database checks inside a savepoint (taken only if it
    runs a statement); what the rules find is stored with one INSERT that skips a key raised already, which cannot
    spoil the case's transaction (insert_once), so storing takes no savepoint (issue 20)."""
    ctx = context_for(event)
    found: list[Alert] = []
    for rule in rules():
        try:
            if rule.reads_database:
                findings = _in_savepoint_if_it_queries(lambda rule=rule: list(rule.check(ctx)))
            else:
                findings = list(rule.check(ctx))  # plain values only: nothing to roll back if it fails
            found += [_alert(rule, finding, case=ctx.case, event=event) for finding in findings]
        except Exception:  # noqa: BLE001 — a broken rule is logged and skipped; it must never block the case's event
            log.exception("supervision rule %s failed on event %s", rule.code, event.pk)
    return insert_once(found)


class _SavepointBeforeFirstStatement:
    """An execute wrapper that takes a savepoint just before the first statement it sees (issue 20: most rules return
    at once for most events, and a savepoint taken for nothing is two statements per rule per event)."""

    def __init__(self, alias: str):
        self.alias, self.sid, self._taking = alias, None, False

    def __call__(self, execute, sql, params, many, context):
        if self.sid is None and not self._taking:
            self._taking = True
            try:
                self.sid = transaction.savepoint(using=self.alias)
            finally:
                self._taking = False
        return execute(sql, params, many, context)


def _in_savepoint_if_it_queries(work):
    """Run `work` as inside `transaction.atomic()` — a failure rolls back what it wrote and leaves the case's
    transaction usable — but take the savepoint only if it runs a statement."""
    conn = transaction.get_connection()
    guard = _SavepointBeforeFirstStatement(conn.alias)
    try:
        with conn.execute_wrapper(guard):
            result = work()
    except BaseException:
        if guard.sid is not None:
            transaction.savepoint_rollback(guard.sid, using=conn.alias)
            conn.needs_rollback = False  # as atomic() does once it has rolled back to its savepoint
        raise
    if guard.sid is not None:
        if conn.needs_rollback:  # an inner block failed and was swallowed: atomic() would roll back here
            transaction.savepoint_rollback(guard.sid, using=conn.alias)
            conn.needs_rollback = False
        else:
            transaction.savepoint_commit(guard.sid, using=conn.alias)
    return result


def _key_and_explanation(rule, finding: Finding, case: Case, event: CaseEvent | None) -> tuple[str, str]:
    """A finding on a case: its alert's key (once per event, or once per case) and explanation."""
    key = f"{rule.code}:c{case.pk}" if finding.per_case or event is None else f"{rule.code}:e{event.pk}"
    return key, _("办件 %(number)s:%(explanation)s") % {
        "number": case.number,
        "explanation": finding.explanation,
    }


def _alert(rule: Registered, finding: Finding, *, case: Case, event: CaseEvent | None) -> Alert:
    """The alert a finding on a case raises (not saved)."""
    key, explanation = _key_and_explanation(rule, finding, case, event)
    return Alert(
        key=key,
        **_defaults(rule, finding, explanation),
        case=case,
        event=event,
        organisation_id=case.organisation_id,
    )


def _defaults(rule: Registered, finding: Finding, explanation: str) -> dict:
    return {
        "code": rule.code,
        "severity": rule.severity,
        "title": str(rule.title),  # said at creation, in the language of the moment
        "explanation": explanation,
        "data": finding.data,
        "raised_at": clock.now(),
    }


def insert_once(alerts: list[Alert]) -> list[Alert]:
    """Store the alerts whose keys are not raised yet, in one statement (INSERT … ON CONFLICT DO NOTHING RETURNING
    on PostgreSQL, INSERT OR IGNORE … RETURNING on SQLite): the ones stored, with their ids. A key raised already,
    or by a transaction committing meanwhile, is skipped without an error, so the statement needs no savepoint of
    its own; the text columns are cut to their lengths first so that PostgreSQL cannot refuse the row either."""
    from django.db import connections, router
    from django.db.models import sql
    from django.db.models.constants import OnConflict

    if not alerts:
        return []
    for alert in alerts:
        for name in ("key", "code", "severity", "title"):
            limit = Alert._meta.get_field(name).max_length
            setattr(alert, name, str(getattr(alert, name))[:limit])
    using = router.db_for_write(Alert)
    fields = [f for f in Alert._meta.concrete_fields if not f.primary_key]
    query = sql.InsertQuery(Alert, on_conflict=OnConflict.IGNORE)
    query.insert_values(fields, alerts)
    compiler = query.get_compiler(using=using)
    compiler.returning_fields = [Alert._meta.pk, Alert._meta.get_field("key")]
    [(statement, params)] = compiler.as_sql()
    with connections[using].cursor() as cursor:
        cursor.execute(statement, params)
        stored = dict((key, pk) for pk, key in cursor.fetchall())
    raised = []
    for alert in alerts:
        if alert.key in stored:
            alert.pk = stored.pop(alert.key)
            alert._state.adding, alert._state.db = False, using
            raised.append(alert)
    return raised


def store(rule: Rule, finding: Finding, *, case: Case, event: CaseEvent | None) -> Alert | None:
    key, explanation = _key_and_explanation(rule, finding, case, event)
    return raise_alert(
        rule, finding, key, explanation, case=case, event=event, organisation_id=case.organisation_id
    )


def raise_alert(rule: Registered, finding: Finding, key: str, explanation: str, **links) -> Alert | None:
    """The alert under `key`, once: None when it was already raised (by this event or an earlier one)."""
    defaults = {**_defaults(rule, finding, explanation), **links}
    alert, created = Alert.objects.get_or_create(key=key, defaults=defaults)
    return alert if created else None


def scan(moment) -> int:
    """The case rules time alone breaks (their `stale`), each finding stored once in its own transaction; the
    number of alerts raised."""
    raised = 0
    for rule in rules():
        if not hasattr(rule, "stale"):
            continue
        for case, finding in rule.stale(moment):
            with transaction.atomic():
                raised += store(rule, finding, case=case, event=None) is not None
    return raised


def rule_for(code: str) -> type[Rule] | None:
    return next((r for r in REGISTRY if r.code == canonical_code(code)), None)


# ---- 政民互动 tickets: rules on ticket events (tickets.TicketEvent), stored as alerts without a case


REGISTRY = Rule.registry


class TicketRule(Registered):
    """A supervision rule on one ticket event: `check` returns its findings (empty when lawful)."""

    registry: list[type[TicketRule]] = []
    domain = "ticket"

    def check(self, event) -> Iterable[Finding]:
        raise NotImplementedError


TICKET_REGISTRY = TicketRule.registry


class TicketFirstAnswerLate(TicketRule):
    # Seed 002 (市国土资源局2010年政务公开工作总结) 二(四)投诉处理制度: 凡在"政民互动"中反映的问题……在24小时之内予以回复.
    code = "first_answer_late"
    severity = Severity.WARNING
    title = _lazy("政民互动诉求未在24小时内首次答复")

    def check(self, event):
        data = event.data or {}
        if event.action == "first_answer_warning" and data.get("level") == "overdue":
            found = self.finding(event.ticket)
        elif data.get("first_answer_late"):
            found = self.finding(event.ticket, answered_at=event.at)
        else:
            found = None
        return [found] if found is not None else []

    @classmethod
    def finding(cls, ticket, *, answered_at=None, as_of=None) -> Finding | None:
        """The breach on a ticket: answered after its first-answer limit, or (as of a moment after the limit) not
        answered yet; None when there is none. The event rule and the periodic scan say the same thing."""
        due = ticket.first_answer_due
        answered_at = answered_at or ticket.first_answered_at
        if due is None or (answered_at is None and as_of is not None and as_of <= due):
            return None
        if answered_at is not None and answered_at <= due:
            return None
        hours = round((due - ticket.received_at).total_seconds() / 3600)
        when = f"{due.astimezone(clock.LOCAL):%Y-%m-%d %H:%M}"
        facts = {"ticket": ticket.number, "first_answer_due": due.isoformat(), "hours": hours}
        if answered_at is None:
            what = _("至 %(due)s(登记后 %(hours)s 小时)仍未答复") % {"due": when, "hours": hours}
        else:
            what = _("首次答复期限为 %(due)s(登记后 %(hours)s 小时),却于 %(answered)s 才首次答复") % {
                "due": when,
                "hours": hours,
                "answered": f"{answered_at.astimezone(clock.LOCAL):%Y-%m-%d %H:%M}",
            }
            facts["answered_at"] = answered_at.isoformat()
        return Finding(
            _("%(what)s。凡在政民互动中反映的问题应在24小时内予以回复。") % {"what": what},
            facts,
            per_case=True,
        )


def ticket_rules() -> list[TicketRule]:
    return [cls() for cls in TICKET_REGISTRY]


def responsible_for_ticket(ticket):
    """The organisation answerable for a ticket's first answer: its lead organisation, the leader's mailbox's
    organisation, the filer's organisation, else the 12345 hotline centre (Organisation.is_hotline_centre) whose
    region covers the ticket's, or the first one (a ticket not located yet)."""
    from zhengwu.core.models import Organisation, Staff

    if ticket.lead_organisation_id:
        return ticket.lead_organisation
    if ticket.mailbox_id:
        return ticket.mailbox.organisation
    if ticket.created_by_id:
        staff = Staff.objects.filter(user_id=ticket.created_by_id).select_related("organisation").first()
        if staff is not None:
            return staff.organisation
    centres = Organisation.objects.filter(is_hotline_centre=True, is_active=True).select_related("region")
    centres = list(centres.order_by("pk"))
    if ticket.region_id:
        covering = [c for c in centres if access.region_covers(c.region, ticket.region)]
        centres = covering or centres
    return centres[0] if centres else None


def store_for_ticket(rule: TicketRule, finding: Finding, *, ticket, event) -> Alert | None:
    """Once per ticket (per_case findings) or per ticket event; the alert names the ticket in its text and data."""
    organisation = responsible_for_ticket(ticket)
    if organisation is None:
        log.warning("no organisation to hold %s on ticket %s", rule.code, ticket.number)
        return None
    key = f"{rule.code}:t{ticket.pk}" if finding.per_case else f"{rule.code}:te{event.pk}"
    explanation = _("工单 %(number)s(%(channel)s):%(explanation)s") % {
        "number": ticket.number,
        "channel": ticket.get_channel_display(),
        "explanation": finding.explanation,
    }
    return raise_alert(rule, finding, key, explanation, organisation=organisation, ticket=ticket)


def run_for_ticket_event(event) -> list[Alert]:
    """Run every ticket rule on one ticket event, inside the transaction that wrote it; a failing rule is logged."""
    raised = []
    for rule in ticket_rules():
        try:
            with transaction.atomic():
                for finding in rule.check(event):
                    alert = store_for_ticket(rule, finding, ticket=event.ticket, event=event)
                    if alert is not None:
                        raised.append(alert)
        except Exception:  # noqa: BLE001 — a broken rule must never block the ticket's event
            log.exception("supervision rule %s failed on ticket event %s", rule.code, event.pk)
    return raised
