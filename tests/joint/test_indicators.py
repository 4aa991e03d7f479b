"""The indicators (`zhengwu indicators`, the indicators page) and the supervision dashboard count 联办件 and their
member cases: a 联办件 once in the total, once in each department that has a member; late as soon as one member is."""

import datetime as dt
import json

import pytest
from django.core.management import call_command

from zhengwu.cases import services as case_services
from zhengwu.core import clock
from zhengwu.supervision import indicators


@pytest.fixture
def ordinary(county, company):
    return case_services.submit_case(
        item=county.long, applicant=company, by=company.user, form={"subject": "建设项目环评"}
    )


def _month():
    today = clock.today()
    return indicators.Period.month(today.year, today.month)


def test_joint_cases_and_members_in_the_indicators(handling, ordinary, county):
    result = indicators.compute(period=_month(), by="organisation")
    total = result["total"]
    assert total["received"] == 5  # four member cases and one ordinary case
    assert total["joint_cases"] == 1 and total["joint_members"] == 4
    rows = {r["label"]: r for r in result["rows"]}
    assert (
        rows["贵溪市市场监督管理局"]["joint_cases"] == 1
        and rows["贵溪市市场监督管理局"]["joint_members"] == 2
    )
    assert rows["贵溪市城市管理局"]["joint_cases"] == 1
    assert rows["贵溪市生态环境局"]["joint_members"] == 0  # the ordinary case is not a member
    assert total["joint_cases_late"] == 0
    drilled = indicators.drill(period=_month(), metric="joint_members")
    assert drilled.count() == 4


def test_a_member_past_its_promise_makes_the_joint_case_late(handling, county):
    dues = [m.case.promised_due for m in handling.members.select_related("case") if m.case.promised_due]
    later = max(dues) + dt.timedelta(days=3)
    clock.set_now(dt.datetime.combine(later, dt.time(10), tzinfo=clock.LOCAL))
    total = indicators.compute(period=indicators.Period.parse(handling.created_at.date(), later), by=None)[
        "total"
    ]
    # 企业登记 past its promise; the three waiting on its 营业执照 have not started their clocks
    assert total["joint_members_overdue"] == 1 and total["joint_cases_late"] == 1


def test_the_command_and_the_dashboard(handling, county, client, capsys):
    month = _month()
    call_command("indicators", "--from", str(month.first), "--to", str(month.last), "--format", "json")
    out = json.loads(capsys.readouterr().out)
    assert out["total"]["joint_cases"] == 1
    call_command("indicators", "--from", str(month.first), "--to", str(month.last), "--format", "csv")
    assert "联办件数" in capsys.readouterr().out
    client.force_login(county.supervisor)
    page = client.get("/workbench/supervision/").content.decode()
    assert 'id="joint-panel"' in page and "在办联办件" in page
    page = client.get(
        f"/workbench/supervision/indicators/?from={month.first}&to={month.last}"
    ).content.decode()
    assert "联办成员办件数" in page
