"""Reads for supervision, scoped through zhengwu.core.access: staff see their own cases, department heads their
organisation's, centre managers and supervisors their region's. Levels are computed by the database from dates
worked out once in Python (see levels.last_yellow_due), so a list of a hundred thousand cases costs one query."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Case as When_
from django.db.models import CharField, Count, Q, QuerySet, Value, When
from django.utils.translation import gettext

from zhengwu.cases.models import Case, CaseEvent, CaseStep, Status
from zhengwu.core import access, clock
from zhengwu.core import thresholds as _thresholds
from zhengwu.core.calendar import chinese_date, current_calendar
from zhengwu.core.errors import NotFound
from zhengwu.core.models import Role
from zhengwu.core.prepared import Prepared
from zhengwu.supervision import deadline_rules, levels, rules
from zhengwu.supervision.models import Alert, SupervisionOrder, Thresholds, WarningPush

OVERSEERS = (Role.SUPERVISOR, Role.CENTRE_MANAGER)
INTAKE_LIMIT = _thresholds.INTAKE_WORKDAYS  # 行政许可法 第三十二条 (core.thresholds)


# read by every case write's rules: compiled once per connection (core.prepared)
_THRESHOLDS = Prepared(lambda: Thresholds.objects.filter(pk=1)[:1])


def thresholds() -> Thresholds:
    """The configured thresholds, or the defaults when none were saved."""
    return _THRESHOLDS.first() or Thresholds()


def policy() -> levels.Policy:
    row = thresholds()
    return levels.Policy(warn_workdays=row.warn_workdays, warn_share=Decimal(row.warn_share or 0))


def is_overseer(user) -> bool:
    return access.is_administrator(user) or access.has_role(user, *OVERSEERS)


def supervised_cases(user) -> QuerySet[Case]:
    """Cases the user watches: overseers their region's, department heads their organisation's, other staff the
    cases they registered or hold a step of."""
    cases = Case.objects.select_related("organisation", "window", "version", "applicant")
    if access.is_administrator(user):
        return cases
    staff = access.staff_of(user)
    if staff is None:
        return cases.none()
    if staff.has_role(*OVERSEERS, Role.DEPARTMENT_HEAD):
        return access.scope(user, cases, "organisation")
    mine = CaseStep.objects.filter(assignee=user).values("case_id")
    return cases.filter(Q(created_by=user) | Q(pk__in=mine))


# ---- levels in SQL


def red_q(today: dt.date) -> Q:
    """Open cases past their governing due date: the intake decision while received, the promised date once accepted."""
    return Q(status=Status.RECEIVED, intake_due__lt=today) | Q(status=Status.ACCEPTED, promised_due__lt=today)


def yellow_q(today: dt.date, *, policy_: levels.Policy | None = None, limits=None) -> Q:
    """Open cases within the warning room of their governing due date (not yet red)."""
    policy_ = policy_ or policy()
    calendar = current_calendar()
    cut = levels.last_yellow_due(calendar, today, limit=INTAKE_LIMIT, policy=policy_)
    q = Q(status=Status.RECEIVED, intake_due__gte=today, intake_due__lte=cut)
    if not policy_.warn_share:
        cut = levels.last_yellow_due(calendar, today, policy=policy_)
        return q | Q(status=Status.ACCEPTED, promised_due__gte=today, promised_due__lte=cut)
    if limits is None:
        limits = (
            Case.objects.filter(status=Status.ACCEPTED)
            .values_list("version__promised_limit", flat=True)
            .distinct()
        )
    for limit in set(limits):
        cut = levels.last_yellow_due(calendar, today, limit=limit, policy=policy_)
        q |= Q(
            status=Status.ACCEPTED,
            version__promised_limit=limit,
            promised_due__gte=today,
            promised_due__lte=cut,
        )
    return q


def with_levels(cases: QuerySet[Case], today: dt.date | None = None) -> QuerySet[Case]:
    """Annotate `level` (normal / yellow / red) on each case, as of today."""
    today = today or clock.today()
    return cases.annotate(
        level=When_(
            When(red_q(today), then=Value(levels.RED)),
            When(yellow_q(today), then=Value(levels.YELLOW)),
            default=Value(levels.NORMAL),
            output_field=CharField(),
        )
    )


def level_counts(user, today: dt.date | None = None) -> dict:
    """Today's red and yellow cases in the user's scope, in one query."""
    today = today or clock.today()
    return supervised_cases(user).aggregate(
        red=Count("pk", filter=red_q(today)), yellow=Count("pk", filter=yellow_q(today))
    )


def cases_at_level(user, level: str, today: dt.date | None = None) -> QuerySet[Case]:
    today = today or clock.today()
    q = red_q(today) if level == levels.RED else yellow_q(today)
    return with_levels(supervised_cases(user).filter(q), today).order_by("promised_due", "intake_due", "id")


def case_level(case: Case, today: dt.date | None = None) -> str:
    """One case's level (for its page), by the pure rule."""
    today = today or clock.today()
    if case.status == Status.RECEIVED:
        due, limit = case.intake_due, INTAKE_LIMIT
    elif case.status == Status.ACCEPTED:
        due, limit = case.promised_due, case.version.promised_limit
    else:
        return levels.NORMAL
    return levels.level(current_calendar(), today, due, limit=limit, policy=policy())


