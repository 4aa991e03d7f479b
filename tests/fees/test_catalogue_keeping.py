"""Keeping the fee catalogue (收费目录维护): the collecting organisation's fee manager (its department head), a centre
manager or an administrator lists, adds, revises (a new version from its effective date), retires on a date and
keeps the waivers with their basis; each change audited; bad input named at its field in Chinese."""

import datetime as dt

import pytest

from tests.fees.conftest import land_case
from zhengwu.core import clock
from zhengwu.core.errors import AccessDenied, Conflict, ValidationFailed
from zhengwu.core.models import AuditRecord
from zhengwu.fees import selectors, services
from zhengwu.fees.models import CatalogueFee

NEW = {
    "code": "BDC-NEW",
    "name": "不动产测试收费",
    "revenue_kind": "admin_fee",
    "basis": "《不动产登记暂行条例》第二十九条",
    "approval": "发改价格规〔2016〕2559号",
    "standard_kind": "fixed",
    "amount": "50",
    "unit": "件",
    "valid_from": "2026-09-28",
}


def at(day: str):
    clock.set_now(dt.datetime.fromisoformat(f"{day}T09:00").replace(tzinfo=clock.LOCAL))


def test_a_new_version_applies_from_its_date_and_notices_keep_theirs(fees_world):
    w = fees_world
    fee = w.fees["BDC-001"]
    before = services.issue_notice(case=land_case(w), by=w.land_clerk, only=["BDC-001"])
    new = services.revise_fee(
        fee=fee,
        data={
            **{
                k: getattr(fee, k)
                for k in ("name", "revenue_kind", "basis", "approval", "standard_kind", "unit")
            },
            "amount": "60",
            "reason": "赣发改收费〔2026〕12号",
        },
        effective="2026-10-08",
        by=w.land_head,
    )
    fee.refresh_from_db()
    assert (new.code, new.version, str(new.amount)) == ("BDC-001", 2, "60.00")
    assert fee.removed_on == dt.date(2026, 10, 8) and "由第 2 版替代" in fee.note
    assert [x.code for x in new.waivers.all()] == [x.code for x in fee.waivers.all()]  # carried over
    assert AuditRecord.objects.filter(action="fees.revise_fee", actor=w.land_head).count() == 1
    # until the 7th the old standard, from the 8th the new one; the notice already issued keeps 80.00
    assert selectors.item_fees_in_force(w.land_item.current_version)[0]["fee"] == fee
    at("2026-10-08")
    assert selectors.item_fees_in_force(w.land_item.current_version)[0]["fee"] == new
    after = services.issue_notice(case=land_case(w), by=w.land_clerk, only=["BDC-001"])
    before.refresh_from_db()
    assert str(before.total) == "80.00" and str(after.total) == "60.00"
    assert [f.code for f in selectors.catalogue() if f.code == "BDC-001"] == ["BDC-001"]  # one version a day
    # only the latest version is revised or retired
    with pytest.raises(Conflict, match="已有第 2 版"):
        services.remove_fee(fee=fee, on="2026-12-01", by=w.manager, reason="x")


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"code": ""}, "code", "请填写收费编码"),
        ({"code": "BDC-001"}, "code", "收费编码「BDC-001」已存在"),
        ({"name": ""}, "name", "请填写收费项目"),
        ({"basis": ""}, "basis", "请填写设立依据"),
        ({"amount": "abc"}, "amount", "金额须为数字"),
        ({"amount": "1.234"}, "amount", "金额最多两位小数(到分)"),
        ({"standard_kind": "band", "upper": ""}, "upper", "幅度收费请填写上限"),
        ({"standard_kind": "band", "upper": "10"}, "upper", "幅度上限不能低于下限"),
        ({"valid_from": "明天"}, "valid_from", "日期格式应为 年-月-日,如 2026-11-18"),
        ({"organisation": ""}, "organisation", "请选择执收单位"),
    ],
)
def test_the_form_names_the_field_in_chinese(fees_world, client, change, field, message):
    w = fees_world
    client.force_login(w.land_head)
    answer = client.post("/workbench/fees/catalogue/new/", {**NEW, "organisation": w.land.pk, **change})
    html = answer.content.decode()
    assert answer.status_code == 422
    assert f'data-testid="error-{field}">{message}</div>' in html.replace("&quot;", '"')
    assert not CatalogueFee.objects.filter(code="BDC-NEW").exists()


