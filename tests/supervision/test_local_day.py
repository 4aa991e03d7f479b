""" "Today" is the day in China (Asia/Shanghai) wherever supervision counts days: 00:30 and 23:30 on 18 November in
China fall on 17 and 18 November in UTC, and both belong to the 18th. Windows are named as people know them."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.cases.conftest import resident_id
from tests.factories import paper_checklist
from tests.supervision.conftest import instant_case, submit
from zhengwu.cases import services as cases
from zhengwu.core import clock
from zhengwu.supervision import indicators

LOCAL = clock.LOCAL


def china(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=LOCAL)


def hall(client, w) -> dict:
    with timezone.override(dt.UTC):  # whatever zone the request runs in
        return client.get(f"/hall/{w.centre.pk}/data/").json()


def test_the_hall_counts_what_happened_at_00_30_and_23_30_in_china_for_that_day(client, world):
    assert china(18, 0, 30).astimezone(dt.UTC).date() == dt.date(2026, 11, 17)
    assert china(18, 23, 30).astimezone(dt.UTC).date() == dt.date(2026, 11, 18)
    instant_case(world, china(17, 23, 30))  # the day before
    instant_case(world, china(18, 0, 30))
    clock.set_now(china(18, 0, 45))
    assert (hall(client, world)["today"], hall(client, world)["completed_today"]) == (1, 1)
    instant_case(world, china(18, 23, 30))
    clock.set_now(china(18, 23, 45))
    data = hall(client, world)
    assert (data["today"], data["completed_today"]) == (2, 2) and data["now"] == "2026年11月18日 23:45"
    clock.set_now(china(19, 0, 30))  # still the 18th in UTC
    submit(world)
    clock.set_now(china(19, 0, 45))
    assert (hall(client, world)["today"], hall(client, world)["completed_today"]) == (1, 0)


def test_the_hall_screen_writes_days_as_people_read_them(client, world):
    """The hall's screen is read by everyone waiting: its clock and an earlier day's completion are written
    2026年11月18日 00:45 and 11月17日 23:30, not 2026-11-18 00:45 and 11-17 23:30 (a stranger's pass, issue 13)."""
    instant_case(world, china(17, 23, 30))
    instant_case(world, china(18, 0, 30))
    clock.set_now(china(18, 0, 45))
    data = hall(client, world)
    assert data["now"] == "2026年11月18日 00:45"
    assert [row["at"] for row in data["latest"]] == ["00:30", "11月17日 23:30"]
    page = client.get(f"/hall/{world.centre.pk}/").content.decode()
    assert "2026年11月18日 00:45" in page and "<td>11月17日 23:30</td>" in page
    assert "2026-11-18" not in page and "11-17" not in page


@pytest.fixture
def around_midnight(world):
    instant_case(world, china(18, 23, 30))
    return world


def test_the_hall_names_its_windows(client, around_midnight):
    window = around_midnight.dedicated
    window.name = "市场监管专窗"
    window.save()
    clock.set_now(china(18, 23, 45))
    data = client.get(f"/hall/{around_midnight.centre.pk}/data/").json()
    assert {row["window"] for row in data["latest"]} == {"8号窗口 市场监管专窗"}
    page = client.get(f"/hall/{around_midnight.centre.pk}/").content.decode()
    assert "<td>8号窗口 市场监管专窗</td>" in page


def test_the_trend_counts_a_decision_after_midnight_as_late(world, signed_in):
    """Promised by Friday 2026-10-16; decided at 00:30 on Saturday the 17th in China (still the 16th in UTC)."""
    case = submit(world)
    case = cases.accept_case(case=case, paper=paper_checklist(case), by=world.clerk)
    assert case.promised_due == dt.date(2026, 10, 16)
    clock.set_now(china(16, 10).replace(month=10))
    cases.claim_step(case=case, by=world.approver)
    cases.complete_step(case=case, by=world.approver, opinion="符合条件")
    cases.claim_step(case=case, by=world.head)
    clock.set_now(dt.datetime(2026, 10, 17, 0, 30, tzinfo=LOCAL))
    case = cases.decide_case(case=case, by=world.head, grant=True)
    case = cases.deliver_result(case=case, by=world.clerk, method="window")
    cases.complete_case(case=case, by=world.clerk)
    clock.set_now(china(18, 10).replace(month=10))
    client = signed_in(world.supervisor)
    with timezone.override(dt.UTC):
        data = client.get("/workbench/supervision/data/").json()
    assert sum(data["weeks"]["late"]) == 1 and sum(data["weeks"]["completed"]) == 1
    assert data["weeks"]["labels"][data["weeks"]["completed"].index(1)] == "2026-10-12"  # its week's Monday


def test_indicators_by_window_name_each_window(world):
    world.dedicated.name = "市场监管专窗"
    world.dedicated.save()
    instant_case(world, china(18, 10))
    result = indicators.compute(period=indicators.Period.month(2026, 11), by="window")
    assert {row["key"]: row["label"] for row in result["rows"]}[world.dedicated.pk] == "8号窗口 市场监管专窗"


def test_the_hall_shows_nothing_in_the_future_dates_earlier_days_and_masks_only_people(client, world):
    """最新办结: an earlier day's row carries its date, a case whose completion lies after now is not shown (nor
    counted as 今日办结), an organisation is named in full and a person's name masked."""
    from zhengwu.core.masking import mask_name

    instant_case(world, china(17, 10, 5))  # yesterday, by the company
    clock.set_now(china(18, 8, 30))
    citizen = cases.register_applicant(
        kind="natural", name="王秀英", id_number=resident_id(), phone="13900139001"
    )
    person = cases.submit_case(
        item=world.instant_item,
        applicant=citizen,
        by=world.clerk,
        channel="counter",
        window=world.dedicated,
        form={"subject": "变更名称"},
    )
    cases.handle_instantly(case=person, paper=paper_checklist(person), by=world.clerk)
    instant_case(world, china(18, 16, 0))  # recorded for the afternoon
    clock.set_now(china(18, 9, 0))
    data = hall(client, world)
    assert [row["at"] for row in data["latest"]] == ["08:30", "11月17日 10:05"]
    assert data["completed_today"] == 1
    assert data["latest"][1]["applicant"] == "贵溪市好味道餐饮有限公司"  # an organisation: its name in full
    assert data["latest"][0]["applicant"] == mask_name("王秀英") == "王**"
    page = client.get(f"/hall/{world.centre.pk}/").content.decode()
    assert "贵溪市好味道餐饮有限公司" in page and "王秀英" not in page
