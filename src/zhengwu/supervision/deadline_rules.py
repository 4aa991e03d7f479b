"""Deadline rules (期限监察): every deadline the platform keeps besides a case's own, watched like a case's.

Each rule watches one deadline of one domain, on the record the domain stores it on, as the domain computed it
(disclosure's `reply_due`, tickets' `acknowledge_due`/`handle_due`/`first_answer_due`, evaluation's
`rectification_due`, the order's `add_workdays`): supervision never counts a deadline again, it compares.

For a user and a day a rule gives the open records at yellow (预警) and red (超期) — counted by the database from
dates worked out once in Python, as for cases — and, for the scan, what is overdue or was done late: one alert per
record (its key), held by the organisation that owes the deadline, reviewed and ordered (督办) like a case's alert.

    code                                  record           deadline
    disclosure.reply_overdue              依申请公开        答复期限 (政府信息公开条例 第三十三条)
    disclosure.supplement_request_late    依申请公开        补正告知期限 (第三十条, 7 working days)
    ticket.acknowledge_overdue            派单             签收期限
    ticket.reply_overdue                  工单(每轮办理)   办理答复期限
    ticket.first_answer_late              工单             首次答复期限 (its event rule is in rules.py)
    rating.rectification_overdue          差评整改          整改反馈期限
    rating.appeal_review_overdue          差评申诉          复核期限 (the region's, where it sets one)
    supervision.order_overdue             督办单(每级)     督办反馈期限

Yellow follows the centre's thresholds (models.Thresholds, via selectors.policy): at most `warn_workdays` working
days left, or at least `warn_share` of the limit used. Deadlines counted in hours (urgent tickets, the first
answer) are yellow in the last sixth of their hours — the tickets domain's warning for the first answer (4 of 24) —
or once `warn_share` of the hours is used, whichever comes first.

A day in a year the calendar does not know yet is counted Monday to Friday: what the scan finds then is
provisional, and the alert says so.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case as When_
from django.db.models import CharField, Count, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce, Concat, TruncDate
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from zhengwu.core import access, clock
from zhengwu.core.calendar import Calendar, current_calendar
from zhengwu.disclosure import deadlines as disclosure_deadlines
from zhengwu.disclosure import workflow as disclosure_workflow
from zhengwu.disclosure.models import DisclosureRequest, RequestEvent
from zhengwu.evaluation import rules as evaluation_rules
from zhengwu.evaluation.models import Appeal, Rectification
from zhengwu.supervision import levels
from zhengwu.supervision.models import Alert, OrderStep, Severity, SupervisionOrder
from zhengwu.supervision.rules import (
    Finding,
    Registered,
    TicketFirstAnswerLate,
    raise_alert,
    responsible_for_ticket,
)
from zhengwu.tickets.models import OPEN_STATUSES, Assignment, Ticket, TicketEvent
from zhengwu.tickets.models import Status as TicketStatus

# tickets.deadlines.FIRST_ANSWER_WARN_HOURS / 24: an hour limit is yellow in its last sixth.
HOUR_WARN_SHARE = Decimal(1) / 6


@dataclass(frozen=True)
class Moment:
    """The day (and, for deadlines with a time of day, the moment) levels and breaches are judged at."""

    today: dt.date
    now: dt.datetime
    calendar: Calendar
    policy: levels.Policy
    whole_day: bool = False  # judged as another day begins (a scan --today): say the day, not midnight

    @classmethod
    def of(cls, today: dt.date | None = None, *, policy: levels.Policy | None = None) -> Moment:
        """Now, or the start of another day: a scan `--today 2027-06-01` judges as that day begins in China."""
        from zhengwu.supervision import selectors

        real = clock.today()
        today = today or real
        now = clock.now() if today == real else start_of(today)
        return cls(today, now, current_calendar(), policy or selectors.policy(), whole_day=today != real)

    @property
    def when(self) -> str:
        """The moment as a sentence says it: the day for a scan of another day, else the minute."""
        return self.today.isoformat() if self.whole_day else local_text(self.now)

    def cut(self, limit: int | None) -> dt.date:
        """The last due date that is yellow today for a limit of `limit` working days."""
        return levels.last_yellow_due(self.calendar, self.today, limit=limit, policy=self.policy)

    def hour_room(self, hours: int) -> dt.timedelta:
        """How long before a deadline of `hours` hours it turns yellow."""
        share = HOUR_WARN_SHARE
        if self.policy.warn_share:
            share = max(share, 1 - Decimal(self.policy.warn_share))
        return dt.timedelta(minutes=math.floor(hours * 60 * share))


def start_of(day: dt.date) -> dt.datetime:
    """Local midnight at the start of a day (China time)."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=clock.LOCAL)