def step_levels(case: Case, today: dt.date | None = None) -> list[tuple[CaseStep, str]]:
    """Each step of the case with its level (open steps only turn yellow or red)."""
    today = today or clock.today()
    pol = policy()
    return [
        (step, step_level(step, today, policy_=pol) if case.status == Status.ACCEPTED else levels.NORMAL)
        for step in case.steps.order_by("position")
    ]


def case_for(user, pk: int) -> Case:
    case = supervised_cases(user).filter(pk=pk).first()
    if case is None:
        raise NotFound(gettext("找不到该办件,或不在您的监察范围内"), field="case")
    return case


# ---- alerts and orders


def visible_alerts(user) -> QuerySet[Alert]:
    """Alerts held by organisations in the user's scope (department heads their organisation's, overseers their
    region's); other staff see the alerts on cases they handle, disclosure officers their office's on requests."""
    rows = Alert.objects.select_related(
        "case", "organisation", "ticket", "request", "rectification__rating", "subject_order"
    )
    if access.is_administrator(user):
        return rows
    staff = access.staff_of(user)
    if staff is None:
        return rows.none()
    if staff.has_role(*OVERSEERS, Role.DEPARTMENT_HEAD):
        return access.scope(user, rows, "organisation")
    mine = Q(case__in=supervised_cases(user).values("pk"))
    if staff.has_role(Role.DISCLOSURE_OFFICER):
        mine |= access.scope_q(user, "organisation") & Q(request__isnull=False)
    return rows.filter(mine)


def alerts_on_case(case: Case) -> QuerySet[Alert]:
    """The alerts supervision raised on one case, newest first: the case page's 监察提示 (whoever may open the case
    reads them there; the alert list and its review stay with visible_alerts)."""
    return Alert.objects.filter(case=case).order_by("-raised_at", "-id")


def filtered_alerts(user, *, state: str = "", domain: str = "", code: str = "") -> QuerySet[Alert]:
    """The user's alerts in a state (all when empty or "all"), of one domain (`disclosure` …) or one rule code
    (codes written before they carried their domain still work)."""
    rows = visible_alerts(user)
    if state and state != "all":
        rows = rows.filter(state=state)
    if domain in rules.DOMAINS:
        rows = rows.filter(code__startswith=f"{domain}.")
    if code:
        rows = rows.filter(code=rules.canonical_code(code))
    return rows


def alert_for(user, pk: int) -> Alert:
    alert = visible_alerts(user).filter(pk=pk).first()
    if alert is None:
        raise NotFound(gettext("找不到该异常"), field="alert")
    return alert


def visible_orders(user) -> QuerySet[SupervisionOrder]:
    """Orders to organisations in the user's scope (the supervisor's region; the department's own, also once escalated
    above it); other staff see the orders on the cases they handle, disclosure officers their office's orders on
    disclosure requests."""
    rows = SupervisionOrder.objects.select_related("organisation", "case", "alert", "issued_by")
    if access.is_administrator(user):
        return rows
    staff = access.staff_of(user)
    if staff is None:
        return rows.none()
    if not staff.has_role(*OVERSEERS, Role.DEPARTMENT_HEAD):
        mine = Q(case__in=supervised_cases(user).values("pk"))
        if staff.has_role(Role.DISCLOSURE_OFFICER):
            mine |= (access.scope_q(user, "organisation") | access.scope_q(user, "origin")) & ON_REQUESTS
        return rows.filter(mine)
    mine = Q(pk__in=access.scope(user, SupervisionOrder.objects.all(), "organisation").values("pk"))
    return rows.filter(
        mine | Q(pk__in=access.scope(user, SupervisionOrder.objects.all(), "origin").values("pk"))
    )


