"""A joint member's 不予许可 on its own case page asks for the legal basis in a field of its own; a missing one is
told at that field, in Chinese, with what was typed kept; given, the joint consequences follow as on the joint page."""

from tests.joint.test_endings import to_decision, workers
from tests.joint.test_joint_cases import handle, members
from zhengwu.cases.models import Status
from zhengwu.joint.models import JointNotice, Phase


def test_the_case_page_refusal_of_a_joint_member_has_a_legal_basis_field(handling, county, client):
    joint = handling
    handle(members(joint)[1].case, workers(county, "market"))  # its prerequisite 企业登记 granted
    case = members(joint)[4].case
    to_decision(case, workers(county, "health"))
    case.refresh_from_db()
    client.force_login(county.health_head)
    page = client.get(f"/workbench/cases/{case.number}/").content.decode()
    assert 'id="decide-basis"' in page and joint.number in page
    answer = client.post(
        f"/workbench/cases/{case.number}/act/decide/",
        {"revision": case.revision, "grant": "deny", "reasons": "通风设施不符合卫生规范", "legal_basis": ""},
    )
    page = answer.content.decode()
    assert answer.status_code == 422
    assert 'id="decide-basis-error"' in page and "请填写法律依据" in page
    assert "通风设施不符合卫生规范" in page  # what was typed is kept
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED
    answer = client.post(
        f"/workbench/cases/{case.number}/act/decide/",
        {
            "revision": case.revision,
            "grant": "deny",
            "reasons": "通风设施不符合卫生规范",
            "legal_basis": "《公共场所卫生管理条例实施细则》第二十二条",
        },
    )
    assert answer.status_code == 302
    case.refresh_from_db()
    assert case.decision == "deny"
    notice = joint.notices.get(kind=JointNotice.Kind.REFUSAL)
    assert notice.essentials["legal_basis"] == "《公共场所卫生管理条例实施细则》第二十二条"
    assert notice.essentials["reasons"].startswith("通风设施不符合卫生规范")
    joint.refresh_from_db()
    assert joint.phase == Phase.HANDLING  # 卫生许可 is nobody's prerequisite: the others continue


def test_an_ordinary_case_page_has_no_legal_basis_field(handling, county, client):
    joint = handling
    case = members(joint)[4].case
    client.force_login(county.health_head)
    page = client.get(f"/workbench/cases/{case.number}/").content.decode()
    assert 'id="decide-basis"' not in page  # not at its decision step yet: no decision form at all
