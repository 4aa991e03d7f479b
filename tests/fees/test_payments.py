"""Paying: the provider interface and its simulator — callbacks signed, verified, idempotent, out of order; a forged
one refused; at the fee window a clerk records cash or card with the same effect; the result waits for payment."""

import json

import pytest

from tests.fees.conftest import decide, land_case
from zhengwu.cases import services as case_services
from zhengwu.cases.models import Status
from zhengwu.core.errors import AccessDenied, Conflict, ValidationFailed
from zhengwu.core.models import AuditRecord
from zhengwu.fees import providers, services, simulator
from zhengwu.fees.models import Callback, ItemFeeRule, Notice, Payment, Receipt


@pytest.fixture
def notice(fees_world):
    case = land_case(fees_world)
    return services.issue_notice(case=case, by=fees_world.land_clerk)


def post(client, body: bytes, signature: str):
    return client.post(
        "/fees/callbacks/simulator/",
        data=body,
        content_type="application/json",
        headers={providers.SIGNATURE_HEADER: signature},
    )


def messages(notice, reference="SIM0001"):
    sim = providers.PROVIDERS["simulator"]
    pending = sim.message(
        notice_code=notice.code, reference=reference, status="pending", amount=notice.total, sequence=1
    )
    paid = sim.message(
        notice_code=notice.code, reference=reference, status="paid", amount=notice.total, sequence=2
    )
    return pending, paid


def test_a_callback_sent_three_times_and_out_of_order_is_recorded_once(fees_world, notice, client):
    pending, paid = messages(notice)
    answers = [post(client, body, providers.sign(body)) for body in (paid, pending, paid, paid)]
    assert [a.status_code for a in answers] == [200, 200, 200, 200]
    assert [a.content.decode() for a in answers] == [
        "success recorded",
        "success stale",
        "success duplicate",
        "success duplicate",
    ]
    payment = Payment.objects.get()
    assert payment.notice == notice and payment.reference == "SIM0001" and str(payment.amount) == "90.00"
    assert Receipt.objects.filter(payment=payment).count() == 1
    notice.refresh_from_db()
    assert notice.state == Notice.State.PAID
    assert AuditRecord.objects.filter(action="fees.record_payment").count() == 1
    assert list(Callback.objects.order_by("id").values_list("outcome", flat=True)) == [
        "recorded",
        "stale",
        "duplicate",
        "duplicate",
    ]


def test_a_forged_callback_is_refused(fees_world, notice, client):
    _pending, paid = messages(notice)
    forged_signature = providers.sign(paid, key=b"not the key")
    answer = post(client, paid, forged_signature)
    assert answer.status_code == 403 and "签名不符" in answer.content.decode()
    # Changing the amount after signing is forging too.
    tampered = paid.replace(b'"amount": "90.00"', b'"amount": "0.01"')
    assert tampered != paid
    assert post(client, tampered, providers.sign(paid)).status_code == 403
    assert post(client, paid, "").status_code == 403
    assert not Payment.objects.exists()
    notice.refresh_from_db()
    assert notice.state == Notice.State.UNPAID
    assert Callback.objects.filter(outcome="forged").count() == 3
    assert AuditRecord.objects.filter(action="fees.callback_forged").count() == 3


@pytest.mark.parametrize(
    "change",
    [
        {"amount": "80.00"},  # less than the notice
        {"notice": "36068120260928000000"},  # no such notice
    ],
)
def test_a_signed_callback_that_does_not_match_is_rejected(fees_world, notice, client, change):
    body = json.loads(messages(notice)[1])
    body.update(change)
    raw = json.dumps(body, ensure_ascii=False).encode()
    assert post(client, raw, providers.sign(raw)).content.decode() == "success rejected"
    assert not Payment.objects.exists()


