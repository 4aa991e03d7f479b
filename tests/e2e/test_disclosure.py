"""Disclosure in a browser: publication through review to the portal and search; a request to its reply letter."""

import pytest
from playwright.sync_api import expect

from zhengwu.core.models import Region, Role
from zhengwu.disclosure.models import DisclosureProfile

PASSWORD = "pw-for-tests-1"


@pytest.fixture
def county(transactional_db, fast_passwords):
    from django.contrib.auth import get_user_model

    from zhengwu.core.ids import make_uscc
    from zhengwu.core.models import Organisation, Staff, StaffRole

    region = Region.objects.create(code="360681", name="贵溪市", level=Region.Level.COUNTY)
    org = Organisation.objects.create(
        name="贵溪市自然资源局",
        uscc=make_uscc("1", "1", "360681", "MB765432"),
        kind="department",
        region=region,
    )
    # the one reviewer holds both review duties: 政务公开人员 (初审) and 保密审查人员 (保密审查)
    for username, name, roles in (
        ("drafter", "起草人", (Role.DISCLOSURE_OFFICER,)),
        ("reviewer", "审核人", (Role.DISCLOSURE_OFFICER, Role.CONFIDENTIALITY_REVIEWER)),
        ("leader", "局长", (Role.DEPARTMENT_HEAD,)),
    ):
        user = get_user_model().objects.create_user(username=username, password=PASSWORD)
        staff = Staff.objects.create(user=user, name=name, organisation=org)
        for role in roles:
            StaffRole.objects.create(staff=staff, role=role)
    # a small office: one reviewer signs both 初审 and 保密审查, as its 政务公开设置 allows (the ledger says so)
    DisclosureProfile.objects.create(organisation=org, one_reviewer=True)
    return org


def as_user(page, sign_in, username):
    page.context.clear_cookies()
    sign_in(username, PASSWORD)


def draft_and_submit(page, title: str, number: str, body: str, *, important: bool = False) -> str:
    """The signed-in drafter writes a publication, saves and submits it; the publication's workbench address."""
    page.goto("/workbench/disclosure/publications/new/")
    page.get_by_label("标题").fill(title)
    page.get_by_label("文号").fill(number)
    page.get_by_label("正文").fill(body)
    if important:
        page.get_by_label("重要文件(需第二位领导审批)").check()
    with page.expect_navigation():
        page.get_by_role("button", name="保存草稿").click()
    with page.expect_navigation():
        page.get_by_role("button", name="提交审核").click()
    expect(page.locator("#pub-status")).to_have_text("待初审")
    return page.url


def test_a_publication_goes_through_review_to_the_portal_and_search(page, county, sign_in, shot):
    as_user(page, sign_in, "drafter")
    url = draft_and_submit(
        page, "贵溪市城区土地征收补偿标准", "贵自然资发〔2026〕5号", "<p>城区土地征收补偿按本标准执行。</p>"
    )
    shot()
    for who, steps in (("reviewer", 2), ("leader", 1)):
        as_user(page, sign_in, who)
        for _ in range(steps):
            page.goto(url)
            page.get_by_label("审查意见").fill("同意公开")
            with page.expect_navigation():
                page.get_by_role("button", name="同意").click()
    expect(page.locator("#pub-status")).to_have_text("已审批待发布")
    expect(page.get_by_text("初审与保密审查由同一人签署,按本机构政务公开设置")).to_be_visible()
    as_user(page, sign_in, "drafter")
    page.goto(url)
    with page.expect_navigation():
        page.get_by_role("button", name="发布").click()
    expect(page.locator("#pub-status")).to_have_text("已发布")
    shot()
    page.goto("/disclosure/search/?q=土地徵收")  # Traditional characters find the Simplified title
    expect(page.get_by_role("link", name="贵溪市城区土地征收补偿标准")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("link", name="贵溪市城区土地征收补偿标准").click()
    expect(page.locator("article")).to_contain_text("按本标准执行")
    shot()


def test_a_request_with_supplement_is_answered_and_the_letter_downloaded(page, county, sign_in, shot):
    page.goto("/disclosure/request/")
    page.get_by_label("受理机关").select_option(label="贵溪市自然资源局")
    page.get_by_label("姓名或名称").fill("李秀英")
    page.get_by_label("联系电话").fill("13979712345")
    page.get_by_label("所需政府信息的名称、文号或便于查询的其他特征性描述").fill("我村土地征收的补偿方案")
    with page.expect_navigation():
        page.get_by_role("button", name="提交申请").click()
    number = page.locator("#request-number").inner_text()
    code = page.locator("#request-code").inner_text()
    shot()

    as_user(page, sign_in, "drafter")
    page.goto("/workbench/disclosure/requests/")
    with page.expect_navigation():
        page.get_by_role("link", name=number).click()
    page.get_by_label("需补正的全部事项").fill("请写明村名和征收年份")
    with page.expect_navigation():
        page.get_by_role("button", name="告知补正").click()
    expect(page.locator("#request-status")).to_have_text("待补正")
    officer_url = page.url

    page.context.clear_cookies()
    page.goto(f"/disclosure/track/?number={number}&code={code}")
    expect(page.locator("body")).to_contain_text("请写明村名和征收年份")
    page.get_by_label("补正内容").fill("塘湾村,2025年")
    with page.expect_navigation():
        page.get_by_role("button", name="提交补正").click()
    expect(page.locator("#request-status")).to_have_text("办理中")

    # more time needed: the officer asks, the head agrees from their workbench (第三十三条第一款)
    as_user(page, sign_in, "drafter")
    page.goto(officer_url)
    page.get_by_label("延长工作日(1–20)").fill("10")
    page.get_by_label("延长理由(将告知申请人)").fill("需调取征收档案")
    with page.expect_navigation():
        page.get_by_role("button", name="提交负责人审批").click()
    expect(page.locator("#extension-asked")).to_contain_text("需调取征收档案")
    as_user(page, sign_in, "leader")
    page.goto("/workbench/")
    expect(page.locator("body")).to_contain_text("待审批的延长答复期限")
    page.goto(officer_url)
    due_after = page.locator("#asked-due-after").inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name="同意延长").click()
    expect(page.locator("#due-on")).to_have_text(due_after)

    as_user(page, sign_in, "drafter")
    page.goto(officer_url)
    page.get_by_label("答复结果").select_option(label="部分公开")
    page.get_by_label("答复内容").fill("补偿方案予以公开;涉及个人的补偿明细属于个人隐私,不予公开。")
    with page.expect_navigation():
        page.get_by_role("button", name="答复").click()
    expect(page.locator("#request-status")).to_have_text("已答复")

    page.context.clear_cookies()
    page.goto(f"/disclosure/track/?number={number}&code={code}")
    expect(page.locator("body")).to_contain_text("部分公开")
    expect(page.locator("body")).to_contain_text("延长10个工作日,理由:需调取征收档案")
    shot()
    with page.expect_download() as download:
        page.locator("#download-letter").click()
    path = download.value.path()
    with open(path, "rb") as f:
        assert f.read(4) == b"%PDF"