def local_text(moment: dt.datetime) -> str:
    return f"{moment.astimezone(clock.LOCAL):%Y-%m-%d %H:%M}"


def provisional_note(m: Moment, *days: dt.date, provisional: bool = False) -> str:
    """The sentence that says a result is provisional, naming the years the calendar does not know yet."""
    years = sorted({d.year for d in (*days, m.today) if not m.calendar.knows(d.year)})
    if years:
        named = _("、").join(_("%(year)s 年") % {"year": y} for y in years)
        return _("(注意:%(years)s的节假日安排尚未载入,期限和超出天数按周一至周五暂算,结果为暂定。)") % {
            "years": named
        }
    if provisional:
        return _("(注意:期限计算时涉及当时尚未载入节假日安排的年份,结果为暂定。)")
    return ""


def late_sentence(m: Moment, due: dt.date, done_on: dt.date | None, *, what: str) -> tuple[str, dict]:
    """「至 D 仍未…,已超出 n 个工作日」 or 「于 D 才…,超出 n 个工作日」, with the facts behind it."""
    on = done_on or m.today
    late = m.calendar.workdays_between(due, on).value
    if done_on is None:
        text = _("至 %(day)s 仍未%(what)s,已超出 %(late)s 个工作日") % {
            "day": on.isoformat(),
            "what": what,
            "late": late,
        }
    else:
        text = _("于 %(day)s 才%(what)s,超出 %(late)s 个工作日") % {
            "day": on.isoformat(),
            "what": what,
            "late": late,
        }
    return text, {"due": due.isoformat(), "on": on.isoformat(), "late_workdays": late}


def finding(text: str, facts: dict, m: Moment, *days: dt.date, provisional: bool = False) -> Finding:
    """A finding whose text ends with the provisional note when any of its days is in a year not yet known."""
    note = provisional_note(m, *days, provisional=provisional)
    return Finding(text + note, {**facts, "provisional": bool(note)}, per_case=True)


def key_of(code: str, letter: str, *parts) -> Concat:
    """The alert key of the outer row as SQL — code, ':', a letter, then the parts joined by ':' — as the rules
    write it in Python, so the scan skips what is already raised without reading it back."""
    values = [Value(f"{code}:{letter}")]
    for i, part in enumerate(parts):
        if i:
            values.append(Value(":"))
        values.append(Cast(part, CharField()) if not isinstance(part, Value) else part)
    return Concat(*values, output_field=CharField())


def unraised(records: QuerySet, key) -> QuerySet:
    """The records whose alert (under `key`, an SQL expression) is not raised yet."""
    return records.annotate(alert_key=key).exclude(Exists(Alert.objects.filter(key=OuterRef("alert_key"))))


@dataclass(frozen=True)
class Found:
    """A record a rule found overdue or done late, to be raised as an alert under `key`."""

    key: str
    explanation: str
    finding: Finding
    organisation_id: int
    links: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Row:
    """One record at a level, for the list behind a figure."""

    number: str
    title: str
    organisation: str
    due: str
    level: str
    url: str
    provisional: bool = False