def test_a_signed_callback_with_no_amount_a_number_is_refused_not_an_error(fees_world, notice, client):
    body = json.loads(messages(notice)[1])
    body["amount"] = "NaN"  # parses as a Decimal, compares with nothing: was a server error (500)
    raw = json.dumps(body, ensure_ascii=False).encode()
    answer = post(client, raw, providers.sign(raw))
    assert answer.status_code == 422 and answer.content.decode() == "缴款通知内容无法识别"
    assert not Payment.objects.exists()


def test_a_second_transaction_for_a_paid_notice_is_not_a_second_payment(fees_world, notice, client):
    _p, first = messages(notice, "SIM-A")
    _p, second = messages(notice, "SIM-B")
    post(client, first, providers.sign(first))
    assert post(client, second, providers.sign(second)).content.decode() == "success rejected"
    assert Payment.objects.get().reference == "SIM-A"


def test_the_simulator_pays_through_the_same_entry_point(fees_world, notice):
    stored = simulator.pay(notice)
    assert [c.outcome for c in stored] == ["recorded", "stale", "duplicate", "duplicate"]
    assert Payment.objects.get().channel == "online"
    with pytest.raises(Conflict, match="已缴费"):
        simulator.pay(Notice.objects.get(pk=notice.pk))


def test_the_payment_page_and_simulator_pages(fees_world, notice, client):
    page = client.get(f"/fees/pay/{notice.code}/").content.decode()
    assert "张*" in page and "张三" not in page and "90.00" in page and "模拟缴款渠道" in page
    assert client.get("/fees/pay/123/").status_code == 404
    response = client.post(f"/fees/pay/{notice.code}/simulator/")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "缴款成功" in page and "已缴费" in page
    assert client.post(f"/fees/pay/{notice.code}/simulator/").status_code == 409


@pytest.mark.parametrize("channel, voucher", [("cash", ""), ("card", "88001234")])
def test_the_fee_window_records_cash_or_card_with_the_same_effect(fees_world, notice, channel, voucher):
    payment = services.record_at_window(
        code=notice.code, by=fees_world.cashier, channel=channel, voucher=voucher
    )
    assert payment.channel == channel and payment.window == fees_world.fee_window
    assert payment.recorded_by == fees_world.cashier
    assert services.current_receipt(payment) is not None
    with pytest.raises(Conflict, match="已缴费"):
        services.record_at_window(code=notice.code, by=fees_world.cashier, channel="cash")


@pytest.mark.parametrize(
    "kwargs, error, field",
    [
        ({"channel": "cheque"}, ValidationFailed, "channel"),
        ({"channel": "card"}, ValidationFailed, "voucher"),
        ({"channel": "cash", "code": "1234"}, ValidationFailed, "code"),
    ],
)
def test_window_input_is_checked(fees_world, notice, kwargs, error, field):
    with pytest.raises(error) as err:
        services.record_at_window(**{"code": notice.code, "by": fees_world.cashier, **kwargs})
    assert err.value.field == field


def test_a_mistyped_payment_code_is_told_apart_from_a_short_one(fees_world, notice):
    with pytest.raises(ValidationFailed, match="缴款码应为20位数字,现为4位"):
        services.notice_by_code("1234")
    wrong = notice.code[:-1] + str((int(notice.code[-1]) + 1) % 10)  # the last digit mistyped
    with pytest.raises(ValidationFailed, match=f"缴款码 {wrong} 校验位不符") as err:
        services.notice_by_code(wrong)
    assert err.value.field == "code"


def test_only_a_window_clerk_at_a_window_records(fees_world, notice):
    with pytest.raises(AccessDenied):
        services.record_at_window(code=notice.code, by=fees_world.land_head, channel="cash")


