"""总服务台: 统一登记 and 指定主办窗口 (changed only with a reason); the 审前集中告知会议 organised by the lead window
before acceptance, whose outcome is the one 联合一次性告知书."""

import json

import pytest

from tests.factories import make_staff, make_window
from tests.joint.conftest import upload_all
from tests.joint.test_joint_cases import members, pdf
from zhengwu.core import clock
from zhengwu.core.errors import AccessDenied, Conflict, ValidationFailed
from zhengwu.core.models import Role
from zhengwu.joint import meetings, services
from zhengwu.joint.models import JointEvent, JointMeeting, JointNotice, Phase


@pytest.fixture
def desk(county):
    """The front desk: a clerk of the centre's office at the general window (综合窗口)."""
    return make_staff(
        "desk", county.admin_org, roles=[Role.WINDOW_CLERK], window=county.joint_window, name="总服务台"
    ).user


@pytest.fixture
def registered(restaurant, county, company, desk):
    return services.register(
        bundle=restaurant.bundle,
        applicant=company,
        by=desk,
        form={"subject": "开办好味道餐馆"},
        lead_window=county.market_window,
    )


def test_the_front_desk_registers_and_assigns_the_lead_window(registered, restaurant, county, company, desk):
    joint = registered
    assert joint.channel == "counter" and joint.window == county.joint_window
    assert joint.lead_window == county.market_window and joint.lead_organisation == county.market
    assert JointEvent.objects.filter(joint=joint, action="assign_lead").exists()
    with pytest.raises(AccessDenied):  # a department's own window is not the front desk
        services.register(
            bundle=restaurant.bundle,
            applicant=company,
            by=county.lead_clerk,
            form={"subject": "x"},
            lead_window=county.market_window,
        )
    with pytest.raises(ValidationFailed) as no_reason:
        services.assign_lead_window(joint=joint, by=desk, window=county.urban_window)
    assert no_reason.value.field == "reason"
    elsewhere = make_window(county.centre, "30", organisations=[county.env])
    with pytest.raises(ValidationFailed):  # no member department sits there
        services.assign_lead_window(joint=joint, by=desk, window=elsewhere, reason="x")
    services.assign_lead_window(
        joint=joint, by=desk, window=county.urban_window, reason="排水设施为本件主要审查内容,由城管局窗口主办"
    )
    joint.refresh_from_db()
    assert joint.lead_organisation == county.urban and joint.lead_window == county.urban_window
    event = JointEvent.objects.get(joint=joint, action="reassign_lead")
    assert event.data["from_organisation"] == "贵溪市市场监督管理局" and "城管局窗口主办" in event.note
    with pytest.raises(AccessDenied):  # the lead is now 城管局's window
        services.lead_accept(joint=joint, by=county.lead_clerk)
    services.lead_accept(joint=joint, by=county.urban_clerk)
    joint.refresh_from_db()
    assert joint.phase == Phase.NOTIFIED


def _pre_review(joint, county):
    services.lead_accept(joint=joint, by=county.lead_clerk)
    joint.refresh_from_db()
    return meetings.convene(
        joint=joint,
        by=county.lead_clerk,
        kind=JointMeeting.Kind.PRE_REVIEW,
        scheduled_on=clock.today(),  # held today: the opinions are recorded at it
        place="政务服务中心三楼会议室",
        agenda="各联合审批窗口共同一次性告知需提交的全部材料",
        positions=[],
    )


