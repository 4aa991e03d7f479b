"""The fee catalogue (收费目录清单): what a fee comes to, the public list per organisation, the guide's link, and a
fee removed disappearing from every item on its date."""

import datetime as dt
from decimal import Decimal

import pytest

from zhengwu.catalog import specs
from zhengwu.core import clock
from zhengwu.core.errors import AccessDenied, ValidationFailed
from zhengwu.core.models import AuditRecord
from zhengwu.fees import compute, selectors, services
from zhengwu.fees.compute import Decision

# (fee code, quantity, waiver code, decision, standard amount, charged amount)
COMPUTATION = [
    # 发改价格规〔2016〕2559号: 住宅类 80元/件, fixed whatever the quantity asked
    ("BDC-001", 1, None, None, "80.00", "80.00"),
    ("BDC-001", 3, None, None, "80.00", "80.00"),
    ("BDC-002", 1, None, None, "550.00", "550.00"),
    # 证书工本费 每增加一本 10元: per unit
    ("BDC-003", 1, None, None, "10.00", "10.00"),
    ("BDC-003", 3, None, None, "30.00", "30.00"),
    # 财税〔2016〕79号: 小微企业免收不动产登记费
    ("BDC-002", 1, "XW", None, "550.00", "0.00"),
    # 发改价格〔2003〕2322号: 20元/证; 居民身份证法第二十条: 低保免收, 困难减收 (half here)
    ("SFZ-001", 1, None, None, "20.00", "20.00"),
    ("SFZ-001", 1, "DB", None, "20.00", "0.00"),
    ("SFZ-001", 1, "KN", None, "20.00", "10.00"),
    ("SFZ-002", 1, None, None, "40.00", "40.00"),
    # 食品安全法第一百二十二条: 五万元以上十万元以下 → the lower bound, unless the decision says otherwise
    ("FM-001", 1, None, None, "50000.00", "50000.00"),
    ("FM-001", 1, None, Decision(Decimal("80000"), "贵市监罚〔2026〕12号"), "80000.00", "80000.00"),
]


@pytest.mark.parametrize("code, quantity, waiver, decision, standard, charged", COMPUTATION)
def test_fee_computation(fees_world, code, quantity, waiver, decision, standard, charged):
    fee = fees_world.fees[code]
    w = fee.waivers.get(code=waiver) if waiver else None
    line = compute.line(fee, quantity, waiver=w, decision=decision)
    assert (str(line.standard_amount), str(line.amount)) == (standard, charged)
    assert fee.approval in line.basis
    if w is not None:
        assert w.basis in line.waiver and w.name in line.waiver
    if decision is not None:
        assert "贵市监罚〔2026〕12号" in line.decision


def test_band_standard_says_it_charges_the_lower_bound(fees_world):
    assert compute.standard_text(fees_world.fees["FM-001"]) == "50000.00—100000.00元(按下限50000.00元执行)"
    assert compute.standard_text(fees_world.fees["BDC-003"]) == "10.00元/本"


@pytest.mark.parametrize(
    "code, decision, field, message",
    [
        ("FM-001", Decision(Decimal("120000"), "贵市监罚〔2026〕13号"), "fee.decision.amount", "幅度内"),
        ("FM-001", Decision(Decimal("40000"), "贵市监罚〔2026〕13号"), "fee.decision.amount", "幅度内"),
        ("FM-001", Decision(Decimal("60000"), " "), "fee.decision.document", "决定文书"),
        ("BDC-001", Decision(Decimal("100"), "某文件"), "fee.decision", "不是幅度标准"),
    ],
)
def test_a_decision_must_stay_in_the_band_and_name_its_document(fees_world, code, decision, field, message):
    with pytest.raises(ValidationFailed, match=message) as err:
        compute.line(fees_world.fees[code], 1, decision=decision)
    assert err.value.field == field


