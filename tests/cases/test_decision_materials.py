"""No grant on an incomplete file (行政许可法 第三十二条第一款第(四)项、第三十四条): every required material must be
recorded as provided — uploaded, received on paper at the window (the paper checklist at acceptance, or with a
supplement), or taken from the licence library / a prerequisite's result — whatever the channel; the refusal names
the materials missing. 受理 already refuses an incomplete application (tests/cases/test_acceptance_materials.py); a
case deemed accepted after the five working days may still lack one, and its grant is refused."""

import pytest

from tests.factories import paper_checklist
from zhengwu.cases import services
from zhengwu.catalog.models import Material
from zhengwu.core import clock
from zhengwu.core.errors import Conflict

from .conftest import at, pdf_upload


def _to_decision(case, world, paper=None, *, deemed=False):
    """Accepted and through review to the decision step. `deemed`: the five working days for the intake decision
    ran out, so acceptance is deemed by law whatever the materials (行政许可法 第三十二条) — the one way a case gets
    here with a material missing, since 受理 itself refuses an incomplete application."""
    paper = paper_checklist(case) if paper is None else paper
    if deemed:
        clock.set_now(at("2026-10-13"))
    case = services.accept_case(case=case, paper=paper, by=world.clerk)
    assert case.deemed_accepted == deemed
    services.claim_step(case=case, by=world.approver)
    services.complete_step(case=case, by=world.approver, opinion="同意")
    return case


def _online(world):
    return services.submit_case(
        item=world.item,
        applicant=world.citizen,
        by=world.citizen_user,
        channel="online",
        form={"subject": "开店"},
    )


def test_an_online_case_missing_an_electronic_material_may_not_be_granted(world):
    Material.objects.filter(version=world.item.current_version, position=2).update(medium="electronic")
    case = _online(world)
    services.upload_material(case=case, by=world.citizen_user, position=1, upload=pdf_upload())
    case = _to_decision(case, world, paper=[], deemed=True)
    with pytest.raises(Conflict) as refused:
        services.decide_case(case=case, by=world.head, grant=True)
    assert refused.value.code == "decision.materials_missing"
    assert "2. 营业执照复印件" in refused.value.message and "补正" in refused.value.message
    case.refresh_from_db()
    assert case.decision == ""
    # a denial on the merits stays possible (第三十八条: with its reasons)
    services.decide_case(case=case, by=world.head, grant=False, reasons="经营场所不符合食品安全要求")


def test_a_counter_case_whose_paper_was_not_received_may_not_be_granted(world, submitted):
    case = _to_decision(
        submitted, world, paper=[1], deemed=True
    )  # the window ticked only the application form
    with pytest.raises(Conflict) as refused:
        services.decide_case(case=case, by=world.head, grant=True)
    assert refused.value.code == "decision.materials_missing"
    assert "2. 营业执照复印件" in refused.value.message and "1. " not in refused.value.message
    assert "第三十二条第一款第(四)项" in refused.value.message


def test_paper_handed_in_against_a_supplement_counts(world, submitted):
    services.request_supplement(case=submitted, by=world.clerk, items=[{"position": 2, "problem": "未提交"}])
    services.supply_supplement(case=submitted, by=world.clerk, paper=[2])
    case = _to_decision(submitted, world, paper=[1])
    assert services.decide_case(case=case, by=world.head, grant=True).decision == "grant"


def test_paper_received_at_acceptance_is_shown_and_lets_the_grant_through(world, submitted, client):
    case = _to_decision(submitted, world)  # the clerk ticked every required material on the paper checklist
    client.force_login(world.head)
    page = client.get(f"/workbench/cases/{case.number}/").content.decode()
    assert "窗口已收纸质材料" in page and "未提供" not in page
    assert services.decide_case(case=case, by=world.head, grant=True).decision == "grant"
