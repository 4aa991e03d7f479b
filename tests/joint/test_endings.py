"""A member's 不予许可 ends or narrows the joint case (members needing its result stop, the others continue, every
department and the applicant told); the applicant's 撤回 withdraws every undecided member case at once."""

import json

import pytest

from tests.joint.test_joint_cases import handle, members
from zhengwu.cases import services as case_services
from zhengwu.cases.models import OutboxMessage, Status
from zhengwu.core.errors import AccessDenied, Conflict, ValidationFailed
from zhengwu.core.models import AuditRecord
from zhengwu.joint import endings, selectors, services
from zhengwu.joint.models import JointNotice, Phase


def workers(county, org):
    return {
        "market": {"window_clerk": county.lead_clerk, "approver": county.market_approver, "department_head": county.market_head},
        "urban": {"window_clerk": county.urban_clerk, "approver": county.urban_approver, "department_head": county.urban_head},
        "health": {"window_clerk": county.health_clerk, "approver": county.health_approver, "department_head": county.health_head},
    }[org]  # fmt: skip


def to_decision(case, who):
    """Work the member case's steps up to its decision step (left open)."""
    from zhengwu.cases.models import CaseStep

    while True:
        step = case.steps.filter(state=CaseStep.State.OPEN).first()
        if step.kind == "decide":
            return case
        case_services.complete_step(case=case, by=who[step.role], opinion="同意")


def messages_of(joint):
    return list(
        OutboxMessage.objects.filter(case__joint_member__joint=joint, channel="sms")
        .order_by("pk")
        .values_list("body", flat=True)
    )


def test_a_refused_prerequisite_stops_every_member_that_needs_it(handling, county):
    joint = handling
    m = members(joint)
    before = len(messages_of(joint))
    with pytest.raises(AccessDenied):  # 企业登记's 核准 is 市场监管局's approver's
        endings.deny_member(joint=joint, position=1, by=county.urban_head, reasons="x", legal_basis="y")
    to_decision(m[1].case, workers(county, "market"))
    with pytest.raises(ValidationFailed) as missing:
        endings.deny_member(
            joint=joint, position=1, by=county.market_approver, reasons="名称重复", legal_basis=""
        )
    assert missing.value.field == "legal_basis"
    endings.deny_member(
        joint=joint,
        position=1,
        by=county.market_approver,
        reasons="企业名称与已登记企业名称相同",
        legal_basis="《市场主体登记管理条例》第十条",
    )
    joint.refresh_from_db()
    m = members(joint)
    assert m[1].case.decision == "deny"
    assert [m[p].case.status for p in (2, 3, 4)] == [Status.TERMINATED] * 3
    assert joint.phase == Phase.DENIED and joint.finished_at is not None
    notice = joint.notices.get(kind=JointNotice.Kind.REFUSAL)
    assert "联否" in notice.document_number
    assert [r["item"] for r in notice.essentials["stopped"]] == [
        "食品经营许可",
        "城镇污水排入排水管网许可",
        "公共场所卫生许可",
    ]
    assert notice.essentials["legal_basis"] == "《市场主体登记管理条例》第十条"
    assert len(notice.essentials["members"]) == 3  # every other department is told
    new = messages_of(joint)[before:]
    # the denial's own message and one joint message; no message per stopped member
    assert len(new) == 2 and any("已终止办理" in b and "联办件已终止" in b for b in new)
    summary = selectors.joint_summary(joint)
    assert summary["phase_label"] == "不予许可(联办终止)"
    assert summary["refusals"][0]["organisation"] == "贵溪市市场监督管理局"
    assert AuditRecord.objects.filter(action="joint.member_denied").exists()


def test_an_independent_member_refused_lets_the_others_continue(handling, county):
    joint = handling
    m = members(joint)
    handle(m[1].case, workers(county, "market"))  # 企业登记 granted
    to_decision(m[4].case, workers(county, "health"))
    with pytest.raises(AccessDenied):  # 城管局 does not decide 卫健委's licence
        endings.deny_member(joint=joint, position=4, by=county.urban_head, reasons="x", legal_basis="y")
    endings.deny_member(
        joint=joint,
        position=4,
        by=county.health_head,
        reasons="经现场核查,经营场所通风设施不符合卫生规范",
        legal_basis="《公共场所卫生管理条例实施细则》第二十二条",
    )
    joint.refresh_from_db()
    m = members(joint)
    assert joint.phase == Phase.HANDLING
    assert [m[p].case.status for p in (2, 3)] == [Status.ACCEPTED, Status.ACCEPTED]
    refusal = selectors.joint_summary(joint)["refusals"][0]
    assert refusal["stopped"] == [] and refusal["continuing"] == ["食品经营许可", "城镇污水排入排水管网许可"]
    assert any("继续办理,如不再需要可申请撤回" in b for b in messages_of(joint))
    for position, org in ((2, "market"), (3, "urban")):
        case = handle(m[position].case, workers(county, org))
        while case.status != Status.COMPLETED:
            if case.status == Status.DECIDED and not case.steps.filter(state="open").exists():
                case_services.complete_case(case=case, by=workers(county, org)["window_clerk"])
            else:
                case_services.complete_step(
                    case=case, by=workers(county, org)["window_clerk"], opinion="已制证"
                )
            case.refresh_from_db()
    m[4].case.refresh_from_db()
    case_services.deliver_result(
        case=m[4].case, by=county.health_clerk, method="window"
    )  # the refusal served
    case_services.complete_case(case=m[4].case, by=county.health_clerk)
    m[1].case.refresh_from_db()
    if m[1].case.status != Status.COMPLETED:
        case_services.complete_case(case=m[1].case, by=county.lead_clerk)
    joint.refresh_from_db()
    assert joint.phase == Phase.FINISHED  # three licences granted, one refused and shown


