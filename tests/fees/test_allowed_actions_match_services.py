"""The fee pages offer an action exactly when its service accepts it (fees.permissions): every action of the notice
page, of the catalogue and of reconciliation, for every kind of person, at every point of a notice's (a fee's, a
difference's) life — each tried through its service in a savepoint."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model

from tests.allowed_actions import matrix
from tests.allowed_actions import offered as offered_table
from tests.factories import make_centre, make_staff, make_window
from tests.fees.conftest import land_case
from zhengwu.cases import services as case_services
from zhengwu.core import clock
from zhengwu.core.errors import DomainError
from zhengwu.core.models import Role
from zhengwu.fees import permissions, reconcile, selectors, services, simulator
from zhengwu.fees.models import CatalogueFee, Discrepancy, Notice, Payment, Receipt, Refund

pytestmark = pytest.mark.django_db


def _people(w) -> dict:
    other = make_centre("鹰潭市政务服务中心", w.county.parent, managed_by=w.centre_org)
    window = make_window(other, "9", name="收费窗口", kind="dedicated")
    window.collects_fees = True
    window.save(update_fields=["collects_fees"])
    return {
        "开具的窗口人员": w.land_clerk,
        "执收单位审核人员": w.land_approver,
        "执收单位负责人": w.land_head,
        "他部门窗口人员": w.clerk,
        "他部门负责人": w.head,
        "综合窗口人员": w.general_clerk,
        "收费窗口": w.cashier,
        "他中心收费窗口": make_staff(
            "cashier2", w.centre_org, roles=[Role.WINDOW_CLERK], window=window, name="汪收费"
        ).user,
        "中心管理人员": w.manager,
        "监察人员": make_staff("jiancha", w.centre_org, roles=[Role.SUPERVISOR], name="周监察").user,
        "系统管理员": get_user_model().objects.create_superuser("root", password="pw-root-2026"),
        "申请人": w.citizen_user,
    }


# ---------------------------------------------------------------- the notice page

ISSUING = {who: "issue" for who in ("开具的窗口人员", "执收单位审核人员", "执收单位负责人")}
# a payment's refund is asked by staff who see the notice: the collecting organisation, the fee window, a centre
# manager — not a supervisor: supervision reads, it does not start money actions
ASKING = {who: "refund" for who in ("开具的窗口人员", "执收单位审核人员", "执收单位负责人", "中心管理人员")}
PAID = {**ASKING, "收费窗口": "refund void"}
NOTICE_TABLE = {
    "已受理,未开具": ISSUING,
    "待缴费": {**{who: "correct" for who in ISSUING}, "收费窗口": "record"},
    "已作废(更正)": {},
    "现金缴费": PAID,
    "网上缴费": PAID,
    "票据已换开": {**ASKING, "收费窗口": "refund"},
    # asked by the window clerk: the collecting organisation's head or a centre manager decides
    "待审批退付": {**PAID, "执收单位负责人": "refund decide", "中心管理人员": "refund decide"},
    "不予退付": PAID,
    "已批准现金退付": {**PAID, "收费窗口": "refund void cash_refund"},
    "已批准刷卡退付": {**PAID, "收费窗口": "refund void card_refund"},
    "现金已退还": PAID,
    # the whole payment went back: nothing left to refund, nor a receipt to reissue (nothing of it is kept)
    "已退费": {},
    "办件已撤回": {},
}


def _notice_points(w) -> dict[str, int]:
    """A case at each point of its notice's life that the page knows, by the pk of the notice (None: none yet, the
    case's pk then under "case")."""
    points = {}
    points["已受理,未开具"] = ("case", land_case(w).pk)

    def issued():
        return services.issue_notice(case=land_case(w), by=w.land_clerk)

    points["待缴费"] = issued()
    old = issued()
    services.correct_notice(notice=old, by=w.land_clerk, reason="数量有误", quantities={"BDC-003": 2})
    points["已作废(更正)"] = old
    n = issued()
    services.record_at_window(code=n.code, by=w.cashier, channel="cash")
    points["现金缴费"] = n
    n = issued()
    simulator.pay(n)
    points["网上缴费"] = n
    n = issued()
    payment = services.record_at_window(code=n.code, by=w.cashier, channel="cash")
    receipt = services.current_receipt(payment)
    services.void_and_reissue(receipt=receipt, by=w.cashier, reason="交款人名称有误")
    points["票据已换开"] = n
    n = issued()
    payment = services.record_at_window(code=n.code, by=w.cashier, channel="cash")
    services.request_refund(
        payment=payment, by=w.land_clerk, amount="30", reason="overpaid", explanation="多缴"
    )
    points["待审批退付"] = n
    n = issued()
    payment = services.record_at_window(code=n.code, by=w.cashier, channel="cash")
    refund = services.request_refund(
        payment=payment, by=w.land_clerk, amount="30", reason="overpaid", explanation="多缴"
    )
    services.decide_refund(refund=refund, by=w.land_head, approve=False, opinion="未多缴")
    points["不予退付"] = n
    for channel, name in (("cash", "已批准现金退付"), ("card", "已批准刷卡退付")):
        n = issued()
        payment = services.record_at_window(
            code=n.code, by=w.cashier, channel=channel, voucher="88001" + channel
        )
        refund = services.request_refund(
            payment=payment, by=w.cashier, amount="10", reason="overpaid", explanation="多收"
        )
        services.decide_refund(refund=refund, by=w.land_head, approve=True, opinion="同意")
        points[name] = n
    n = issued()
    payment = services.record_at_window(code=n.code, by=w.cashier, channel="cash")
    refund = services.request_refund(
        payment=payment, by=w.cashier, amount="10", reason="overpaid", explanation="多收"
    )
    services.decide_refund(refund=refund, by=w.manager, approve=True)
    services.pay_out_cash(refund=refund, by=w.cashier)
    points["现金已退还"] = n
    n = issued()
    simulator.pay(n)
    services.request_refund(
        payment=Payment.objects.get(notice=n),
        by=w.land_clerk,
        amount=str(n.total),
        reason="other",
        explanation="重复缴款",
    )
    services.decide_refund(refund=Refund.objects.get(payment__notice=n), by=w.land_head, approve=True)
    points["已退费"] = n
    case = land_case(w)
    case_services.withdraw_case(case=case, by=w.land_clerk, reason="申请人撤回申请")
    points["办件已撤回"] = ("case", case.pk)
    return {name: ("notice", p.pk) if isinstance(p, Notice) else p for name, p in points.items()}