@pytest.mark.parametrize("quantity", [0, -1, "两", 10001])
def test_quantity_is_a_whole_number_of_units(fees_world, quantity):
    with pytest.raises(ValidationFailed, match="数量") as err:
        compute.line(fees_world.fees["BDC-003"], quantity)
    assert err.value.field == "fee.quantity"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"code": ""}, "code"),
        ({"code": "BDC-001"}, "code"),
        ({"basis": ""}, "basis"),
        ({"approval": ""}, "approval"),
        ({"amount": "-1"}, "amount"),
        ({"amount": "1.005"}, "amount"),
        ({"standard_kind": "band", "upper": "5"}, "upper"),
        ({"revenue_kind": "tax"}, "revenue_kind"),
        ({"valid_from": "2026-13-01"}, "valid_from"),
        ({"removed_on": "2025-01-01"}, "removed_on"),
        ({"organisation": None}, "organisation"),
    ],
)
def test_bad_catalogue_input_is_named_at_its_field(fees_world, change, field):
    data = {
        "code": "NEW-1",
        "name": "测试收费",
        "organisation": fees_world.land,
        "revenue_kind": "admin_fee",
        "basis": "某法第一条",
        "approval": "某文〔2026〕1号",
        "standard_kind": "fixed",
        "amount": "10",
        "valid_from": "2026-01-01",
        **change,
    }
    with pytest.raises(ValidationFailed) as err:
        services.add_fee(data=data)
    assert err.value.field == field


def test_only_centre_managers_keep_the_catalogue(fees_world):
    with pytest.raises(AccessDenied):
        services.remove_fee(fee=fees_world.fees["BDC-003"], on="2026-12-01", by=fees_world.clerk, reason="x")
    services.remove_fee(
        fee=fees_world.fees["BDC-003"], on="2026-12-01", by=fees_world.manager, reason="赣发改〔2026〕9号"
    )
    assert AuditRecord.objects.filter(action="fees.remove_fee", actor=fees_world.manager).count() == 1


def test_the_public_list_per_organisation(fees_world, client):
    page = client.get("/fees/").content.decode()
    assert "贵溪市自然资源局" in page and "贵溪市公安局" in page and "3项" in page
    page = client.get(f"/fees/{fees_world.land.pk}/").content.decode()
    assert "贵溪市自然资源局收费目录清单" in page
    for text in (
        "不动产登记费(住宅类)",
        "80.00元/件",
        "发改价格规〔2016〕2559号",
        "行政事业性收费",
        "财税〔2016〕79号",
    ):
        assert text in page
    assert "居民身份证" not in page  # another organisation's list


def test_the_guide_shows_catalogue_fees_and_links_the_list(fees_world, client):
    page = client.get(f"/services/{fees_world.land_item.code}/").content.decode()
    assert "80.00元/件" in page and "10.00元/本" in page
    assert f'href="/fees/{fees_world.land.pk}/"' in page and "贵溪市自然资源局收费目录清单" in page


def test_a_removed_fee_disappears_from_every_item_on_its_date(fees_world, client):
    version = fees_world.land_item.current_version
    services.remove_fee(fee=fees_world.fees["BDC-003"], on="2026-10-01", reason="赣发改收费〔2026〕3号 取消")
    assert [f["code"] for f in selectors.item_fees_in_force(version)] == ["BDC-001", "BDC-003"]  # 09-28
    clock.set_now(dt.datetime(2026, 10, 1, 9, 0, tzinfo=clock.LOCAL))
    assert [f["code"] for f in selectors.item_fees_in_force(version)] == ["BDC-001"]
    page = client.get(f"/services/{fees_world.land_item.code}/").content.decode()
    assert "10.00元/本" not in page and "80.00元/件" in page
    assert "不动产权属证书工本费" not in client.get(f"/fees/{fees_world.land.pk}/").content.decode()
    # The item still stores the line (its history), the catalogue decides it is no longer charged.
    assert [f["code"] for f in specs.from_version(version)["fees"]] == ["BDC-001", "BDC-003"]


def test_old_typed_fees_keep_showing_as_typed(fees_world, client):
    page = client.get(f"/services/{fees_world.item.code}/").content.decode()
    assert "不收费" in page  # the cases' item types no fee
    from tests.cases.conftest import ITEM, publish
    from tests.cases.test_fees import FEES

    item = publish({**ITEM, "name": "食品经营许可(旧收费)", "fees": FEES}, fees_world.bureau)
    page = client.get(f"/services/{item.code}/").content.decode()
    assert "每证 10 元" in page and "赣发改收费〔2020〕1号" in page