def test_the_fee_manager_keeps_their_own_organisations_fees(fees_world, client):
    w = fees_world
    client.force_login(w.land_head)
    assert "/workbench/fees/catalogue/" in client.get("/workbench/fees/").content.decode()
    listing = client.get("/workbench/fees/catalogue/").content.decode()
    assert "BDC-001" in listing and "不动产登记费" in listing
    assert "GA-" not in listing and w.police.name not in listing  # another organisation's fees are not theirs
    answer = client.post("/workbench/fees/catalogue/new/", {**NEW, "organisation": w.land.pk})
    fee = CatalogueFee.objects.get(code="BDC-NEW")
    assert answer.status_code == 302 and answer["Location"] == f"/workbench/fees/catalogue/{fee.pk}/"
    assert AuditRecord.objects.filter(action="fees.add_fee", actor=w.land_head).count() == 1
    # not someone else's organisation, and not a clerk
    police = client.post(
        "/workbench/fees/catalogue/new/", {**NEW, "code": "X-1", "organisation": w.police.pk}
    )
    assert police.status_code == 403 and "只有执收单位负责人" in police.content.decode()
    with pytest.raises(AccessDenied):
        services.add_fee(data={**NEW, "code": "X-2", "organisation": w.police}, by=w.land_head)
    police_fee = next(f for f in w.fees.values() if f.organisation == w.police)
    assert client.get(f"/workbench/fees/catalogue/{police_fee.pk}/").status_code == 404
    client.force_login(w.land_clerk)
    assert client.get("/workbench/fees/catalogue/").status_code == 403
    # waivers with their basis
    client.force_login(w.land_head)
    url = f"/workbench/fees/catalogue/{fee.pk}/"
    answer = client.post(
        url, {"form": "waiver", "code": "XW", "name": "小微企业", "kind": "exempt", "basis": ""}
    )
    assert answer.status_code == 422 and "请填写减免依据" in answer.content.decode()
    answer = client.post(
        url,
        {
            "form": "waiver",
            "code": "XW",
            "name": "小微企业",
            "kind": "percent",
            "percent": "50",
            "basis": "财税〔2016〕79号",
        },
    )
    assert answer.status_code == 302 and fee.waivers.get().percent == 50
    assert "财税〔2016〕79号" in client.get(url).content.decode()
    waiver = fee.waivers.get()
    client.post(url, {"form": "drop_waiver", "waiver": waiver.pk, "reason": "政策到期"})
    assert not fee.waivers.exists()
    assert AuditRecord.objects.filter(action__in=["fees.add_waiver", "fees.drop_waiver"]).count() == 2
    # a new version from a date
    answer = client.post(
        f"/workbench/fees/catalogue/{fee.pk}/revise/",
        {**NEW, "amount": "40", "valid_from": "2026-09-28", "reason": "降费"},
    )
    assert answer.status_code == 422 and "新标准的执行日期须晚于今天" in answer.content.decode()
    answer = client.post(
        f"/workbench/fees/catalogue/{fee.pk}/revise/",
        {**NEW, "amount": "40", "valid_from": "2026-11-01", "reason": "赣发改收费〔2026〕20号"},
    )
    new = CatalogueFee.objects.get(code="BDC-NEW", version=2)
    assert answer["Location"] == f"/workbench/fees/catalogue/{new.pk}/"
    assert "2026-10-01" not in client.get(f"/workbench/fees/catalogue/{new.pk}/").content.decode()
    # retired from a date, with its basis
    answer = client.post(
        f"/workbench/fees/catalogue/{new.pk}/", {"form": "retire", "removed_on": "2026-12-01", "reason": ""}
    )
    assert answer.status_code == 422 and "请写明取消依据" in answer.content.decode()
    client.post(
        f"/workbench/fees/catalogue/{new.pk}/",
        {"form": "retire", "removed_on": "2026-12-01", "reason": "赣发改收费〔2026〕30号 取消"},
    )
    new.refresh_from_db()
    assert new.removed_on == dt.date(2026, 12, 1)
    assert AuditRecord.objects.filter(action="fees.remove_fee", actor=w.land_head).count() == 1


def test_revising_refused(fees_world):
    w = fees_world
    fee = w.fees["BDC-001"]
    data = {
        k: getattr(fee, k) for k in ("name", "revenue_kind", "basis", "approval", "standard_kind", "amount")
    }
    with pytest.raises(ValidationFailed) as err:
        services.revise_fee(fee=fee, data={**data, "reason": "x"}, effective="2026-09-28", by=w.manager)
    assert err.value.field == "valid_from"
    with pytest.raises(ValidationFailed) as err:
        services.revise_fee(fee=fee, data=data, effective="2026-10-10", by=w.manager)
    assert err.value.field == "reason"
    with pytest.raises(AccessDenied):
        services.revise_fee(fee=fee, data={**data, "reason": "x"}, effective="2026-10-10", by=w.land_clerk)
