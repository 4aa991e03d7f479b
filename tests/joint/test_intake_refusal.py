"""A member's 不予受理 during the 联办通知 stage (行政许可法 第三十二条): members that need its result are not accepted
either, the others go on; with nothing left the whole joint application is not accepted; every department gets one
通报, the applicant one message."""

import json
import subprocess
import tempfile

import pytest

from tests.cases.conftest import pdf_upload, resident_id
from tests.factories import make_staff, make_user
from tests.joint.conftest import confirm_members, notified_joint, upload_all
from tests.joint.test_endings import messages_of
from tests.joint.test_joint_cases import members
from zhengwu.cases import services as case_services
from zhengwu.cases.models import Notice, Status
from zhengwu.core.errors import AccessDenied, Conflict, ValidationFailed
from zhengwu.core.models import AuditRecord, Role
from zhengwu.joint import endings, selectors, services
from zhengwu.joint.models import JointNotice, Phase


def _health_refuses(joint, county):
    """卫健委's window does not accept its part (不予受理): not within its remit (第三十二条)."""
    endings.refuse_member(
        joint=joint,
        position=4,
        by=county.health_clerk,
        reason="不属于本机关职权范围",
        legal_basis="第三十二条",
    )
    joint.refresh_from_db()
    return joint


def test_refusing_the_prerequisite_refuses_the_whole_joint_application(notified, county):
    joint = notified
    before = len(messages_of(joint))
    with pytest.raises(AccessDenied):  # 企业登记 is 市场监管局's
        endings.refuse_member(joint=joint, position=1, by=county.urban_clerk, reason="x", legal_basis="y")
    with pytest.raises(ValidationFailed) as missing:
        endings.refuse_member(
            joint=joint, position=1, by=county.lead_clerk, reason="名称重复", legal_basis=" "
        )
    assert missing.value.field == "legal_basis" and "法律依据" in missing.value.message
    endings.refuse_member(
        joint=joint,
        position=1,
        by=county.lead_clerk,
        reason="申请登记的企业名称与已登记企业名称相同",
        legal_basis="《市场主体登记管理条例》第十条",
    )
    joint.refresh_from_db()
    m = members(joint)
    assert {x.case.status for x in m.values()} == {Status.REFUSED}
    assert joint.phase == Phase.REFUSED and joint.finished_at is not None
    # every member case has its own written decision (不予受理决定书)
    decisions = Notice.objects.filter(case__joint_member__joint=joint, kind=Notice.Kind.REFUSAL)
    assert decisions.count() == 4
    assert "前置审批「企业登记」" in m[3].case.events.get(action="refuse").data["reason"]
    notice = joint.notices.get(kind=JointNotice.Kind.NOT_ACCEPTED)
    assert "联拒" in notice.document_number
    assert [r["position"] for r in notice.essentials["stopped"]] == [2, 3, 4]
    assert notice.essentials["legal_basis"] == "《市场主体登记管理条例》第十条"
    new = messages_of(joint)[before:]
    assert len(new) == 1 and "不予受理" in new[0] and "联办申请不予受理" in new[0]
    # the applicant is pointed to 市场监管局's own 不予受理通知书, not the circular to the members
    own = m[1].case.notices.get(kind=Notice.Kind.REFUSAL)
    assert f"详见贵溪市市场监督管理局不予受理通知书 {own.document_number}" in new[0]
    assert notice.document_number not in new[0]
    summary = selectors.joint_summary(joint)
    assert summary["phase_label"] == "不予受理"
    assert summary["refusals"][0]["at_intake"] is True
    assert AuditRecord.objects.filter(action="joint.member_refused").count() == 1
    with pytest.raises(Conflict):
        endings.refuse_member(joint=joint, position=2, by=county.lead_clerk, reason="x", legal_basis="y")


