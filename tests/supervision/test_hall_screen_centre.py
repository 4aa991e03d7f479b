"""The hall screen counts the cases its centre handles (a stranger's pass, issue 13): an application made online has
no counter window, but once staff sitting at one of the centre's windows accept and complete it, it is the
centre's case — 今日收件, 今日办结 and 最新办结 show it, naming the window that handled it. "Today" is the day in
China."""

import datetime as dt

from django.utils import timezone

from tests.factories import make_centre, make_staff, make_window, paper_checklist
from tests.supervision.conftest import instant_case
from zhengwu.cases import services as cases
from zhengwu.core import clock
from zhengwu.core.models import Role

LOCAL = clock.LOCAL


def china(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=LOCAL)


def hall(client, centre) -> dict:
    with timezone.override(dt.UTC):  # whatever zone the request runs in
        return client.get(f"/hall/{centre.pk}/data/").json()


def online_case(w, *, applied: dt.datetime, completed: dt.datetime, by):
    """An instant item applied for online at `applied`, accepted and completed by `by` at `completed`."""
    clock.set_now(applied)
    case = cases.submit_case(
        item=w.instant_item, applicant=w.company, by=None, channel="online", form={"subject": "网上申请"}
    )
    assert case.window is None
    clock.set_now(completed)
    return cases.handle_instantly(case=case, paper=paper_checklist(case), by=by)


def test_an_online_case_handled_at_the_centre_shows_on_its_screen(client, world):
    instant_case(world, china(17, 10, 5))  # yesterday, at the counter
    online_case(world, applied=china(18, 5, 36), completed=china(18, 5, 41), by=world.clerk)  # 05:36 in China
    assert china(18, 5, 36).astimezone(dt.UTC).date() == dt.date(2026, 11, 17)  # the day before in UTC
    clock.set_now(china(18, 6))
    data = hall(client, world.centre)
    assert (data["today"], data["completed_today"]) == (1, 1)
    assert [(row["at"], row["window"]) for row in data["latest"]] == [
        ("05:41", "8号窗口"),
        ("11月17日 10:05", "8号窗口"),
    ]
    page = client.get(f"/hall/{world.centre.pk}/").content.decode()
    assert '<div class="n" id="today">1</div>' in page and "<td>05:41</td>" in page


def test_an_online_case_counts_at_the_centre_whose_window_handled_it_only(client, world):
    """A town's centre does not show what the county centre's window did, nor the county what the town did."""
    town = make_centre("志光镇便民服务中心", world.county)
    town_clerk = make_staff(
        "townclerk",
        world.bureau,
        roles=[Role.WINDOW_CLERK],
        window=make_window(town, "1", organisations=[world.bureau]),
        name="镇窗口",
    ).user
    online_case(world, applied=china(18, 9), completed=china(18, 9, 10), by=town_clerk)
    clock.set_now(china(18, 10))
    county, town_data = hall(client, world.centre), hall(client, town)
    assert (county["today"], county["completed_today"], county["latest"]) == (0, 0, [])
    assert (town_data["today"], town_data["completed_today"]) == (1, 1)
    assert town_data["latest"][0]["window"] == "1号窗口"


def test_an_online_case_not_yet_taken_by_a_window_is_no_centre_s_case(client, world):
    clock.set_now(china(18, 9))
    cases.submit_case(
        item=world.instant_item,
        applicant=world.company,
        by=None,
        channel="online",
        form={"subject": "网上申请"},
    )
    clock.set_now(china(18, 10))
    data = hall(client, world.centre)
    assert (data["today"], data["in_progress"]) == (0, 0)


def test_an_online_case_a_window_told_to_supplement_is_in_progress_at_its_centre(client, world):
    """一次性告知补正 is the window's intake decision too: from then on the case is the centre's, 在办."""
    clock.set_now(china(18, 9))
    case = cases.submit_case(
        item=world.item, applicant=world.company, by=None, channel="online", form={"subject": "网上申请"}
    )
    clock.set_now(china(18, 9, 30))
    cases.request_supplement(case=case, by=world.clerk, items=[{"position": 1, "problem": "未提交"}])
    clock.set_now(china(18, 10))
    data = hall(client, world.centre)
    assert (data["today"], data["in_progress"], data["completed_today"]) == (1, 1, 0)