class DeadlineRule(Registered):
    """One deadline of one domain: the open records it runs on, its due field, and how to find its breaches."""

    registry: list[type[DeadlineRule]] = []
    subject = ""  # what a record is called (依申请公开申请)
    deadline = ""  # the deadline's name (答复期限)
    due_field = ""
    due_is_moment = False  # a DateTimeField (tickets) rather than a DateField
    organisation_field = "organisation"
    limit_field: str | None = None  # the limit in working days (a field or an annotation), for warn_share
    has_levels = True

    @property
    def label(self) -> str:
        return f"{self.subject}{self.deadline}"

    # ---- levels

    def open_records(self) -> QuerySet:
        """Records whose deadline is running (not met, not paused)."""
        raise NotImplementedError

    def scoped(self, user) -> QuerySet:
        return access.scope(user, self.open_records(), self.organisation_field)

    def red_q(self, m: Moment) -> Q:
        return Q(**{f"{self.due_field}__lt": m.now if self.due_is_moment else m.today})

    def yellow_q(self, m: Moment, records: QuerySet) -> Q:
        """Within the warning room of the due date and not yet red (one date cut per limit when warn_share is set)."""
        if not m.policy.warn_share or self.limit_field is None:
            return self._upto(m, m.cut(None))
        q = Q(pk__in=[])
        for limit in set(records.order_by().values_list(self.limit_field, flat=True).distinct()):
            q |= Q(**{self.limit_field: limit}) & self._upto(m, m.cut(limit))
        return q

    def _upto(self, m: Moment, cut: dt.date) -> Q:
        if self.due_is_moment:
            end = start_of(cut + dt.timedelta(days=1))
            return Q(**{f"{self.due_field}__gte": m.now, f"{self.due_field}__lt": end})
        return Q(**{f"{self.due_field}__gte": m.today, f"{self.due_field}__lte": cut})

    def counts(self, user, m: Moment) -> dict:
        records = self.scoped(user).order_by()
        return records.aggregate(
            red=Count("pk", filter=self.red_q(m)), yellow=Count("pk", filter=self.yellow_q(m, records))
        )

    def at_level(self, user, level: str, m: Moment) -> QuerySet:
        records = self.scoped(user)
        q = self.red_q(m) if level == levels.RED else self.yellow_q(m, records)
        return records.filter(q).order_by(self.due_field, "pk")

    def level_of(self, record, m: Moment) -> str:
        """One record's level, by the same conditions (for its page)."""
        records = self.open_records().filter(pk=record.pk)
        found = records.annotate(
            level=When_(
                When(self.red_q(m), then=Value(levels.RED)),
                When(self.yellow_q(m, records), then=Value(levels.YELLOW)),
                default=Value(levels.NORMAL),
                output_field=CharField(),
            )
        ).values_list("level", flat=True)
        return next(iter(found), levels.NORMAL)

    def row(self, record, level: str) -> Row:
        raise NotImplementedError

    # ---- breaches

    def found(self, m: Moment) -> Iterable[Found]:
        """What is overdue at the moment or was done after its deadline, not raised yet."""
        raise NotImplementedError

    def raise_all(self, m: Moment) -> int:
        raised = 0
        for found in self.found(m):
            alert = raise_alert(
                self,
                found.finding,
                found.key,
                found.explanation,
                organisation_id=found.organisation_id,
                **found.links,
            )
            raised += alert is not None
        return raised


# ---- 依申请公开 (disclosure requests)


class DisclosureReplyOverdue(DeadlineRule):
    # 政府信息公开条例 第三十三条: reply within 20 working days of receipt, extended at most by 20 with approval.
    domain = "disclosure"
    code = "reply_overdue"
    severity = Severity.SERIOUS
    title = _lazy("依申请公开超过答复期限")
    subject = _lazy("依申请公开")
    deadline = _lazy("答复期限")
    due_field = "due_on"
    limit_field = "limit_days"

    def open_records(self):
        # Only while the clock runs: waiting for a supplement, a third party or a fee it is stopped (第三十条,
        # 第三十三条第二款), and the stored date moves on with each day of the pause.
        return (
            DisclosureRequest.objects.filter(
                status=disclosure_workflow.PROCESSING, due_on__isnull=False, imported=False
            )
            .select_related("organisation")
            .annotate(limit_days=Value(disclosure_deadlines.REPLY_WORKDAYS) + F("extension_days"))
        )

    def row(self, r, level):
        url = reverse("workbench_disclosure:request", args=[r.pk])
        return Row(
            r.number,
            r.description[:40],
            r.organisation.name,
            r.due_on.isoformat(),
            level,
            url,
            r.due_provisional,
        )

    def found(self, m):
        base = DisclosureRequest.objects.filter(imported=False, due_on__isnull=False)
        overdue = Q(status=disclosure_workflow.PROCESSING, due_on__lt=m.today)
        replied = Exists(RequestEvent.objects.filter(request=OuterRef("pk"), action="reply"))
        replied_late = Q(replied, concluded_on__gt=F("due_on"))
        rows = unraised(base.filter(overdue | replied_late), key_of(self.code, "r", F("pk")))
        for r in rows.order_by("pk"):
            done_on = r.concluded_on if r.status != disclosure_workflow.PROCESSING else None
            limit = disclosure_deadlines.REPLY_WORKDAYS + r.extension_days
            sentence, facts = late_sentence(m, r.due_on, done_on, what=_("答复"))
            words = {
                "due": r.due_on.isoformat(),
                "limit": limit,
                "extension": r.extension_days,
                "sentence": sentence,
            }
            if r.extension_days:
                text = (
                    _(
                        "答复期限为 %(due)s(%(limit)s 个工作日,含经批准延长的 %(extension)s 个工作日),%(sentence)s。"
                        "违反《政府信息公开条例》第三十三条关于答复期限的规定。"
                    )
                    % words
                )
            else:
                text = (
                    _(
                        "答复期限为 %(due)s(%(limit)s 个工作日),%(sentence)s。"
                        "违反《政府信息公开条例》第三十三条关于答复期限的规定。"
                    )
                    % words
                )
            found = finding(
                text,
                {**facts, "request": r.number, "limit": limit},
                m,
                r.due_on,
                provisional=r.due_provisional,
            )
            yield Found(
                r.alert_key,
                _("依申请公开 %(number)s:%(explanation)s")
                % {"number": r.number, "explanation": found.explanation},
                found,
                r.organisation_id,
                {"request": r},
            )


