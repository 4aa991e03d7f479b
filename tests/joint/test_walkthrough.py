"""Defects a stranger found walking through the demo (round 2): the 统一登记 form with labels and types, the lead
window preselected from this centre, the joint case found by number and query code, the member's materials as a
checklist in the applicant's numbering, the front desk's page closed to others, the lead window recorded at
acceptance, how an ended joint case ended, a proper 文号, and 主办/并联 departments listed once."""

import re
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model

from tests.factories import make_centre, make_region, make_staff, make_window
from zhengwu.core.models import Role
from zhengwu.joint import endings, services
from zhengwu.joint.application import MergedForm
from zhengwu.joint.models import JointCase, JointNotice, Phase


def user(name):
    return get_user_model().objects.get(username=name)


@pytest.fixture
def desk(county):
    return make_staff(
        "desk", county.admin_org, roles=[Role.WINDOW_CLERK], window=county.joint_window, name="总服务台"
    ).user


@pytest.fixture
def joint(restaurant, company):
    return services.apply(
        bundle=restaurant.bundle, applicant=company, by=company.user, form={"subject": "开办好味道餐馆"}
    )


def test_the_merged_form_has_labels_types_choices_and_required_marks():
    version = SimpleNamespace(
        merged_form=[
            {"key": "subject", "title": "申请事项说明", "schema": {"type": "string"}, "required": True},
            {"key": "scale", "title": "经营规模", "schema": {"type": "string", "enum": ["小型", "中型"]}},
            {"key": "seats", "title": "座位数", "schema": {"type": "integer"}, "shared": True},
            {"key": "opening", "title": "开业日期", "schema": {"type": "string", "format": "date"}},
        ]
    )
    html = MergedForm(version=version).as_div()
    assert "申请事项说明 *" in html and "经营规模" in html and "座位数" in html and "开业日期" in html
    assert '<option value="" selected>请选择</option>' in html and "中型" in html
    assert 'type="number"' in html and 'type="date"' in html
    assert "各部门共用,填写一次" in html
    form = MergedForm({"form.subject": "开餐馆", "form.seats": "很多"}, version=version)
    assert not form.is_valid() and "form.seats" in form.errors  # the error sits at the field
    form = MergedForm(
        {"form.subject": "开餐馆", "form.seats": "40", "form.opening": "2026-12-01"}, version=version
    )
    assert form.is_valid() and form.form_data() == {"subject": "开餐馆", "seats": 40, "opening": "2026-12-01"}


def test_the_register_page_labels_the_form_and_preselects_the_lead_window(
    restaurant, county, company, desk, client
):
    town = make_centre("塘湾镇便民服务中心", make_region("360681101", "塘湾镇", parent=county.county))
    make_window(town, "3", organisations=[county.market])
    client.force_login(desk)
    page = client.get(f"/workbench/joint/register/?bundle={restaurant.bundle.code}").content.decode()
    assert "申请事项说明 *" in page and "联系电话" in page  # labelled, required marked
    select = re.search(r'<select class="form-select" id="lead-window".*?</select>', page, re.S).group(0)
    assert re.search(rf'value="{county.market_window.pk}" selected', select)  # the lead department's window
    assert "塘湾镇" not in select and f'value="{county.joint_window.pk}"' not in select
    assert f'value="{county.urban_window.pk}"' in select  # this centre's member windows
    answer = client.post(
        "/workbench/joint/register/",
        {
            "bundle": restaurant.bundle.code,
            "who-kind": "legal",
            "who-name": company.name,
            "who-id_number": company.id_number,
            "who-legal_representative": "李四",
            "who-phone": "13900139000",
            "form.subject": "",
            "lead_window": county.market_window.pk,
        },
    )
    assert answer.status_code == 422 and not JointCase.objects.exists()
    assert re.search(r'id="id_form.subject_error"[^>]*>请填写「申请事项说明」', answer.content.decode())


def test_the_register_page_names_every_empty_field_at_once(restaurant, county, desk, client):
    """Walked on a working day: 统一登记 sent with nothing filled said "这个字段是必填项。" twice (under 姓名 and 证件号码,
    Django's words naming no field) and nothing under 申请事项说明 — which came only on the second try. Now every
    empty required field says its name, all on the first answer."""
    client.force_login(desk)
    answer = client.post(
        "/workbench/joint/register/",
        {"bundle": restaurant.bundle.code, "who-kind": "legal", "lead_window": county.market_window.pk},
    )
    page = answer.content.decode()
    assert answer.status_code == 422 and not JointCase.objects.exists()
    assert "这个字段是必填项" not in page
    assert "请填写「申请人姓名或名称」" in page and "请填写「申请人证件号码」" in page
    assert re.search(r'id="id_form.subject_error"[^>]*>请填写「申请事项说明」', page)