def test_the_result_waits_for_payment(fees_world, client):
    w = fees_world
    case = land_case(w)
    decide(w, case)
    client.force_login(w.land_clerk)

    def page():  # the clerk's case page: the 送达 form, or why it is not there
        return client.get(f"/workbench/cases/{case.number}/").content.decode()

    with pytest.raises(Conflict, match="请先开具缴款通知书") as err:
        case_services.deliver_result(case=case, by=w.land_clerk, method="window")
    assert err.value.code == "fee.unpaid"
    assert "登记送达" not in page() and "请先开具缴款通知书" in page()
    notice = services.issue_notice(case=case, by=w.land_clerk)
    with pytest.raises(Conflict, match="尚未缴款"):
        case_services.deliver_result(case=case, by=w.land_clerk, method="window")
    shown = page()
    assert "登记送达" not in shown and f"缴款通知书 {notice.code} 尚未缴款" in shown
    # the applicant is told to pay first, not to come and collect the result
    client.force_login(w.citizen_user)
    mine = client.get(f"/cases/mine/{case.number}/").content.decode()
    assert (
        f"缴款通知书 {notice.code} 应缴 90.00 元,缴款期限 {notice.due_on:%Y年%-m月%-d日}。请先缴费:缴款后才能领取或送达办理结果"
        in mine
    )
    assert f'href="/fees/pay/{notice.code}/" id="pay-first"' in mine and "纸质证照请到窗口领取" not in mine
    client.force_login(w.land_clerk)
    simulator.pay(notice)
    shown = page()
    assert "登记送达" in shown and "尚未缴款" not in shown
    client.force_login(w.citizen_user)
    mine = client.get(f"/cases/mine/{case.number}/").content.decode()
    assert "纸质证照请到窗口领取" in mine and 'id="pay-first"' not in mine
    client.force_login(w.land_clerk)
    case = case_services.deliver_result(case=case, by=w.land_clerk, method="window")
    assert case.status == Status.DELIVERED


def test_the_case_page_asks_the_payment_gate_once_for_the_button_and_its_reason(
    fees_world, client, monkeypatch
):
    """The 送达 rule (the fee gate among it) is evaluated once per page: the button and the note beside it come
    from one answer (issue 15: it used to be asked for the buttons, then again for the note)."""
    from zhengwu.cases import extensions

    asked = []
    monkeypatch.setattr(
        extensions,
        "delivery_gates",
        [lambda case, gate=gate: asked.append(case.pk) or gate(case) for gate in extensions.delivery_gates],
    )
    w = fees_world
    case = land_case(w)
    decide(w, case)
    notice = services.issue_notice(case=case, by=w.land_clerk)
    client.force_login(w.land_clerk)

    def page():
        asked.clear()
        shown = client.get(f"/workbench/cases/{case.number}/").content.decode()
        return shown, len(asked)

    shown, times = page()
    assert times == 1
    assert "登记送达" not in shown and 'id="deliver-note-why"' in shown
    assert f"缴款通知书 {notice.code} 尚未缴款,缴款后方可送达办理结果" in shown
    simulator.pay(notice)
    shown, times = page()
    assert times == 1
    assert "登记送达" in shown and 'id="deliver-note-why"' not in shown and "尚未缴款" not in shown
    # the land office's head (an intake role) is offered 送达 too, from the same single evaluation
    client.force_login(w.land_head)
    shown, times = page()
    assert times == 1 and "登记送达" in shown


def test_an_item_that_is_paid_after_delivery_delivers_first(fees_world):
    w = fees_world
    services.set_item_rule(item=w.land_item, charge_at=ItemFeeRule.ChargeAt.ACCEPT, after_delivery=True)
    case = land_case(w)
    decide(w, case)
    assert (
        case_services.deliver_result(case=case, by=w.land_clerk, method="window").status == Status.DELIVERED
    )


def test_a_withdrawn_case_cancels_its_unpaid_notice(fees_world, notice, client):
    case_services.withdraw_case(case=notice.case, by=fees_world.land_clerk, reason="申请人撤回")
    notice.refresh_from_db()
    assert notice.state == Notice.State.CANCELLED
    _pending, paid = messages(notice)
    assert post(client, paid, providers.sign(paid)).content.decode() == "success rejected"
    with pytest.raises(Conflict, match="已作废"):
        services.record_at_window(code=notice.code, by=fees_world.cashier, channel="cash")
    assert not Payment.objects.exists()
