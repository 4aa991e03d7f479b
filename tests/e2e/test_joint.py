"""开办餐饮店 in the browser: a company applies online for the bundle; the lead window (市场监管局) accepts and sends
the 联办通知; 城管局 and 卫健委 ask for materials and the company gets ONE combined notice; after it supplies them
the departments decide in parallel; 企业登记's 营业执照 reaches the others without upload; the company sees each
department's progress."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_cases import DEMO_PASSWORD, real_pdf
from zhengwu.cases import services as case_services
from zhengwu.core import ids
from zhengwu.joint import demo
from zhengwu.joint.models import JointCase

COMPANY_PASSWORD = "Haoweidao-2026!"

pytestmark = pytest.mark.e2e


@pytest.fixture
def restaurant_bundle(demo_catalogue):
    spec = next(s for s in demo._specs() if s["name"] == "开办餐饮店")
    bundle = demo._bundle(spec)
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


def staff(page, sign_in, username, password=DEMO_PASSWORD):
    page.context.clear_cookies()
    sign_in(username, password)


def company_sign_in(page):
    page.context.clear_cookies()
    page.goto("/cases/signin/legal/")
    page.get_by_label("统一社会信用代码(或手机号码、电子邮箱)").fill("13979733333")
    page.get_by_label("密码").fill(COMPANY_PASSWORD)
    page.get_by_role("button", name="登录").click()


def open_member(page, sign_in, username, number, position):
    """Sign in as the department's person and open the member case from the joint case's page."""
    staff(page, sign_in, username)
    page.goto(f"/workbench/joint/{number}/")
    page.locator(f'tr[data-member="{position}"]').get_by_role("link").click()
    expect(page.locator("#case-status")).to_be_visible()


def work_steps(page, opinions):
    """Claim and complete each open step before the decision (审查, 现场核查) on the member case's page."""
    for opinion in opinions:
        page.get_by_role("button", name="认领").click()
        page.get_by_label("办理意见").fill(opinion)
        page.get_by_role("button", name="完成本环节").click()
    expect(page.locator("#current-step")).to_contain_text("决定")


