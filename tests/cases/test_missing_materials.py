"""One rule for which required materials of a case are provided in no way (handling.missing): acceptance (with its
paper checklist), the grant, the workbench's acceptance form, joint approval's completeness check and the demo all
read it, so the same material provided the same way counts the same at acceptance and at the decision (行政许可法
第三十二条、第三十四条). The one difference the law makes: before acceptance the paper the counter's 收件 recorded
counts; acceptance's checklist replaces it, and after acceptance what acceptance recorded counts."""

import copy

import pytest
from django.core.files.base import ContentFile

from tests.cases.conftest import ITEM, at, pdf_upload, publish, resident_id
from tests.factories import PDF_BYTES
from zhengwu.cases import handling, selectors, services
from zhengwu.cases.models import POWER_OF_ATTORNEY, CaseMaterial
from zhengwu.core import clock
from zhengwu.core.errors import Conflict, ValidationFailed

AGENT = {"name": "王建国", "id_number": resident_id("19851203", "456"), "phone": "13700001111"}

# 个体工商户登记 as its catalogue lists it: a material the department obtains itself (2, 部门共享获取, 免提交), one
# asked for only in some situations (3, 视情形提交) and its own 委托书 material (4: the power of attorney of an
# agent's application)
REGISTRATION = {
    **copy.deepcopy(ITEM),
    "name": "个体工商户登记",
    "materials": [
        {"name": "个体工商户登记申请书", "required": True, "medium": "either"},
        {"name": "经营场所使用证明", "required": True, "medium": "either", "source": "shared"},
        {"name": "告知承诺书", "required": True, "condition": "选择告知承诺制办理的提供", "medium": "either"},
        {
            "name": "授权委托书及受托人居民身份证",
            "required": False,
            "condition": "委托他人代为办理的提供",
            "medium": "either",
        },
    ],
}

# how each refusal names the materials (the power of attorney outside the item's list by its name alone)
NAMES = {
    "plain": {0: "授权委托书", 1: "1. 食品经营许可申请书", 2: "2. 营业执照复印件"},
    "own": {1: "1. 个体工商户登记申请书", 4: "4. 授权委托书及受托人居民身份证"},
}

# item ("plain": 食品经营许可, the power of attorney outside its list; "own": 个体工商户登记), filed by an agent, paper
# recorded at the counter's 收件, files (0: a file stored at material 0), the acceptance's paper checklist; then what
# is missing before acceptance, with that checklist, and at the decision (acceptance deemed by law when refused)
ROWS = [
    pytest.param("own", True, [], [4], [1], [1], [], [], id="own-poa-uploaded-at-its-own-position"),
    pytest.param("own", True, [], [0], [1], [1], [], [], id="own-poa-file-at-0"),
    pytest.param("own", True, [], [], [0, 1], [1, 4], [], [], id="own-poa-ticked-at-0"),
    pytest.param("own", True, [1, 4], [], [1, 4], [], [], [], id="own-poa-received-at-the-counter"),
    pytest.param("own", True, [], [], [1], [1, 4], [4], [4], id="own-poa-not-provided"),
    pytest.param("own", False, [], [], [1], [1], [], [], id="shared-and-conditional-never-wait"),
    pytest.param("plain", False, [1, 2], [], [1, 2], [], [], [], id="counter-paper-then-the-same-checklist"),
    pytest.param("plain", False, [1, 2], [], [2], [], [1], [1], id="the-checklist-replaces-the-counter"),
    pytest.param("plain", False, [1], [2], [], [], [1], [1], id="counter-paper-unticked-at-acceptance"),
    pytest.param("plain", True, [], [1], [2], [0, 2], [0], [0], id="poa-outside-the-list-not-provided"),
    pytest.param("plain", True, [], [1], [0, 2], [0, 2], [], [], id="poa-outside-the-list-ticked"),
    pytest.param("plain", True, [], [0, 1], [2], [2], [], [], id="poa-outside-the-list-uploaded"),
]


