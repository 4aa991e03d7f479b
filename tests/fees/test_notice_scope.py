"""Fee records are seen within the person's scope (access.fee_scope_q): the region's centre managers and supervisors
see its notices and reconciliation differences, another county's do not (they used to see every region's)."""

import pytest

from tests.factories import make_organisation, make_region, make_staff
from tests.fees.conftest import land_case
from zhengwu.core import clock
from zhengwu.core.models import Role
from zhengwu.fees import reconcile, selectors, services

pytestmark = pytest.mark.django_db


def test_another_county_s_overseers_see_none_of_this_county_s_fees(fees_world):
    w = fees_world
    notice = services.issue_notice(case=land_case(w), by=w.land_clerk)
    services.record_at_window(code=notice.code, by=w.cashier, channel="cash")
    reconcile.reconcile(clock.today(), by=w.cashier, viewer=w.cashier)
    elsewhere = make_region("360602", "月湖区", parent=w.county.parent)
    office = make_organisation("月湖区政务服务管理办公室", region=elsewhere)
    their_manager = make_staff("yh-manager", office, roles=[Role.CENTRE_MANAGER], name="何主任").user
    their_supervisor = make_staff("yh-supervisor", office, roles=[Role.SUPERVISOR], name="胡监察").user
    ours = list(selectors.visible_discrepancies(w.manager))
    assert ours and selectors.visible_notices(w.manager).filter(pk=notice.pk).exists()
    for other in (their_manager, their_supervisor):
        assert not selectors.visible_notices(other).filter(pk=notice.pk).exists()
        assert not set(selectors.visible_discrepancies(other)) & set(ours)


def test_another_county_s_manager_neither_keeps_this_county_s_fees_nor_decides_its_refunds(fees_world):
    from zhengwu.fees import permissions

    w = fees_world
    notice = services.issue_notice(case=land_case(w), by=w.land_clerk)
    payment = services.record_at_window(code=notice.code, by=w.cashier, channel="cash")
    refund = services.request_refund(
        payment=payment, by=w.cashier, amount="10", reason="overpaid", explanation="多收"
    )
    elsewhere = make_region("360602", "月湖区", parent=w.county.parent)
    their_manager = make_staff(
        "yh-manager",
        make_organisation("月湖区政务服务管理办公室", region=elsewhere),
        roles=[Role.CENTRE_MANAGER],
    ).user
    assert permissions.keeper_refusal(w.manager, w.land) is None
    assert permissions.keeper_refusal(their_manager, w.land) is not None
    assert w.land not in selectors.keepers_organisations(their_manager)
    assert permissions.refusal(w.manager, refund, "decide") is None
    assert permissions.refusal(their_manager, refund, "decide") is not None
