"""No queue number while the hall is closed: taking a number (phone, kiosk, desk, API) outside the group's opening
hours — its slot rules on the calendar's working days, weekends and holidays, or the ordinary office hours on working
days for a group without rules — is refused with the next opening time (国务院关于职工工作时间的规定 第七条;
全国年节及纪念日放假办法). The hall fixture: 综合受理 has working-day rules 09:00–13:00 and a Saturday rule 09:00–11:00;
市场监管 has no rules (09:00–12:00, 13:30–17:00 on working days)."""

import pytest

from zhengwu.core import clock
from zhengwu.core.errors import Conflict
from zhengwu.hall import queue
from zhengwu.hall.models import QueueNumber, QueueSource

from .conftest import at


def _refused(group, source=QueueSource.KIOSK, phone="") -> str:
    with pytest.raises(Conflict) as refused:
        queue.take_number(group=group, source=source, phone=phone)
    assert refused.value.code == "queue.closed"
    return refused.value.message


def test_sunday_dawn_on_the_phone_is_refused_with_monday_opening(hall, client):
    clock.set_now(at("2026-11-22", 6, 48))  # Sunday
    page = client.post(
        f"/hall/{hall.centre.pk}/take/", {"group": hall.dedicated.pk, "phone": "13900001111"}
    ).content.decode()
    assert "「市场监管」现在不在办公时间,不能取号" in page
    assert "明天 9:00 开放" in page
    assert not QueueNumber.objects.exists()


def test_saturday_only_the_group_with_a_saturday_rule_gives_numbers(hall):
    clock.set_now(at("2026-11-21", 10))  # Saturday
    assert queue.take_number(group=hall.general, source=QueueSource.KIOSK).display == "A001"
    assert "11月23日(星期一) 9:00 开放" in _refused(hall.dedicated, QueueSource.DESK)
    clock.set_now(at("2026-11-21", 11, 30))  # the Saturday rule ends at 11:00
    assert "11月23日(星期一) 9:00 开放" in _refused(hall.general)


def test_national_day_is_closed_until_the_first_working_day_after(hall, client):
    clock.set_now(at("2026-10-01", 10))  # a Thursday, 国庆节: the weekend rule does not apply on holidays
    assert "10月8日(星期四) 9:00 开放" in _refused(hall.general)
    response = client.post(
        "/api/queue/numbers", {"group": hall.dedicated.pk, "source": "kiosk"}, content_type="application/json"
    )
    assert response.status_code == 409
    assert "10月8日(星期四) 9:00 开放" in response.json()["message"]


def test_an_adjusted_working_day_gives_numbers(hall):
    clock.set_now(at("2026-09-20", 10))  # Sunday, 调休上班 for 国庆节
    assert queue.take_number(group=hall.dedicated, source=QueueSource.KIOSK).display == "B001"
    clock.set_now(at("2026-10-10", 9, 30))  # Saturday, 调休上班: the working-day rules, not the Saturday one
    assert queue.take_number(group=hall.general, source=QueueSource.KIOSK).display == "A001"


def test_after_hours_on_a_working_day(hall):
    clock.set_now(at("2026-11-18", 12, 30))  # 综合受理's 午间延时 rule; 市场监管 breaks for lunch
    assert queue.take_number(group=hall.general, source=QueueSource.KIOSK).display == "A001"
    assert "今天 13:30 开放" in _refused(hall.dedicated)
    clock.set_now(at("2026-11-18", 17, 30))
    assert "明天 9:00 开放" in _refused(hall.general)


def test_numbers_from_half_an_hour_before_opening(hall):
    clock.set_now(at("2026-11-18", 8, 29))
    assert "今天 9:00 开放(开放前 30 分钟起可取号)" in _refused(hall.dedicated)
    clock.set_now(at("2026-11-18", 8, 30))
    assert queue.take_number(group=hall.dedicated, source=QueueSource.KIOSK).display == "B001"
