"""电子证照 in a browser: a company applies online for 食品经营许可 and its 营业执照 is taken from the licence library
(no upload), the bureau grants, the grant issues the food business licence, the company downloads the signed file
from 我的证照, and an anonymous visitor opens the address of its QR code and sees it valid, with its issuer. On a 390 px
phone the company finds a department by typing part of its name and authorises it to use the licence (授权用证), and
every licence page fits the screen."""

import datetime as dt
import re
import subprocess

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from playwright.sync_api import expect

from zhengwu.cases.demo import HANDLERS, _run
from zhengwu.cases.models import Applicant, Case, CaseStep
from zhengwu.catalog.models import ServiceItem
from zhengwu.core import clock, ids
from zhengwu.licences import demo as licence_demo
from zhengwu.licences import services, signing
from zhengwu.licences.models import Licence, LicenceType, LicenceUse

PASSWORD = "Weizhiyuan-2026!"
PHONE = "13979733333"
PHONE_SCREEN = {"width": 390, "height": 844}


def fits_the_phone(page) -> None:
    """Nothing sticks out sideways at 390 px."""
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE_SCREEN["width"], page.url


@pytest.fixture
def company_with_business_licence(demo_catalogue, settings, tmp_path, live_server):
    settings.ZHENGWU_LICENCE_KEY_DIR = str(tmp_path / "licence-keys")
    settings.MEDIA_ROOT = tmp_path / "media"  # the kept signed files
    settings.ZHENGWU_PUBLIC_URL = live_server.url  # the address the licence's QR code carries
    licence_demo._types()
    user = get_user_model().objects.create_user(username=PHONE, password=PASSWORD)
    company = Applicant.objects.create(
        kind="legal",
        name="贵溪市味之源餐饮有限公司",
        id_number=ids.make_uscc("9", "1", "360681", "MA3EW8N2"),
        legal_representative="余海波",
        phone=PHONE,
        user=user,
        verified_at=clock.now(),
        created_at=clock.now(),
    )
    business = LicenceType.objects.get(name="营业执照")
    with transaction.atomic():
        licence = services._create(
            licence_type=business,
            issuer=business.organisations.first(),
            holder_kind="legal",
            holder_name=company.name,
            holder_id=company.id_number,
            data={"legal_representative": "余海波"},
            valid_until=None,
        )
    return company, licence


def handle_to_grant(case: Case) -> None:
    """The bureau accepts, reviews, inspects and grants (its demo staff, through the services)."""
    users = {
        u.username: u for u in get_user_model().objects.filter(username__in=HANDLERS["市场监管局"].values())
    }
    clerk = users["market"]
    _run(case, "accept", (), users, clerk)
    while True:
        case.refresh_from_db()
        step = case.steps.filter(state=CaseStep.State.OPEN).first()
        if step.kind == "decide":
            _run(case, "decide", (True, "经审查、现场核查,符合食品经营许可条件,准予许可"), users, clerk)
            return
        _run(case, "step", ("同意",), users, clerk)


