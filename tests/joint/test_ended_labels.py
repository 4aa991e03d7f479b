"""An ended joint case's members show how they ended — not 待确认 nor 等待「企业登记」的结果 (the walk-through's L00008
不予受理 and L00009 已撤回)."""

from tests.joint.test_joint_cases import members
from zhengwu.joint import endings, selectors, services
from zhengwu.joint.models import Phase


def _pages(client, county, company, joint) -> str:
    client.force_login(county.lead_clerk)
    staff = client.get(f"/workbench/joint/{joint.number}/").content.decode()
    client.force_login(company.user)
    return staff + client.get(f"/bundles/cases/{joint.number}/").content.decode()


def test_a_joint_case_not_accepted_shows_its_members_refused(notified, county, company, client):
    joint = notified
    endings.refuse_member(
        joint=joint,
        position=1,
        by=county.lead_clerk,
        reason="名称重复",
        legal_basis="《市场主体登记管理条例》第十条",
    )
    joint.refresh_from_db()
    assert joint.phase == Phase.REFUSED
    rows = selectors.joint_summary(joint)["members"]
    assert [r["answer_label"] for r in rows] == ["不予受理"] * 4
    assert all(r["results"] == [] for r in rows)
    pages = _pages(client, county, company, joint)
    assert "待确认" not in pages and "等待「企业登记」的结果" not in pages


def test_a_withdrawn_joint_case_shows_its_members_withdrawn(notified, county, company, client):
    joint = notified
    services.confirm(joint=joint, position=1, by=county.lead_clerk)
    endings.withdraw(joint=joint, by=company.user, reason="不开了")
    joint.refresh_from_db()
    assert joint.phase == Phase.WITHDRAWN
    rows = selectors.joint_summary(joint)["members"]
    assert [r["answer_label"] for r in rows] == ["已确认材料齐全", "已撤回", "已撤回", "已撤回"]
    pages = _pages(client, county, company, joint)
    assert "待确认" not in pages and "等待「企业登记」的结果" not in pages
    assert members(joint)[2].case.get_status_display() == "已撤回"