class DisclosureSupplementRequestLate(DeadlineRule):
    # 政府信息公开条例 第三十条: an unclear request is sent back for supplement within 7 working days of receipt.
    domain = "disclosure"
    code = "supplement_request_late"
    severity = Severity.WARNING
    title = _lazy("依申请公开超过 7 个工作日才告知补正")
    subject = _lazy("依申请公开")
    deadline = _lazy("补正告知期限")
    has_levels = False  # only a request the office finds unclear has it: the breach shows when it asks late

    def found(self, m):
        asked = RequestEvent.objects.filter(action="request_supplement", request=OuterRef("pk"))
        rows = unraised(
            DisclosureRequest.objects.filter(imported=False).filter(Exists(asked)),
            key_of(self.code, "r", F("pk")),
        )
        for r in rows.order_by("pk"):
            first = r.events.filter(action="request_supplement").order_by("on", "pk").first()
            deadline = disclosure_deadlines.supplement_request_deadline(r.received_on)
            if first.on <= deadline.value:
                continue
            sentence, facts = late_sentence(m, deadline.value, first.on, what=_("告知补正"))
            text = _(
                "收到申请之日为 %(received)s,应在 7 个工作日内(至 %(due)s)"
                "一次性告知补正,%(sentence)s。违反《政府信息公开条例》第三十条。"
            ) % {
                "received": r.received_on.isoformat(),
                "due": deadline.value.isoformat(),
                "sentence": sentence,
            }
            found = finding(
                text, {**facts, "request": r.number}, m, deadline.value, provisional=deadline.provisional
            )
            yield Found(
                r.alert_key,
                _("依申请公开 %(number)s:%(explanation)s")
                % {"number": r.number, "explanation": found.explanation},
                found,
                r.organisation_id,
                {"request": r},
            )


# ---- 诉求工单 (tickets)


def _ticket_text(t: Ticket, text: str) -> str:
    return _("工单 %(number)s(%(channel)s):%(explanation)s") % {
        "number": t.number,
        "channel": t.get_channel_display(),
        "explanation": text,
    }


class _TicketDeadline(DeadlineRule):
    domain = "ticket"
    subject = _lazy("诉求工单")
    due_is_moment = True
    organisation_field = "lead_organisation"
    hours_field = ""  # the category's hours for an urgent ticket

    def yellow_q(self, m, records):
        ordinary = super().yellow_q(m, records.filter(urgent=False)) & Q(urgent=False)
        urgent = Q(pk__in=[])
        hours_field = f"category__{self.hours_field}"
        for hours in set(
            records.filter(urgent=True).order_by().values_list(hours_field, flat=True).distinct()
        ):
            soon = {f"{self.due_field}__gte": m.now, f"{self.due_field}__lte": m.now + m.hour_room(hours)}
            urgent |= Q(urgent=True, **{hours_field: hours}, **soon)
        return ordinary | urgent

    def row(self, t, level):
        return Row(
            t.number,
            t.title,
            t.lead_organisation.name if t.lead_organisation_id else "12345",
            local_text(getattr(t, self.due_field)),
            level,
            reverse("workbench_tickets:ticket", args=[t.number]),
            t.deadline_provisional,
        )