def _fresh(point) -> SimpleNamespace:
    """What each action works on, read afresh: the case, the notice, its first receipt (the page's oldest row),
    its last refund."""
    from zhengwu.cases.models import Case

    kind, pk = point
    if kind == "case":
        return SimpleNamespace(case=Case.objects.get(pk=pk), notice=None, receipt=None, refund=None)
    notice = Notice.objects.select_related("case").get(pk=pk)
    payment = Payment.objects.filter(notice=notice).first()
    return SimpleNamespace(
        case=notice.case,
        notice=notice,
        receipt=Receipt.objects.filter(payment=payment).order_by("issued_at", "pk").first()
        if payment
        else None,
        refund=Refund.objects.filter(payment=payment).select_related("payment__notice").order_by("pk").last()
        if payment
        else None,
    )


TARGET = {
    "issue": "case",
    "correct": "notice",
    "record": "notice",
    "refund": "notice",
    "void": "receipt",
    "decide": "refund",
    "card_refund": "refund",
    "cash_refund": "refund",
}


def _notice_refusal(user, at, action):
    target = getattr(at, TARGET[action])
    if target is None:  # the page lists no such row
        return DomainError("无")
    return permissions.refusal(user, target, action)


def _notice_attempt(action, user, at):
    def call():
        target = getattr(at, TARGET[action])
        if target is None:
            raise DomainError("无")
        if action == "issue":
            services.issue_notice(case=target, by=user)
        elif action == "correct":
            services.correct_notice(notice=target, by=user, reason="数量有误", quantities={"BDC-003": 3})
        elif action == "record":
            services.record_at_window(code=target.code, by=user, channel="cash", received=str(target.total))
        elif action == "refund":
            payment = Payment.objects.filter(notice=target).first()
            if payment is None:  # the page offers a refund only of a payment
                raise DomainError("该缴款通知书尚未缴款,无可退付")
            services.request_refund(
                payment=payment, by=user, amount="1", reason="overpaid", explanation="多缴"
            )
        elif action == "void":
            services.void_and_reissue(receipt=target, by=user, reason="交款人名称有误")
        elif action == "decide":
            services.decide_refund(refund=target, by=user, approve=True)
        elif action == "card_refund":
            services.pay_out_card(refund=target, by=user, voucher="99001")
        elif action == "cash_refund":
            services.pay_out_cash(refund=target, by=user)

    return call


def test_every_notice_action_offered_is_accepted_and_none_refused_is_offered(fees_world):
    w = fees_world
    people = _people(w)
    points = _notice_points(w)
    disagreements, offered = matrix(
        points,
        people,
        permissions.NOTICE_ACTIONS,
        reread=_fresh,
        refusal=_notice_refusal,
        attempt=_notice_attempt,
    )
    assert not disagreements, "\n".join(disagreements)
    assert offered > 40
    table = offered_table(points, people, permissions.NOTICE_ACTIONS, refusal=_notice_refusal, reread=_fresh)
    assert table == NOTICE_TABLE
    # the work lists (待审批退付, 待收费窗口退付) hold exactly the refunds the rule lets each person decide or pay out
    refunds = list(Refund.objects.select_related("payment__notice"))
    for who, user in people.items():
        assert set(selectors.refunds_to_decide(user)) == {
            r for r in refunds if permissions.allowed(user, r, "decide")
        }, who
        assert set(selectors.refunds_to_pay_out(user)) == {
            r
            for r in refunds
            if permissions.allowed(user, r, "card_refund") or permissions.allowed(user, r, "cash_refund")
        }, who