def test_company_applies_licence_from_library_grant_issues_download_and_verify(
    page, company_with_business_licence, shot, tmp_path
):
    company, business = company_with_business_licence
    item = ServiceItem.objects.get(
        organisation__short_name="市场监管局",
        current_version__name="食品经营许可",
        current_version__sub_name="新办",
    )
    page.on("dialog", lambda dialog: dialog.accept())
    page.set_default_timeout(30_000)  # submitting and downloading sign a PDF each (seconds on a busy machine)

    # 法人登录, then the application form: the business licence is already there.
    page.goto("/cases/signin/legal/")
    page.get_by_label("统一社会信用代码(或手机号码、电子邮箱)").fill(company.id_number)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"/cases/apply/{item.code}/")
    note = page.locator("[data-library]").filter(has_text="营业执照")
    expect(note).to_contain_text(f"已从电子证照库调取:营业执照(编号 {business.number},长期有效),无需上传")
    page.get_by_label("申请事项说明").fill("开办餐馆,申请食品经营许可(餐饮服务)")
    page.get_by_label("经营场所").fill("江西省贵溪市雄石街道建设路 18 号")
    shot()
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator("#case-status")).to_have_text("已收件")
    number = page.locator("#case-number").inner_text()
    case = Case.objects.get(number=number)
    material = case.materials.get(name="营业执照")
    assert material.filename == f"已从电子证照库调取-营业执照-{business.number}.pdf"
    assert business.uses.filter(purpose=LicenceUse.Purpose.REUSE, case=case).exists()
    shot()

    # The bureau grants: the grant issues the food business licence in the same transaction.
    handle_to_grant(case)
    licence = Licence.objects.get(case=case)
    assert licence.type.name == "食品经营许可证" and licence.holder_id == company.id_number
    assert licence.distinguished_by["value"] == "江西省贵溪市雄石街道建设路 18 号"  # the shop the form named

    # 我的证照: the company downloads the signed licence.
    page.goto("/licences/")
    page.get_by_role("link", name="食品经营许可证").click()
    expect(page.locator("h1")).to_contain_text("食品经营许可证")
    shot()
    with page.expect_download() as download:
        page.get_by_role("link", name="下载电子证照").click()
    data = open(download.value.path(), "rb").read()
    assert signing.verify(data).ok and signing.verify(data).identifier == licence.identifier
    path = tmp_path / "licence.pdf"
    path.write_bytes(data)
    text = re.sub(
        r"\s+", "", subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    )
    url = re.search(r"https?://[^\s]*?/verify/licence/[0-9A-Z.]+", text).group(0)

    # On a phone: the wallet and the licence fit the screen; the company authorises a department (授权用证).
    page.set_viewport_size(PHONE_SCREEN)
    page.goto("/licences/")
    expect(page.locator("#wallet")).to_contain_text("食品经营许可证")
    fits_the_phone(page)
    page.goto(f"/licences/{licence.identifier}/")
    fits_the_phone(page)
    page.get_by_label("被授权方类型").select_option("organisation")
    page.get_by_label("用途").fill("办理户外广告设置许可,核验经营资格")
    page.get_by_label("授权截止日期").fill((clock.today() + dt.timedelta(days=30)).isoformat())
    # about thirty departments: the holder types part of a name (or a credit code) and the list narrows to it
    search = page.get_by_label("查找被授权部门(类型为政府部门时)")
    search.fill("城管")
    search.press("Enter")  # searches; does not send the form before the holder has seen whom it names
    expect(page.locator("#grant-organisation-count")).to_have_text("与「城管」相符的部门 1 个")
    expect(page.locator("#licence-grants")).to_contain_text("尚未授权他人使用")
    expect(page.locator("#authorise-error")).to_have_count(0)
    department = page.get_by_label("被授权部门", exact=True)
    expect(department.locator("option:checked")).to_contain_text("贵溪市城市管理局")
    fits_the_phone(page)
    shot()
    page.get_by_role("button", name="授权", exact=True).click()
    expect(page.locator("#licence-grants")).to_contain_text("办理户外广告设置许可,核验经营资格")
    expect(page.locator("#licence-grants")).to_contain_text("贵溪市城市管理局")
    expect(page.locator("#licence-grants")).to_contain_text("授权有效")
    expect(page.locator("#licence-uses")).to_contain_text("授权用证")
    fits_the_phone(page)
    shot()
    page.goto("/verify/licence/")
    fits_the_phone(page)

    # Anyone who scans the QR code (signed in or not) opens its address and sees the licence valid, and who issued it.
    page.context.clear_cookies()
    page.goto(url)
    expect(page.locator("#verify-result")).to_have_text("该证照由贵溪市市场监督管理局颁发,当前有效。")
    expect(page.locator("main")).to_contain_text(licence.number)
    expect(page.locator("#licence-issuer")).to_have_text("贵溪市市场监督管理局")
    fits_the_phone(page)
    shot()
