"""Joint meetings hold the members' decisions until the minutes are in; forwarding upward is its own period."""

import datetime as dt

import pytest

from tests.factories import PDF_BYTES
from zhengwu.cases import services as case_services
from zhengwu.core import clock
from zhengwu.core.errors import AccessDenied, Conflict, ValidationFailed
from zhengwu.joint import meetings, selectors


def pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("纪要.pdf", PDF_BYTES)


def test_nothing_is_recorded_of_a_meeting_before_it_takes_place(handling, county, company, client):
    """Opinions and minutes wait for the meeting's day and time; the decision stays held and the applicant is not
    told 已召开 before then."""
    joint = handling
    meeting = meetings.convene(
        joint=joint,
        by=county.lead_clerk,
        kind="meeting",
        scheduled_on="2026-12-10",
        scheduled_at="09:30",
        place="政务服务中心三楼会议室",
        agenda="联审",
        positions=[1, 4],
    )
    for at in ("2026-11-18 10:00", "2026-12-10 09:00"):
        clock.run_from(dt.datetime.fromisoformat(at).replace(tzinfo=clock.LOCAL))
        with pytest.raises(ValidationFailed) as early:
            meetings.record_opinion(
                joint=joint, meeting_id=meeting.pk, position=1, by=county.lead_clerk, opinion="同意"
            )
        assert early.value.field == "opinion"
        assert "联审会议定于12月10日(星期四) 9:30召开,召开后才能记录意见" in early.value.message
        with pytest.raises(ValidationFailed) as early:
            meetings.attach_minutes(joint=joint, meeting_id=meeting.pk, by=county.lead_clerk, upload=pdf())
        assert early.value.field == "minutes"
    client.force_login(county.lead_clerk)
    staff = client.get(f"/workbench/joint/{joint.number}/").content.decode()
    assert "联审会议 12月10日(星期四) 9:30" in staff and "尚未召开" in staff
    assert 'id="opinion-' not in staff and "上传纪要并归档" not in staff
    client.force_login(company.user)
    mine = client.get(f"/bundles/cases/{joint.number}/").content.decode()
    assert "联审会议:12月10日(星期四) 9:30,政务服务中心三楼会议室" in mine and "已召开" not in mine
    clock.run_from(dt.datetime(2026, 12, 10, 11, tzinfo=clock.LOCAL))
    for position, who in ((1, county.lead_clerk), (4, county.health_clerk)):
        meetings.record_opinion(joint=joint, meeting_id=meeting.pk, position=position, by=who, opinion="同意")
    meetings.attach_minutes(joint=joint, meeting_id=meeting.pk, by=county.lead_clerk, upload=pdf())
    mine = client.get(f"/bundles/cases/{joint.number}/").content.decode()
    assert "已召开" in mine


def test_the_applicant_is_told_of_an_inspection_at_their_premises_and_a_meeting_they_attend(handling, county):
    from zhengwu.cases.models import OutboxMessage

    joint = handling

    def texts():
        rows = OutboxMessage.objects.filter(case__joint_member__joint=joint, channel="sms")
        return sorted(body for body in rows.values_list("body", flat=True) if "定于" in body)

    meetings.convene(
        joint=joint,
        by=county.lead_clerk,
        kind="meeting",
        scheduled_on="2026-12-09",
        agenda="内部联审",
        positions=[1, 4],
    )
    assert texts() == []  # a meeting among the departments: nothing to tell the applicant
    meetings.convene(
        joint=joint,
        by=county.lead_clerk,
        kind="inspection",
        scheduled_on="2026-12-10",
        scheduled_at="9:30",
        place="贵溪市雄石街道建设路18号(拟开业店面)",
        agenda="现场勘察",
        positions=[3, 4],
    )
    meetings.convene(
        joint=joint,
        by=county.lead_clerk,
        kind="meeting",
        scheduled_on="2026-12-11",
        scheduled_at="14:00",
        place="政务服务中心三楼会议室",
        agenda="听取申请人陈述",
        positions=[1, 4],
        applicant_attends=True,
    )
    assert len(texts()) == 2
    inspection = next(t for t in texts() if "联合现场勘察" in t)
    meeting = next(t for t in texts() if "联审会议" in t)
    assert (
        "联合现场勘察定于12月10日(星期四) 9:30在贵溪市雄石街道建设路18号(拟开业店面)进行,请届时在场配合"
        in inspection
    )
    assert joint.number in inspection
    assert "联审会议定于12月11日(星期五) 14:00在政务服务中心三楼会议室召开,请您届时参加" in meeting