# ---------------------------------------------------------------- the fee catalogue


def _fee_points(w) -> dict[str, int]:
    today = clock.today()
    current = CatalogueFee.objects.get(code="BDC-001")
    data = {
        "name": current.name,
        "revenue_kind": current.revenue_kind,
        "basis": current.basis,
        "approval": current.approval,
        "standard_kind": current.standard_kind,
        "amount": "60",
        "reason": "调整",
    }
    newer = services.revise_fee(fee=current, data=data, effective=today + dt.timedelta(days=1))
    retired = CatalogueFee.objects.get(code="BDC-003")
    services.remove_fee(fee=retired, on=today, reason="取消")
    leaving = CatalogueFee.objects.get(code="SFZ-001")
    services.remove_fee(fee=leaving, on=today + dt.timedelta(days=60), reason="取消")
    for fee in (newer, retired, leaving):
        if not fee.waivers.exists():
            services.add_waiver(
                fee=fee, data={"code": "MS", "name": "免收", "kind": "exempt", "basis": "依据"}
            )
    return {"已有新版本": current.pk, "现行(新版本)": newer.pk, "已取消": retired.pk, "定期取消": leaving.pk}


def _fee_refusal(user, fee, action):
    if action == "add_fee":
        return permissions.refusal(user, fee.organisation, action)
    if action == "drop_waiver":
        return permissions.refusal(user, fee.waivers.first(), action)
    return permissions.refusal(user, fee, action)


def _fee_attempt(action, user, fee):
    today = clock.today()
    data = {
        "name": fee.name,
        "revenue_kind": fee.revenue_kind,
        "basis": fee.basis,
        "approval": fee.approval,
        "standard_kind": fee.standard_kind,
        "amount": "70",
        "reason": "调整",
        "valid_from": today.isoformat(),
    }

    def call():
        if action == "add_fee":
            services.add_fee(data={**data, "code": "NEW-01", "organisation": fee.organisation}, by=user)
        elif action == "revise":
            services.revise_fee(fee=fee, data=data, effective=today + dt.timedelta(days=10), by=user)
        elif action == "retire":
            services.remove_fee(fee=fee, on=today + dt.timedelta(days=5), reason="取消", by=user)
        elif action == "add_waiver":
            waiver = {"code": "XJ", "name": "减半", "kind": "percent", "percent": "50", "basis": "依据"}
            services.add_waiver(fee=fee, data=waiver, by=user)
        elif action == "drop_waiver":
            services.drop_waiver(waiver=fee.waivers.first(), by=user, reason="到期")

    return call


KEEPING = "add_fee add_waiver drop_waiver"
KEEPERS = ("中心管理人员", "系统管理员")  # and the collecting organisation's head, for its own fees
CATALOGUE_TABLE = {
    "已有新版本": {who: KEEPING for who in ("执收单位负责人", *KEEPERS)},
    "现行(新版本)": {
        who: "add_fee revise retire add_waiver drop_waiver" for who in ("执收单位负责人", *KEEPERS)
    },
    "已取消": {who: KEEPING for who in ("执收单位负责人", *KEEPERS)},
    "定期取消": {who: "add_fee revise retire add_waiver drop_waiver" for who in KEEPERS},  # the police's fee
}


def test_every_catalogue_action_offered_is_accepted_and_none_refused_is_offered(fees_world):
    w = fees_world
    people = _people(w)
    points = _fee_points(w)
    disagreements, offered = matrix(
        points,
        people,
        permissions.CATALOGUE_ACTIONS,
        reread=(reread := lambda pk: CatalogueFee.objects.select_related("organisation").get(pk=pk)),
        refusal=_fee_refusal,
        attempt=_fee_attempt,
    )
    assert not disagreements, "\n".join(disagreements)
    assert offered > 20
    table = offered_table(points, people, permissions.CATALOGUE_ACTIONS, reread=reread, refusal=_fee_refusal)
    assert table == CATALOGUE_TABLE


# ---------------------------------------------------------------- reconciliation


