"""The pages: an applicant applies online and follows the row of departments; the lead window sends the 联办通知 and
the member windows answer on the workbench; one combined notice on the applicant's page."""

from django.contrib.auth import get_user_model

from tests.joint.conftest import upload_all
from zhengwu.joint.models import JointCase, Phase


def user(name):
    return get_user_model().objects.get(username=name)


def test_apply_answer_and_follow_on_the_pages(restaurant, county, company, client):
    code = restaurant.bundle.code
    client.force_login(company.user)
    page = client.get(f"/bundles/{code}/apply/").content.decode()
    assert "申请事项说明" in page and "各部门共用,填写一次" in page
    answer = client.post(f"/bundles/{code}/apply/", {"form.subject": "开办好味道餐馆"})
    joint = JointCase.objects.get()
    upload_all(joint, company.user)
    assert answer.status_code == 302 and answer["Location"] == f"/bundles/cases/{joint.number}/"
    page = client.get(answer["Location"]).content.decode()
    for text in (
        "贵溪市市场监督管理局",
        "贵溪市城市管理局",
        "贵溪市卫生健康委员会",
        "待主办窗口受理",
        "受理后计算期限",
    ):
        assert text in page
    assert "我的一件事" in client.get("/bundles/mine/").content.decode()

    client.force_login(user("lead_clerk"))
    page = client.get(f"/workbench/joint/{joint.number}/").content.decode()
    assert "受理并发送联办通知" in page
    client.post(f"/workbench/joint/{joint.number}/notify/")
    client.post(f"/workbench/joint/{joint.number}/members/1/confirm/")
    client.post(f"/workbench/joint/{joint.number}/members/2/confirm/")
    client.force_login(user("urban_clerk"))
    assert (
        client.post(f"/workbench/joint/{joint.number}/members/4/confirm/").status_code == 302
    )  # refused, shown
    joint.refresh_from_db()
    assert joint.members.get(position=4).answer == ""
    client.post(f"/workbench/joint/{joint.number}/members/3/missing/", {"items": "3:图纸未标注检测井"})
    client.force_login(user("health_clerk"))
    client.post(f"/workbench/joint/{joint.number}/members/4/missing/", {"items": "3:身份证复印件不清晰"})
    joint.refresh_from_db()
    assert joint.phase == Phase.SUPPLEMENT

    client.force_login(company.user)
    page = client.get(f"/bundles/cases/{joint.number}/").content.decode()
    assert page.count("联合一次性告知书") >= 1
    assert "图纸未标注检测井" in page and "身份证复印件不清晰" in page
    assert "已补齐,提交补正" in page
    assert client.get("/workbench/joint/").status_code == 403  # applicants are not staff


def test_workbench_list_for_staff(restaurant, county, company, client):
    from zhengwu.joint import services

    services.apply(bundle=restaurant.bundle, applicant=company, by=company.user, form={"subject": "开餐馆"})
    client.force_login(user("urban_clerk"))
    page = client.get("/workbench/joint/").content.decode()
    assert "开办餐饮店" in page
    client.force_login(user("manager"))
    assert "并联审批" in client.get("/workbench/").content.decode()


def test_the_hall_screen_counts_joint_cases_and_members(restaurant, county, company, client):
    from zhengwu.joint import services

    services.apply(bundle=restaurant.bundle, applicant=company, by=company.user, form={"subject": "开餐馆"})
    data = client.get(f"/hall/{county.centre.pk}/data/").json()
    assert (data["joint_open"], data["joint_members_open"]) == (1, 4)
    assert "联办件在办" in client.get(f"/hall/{county.centre.pk}/").content.decode()
    # one department's item is done (已办结) while the joint case is still open: it is no longer 在办
    from zhengwu.cases.models import Case
    from zhengwu.joint.models import JointMember

    member = JointMember.objects.first()
    Case.objects.filter(pk=member.case_id).update(
        status="completed"
    )  # setup only: the figure reads the status
    data = client.get(f"/hall/{county.centre.pk}/data/").json()
    assert (data["joint_open"], data["joint_members_open"]) == (1, 3)


def test_bundles_are_reviewed_and_published_on_the_workbench(county, client):
    from zhengwu.joint import bundles

    from .conftest import restaurant_spec

    version = bundles.create_bundle(spec=restaurant_spec(county), user=county.manager)
    client.force_login(user("manager"))
    page = client.post(
        f"/workbench/joint/bundles/{version.bundle.code}/submit/", follow=True
    ).content.decode()
    # the flash names the bundle by its name, not its code (was 「YJS0001」 for a bundle never published)
    assert f"已将一件事「{version.name}」的修订提交审核" in page and f"「{version.bundle.code}」" not in page
    assert "待审核" in page
    client.post(f"/workbench/joint/bundles/{version.bundle.code}/publish/")  # refused: own submission
    version.refresh_from_db()
    assert version.status == "submitted"
    client.force_login(user("manager2"))
    client.post(f"/workbench/joint/bundles/{version.bundle.code}/publish/")
    version.refresh_from_db()
    assert version.status == "published"


