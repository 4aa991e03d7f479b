"""Payment notices (缴款通知书): computed from the catalogue at the item's step, one per case, recorded on the case
as its charge, a PDF with its QR code and Chinese fonts, shown to the applicant; the typed charge_fee path refused
for items whose fees come from the catalogue."""

import datetime as dt
import re
import subprocess

import pytest

from tests.fees.conftest import decide, land_case
from zhengwu.cases import selectors as case_selectors
from zhengwu.cases import services as case_services
from zhengwu.core.errors import AccessDenied, Conflict, ValidationFailed
from zhengwu.fees import documents, services
from zhengwu.fees.models import ItemFeeRule, Notice
from zhengwu.supervision.models import Alert


def test_a_notice_computed_from_the_catalogue(fees_world):
    w = fees_world
    case = land_case(w)
    notice = services.issue_notice(case=case, by=w.land_clerk, quantities={"BDC-003": 2})
    assert services.valid_code(notice.code) and notice.code.startswith("360681")
    assert notice.payer == "张三" and str(notice.total) == "100.00" and notice.state == Notice.State.UNPAID
    assert notice.due_on == dt.date(2026, 10, 13)  # 15 days from 2026-09-28
    assert [(line.name, line.quantity, str(line.amount)) for line in notice.lines.all()] == [
        ("不动产登记费(住宅类)", 1, "80.00"),
        ("不动产权属证书工本费(每增加一本)", 2, "20.00"),
    ]
    # The case records the charge (one way): its charge_fee event, the fees it was charged, no supervision alert.
    event = case.events.get(action="charge_fee")
    assert event.data["fees"][0] == {
        "position": 1,
        "name": "不动产登记费(住宅类)",
        "amount": "80.00",
        "standard_amount": "80.00",
        "notice": notice.code,
    }
    assert case_selectors.fees_charged(case)["total"] is None  # charged, not collected until paid
    assert not Alert.objects.filter(case=case).exists()
    with pytest.raises(Conflict, match="一件一单"):
        services.issue_notice(case=case, by=w.land_clerk)


def test_a_waiver_carries_its_basis_and_nothing_to_pay_is_waived(fees_world):
    w = fees_world
    case = land_case(w, applicant=w.company)
    item = w.land_item
    notice = services.issue_notice(case=case, by=w.land_clerk, waivers={"BDC-001": "XW"})
    line = notice.lines.get(position=1)
    assert str(line.amount) == "0.00" and "财税〔2016〕79号" in line.waiver
    assert str(notice.total) == "10.00"  # the extra certificate is not waived
    assert item.code


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"quantities": {"SFZ-001": 1}}, "quantities.SFZ-001"),
        ({"waivers": {"BDC-001": "DB"}}, "waivers.BDC-001"),
        ({"quantities": {"BDC-003": 0}}, "fees.BDC-003.quantity"),
    ],
)
def test_bad_notice_input_is_named(fees_world, kwargs, field):
    case = land_case(fees_world)
    with pytest.raises(ValidationFailed) as err:
        services.issue_notice(case=case, by=fees_world.land_clerk, **kwargs)
    assert err.value.field == field
    assert not Notice.objects.exists() and not case.events.filter(action="charge_fee").exists()


def test_the_notice_waits_for_the_step_the_item_names(fees_world):
    w = fees_world
    services.set_item_rule(item=w.land_item, charge_at=ItemFeeRule.ChargeAt.DECIDE)
    case = land_case(w)
    with pytest.raises(Conflict, match="作出准予决定后"):
        services.issue_notice(case=case, by=w.land_clerk)
    decide(w, case)
    case.refresh_from_db()
    assert services.issue_notice(case=case, by=w.land_clerk).total


def test_only_the_organisations_staff_issue(fees_world):
    case = land_case(fees_world)
    with pytest.raises(AccessDenied):
        services.issue_notice(case=case, by=fees_world.clerk)  # the market bureau's clerk


def test_typed_charging_is_refused_for_catalogue_items(fees_world):
    case = land_case(fees_world)
    with pytest.raises(Conflict, match="缴款通知书") as err:
        case_services.charge_fee(
            case=case, by=fees_world.land_clerk, fees=[{"name": "不动产登记费(住宅类)", "amount": "80"}]
        )
    assert err.value.code == "fee.by_notice"


def test_the_notice_pdf_has_its_qr_code_and_embedded_chinese_fonts(fees_world, tmp_path):
    case = land_case(fees_world)
    notice = services.issue_notice(case=case, by=fees_world.land_clerk)
    pdf = documents.notice_pdf(notice, base_url="https://zw.example.cn/")
    path = tmp_path / "notice.pdf"
    path.write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Noto-Serif-CJK-SC" in fonts or "Noto-Sans-CJK-SC" in fonts
    assert all(line.split()[-4] == "yes" for line in fonts.splitlines()[2:])  # every font embedded
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "非税收入缴款通知书" in text and notice.code in text and "玖拾元整" in text
    assert f"https://zw.example.cn/fees/pay/{notice.code}/" in re.sub(r"\s+", "", text)
    # printed, it is one page with its QR code to pay (the QR was alone on a second page)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M)


def test_the_applicant_sees_the_notice_and_downloads_it(fees_world, client):
    w = fees_world
    case = land_case(w)
    page = client.get(f"/fees/notices/{'0' * 20}.pdf")
    assert page.status_code == 404
    client.force_login(w.citizen_user)
    page = client.get(f"/cases/mine/{case.number}/").content.decode()
    assert "受理后将开具缴款通知书" in page
    notice = services.issue_notice(case=case, by=w.land_clerk)
    page = client.get(f"/cases/mine/{case.number}/").content.decode()
    assert (
        notice.code in page and "90.00" in page and "待缴费" in page and f"/fees/pay/{notice.code}/" in page
    )
    response = client.get(f"/fees/notices/{notice.code}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    # Someone else's account does not get it.
    client.force_login(w.clerk)
    assert client.get(f"/fees/notices/{notice.code}.pdf").status_code == 404


@pytest.mark.parametrize(
    "amount, upper",
    [
        ("80", "捌拾元整"),
        ("550", "伍佰伍拾元整"),
        ("1010.50", "壹仟零壹拾元伍角"),
        ("50000", "伍万元整"),
        ("100000.05", "壹拾万元零伍分"),
        ("0.3", "叁角"),
        ("1000001", "壹佰万零壹元整"),
        ("20.07", "贰拾元零柒分"),
    ],
)
def test_amounts_in_capitals(amount, upper):
    from decimal import Decimal

    assert documents.rmb_upper(Decimal(amount)) == upper