def order_counts(user) -> dict[str, int]:
    """How many orders in the user's scope are in each state."""
    return dict(visible_orders(user).order_by().values_list("state").annotate(n=Count("pk")))


def order_for(user, number: str) -> SupervisionOrder:
    order = visible_orders(user).filter(number=number).first()
    if order is None:
        raise NotFound(gettext("找不到督办单 %(number)s") % {"number": number}, field="order")
    return order


# Orders about a disclosure request: on it by its number, or on an alert raised on it.
ON_REQUESTS = Q(subject=SupervisionOrder.Subject.REQUEST) | Q(alert__request__isnull=False)


def orders_on_request(user, request) -> QuerySet[SupervisionOrder]:
    """The orders the user may see about one disclosure request (for the request's page)."""
    return visible_orders(user).filter(Q(request_ref=request.number) | Q(alert__request=request))


def overdue_orders(today: dt.date | None = None) -> QuerySet[SupervisionOrder]:
    today = today or clock.today()
    return SupervisionOrder.objects.filter(state=SupervisionOrder.State.OPEN, due_on__lt=today)


def warnings_for(user) -> QuerySet[WarningPush]:
    """The warnings pushed to this person, newest first."""
    return WarningPush.objects.filter(recipient=user).select_related("case")


# ---- what waits for a person (the workbench home)


def alerts_to_review(user) -> QuerySet[Alert]:
    """Open alerts in the user's scope, newest first: a supervisor's to review, a department head's to explain."""
    return visible_alerts(user).filter(state=Alert.State.OPEN)


def orders_to_answer(user) -> QuerySet[SupervisionOrder]:
    """Open orders addressed to the user's own organisation or one below it (also once escalated above it): theirs
    to report back on, soonest due first. A disclosure officer answers only those about the office's requests."""
    staff = access.staff_of(user)
    if staff is None:
        return SupervisionOrder.objects.none()
    rows = (
        SupervisionOrder.objects.select_related("organisation")
        .filter(access.acts_for_q(staff, "organisation") | access.acts_for_q(staff, "origin"))
        .filter(state=SupervisionOrder.State.OPEN)
        .order_by("due_on", "id")
    )
    if not access.has_role(user, Role.DEPARTMENT_HEAD, Role.CENTRE_MANAGER):
        rows = rows.filter(ON_REQUESTS) if access.has_role(user, Role.DISCLOSURE_OFFICER) else rows.none()
    return rows


def orders_to_close(user) -> QuerySet[SupervisionOrder]:
    """Orders in the user's scope whose organisation has reported back: the supervisor closes or returns them."""
    return visible_orders(user).filter(state=SupervisionOrder.State.RESPONDED).order_by("responded_at", "id")


def step_level(step: CaseStep, today: dt.date | None = None, *, policy_: levels.Policy | None = None) -> str:
    """An open step's level by its own due date and limit (normal once it is done)."""
    if step.state != CaseStep.State.OPEN or step.due_on is None:
        return levels.NORMAL
    return levels.level(
        current_calendar(), today or clock.today(), step.due_on, limit=step.days, policy=policy_ or policy()
    )


# ---- every other deadline the platform keeps (deadline_rules)


def deadline_counts(user, today: dt.date | None = None) -> list[dict]:
    """For each deadline rule with levels: its label, its domain and today's red and yellow records in scope."""
    moment = deadline_rules.Moment.of(today)
    out = []
    for rule in deadline_rules.deadline_rules():
        if not rule.has_levels:
            continue
        counts = rule.counts(user, moment)
        out.append(
            {
                "code": rule.code,
                "label": rule.label,
                "domain": rule.domain,
                "domain_label": str(rules.DOMAINS[rule.domain]),
                **counts,
            }
        )
    return out