class TicketAcknowledgeOverdue(_TicketDeadline):
    # 12345热线工单办理通行规则 (各省市12345热线管理办法): the receiving unit acknowledges or returns within 2 working days,
    # an urgent ticket within the category's hours (tickets.deadlines.acknowledge_due).
    code = "acknowledge_overdue"
    severity = Severity.WARNING
    title = _lazy("工单超过签收时限")
    deadline = _lazy("签收期限")
    due_field = "acknowledge_due"
    limit_field = "category__acknowledge_workdays"
    hours_field = "urgent_acknowledge_hours"

    def open_records(self):
        return Ticket.objects.filter(
            status=TicketStatus.DISPATCHED, acknowledge_due__isnull=False
        ).select_related("lead_organisation", "category")

    def found(self, m):
        # One alert per organisation and dispatch (派单): still not acknowledged when the limit ran out, or
        # acknowledged late (by hand, or taken as acknowledged by the tickets domain's scheduled job).
        waiting = Q(
            active=True,
            role=Assignment.Role.LEAD,
            acknowledged_at=None,
            ticket__status=TicketStatus.DISPATCHED,
            ticket__acknowledge_due__lt=m.now,
        )
        rounds = unraised(
            Assignment.objects.filter(Q(acknowledged_late=True) | waiting), key_of(self.code, "a", F("pk"))
        )
        for a in rounds.select_related("ticket", "organisation").order_by("pk"):
            t = a.ticket
            due = _acknowledge_due_of(a)
            due_text = local_text(due) if due else _("签收时限")
            if a.acknowledged_at is None:
                when = _("至 %(day)s 仍未签收或退单") % {"day": m.when}
            else:
                when = _("于 %(day)s 才签收") % {"day": local_text(a.acknowledged_at)}
            facts = {
                "ticket": t.number,
                "acknowledge_due": due.isoformat() if due else None,
                "assignment": a.pk,
            }
            text = _(
                "%(role)s单位%(organisation)s的签收期限为 %(due)s,%(when)s。"
                "承办单位应在签收时限内签收或说明理由退单(12345热线工单办理规则)。"
            ) % {
                "role": a.get_role_display(),
                "organisation": a.organisation.name,
                "due": due_text,
                "when": when,
            }
            day = clock.local_date(due) if due else m.today
            found = finding(text, facts, m, day, provisional=t.deadline_provisional)
            yield Found(
                a.alert_key, _ticket_text(t, found.explanation), found, a.organisation_id, {"ticket": t}
            )


def _acknowledge_due_of(assignment: Assignment) -> dt.datetime | None:
    """The acknowledgement limit of a dispatch round: the ticket's while the round is current, else the one its
    dispatch event recorded."""
    if assignment.active and assignment.ticket.acknowledge_due is not None:
        return assignment.ticket.acknowledge_due
    event = (
        TicketEvent.objects.filter(
            ticket_id=assignment.ticket_id, action="dispatch", at__lte=assignment.assigned_at
        )
        .order_by("-seq")
        .values_list("data", flat=True)
        .first()
    )
    due = (event or {}).get("acknowledge_due")
    return dt.datetime.fromisoformat(due) if due else None


