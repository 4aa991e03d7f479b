"""Joint meetings hold the members' decisions until the minutes are in; forwarding upward is its own period."""

import datetime as dt

import pytest

from tests.factories import PDF_BYTES
from tests.joint.conftest import upload_all
from zhengwu.cases import services as case_services
from zhengwu.core import clock
from zhengwu.core.errors import AccessDenied, Conflict, ValidationFailed
from zhengwu.joint import meetings, selectors, services


def pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("纪要.pdf", PDF_BYTES)


@pytest.fixture
def handling(restaurant, county, company):
    joint = services.apply(
        bundle=restaurant.bundle, applicant=company, by=company.user, form={"subject": "开餐馆"}
    )
    upload_all(joint, company.user)
    services.lead_accept(joint=joint, by=county.lead_clerk)
    for position in (1, 2, 3, 4):
        services.confirm(joint=joint, position=position, by=None)
    joint.refresh_from_db()
    return joint


def test_a_joint_inspection_holds_the_decision_until_its_minutes(handling, county):
    joint = handling
    with pytest.raises(AccessDenied):
        meetings.convene(
            joint=joint,
            by=county.urban_clerk,
            kind="inspection",
            scheduled_on="2026-11-20",
            agenda="现场踏勘",
            positions=[3, 4],
        )
    with pytest.raises(ValidationFailed):
        meetings.convene(
            joint=joint,
            by=county.lead_clerk,
            kind="inspection",
            scheduled_on="2026-11-17",
            agenda="现场踏勘",
            positions=[3, 4],
        )
    meeting = meetings.convene(
        joint=joint,
        by=county.lead_clerk,
        kind="inspection",
        scheduled_on="2026-11-20",
        agenda="餐馆排水与卫生现场踏勘",
        positions=[1, 4],
    )
    registration = joint.members.get(position=1).case
    with pytest.raises(Conflict) as held:
        case_services.decide_case(case=registration, by=county.market_approver, grant=True, reasons="符合")
    assert held.value.code == "joint.meeting_pending"
    meetings.record_opinion(
        joint=joint, meeting_id=meeting.pk, position=1, by=county.lead_clerk, opinion="同意"
    )
    with pytest.raises(Conflict):
        meetings.attach_minutes(
            joint=joint, meeting_id=meeting.pk, by=county.lead_clerk, upload=pdf()
        )  # 卫健委 silent
    meetings.record_opinion(
        joint=joint, meeting_id=meeting.pk, position=4, by=county.health_clerk, opinion="卫生设施符合要求"
    )
    meetings.attach_minutes(joint=joint, meeting_id=meeting.pk, by=county.lead_clerk, upload=pdf())
    case_services.decide_case(case=registration, by=county.market_approver, grant=True, reasons="符合")
    summary = selectors.joint_summary(joint)
    assert summary["meetings"][0]["closed"] and len(summary["meetings"][0]["opinions"]) == 2


def test_forwarding_upward_is_its_own_period(handling, county):
    joint = handling
    with clock.frozen(dt.datetime(2026, 9, 29, 10, tzinfo=clock.LOCAL)):
        meetings.forward_up(joint=joint, position=3, by=county.urban_clerk, authority="鹰潭市城市管理局")
    with clock.frozen(dt.datetime(2026, 10, 9, 10, tzinfo=clock.LOCAL)):
        row = meetings.record_reply(joint=joint, position=3, by=county.urban_clerk, reply="同意")
    period = meetings.forward_period(row)
    assert (
        period["workdays"] == 3 and "第三十五条" in period["citation"]
    )  # 09-30, 10-08, 10-09; 国庆 does not count
    assert selectors.joint_summary(joint)["forwardings"][0]["authority"] == "鹰潭市城市管理局"
