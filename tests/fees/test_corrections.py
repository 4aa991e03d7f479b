"""Correcting an unpaid payment notice (更正缴款通知书): cancelled with its reason, a corrected one issued with a new
code in the same transaction, audited, the applicant told; a paid notice is never corrected (refund instead), and
the cancelled code takes no payment."""

import pytest

from tests.fees.conftest import land_case
from zhengwu.cases import selectors as case_selectors
from zhengwu.cases.models import OutboxMessage
from zhengwu.core.errors import AccessDenied, Conflict, ValidationFailed
from zhengwu.core.models import AuditRecord
from zhengwu.fees import providers, services
from zhengwu.fees.models import Callback, Notice


def test_an_unpaid_notice_is_corrected(fees_world):
    w = fees_world
    case = land_case(w)
    old = services.issue_notice(case=case, by=w.land_clerk, quantities={"BDC-003": 3})
    assert str(old.total) == "110.00"
    new = services.correct_notice(
        notice=old, by=w.land_clerk, reason="证书份数填错,应为 1 本", quantities={"BDC-003": 1}
    )
    old.refresh_from_db()
    assert old.state == Notice.State.CANCELLED and old.cancel_reason == "证书份数填错,应为 1 本"
    assert old.cancelled_by == w.land_clerk and new.replaces == old and new.code != old.code
    assert str(new.total) == "90.00" and new.state == Notice.State.UNPAID
    # the case page follows the corrected notice
    state = case_selectors.fees_charged(case)["notice"]
    assert state["code"] == new.code and state["label"] == "待缴费" and state["total"] == "90.00"
    actions = list(
        AuditRecord.objects.filter(object_id__in=[old.pk, new.pk]).values_list("action", flat=True)
    )
    assert "fees.cancel_notice" in actions and actions.count("fees.issue_notice") == 2
    told = list(OutboxMessage.objects.filter(case=case, body__contains="已作废(证书份数填错"))
    assert {m.channel for m in told} == {"sms", "email"}
    assert all(new.code in m.body and "应缴 90.00 元" in m.body and old.code in m.body for m in told)
    # the old code takes no money any more
    with pytest.raises(Conflict):
        services.record_at_window(code=old.code, by=w.cashier, channel="cash")
    sim = providers.PROVIDERS["simulator"]
    body = sim.message(notice_code=old.code, reference="SIM-OLD", status="paid", amount="110", sequence=1)
    assert services.receive_callback(
        provider="simulator", body=body, signature=providers.sign(body)
    ).outcome == (Callback.Outcome.REJECTED)
    # one notice in force: the corrected one is corrected again, and a plain issue is still refused
    with pytest.raises(Conflict, match="一件一单"):
        services.issue_notice(case=case, by=w.land_clerk)
    again = services.correct_notice(notice=new, by=w.land_clerk, reason="本件不另发证书", only=["BDC-001"])
    assert str(again.total) == "80.00" and Notice.objects.filter(case=case).count() == 3


def test_a_paid_notice_is_not_corrected(fees_world):
    w = fees_world
    case = land_case(w)
    notice = services.issue_notice(case=case, by=w.land_clerk)
    services.record_at_window(code=notice.code, by=w.cashier, channel="cash")
    with pytest.raises(Conflict, match="已缴费,不能更正;多缴的费用请申请退付"):
        services.correct_notice(notice=notice, by=w.land_clerk, reason="多收了", only=["BDC-001"])
    assert Notice.objects.filter(case=case).count() == 1


@pytest.mark.parametrize(
    "who, reason, kwargs, error, field",
    [
        ("land_clerk", "", {}, ValidationFailed, "reason"),
        ("land_clerk", "填错", {"quantities": {"BDC-003": 0}}, ValidationFailed, "fees.BDC-003.quantity"),
        ("land_clerk", "填错", {"only": []}, ValidationFailed, "only"),
        ("cashier", "填错", {}, AccessDenied, None),
    ],
)
def test_a_correction_refused(fees_world, who, reason, kwargs, error, field):
    w = fees_world
    case = land_case(w)
    notice = services.issue_notice(case=case, by=w.land_clerk)
    with pytest.raises(error) as raised:
        services.correct_notice(notice=notice, by=getattr(w, who), reason=reason, **kwargs)
    if field:
        assert raised.value.field == field
    notice.refresh_from_db()
    assert notice.state == Notice.State.UNPAID and Notice.objects.filter(case=case).count() == 1


