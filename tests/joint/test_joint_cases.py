"""One application → one joint case and a member case per department; 联办通知, answers, one combined notice,
supply restarting every member's intake, 联合受理, prerequisites and results flow."""

import re

import pytest

from tests.factories import PDF_BYTES
from tests.joint.conftest import upload_all
from zhengwu.cases import services as case_services
from zhengwu.cases.models import CaseStep, OutboxMessage, Status
from zhengwu.core.errors import AccessDenied, Conflict, ValidationFailed
from zhengwu.joint import selectors, services
from zhengwu.joint.models import JointNotice, Phase


def pdf(name="材料.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PDF_BYTES)


def members(joint):
    return {m.position: m for m in joint.members.select_related("case__organisation", "case__version")}


def handle(case, workers, *, until_decided=True):
    """Work a member case's steps up to and including its decision."""
    while True:
        step = case.steps.filter(state=CaseStep.State.OPEN).first()
        if step is None:
            return case
        worker = workers[step.role]
        if step.kind == "decide":
            case_services.decide_case(case=case, by=worker, grant=True, reasons="符合条件")
            case.refresh_from_db()
            return case
        case_services.complete_step(case=case, by=worker, opinion="同意")


@pytest.fixture
def applied(restaurant, county, company):
    joint = services.apply(
        bundle=restaurant.bundle,
        applicant=company,
        by=company.user,
        form={"subject": "开办好味道餐馆", "contact_phone": "13900139000"},
    )
    upload_all(joint, company.user)
    return joint


def test_one_application_makes_a_joint_case_and_a_member_case_per_department(applied, county):
    m = members(applied)
    assert applied.phase == Phase.RECEIVED and applied.number.startswith("360681-2026-L")
    assert [(p, m[p].case.organisation.short_name) for p in sorted(m)] == [
        (1, "市场监管局"),
        (2, "市场监管局"),
        (3, "城管局"),
        (4, "卫健委"),
    ]
    assert all(x.case.status == Status.RECEIVED for x in m.values())
    assert m[2].case.form == {"subject": "开办好味道餐馆", "contact_phone": "13900139000"}
    # one message for the whole application, none per member
    messages = OutboxMessage.objects.filter(case__in=[x.case for x in m.values()])
    assert messages.count() == 1 and "联办件编号" in messages.get().body


def test_a_supply_with_a_material_left_out_names_it_at_its_row(applied, county, company, client):
    """提交补正 with one asked material not uploaded: 以下材料尚未补交 was only a message at the top of the page; now
    the material's row says it at its upload input too (as an ordinary case's 补正 does), and nothing is supplied."""
    joint = applied
    services.lead_accept(joint=joint, by=county.lead_clerk)
    services.confirm(joint=joint, position=1, by=county.lead_clerk)
    services.confirm(joint=joint, position=2, by=county.lead_clerk)
    services.raise_missing(
        joint=joint, position=3, by=county.urban_clerk, items=[{"position": 3, "problem": "未标注检测井"}]
    )
    services.raise_missing(
        joint=joint, position=4, by=county.health_clerk, items=[{"position": 3, "problem": "复印件不清晰"}]
    )
    joint.refresh_from_db()
    assert joint.phase == Phase.SUPPLEMENT
    merged = {e["name"]: e["position"] for e in joint.version.merged_materials}
    drawings, identity = merged["排水管网图纸"], merged["法定代表人居民身份证"]
    services.upload_material(joint=joint, by=company.user, position=drawings, upload=pdf())
    client.force_login(company.user)
    response = client.post(f"/bundles/cases/{joint.number}/supply/")
    html = response.content.decode()
    assert response.status_code == 422 and "以下材料尚未补交:法定代表人居民身份证" in html
    at_row = re.search(
        rf'<div class="invalid-feedback d-block w-100" id="supply-error-{identity}">([^<]*)</div>', html
    )
    assert at_row and at_row.group(1) == "请上传「法定代表人居民身份证」"
    assert f'aria-describedby="supply-error-{identity}"' in html
    assert f'id="supply-error-{drawings}"' not in html  # the one uploaded is not marked
    joint.refresh_from_db()
    assert joint.phase == Phase.SUPPLEMENT


def test_full_flow_with_one_combined_notice(applied, county, company, client):
    joint = applied
    with pytest.raises(AccessDenied):
        services.lead_accept(joint=joint, by=county.urban_clerk)  # not the lead organisation
    services.lead_accept(joint=joint, by=county.lead_clerk)
    joint.refresh_from_db()
    assert joint.phase == Phase.NOTIFIED
    notification = joint.notices.get(kind=JointNotice.Kind.NOTIFICATION)
    assert len(notification.essentials["members"]) == 4
    with pytest.raises(AccessDenied):
        services.confirm(joint=joint, position=3, by=county.health_clerk)  # 卫健委 answers for 城管局
    services.confirm(joint=joint, position=1, by=county.lead_clerk)
    services.confirm(joint=joint, position=2, by=county.lead_clerk)
    with pytest.raises(ValidationFailed) as refused:
        services.raise_missing(
            joint=joint, position=3, by=county.urban_clerk, items=[{"position": 2, "problem": "缺"}]
        )
    assert "由「企业登记」的办理结果获取" in refused.value.message  # 营业执照 is not asked of the applicant
    services.raise_missing(
        joint=joint,
        position=3,
        by=county.urban_clerk,
        items=[{"position": 3, "problem": "排水管网图纸未标注检测井"}],
    )
    joint.refresh_from_db()
    assert (
        joint.phase == Phase.NOTIFIED and not joint.notices.filter(kind="combined").exists()
    )  # 卫健委 still to answer
    services.raise_missing(
        joint=joint,
        position=4,
        by=county.health_clerk,
        items=[{"position": 3, "problem": "身份证复印件不清晰"}],
    )
    joint.refresh_from_db()
    assert joint.phase == Phase.SUPPLEMENT
    combined = joint.notices.get(kind=JointNotice.Kind.COMBINED)
    listed = [(x["organisation"], [i["name"] for i in x["items"]]) for x in combined.essentials["members"]]
    assert listed == [
        ("贵溪市城市管理局", ["排水管网图纸"]),
        ("贵溪市卫生健康委员会", ["法定代表人居民身份证"]),
    ]
    m = members(joint)
    # only the departments that asked get a 补正 request; 企业登记 and 食品经营许可 confirmed theirs complete
    assert [m[p].case.status for p in (1, 2, 3, 4)] == [
        Status.RECEIVED,
        Status.RECEIVED,
        Status.SUPPLEMENT_REQUESTED,
        Status.SUPPLEMENT_REQUESTED,
    ]
    assert not m[1].case.supplements.exists() and not m[2].case.supplements.exists()
    assert selectors.joint_summary(joint)["notices"][-1]["answered_at"] is None
    bodies = list(
        OutboxMessage.objects.filter(case__in=[x.case for x in m.values()]).values_list("body", flat=True)
    )
    assert len(bodies) == 2 and any(
        "2个部门共2项" in b for b in bodies
    )  # 收件 and the one combined notice, nothing per member

    with pytest.raises(ValidationFailed):
        services.supply(joint=joint, by=company.user)  # nothing uploaded yet
    drawings = next(e for e in joint.version.merged_materials if e["name"] == "排水管网图纸")["position"]
    identity = next(e for e in joint.version.merged_materials if e["name"] == "法定代表人居民身份证")[
        "position"
    ]
    assert services.upload_material(joint=joint, by=company.user, position=drawings, upload=pdf()) == 1
    assert (
        services.upload_material(joint=joint, by=company.user, position=identity, upload=pdf()) == 2
    )  # 登记 and 卫生 both
    services.supply(joint=joint, by=company.user)
    joint.refresh_from_db()
    m = members(joint)
    assert joint.phase == Phase.NOTIFIED
    combined_row = next(n for n in selectors.joint_summary(joint)["notices"] if n["kind"] == "combined")
    assert combined_row["answered_at"] == "2026-11-18"  # the applicant's page shows the notice answered
    assert all(x.case.status == Status.RECEIVED for x in m.values())
    assert [m[p].answer for p in (1, 2, 3, 4)] == ["confirmed", "confirmed", "", ""]
    client.force_login(company.user)

    def told():  # what the applicant's 联合一次性告知书 says of their 补正 now
        page = client.get(f"/bundles/cases/{joint.number}/").content.decode()
        return page.split('id="combined-notice"')[1].split("<h3")[0]

    assert "提出补正的部门正在重新审查" in told()
    services.confirm(joint=joint, position=3, by=county.urban_clerk)
    services.confirm(joint=joint, position=4, by=county.health_clerk)
    joint.refresh_from_db()
    m = members(joint)
    assert joint.phase == Phase.HANDLING
    assert "正在重新审查" not in told()
    assert "各部门已确认材料齐全,2026年11月18日联合受理。当前状态:各部门并联办理中" in told()
    assert all(x.case.status == Status.ACCEPTED for x in m.values())
    # 企业登记's limits start at acceptance; the three needing its 营业执照 count theirs from its grant, and the
    # joint case is due by the bundle's plan meanwhile (23/6 working days from 11-18)
    assert m[1].case.legal_due and [m[p].case.legal_due for p in (2, 3, 4)] == [None, None, None]
    assert (joint.legal_due.isoformat(), joint.promised_due.isoformat()) == ("2026-12-21", "2026-11-26")
    # the applicant reads the days as people write them, on the page and in the SMS (the API keeps ISO)
    page = client.get(f"/bundles/cases/{joint.number}/").content.decode()
    assert "承诺 2026年11月26日 前全部办结(法定期限 2026年12月21日)" in page and "2026-11-26" not in page
    assert OutboxMessage.objects.filter(body__contains="承诺2026年11月26日前全部办结").exists()

    # the members that need 营业执照 wait for 企业登记; its result reaches them without upload
    market = {
        "approver": county.market_approver,
        "department_head": county.market_head,
        "window_clerk": county.lead_clerk,
    }
    urban = {
        "approver": county.urban_approver,
        "department_head": county.urban_head,
        "window_clerk": county.urban_clerk,
    }
    health = {
        "approver": county.health_approver,
        "department_head": county.health_head,
        "window_clerk": county.health_clerk,
    }
    with pytest.raises(Conflict) as waiting:
        handle(m[3].case, urban)
    assert waiting.value.code == "joint.prerequisite_pending" and "企业登记" in waiting.value.message
    assert services.prerequisite_results(m[3])[0]["ready"] is False
    handle(m[1].case, market)
    result = services.prerequisite_results(m[3])[0]
    assert result["ready"] and result["result_name"] == "营业执照" and result["document_number"]
    for position, workers in ((2, market), (3, urban), (4, health)):
        case = m[position].case
        case.refresh_from_db()
        handle(case, workers)
    for x in members(joint).values():
        x.case.refresh_from_db()
        if x.case.status == Status.DECIDED:
            case_services.complete_case(case=x.case, by=None)
    joint.refresh_from_db()
    assert joint.phase == Phase.FINISHED


def test_answers_only_while_notified(applied, county):
    with pytest.raises(Conflict):
        services.confirm(joint=applied, position=1, by=county.lead_clerk)
    services.lead_accept(joint=applied, by=county.lead_clerk)
    services.confirm(joint=applied, position=1, by=county.lead_clerk)
    with pytest.raises(Conflict):
        services.confirm(joint=applied, position=1, by=county.lead_clerk)


def test_all_confirm_accepts_every_member_the_same_day(applied, county):
    services.lead_accept(joint=applied, by=county.lead_clerk)
    for position, clerk in (
        (1, county.lead_clerk),
        (2, county.lead_clerk),
        (3, county.urban_clerk),
        (4, county.health_clerk),
    ):
        services.confirm(joint=applied, position=position, by=clerk)
    applied.refresh_from_db()
    assert applied.phase == Phase.HANDLING and applied.accepted_on.isoformat() == "2026-11-18"
    assert {x.case.accepted_on.isoformat() for x in members(applied).values()} == {"2026-11-18"}


def test_applying_at_the_window(restaurant, county, company):
    joint = services.apply(
        bundle=restaurant.bundle,
        applicant=company,
        by=county.lead_clerk,
        form={"subject": "开餐馆"},
        channel="counter",
        window=county.market_window,
    )
    assert joint.channel == "counter" and all(x.case.channel == "counter" for x in members(joint).values())
    with pytest.raises(ValidationFailed) as bad:
        services.apply(bundle=restaurant.bundle, applicant=company, by=company.user, form={"nope": 1})
    assert bad.value.field == "form.nope"


def test_a_member_may_not_confirm_while_a_required_material_is_missing(restaurant, county, company):
    """000085 in the walk-through: 企业登记 confirmed (then granted) with its 居民身份证 never provided. Now the
    confirmation of the 联办通知 is refused, naming the material (行政许可法 第三十二条); the 营业执照 of the stage-2
    members comes from 企业登记's result, so it is not asked for; once uploaded the member confirms."""
    joint = services.apply(
        bundle=restaurant.bundle, applicant=company, by=company.user, form={"subject": "开餐馆"}
    )
    names = {m["name"]: m["position"] for m in joint.version.merged_materials}
    for name in ("企业设立登记申请书", "住所(经营场所)使用证明"):
        services.upload_material(joint=joint, by=company.user, position=names[name], upload=pdf())
    services.lead_accept(joint=joint, by=county.lead_clerk)
    with pytest.raises(ValidationFailed) as refused:
        services.confirm(joint=joint, position=1, by=county.lead_clerk)
    assert refused.value.code == "joint.materials_missing"
    assert "法定代表人居民身份证" in refused.value.message and "第三十二条" in refused.value.message
    assert "营业执照" not in refused.value.message and "住所" not in refused.value.message
    assert members(joint)[1].answer == ""
    services.upload_material(
        joint=joint, by=company.user, position=names["法定代表人居民身份证"], upload=pdf()
    )
    services.confirm(joint=joint, position=1, by=county.lead_clerk)
    assert members(joint)[1].answer == "confirmed"


def test_a_member_that_confirmed_waits_for_the_supply_without_being_deemed_accepted(applied, county, company):
    """The members that confirmed get no 补正 of their own; while the applicant takes two weeks to supply the others',
    they are not deemed accepted alone (行政许可法 第三十二条), and their intake period starts again with the supply."""
    import datetime as dt

    from zhengwu.core import clock

    joint = applied
    services.lead_accept(joint=joint, by=county.lead_clerk)
    for position in (1, 2):
        services.confirm(joint=joint, position=position, by=county.lead_clerk)
    services.confirm(joint=joint, position=3, by=county.urban_clerk)
    services.raise_missing(
        joint=joint, position=4, by=county.health_clerk, items=[{"position": 1, "problem": "未盖章"}]
    )
    clock.set_now(clock.now() + dt.timedelta(days=14))  # 2026-12-02, ten working days on
    case_services.deem_accepted()
    m = members(joint)
    assert [m[p].case.status for p in (1, 2, 3)] == [Status.RECEIVED] * 3
    form = next(e for e in joint.version.merged_materials if e["name"] == "公共场所卫生许可申请表")[
        "position"
    ]
    services.upload_material(joint=joint, by=company.user, position=form, upload=pdf())
    services.supply(joint=joint, by=company.user)
    m = members(joint)
    assert m[1].case.intake_start.isoformat() == "2026-12-02"
    services.confirm(joint=joint, position=4, by=county.health_clerk)
    joint.refresh_from_db()
    assert joint.phase == Phase.HANDLING
    m = members(joint)
    assert not any(x.case.deemed_accepted for x in m.values())
    assert {x.case.accepted_on.isoformat() for x in m.values()} == {"2026-12-02"}


def test_a_refused_confirmation_names_the_materials_by_the_numbers_of_the_merged_list(
    restaurant, county, company
):
    """Walked on a working day: 卫健委 was told "1. 公共场所卫生许可申请表" was missing while the applicant's list and
    the 补正 form beside the button number it 16 — the clerk looked for line 1 (企业设立登记申请书). The refusal now
    uses the merged list's numbers."""
    joint = services.apply(
        bundle=restaurant.bundle, applicant=company, by=company.user, form={"subject": "开餐馆"}
    )
    services.lead_accept(joint=joint, by=county.lead_clerk)
    merged = {
        u["position"]: e["position"]
        for e in joint.version.merged_materials
        for u in e["members"]
        if u["key"] == 4 and not e.get("from_member")
    }
    assert sorted(merged) != sorted(merged.values())  # the member's own numbering differs from the merged one
    with pytest.raises(ValidationFailed) as refused:
        services.confirm(joint=joint, position=4, by=county.health_clerk)
    names = {e["position"]: e["name"] for e in joint.version.merged_materials}
    for number in merged.values():
        assert f"{number}. {names[number]}" in refused.value.message


@pytest.mark.parametrize(
    "typed, account, recipient, state",
    [
        (
            "13970013528",
            "13900139000",
            "13970013528",
            "pending",
        ),  # the contact mobile typed on the merged form
        ("0701-3312876", "13900139000", "13900139000", "pending"),  # a fixed line there: the account's mobile
        (
            "0701-3312876",
            "haowei@example.com",
            "0701-3312876",
            "not_sent",
        ),  # no mobile anywhere: not sent, why
    ],
)
def test_the_joint_message_goes_by_sms_only_to_a_mobile(
    restaurant, county, company, typed, account, recipient, state
):
    """Issue 13: the company registered with its fixed line; the SMS goes to a mobile or, with none, is kept unsent."""
    company.phone = "0701-3312876"
    company.save()
    company.user.username = account
    company.user.save()
    joint = services.apply(
        bundle=restaurant.bundle,
        applicant=company,
        by=company.user,
        form={"subject": "开办好味道餐馆", "contact_phone": typed},
    )
    message = OutboxMessage.objects.get(case__joint_member__joint=joint, channel="sms")
    assert (message.recipient, message.state) == (recipient, state) and "联办件编号" in message.body
    if state == "not_sent":
        assert message.last_error == "未发送短信:申请人留下的电话不是手机号码,短信只发往手机"