def test_every_reconciliation_action_offered_is_accepted_and_none_refused_is_offered(fees_world):
    w = fees_world
    people = _people(w)
    notice = services.issue_notice(case=land_case(w), by=w.land_clerk)
    services.record_at_window(code=notice.code, by=w.cashier, channel="cash")
    reconcile.reconcile(clock.today())  # not in the bank, not remitted: differences of the centre's notice
    ours = Discrepancy.objects.filter(notice=notice)
    cleared = ours.last()
    reconcile.clear(discrepancy=cleared, by=w.cashier, note="银行次日到账")
    points = {"待处理差异": ours.first().pk, "已处理差异": cleared.pk}

    def attempt(action, user, row):
        if action == "clear":
            return lambda: reconcile.clear(discrepancy=row, by=user, note="已核实")
        return lambda: reconcile.reconcile(clock.today(), by=user, viewer=user)

    disagreements, offered = matrix(
        points,
        people,
        ("clear", "reconcile"),
        reread=(reread := lambda pk: Discrepancy.objects.get(pk=pk)),
        refusal=permissions.refusal,
        attempt=attempt,
    )
    assert not disagreements, "\n".join(disagreements)
    assert offered > 8
    table = offered_table(points, people, ("clear", "reconcile"), reread=reread, refusal=permissions.refusal)
    reconciling = {
        "收费窗口": "clear reconcile",
        "中心管理人员": "clear reconcile",
        "系统管理员": "clear reconcile",
    }
    assert table == {
        "待处理差异": {**reconciling, "他中心收费窗口": "reconcile", "监察人员": "reconcile"},
        "已处理差异": {
            who: "reconcile"
            for who in ("收费窗口", "他中心收费窗口", "中心管理人员", "监察人员", "系统管理员")
        },
    }


# ---------------------------------------------------------------- the pages show what the rules allow


def test_the_notice_page_shows_the_forms_the_rule_allows(fees_world, client):
    w = fees_world
    notice = services.issue_notice(case=land_case(w), by=w.land_clerk)
    # the general window's clerk received the case and sees it, but does not act for the land bureau
    client.force_login(w.general_clerk)
    page = client.get(f"/workbench/fees/notices/{notice.code}/").content.decode()
    assert 'data-testid="correct-link"' not in page and 'data-testid="record-link"' not in page
    client.force_login(w.land_clerk)
    page = client.get(f"/workbench/fees/notices/{notice.code}/").content.decode()
    assert 'data-testid="correct-link"' in page and 'data-testid="record-link"' not in page
    client.force_login(w.cashier)
    page = client.get(f"/workbench/fees/notices/{notice.code}/").content.decode()
    assert 'data-testid="record-link"' in page and 'data-testid="correct-link"' not in page
    payment = services.record_at_window(code=notice.code, by=w.cashier, channel="cash")
    services.request_refund(
        payment=payment, by=w.land_clerk, amount=str(payment.amount), reason="overpaid", explanation="多缴"
    )
    # everything paid is asked back already: no second request is offered
    page = client.get(f"/workbench/fees/notices/{notice.code}/").content.decode()
    assert "作废并换开" in page and "申请退付</summary>" not in page
    client.force_login(w.manager)  # decides refunds; collects nothing
    page = client.get(f"/workbench/fees/notices/{notice.code}/").content.decode()
    assert "作废并换开" not in page and "批准退付" in page


def test_the_case_panel_offers_the_notice_to_its_issuers_at_its_step(fees_world, client):
    w = fees_world
    case = case_services.submit_case(
        item=w.land_item,
        applicant=w.citizen,
        by=w.land_clerk,
        channel="counter",
        window=w.general,
        form={"subject": "申请不动产首次登记(住宅)"},
    )
    client.force_login(w.land_clerk)
    page = client.get(f"/workbench/cases/{case.number}/").content.decode()
    assert f"/workbench/fees/cases/{case.number}/issue/" not in page and "当前办件状态不能开具" in page
    accepted = land_case(w)
    page = client.get(f"/workbench/cases/{accepted.number}/").content.decode()
    assert f"/workbench/fees/cases/{accepted.number}/issue/" in page
    client.force_login(
        w.general_clerk
    )  # received it at the general window; does not issue the bureau's notice
    page = client.get(f"/workbench/cases/{accepted.number}/").content.decode()
    assert f"/workbench/fees/cases/{accepted.number}/issue/" not in page


def test_a_retired_fee_offers_neither_revision_nor_retirement(fees_world, client):
    w = fees_world
    fee = CatalogueFee.objects.get(code="BDC-003")
    client.force_login(w.land_head)
    page = client.get(f"/workbench/fees/catalogue/{fee.pk}/").content.decode()
    assert 'data-testid="fee-revise"' in page and "取消该收费" in page
    services.remove_fee(fee=fee, on=clock.today(), reason="赣发改收费〔2026〕30号 取消", by=w.land_head)
    page = client.get(f"/workbench/fees/catalogue/{fee.pk}/").content.decode()
    assert 'data-testid="fee-revise"' not in page and "取消该收费" not in page
    assert client.get(f"/workbench/fees/catalogue/{fee.pk}/revise/").status_code == 409