def deadline_rows(user, code: str, level: str, today: dt.date | None = None):
    """The records of one deadline rule at a level today, in the user's scope: (rule, rows); NotFound for a code
    that names no deadline."""
    rule = deadline_rules.rule_by_code(code)
    if rule is None or not rule.has_levels or level not in (levels.RED, levels.YELLOW):
        raise NotFound(gettext("没有这一类期限"), field="rule")
    moment = deadline_rules.Moment.of(today)
    return rule, [rule.row(r, level) for r in rule.at_level(user, level, moment)[:500]]


def with_subjects(user, alerts) -> list[Alert]:
    """The alerts, each with `subject_label` (what it is about: 办件 …, 依申请公开 …) and `subject_url` (its page, only
    where the user may open it), in one query per kind of record on the list."""
    from django.urls import reverse

    from zhengwu.disclosure.models import DisclosureRequest
    from zhengwu.evaluation.models import Rectification
    from zhengwu.tickets import selectors as ticket_selectors

    kinds = (  # link on the alert, its label, its page (route, argument), the records the user may open
        (
            "case_id",
            lambda a: gettext("办件 %(number)s") % {"number": a.case.number},
            lambda a: ("workbench_supervision:case", a.case_id),
            lambda: supervised_cases(user),
        ),
        (
            "request_id",
            lambda a: gettext("依申请公开 %(number)s") % {"number": a.request.number},
            lambda a: ("workbench_disclosure:request", a.request_id),
            lambda: access.scope(user, DisclosureRequest.objects.all()),
        ),
        (
            "ticket_id",
            lambda a: gettext("工单 %(number)s") % {"number": a.ticket.number},
            lambda a: ("workbench_tickets:ticket", a.ticket.number),
            lambda: ticket_selectors.visible_tickets(user),
        ),
        (
            "rectification_id",
            lambda a: gettext("差评整改 %(number)s") % {"number": a.rectification.rating.subject_number},
            lambda a: ("workbench_evaluation:rectification", a.rectification_id),
            lambda: access.scope(user, Rectification.objects.all()),
        ),
        (
            "subject_order_id",
            lambda a: gettext("督办单 %(number)s") % {"number": a.subject_order.number},
            lambda a: ("workbench_supervision:order", a.subject_order.number),
            lambda: visible_orders(user),
        ),
    )
    alerts = list(alerts)
    for a in alerts:
        a.subject_label, a.subject_url = "", None
    for link, label, page, openable in kinds:
        ids = {getattr(a, link) for a in alerts if getattr(a, link) and not a.subject_label}
        if not ids:
            continue
        seen = set(openable().filter(pk__in=ids).values_list("pk", flat=True))
        for a in alerts:
            if getattr(a, link) in ids and not a.subject_label:
                a.subject_label = label(a)
                name, arg = page(a)
                a.subject_url = reverse(name, args=[arg]) if getattr(a, link) in seen else None
    return alerts


# ---- the workbench's supervision pages (workbench/supervision/views.py reads through these)


def recent_open_alerts(user, n: int = 8) -> list[Alert]:
    """The dashboard's newest open alerts in scope, with what each is about (with_subjects)."""
    return with_subjects(user, alerts_to_review(user)[:n])


def open_counts(user) -> dict[str, int]:
    """The dashboard's figures: open alerts and orders not yet closed, in the user's scope."""
    return {
        "open_alerts": alerts_to_review(user).count(),
        "open_orders": visible_orders(user).exclude(state=SupervisionOrder.State.CLOSED).count(),
    }