def test_the_portal_apply_page_uses_the_same_form(restaurant, company, client):
    client.force_login(company.user)
    page = client.get(f"/bundles/{restaurant.bundle.code}/apply/").content.decode()
    assert '<label class="form-label" for="id_form.subject">申请事项说明 *</label>' in page
    # the lead department is named once: 由…主办, the others 并联办理
    sentence = re.search(r"一次申请,由(.*?)主办,(.*?)并联办理", page)
    assert sentence.group(1) == "贵溪市市场监督管理局"
    assert "市场监督管理局" not in sentence.group(2) and "贵溪市城市管理局" in sentence.group(2)
    answer = client.post(f"/bundles/{restaurant.bundle.code}/apply/", {"form.subject": ""})
    assert answer.status_code == 422 and "请填写「申请事项说明」" in answer.content.decode()
    # every bad field at once, each at its field, and nothing written
    answer = client.post(
        f"/bundles/{restaurant.bundle.code}/apply/", {"form.subject": "", "form.contact_phone": "abc123"}
    )
    html = answer.content.decode()
    assert answer.status_code == 422 and not JointCase.objects.exists()
    assert re.search(r'id="id_form.subject_error"[^>]*>请填写「申请事项说明」', html)
    assert re.search(r'id="id_form.contact_phone_error"[^>]*>「联系电话」应为11位手机号码', html)


def test_a_joint_case_is_found_by_number_and_query_code(joint, client):
    page = client.get("/cases/lookup/", {"number": joint.number, "query_code": joint.query_code.lower()})
    html = page.content.decode()
    assert page.status_code == 200 and "办件编号或查询码不正确" not in html
    assert "贵溪市城市管理局" in html and "贵溪市卫生健康委员会" in html and "待主办窗口受理" in html
    assert "好味道餐饮有限公司" not in html  # names masked for the public
    wrong = client.get("/cases/lookup/", {"number": joint.number, "query_code": "AAAAAA"}).content.decode()
    assert "办件编号或查询码不正确" in wrong and "贵溪市城市管理局" not in wrong
    data = client.get("/api/cases/status", {"number": joint.number, "query_code": joint.query_code}).json()
    assert data["kind"] == "joint" and len(data["members"]) == 4 and data["number"] == joint.number
    assert (
        client.get("/api/cases/status", {"number": joint.number, "query_code": "AAAAAA"}).status_code == 404
    )


def test_staff_and_applicant_see_the_query_code_in_the_api(joint, company, client):
    client.force_login(user("lead_clerk"))
    assert client.get(f"/api/cases/{joint.number}").json()["query_code"] == joint.query_code
    client.force_login(company.user)
    assert client.get(f"/api/cases/{joint.number}").json()["query_code"] == joint.query_code


def test_a_member_ticks_its_materials_in_the_applicants_numbering(joint, client):
    client.force_login(user("lead_clerk"))
    client.post(f"/workbench/joint/{joint.number}/notify/")
    client.force_login(user("urban_clerk"))
    page = client.get(f"/workbench/joint/{joint.number}/").content.decode()
    merged = {e["name"]: e["position"] for e in joint.version.merged_materials}
    drainage_form = merged["排水许可申请表"]
    assert f"{drainage_form}. 排水许可申请表" in page  # the number the applicant sees
    assert "由「企业登记」的办理结果获取" in page  # 营业执照 is not asked of the applicant
    assert "材料序号:问题" not in page
    client.post(
        f"/workbench/joint/{joint.number}/members/3/missing/",
        {"material": ["1", "3"], "problem_3": "图纸未标注检测井", "problem_1": ""},
    )
    member = joint.members.get(position=3)
    assert member.missing == [
        {"position": 1, "name": "排水许可申请表", "problem": "缺少或不符合要求,请补正"},
        {"position": 3, "name": "排水管网图纸", "problem": "图纸未标注检测井"},
    ]


def test_a_wrong_material_number_names_the_members_materials(joint):
    services.lead_accept(joint=joint, by=user("lead_clerk"))
    with pytest.raises(services.ValidationFailed) as err:
        services.raise_missing(
            joint=joint, position=3, by=user("urban_clerk"), items=[{"position": 9, "problem": "不清晰"}]
        )
    assert "城镇污水排入排水管网许可" in err.value.message and "1.排水许可申请表" in err.value.message


def test_only_the_front_desk_sees_and_opens_the_register_page(restaurant, desk, client):
    client.force_login(user("urban_clerk"))
    assert "总服务台统一登记" not in client.get("/workbench/joint/").content.decode()
    answer = client.get(f"/workbench/joint/register/?bundle={restaurant.bundle.code}")
    assert answer.status_code == 403
    html = answer.content.decode()
    assert "总服务台" in html and "您的账号不能办理" in html and "合并申请表" not in html
    client.force_login(desk)
    assert "总服务台统一登记" in client.get("/workbench/joint/").content.decode()


def test_the_window_that_accepts_an_online_application_leads(joint, county, client):
    services.lead_accept(joint=joint, by=user("lead_clerk"))
    joint.refresh_from_db()
    assert joint.lead_window == county.market_window
    client.force_login(user("lead_clerk"))
    page = client.get(f"/workbench/joint/{joint.number}/").content.decode()
    assert re.search(r'id="lead-window">9号窗口', page)