def test_the_demo_people_take_a_publication_through_every_review_to_the_portal(
    page, demo_county, sign_in, shot
):
    """With the accounts `zhengwu demo` prints: 李秀英 drafts an important document, 宋雅琴 does the first review, 钱国栋
    the confidentiality review, 方振华 approves as leader and 龚丽萍 as the second leader; 李秀英 publishes it."""
    from zhengwu.core.demo import demo_password

    def as_demo(username):
        page.context.clear_cookies()
        sign_in(username, demo_password())

    as_demo("disclosure")
    url = draft_and_submit(
        page,
        "贵溪市2027年民生实事项目安排",
        "贵府办发〔2026〕12号",
        "<p>2027年市政府将办好十件民生实事。</p>",
        important=True,
    )
    # The drafter is told who reviews, and is offered no review of their own draft.
    expect(page.get_by_test_id("reviewer-wanted")).to_contain_text("由起草人以外的政务公开人员办理")
    expect(page.get_by_role("button", name="同意")).to_have_count(0)
    shot()

    for username, step, opinion in (
        ("gov_review", "待初审", "内容准确,同意"),
        ("secrecy", "待保密审查", "经审查不涉及国家秘密和工作秘密"),
        ("gov_head", "待领导审批", "同意公开"),
        ("gov_deputy", "待第二位领导审批", "同意"),
    ):
        as_demo(username)
        page.goto(url)
        expect(page.locator("#pub-status")).to_have_text(step)
        page.get_by_label("审查意见").fill(opinion)
        with page.expect_navigation():
            page.get_by_role("button", name="同意").click()
        if username == "gov_head":  # the leader who approved first is not the second leader
            expect(page.locator("#pub-status")).to_have_text("待第二位领导审批")
            expect(page.get_by_test_id("reviewer-wanted")).to_contain_text("须由另一位部门负责人审批")
            expect(page.get_by_role("button", name="同意")).to_have_count(0)
    expect(page.locator("#pub-status")).to_have_text("已审批待发布")
    shot()

    as_demo("disclosure")
    page.goto(url)
    with page.expect_navigation():
        page.get_by_role("button", name="发布").click()
    expect(page.locator("#pub-status")).to_have_text("已发布")
    ledger = page.locator("table").last
    for name in ("宋雅琴", "钱国栋", "方振华", "龚丽萍"):
        expect(ledger).to_contain_text(name)
    shot()

    page.context.clear_cookies()
    page.goto("/disclosure/search/?q=民生实事")
    with page.expect_navigation():
        page.get_by_role("link", name="贵溪市2027年民生实事项目安排").click()
    expect(page.locator("article")).to_contain_text("十件民生实事")
    shot()
