"""A member that ended (不予受理 during the 联办通知 stage, or terminated) answers the 联办通知 no more: the service
refuses 确认材料齐全 and 提出补正 with the reason, the page offers neither, and its row shows only how it ended — not
「不予受理 已确认材料齐全」 nor 「已终止 已确认材料齐全」 (issue 13)."""

import pytest

from tests.joint.test_endings import to_decision, workers
from tests.joint.test_joint_cases import members
from zhengwu.core.errors import Conflict
from zhengwu.joint import endings, permissions, selectors, services
from zhengwu.joint.models import Phase


def _row(html: str, position: int) -> str:
    start = html.index(f'<tr data-member="{position}">')
    return html[start : html.index("</tr>", start)]


def test_a_member_not_accepted_may_not_confirm_nor_ask_for_supply(notified, county, company, client):
    joint = notified
    endings.refuse_member(
        joint=joint,
        position=4,
        by=county.health_clerk,
        reason="经营场所不符合卫生要求",
        legal_basis="《公共场所卫生管理条例》第八条",
    )
    joint.refresh_from_db()
    assert joint.phase == Phase.NOTIFIED  # the others go on
    with pytest.raises(Conflict) as refused:
        services.confirm(joint=joint, position=4, by=county.health_clerk)
    assert refused.value.message == "「公共场所卫生许可」不予受理,不能再确认材料齐全或提出补正"
    with pytest.raises(Conflict) as refused:
        services.raise_missing(
            joint=joint, position=4, by=county.health_clerk, items=[{"position": 1, "problem": "不清楚"}]
        )
    assert "不能再确认材料齐全或提出补正" in refused.value.message
    # the page offers what the service allows: nothing to answer for the member not accepted
    allowed = permissions.allowed_actions(county.health_clerk, joint)
    assert not allowed.get("confirm") and not allowed.get("missing")
    client.force_login(county.health_clerk)
    page = client.get(f"/workbench/joint/{joint.number}/").content.decode()
    row = _row(page, 4)
    assert "确认材料齐全" not in row and "提出补正" not in row and "不予受理" in row
    # posting anyway is refused with the reason, not a success
    response = client.post(f"/workbench/joint/{joint.number}/members/4/confirm/", follow=True)
    text = response.content.decode()
    assert "已答复联办通知" not in text and "不能再确认材料齐全或提出补正" in text
    assert members(joint)[4].answer == ""


def test_a_member_confirmed_then_ended_shows_only_its_ending(handling, county, company, client):
    joint = handling  # every member confirmed its materials complete
    m = members(joint)
    to_decision(m[1].case, workers(county, "market"))
    endings.deny_member(
        joint=joint,
        position=1,
        by=county.market_approver,
        reasons="企业名称与已登记企业名称相同",
        legal_basis="《市场主体登记管理条例》第十条",
    )
    joint.refresh_from_db()
    rows = {r["position"]: r for r in selectors.joint_summary(joint)["members"]}
    assert [rows[p]["answer_label"] for p in (2, 3, 4)] == ["已终止"] * 3
    client.force_login(company.user)
    portal = client.get(f"/bundles/cases/{joint.number}/").content.decode()
    assert "已确认材料齐全" not in portal
    client.force_login(county.lead_clerk)
    staff = client.get(f"/workbench/joint/{joint.number}/").content.decode()
    assert "已确认材料齐全" not in _row(staff, 2)
