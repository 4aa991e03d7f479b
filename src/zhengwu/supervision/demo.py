"""Demo 督办 for `zhengwu demo`: the supervisor turns two of the demo's alerts on 市场监管局 cases into supervision
orders — one answered by the department head and waiting for the supervisor to close it, one still waiting for its
answer — so each role finds its part of the chain (loaded after the demo cases; once)."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction

from zhengwu.cases.demo import DEMO_PREFIX, Days
from zhengwu.core import clock
from zhengwu.supervision import services
from zhengwu.supervision.models import Alert, SupervisionOrder


def load_demo() -> str:
    """Issue the demo orders (once); a one-line summary."""
    demo_alerts = Alert.objects.filter(case__idempotency_key__startswith=DEMO_PREFIX)
    if SupervisionOrder.objects.filter(alert__in=demo_alerts).exists():
        return "督办演示:已存在,未重复载入"
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["supervisor", "head"])}
    if len(users) < 2:
        return "督办演示:缺少演示账号 supervisor / head,未载入"
    candidates = list(
        demo_alerts.filter(organisation__short_name="市场监管局", state=Alert.State.OPEN).order_by(
            "raised_at", "pk"
        )[:2]
    )
    if len(candidates) < 2:
        return "督办演示:演示办件中没有可督办的异常,未载入"
    days = Days()
    with transaction.atomic():
        answered, waiting = candidates
        with clock.frozen(_at(days.ago(3), 10, answered.raised_at)):
            order = services.escalate_alert(
                alert=answered,
                by=users["supervisor"],
                instruction="请于5个工作日内说明原因并加快办理",
                response_days=5,
            )
        with clock.frozen(_at(days.ago(1), 15, order.issued_at)):
            services.respond_order(
                order=order, by=users["head"], response="已约谈承办人,补齐审查意见,本周内作出决定并告知申请人"
            )
        with clock.frozen(_at(days.ago(0), 9, waiting.raised_at)):
            services.escalate_alert(
                alert=waiting,
                by=users["supervisor"],
                instruction="请核实情况并在3个工作日内书面答复",
                response_days=3,
            )
    return "督办演示:新增 2 件(1 件已答复待办结,1 件待答复)"


def _at(day: dt.date, hour: int, not_before: dt.datetime | None) -> dt.datetime:
    """Working hours on the day, never before what it follows, never in the future."""
    moment = dt.datetime.combine(day, dt.time(hour), tzinfo=clock.LOCAL)
    if not_before is not None and moment <= not_before:
        moment = not_before + dt.timedelta(minutes=20)
    return min(moment, clock.now() - dt.timedelta(minutes=1))
