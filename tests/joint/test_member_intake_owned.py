"""A member case of a joint case is accepted, told to supply and refused at intake only through the joint actions
(联办通知, 确认材料齐全/提出补正, 不予受理 on the joint page) — never on its own case page, not even by a general
window (综合窗口) that receives for every organisation (行政许可法 第二十六条、第三十二条)."""

import pytest

from tests.factories import make_staff
from tests.joint.conftest import confirm_members, notified_joint
from tests.joint.test_joint_cases import members
from tests.workbench.test_home import _section
from zhengwu.cases import permissions
from zhengwu.cases import services as case_services
from zhengwu.cases.models import Status
from zhengwu.core.errors import Conflict
from zhengwu.core.models import Role
from zhengwu.joint import endings, services
from zhengwu.joint.models import Phase


@pytest.fixture
def general_clerk(county):
    return make_staff(
        "general_clerk",
        county.admin_org,
        roles=[Role.WINDOW_CLERK],
        window=county.joint_window,
        name="综合窗口",
    ).user


@pytest.fixture
def supplied(restaurant, county, company):
    """The walk-through: applied, lead sent the 联办通知, urban asked for a 补正, the applicant supplied it."""
    joint = confirm_members(notified_joint(restaurant, county, company), county, (1, 2, 4))
    services.raise_missing(
        joint=joint,
        position=3,
        by=county.urban_clerk,
        items=[{"position": 1, "problem": "排水设施图纸不清晰"}],
    )
    joint.refresh_from_db()
    assert joint.phase == Phase.SUPPLEMENT
    services.supply(joint=joint, by=county.lead_clerk, paper=[_merged_position(joint, 3, 1)])
    joint.refresh_from_db()
    assert joint.phase == Phase.NOTIFIED
    return joint


def _merged_position(joint, member_position, material_position):
    return next(
        e["position"]
        for e in joint.version.merged_materials
        for u in e["members"]
        if u["key"] == member_position and u["position"] == material_position
    )


def test_no_one_accepts_a_member_case_on_its_own_page(supplied, county, general_clerk, client):
    joint = supplied
    m = members(joint)
    legal_due = joint.legal_due
    for who in (general_clerk, county.urban_clerk, county.lead_clerk):
        case = m[3].case if who != county.lead_clerk else m[1].case
        allowed = permissions.allowed_actions(who, case)
        assert not any(allowed[a] for a in ("accept", "supplement", "refuse", "supply"))
        if who == general_clerk:  # the rule refuses it whatever the clerk's scope
            found = permissions.refusal(who, case, "accept")
            assert joint.number in found.message
            continue
        with pytest.raises(Conflict) as refused:
            case_services.accept_case(case=case, by=who)
        assert joint.number in refused.value.message and "联办件页面" in refused.value.message
        with pytest.raises(Conflict):
            case_services.refuse_case(case=case, by=who, reason="x", legal_basis="y")
        with pytest.raises(Conflict):
            case_services.request_supplement(case=case, by=who, items=[{"name": "a", "problem": "b"}])
    for x in members(joint).values():
        assert x.case.status == Status.RECEIVED and x.case.legal_due is None
    joint.refresh_from_db()
    assert joint.phase == Phase.NOTIFIED and joint.legal_due == legal_due

    # the staff case page: no 受理 button, a link to the joint page instead
    client.force_login(county.urban_clerk)
    page = client.get(f"/workbench/cases/{m[3].case.number}/").content.decode()
    assert f"/workbench/joint/{joint.number}/" in page and "受理、补正和不予受理在联办件页面办理" in page
    assert 'name="action" value="accept"' not in page and "/accept/" not in page
    # the member is not in the single-case 待受理 queues; its joint case is in 待受理的联办件, linked to its page
    home = client.get("/workbench/").content.decode()
    to_accept = _section(home, "cases_to_accept")
    assert m[3].case.number not in to_accept
    joint_list = _section(home, "joint_to_accept")
    assert joint.number in joint_list and f'href="/workbench/joint/{joint.number}/"' in joint_list
    assert "待受理的联办件" in joint_list and "/workbench/joint/?work=intake" in joint_list
    queue = client.get("/workbench/cases/?queue=to_accept").content.decode()
    assert m[3].case.number not in queue
    assert 'id="joint-intake-hint"' in queue and "/workbench/joint/?work=intake" in queue
    # supervision still watches each member's intake (its own due date), and the hall screen counts them
    from zhengwu.joint import selectors as joint_selectors
    from zhengwu.supervision import selectors as supervision

    watched = set(supervision.supervised_cases(county.supervisor).values_list("pk", flat=True))
    assert {x.case.pk for x in m.values()} <= watched
    assert joint_selectors.dashboard_figures(county.supervisor)["joint_panel"]["members_open"] == 4
    listed = client.get("/workbench/joint/?work=intake").content.decode()
    assert joint.number in listed and "不在单件的「待受理」队列中" in listed


def test_the_joint_actions_still_accept_and_refuse_the_member(supplied, county):
    joint = supplied
    endings.refuse_member(
        joint=joint,
        position=4,
        by=county.health_clerk,
        reason="不在管辖区域",
        legal_basis="行政许可法第三十二条",
    )
    services.confirm(joint=joint, position=3, by=county.urban_clerk)  # the others kept their confirmation
    joint.refresh_from_db()
    m = members(joint)
    assert joint.phase == Phase.HANDLING
    assert m[4].case.status == Status.REFUSED
    assert m[1].case.status != Status.RECEIVED