def test_a_refusal_on_the_member_case_page_has_the_same_consequences(handling, county):
    joint = handling
    m = members(joint)
    to_decision(m[1].case, workers(county, "market"))
    case_services.decide_case(
        case=m[1].case, by=county.market_approver, grant=False, reasons="名称不符合规定"
    )
    joint.refresh_from_db()
    assert joint.phase == Phase.DENIED
    assert selectors.joint_summary(joint)["refusals"][0]["reasons"] == "名称不符合规定"


def test_the_applicant_withdraws_the_whole_application_at_once(handling, county, company):
    joint = handling
    m = members(joint)
    handle(m[1].case, workers(county, "market"))  # 企业登记 decided: kept
    before = len(messages_of(joint))
    with pytest.raises(AccessDenied):
        endings.withdraw(
            joint=joint, by=county.urban_clerk, reason=""
        )  # not the lead window, not the applicant
    endings.withdraw(joint=joint, by=company.user, reason="选址变更,暂不开业")
    joint.refresh_from_db()
    m = members(joint)
    assert joint.phase == Phase.WITHDRAWN
    assert [m[p].case.status for p in (2, 3, 4)] == [Status.WITHDRAWN] * 3
    assert m[1].case.decision == "grant"
    notice = joint.notices.get(kind=JointNotice.Kind.WITHDRAWAL)
    assert [r["position"] for r in notice.essentials["withdrawn"]] == [2, 3, 4]
    assert notice.essentials["reason"] == "选址变更,暂不开业"
    new = messages_of(joint)[before:]
    assert len(new) == 1 and "3个部门的办件停止办理" in new[0] and "不受影响" in new[0]
    with pytest.raises(Conflict):
        endings.withdraw(joint=joint, by=company.user)
    assert AuditRecord.objects.filter(action="joint.withdraw").exists()


def test_withdrawal_before_acceptance_withdraws_every_member(restaurant, county, company):
    joint = services.apply(
        bundle=restaurant.bundle, applicant=company, by=company.user, form={"subject": "开办好味道餐馆"}
    )
    endings.withdraw(joint=joint, by=county.lead_clerk, reason="申请人书面申请撤回")
    joint.refresh_from_db()
    assert joint.phase == Phase.WITHDRAWN
    assert {x.case.status for x in members(joint).values()} == {Status.WITHDRAWN}


def test_refusal_and_withdrawal_on_the_pages_and_the_api(handling, county, company, client):
    joint = handling
    m = members(joint)
    handle(m[1].case, workers(county, "market"))
    to_decision(m[3].case, workers(county, "urban"))
    client.force_login(county.urban_head)
    page = client.get(f"/workbench/joint/{joint.number}/").content.decode()
    assert 'id="deny-3"' in page and 'id="deny-4"' not in page
    client.post(
        f"/workbench/joint/{joint.number}/members/3/deny/",
        {"reasons": "排水设施不符合要求", "legal_basis": "《城镇排水与污水处理条例》第二十一条"},
    )
    page = client.get(f"/workbench/joint/{joint.number}/").content.decode()
    assert 'id="joint-refusal-3"' in page and "《城镇排水与污水处理条例》第二十一条" in page
    client.force_login(company.user)
    page = client.get(f"/bundles/cases/{joint.number}/").content.decode()
    assert "不予许可" in page and 'id="withdraw"' in page
    answer = client.post(
        f"/api/joint/cases/{joint.number}/withdraw",
        json.dumps({"reason": "不再开业"}),
        content_type="application/json",
    )
    assert answer.status_code == 200 and answer.json()["phase"] == "withdrawn"
    assert answer.json()["refusals"][0]["legal_basis"] == "《城镇排水与污水处理条例》第二十一条"
    answer = client.post(f"/bundles/cases/{joint.number}/withdraw/", {"reason": ""})
    assert answer.status_code == 302
    client.force_login(county.health_head)
    refused = client.post(
        f"/api/joint/cases/{joint.number}/members/4/deny",
        json.dumps({"reasons": "x", "legal_basis": "y"}),
        content_type="application/json",
    )
    assert refused.status_code == 409
    schema = client.get("/api/openapi.json").json()
    assert "/api/joint/cases/{number}/withdraw" in schema["paths"]
    assert "/api/joint/cases/{number}/members/{position}/deny" in schema["paths"]


def test_the_joint_withdrawal_reason_is_optional_said_so_and_limited_on_both_pages(
    handling, county, company, client
):
    joint = handling
    client.force_login(county.lead_clerk)
    page = client.get(f"/workbench/joint/{joint.number}/").content.decode()
    assert "撤回理由(选填)" in page and "撤回申请无须说明理由" in page
    client.force_login(company.user)
    page = client.get(f"/bundles/cases/{joint.number}/").content.decode()
    assert "撤回理由(选填)" in page and "撤回申请无须说明理由" in page
    refused = client.post(f"/bundles/cases/{joint.number}/withdraw/", {"reason": "不" * 501}, follow=True)
    assert "「撤回理由」最长 500 个字,现有 501 个字" in refused.content.decode()
    joint.refresh_from_db()
    assert joint.phase != Phase.WITHDRAWN
    client.post(f"/bundles/cases/{joint.number}/withdraw/", {"reason": "选址另有安排"})
    joint.refresh_from_db()
    assert joint.phase == Phase.WITHDRAWN and joint.events.get(action="withdraw").note == "选址另有安排"