def test_an_ended_joint_case_says_how_it_ended(joint, company, client):
    endings.withdraw(joint=joint, by=company.user, reason="不开了")
    client.force_login(company.user)
    page = client.get(f"/bundles/cases/{joint.number}/").content.decode()
    assert "前全部办结" not in page
    assert re.search(r'id="joint-ended">已撤回于 2026年11月18日', page)  # as people write a day


def test_notices_get_a_proper_document_number(restaurant, company):
    numbers = []
    for _i in range(2):
        j = services.apply(
            bundle=restaurant.bundle, applicant=company, by=company.user, form={"subject": "开"}
        )
        services.lead_accept(joint=j, by=user("lead_clerk"))
        numbers.append(JointNotice.objects.get(joint=j, kind="notification").document_number)
    assert numbers == ["市场监管局联通字〔2026〕1号", "市场监管局联通字〔2026〕2号"]
    assert all(j.phase == Phase.NOTIFIED for j in JointCase.objects.all())


def test_accepted_for_the_lead_department_its_own_window_leads(joint, county, company, client):
    services.lead_accept(joint=joint, by=None)  # the platform (demo, imports): the lead department's 专窗
    joint.refresh_from_db()
    assert joint.lead_window == county.market_window
    client.force_login(company.user)
    assert "主办窗口:9号窗口" in client.get(f"/bundles/cases/{joint.number}/").content.decode()


def test_the_preselected_window_is_where_the_lead_items_are_handled(restaurant, county, desk):
    food_window = make_window(
        county.centre, "10", "10号窗口 市场监管专窗(食品药品)", organisations=[county.market]
    )
    windows, default = services.register_windows(desk, restaurant)
    assert [w.number for w in windows] == ["9", "10", "12", "15"] and default == county.market_window
    county.food.current_version.windows.set([food_window])
    assert services.register_windows(desk, restaurant)[1] == food_window  # the catalogue's 办理窗口


def test_the_checklist_comes_ticked_for_required_materials_not_provided_yet(joint, company, client):
    """Walked on a working day: 城管局 ticked only the form it had looked at, 卫健委 the same, and the combined
    one-time notice left out the drawings and plans nobody had uploaded — the applicant would have been told a
    second time after supplying. Now every required material not provided yet comes ticked (and says 未上传);
    what the applicant uploaded, and the 营业执照 a member's result provides, do not."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import PDF_BYTES

    merged = {e["name"]: e["position"] for e in joint.version.merged_materials}
    services.upload_material(
        joint=joint,
        by=company.user,
        position=merged["排水许可申请表"],
        upload=SimpleUploadedFile("申请表.pdf", PDF_BYTES),
    )
    services.lead_accept(joint=joint, by=user("lead_clerk"))
    client.force_login(user("urban_clerk"))
    page = client.get(f"/workbench/joint/{joint.number}/").content.decode()
    box = {
        n: re.search(rf'<input[^>]*id="missing-3-m{n}"[^>]*>', page).group(0) for n in (1, 3)
    }  # 1 排水许可申请表 (uploaded), 3 排水管网图纸 (not)
    assert "checked" in box[3] and "checked" not in box[1]
    assert f"{merged['排水管网图纸']}. 排水管网图纸 <span" in page
    box_label = page.split(f"{merged['排水管网图纸']}. 排水管网图纸 <span")[1].split("</label>")[0]
    assert (
        ">未上传<" in box_label and "未提交" not in page
    )  # the portal's word, as the material table says it
    assert 'id="missing-3-m2"' not in page  # 营业执照 comes from 企业登记's result


def test_a_material_the_applicant_is_not_asked_for_cannot_be_ticked(joint, client):
    version = joint.version  # as when 营业执照 is obtained by data sharing: not on the applicant's list
    version.merged_materials = [e for e in version.merged_materials if e["name"] != "排水管网图纸"]
    version.save(update_fields=["merged_materials"])
    services.lead_accept(joint=joint, by=user("lead_clerk"))
    client.force_login(user("urban_clerk"))
    page = client.get(f"/workbench/joint/{joint.number}/").content.decode()
    assert "排水管网图纸(不在申请人的材料清单中,由部门自行获取)" in page
    assert 'id="missing-3-m3"' not in page
    with pytest.raises(services.ValidationFailed) as err:
        services.raise_missing(
            joint=joint, position=3, by=user("urban_clerk"), items=[{"position": 3, "problem": "不清晰"}]
        )
    assert "「排水管网图纸」不在申请人的材料清单中" in err.value.message


def test_withdrawn_members_say_they_ended_not_when_they_are_due(joint, company, client):
    endings.withdraw(joint=joint, by=company.user, reason="不开了")
    client.force_login(company.user)
    page = client.get(f"/bundles/cases/{joint.number}/").content.decode()
    assert "受理后计算期限" not in page and page.count("已结束") >= 4