def test_the_public_list_dates_each_fee_from_its_approving_document(db, client):
    from tests.factories import make_organisation, make_region
    from zhengwu.fees import standards

    county = make_region("360681", "贵溪市")
    land = make_organisation("贵溪市不动产登记中心", region=county, short_name="不动产登记中心")
    market = make_organisation("贵溪市市场监督管理局", region=county, short_name="市场监管局")
    standards.load({standards.REGISTRATION: land, standards.MARKET: market}, valid_from=None)
    page = client.get(f"/fees/{land.pk}/").content.decode()
    assert "2017年3月15日 起" in page and "发改价格规〔2016〕2559号" in page
    assert "截至2026年11月18日执行的收费项目" in page  # the day in Chinese, as the rest of the page
    # a fine is not a fee: it is off the public 收费目录清单 (the API's catalogue keeps it, with its kind)
    page = client.get(f"/fees/{market.pk}/").content.decode()
    assert "未取得许可从事食品经营罚款" not in page and "该单位暂无收费项目" in page
    (fine,) = client.get(f"/api/fees/catalogue?organisation={market.pk}").json()
    assert fine["valid_from"] == "2015-10-01" and fine["revenue_kind_label"] == "罚没收入"
    # a fine's approving document is not the law again: the law is its basis, the amount the penalty decision's
    assert fine["basis"] == "《中华人民共和国食品安全法》第一百二十二条" and "不适用" in fine["approval"]


def test_a_demo_loaded_before_the_documents_days_is_dated_once(db):
    from tests.factories import make_organisation, make_region
    from zhengwu.fees import demo, standards
    from zhengwu.fees.models import CatalogueFee

    county = make_region("360681", "贵溪市")
    market = make_organisation("贵溪市市场监督管理局", region=county, short_name="市场监管局")
    standards.load({standards.MARKET: market}, valid_from="2025-11-18")  # as the old demo did: a year back
    CatalogueFee.objects.filter(code="FM-001").update(approval="《中华人民共和国食品安全法》第一百二十二条")
    assert demo._date_the_catalogue() == 1
    fine = CatalogueFee.objects.get(code="FM-001")
    assert fine.valid_from.isoformat() == "2015-10-01" and "不适用" in fine.approval
    assert demo._date_the_catalogue() == 0  # a second run changes nothing


def test_every_demo_items_fee_of_a_collecting_organisation_names_its_catalogue_entry():
    """The demo items' fee lines carry the code of the catalogue entry they charge (the link that no spelling moves):
    the 不动产 transfer, mortgage and 带押过户 items and the 居民身份证 item wrote 不动产登记费（住宅类） with no code, so
    the case page charged it by hand and 电子监察 found it outside the catalogue's 不动产登记费(住宅类), while the
    fees page said the item had no catalogue fee (a stranger's pass). An item handled on the spot (当场办结,
    临时居民身份证) is charged the same way: decided on the spot, its notice paid at the counter before the result."""
    import json

    from zhengwu.catalog.demo import DEMO_DIR
    from zhengwu.fees import demo, standards

    collector_of = {short: collector for collector, short in demo.COLLECTORS.items()}
    listed = {(spec["collector"], spec["code"]) for spec in standards.FEES}
    unlinked, checked = [], 0
    for path in sorted(DEMO_DIR.glob("*.json")):
        data = json.loads(path.read_text("utf-8"))
        collector = collector_of.get(data.get("organisation"))
        if collector is None:
            continue  # an organisation that collects no fee through the platform (林业局's 森林植被恢复费 …)
        for item in data["items"]:
            for line in item.get("fees") or []:
                checked += 1
                if (collector, line.get("code")) not in listed:
                    unlinked.append(f"{path.name} {item['name']}: {line['name']}")
    assert unlinked == []
    assert checked >= 13  # the four 不动产 items, the 居民身份证 item and the instant 临时居民身份证 item