def test_correcting_from_the_notice_page_and_the_api(fees_world, client):
    w = fees_world
    case = land_case(w)
    old = services.issue_notice(case=case, by=w.land_clerk, quantities={"BDC-003": 2})
    client.force_login(w.land_clerk)
    page = client.get(f"/workbench/fees/notices/{old.code}/").content.decode()
    assert f"/workbench/fees/notices/{old.code}/correct/" in page
    form = client.get(f"/workbench/fees/notices/{old.code}/correct/").content.decode()
    assert "更正缴款通知书" in form and 'name="q_BDC-003" value="2"' in form
    answer = client.post(
        f"/workbench/fees/notices/{old.code}/correct/",
        {"select": "1", "c_BDC-001": "1", "c_BDC-003": "1", "q_BDC-003": "1", "reason": ""},
    )
    assert answer.status_code == 422 and "请写明更正原因" in answer.content.decode()
    answer = client.post(
        f"/workbench/fees/notices/{old.code}/correct/",
        {"select": "1", "c_BDC-001": "1", "c_BDC-003": "1", "q_BDC-003": "1", "reason": "证书份数填错"},
        follow=True,
    )
    new = Notice.objects.get(case=case, state="unpaid")
    assert new.replaces == old and f"已开具更正后的缴款通知书 {new.code}" in answer.content.decode()
    page = client.get(f"/workbench/fees/notices/{old.code}/").content.decode()
    assert "证书份数填错" in page and new.code in page
    # over the API, the corrected one again
    answer = client.post(
        f"/api/fees/notices/{new.code}/correction",
        {"only": ["BDC-001"], "reason": "本件不另发证书"},
        content_type="application/json",
    )
    assert answer.status_code == 201
    body = answer.json()
    assert body["replaces"] == new.code and body["total"] == "80.00"
    answer = client.post(
        f"/api/fees/notices/{body['code']}/correction", {"reason": ""}, content_type="application/json"
    )
    assert answer.status_code == 422 and answer.json()["field"] == "reason"
    old_json = client.get(f"/api/fees/notices/{old.code}").json()
    assert old_json["state"] == "cancelled" and old_json["cancel_reason"] == "证书份数填错"


def test_a_wrong_fee_is_corrected_from_the_case_page_and_once_paid_refunded(fees_world, client):
    """The clerk ticked the wrong fee (住宅类 and 证书工本费 for a case that takes no extra certificate) before the
    applicant paid: the case page leads to 更正缴款通知书 (a reason required, the old notice cancelled and audited);
    once paid it leads to 申请退付 instead; the fee window's cashier, who does not handle the case, is offered
    neither."""
    w = fees_world
    case = land_case(w)
    wrong = services.issue_notice(case=case, by=w.land_clerk, only=["BDC-001", "BDC-003"])
    client.force_login(w.land_clerk)
    page = client.get(f"/workbench/cases/{case.number}/").content.decode()
    assert f'href="/workbench/fees/notices/{wrong.code}/correct/" data-testid="case-correct-link"' in page
    assert 'data-testid="case-refund-link"' not in page
    answer = client.post(
        f"/workbench/fees/notices/{wrong.code}/correct/", {"select": "1", "c_BDC-001": "1", "reason": " "}
    )
    assert answer.status_code == 422 and "请写明更正原因" in answer.content.decode()
    assert Notice.objects.get(pk=wrong.pk).state == Notice.State.UNPAID  # nothing half-written
    client.post(
        f"/workbench/fees/notices/{wrong.code}/correct/",
        {"select": "1", "c_BDC-001": "1", "reason": "误勾选证书工本费"},
    )
    right = Notice.objects.get(case=case, state=Notice.State.UNPAID)
    assert right.replaces_id == wrong.pk and str(right.total) == "80.00"
    cancelled = AuditRecord.objects.get(action="fees.cancel_notice", object_id=wrong.pk)
    assert cancelled.summary["reason"] == "误勾选证书工本费" and cancelled.actor == w.land_clerk
    page = client.get(f"/workbench/cases/{case.number}/").content.decode()
    assert f"/workbench/fees/notices/{right.code}/correct/" in page
    client.force_login(w.cashier)
    assert (
        'data-testid="case-correct-link"'
        not in client.get(f"/workbench/cases/{case.number}/").content.decode()
    )
    services.record_at_window(code=right.code, by=w.cashier, channel="cash")
    client.force_login(w.land_clerk)
    page = client.get(f"/workbench/cases/{case.number}/").content.decode()
    assert 'data-testid="case-correct-link"' not in page
    assert f'href="/workbench/fees/notices/{right.code}/#refund" data-testid="case-refund-link"' in page
    notice_page = client.get(f"/workbench/fees/notices/{right.code}/").content.decode()
    assert '<details id="refund">' in notice_page
    # the request asks first and its fields are labelled where people see them (a stranger's pass found neither)
    assert f"提交缴款通知书 {right.code} 的退付申请?" in notice_page
    assert '<label class="form-label small mb-0" for="refund-amount">退付金额(元)</label>' in notice_page
