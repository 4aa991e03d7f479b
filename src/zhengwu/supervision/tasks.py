"""Background work for supervision, run by the task worker: pushing warnings and the periodic scan. Tasks take no
objects and are idempotent: a warning is pushed once per case, level and person (a unique row says it was)."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from django_tasks import task

from zhengwu.cases.models import Case, CaseEvent, CaseStep
from zhengwu.core import clock, outbox
from zhengwu.core.calendar import chinese_date
from zhengwu.core.context import acting_as
from zhengwu.core.models import Role, Staff
from zhengwu.supervision import levels, selectors
from zhengwu.supervision.models import Level, WarningPush

log = logging.getLogger(__name__)


def _handler(case: Case):
    """Who holds the case now: the open step's assignee, else whoever accepted it, else the clerk who registered it."""
    step = case.steps.filter(state=CaseStep.State.OPEN, assignee__isnull=False).first()
    if step is not None:
        return step.assignee
    accept = (
        CaseEvent.objects.filter(case=case, action="accept", actor__isnull=False)
        .select_related("actor")
        .order_by("-seq")
        .first()
    )
    if accept is not None:
        return accept.actor
    if case.created_by_id and Staff.objects.filter(user_id=case.created_by_id).exists():
        return case.created_by
    return None


def _heads(case: Case) -> list:
    return [
        s.user
        for s in Staff.objects.filter(
            organisation=case.organisation, roles__role=Role.DEPARTMENT_HEAD
        ).select_related("user")
    ]


def _message(case: Case, level: str) -> str:
    due = case.intake_due if case.status == "received" else case.promised_due
    what = _("受理审查期限") if case.status == "received" else _("承诺办结期限")
    # the day as people write it (2026年10月16日): the push is read on a phone, not parsed
    said = {
        "number": case.number,
        "name": case.version.name,
        "what": what,
        "due": chinese_date(due) if due else "",
    }
    if level == levels.RED:
        return _("【超期】办件 %(number)s(%(name)s)已超过%(what)s %(due)s,请立即办理并说明原因。") % said
    return _("【预警】办件 %(number)s(%(name)s)%(what)s为 %(due)s,即将到期,请抓紧办理。") % said


def push_warnings(*, today: dt.date | None = None) -> int:
    """Tell the handler and the department head once when a case turns yellow and once when it turns red."""
    today = today or clock.today()
    pushed = 0
    for level, q in ((levels.RED, selectors.red_q(today)), (levels.YELLOW, selectors.yellow_q(today))):
        cases = (
            Case.objects.filter(q)
            .exclude(Exists(WarningPush.objects.filter(case=OuterRef("pk"), level=level)))
            .select_related("version", "organisation", "created_by")
        )
        for case in cases:
            recipients = [("handler", _handler(case))] + [("head", u) for u in _heads(case)]
            seen = set()
            for role, user in recipients:
                if user is None or user.pk in seen:
                    continue
                seen.add(user.pk)
                text = _message(case, level)
                try:
                    with transaction.atomic():
                        WarningPush.objects.create(
                            case=case,
                            level=Level(level),
                            recipient=user,
                            role=role,
                            message=text,
                            created_at=clock.now(),
                        )
                except IntegrityError:
                    continue
                pushed += 1
                if user.email:  # the one outbox: sent after commit, retried if the mail server fails
                    outbox.post("email", user.email, text, subject=_("政务服务电子监察预警"), now=True)
    return pushed


@task()
def push_warnings_task() -> int:
    with acting_as(label="supervision warnings task"):
        return push_warnings()


@task()
def scan_task() -> dict:
    """The periodic scan (schedule it hourly or daily): time-driven alerts, order escalation, warnings."""
    from zhengwu.supervision import services

    with acting_as(label="supervision scan task"):
        return services.scan()