def test_the_pre_review_meeting_ends_in_one_combined_notice(registered, county):
    joint = registered
    upload_all(joint, county.lead_clerk)  # members 1 and 2 find them complete; 3 and 4 ask for more
    with pytest.raises(Conflict):  # before the 联办通知 there is nobody to meet
        meetings.convene(
            joint=joint,
            by=county.lead_clerk,
            kind="pre_review",
            scheduled_on=clock.today(),
            agenda="x",
            positions=[],
        )
    meeting = _pre_review(joint, county)
    assert meeting.positions == [1, 2, 3, 4] and not meeting.holds_decision
    meetings.record_opinion(joint=joint, meeting_id=meeting.pk, position=1, by=county.lead_clerk)
    meetings.record_opinion(joint=joint, meeting_id=meeting.pk, position=2, by=county.lead_clerk)
    meetings.record_opinion(
        joint=joint,
        meeting_id=meeting.pk,
        position=3,
        by=county.urban_clerk,
        items=[{"position": 3, "problem": "图纸未标注检测井"}],
    )
    meetings.record_opinion(
        joint=joint,
        meeting_id=meeting.pk,
        position=4,
        by=county.health_clerk,
        items=[{"position": 3, "problem": "身份证复印件不清晰"}],
    )
    joint.refresh_from_db()
    assert joint.phase == Phase.NOTIFIED  # the outcome waits for the minutes
    meetings.attach_minutes(joint=joint, meeting_id=meeting.pk, by=county.lead_clerk, upload=pdf())
    joint.refresh_from_db()
    assert joint.phase == Phase.SUPPLEMENT
    combined = joint.notices.get(kind=JointNotice.Kind.COMBINED)
    assert combined.essentials["meeting"]["kind_label"] == "审前集中告知会议"
    assert [m["organisation"] for m in combined.essentials["members"]] == [
        "贵溪市城市管理局",
        "贵溪市卫生健康委员会",
    ]
    assert [m.answer for m in members(joint).values()] == ["confirmed", "confirmed", "missing", "missing"]


def test_a_pre_review_with_nothing_missing_accepts_jointly(registered, county):
    joint = registered
    meeting = _pre_review(joint, county)
    # 材料齐全 needs the materials: a member's is refused until they are provided (行政许可法 第三十二条)
    with pytest.raises(ValidationFailed) as incomplete:
        meetings.record_opinion(joint=joint, meeting_id=meeting.pk, position=1, by=county.lead_clerk)
    assert "必需材料尚未上传" in incomplete.value.message and "请提出补正" in incomplete.value.message
    upload_all(joint, county.lead_clerk)  # the lead window scans what the applicant handed in
    for position, who in ((1, county.lead_clerk), (2, county.lead_clerk), (3, county.urban_clerk)):
        meetings.record_opinion(
            joint=joint, meeting_id=meeting.pk, position=position, by=who, opinion="材料齐全"
        )
    meetings.record_opinion(joint=joint, meeting_id=meeting.pk, position=4, by=county.health_clerk)
    meetings.attach_minutes(joint=joint, meeting_id=meeting.pk, by=county.lead_clerk, upload=pdf())
    joint.refresh_from_db()
    assert joint.phase == Phase.HANDLING and joint.accepted_on == clock.today()


