"""Reads for supervision, scoped through zhengwu.core.access: staff see their own cases, department heads their
organisation's, centre managers and supervisors their region's. Levels are computed by the database from dates
worked out once in Python (see levels.last_yellow_due), so a list of a hundred thousand cases costs one query."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Case as When_
from django.db.models import CharField, Count, Q, QuerySet, Value, When

from zhengwu.cases.models import Case, CaseStep, Status
from zhengwu.core import access, clock
from zhengwu.core.calendar import current_calendar
from zhengwu.core.errors import NotFound
from zhengwu.core.models import Role
from zhengwu.supervision import levels
from zhengwu.supervision.models import Alert, SupervisionOrder, Thresholds, WarningPush

OVERSEERS = (Role.SUPERVISOR, Role.CENTRE_MANAGER)
INTAKE_LIMIT = 5  # 行政许可法 第三十二条: the intake decision within 5 working days


def thresholds() -> Thresholds:
    """The configured thresholds, or the defaults when none were saved."""
    return Thresholds.objects.filter(pk=1).first() or Thresholds()


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
        raise NotFound("找不到该办件,或不在您的监察范围内", field="case")
    return case


# ---- alerts and orders


def visible_alerts(user) -> QuerySet[Alert]:
    """Alerts on cases in the user's scope (department heads their organisation's, overseers their region's)."""
    rows = Alert.objects.select_related("case", "organisation")
    if access.is_administrator(user):
        return rows
    staff = access.staff_of(user)
    if staff is None:
        return rows.none()
    if staff.has_role(*OVERSEERS, Role.DEPARTMENT_HEAD):
        return access.scope(user, rows, "organisation")
    return rows.filter(case__in=supervised_cases(user).values("pk"))


def alert_for(user, pk: int) -> Alert:
    alert = visible_alerts(user).filter(pk=pk).first()
    if alert is None:
        raise NotFound("找不到该异常", field="alert")
    return alert


def visible_orders(user) -> QuerySet[SupervisionOrder]:
    """Orders to organisations in the user's scope (the supervisor's region; the department's own, also once escalated
    above it); other staff see the orders on the cases they handle."""
    rows = SupervisionOrder.objects.select_related("organisation", "case", "alert", "issued_by")
    if access.is_administrator(user):
        return rows
    staff = access.staff_of(user)
    if staff is None:
        return rows.none()
    if not staff.has_role(*OVERSEERS, Role.DEPARTMENT_HEAD):
        return rows.filter(case__in=supervised_cases(user).values("pk"))
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
        raise NotFound(f"找不到督办单 {number}", field="order")
    return order


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
    to report back on, soonest due first."""
    staff = access.staff_of(user)
    if staff is None:
        return SupervisionOrder.objects.none()
    path = staff.organisation.path
    return (
        SupervisionOrder.objects.select_related("organisation")
        .filter(Q(organisation__path__startswith=path) | Q(origin__path__startswith=path))
        .filter(state=SupervisionOrder.State.OPEN)
        .order_by("due_on", "id")
    )


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
