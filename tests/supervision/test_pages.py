"""The pages, the API and the commands: what a supervisor, a department head and an outsider see and can do."""

import io
import json

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from tests.supervision.conftest import accepted_case, at, decided_case
from zhengwu.core import clock
from zhengwu.supervision import bulletin
from zhengwu.supervision.models import SupervisionOrder


@pytest.fixture
def overdue(world):
    case = accepted_case(world)  # promised due 2026-10-16
    late = decided_case(world, on="2026-10-19")
    from zhengwu.cases import services as cases

    cases.complete_case(case=late, by=world.clerk)
    return case


def test_dashboard_counts_and_drill_down(world, overdue, client):
    client.force_login(world.supervisor)
    page = client.get("/workbench/supervision/")
    assert page.status_code == 200
    assert page.context["counts"] == {"red": 1, "yellow": 0}
    red = client.get("/workbench/supervision/cases/?level=red")
    assert [c.pk for c in red.context["page"]] == [overdue.pk]
    data = client.get("/workbench/supervision/data/").json()
    assert data["organisations"][0]["label"] == "贵溪市市场监督管理局"
    behind = client.get(data["organisations"][0]["url"])
    assert behind.status_code == 200 and len(behind.context["page"]) == 1
    assert sum(data["weeks"]["late"]) == 1


def test_the_indicator_table_keeps_its_headings_and_organisations_on_one_line(world, overdue, client):
    """At 390 px the table was squeezed to the screen: every heading and organisation name broke after each
    character (贵/溪/市/…, one per line) and the table ran a dozen screens; its headings keep to one line now and the
    table scrolls sideways in its table-responsive box."""
    from pathlib import Path

    import zhengwu

    client.force_login(world.supervisor)
    with clock.frozen("2026-10-31"):
        page = client.get("/workbench/supervision/indicators/?from=2026-10-01&to=2026-10-31").content.decode()
    assert (
        '<div class="table-responsive"><table class="table table-sm table-bordered small align-middle zw-indicators">'
        in page
    )
    css = (Path(zhengwu.__file__).parent / "static/zhengwu/zhengwu.css").read_text()
    assert ".zw-indicators th { white-space: nowrap; }" in css


def test_pages_are_closed_to_clerks_and_strangers(world, client):
    assert client.get("/workbench/supervision/").status_code == 302
    client.force_login(world.clerk)
    assert client.get("/workbench/supervision/").status_code == 403


def test_supervisor_issues_an_order_and_the_head_responds(world, overdue, client):
    client.force_login(world.supervisor)
    page = client.post(
        f"/workbench/supervision/cases/{overdue.pk}/", {"instruction": "说明超期原因", "response_days": "2"}
    )
    order = SupervisionOrder.objects.get()
    assert page.status_code == 302 and page["Location"].endswith(f"/orders/{order.number}/")
    client.force_login(world.head)
    assert order.number in client.get("/workbench/supervision/orders/").content.decode()
    client.post(f"/workbench/supervision/orders/{order.number}/", {"action": "respond", "text": "已办结"})
    client.force_login(world.water_head)
    assert client.get(f"/workbench/supervision/orders/{order.number}/").status_code == 404
    client.force_login(world.supervisor)
    client.post(f"/workbench/supervision/orders/{order.number}/", {"action": "close", "text": "整改到位"})
    order.refresh_from_db()
    assert order.state == "closed"


def test_issue_with_a_bad_deadline_shows_the_message(world, overdue, client):
    client.force_login(world.supervisor)
    page = client.post(
        f"/workbench/supervision/cases/{overdue.pk}/", {"instruction": "x", "response_days": "0"}, follow=True
    )
    assert "反馈时限应为 1 至 60 个工作日" in page.content.decode()


