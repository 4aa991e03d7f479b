"""A stranger's walk-through (issue 16, second round): the joint due date says what it is while some member's
clock waits on a prerequisite's result."""

from django.contrib.auth import get_user_model

from tests.joint.test_clocks import accepted_on


def user(name):
    return get_user_model().objects.get(username=name)


def test_the_joint_due_date_says_it_is_the_bundles_overall_limit_while_members_wait(
    restaurant, county, company, client
):
    joint = accepted_on("2026-11-18", restaurant.bundle, company)
    note = "按一件事总时限;「食品经营许可」待「企业登记」结果后起算"
    client.force_login(user("lead_clerk"))
    assert note in client.get(f"/workbench/joint/{joint.number}/").content.decode()
    client.force_login(company.user)
    assert note in client.get(f"/bundles/cases/{joint.number}/").content.decode()
    body = client.get(f"/api/cases/{joint.number}").json()
    assert body["due"] and note in body["due_note"]
    assert [w["item"] for w in body["clocks_waiting"]] == [
        "食品经营许可",
        "城镇污水排入排水管网许可",
        "公共场所卫生许可",
    ]
    assert {w["waits_for"] for w in body["clocks_waiting"]} == {"企业登记"}


def test_conditional_materials_read_as_such_and_not_as_missing(restaurant, county, company, client):
    from zhengwu.joint import services

    county.drainage.current_version.materials.filter(name="排水管网图纸").update(condition="有地下管网的提交")
    joint = services.apply(
        bundle=restaurant.bundle, applicant=company, by=company.user, form={"subject": "开餐馆"}
    )
    client.force_login(company.user)
    page = client.get(f"/bundles/cases/{joint.number}/").content.decode()
    row = page.split("排水管网图纸")[1].split("</tr>")[0]
    assert "视情形提交(有地下管网的提交)" in row and "未上传" not in row
    row = page.split("排水许可申请表")[1].split("</tr>")[0]
    assert row.startswith(" *") and "未上传" in row  # a required one keeps its * and 未上传
    member = joint.members.get(position=3).case
    page = client.get(f"/cases/mine/{member.number}/").content.decode()
    item = page.split("排水管网图纸")[1].split("</li>")[0]
    assert "视情形提交(有地下管网的提交)" in item and "未上传" not in item


def test_a_supervisor_reaches_督办_of_an_overdue_member_from_the_joint_page(
    restaurant, county, company, client
):
    from tests.joint.test_clocks import at
    from zhengwu.core import clock

    joint = accepted_on("2026-09-28", restaurant.bundle, company)  # 企业登记 legal due 10-08, left undecided
    registration = joint.members.get(position=1).case
    with clock.frozen(at("2026-10-12")):
        client.force_login(county.supervisor)
        page = client.get(f"/workbench/joint/{joint.number}/").content.decode()
        assert page.count('id="supervise-') == 1  # only the late member
        link = page.split('id="supervise-1"')[0].rsplit('href="', 1)[1].split('"')[0]
        assert link == f"/workbench/supervision/cases/{registration.pk}/"
        form = client.get(link).content.decode()
        assert "下达督办" in form and registration.number in form
        client.force_login(county.lead_clerk)  # not a supervisor: no 督办
        assert "supervise-" not in client.get(f"/workbench/joint/{joint.number}/").content.decode()


def test_a_waiting_members_explanation_starts_at_the_prerequisites_result_not_at_acceptance(
    restaurant, county, company, client
):
    from tests.joint.test_clocks import at
    from zhengwu.core import clock
    from zhengwu.joint.demo import _handle

    joint = accepted_on("2026-11-18", restaurant.bundle, company)
    with clock.frozen(at("2026-11-19", 15)):
        _handle(joint.members.get(position=1).case, decide=True)
    hygiene = joint.members.get(position=4).case
    assert hygiene.accepted_on.isoformat() == "2026-11-18"
    line = "起算:2026年11月19日(星期四)「企业登记」的结果作出(行政许可法第二十六条第二款),自次日起计算"
    client.force_login(company.user)
    page = client.get(f"/cases/mine/{hygiene.number}/").content.decode()
    assert line in page and "起算:2026年11月19日(星期四)受理" not in page
    client.force_login(county.health_clerk)
    assert line in client.get(f"/workbench/cases/{hygiene.number}/").content.decode()
    registration = joint.members.get(position=1).case  # counted from its own acceptance, as before
    client.force_login(company.user)
    assert (
        "起算:2026年11月18日(星期三)受理"
        in client.get(f"/cases/mine/{registration.number}/").content.decode()
    )


def test_the_staff_joint_page_shows_the_application_form_masked(restaurant, county, company, client):
    from zhengwu.joint.models import JointCase

    client.force_login(company.user)
    form = {"subject": "开办好味道餐馆", "contact_name": "李四", "contact_phone": "13912345678"}
    client.post(f"/bundles/{restaurant.bundle.code}/apply/", {f"form.{k}": v for k, v in form.items()})
    joint = JointCase.objects.get()
    client.force_login(county.lead_clerk)
    page = client.get(f"/workbench/joint/{joint.number}/").content.decode()
    section = page.split('id="form-fields"')[1].split("</dl>")[0]
    # the merged form's titles, in its order
    positions = [section.index(title) for title in ("申请事项说明", "联系人", "联系电话")]
    assert positions == sorted(positions)
    assert "开办好味道餐馆" in section and "139****5678" in section
    assert "13912345678" not in page and "李四" not in section  # personal fields masked


def test_the_lead_window_reveals_the_applicant_on_the_joint_page_with_a_reason(
    restaurant, county, company, client
):
    from zhengwu.core.models import AuditRecord
    from zhengwu.joint.models import JointCase

    client.force_login(company.user)
    form = {"subject": "开办好味道餐馆", "contact_name": "李四", "contact_phone": "13912345678"}
    client.post(f"/bundles/{restaurant.bundle.code}/apply/", {f"form.{k}": v for k, v in form.items()})
    joint = JointCase.objects.get()
    client.force_login(county.lead_clerk)
    url = f"/workbench/joint/{joint.number}/"
    page = client.get(url).content.decode()
    # the applicant's contact is on the joint page (masked), with the reveal beside it (was: only on member pages)
    assert "139****9000" in page and 'id="reveal"' in page
    without = client.post(f"{url}personal/", {"reason": ""})
    assert without.status_code == 422 and 'id="reveal-reason-error"' in without.content.decode()
    shown = client.post(f"{url}personal/", {"reason": "联系申请人补正材料"}).content.decode()
    assert "13900139000" in shown and "13912345678" in shown and "李四" in shown.split('id="form-fields"')[1]
    assert 'id="revealed-note"' in shown
    record = AuditRecord.objects.filter(action="personal_data.view").latest("pk")
    assert record.summary["record"] == joint.number and record.summary["reason"] == "联系申请人补正材料"
    assert "13900139000" not in client.get(url).content.decode()  # masked again on the next visit
    # a centre manager reads the page masked and is told why it stays so
    client.force_login(county.manager)
    assert 'id="masked-note"' in client.get(url).content.decode()
    assert client.post(f"{url}personal/", {"reason": "查看"}).status_code == 403
