"""开办餐饮店 in the browser: a company applies online for the bundle; the lead window (市场监管局) accepts and sends
the 联办通知; 城管局 and 卫健委 ask for materials and the company gets ONE combined notice; after it supplies them
the departments decide in parallel; 企业登记's 营业执照 reaches the others without upload; the company sees each
department's progress."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_cases import DEMO_PASSWORD, real_pdf
from tests.factories import PASSWORD, make_staff
from zhengwu.cases import services as case_services
from zhengwu.cases.models import CaseStep
from zhengwu.core import ids
from zhengwu.core.models import Organisation, Role
from zhengwu.joint import demo
from zhengwu.joint.models import JointCase

COMPANY_PASSWORD = "Haoweidao-2026!"

pytestmark = pytest.mark.e2e


@pytest.fixture
def restaurant_bundle(demo_catalogue):
    spec = next(s for s in demo._specs() if s["name"] == "开办餐饮店")
    bundle = demo._bundle(spec)
    urban = Organisation.objects.get(short_name="城管局", region__code="360681")
    health = Organisation.objects.get(short_name="卫健委", region__code="360681")
    roles = [Role.WINDOW_CLERK, Role.APPROVER, Role.DEPARTMENT_HEAD]
    make_staff("cg_clerk", urban, roles=roles, name="钱城管")
    make_staff("wj_clerk", health, roles=roles, name="冯卫健")
    company = case_services.register_applicant(
        kind="legal",
        name="贵溪市好味道餐饮有限公司",
        id_number=ids.make_uscc("9", "1", "360681", "MA35X7Q2"),
        legal_representative="李四",
        phone="13979733333",
        password=COMPANY_PASSWORD,
    )
    case_services.verify_real_name(applicant=company)
    return bundle


def staff(page, sign_in, username, password=PASSWORD):
    page.context.clear_cookies()
    sign_in(username, password)


def company_sign_in(page):
    page.context.clear_cookies()
    page.goto("/cases/signin/legal/")
    page.get_by_label("统一社会信用代码(或手机号码、电子邮箱)").fill("13979733333")
    page.get_by_label("密码").fill(COMPANY_PASSWORD)
    page.get_by_role("button", name="登录").click()


def decide(case, user):
    case.refresh_from_db()
    while True:
        step = case.steps.filter(state=CaseStep.State.OPEN).first()
        if step is None or step.kind == "decide":
            break
        case_services.complete_step(case=case, by=user, opinion="同意")
        case.refresh_from_db()
    case_services.decide_case(case=case, by=user, grant=True, reasons="符合条件")


def test_company_opens_a_restaurant_with_one_application(page, restaurant_bundle, sign_in, shot, tmp_path):
    page.on("dialog", lambda dialog: dialog.accept())
    pdf = tmp_path / "材料.pdf"
    pdf.write_bytes(real_pdf())

    # The company reads the guide and applies once, filling the merged form.
    company_sign_in(page)
    page.goto(f"/bundles/{restaurant_bundle.code}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("开办餐饮店")
    page.get_by_role("link", name="网上申请").click()
    page.get_by_label("申请事项说明").fill("开办好味道餐馆")
    page.get_by_label("联系电话").fill("13979733333")
    page.get_by_label("经营场所面积(平方米)").fill("120")
    page.get_by_label("场所类别").select_option("其他")
    page.get_by_label("从业人员人数").fill("8")
    page.get_by_label("拟开业日期").fill("2027-01-15")
    shot()
    page.get_by_role("button", name="提交申请").click()
    expect(page).to_have_url(re.compile(r"/bundles/cases/360681-\d{4}-L\d{5}/"))
    number = JointCase.objects.get().number
    for name in ("贵溪市市场监督管理局", "贵溪市城市管理局", "贵溪市卫生健康委员会"):
        expect(page.locator(".zw-joint-member", has_text=name).first).to_be_visible()
    expect(page.locator("#joint-phase")).to_have_text("待主办窗口受理")
    shot()

    # The lead window accepts and sends the 联办通知; 市场监管局 confirms its two items.
    staff(page, sign_in, "market", DEMO_PASSWORD)
    page.goto(f"/workbench/joint/{number}/")
    page.get_by_role("button", name="受理并发送联办通知").click()
    expect(page.locator("#joint-phase")).to_have_text("已发联办通知")
    for position in (1, 2):
        page.locator(f'tr[data-member="{position}"]').get_by_role("button", name="确认材料齐全").click()
    shot()

    # 城管局 and 卫健委 each name what they miss.
    staff(page, sign_in, "cg_clerk")
    page.goto(f"/workbench/joint/{number}/")
    page.locator("#items-3").fill("3:图纸未标注隔油池和检测井位置")
    page.locator('tr[data-member="3"]').get_by_role("button", name="提出补正").click()
    staff(page, sign_in, "wj_clerk")
    page.goto(f"/workbench/joint/{number}/")
    page.locator("#items-4").fill("1:申请表未加盖公章")
    page.locator('tr[data-member="4"]').get_by_role("button", name="提出补正").click()
    expect(page.locator("#joint-phase")).to_have_text("待补正(已联合告知)")

    # The company gets ONE combined notice listing both, uploads once and supplies.
    company_sign_in(page)
    page.goto(f"/bundles/cases/{number}/")
    notice = page.locator("#combined-notice")
    expect(notice).to_contain_text("图纸未标注隔油池和检测井位置")
    expect(notice).to_contain_text("申请表未加盖公章")
    expect(page.locator("#combined-notice")).to_have_count(1)
    shot()
    for name in ("排水户内部排水管网", "公共场所卫生许可申请表"):
        row = page.locator("tr", has_text=name)
        row.locator('input[type="file"]').set_input_files(str(pdf))
        row.get_by_role("button", name="上传").click()
        expect(page.locator("tr", has_text=name)).to_contain_text("已上传")
    page.get_by_role("button", name="已补齐,提交补正").click()
    expect(page.locator("#joint-phase")).to_have_text("已发联办通知")

    for username in ("cg_clerk", "wj_clerk"):
        staff(page, sign_in, username)
        page.goto(f"/workbench/joint/{number}/")
        position = 3 if username == "cg_clerk" else 4
        page.locator(f'tr[data-member="{position}"]').get_by_role("button", name="确认材料齐全").click()
    expect(page.locator("#joint-phase")).to_have_text("各部门并联办理中")

    # The departments decide in parallel; 企业登记 first, its 营业执照 goes to the others without upload.
    joint = JointCase.objects.get()
    members = {m.position: m.case for m in joint.members.select_related("case")}
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    decide(members[1], users.get(username="approver"))
    decide(members[3], users.get(username="cg_clerk"))
    decide(members[4], users.get(username="wj_clerk"))

    company_sign_in(page)
    page.goto(f"/bundles/cases/{number}/")
    drainage = page.locator('.zw-joint-member[data-member="3"]')
    expect(drainage).to_contain_text("已决定")
    expect(drainage).to_contain_text("已取得「企业登记」的营业执照")
    expect(drainage).to_contain_text("无需提交")
    expect(page.locator('.zw-joint-member[data-member="2"]')).to_contain_text("办理中")
    shot()