def test_api_levels_indicators_and_errors(world, overdue, client):
    client.force_login(world.supervisor)
    assert client.get("/api/supervision/levels").json()["red"] == 1
    result = client.get("/api/supervision/indicators?from=2026-10-01&to=2026-10-31&by=organisation").json()
    assert result["total"]["completed"] == 1 and result["total"]["overdue_completed"] == 1
    csv = client.get("/api/supervision/indicators?from=2026-10-01&to=2026-10-31&format=csv")
    assert csv["Content-Type"].startswith("text/csv") and "超期办结" in csv.content.decode()
    bad = client.get("/api/supervision/indicators?from=2026-10-31&to=2026-10-01")
    assert bad.status_code == 422 and bad.json() == {
        "code": "validation_failed",
        "message": "结束日期早于开始日期",
        "field": "to",
    }
    cases = client.get(
        "/api/supervision/indicators/cases?metric=overdue_completed&from=2026-10-01&to=2026-10-31"
    ).json()
    assert len(cases) == 1
    created = client.post(
        "/api/supervision/orders",
        data=json.dumps({"case_id": overdue.pk, "instruction": "加快", "response_days": 2}),
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["organisation"] == "贵溪市市场监督管理局"
    client.force_login(world.clerk)
    assert (
        client.get("/api/supervision/orders").json()[0]["number"] == created.json()["number"]
    )  # registered it
    client.force_login(world.approver)
    assert client.get("/api/supervision/orders").json() == []


def test_indicators_command_in_three_formats(world, overdue, tmp_path, capsys):
    call_command(
        "indicators", "--from", "2026-10-01", "--to", "2026-10-31", "--by", "organisation", "--format", "json"
    )
    out = json.loads(capsys.readouterr().out)
    assert out["total"]["completed"] == 1
    call_command("indicators", "--from", "2026-10-01", "--to", "2026-10-31", "--format", "csv")
    assert "贵溪市市场监督管理局" in capsys.readouterr().out
    target = tmp_path / "i.xlsx"
    call_command(
        "indicators", "--from", "2026-10-01", "--to", "2026-10-31", "--format", "xlsx", "-o", str(target)
    )
    sheet = load_workbook(target).active
    assert sheet["A2"].value == "分组" and sheet.max_row >= 3


def test_bulletin_pdf_and_excel_say_the_same(world, overdue, tmp_path, client):
    clock.set_now(at("2026-11-02"))
    data = bulletin.content(2026, 10)
    assert data["summary"]["completed"] == 1 and data["summary"]["overdue_open"] == 1
    book = load_workbook(io.BytesIO(bulletin.to_xlsx(data)))
    assert [r[0].value for r in book["超期办件"].iter_rows(min_row=2)] == [
        r["number"] for r in data["overdue"]
    ]
    pdf, xlsx = tmp_path / "b.pdf", tmp_path / "b.xlsx"
    call_command("bulletin", "--month", "2026-10", "--pdf", str(pdf), "--xlsx", str(xlsx))
    assert pdf.read_bytes().startswith(b"%PDF")
    from_command = load_workbook(xlsx)
    client.force_login(world.supervisor)
    from_page = load_workbook(io.BytesIO(client.get("/workbench/supervision/bulletin/2026-10.xlsx").content))

    def rows(book, name):
        return [[c.value for c in r] for r in book[name].iter_rows()]

    for name in ("效能指标", "超期办件", "部门排名"):
        assert rows(from_command, name) == rows(from_page, name)


def test_hall_screen_names_organisations_in_full_and_refreshes(world, overdue, client):
    """A company is not a person: its name is public (people's names are masked, see test_local_day)."""
    clock.set_now(at("2026-10-19", 15))
    page = client.get(f"/hall/{world.centre.pk}/")
    text = page.content.decode()
    assert page.status_code == 200 and "zhengwu/hall/screen.js" in text  # refreshes itself (static script)
    data = client.get(f"/hall/{world.centre.pk}/data/").json()
    assert data["completed_today"] == 1 and data["latest"][0]["applicant"] == "贵溪市好味道餐饮有限公司"
    assert "贵溪市好味道餐饮有限公司" in text