class TicketReplyOverdue(_TicketDeadline):
    # 12345热线工单办理通行规则: answered within 5 working days of dispatch (or of reopening), extended at most 10 with
    # the centre's approval; urgent within the category's hours (tickets.deadlines.handle_due).
    code = "reply_overdue"
    severity = Severity.WARNING
    title = _lazy("工单超过办理时限未答复")
    deadline = _lazy("办理期限")
    due_field = "handle_due"
    limit_field = "limit_days"
    hours_field = "urgent_handle_hours"

    def open_records(self):
        return (
            Ticket.objects.filter(
                status__in=[TicketStatus.DISPATCHED, TicketStatus.ACKNOWLEDGED, TicketStatus.REOPENED],
                handle_due__isnull=False,
            )
            .select_related("lead_organisation", "category")
            .annotate(limit_days=F("category__handle_workdays") + F("extension_workdays"))
        )

    def found(self, m):
        # One alert per ticket and round of handling (a reopened ticket has a new limit): still not answered, or
        # answered late (the reply event says so, with the limit then in force).
        open_late = self.open_records().filter(handle_due__lt=m.now, lead_organisation__isnull=False)
        for t in unraised(open_late, key_of(self.code, "t", F("pk"), F("reopen_count"))).order_by("pk"):
            yield self._found(m, t, round_=t.reopen_count, due=t.handle_due, replied=None)
        round_ = Coalesce(KeyTextTransform("round", "data"), Value("0"), output_field=CharField())
        replies = unraised(
            TicketEvent.objects.filter(action="reply", data__late=True),
            key_of(self.code, "t", F("ticket_id"), round_),
        )
        for e in replies.select_related("ticket").order_by("pk"):
            due = (e.data or {}).get("handle_due")
            due_at = dt.datetime.fromisoformat(due) if due else None
            yield self._found(
                m, e.ticket, round_=int((e.data or {}).get("round") or 0), due=due_at, replied=e
            )

    def _found(self, m, t: Ticket, *, round_: int, due: dt.datetime | None, replied) -> Found:
        due_text = local_text(due) if due else _("办理期限")
        when = (
            _("于 %(day)s 才答复") % {"day": local_text(replied.at)}
            if replied is not None
            else _("至 %(day)s 仍未答复") % {"day": m.when}
        )
        again = _("(第 %(round)s 轮办理)") % {"round": round_ + 1} if round_ else ""
        facts = {"ticket": t.number, "round": round_, "handle_due": due.isoformat() if due else None}
        text = _(
            "办理期限%(again)s为 %(due)s,%(when)s。承办单位应在办理时限内答复诉求人(12345热线工单办理规则)。"
        ) % {"again": again, "due": due_text, "when": when}
        day = clock.local_date(due) if due else m.today
        found = finding(text, facts, m, day, provisional=t.deadline_provisional)
        organisation = (replied.organisation_id if replied is not None else None) or t.lead_organisation_id
        return Found(
            f"{self.code}:t{t.pk}:{round_}",
            _ticket_text(t, found.explanation),
            found,
            organisation,
            {"ticket": t},
        )


class TicketFirstAnswerOverdue(_TicketDeadline):
    """The 24-hour first answer of 政民互动 as a deadline: its levels, and the scan's share of its rule
    `ticket.first_answer_late` (which runs on ticket events in rules.py; both raise under the same key)."""

    # Seed 002 二(四): 凡在"政民互动"中反映的问题……在24小时之内予以回复 (tickets.deadlines.first_answer_due).
    code = TicketFirstAnswerLate.code  # the event rule's code, severity and title: one rule, two ways in
    severity = TicketFirstAnswerLate.severity
    title = TicketFirstAnswerLate.title
    subject = _lazy("政民互动诉求")
    deadline = _lazy("首次答复期限")
    due_field = "first_answer_due"

    def open_records(self):
        return Ticket.objects.filter(
            status__in=OPEN_STATUSES, first_answer_due__isnull=False, first_answered_at=None
        ).select_related("lead_organisation", "category")

    def scoped(self, user):
        # Held by the lead organisation once dispatched; before that by the 12345 centre, which overseers watch.
        from zhengwu.supervision.selectors import is_overseer
        from zhengwu.tickets import selectors as ticket_selectors

        records = self.open_records()
        if is_overseer(user):
            return records.filter(pk__in=ticket_selectors.visible_tickets(user).values("pk"))
        return access.scope(user, records, "lead_organisation")

    def yellow_q(self, m, records):
        q = Q(pk__in=[])
        for hours in set(
            records.order_by().values_list("category__first_answer_hours", flat=True).distinct()
        ):
            soon = {"first_answer_due__gte": m.now, "first_answer_due__lte": m.now + m.hour_room(hours)}
            q |= Q(category__first_answer_hours=hours, **soon)
        return q

    def found(self, m):
        waiting = Q(status__in=OPEN_STATUSES, first_answered_at=None, first_answer_due__lt=m.now)
        late = Q(first_answered_at__gt=F("first_answer_due"))
        rows = unraised(
            Ticket.objects.filter(first_answer_due__isnull=False).filter(waiting | late),
            key_of(self.code, "t", F("pk")),
        )
        for t in rows.select_related("lead_organisation", "mailbox").order_by("pk"):
            found = TicketFirstAnswerLate.finding(t, as_of=m.now)
            organisation = responsible_for_ticket(t)
            if found is None or organisation is None:
                continue
            yield Found(
                t.alert_key, _ticket_text(t, found.explanation), found, organisation.pk, {"ticket": t}
            )


# ---- 好差评整改 (rectifications of bad ratings)


