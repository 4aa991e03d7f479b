"""Changes to an item in force (取消, 下放, 收回, 发布 of a version) refuse what a real centre would not publish: an
effective date before today, a 下放 to an organisation that cannot implement items (the 12345 hotline centre), a
收回 from an organisation the item was never delegated to, and a change that contradicts one still pending.
A stranger's pass found each of them accepted. The clock reads 2026-11-18 10:00 China time (tests/conftest.py)."""

import datetime as dt
import re

import pytest

from zhengwu.catalog import rules, services
from zhengwu.catalog.models import ChangeLogEntry, ItemVersion, ServiceItem
from zhengwu.core import clock
from zhengwu.core.errors import Conflict, ValidationFailed
from zhengwu.core.ids import make_uscc
from zhengwu.core.models import Organisation

pytestmark = pytest.mark.django_db

DELEGATED, TAKEN_BACK = ChangeLogEntry.Kind.DELEGATED, ChangeLogEntry.Kind.TAKEN_BACK


def _organisation(county, name, kind, serial):
    return Organisation.objects.create(
        name=name, uscc=make_uscc("1", "1", county.code, f"{serial:08d}"), region=county, kind=kind
    )


@pytest.fixture
def township(county):
    return _organisation(county, "贵溪市雷溪镇人民政府", Organisation.Kind.GOVERNMENT, 2001)


@pytest.fixture
def other_township(county):
    return _organisation(county, "贵溪市志光镇人民政府", Organisation.Kind.GOVERNMENT, 2002)


@pytest.fixture
def hotline(county):
    return _organisation(
        county, "贵溪市12345政务服务便民热线中心", Organisation.Kind.PUBLIC_SERVICE_UNIT, 2003
    )


@pytest.fixture
def item(spec, water, publish_item):
    return publish_item(spec, water)


def _transfer(item, kind, counterpart, effective_on=None, **kwargs):
    return services.record_transfer(
        item=item,
        kind=kind,
        counterpart=counterpart,
        reason="方便群众就近办理",
        effective_on=effective_on,
        **kwargs,
    )


def _draft(item, spec):
    services.edit_item(item=item, spec={**spec, "conditions": "新的条件"}, reason="调整条件")
    services.submit(item=item)


# ---- 1. the effective date: not before today, China's day -------------------------------------------------------


@pytest.mark.parametrize(
    ("effective_on", "refused"),
    [
        (dt.date(2023, 5, 1), True),  # years back
        (dt.date(2026, 11, 17), True),  # yesterday
        (dt.date(2026, 11, 18), False),  # today
        (dt.date(2026, 12, 1), False),  # announced ahead
    ],
)
def test_an_effective_date_may_not_be_before_today(effective_on, refused):
    problem = rules.effective_date_problem(effective_on, dt.date(2026, 11, 18))
    assert (problem is not None) == refused
    if refused:
        assert f"生效日期 {effective_on.isoformat()} 早于今天(2026-11-18)" in problem


def test_publishing_a_version_with_a_past_effective_date_is_refused_at_the_date(spec, item):
    _draft(item, spec)
    with pytest.raises(ValidationFailed) as caught:
        services.publish(item=item, effective_on=dt.date(2023, 5, 1), reason="调整条件")
    assert caught.value.field == "effective_on" and "不能倒签" in caught.value.message
    assert item.versions.get(number=2).status == ItemVersion.Status.SUBMITTED
    assert not item.changes.filter(kind=ChangeLogEntry.Kind.ADJUSTED).exists()
    assert services.publish(item=item, effective_on=dt.date(2026, 11, 18), reason="调整条件").number == 2


def test_cancelling_with_a_past_effective_date_is_refused_and_the_item_stays(item):
    with pytest.raises(ValidationFailed) as caught:
        services.cancel_item(item=item, reason="法规废止", effective_on=dt.date(2024, 1, 1))
    assert caught.value.field == "effective_on"
    item.refresh_from_db()
    assert item.status == ServiceItem.Status.ACTIVE and not item.changes.filter(kind="cancelled").exists()


@pytest.mark.parametrize("kind", [DELEGATED, TAKEN_BACK])
def test_a_transfer_with_a_past_effective_date_is_refused(item, township, kind):
    if kind == TAKEN_BACK:
        with clock.frozen("2026-03-02"):
            _transfer(item, DELEGATED, township)
    with pytest.raises(ValidationFailed) as caught:
        _transfer(item, kind, township, effective_on=dt.date(2025, 6, 30))
    assert caught.value.field == "effective_on"
    assert item.changes.filter(kind=kind, effective_on=dt.date(2025, 6, 30)).count() == 0


def test_today_is_the_day_in_china_not_in_utc(item):
    # 00:30 on 19 November in China is still 18 November in UTC: the 18th is yesterday there.
    with clock.frozen(dt.datetime(2026, 11, 19, 0, 30, tzinfo=clock.LOCAL)):
        with pytest.raises(ValidationFailed, match=re.escape("早于今天(2026-11-19)")):
            services.cancel_item(item=item, reason="法规废止", effective_on=dt.date(2026, 11, 18))
        entry = services.cancel_item(item=item, reason="法规废止")
    assert entry.effective_on == dt.date(2026, 11, 19)


