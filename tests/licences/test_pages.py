"""Slice 3 and 5: anyone checks a licence by its QR page or by uploading its file; the holder's wallet (a person's
own, a company agent's company's) downloads, shows (亮证) with a code that expires, and lists every use; staff see
and act on the licences their organisation issued."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import PNG_BYTES, paper_checklist
from tests.licences.conftest import granted
from tests.licences.test_signing import one_byte_changed
from zhengwu.core import clock
from zhengwu.licences import services
from zhengwu.licences.models import Licence, LicenceUse, Status


@pytest.fixture
def issued(lworld):
    return Licence.objects.get(case=granted(lworld))


def test_the_qr_page_says_valid_and_names_the_issuer(client, issued):
    page = client.get(f"/verify/licence/{issued.identifier}")
    text = page.content.decode()
    assert page.status_code == 200
    assert "该证照由贵溪市市场监督管理局颁发,当前有效。" in text and issued.number in text


@pytest.mark.parametrize(
    ("kind", "says"),
    [
        (Status.REVOKED, "该证照已撤销"),
        (Status.CANCELLED, "该证照已注销"),
        (Status.WITHDRAWN, "该证照已吊销"),
    ],
)
def test_the_qr_page_says_revoked_cancelled_withdrawn_with_the_basis(client, lworld, issued, kind, says):
    services.end(
        licence=issued,
        by=lworld.head,
        kind=kind,
        basis="《食品安全法》第一百三十五条",
        document="贵市监罚〔2026〕12号",
    )
    text = client.get(f"/verify/licence/{issued.identifier}").content.decode()
    assert f"{says},依据:《食品安全法》第一百三十五条" in text


def test_the_qr_page_says_replaced_and_expired(client, lworld, issued):
    new = services.change(licence=issued, by=lworld.head, data={"address": "新址"}, reason="搬迁")
    text = client.get(f"/verify/licence/{issued.identifier}").content.decode()
    assert "该版本证照已被替换,现行版本为第 2 版" in text
    clock.set_now(dt.datetime(2031, 9, 28, 9, 0, tzinfo=clock.LOCAL))
    text = client.get(f"/verify/licence/{new.identifier}").content.decode()
    assert "该证照已过期(有效期至 2031年9月27日)" in text


def test_an_unknown_identifier_is_a_plain_404(client, lworld):
    page = client.get("/verify/licence/1.2.156.3005.2.X")
    assert page.status_code == 404 and "电子证照库中没有标识为" in page.content.decode()


def test_an_uploaded_file_is_checked_and_one_changed_byte_fails(client, issued):
    data = services.signed_pdf(issued)
    page = client.post("/verify/licence/", {"file": SimpleUploadedFile("l.pdf", data)})
    text = page.content.decode()
    assert page.status_code == 200 and "签名完整有效,由贵溪市市场监督管理局签署并加盖时间戳" in text
    page = client.post("/verify/licence/", {"file": SimpleUploadedFile("l.pdf", one_byte_changed(data))})
    assert page.status_code == 422 and "核验未通过:签名与文件内容不符,文件已被篡改" in page.content.decode()
    page = client.post("/verify/licence/", {"file": SimpleUploadedFile("l.png", PNG_BYTES)})
    assert page.status_code == 422 and "请上传 PDF 格式的电子证照文件" in page.content.decode()


def test_a_relying_party_finds_the_check_from_the_home_page_and_downloads_the_trust_root(client, issued):
    """A bank clerk handed a licence PDF: the portal's home page leads to the file check, and the check page gives
    the CA's trust root (the PEM `zhengwu licences ca --pem` writes) for Adobe Reader or pdfsig."""
    from zhengwu.licences import signing

    home = client.get("/").content.decode()
    assert 'href="/verify/licence/"' in home and "核验电子证照" in home
    check = client.get("/verify/licence/").content.decode()
    assert 'href="/verify/licence/root.pem"' in check
    root = client.get("/verify/licence/root.pem")
    assert root.status_code == 200 and root["Content-Type"] == "application/x-pem-file"
    assert root.content == signing.signer().trust_roots_pem()
    assert root.content.startswith(b"-----BEGIN CERTIFICATE-----")
    data = services.signed_pdf(issued)  # the file validates against exactly that root
    assert signing.verify(data, roots_pem=root.content).ok


def test_a_tampered_file_shows_no_status_from_the_file_only_the_registrys_labelled(client, issued):
    data = services.signed_pdf(issued)
    page = client.post("/verify/licence/", {"file": SimpleUploadedFile("l.pdf", one_byte_changed(data))})
    text = page.content.decode()
    assert page.status_code == 422
    assert "该文件不可信" in text
    assert "text-bg-success" not in text  # no green 有效 badge read off an untrusted file
    assert "当前状态" not in text
    assert "电子证照库中的登记(按文件所载标识查询,以库中记录为准,不代表上传的文件有效)" in text
    assert "电子证照库登记为「有效」" in text