def test_actions_say_what_was_done_and_member_cases_link_their_joint_case(
    restaurant, county, company, client
):
    from zhengwu.joint import services

    services.apply(bundle=restaurant.bundle, applicant=company, by=company.user, form={"subject": "开餐馆"})
    joint = JointCase.objects.get()
    upload_all(joint, company.user)
    client.force_login(user("lead_clerk"))
    page = client.post(f"/workbench/joint/{joint.number}/notify/", follow=True).content.decode()
    assert f"已受理联办件 {joint.number},并向各成员窗口发送联办通知。" in page and "已办理。" not in page
    page = client.post(f"/workbench/joint/{joint.number}/members/1/confirm/", follow=True).content.decode()
    assert "已答复联办通知:市场监管局「" in page and "」确认材料齐全。" in page

    client.force_login(company.user)
    page = client.get("/cases/").content.decode()
    assert page.count(f"一件事联办件 {joint.number} 的成员办件") == 4
    assert f'href="/bundles/cases/{joint.number}/"' in page

    member = joint.members.get(position=1).case
    client.force_login(user("supervisor"))
    page = client.get(f"/workbench/supervision/cases/{member.pk}/").content.decode()
    assert f"联办件 {joint.number} 的成员" in page and f'href="/workbench/joint/{joint.number}/"' in page
    assert 'href="/workbench/joint/"' in page  # 并联审批 in the supervisor's menu
    assert client.get(f"/workbench/joint/{joint.number}/").status_code == 200


def test_the_restaurant_form_asks_yes_no_and_the_delivery_once_for_every_member(county, company, client):
    """Walk-through: 场所类别 had no 餐饮 choice, 是否使用集中空调通风系统 was free text and the result's delivery could
    not be chosen. Now a yes/no question, the common choices only, and the hall's delivery choice on every member."""
    from zhengwu.cases import forms as case_forms
    from zhengwu.joint import bundles

    from .conftest import restaurant_spec

    schema = case_forms.schema_of(county.hygiene.current_version)
    schema = {
        **schema,
        "properties": {
            **schema["properties"],
            "venue_type": {
                "type": "string",
                "title": "场所类别",
                "enum": ["餐饮场所(饭馆、咖啡馆、酒吧、茶座)", "住宿场所"],
            },
            "central_air": {"type": "boolean", "title": "是否使用集中空调通风系统"},
        },
    }
    type(county.hygiene.current_version).objects.filter(pk=county.hygiene.current_version_id).update(
        form_schema=schema
    )
    version = bundles.create_bundle(spec=restaurant_spec(county), user=county.manager)
    bundles.submit(bundle=version.bundle, user=county.manager)
    version = bundles.publish(bundle=version.bundle, user=county.manager2)
    code = version.bundle.code
    client.force_login(company.user)
    page = client.get(f"/bundles/{code}/apply/").content.decode()
    assert (
        '<option value="餐饮场所(饭馆、咖啡馆、酒吧、茶座)">餐饮场所(饭馆、咖啡馆、酒吧、茶座)</option>'
        in page
    )
    assert 'type="checkbox" name="form.central_air"' in page
    assert "结果送达方式" in page and 'name="delivery-method"' in page
    answer = client.post(
        f"/bundles/{code}/apply/",
        {
            "form.subject": "开办好味道餐馆",
            "form.venue_type": "餐饮场所(饭馆、咖啡馆、酒吧、茶座)",
            "form.central_air": "on",
            "delivery-method": "electronic",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    joint = JointCase.objects.get()
    cases = [m.case for m in joint.members.select_related("case").order_by("position")]
    assert {c.requested_delivery for c in cases} == {"electronic"}
    hygiene = cases[3]
    assert hygiene.form["central_air"] is True and hygiene.form["venue_type"].startswith("餐饮场所")


def test_a_member_case_page_says_the_kind_of_each_file_in_words(restaurant, county, company, client):
    from zhengwu.joint import services

    joint = services.apply(
        bundle=restaurant.bundle, applicant=company, by=company.user, form={"subject": "开餐馆"}
    )
    upload_all(joint, company.user)
    client.force_login(user("lead_clerk"))
    case = joint.members.get(position=1).case
    page = client.get(f"/workbench/cases/{case.number}/").content.decode()
    # what a clerk reads beside each uploaded file: PDF, not the stored media type application/pdf
    assert '<span class="text-body-secondary">PDF · ' in page and "application/pdf" not in page
