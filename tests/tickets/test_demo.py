"""The demo county's 12345 activity, loaded through the services: one 政民互动 message answered in time (受理回复)
and one overdue for its 24-hour first answer, warned and raised to supervision."""

import pytest

from zhengwu.core.demo import load_demo as load_county
from zhengwu.supervision import rules  # noqa: F401 — connects the ticket rules to TicketEvent
from zhengwu.supervision.models import Alert
from zhengwu.tickets import demo
from zhengwu.tickets.deadlines import FirstAnswerState

pytestmark = pytest.mark.django_db


def test_the_demo_shows_a_first_answer_in_time_and_one_overdue():
    load_county()
    line = demo.load_demo()
    assert "24小时未首次答复 1 件" in line
    tickets = {t.title: t for t in demo.demo_tickets()}
    in_time = tickets["无证加工豆制品"]
    assert in_time.first_answer_state == FirstAnswerState.ANSWERED
    assert in_time.events.filter(action="interim_reply").exists()
    overdue = tickets["建议增加午间服务"]
    assert overdue.first_answer_state == FirstAnswerState.OVERDUE
    assert overdue.events.filter(action="first_answer_warning", data__level="overdue").count() == 1
    waiting = [t for t in tickets.values() if t.first_answer_state == FirstAnswerState.OVERDUE]
    assert waiting == [overdue]
    assert Alert.objects.filter(code="ticket.first_answer_late", data__ticket=overdue.number).count() == 1
    assert demo.load_demo().startswith("12345 演示:已存在")
