"""Section 二 of the annual report counts the licensing decisions the cases record (第二十条第(五)项)."""

import json

from tests.cases.conftest import at, submitted, world  # noqa: F401 (fixtures)
from tests.factories import make_organisation, make_staff, paper_checklist
from zhengwu.cases import selectors
from zhengwu.cases import services as cases
from zhengwu.core import clock
from zhengwu.core.models import Role
from zhengwu.disclosure import annual


def _decide(world, case, *, grant: bool):  # noqa: F811
    case = cases.accept_case(case=case, paper=paper_checklist(case), by=world.clerk)
    cases.complete_step(case=case, by=world.approver, opinion="同意")
    return cases.decide_case(case=case, by=world.head, grant=grant, reasons="" if grant else "场所不符合要求")


def _file(world, applicant):  # noqa: F811
    return cases.submit_case(
        item=world.item,
        applicant=applicant,
        by=world.clerk,
        channel="counter",
        window=world.dedicated,
        form={"subject": "申请食品经营许可"},
    )


def _licensing(organisation, year):
    data = json.loads(annual.render(organisation, year, "json"))
    return data["sections"]["proactive"]


def test_licensing_decisions_come_from_the_cases(client, world, submitted):  # noqa: F811
    clock.set_now(at("2025-06-02"))
    _decide(world, _file(world, world.citizen), grant=True)  # decided in 2025: not in the 2026 report
    clock.set_now(at("2026-09-29"))
    _decide(world, submitted, grant=True)
    _decide(world, _file(world, world.citizen), grant=False)
    _file(world, world.company)  # received, not decided: not counted

    counts = selectors.decisions_by_type(organisation_ids=[world.bureau.pk], year=2026)
    assert counts["01"] == 2 and counts["02"] == 0 and counts["03"] == 0

    proactive = _licensing(world.bureau, 2026)
    assert proactive["article_20_5"]["licensing"] == 2
    assert proactive["sources"]["licensing"] == {"value": 2, "source": "cases", "records": 2}
    # no penalty or enforcement cases: those rows keep counting publications
    assert proactive["sources"]["penalty"]["source"] == "publications"
    assert _licensing(world.bureau, 2025)["article_20_5"]["licensing"] == 1
    assert _licensing(world.other, 2026)["article_20_5"]["licensing"] == 0

    # a government counts its departments' decisions
    government = make_organisation("贵溪市人民政府", region=world.county, kind="government")
    world.bureau.parent = government
    world.bureau.save()
    assert _licensing(government, 2026)["article_20_5"]["licensing"] == 2

    # the officer's number overrides, and the page shows where each figure came from
    officer = make_staff("officer", world.bureau, roles=[Role.DISCLOSURE_OFFICER]).user
    annual.save_texts(organisation=world.bureau, year=2026, by=officer, figures={"licensing": "5"})
    proactive = _licensing(world.bureau, 2026)
    assert proactive["article_20_5"]["licensing"] == 5
    assert proactive["sources"]["licensing"] == {"value": 5, "source": "manual", "records": 2}
    client.force_login(officer)
    page = client.get(f"/workbench/disclosure/reports/{world.bureau.pk}/2026/").content.decode()
    assert 'data-figure="licensing" data-source="manual"' in page
    assert 'data-figure="penalty" data-source="publications"' in page