class RectificationOverdue(DeadlineRule):
    # 国办发〔2019〕51号 三(一): a bad rating is verified, put right and answered within the local limit
    # (evaluation.rules.rectification_due).
    domain = "rating"
    code = "rectification_overdue"
    severity = Severity.WARNING
    title = _lazy("差评整改超过反馈期限")
    subject = _lazy("差评整改")
    deadline = _lazy("反馈期限")
    due_field = "due"
    limit_field = "limit_days"

    def open_records(self):
        states = (evaluation_rules.OPEN, evaluation_rules.VERIFIED, evaluation_rules.RECTIFIED)
        return Rectification.objects.filter(state__in=states).select_related("rating", "organisation")

    def row(self, r, level):
        url = reverse("workbench_evaluation:rectification", args=[r.pk])
        rating = r.rating
        return Row(
            rating.subject_number,
            f"{rating.get_level_display()} · {rating.subject_title}",
            r.organisation.name,
            r.due.isoformat(),
            level,
            url,
            r.due_provisional,
        )

    def found(self, m):
        replied_late = Q(replied_on__gt=F("due"))
        rows = (
            Rectification.objects.annotate(replied_on=TruncDate("replied_at", tzinfo=clock.LOCAL))
            .filter(Q(pk__in=self.open_records().filter(due__lt=m.today).values("pk")) | replied_late)
            .select_related("rating", "organisation")
        )
        for r in unraised(rows, key_of(self.code, "x", F("pk"))).order_by("pk"):
            done_on = r.replied_on if r.replied_on and r.replied_on > r.due else None
            sentence, facts = late_sentence(m, r.due, done_on, what=_("反馈评价人"))
            rating = r.rating
            text = _(
                "%(level)s(评价于 %(opened)s)的整改反馈期限为 %(due)s"
                "(%(limit)s 个工作日),%(sentence)s。差评应在规定时限内核实整改并反馈评价人"
                "(国办发〔2019〕51号)。"
            ) % {
                "level": rating.get_level_display(),
                "opened": r.opened_on.isoformat(),
                "due": r.due.isoformat(),
                "limit": r.limit_days,
                "sentence": sentence,
            }
            found = finding(
                text, {**facts, "rating": rating.subject_number}, m, r.due, provisional=r.due_provisional
            )
            yield Found(
                r.alert_key,
                _("差评整改 %(number)s(%(title)s):%(explanation)s")
                % {
                    "number": rating.subject_number,
                    "title": rating.subject_title[:30],
                    "explanation": found.explanation,
                },
                found,
                r.organisation_id,
                {"rectification": r},
            )


class AppealReviewOverdue(DeadlineRule):
    # 国办发〔2019〕51号 (差评申诉复核) names no time limit: where the region sets one (EvaluationSettings
    # .appeal_review_days), the centre decides an appeal by the due day stored on it (evaluation.rules.appeal_review_due).
    domain = "rating"
    code = "appeal_review_overdue"
    severity = Severity.WARNING
    title = _lazy("差评申诉超过复核期限")
    subject = _lazy("差评申诉")
    deadline = _lazy("复核期限")
    due_field = "review_due"
    organisation_field = "rating__organisation"
    limit_field = "review_days"

    def open_records(self):
        return Appeal.objects.filter(state=Appeal.State.PENDING, review_due__isnull=False).select_related(
            "rating", "rating__organisation"
        )

    def row(self, a, level):
        rating = a.rating
        return Row(
            rating.subject_number,
            f"{rating.get_level_display()} · {rating.subject_title}",
            rating.organisation.name,
            a.review_due.isoformat(),
            level,
            reverse("workbench_evaluation:appeals"),
            a.review_due_provisional,
        )

    def found(self, m):
        decided_late = Q(decided_on__gt=F("review_due"))
        rows = (
            Appeal.objects.filter(review_due__isnull=False)
            .annotate(decided_on=TruncDate("decided_at", tzinfo=clock.LOCAL))
            .filter(Q(state=Appeal.State.PENDING, review_due__lt=m.today) | decided_late)
            .select_related("rating", "rating__organisation")
        )
        for a in unraised(rows, key_of(self.code, "a", F("pk"))).order_by("pk"):
            done_on = a.decided_on if a.state != Appeal.State.PENDING else None
            sentence, facts = late_sentence(m, a.review_due, done_on, what=_("复核"))
            rating = a.rating
            text = _(
                "对%(level)s的申诉(%(filed)s 提出)的复核期限为 %(due)s(本地区规定 %(limit)s 个工作日),"
                "%(sentence)s。"
            ) % {
                "level": rating.get_level_display(),
                "filed": clock.local_date(a.filed_at).isoformat(),
                "due": a.review_due.isoformat(),
                "limit": a.review_days,
                "sentence": sentence,
            }
            found = finding(
                text,
                {**facts, "rating": rating.subject_number},
                m,
                a.review_due,
                provisional=a.review_due_provisional,
            )
            yield Found(
                a.alert_key,
                _("差评申诉 %(number)s(%(title)s):%(explanation)s")
                % {
                    "number": rating.subject_number,
                    "title": rating.subject_title[:30],
                    "explanation": found.explanation,
                },
                found,
                rating.organisation_id,
            )