def test_a_meeting_time_must_be_a_time_not_past(handling, county):
    with pytest.raises(ValidationFailed) as bad:
        meetings.convene(
            joint=handling,
            by=county.lead_clerk,
            kind="meeting",
            scheduled_on="2026-11-18",
            scheduled_at="9:00",  # the clock reads 10:00
            agenda="联审",
            positions=[1, 4],
        )
    assert bad.value.field == "scheduled_at"
    with pytest.raises(ValidationFailed) as bad:
        meetings.convene(
            joint=handling,
            by=county.lead_clerk,
            kind="meeting",
            scheduled_on="2026-11-19",
            scheduled_at="早上",
            agenda="联审",
            positions=[1, 4],
        )
    assert bad.value.field == "scheduled_at"


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
    clock.run_from(dt.datetime(2026, 11, 20, 9, tzinfo=clock.LOCAL))  # the inspection's day
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


def test_what_is_typed_too_long_for_a_meeting_or_a_forwarding_is_refused_not_cut_short(
    handling, county, client
):
    """议题 over 2000 characters, 地点 over 200, an opinion, a 上报说明 or a reply over 2000, a 上级机关 over 200: refused
    naming the field and its limit, nothing recorded — the services kept the first characters without a word. The
    inputs say their limits."""
    joint = handling
    meeting = dict(
        joint=joint, by=county.lead_clerk, kind="meeting", scheduled_on="2026-12-10", positions=[1, 4]
    )
    for typed, field in (
        ({"agenda": "议" * 2001}, "agenda"),
        ({"agenda": "联审", "place": "楼" * 201}, "place"),
    ):
        with pytest.raises(ValidationFailed, match="最长") as err:
            meetings.convene(**meeting, **typed)
        assert err.value.field == field
    client.force_login(county.lead_clerk)
    page = client.get(f"/workbench/joint/{joint.number}/").content.decode()
    assert 'id="meeting-place" name="place" maxlength="200">' in page
    assert 'name="agenda" rows="2" maxlength="2000" required>' in page
    page = client.post(
        f"/workbench/joint/{joint.number}/meetings/",
        {"kind": "meeting", "scheduled_on": "2026-12-10", "agenda": "议" * 2001, "positions": ["1", "4"]},
        follow=True,
    ).content.decode()
    assert "「议题」最长 2000 个字,现有 2001 个字" in page and not joint.meetings.exists()
    held = meetings.convene(**meeting, agenda="联审")
    clock.run_from(dt.datetime(2026, 12, 10, 11, tzinfo=clock.LOCAL))
    with pytest.raises(ValidationFailed, match="意见最长 2000 个字,现有 2001 个字") as err:
        meetings.record_opinion(
            joint=joint, meeting_id=held.pk, position=1, by=county.lead_clerk, opinion="同" * 2001
        )
    assert err.value.field == "opinion" and not held.opinions.exists()
    up = dict(joint=joint, position=3, by=county.urban_clerk)
    for typed, field in (
        ({"authority": "局" * 201}, "authority"),
        ({"authority": "鹰潭市城市管理局", "note": "说" * 2001}, "note"),
    ):
        with pytest.raises(ValidationFailed, match="最长") as err:
            meetings.forward_up(**up, **typed)
        assert err.value.field == field
    meetings.forward_up(**up, authority="鹰潭市城市管理局")
    with pytest.raises(ValidationFailed, match="上级答复最长 2000 个字,现有 2001 个字") as err:
        meetings.record_reply(**up, reply="同" * 2001)
    assert err.value.field == "reply"
    row = meetings.record_reply(**up, reply="同" * 2000)
    assert row.reply == "同" * 2000  # at the limit: kept whole