def decide(page, reasons):
    page.get_by_label("准予许可").check()
    page.get_by_label("决定意见").fill(reasons)
    page.get_by_role("button", name="作出决定").click()
    expect(page.locator("#case-status")).to_have_text("已决定")


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
    page.get_by_label(re.compile(r"^经营场所\s*\*?$")).fill(
        "江西省贵溪市雄石街道建设路 18 号"
    )  # both licences print it
    page.get_by_label("联系电话").fill("13979733333")
    page.get_by_label("经营场所面积(平方米)").fill("120")
    page.get_by_label("场所类别").select_option("餐饮场所(饭馆、咖啡馆、酒吧、茶座)")
    page.get_by_label("是否使用集中空调通风系统").uncheck()  # 否: the box left unticked
    page.get_by_role("radiogroup", name="结果送达方式").get_by_label("窗口领取").check()
    page.get_by_label("从业人员人数").fill("8")
    page.get_by_label("拟开业日期").fill("2027-01-15")
    shot()
    page.get_by_role("button", name="提交申请").click()
    expect(page).to_have_url(re.compile(r"/bundles/cases/360681-\d{4}-L\d{5}/"))
    number = JointCase.objects.get().number
    for name in ("贵溪市市场监督管理局", "贵溪市城市管理局", "贵溪市卫生健康委员会"):
        expect(page.locator(".zw-joint-member", has_text=name).first).to_be_visible()
    expect(page.locator("#joint-phase")).to_have_text("待主办窗口受理")
    # every material of the merged list uploaded once (营业执照 comes from 企业登记's result, no upload)
    rows = page.locator("tr", has=page.locator('input[type="file"]'))
    for i in range(rows.count()):
        row = page.locator("tr", has=page.locator('input[type="file"]')).nth(i)
        row.locator('input[type="file"]').set_input_files(str(pdf))
        row.get_by_role("button", name="上传").click()
        expect(page.locator("tr", has=page.locator('input[type="file"]')).nth(i)).to_contain_text("材料.pdf")
    expect(page.locator("tr", has_text="营业执照").first).to_contain_text("由「企业登记」的结果获取")
    expect(page.locator("tr", has_text="居民身份证").first).to_contain_text(
        "只收纸质原件"
    )  # no upload: to the window
    shot()

    # The lead window finds it in 待受理的联办件 on its workbench (its member cases are not in 待受理), accepts and
    # sends the 联办通知; 市场监管局 confirms its two items.
    staff(page, sign_in, "market")
    page.goto("/workbench/")
    joint_work = page.locator('[data-worklist="joint_to_accept"]')
    expect(joint_work).to_contain_text(number)
    expect(page.locator('[data-worklist="cases_to_accept"]')).not_to_contain_text("开办餐饮店")
    joint_work.get_by_role("link", name=re.compile(number)).click()
    expect(page).to_have_url(re.compile(f"/workbench/joint/{number}/"))
    # the identity cards are taken on paper only (no upload online): the company brings the originals to the lead
    # window, which scans them into the merged list
    cards = page.locator("tr", has_text="居民身份证").filter(has=page.locator('input[type="file"]')).first
    expect(cards).to_contain_text("未上传")
    cards.locator('input[type="file"]').set_input_files(str(pdf))
    cards.get_by_role("button", name="上传").click()
    expect(page.locator("tr", has_text="居民身份证").first).to_contain_text("材料.pdf")
    page.get_by_role("button", name="受理并发送联办通知").click()
    expect(page.locator("#joint-phase")).to_have_text("已发联办通知")
    for position in (1, 2):
        page.locator(f'tr[data-member="{position}"]').get_by_role("button", name="确认材料齐全").click()
    shot()

    # 城管局 and 卫健委 each name what they miss.
    staff(page, sign_in, "urban")
    page.goto(f"/workbench/joint/{number}/")
    # the member's own materials, numbered and named as in the applicant's merged list
    drawing = page.locator("#missing-3 [data-material]", has_text="排水户内部排水管网")
    drawing.get_by_role("checkbox").check()
    drawing.get_by_placeholder("问题说明(选填)").fill("图纸未标注隔油池和检测井位置")
    page.locator('tr[data-member="3"]').get_by_role("button", name="提出补正").click()
    staff(page, sign_in, "health")
    page.goto(f"/workbench/joint/{number}/")
    form = page.locator("#missing-4 [data-material]", has_text="公共场所卫生许可申请表")
    form.get_by_role("checkbox").check()
    form.get_by_placeholder("问题说明(选填)").fill("申请表未加盖公章")
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
        expect(page.locator("tr", has_text=name)).to_contain_text("材料.pdf")
    page.get_by_role("button", name="已补齐,提交补正").click()
    expect(page.locator("#joint-phase")).to_have_text("已发联办通知")
    expect(page.locator("#combined-notice")).to_contain_text("已补正")  # the notice shows answered

    for username in ("urban", "health"):
        staff(page, sign_in, username)
        page.goto(f"/workbench/joint/{number}/")
        position = 3 if username == "urban" else 4
        page.locator(f'tr[data-member="{position}"]').get_by_role("button", name="确认材料齐全").click()
    expect(page.locator("#joint-phase")).to_have_text("各部门并联办理中")

    # The departments work in parallel on their own case pages, each with its own people: 城管局 and 卫健委 review
    # and inspect while 企业登记 is decided; its 营业执照 then reaches them without upload, and their heads decide.
    open_member(page, sign_in, "urban", number, 3)
    work_steps(page, ["排水许可申请材料齐全", "现场核查:隔油池和检测井符合要求"])
    open_member(page, sign_in, "health", number, 4)
    work_steps(page, ["卫生许可申请材料齐全", "现场核查:通风和消毒设施符合要求"])
    open_member(page, sign_in, "urban_head", number, 3)
    expect(page.locator("#decide-form")).to_have_count(
        0
    )  # 前置审批: 企业登记 not yet granted, and the page says so
    expect(page.locator("#step-note")).to_contain_text("以「企业登记」的审批结果为前置审批依据")
    shot()
    open_member(page, sign_in, "approver", number, 1)
    decide(page, "名称、住所和经营范围符合规定,准予设立登记")
    open_member(page, sign_in, "urban_head", number, 3)
    expect(page.locator("body")).to_contain_text("营业执照")
    decide(page, "经审查和现场核查,符合排水许可条件,准予许可")
    open_member(page, sign_in, "health_head", number, 4)
    decide(page, "经审查和现场核查,符合公共场所卫生许可条件,准予许可")
    shot()

    company_sign_in(page)
    page.goto(f"/bundles/cases/{number}/")
    drainage = page.locator('.zw-joint-member[data-member="3"]')
    expect(drainage).to_contain_text("已决定")
    expect(drainage).to_contain_text("已取得「企业登记」的营业执照")
    expect(drainage).to_contain_text("无需提交")
    expect(page.locator('.zw-joint-member[data-member="2"]')).to_contain_text("办理中")
    # every result made so far, department by department, with its 文号 and the e-licence in the wallet
    results = page.locator("#joint-results")
    for position, text in ((1, "营业执照"), (3, "准予许可"), (4, "准予许可")):
        expect(results.locator(f'[data-result="{position}"]')).to_contain_text(text)
    expect(results.locator('[data-result="2"]')).to_have_count(0)
    shot()