def case_trends(user, today: dt.date | None = None) -> dict:
    """Cases received, completed and completed late (decided after the promised date) in the user's scope, by week
    for the last twelve weeks and by month for the last year: {"weeks": …, "months": …}, each with its labels (the
    week's or month's first day, in China) and one figure per label."""
    from django.db.models import F
    from django.db.models.functions import TruncDate, TruncMonth, TruncWeek

    today = today or clock.today()
    cases = supervised_cases(user).order_by()
    since_weeks = dt.datetime.combine(today - dt.timedelta(weeks=12), dt.time(0), tzinfo=clock.LOCAL)
    since_months = dt.datetime.combine(
        dt.date(today.year - 1, today.month, 1), dt.time(0), tzinfo=clock.LOCAL
    )

    def series(trunc, since):
        received = (
            cases.filter(received_at__gte=since)
            .annotate(t=trunc("received_at", tzinfo=clock.LOCAL))
            .values("t")
            .annotate(n=Count("pk"))
        )
        done = (
            cases.filter(status=Status.COMPLETED, finished_at__gte=since)
            .annotate(
                t=trunc("finished_at", tzinfo=clock.LOCAL),
                decided_on=TruncDate("decided_at", tzinfo=clock.LOCAL),  # the day in China, not in UTC
            )
            .values("t")
            .annotate(n=Count("pk"), late=Count("pk", filter=Q(decided_on__gt=F("promised_due"))))
        )

        def day(row) -> str:  # the week's or month's first day, in China
            return clock.local_date(row["t"]).isoformat()

        keys = sorted({day(r) for r in received} | {day(r) for r in done})
        rec = {day(r): r["n"] for r in received}
        fin = {day(r): (r["n"], r["late"]) for r in done}
        return {
            "labels": keys,
            "received": [rec.get(k, 0) for k in keys],
            "completed": [fin.get(k, (0, 0))[0] for k in keys],
            "late": [fin.get(k, (0, 0))[1] for k in keys],
        }

    return {"weeks": series(TruncWeek, since_weeks), "months": series(TruncMonth, since_months)}


def cases_in_progress(user) -> QuerySet[Case]:
    """在办办件: received or accepted cases in the user's scope, with their levels."""
    return with_levels(supervised_cases(user).filter(status__in=[Status.RECEIVED, Status.ACCEPTED]))


def with_joint(cases: QuerySet[Case]) -> QuerySet[Case]:
    """The cases with their joint case (联办件), which a member's row names and links."""
    return cases.select_related("joint_member__joint")


def alerts_on_supervised_case(user, case: Case) -> QuerySet[Alert]:
    """The alerts on one case in the user's scope (the supervision case page)."""
    return visible_alerts(user).filter(case=case)


def orders_on_case(user, case: Case) -> QuerySet[SupervisionOrder]:
    """The orders on one case in the user's scope (the supervision case page)."""
    return visible_orders(user).filter(case=case)


def case_events(case: Case):
    return case.events.order_by("seq")


def orders_in_state(user, state: str) -> QuerySet[SupervisionOrder]:
    """The orders in the user's scope in one state (all of them for "all")."""
    rows = visible_orders(user)
    return rows if state == "all" else rows.filter(state=state)


def subject_page(order: SupervisionOrder) -> tuple[str, object] | None:
    """The workbench page (route name, argument) of what the order is about, or None when it has none."""
    from zhengwu.disclosure.models import DisclosureRequest

    if order.case_id:
        return "workbench_supervision:case", order.case_id
    if order.ticket_id:
        return "workbench_tickets:ticket", order.ticket.number
    if order.request_ref:
        pk = DisclosureRequest.objects.filter(number=order.request_ref).values_list("pk", flat=True).first()
        return ("workbench_disclosure:request", pk) if pk else None
    alert = order.alert
    if alert is not None and alert.rectification_id:
        return "workbench_evaluation:rectification", alert.rectification_id
    if alert is not None and alert.subject_order_id:
        return "workbench_supervision:order", alert.subject_order.number
    return None


def order_steps(order: SupervisionOrder):
    return order.steps.order_by("seq")


def order_accountabilities(order: SupervisionOrder):
    return order.accountabilities.all()


# ---- the hall screen (大屏): public, names masked


def screen_centre(centre_id: int):
    """The service centre of a hall screen, or NotFound."""
    from zhengwu.core.models import ServiceCentre

    centre = ServiceCentre.objects.filter(pk=centre_id).first()
    if centre is None:
        raise NotFound(gettext("找不到该服务中心"))
    return centre


def _screen_name(applicant) -> str:
    """A person's name masked on the public screen (个人信息保护法 第二十八条); an organisation's shown in full."""
    from zhengwu.core.masking import mask_name

    if applicant.kind == applicant.Kind.LEGAL:
        return applicant.name
    return mask_name(applicant.name)


