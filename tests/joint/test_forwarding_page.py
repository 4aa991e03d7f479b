"""上报 on the pages: a member department at work forwards its part to the higher authority from the joint case's
page and records the reply there; staff and the applicant see the forwarding as its own period, cited. Meetings
name their members by department, and the applicant sees the meetings and joint inspections of the application."""

import datetime as dt

from zhengwu.core import clock
from zhengwu.joint import meetings


def test_a_member_forwards_upward_and_records_the_reply_on_the_page(handling, county, company, client):
    joint = handling
    client.force_login(county.urban_clerk)
    page = client.get(f"/workbench/joint/{joint.number}/").content.decode()
    assert 'id="forward-3"' in page and 'id="forward-4"' not in page  # only its own member (城管局)
    with clock.frozen(dt.datetime(2026, 9, 29, 10, tzinfo=clock.LOCAL)):
        empty = client.post(
            f"/workbench/joint/{joint.number}/members/3/forward/", {"authority": " "}, follow=True
        )
        assert "请填写上级机关" in empty.content.decode()
        answer = client.post(
            f"/workbench/joint/{joint.number}/members/3/forward/",
            {"authority": "鹰潭市城市管理局", "note": "初审意见:同意"},
            follow=True,
        )
    page = answer.content.decode()
    assert "上报鹰潭市城市管理局,等待上级机关答复" in page
    assert "于 2026年9月29日 报送鹰潭市城市管理局审批,等待答复" in page and "第三十五条" in page
    assert 'id="forward-reply-3"' in page and 'id="forward-3"' not in page

    client.force_login(company.user)
    mine = client.get(f"/bundles/cases/{joint.number}/").content.decode()
    assert "报送上级机关审批" in mine and "报送鹰潭市城市管理局审批,等待答复" in mine

    client.force_login(county.urban_clerk)
    with clock.frozen(dt.datetime(2026, 10, 9, 10, tzinfo=clock.LOCAL)):
        replied = client.post(
            f"/workbench/joint/{joint.number}/members/3/forward-reply/", {"reply": "同意核发"}, follow=True
        ).content.decode()
    assert "已登记城管局" in replied
    # 09-30, 10-08, 10-09: 国庆 does not count
    assert "2026年10月9日 答复(历时 3 个工作日):同意核发" in replied


def test_a_member_not_at_work_cannot_forward(restaurant, county, company):
    import pytest

    from zhengwu.core.errors import Conflict
    from zhengwu.joint import services

    joint = services.apply(
        bundle=restaurant.bundle, applicant=company, by=company.user, form={"subject": "开餐馆"}
    )
    with pytest.raises(Conflict) as refused:
        meetings.forward_up(joint=joint, position=3, by=county.urban_clerk, authority="鹰潭市城市管理局")
    assert "不在办理中,不能上报" in refused.value.message


def test_meetings_name_their_members_and_the_applicant_sees_them(handling, county, company, client):
    joint = handling
    meeting = meetings.convene(
        joint=joint,
        by=county.lead_clerk,
        kind="inspection",
        scheduled_on="2026-11-20",
        place="信江大道 56 号",
        agenda="餐馆排水与卫生现场踏勘",
        positions=[3, 4],
    )
    clock.run_from(dt.datetime(2026, 11, 20, 9, tzinfo=clock.LOCAL))  # the inspection's day
    meetings.record_opinion(
        joint=joint, meeting_id=meeting.pk, position=4, by=county.health_clerk, opinion="卫生设施符合要求"
    )
    client.force_login(county.lead_clerk)
    page = client.get(f"/workbench/joint/{joint.number}/").content.decode()
    assert "卫健委「公共场所卫生许可」:卫生设施符合要求" in page and "成员 4" not in page
    client.force_login(company.user)
    mine = client.get(f"/bundles/cases/{joint.number}/").content.decode()
    assert "联合现场勘察:11月20日(星期五),信江大道 56 号(餐馆排水与卫生现场踏勘)" in mine


def test_a_late_member_says_so_in_words_on_both_pages(handling, county, company, client):
    joint = handling
    with clock.frozen(dt.datetime(2027, 3, 1, 10, tzinfo=clock.LOCAL)):
        client.force_login(county.lead_clerk)
        staff = client.get(f"/workbench/joint/{joint.number}/").content.decode()
        client.force_login(company.user)
        mine = client.get(f"/bundles/cases/{joint.number}/").content.decode()
    for page in (staff, mine):
        card = page.split('data-member="1"')[1].split("</div>\n  </div>")[0]
        # past its legal due date: 超期 written on the department's card, not only a red colour
        assert 'data-level="red">超期</span>' in card
