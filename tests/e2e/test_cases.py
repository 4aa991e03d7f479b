"""办件 in a browser: a citizen registers and applies online with a real PDF, the clerk asks for a supplement (the
one-time notice), the citizen uploads a real PNG, the clerk accepts, the approver grants, and the citizen downloads
the decision (PDF) and opens its verification page."""

import re
import struct
import zlib

import pytest
from playwright.sync_api import expect

from zhengwu.catalog.models import ServiceItem
from zhengwu.core import ids

DEMO_PASSWORD = "zhengwu2026"
CITIZEN_PASSWORD = "Xiuying-2026!"


def real_pdf() -> bytes:
    """A small, well-formed one-page PDF (with a correct cross-reference table)."""
    stream = b"BT /F1 18 Tf 72 720 Td (Application form) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def real_png(width: int = 32, height: int = 24) -> bytes:
    """A small valid RGB PNG (a plain blue picture)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    raw = b"".join(b"\x00" + b"\x20\x60\xc0" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def county_with_catalogue(demo_catalogue):
    item = next(
        i
        for i in ServiceItem.objects.filter(
            status=ServiceItem.Status.ACTIVE,
            organisation__short_name="市场监管局",
            current_version__name="个体工商户登记",
        ).select_related("current_version")
        if [s.name for s in i.current_version.steps.order_by("position")] == ["受理", "核准"]
    )
    return item


def staff(page, sign_in, username):
    page.context.clear_cookies()
    sign_in(username, DEMO_PASSWORD)


def test_citizen_applies_clerk_supplements_approver_grants_citizen_verifies(
    page, county_with_catalogue, sign_in, citizen_sign_in, shot, tmp_path
):
    item = county_with_catalogue
    page.on("dialog", lambda dialog: dialog.accept())  # every action asks for confirmation: say yes
    pdf, png = tmp_path / "申请书.pdf", tmp_path / "租赁协议.png"
    pdf.write_bytes(real_pdf())
    png.write_bytes(real_png())
    body = "360681" + "19880808" + "246"
    id_number = body + ids.ric_check_character(body)

    # The citizen finds the item, registers (real-name check) and lands on the application form.
    page.goto(f"/cases/apply/{item.code}/")
    expect(page).to_have_url(re.compile(r"/cases/signin/"))
    page.get_by_role("link", name="注册").last.click()
    page.get_by_label("申请人类型").select_option("natural")
    page.get_by_label("姓名或单位名称").fill("李秀英")
    page.get_by_label("证件号码").fill(id_number)
    page.get_by_label("手机号码").fill("13979711111")
    page.get_by_label("设置密码").fill(CITIZEN_PASSWORD)
    page.get_by_label("再次输入密码").fill(CITIZEN_PASSWORD)
    shot()
    page.get_by_role("button", name="实名核验并注册").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("网上申请:个体工商户登记")
    expect(page.get_by_text("注册成功,已核验居民身份证号码的格式与校验位")).to_be_visible()

    # Applies with the form and one real PDF; the premises proof is left out.
    page.get_by_label("申请事项说明").fill("开一家早餐店,经营范围:餐饮服务")
    page.get_by_label("联系电话").fill("13979711111")
    page.locator('input[name="material_1"]').set_input_files(str(pdf))
    shot()
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator("#case-status")).to_have_text("已收件")
    number = page.locator("#case-number").inner_text()
    query_code = page.locator("#query-code").inner_text()
    assert re.fullmatch(r"360681-\d{4}-\d{6}", number) and len(query_code) == 6
    expect(page.locator("#case-timeline")).to_contain_text("提交申请(收件)")
    shot()

    # The clerk at the general window asks once for the missing premises proof.
    staff(page, sign_in, "clerk")
    page.goto(f"/workbench/cases/{number}/")
    expect(page.locator("#case-status")).to_have_text("已收件")
    expect(page.locator("#applicant")).to_contain_text("李**")
    page.get_by_text("一次性告知补正", exact=True).click()
    for box in page.locator('input[name="sup_position"]').all():
        box.uncheck()
    page.locator("#sup-3").check()
    page.locator("#sup-problem-3").fill("未提供经营场所使用证明(租赁协议)")
    shot()
    page.get_by_role("button", name="发出补正通知").click()
    expect(page.locator("#case-status")).to_have_text("待补正")
    expect(page.get_by_role("link", name="补正材料通知书")).to_be_visible()

    # The citizen signs in, sees exactly what is asked, and uploads a real PNG.
    citizen_sign_in("13979711111", CITIZEN_PASSWORD)
    page.get_by_role("link", name=number).click()
    expect(page.locator("#case-status")).to_have_text("待补正")
    expect(page.get_by_text("未提供经营场所使用证明(租赁协议)")).to_be_visible()
    page.locator('input[name="material_3"]').set_input_files(str(png))
    shot()
    page.get_by_role("button", name="补齐材料并提交").click()
    expect(page.get_by_text("材料已补齐")).to_be_visible()
    expect(page.locator("#case-status")).to_have_text("已收件")

    # The clerk accepts (keyboard: the accept button has an access key).
    staff(page, sign_in, "clerk")
    page.goto(f"/workbench/cases/{number}/")
    expect(page.locator("#materials")).to_contain_text("租赁协议.png")
    # the ID card was not uploaded: the acceptance form names it (受理 only with the materials complete) until the
    # clerk ticks it on the paper checklist, as the applicant hands it over at the window
    missing = page.locator("#accept-missing")
    expect(missing).to_be_visible()
    expect(missing).to_contain_text("经营者居民身份证")
    page.locator('#accept-form input[name="paper"][data-needed]').first.check()
    expect(missing).to_be_hidden()
    accept = page.get_by_role("button", name="受理")
    assert accept.get_attribute("accesskey") == "a"
    accept.click()
    expect(page.locator("#case-status")).to_have_text("办理中")
    expect(page.locator("#steps")).to_contain_text("核准")
    # On a phone the steps keep their words whole (状态 read 已/完/成, one character a line) and the table scrolls
    desktop = page.viewport_size
    page.set_viewport_size({"width": 390, "height": 844})
    state = page.locator("#steps tbody tr").first.locator("td").nth(3)
    expect(state).to_have_text("已完成")
    lines = state.evaluate(
        "e => { const r = document.createRange(); r.selectNodeContents(e); return r.getClientRects().length; }"
    )
    assert lines == 1, f"the step's state is broken over {lines} lines at phone width"
    # and each material is a card: its files take the card's width (the file column was about 108 px of 390)
    files = page.locator("#materials tbody tr", has_text="租赁协议.png").locator('td[data-label="文件"]')
    width = files.evaluate("e => e.getBoundingClientRect().width")
    assert width > 250, f"the material's file cell is {width} px wide at phone width"
    page.set_viewport_size(desktop)

    # The approver holds the last step (核准) and grants.
    staff(page, sign_in, "approver")
    page.goto("/workbench/cases/?queue=to_handle")
    page.get_by_role("link", name=number).click()
    page.get_by_label("准予许可").check()
    page.get_by_label("决定意见").fill("经审查,申请材料齐全,符合法定形式,准予登记。")
    shot()
    page.get_by_role("button", name="作出决定").click()
    expect(page.locator("#case-status")).to_have_text("已决定")
    expect(page.locator("#notices")).to_contain_text("准予行政许可决定书")

    # The citizen downloads the decision and opens its verification page (the address its QR code holds).
    citizen_sign_in("13979711111", CITIZEN_PASSWORD)
    page.goto(f"/cases/mine/{number}/")
    expect(page.locator("#case-status")).to_have_text("已决定")
    shot()
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 准予行政许可决定书").click()
    path = download.value.path()
    data = open(path, "rb").read()
    assert data.startswith(b"%PDF") and len(data) > 5000
    assert download.value.suggested_filename == f"{number}-准予行政许可决定书.pdf"
    notice_row = page.locator("#case-notices li").filter(has_text="准予行政许可决定书")
    verify = notice_row.get_by_role("link", name="核验").get_attribute("href")
    assert re.fullmatch(r"/verify/[\w-]+", verify)
    page.context.clear_cookies()  # anyone who scans the code, signed in or not
    page.goto(verify)
    expect(page.get_by_text("该文书由本平台出具")).to_be_visible()
    for text in ("准予行政许可决定书", number, "个体工商户登记", "贵溪市市场监督管理局", "准予许可", "李**"):
        expect(page.locator("main")).to_contain_text(text)
    expect(page.locator("main")).not_to_contain_text("李秀英")
    shot()

    # Anyone with the number and the query code sees the status without signing in.
    page.goto(f"/cases/lookup/?number={number}&query_code={query_code}")
    expect(page.locator("#case-status")).to_have_text("已决定")
    shot()


def test_citizen_applies_for_his_mother_as_agent(
    page, county_with_catalogue, citizen_sign_in, shot, tmp_path
):
    """代他人申请: the principal's fields appear only when chosen; a wrong number is said at its field; with the
    power of attorney the case is filed for her, with him as agent, and shows in his 我的办件."""
    from zhengwu.cases import services

    item = county_with_catalogue
    page.on("dialog", lambda dialog: dialog.accept())
    poa, form_pdf = tmp_path / "授权委托书.pdf", tmp_path / "申请书.pdf"
    poa.write_bytes(real_pdf())
    form_pdf.write_bytes(real_pdf())
    own, mother = ("360681" + "19900909" + "135", "360681" + "19620202" + "246")
    own, mother = own + ids.ric_check_character(own), mother + ids.ric_check_character(mother)
    son = services.register_applicant(
        kind="natural", name="周明", id_number=own, phone="13979722222", password=CITIZEN_PASSWORD
    )
    services.verify_real_name(applicant=son)

    citizen_sign_in("13979722222", CITIZEN_PASSWORD)
    page.goto(f"/cases/apply/{item.code}/")
    expect(page.get_by_label("申请人证件号码")).to_be_hidden()  # 本人申请 is the default
    page.get_by_label("代他人申请").check()
    expect(page.get_by_label("申请人证件号码")).to_be_visible()
    expect(page.locator("#agent-self")).to_contain_text("周明")
    page.get_by_label("申请人姓名或单位名称").fill("周桂兰")
    page.get_by_label("申请人证件号码").fill(mother[:17] + ("0" if mother[17] != "0" else "1"))
    page.get_by_label("申请事项说明").fill("代母亲申请个体工商户登记")
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator("#id_principal_id_number_error")).to_contain_text("居民身份证号码无效:校验位错误")
    # 个体工商户登记 lists its own 授权委托书 material (4): that upload is the power of attorney, asked for once
    expect(page.locator('input[name="power_of_attorney"]')).to_have_count(0)
    expect(page.locator("#id_material_4_error")).to_contain_text("授权委托书")
    expect(page.get_by_label("申请人证件号码")).to_be_visible()  # the choice is kept
    shot()

    page.get_by_label("申请人证件号码").fill(mother)
    page.locator('input[name="material_4"]').set_input_files(str(poa))
    page.locator('input[name="material_1"]').set_input_files(str(form_pdf))
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator("#case-status")).to_have_text("已收件")
    expect(page.locator("#case-applicant")).to_have_text("周桂兰")
    expect(page.locator("#case-agent")).to_have_text("周明")
    expect(page.locator("#case-materials")).to_contain_text("授权委托书.pdf")
    number = page.locator("#case-number").inner_text()
    shot()
    page.goto("/cases/")
    row = page.locator("#my-cases tr").filter(has_text=number)
    expect(row).to_contain_text("周桂兰")
    expect(row).to_contain_text("我代办")
    shot()