def _screen_when(at, today) -> str:
    """The time of day for today, the date too for an earlier day: the screen never passes a past day for today."""
    if at is None:
        return ""
    local = at.astimezone(clock.LOCAL)
    # as people read a day (11月17日), not 11-17: the screen hangs in the hall
    if local.date() == today:
        return f"{local:%H:%M}"
    return gettext("%(month)s月%(day)s日 %(time)s") % {
        "month": local.month,
        "day": local.day,
        "time": f"{local:%H:%M}",
    }


# What a window does with an application once received: decide on its intake (受理, 一次性告知补正, 不予受理) and
# close it (办结). A case applied for online has no counter window; whoever sits at a window did these for it.
WINDOW_ACTS = ("accept", "request_supplement", "refuse", "complete")


def _window_acts(centre) -> QuerySet[CaseEvent]:
    """The window acts (WINDOW_ACTS) done by staff sitting at one of the centre's windows."""
    from zhengwu.core.models import Staff

    at_windows = Staff.objects.filter(window__centre=centre).values("user_id")
    return CaseEvent.objects.filter(action__in=WINDOW_ACTS, actor__in=at_windows)


def centre_cases(centre) -> QuerySet[Case]:
    """The cases a centre handles: received at one of its windows (窗口收件), or — applied for online, or received
    where no window was recorded — accepted, refused, told to supplement or completed (WINDOW_ACTS) by staff sitting
    at one of its windows now."""
    return Case.objects.filter(Q(window__centre=centre) | Q(pk__in=_window_acts(centre).values("case_id")))


def _handling_windows(centre, cases: list) -> dict:
    """For the cases without a counter window: the window of this centre whose staff last acted on each, by case."""
    without = [c.pk for c in cases if c.window_id is None]
    if not without:
        return {}
    handled: dict = {}
    events = (
        _window_acts(centre)
        .filter(case_id__in=without)
        .select_related("actor__staff__window")
        .order_by("case_id", "seq")
    )
    for event in events:
        handled[event.case_id] = event.actor.staff.window  # the last act wins
    return handled


def hall_figures(centre, figures=()) -> dict:
    """The hall screen's figures for a centre (the cases it handles: centre_cases): today's received and completed
    cases, those in progress, the month's on-time rate, the latest completions (names masked, with the window that
    received or handled each); `figures`: functions of the centre adding their own ({key: number}, joint
    approval's 联办件), passed by the interface so that supervision imports none of them."""
    from zhengwu.supervision import indicators

    today = clock.today()
    start, end = clock.day_bounds(today)  # today in China, whatever the UTC date is
    cases_ = centre_cases(centre).order_by()
    month = indicators.Period.month(today.year, today.month)
    now = clock.now()
    counts = cases_.aggregate(
        today=Count("pk", filter=Q(received_at__gte=start, received_at__lt=end, received_at__lte=now)),
        in_progress=Count(
            "pk",
            filter=Q(
                status__in=[
                    Status.RECEIVED,
                    Status.SUPPLEMENT_REQUESTED,
                    Status.ACCEPTED,
                    Status.SUSPENDED,
                    Status.DECIDED,
                    Status.DELIVERED,
                ]
            ),
        ),
        completed_today=Count(
            "pk",
            filter=Q(
                status=Status.COMPLETED, finished_at__gte=start, finished_at__lt=end, finished_at__lte=now
            ),  # today so far: nothing recorded for later in the day
        ),
    )
    result = indicators.compute(period=month, by=None, cases=cases_)["total"]
    latest = (
        cases_.filter(status=Status.COMPLETED, finished_at__lte=now)  # nothing in the future
        .select_related("applicant", "version", "window")
        .order_by("-finished_at", "-id")[:10]
    )
    latest = list(latest)
    handled = _handling_windows(centre, latest)
    extra = {k: v for figure in figures for k, v in figure(centre).items()}
    return {
        "centre": centre.name,
        "now": f"{chinese_date(clock.local_date(now))} {now.astimezone(clock.LOCAL):%H:%M}",  # 2026年11月18日 23:45
        **counts,
        **extra,
        "on_time_rate": None if result["on_time_rate"] is None else round(result["on_time_rate"] * 100, 1),
        "latest": [
            {
                "applicant": _screen_name(c.applicant),
                "item": c.version.name,
                "window": str(window) if (window := c.window or handled.get(c.pk)) else "",
                "at": _screen_when(c.finished_at, today),
            }
            for c in latest
        ],
    }