def _case(world, kind: str, *, agent: bool, counter: list[int], files: list[int]):
    item = world.item if kind == "plain" else publish(REGISTRATION, world.bureau)
    case = services.submit_case(
        item=item,
        applicant=world.company,
        by=world.clerk,
        channel="counter",
        window=world.dedicated,
        form={"subject": "代办登记" if agent else "登记"},
        agent=AGENT if agent else None,
        paper=counter,
    )
    for position in files:
        if position == POWER_OF_ATTORNEY and kind == "own":
            # a file stored at material 0 (uploaded before the item listed its own 委托书 material): an upload at
            # 0 goes to that material now, so the row is made as it was stored then
            row = CaseMaterial(
                case=case,
                position=POWER_OF_ATTORNEY,
                name="授权委托书",
                filename="授权委托书.pdf",
                content_type="application/pdf",
                size=len(PDF_BYTES),
                sha256="0" * 64,
                uploaded_at=clock.now(),
            )
            row.file.save("poa-0.pdf", ContentFile(PDF_BYTES), save=False)
            row.save()
        else:
            services.upload_material(case=case, by=world.clerk, position=position, upload=pdf_upload())
    return case


def _positions(materials: list[dict]) -> list[int]:
    return [m["position"] for m in materials]


def _shown_missing(case) -> list[int]:
    """The rows the material tables mark 未提供 (and the 补正 form comes ticked with)."""
    return [row["position"] for row in selectors.material_checklist(case) if row["missing"]]


@pytest.mark.parametrize("kind, agent, counter, files, checklist, before, at_acceptance, at_decision", ROWS)
def test_the_same_rule_at_acceptance_and_at_the_decision(
    world, kind, agent, counter, files, checklist, before, at_acceptance, at_decision
):
    case = _case(world, kind, agent=agent, counter=counter, files=files)
    assert _positions(handling.missing(case)) == before == _shown_missing(case)  # the counter's paper counts
    assert _positions(handling.missing(case, paper=checklist)) == at_acceptance
    named = "、".join(NAMES[kind][p] for p in at_acceptance)
    if at_acceptance:
        with pytest.raises(ValidationFailed) as refused:
            services.accept_case(case=case, by=world.clerk, paper=checklist)
        assert refused.value.code == "intake.materials_missing"
        assert f"必需材料尚未提供:{named}。" in refused.value.message
        clock.set_now(at("2026-10-13"))  # the five working days are over: acceptance is deemed by law
    case = services.accept_case(case=case, by=world.clerk, paper=checklist)
    assert case.deemed_accepted == bool(at_acceptance)
    services.claim_step(case=case, by=world.approver)
    services.complete_step(case=case, by=world.approver, opinion="同意")
    assert (
        _positions(handling.missing(case)) == at_decision == _shown_missing(case)
    )  # acceptance's paper counts
    if at_decision:
        with pytest.raises(Conflict) as refused:
            services.decide_case(case=case, by=world.head, grant=True)
        named = "、".join(NAMES[kind][p] for p in at_decision)
        assert refused.value.code == "decision.materials_missing"
        assert f"必需材料尚未提供:{named}。材料不齐全不能作出准予许可决定" in refused.value.message
        case.refresh_from_db()
        assert case.decision == ""
    else:
        assert services.decide_case(case=case, by=world.head, grant=True).decision == "grant"


def test_the_public_service_says_what_is_still_missing_by_the_same_rule(world):
    """services.missing_materials is the same rule: paper received at the counter counts, a material obtained by the
    department itself or asked for only in some situations is never missing, an agent's power of attorney is."""
    case = _case(world, "own", agent=True, counter=[1], files=[])
    assert _positions(services.missing_materials(case)) == [4] == _positions(handling.missing(case))
    services.upload_material(case=case, by=world.clerk, position=POWER_OF_ATTORNEY, upload=pdf_upload())
    assert services.missing_materials(case) == []


def test_the_workbench_does_not_call_a_material_asked_for_only_in_some_situations_missing(client, world):
    """The 告知承诺书 (选择告知承诺制办理的提供) is the clerk's to judge: acceptance and the grant never wait for it, and
    the case page neither marks it 未提供 nor ticks it on the 补正 form (it did, while the rules said otherwise)."""
    case = _case(world, "own", agent=False, counter=[], files=[])
    client.force_login(world.clerk)
    page = client.get(f"/workbench/cases/{case.number}/").content.decode()
    [box] = [tag for tag in page.split("<input") if 'id="sup-3"' in tag]
    assert " checked" not in box[: box.index(">")]
    label = page[page.index('for="sup-3"') :]
    assert "未提供" not in label[: label.index("</label>")]
    [box] = [tag for tag in page.split("<input") if 'id="sup-1"' in tag]  # the application form is owed
    assert " checked" in box[: box.index(">")]