# ---- 2. 下放 only to an organisation that may implement items ---------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "implements_items", "refused"),
    [
        ("government", False, False),  # a township government
        ("department", False, False),
        ("agency", False, False),  # a 派出所
        ("public_service_unit", True, False),  # 不动产登记中心: authorised, implements items of its own
        ("public_service_unit", False, True),  # the 12345 hotline centre
        ("centre_admin", False, True),
        ("other", False, True),  # 监察委员会
    ],
)
def test_who_may_take_over_a_delegated_item(kind, implements_items, refused):
    recipient = rules.Recipient(
        name="某机构",
        kind=kind,
        kind_label=kind,
        is_active=True,
        implements_items=implements_items,
        is_own=False,
    )
    assert (rules.delegation_problem(recipient) is not None) == refused


def test_delegating_to_the_12345_hotline_centre_is_refused(item, hotline):
    with pytest.raises(ValidationFailed) as caught:
        _transfer(item, DELEGATED, hotline)
    assert caught.value.field == "counterpart"
    assert "「贵溪市12345政务服务便民热线中心」是公共服务单位,不是行政机关" in caught.value.message
    assert not item.changes.filter(kind=DELEGATED).exists()


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        (Organisation.Kind.SERVICE_CENTRE_ADMIN, "是政务服务管理机构"),
        (Organisation.Kind.OTHER, "是其他"),
    ],
)
def test_delegating_to_an_organisation_that_implements_nothing_is_refused(item, county, kind, words):
    body = _organisation(county, "某机构", kind, 2010)
    with pytest.raises(ValidationFailed, match=words):
        _transfer(item, DELEGATED, body)


def test_a_public_service_unit_that_implements_items_may_take_one_over(make_spec, item, county, publish_item):
    registry = _organisation(county, "贵溪市不动产登记中心", Organisation.Kind.PUBLIC_SERVICE_UNIT, 2004)
    publish_item(make_spec(name="不动产首次登记", type="07", basic_code=""), registry)
    assert _transfer(item, DELEGATED, registry).counterpart == registry


def test_delegating_to_its_own_or_a_closed_organisation_is_refused(item, water, township):
    with pytest.raises(ValidationFailed, match="是本事项的实施机构"):
        _transfer(item, DELEGATED, water)
    Organisation.objects.filter(pk=township.pk).update(is_active=False)
    township.refresh_from_db()
    with pytest.raises(ValidationFailed, match="已停用"):
        _transfer(item, DELEGATED, township)


# ---- 3. 收回 only from where the item is delegated -------------------------------------------------------------


def test_taking_back_from_an_organisation_never_delegated_to_is_refused_naming_where_it_is(
    item, township, other_township
):
    with pytest.raises(ValidationFailed) as caught:
        _transfer(item, TAKEN_BACK, township)
    assert caught.value.field == "counterpart"
    assert caught.value.message == (
        "本事项未下放至「贵溪市雷溪镇人民政府」,不能从它收回;本事项目前没有下放给任何机构"
    )
    _transfer(item, DELEGATED, other_township)
    with pytest.raises(ValidationFailed) as caught:
        _transfer(item, TAKEN_BACK, township)
    assert "本事项目前下放至:「贵溪市志光镇人民政府」" in caught.value.message
    assert _transfer(item, TAKEN_BACK, other_township).kind == TAKEN_BACK
    with pytest.raises(ValidationFailed, match="目前没有下放给任何机构"):  # taken back already
        _transfer(item, TAKEN_BACK, other_township)


def test_delegating_twice_to_the_same_organisation_is_refused(item, township, other_township):
    _transfer(item, DELEGATED, township)
    with pytest.raises(
        ValidationFailed, match=re.escape("本事项已下放至「贵溪市雷溪镇人民政府」(2026-11-18 起)")
    ):
        _transfer(item, DELEGATED, township)
    assert (
        _transfer(item, DELEGATED, other_township).counterpart == other_township
    )  # to every township: allowed


# ---- 4. nothing that contradicts a pending change -------------------------------------------------------------


def test_a_transfer_while_another_is_pending_is_refused_naming_the_pending_one(
    item, township, other_township
):
    _transfer(item, DELEGATED, township, effective_on=dt.date(2026, 12, 1))
    pending = "本事项已有待生效的变更:2026-12-01 起下放至「贵溪市雷溪镇人民政府」"
    for kind, counterpart in ((TAKEN_BACK, township), (DELEGATED, other_township), (DELEGATED, township)):
        with pytest.raises(Conflict) as caught:
            _transfer(item, kind, counterpart, effective_on=dt.date(2026, 12, 15))
        assert pending in caught.value.message
    assert item.changes.filter(kind__in=[DELEGATED, TAKEN_BACK]).count() == 1
    with clock.frozen("2026-12-01"):  # in force now: it may be taken back
        assert _transfer(item, TAKEN_BACK, township).kind == TAKEN_BACK


def test_no_change_on_an_item_whose_cancellation_is_pending(spec, item, township):
    _draft(item, spec)
    services.cancel_item(item=item, reason="法规废止", effective_on=dt.date(2026, 12, 1))
    named = re.escape("事项已记录取消(2026-12-01 起生效,理由:法规废止)")
    with pytest.raises(Conflict, match=named):
        _transfer(item, DELEGATED, township)
    with pytest.raises(Conflict, match=named):
        services.publish(item=item, reason="调整条件")
    with pytest.raises(Conflict, match=named):
        services.edit_item(item=item, spec=spec, reason="再改")
    with pytest.raises(Conflict, match=named):
        services.cancel_item(item=item, reason="再取消")
    assert item.changes.count() == 2  # 新增, 取消