def test_the_company_agent_sees_downloads_and_shows_the_company_licence(client, lworld, issued):
    agent = lworld.citizen_user  # becomes the company's account holder (法人登录)
    lworld.citizen.user = None
    lworld.citizen.save()
    lworld.company.user = agent
    lworld.company.save()
    client.force_login(agent)
    wallet = client.get("/licences/").content.decode()
    assert "食品经营许可证" in wallet and issued.number in wallet
    download = client.get(f"/licences/{issued.identifier}/download/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert services.check_file(download.content)["verdict"].ok
    shown = client.post(f"/licences/{issued.identifier}/show/")
    token = issued.show_tokens.get()
    assert "分钟内有效" in shown.content.decode()
    assert "当前有效" in client.get(f"/verify/licence/show/{token.token}").content.decode()
    clock.set_now(clock.now() + dt.timedelta(minutes=6))
    late = client.get(f"/verify/licence/show/{token.token}")
    assert late.status_code == 409 and "亮证码已过期" in late.content.decode()
    log = client.get(f"/licences/{issued.identifier}/").content.decode()
    assert "下载" in log and "亮证" in log and "签发" in log
    assert set(issued.uses.values_list("purpose", flat=True)) == {
        LicenceUse.Purpose.ISSUE,
        LicenceUse.Purpose.DOWNLOAD,
        LicenceUse.Purpose.SHOW,
    }


def test_a_revocation_says_what_was_done_and_the_log_names_the_person_and_the_purpose(client, lworld, issued):
    from zhengwu.core import access

    staff = access.staff_of(lworld.head)
    client.force_login(lworld.head)
    page = client.post(
        f"/workbench/licences/{issued.identifier}/end/",
        {"kind": "revoked", "basis": "《行政许可法》第六十九条", "document": "贵市监撤〔2026〕1号"},
        follow=True,
    )
    text = page.content.decode()
    assert f"已撤销{issued.type.name}(编号 {issued.number}),依据:《行政许可法》第六十九条" in text
    assert "已办理。" not in text
    uses = text[text.index('id="licence-uses"') :]
    assert f"{staff.name}({staff.organisation})" in uses
    assert f">{lworld.head.username}<" not in uses and "演示数据" not in uses and "注销撤销" not in uses
    assert ">撤销<" in uses and ">签发<" in uses


def test_the_holder_s_use_log_says_who_used_the_licence(client, lworld, issued):
    """Every use names who (issue 17: "who, which case, which licence, when"): the holder reads that the bureau's
    head downloaded the licence, as the staff's log and the API say it."""
    from zhengwu.core import access

    staff = access.staff_of(lworld.head)
    services.download(licence=issued, by=lworld.head)
    lworld.citizen.user = None
    lworld.citizen.save()
    lworld.company.user = lworld.citizen_user  # the company's agent
    lworld.company.save()
    client.force_login(lworld.citizen_user)
    text = client.get(f"/licences/{issued.identifier}/").content.decode()
    uses = text[text.index('id="licence-uses"') :]
    assert ">使用人<" in uses
    download = uses[uses.index(">下载<") :]
    assert f"{staff.name}({staff.organisation})" in download[: download.index("</tr>")]


def test_a_person_does_not_see_a_company_licence(client, lworld, issued):
    client.force_login(lworld.citizen_user)
    assert issued.number not in client.get("/licences/").content.decode()
    assert client.get(f"/licences/{issued.identifier}/download/").status_code == 404


def test_staff_of_the_issuer_revoke_with_basis_and_others_cannot_see(client, lworld, issued):
    client.force_login(lworld.head)
    assert issued.number in client.get("/workbench/licences/").content.decode()
    page = client.post(f"/workbench/licences/{issued.identifier}/end/", {"kind": "revoked", "basis": ""})
    assert page.status_code == 422 and "请填写法律依据" in page.content.decode()
    client.post(
        f"/workbench/licences/{issued.identifier}/end/",
        {"kind": "revoked", "basis": "《行政许可法》第六十九条", "case": issued.case.number},
        follow=True,  # the head reads the flash that names the licence, as the redirect shows it
    )
    issued.refresh_from_db()
    assert issued.status == Status.REVOKED and issued.end_case == issued.case
    client.force_login(lworld.outsider)
    assert issued.number not in client.get("/workbench/licences/").content.decode()
    assert client.get(f"/workbench/licences/{issued.identifier}/").status_code == 404


def test_a_second_food_licence_for_the_same_holder_is_warned_before_and_both_are_shown(
    client, lworld, issued
):
    from zhengwu.cases import services as cases

    second = cases.submit_case(
        item=lworld.item,
        applicant=lworld.company,
        by=lworld.clerk,
        channel="counter",
        window=lworld.dedicated,
        form={"subject": "第二家门店 餐饮服务"},
    )
    second = cases.accept_case(case=second, paper=paper_checklist(second), by=lworld.clerk)
    client.force_login(lworld.head)
    page = client.get(f"/workbench/cases/{second.number}/").content.decode()
    assert "申请人已持有有效的食品经营许可证。准予后将另发一本,两本同时有效" in page and issued.number in page
    cases.claim_step(case=second, by=lworld.approver)
    cases.complete_step(case=second, by=lworld.approver, opinion="同意")
    cases.decide_case(case=second, by=lworld.head, grant=True)
    new = Licence.objects.get(case=second)
    issued.refresh_from_db()
    assert issued.status == Status.VALID and new.number != issued.number  # per premises: both in force
    assert "申请人已持有" not in client.get(f"/workbench/cases/{second.number}/").content.decode()


def test_the_wallet_and_the_licence_page_write_days_as_people_do(client, lworld, issued):
    """Dates an applicant reads are written 2031年9月27日, not 2031-09-27 (a stranger's pass found the ISO form)."""
    agent = (
        lworld.citizen_user
    )  # becomes the company's account holder (法人登录), whose wallet holds its licence
    lworld.citizen.user = None
    lworld.citizen.save()
    lworld.company.user = agent
    lworld.company.save()
    client.force_login(agent)
    until = f"{issued.valid_until:%Y年%-m月%-d日}"
    for path in ("/licences/", f"/licences/{issued.identifier}/"):
        page = client.get(path).content.decode()
        assert until in page and issued.valid_until.isoformat() not in page, path
    check = client.get(f"/verify/licence/{issued.identifier}").content.decode()
    assert f"{issued.valid_from:%Y年%-m月%-d日} 至 {until}" in check
    assert issued.issued_on.isoformat() not in check