def test_a_members_refusal_is_cited_by_its_own_notice_linked(notified, county, company, client):
    """卫健委's 不予受理 is its own decision: the portal and the SMS cite its 不予受理通知书 (卫健委不受字…), linked,
    not the lead's circular (市场监管局联拒字…)."""
    joint = notified
    before = len(messages_of(joint))
    endings.refuse_member(
        joint=joint,
        position=4,
        by=county.health_clerk,
        reason="经营场所不在本机关管辖区域",
        legal_basis="《中华人民共和国行政许可法》第三十二条第一款第(二)项",
    )
    own = members(joint)[4].case.notices.get(kind=Notice.Kind.REFUSAL)
    circular = joint.notices.get(kind=JointNotice.Kind.NOT_ACCEPTED).document_number
    assert "不受字" in own.document_number and "联拒字" in circular
    sms = messages_of(joint)[before]
    assert f"详见贵溪市卫生健康委员会不予受理通知书 {own.document_number}" in sms and circular not in sms
    client.force_login(company.user)
    page = client.get(f"/bundles/cases/{joint.number}/").content.decode()
    card = page.split('id="joint-not-accepted-4"')[1].split("</div>\n</div>")[0]
    link = f"/cases/mine/{members(joint)[4].case.number}/notices/{own.pk}.pdf"
    assert f'href="{link}"' in card and f">{own.document_number}</a>" in card
    assert f"通报 {circular}" in card
    pdf = client.get(link)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def _pdf_text(response) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(response.content)
        f.flush()
        return subprocess.run(["pdftotext", f.name, "-"], capture_output=True, text=True, check=True).stdout


def test_a_members_refusal_names_the_applicant_in_full_only_to_that_members_own_staff(
    restaurant, county, client
):
    """卫健委's 不予受理通知书, read through the joint page: its own staff read the applicant (a natural person) by name;
    the lead window's clerk of 市场监管局 and the supervisor read it masked (张*), as the joint page shows it before a
    reveal — the PDF gave it in full to another department's clerk."""
    person = make_user("13800138000")
    applicant = case_services.register_applicant(
        kind="natural", name="张三", id_number=resident_id(), phone="13800138000"
    )
    applicant.user = person
    applicant.save()
    joint = services.apply(
        bundle=restaurant.bundle,
        applicant=applicant,
        by=person,
        form={"subject": "开办好味道餐馆"},
    )
    upload_all(joint, person)
    services.lead_accept(joint=joint, by=county.lead_clerk)
    joint = _health_refuses(joint, county)
    own = members(joint)[4].case.notices.get(kind=Notice.Kind.REFUSAL)
    link = f"/workbench/joint/{joint.number}/decisions/{own.pk}.pdf"
    for who in (county.health_clerk, county.health_approver):
        client.force_login(who)
        text = _pdf_text(client.get(link))
        assert "张三:" in text and own.document_number in text
    for who in (county.lead_clerk, county.supervisor):
        client.force_login(who)
        response = client.get(link)
        assert response.status_code == 200
        text = _pdf_text(response)
        assert "张*:" in text and own.document_number in text and "张三" not in text


def test_staff_open_a_members_refusal_from_the_joint_page(notified, restaurant, county, company, client):
    """The joint page links 卫健委's 不予受理通知书 where everyone who sees the joint page may open it: the lead window's
    clerk of 市场监管局 (who may not open 卫健委's case: the link went there, a 404), and 卫健委's own staff; a
    department outside the joint case gets neither the page nor the notice (a stranger's pass found the 404)."""
    joint = _health_refuses(
        confirm_members(notified, county, (1, 2, 3)), county
    )  # the others go on: 联合受理
    health_case = members(joint)[4].case
    own = health_case.notices.get(kind=Notice.Kind.REFUSAL)
    link = f"/workbench/joint/{joint.number}/decisions/{own.pk}.pdf"
    for who in (county.lead_clerk, county.health_clerk, county.health_approver):
        client.force_login(who)
        page = client.get(f"/workbench/joint/{joint.number}/").content.decode()
        card = page.split('id="joint-not-accepted-4"')[1].split("</div>\n</div>")[0]
        assert f'href="{link}"' in card and f">{own.document_number}</a>" in card
        pdf = client.get(link)
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    client.force_login(county.lead_clerk)
    assert client.get(f"/workbench/cases/{health_case.number}/").status_code == 404  # not the lead's case
    # the route reads only this joint case's members' refusals: another joint case's, or a notice that is not a
    # refusal, is not found through it
    other = notified_joint(restaurant, county, company, materials=False)
    _health_refuses(other, county)
    elsewhere = members(other)[4].case.notices.get(kind=Notice.Kind.REFUSAL)
    assert client.get(f"/workbench/joint/{other.number}/decisions/{elsewhere.pk}.pdf").status_code == 200
    assert client.get(f"/workbench/joint/{joint.number}/decisions/{elsewhere.pk}.pdf").status_code == 404
    acceptance = members(joint)[1].case.notices.get(
        kind=Notice.Kind.ACCEPTANCE
    )  # the others went on: 联合受理
    assert client.get(f"/workbench/joint/{joint.number}/decisions/{acceptance.pk}.pdf").status_code == 404
    stranger = make_staff("env_clerk", county.env, roles=[Role.WINDOW_CLERK], name="生态环境局窗口").user
    client.force_login(stranger)
    assert client.get(f"/workbench/joint/{joint.number}/").status_code == 404
    assert client.get(link).status_code == 404
    client.force_login(company.user)  # the applicant reads it on their own case, not through the workbench
    assert client.get(link).status_code == 403