def test_front_desk_and_pre_review_on_the_pages(restaurant, county, company, desk, client):
    client.force_login(desk)
    page = client.get(f"/workbench/joint/register/?bundle={restaurant.bundle.code}").content.decode()
    assert "指定主办窗口" in page and county.market_window.name in page
    answer = client.post(
        "/workbench/joint/register/",
        {
            "bundle": restaurant.bundle.code,
            "who-kind": "legal",
            "who-name": company.name,
            "who-id_number": company.id_number,
            "who-legal_representative": "李四",
            "who-phone": "13900139000",
            "form.subject": "开办好味道餐馆",
            "lead_window": county.market_window.pk,
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    number = answer["Location"].rstrip("/").rsplit("/", 1)[-1]
    page = client.get(answer["Location"]).content.decode()
    assert 'id="lead-window-form"' in page and county.market_window.name in page
    client.force_login(county.lead_clerk)
    client.post(f"/workbench/joint/{number}/notify/")
    upload_all(
        services.JointCase.objects.get(number=number), county.lead_clerk
    )  # what was handed in, scanned
    client.post(
        f"/workbench/joint/{number}/meetings/",
        {
            "kind": "pre_review",
            "scheduled_on": clock.today().isoformat(),
            "agenda": "审前集中告知",
        },
    )
    meeting = JointMeeting.objects.get(joint__number=number)
    client.post(f"/workbench/joint/{number}/meetings/{meeting.pk}/opinions/1/", {"opinion": ""})
    client.post(f"/workbench/joint/{number}/meetings/{meeting.pk}/opinions/2/", {"opinion": ""})
    client.force_login(county.urban_clerk)
    page = client.get(f"/workbench/joint/{number}/").content.decode()
    assert f'id="opinion-{meeting.pk}-3"' in page and f'id="opinion-{meeting.pk}-4"' not in page
    client.post(
        f"/workbench/joint/{number}/meetings/{meeting.pk}/opinions/3/", {"items": "3:图纸未标注检测井"}
    )
    client.force_login(county.health_clerk)
    client.post(f"/workbench/joint/{number}/meetings/{meeting.pk}/opinions/4/", {"items": ""})
    client.force_login(county.lead_clerk)
    client.post(f"/workbench/joint/{number}/meetings/{meeting.pk}/minutes/", {"minutes": pdf()})
    joint = services.JointCase.objects.get(number=number)
    assert joint.phase == Phase.SUPPLEMENT
    client.force_login(company.user)
    page = client.get(f"/bundles/cases/{number}/").content.decode()
    assert "审前集中告知会议" in page and "图纸未标注检测井" in page


def test_front_desk_through_the_api(restaurant, county, company, desk, client):
    client.force_login(desk)
    answer = client.post(
        "/api/joint/cases",
        json.dumps(
            {
                "bundle_code": restaurant.bundle.code,
                "applicant_id": company.pk,
                "form": {"subject": "开办好味道餐馆"},
                "lead_window_id": county.market_window.pk,
            }
        ),
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    number = answer.json()["number"]
    assert answer.json()["lead_window"] == str(county.market_window)
    refused = client.post(
        f"/api/joint/cases/{number}/lead-window",
        json.dumps({"window_id": county.urban_window.pk}),
        content_type="application/json",
    )
    assert refused.status_code == 422 and refused.json()["field"] == "reason"
    moved = client.post(
        f"/api/joint/cases/{number}/lead-window",
        json.dumps({"window_id": county.urban_window.pk, "reason": "改由城管局主办"}),
        content_type="application/json",
    )
    assert moved.status_code == 200 and moved.json()["lead_organisation"] == "贵溪市城市管理局"


def test_the_lead_window_scans_what_was_handed_in_at_the_counter(registered, county, client):
    """统一登记 takes the paper at the counter: the lead window scans it on the joint page, once per material, and the
    members can then confirm it complete (before, nothing on the pages could give them the paper: every member was
    refused 必需材料尚未上传 and had to ask the applicant again for what was handed in)."""
    from tests.cases.conftest import pdf_upload

    joint = registered
    client.force_login(county.lead_clerk)
    url = f"/workbench/joint/{joint.number}/"
    page = client.get(url).content.decode()
    assert 'id="joint-materials"' in page and "扫描上传" in page and "未上传" in page
    client.post(f"{url}notify/")
    refused = client.post(f"{url}members/1/confirm/", follow=True).content.decode()
    assert "必需材料尚未上传" in refused
    joint.refresh_from_db()
    for entry in joint.version.merged_materials:
        if not entry.get("from_member"):
            upload = pdf_upload()
            answer = client.post(
                f"{url}materials/", {"position": entry["position"], "file": upload}, follow=True
            )
            assert f"已上传「{entry['name']}」的扫描件,送达" in answer.content.decode()
    done = client.post(f"{url}members/1/confirm/", follow=True).content.decode()
    assert "确认材料齐全" in done and "必需材料尚未上传" not in done
    assert joint.members.get(position=1).answer == "confirmed"
    # a member department's window reads the list but scans nothing: that is the lead window's
    client.force_login(county.urban_clerk)
    assert "扫描上传" not in client.get(url).content.decode()


def test_the_front_desk_sees_and_assigns_an_online_application_waiting_for_its_lead_window(
    restaurant, county, company, desk, client
):
    """An application made online arrives with its lead window 待指定: the 总服务台 (a general window's clerk, not only
    the centre manager) finds it in its lists, opens it and names the lead window."""
    joint = services.apply(
        bundle=restaurant.bundle, applicant=company, by=company.user, form={"subject": "开办好味道餐馆"}
    )
    joint.lead_window = None
    joint.save(update_fields=["lead_window"])  # as an online application whose lead window is not named yet
    client.force_login(desk)
    assert joint.number in client.get("/workbench/joint/").content.decode()
    assert joint.number in client.get("/workbench/joint/?work=intake").content.decode()
    page = client.get(f"/workbench/joint/{joint.number}/")
    assert page.status_code == 200 and 'id="lead-window-form"' in page.content.decode()
    answer = client.post(
        f"/workbench/joint/{joint.number}/lead-window/",
        {"window": county.market_window.pk, "reason": "企业开办专窗主办"},
    )
    assert answer.status_code == 302
    joint.refresh_from_db()
    assert joint.lead_window == county.market_window
