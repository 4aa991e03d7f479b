"""Lists that stay fast at a province's scale (issue 20): the scope read from the case's own columns, pages that
follow by keyset (`after=` the last number shown), only the listed columns read, queue counts that stop counting."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_organisation, make_staff
from zhengwu.cases import selectors, services
from zhengwu.core import clock
from zhengwu.core.models import Role


@pytest.fixture
def seven(world):
    """Seven cases received a minute apart at the dedicated window, newest last."""
    numbers = []
    for n in range(7):
        clock.set_now(clock.now() + dt.timedelta(minutes=1))
        case = services.submit_case(
            item=world.item, applicant=world.company, by=world.clerk, channel="counter",
            window=world.dedicated, form={"subject": f"第{n}件"},
        )  # fmt: skip
        numbers.append(case.number)
    return numbers


def test_the_api_pages_by_keyset_newest_first_each_case_once(client, world, seven):
    client.force_login(world.approver)
    pages, after = [], ""
    while True:
        page = client.get(f"/api/cases?limit=3{'&after=' + after if after else ''}").json()
        if not page:
            break
        pages.append([row["number"] for row in page])
        after = page[-1]["number"]
    assert pages == [seven[::-1][:3], seven[::-1][3:6], seven[::-1][6:]]
    by_offset = [row["number"] for row in client.get("/api/cases?limit=3&offset=3").json()]
    assert by_offset == pages[1]
    # a number the user may not see (or none at all) gives no page, never someone else's cases
    client.force_login(world.outsider)
    assert client.get(f"/api/cases?limit=3&after={seven[3]}").json() == []


def test_the_workbench_queue_has_a_next_page(client, world, seven, monkeypatch):
    from zhengwu.workbench.cases import views

    monkeypatch.setattr(views, "PAGE", 4)
    client.force_login(world.clerk)
    first = client.get("/workbench/cases/?queue=to_accept").content.decode()
    assert "下一页" in first and all(n in first for n in seven[:4]) and seven[4] not in first
    second = client.get(f"/workbench/cases/?queue=to_accept&after={seven[3]}").content.decode()
    assert all(n in second for n in seven[4:]) and seven[3] not in second
    assert "下一页" not in second and "第一页" in second


def test_queue_counts_stop_past_the_cap(client, world, seven, monkeypatch):
    from zhengwu.workbench.cases import views

    monkeypatch.setattr(views, "COUNT_CAP", 5)
    client.force_login(world.clerk)
    page = client.get("/workbench/cases/?queue=to_accept").content.decode()
    assert 'data-count="to_accept">5+<' in page.replace("\n", "")
    assert selectors.queue_counts(world.clerk)["to_accept"] == 7


def test_the_scope_is_read_from_the_case_columns_without_joins(world, submitted):
    assert submitted.org_path == world.bureau.path and submitted.region_path == world.county.path
    with CaptureQueriesContext(connection) as queries:
        assert selectors.case_for(world.approver, submitted.number) == submitted
    sql = queries.captured_queries[-1]["sql"]
    assert "org_path" in sql and "core_region" not in sql


def test_a_moved_organisation_takes_its_cases_scope_along(world, submitted):
    """The bureau moves under another organisation: staff of the new parent see its cases, the case columns follow."""
    parent = make_organisation("贵溪市人民政府", region=world.county)
    chief = make_staff("chief", parent, roles=[Role.APPROVER], name="周主任").user
    assert not selectors.visible_cases(chief).filter(pk=submitted.pk).exists()
    world.bureau.parent = parent
    world.bureau.save()
    submitted.refresh_from_db()
    assert submitted.org_path == f"{parent.path}{world.bureau.pk}/"
    assert selectors.visible_cases(chief).filter(pk=submitted.pk).exists()
    assert selectors.visible_cases(world.approver).filter(pk=submitted.pk).exists()


def test_a_centre_manager_sees_the_region_and_an_outsider_nothing(world, submitted):
    manager = make_staff("manager", world.other, roles=[Role.CENTRE_MANAGER], name="吴主任").user
    assert list(selectors.visible_cases(manager)) == [submitted]
    assert list(selectors.visible_cases(world.outsider)) == []
    assert list(selectors.visible_cases(world.general_clerk)) == [submitted]  # the centre's general window
