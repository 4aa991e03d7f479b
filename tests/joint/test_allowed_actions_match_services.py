"""The joint case page offers 召集联审 and 撤回 exactly when the services accept them (joint.permissions): for the
lead window, a member department, the centre's people and the applicant, at each phase of a joint case."""

import datetime as dt

import pytest

from tests.allowed_actions import matrix
from tests.joint.conftest import upload_all
from zhengwu.core import clock
from zhengwu.joint import endings, meetings, permissions, services
from zhengwu.joint.models import JointCase

pytestmark = pytest.mark.django_db


def _applied(restaurant, company):
    return services.apply(
        bundle=restaurant.bundle, applicant=company, by=company.user, form={"subject": "开餐馆"}
    )


def _phases(restaurant, county, company) -> dict[str, JointCase]:
    out = {"received": _applied(restaurant, company)}
    joint = _applied(restaurant, company)
    upload_all(joint, company.user)
    out["notified"] = services.lead_accept(joint=joint, by=county.lead_clerk)
    joint = _applied(restaurant, company)
    upload_all(joint, company.user)
    services.lead_accept(joint=joint, by=county.lead_clerk)
    for position in (1, 2, 3, 4):
        services.confirm(joint=joint, position=position, by=None)
    out["handling"] = joint
    out["withdrawn"] = endings.withdraw(joint=_applied(restaurant, company), by=company.user, reason="不开了")
    return out


def _try(action, user, joint, county):
    if action == "convene":
        return lambda: meetings.convene(
            joint=joint,
            by=user,
            kind="inspection",
            scheduled_on=clock.today() + dt.timedelta(days=3),
            agenda="现场踏勘",
            positions=[1, 4],
        )
    return lambda: endings.withdraw(joint=joint, by=user, reason="申请人要求")


def test_the_lead_s_actions_offered_are_accepted_and_none_refused_is_offered(restaurant, county, company):
    people = {
        "主办窗口": county.lead_clerk,
        "主办部门审查": county.market_approver,
        "成员部门窗口": county.urban_clerk,
        "中心主任": county.manager,
        "监察员": county.supervisor,
        "申请人": company.user,
    }
    disagreements, offered = matrix(
        _phases(restaurant, county, company),
        people,
        permissions.ACTIONS,
        reread=lambda joint: JointCase.objects.get(pk=joint.pk),
        refusal=permissions.refusal,
        attempt=lambda action, user, joint: _try(action, user, joint, county),
    )
    assert not disagreements, "\n".join(disagreements)
    assert offered >= 6
