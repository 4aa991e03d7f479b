"""No grant on an incomplete file: a required material the applicant had to provide online and never did blocks the
grant with a reason naming it (行政许可法 第三十二条第一款第(四)项、第三十四条); paper materials of an online case may
still be brought to the window, and a case received at the counter was checked on paper at acceptance."""

import pytest

from zhengwu.cases import services
from zhengwu.catalog.models import Material
from zhengwu.core.errors import Conflict

from .conftest import pdf_upload


def _to_decision(case, world):
    case = services.accept_case(case=case, by=world.clerk)
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
    case = _to_decision(case, world)
    with pytest.raises(Conflict) as refused:
        services.decide_case(case=case, by=world.head, grant=True)
    assert refused.value.code == "decision.materials_missing"
    assert "2. 营业执照复印件" in refused.value.message and "补正" in refused.value.message
    case.refresh_from_db()
    assert case.decision == ""
    # a denial on the merits stays possible (第三十八条: with its reasons)
    services.decide_case(case=case, by=world.head, grant=False, reasons="经营场所不符合食品安全要求")


def test_paper_materials_and_counter_cases_do_not_block(world, submitted):
    case = _to_decision(submitted, world)  # received at the counter, nothing uploaded: the paper was checked
    assert services.decide_case(case=case, by=world.head, grant=True).decision == "grant"