def test_an_independent_member_refused_lets_the_others_be_accepted(notified, county):
    joint = confirm_members(notified, county, (1, 2, 3))
    before = len(messages_of(joint))
    endings.refuse_member(
        joint=joint,
        position=4,
        by=county.health_clerk,
        reason="经营场所不在本机关管辖区域",
        legal_basis="《中华人民共和国行政许可法》第三十二条第一款第(二)项",
    )
    joint.refresh_from_db()
    m = members(joint)
    assert m[4].case.status == Status.REFUSED
    # the three others had answered: 联合受理 without the refused member
    assert joint.phase == Phase.HANDLING
    assert [m[p].case.status for p in (1, 2, 3)] == [Status.ACCEPTED] * 3
    refusal = selectors.joint_summary(joint)["refusals"][0]
    assert refusal["stopped"] == [] and len(refusal["continuing"]) == 3
    new = messages_of(joint)[before:]
    assert len(new) == 2  # the refusal (others continue) and the 联合受理
    assert "继续办理" in new[0] and "已联合受理" in new[1]


def test_a_refused_member_is_left_out_of_the_combined_notice_and_the_supply(notified, county, company):
    joint = notified
    services.confirm(joint=joint, position=1, by=county.lead_clerk)
    services.raise_missing(
        joint=joint,
        position=2,
        by=county.lead_clerk,
        items=[{"name": "从业人员健康证明", "problem": "未提交"}],
    )
    services.confirm(joint=joint, position=3, by=county.urban_clerk)
    # 卫健委 may not refuse on its own member case page: its intake is the joint page's
    with pytest.raises(Conflict) as own_page:
        case_services.refuse_case(
            case=members(joint)[4].case, by=county.health_clerk, reason="x", legal_basis="第三十二条"
        )
    assert joint.number in own_page.value.message
    _health_refuses(joint, county)
    assert joint.phase == Phase.SUPPLEMENT
    combined = joint.notices.get(kind=JointNotice.Kind.COMBINED)
    assert [r["position"] for r in combined.essentials["members"]] == [2]
    assert members(joint)[4].case.status == Status.REFUSED
    services.supply(joint=joint, by=company.user)
    joint.refresh_from_db()
    assert joint.phase == Phase.NOTIFIED
    services.confirm(joint=joint, position=2, by=county.lead_clerk)
    joint.refresh_from_db()
    assert joint.phase == Phase.HANDLING


def test_refusal_at_intake_on_the_page_and_the_api(notified, county, client):
    joint = notified
    client.force_login(county.health_clerk)
    page = client.get(f"/workbench/joint/{joint.number}/").content.decode()
    assert 'id="refuse-4"' in page and 'id="refuse-3"' not in page
    client.post(
        f"/workbench/joint/{joint.number}/members/4/refuse/",
        {"reason": "不属于本机关职权范围", "legal_basis": "《中华人民共和国行政许可法》第三十二条"},
    )
    page = client.get(f"/workbench/joint/{joint.number}/").content.decode()
    assert 'id="joint-not-accepted-4"' in page and "不属于本机关职权范围" in page
    client.force_login(county.urban_clerk)
    empty = client.post(
        f"/api/joint/cases/{joint.number}/members/3/refuse",
        json.dumps({"reason": "排水设施不在本区域", "legal_basis": ""}),
        content_type="application/json",
    )
    assert (
        empty.status_code == 422
        and empty.json()["field"] == "legal_basis"
        and "法律依据" in empty.json()["message"]
    )
    answer = client.post(
        f"/api/joint/cases/{joint.number}/members/3/refuse",
        json.dumps({"reason": "排水设施不在本区域", "legal_basis": "第三十二条"}),
        content_type="application/json",
    )
    assert answer.status_code == 200 and answer.json()["phase"] == "notified"
    assert [r["at_intake"] for r in answer.json()["refusals"]] == [True, True]
    schema = client.get("/api/openapi.json").json()
    assert "/api/joint/cases/{number}/members/{position}/refuse" in schema["paths"]