# ---- 督办 (supervision orders' own deadline)


class OrderOverdue(DeadlineRule):
    # 督办 rule (services.issue_order): the organisation reports back within the order's working days; one that does
    # not is escalated a level (逐级督办), and the breach stays on record here, once per level.
    domain = "supervision"
    code = "order_overdue"
    severity = Severity.SERIOUS
    title = _lazy("督办逾期未反馈")
    subject = _lazy("督办单")
    deadline = _lazy("反馈期限")
    due_field = "due_on"
    limit_field = "response_days"

    def open_records(self):
        return SupervisionOrder.objects.filter(state=SupervisionOrder.State.OPEN).select_related(
            "organisation"
        )

    def row(self, o, level):
        url = reverse("workbench_supervision:order", args=[o.number])
        return Row(o.number, o.subject_label, o.organisation.name, o.due_on.isoformat(), level, url)

    def found(self, m):
        overdue = self.open_records().filter(due_on__lt=m.today)
        for o in unraised(overdue, key_of(self.code, "o", F("pk"), F("level"))).order_by("pk"):
            yield self._found(m, o, o.level, o.organisation_id, o.due_on, None)
        level = Coalesce(KeyTextTransform("level", "data"), Cast("order__level", CharField()))
        late = unraised(
            OrderStep.objects.filter(action="respond", data__late=True),
            key_of(self.code, "o", F("order_id"), level),
        )
        for step in late.select_related("order").order_by("pk"):
            due = _due_before(step.order, step.seq)
            if due is not None:
                level = int((step.data or {}).get("level") or step.order.level)
                yield self._found(m, step.order, level, step.organisation_id, due, step)

    def _found(self, m, o: SupervisionOrder, level: int, organisation_id, due: dt.date, step) -> Found:
        done_on = clock.local_date(step.at) if step is not None else None
        sentence, facts = late_sentence(m, due, done_on, what=_("反馈整改情况"))
        text = _(
            "第 %(level)s 级督办的反馈期限为 %(due)s(%(limit)s 个工作日),%(sentence)s。"
            "逾期未反馈的督办逐级升级督办。"
        ) % {"level": level, "due": due.isoformat(), "limit": o.response_days, "sentence": sentence}
        found = finding(text, {**facts, "order": o.number, "level": level}, m, due)
        return Found(
            f"{self.code}:o{o.pk}:{level}",
            _("督办单 %(number)s(%(subject)s):%(explanation)s")
            % {"number": o.number, "subject": o.subject_label, "explanation": found.explanation},
            found,
            organisation_id or o.organisation_id,
            {"subject_order": o},
        )


def _due_before(order: SupervisionOrder, seq: int) -> dt.date | None:
    """The order's due date in force before step `seq` (set by the latest issue, return or escalation before it)."""
    data = (
        order.steps.filter(seq__lt=seq, action__in=("issue", "return", "escalate"))
        .order_by("-seq")
        .values_list("data", flat=True)
        .first()
    )
    due = (data or {}).get("due_on")
    return dt.date.fromisoformat(due) if due else None


def deadline_rules() -> list[DeadlineRule]:
    """Every deadline rule, in the order written."""
    return [cls() for cls in DeadlineRule.registry]


def rule_by_code(code: str) -> DeadlineRule | None:
    from zhengwu.supervision.rules import canonical_code

    code = canonical_code(code)
    return next((r for r in deadline_rules() if r.code == code), None)


def scan(m: Moment) -> int:
    """Raise every deadline rule's alerts at the moment; returns how many are new."""
    return sum(rule.raise_all(m) for rule in deadline_rules())