def test_only_the_member_department_s_window_refuses_its_part(notified, county, client):
    """The lead window received the application, but 不予受理 of another department's item is that department's
    decision, in its name (第三十二条): the lead window's clerk is neither offered it nor let through; the member's
    own window is (a stranger's pass found a 市场监管局 clerk refusing the 公积金中心's part)."""
    from zhengwu.cases.models import Case
    from zhengwu.core import access
    from zhengwu.joint import permissions

    joint = notified
    urban = next(m for m in members(joint).values() if m.case.organisation == county.urban)
    # handed in at the lead window, as at the demo's counter: the lead clerk sees the member case (its window's)
    Case.objects.filter(pk=urban.case_id).update(window=access.staff_of(county.lead_clerk).window)
    urban.case.refresh_from_db()
    assert permissions.refusal(county.lead_clerk, joint, "refuse", position=urban.position) is not None
    with pytest.raises(AccessDenied):
        endings.refuse_member(
            joint=joint, position=urban.position, by=county.lead_clerk, reason="不符合", legal_basis="条例"
        )
    client.force_login(county.lead_clerk)
    page = client.get(f"/workbench/joint/{joint.number}/").content.decode()
    assert f"/workbench/joint/{joint.number}/members/{urban.position}/refuse/" not in page
    assert permissions.refusal(county.urban_clerk, joint, "refuse", position=urban.position) is None


def test_a_refused_members_own_materials_are_no_longer_asked_for(restaurant, county, company, client):
    """After 卫健委's 不予受理 the merged list no longer asks for the materials only it used: shown as not needed (that
    department refused), with no upload button, and an upload to them is refused at the material."""
    joint = notified_joint(restaurant, county, company, materials=False)
    _health_refuses(joint, county)
    only_health = [
        e
        for e in joint.version.merged_materials
        if [u["key"] for u in e["members"]] == [4] and not e.get("from_member") and not e.get("by_sharing")
    ]
    assert only_health, "the restaurant bundle has materials only 卫健委 asks for"
    rows = {r["position"]: r for r in selectors.merged_checklist(joint)}
    for entry in only_health:
        assert rows[entry["position"]]["not_needed"] == "不再需要(卫健委不予受理)"
        assert not rows[entry["position"]]["missing"]
    others = [r for r in rows.values() if not r["not_needed"]]
    assert others and any(r["missing"] for r in others)  # the others still wait for their materials
    client.force_login(company.user)
    page = client.get(f"/bundles/cases/{joint.number}/").content.decode()
    table = page.split("材料(一次提交,送达需要的各部门)")[1].split("</table>")[0]
    for entry in only_health:
        row = table.split(f'<td data-label="序号">{entry["position"]}</td>')[1].split("</tr>")[0]
        assert "不再需要(卫健委不予受理)" in row and "未上传" not in row and 'type="file"' not in row
    with pytest.raises(ValidationFailed) as refused:
        services.upload_material(
            joint=joint, by=company.user, position=only_health[0]["position"], upload=pdf_upload()
        )
    assert refused.value.field == "position" and "不再需要(卫健委不予受理),无需上传" in refused.value.message


def test_a_refused_members_own_page_no_longer_asks_for_its_materials(restaurant, county, company, client):
    """The applicant's page of 卫健委's own case, after its 不予受理, said 未上传 for what was never given, while the
    joint pages said 不再需要: it says 不再需要(卫健委不予受理) too. A member still running still asks (未上传)."""
    joint = notified_joint(restaurant, county, company, materials=False)
    _health_refuses(joint, county)
    client.force_login(company.user)

    def materials(position):
        page = client.get(f"/cases/mine/{members(joint)[position].case.number}/").content.decode()
        return page.split('id="case-materials"')[1].split("</ul>")[0].split("</li>")[:-1]

    refused = materials(4)
    # all but 营业执照, which comes from 企业登记's result (and says so)
    assert [("不再需要(卫健委不予受理)" in row) for row in refused] == [True, False, True]
    assert "由「企业登记」的结果获取" in refused[1]
    assert not any("未上传" in row for row in refused)
    running = materials(3)
    assert any("未上传" in row for row in running) and not any("不再需要" in row for row in running)
