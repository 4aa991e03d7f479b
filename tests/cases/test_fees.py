"""Fees charged (收费): named as in the item's fee list, the amount charged recorded beside the catalogue standard,
status and due dates untouched, and supervision told when the two differ."""

import copy
from decimal import Decimal

import pytest

from tests.cases.conftest import ITEM, publish
from tests.factories import paper_checklist
from zhengwu.cases import history, services
from zhengwu.cases.models import CaseEvent, Status
from zhengwu.core.calendar import current_calendar
from zhengwu.core.errors import AccessDenied, Conflict, ValidationFailed
from zhengwu.core.models import AuditRecord
from zhengwu.supervision.models import Alert

FEE_CODE = "case.fee.differs_from_standard"
FEES = [
    {"name": "工本费", "standard": "每证 10 元", "amount": "10.00", "basis": "赣发改收费〔2020〕1号"},
    {"name": "检验费", "standard": "按实际检验项目收取", "amount": None, "basis": "《食品安全法》第八十八条"},
]


@pytest.fixture
def fee_item(world):
    return publish({**copy.deepcopy(ITEM), "name": "食品经营许可(收费)", "fees": FEES}, world.bureau)


@pytest.fixture
def fee_case(world, fee_item):
    case = services.submit_case(
        item=fee_item,
        applicant=world.company,
        by=world.clerk,
        channel="counter",
        window=world.dedicated,
        form={"subject": "申请食品经营许可(餐饮服务)"},
    )
    return services.accept_case(case=case, paper=paper_checklist(case), by=world.clerk)


def fee_alerts(case):
    return Alert.objects.filter(case=case, code=FEE_CODE)


def test_the_standard_amount_is_recorded_and_raises_nothing(world, fee_case):
    before = {f: getattr(fee_case, f) for f in history.CASE_FIELDS}
    revision = fee_case.revision
    event = services.charge_fee(
        case=fee_case, by=world.clerk, fees=[{"name": "工本费", "amount": "10"}], revision=revision
    )
    assert event.action == "charge_fee" and event.from_status == event.to_status == Status.ACCEPTED
    assert event.data == {
        "fees": [{"position": 1, "name": "工本费", "amount": "10.00", "standard_amount": "10.00"}]
    }
    assert "工本费 10.00 元" in event.note and event.actor == world.clerk
    fee_case.refresh_from_db()
    assert fee_case.revision == revision + 1
    assert {f: getattr(fee_case, f) for f in history.CASE_FIELDS} == before  # no status, no due date moved
    assert AuditRecord.objects.filter(action="cases.charge_fee", actor=world.clerk).count() == 1
    assert not fee_alerts(fee_case).exists()
    # The stored copies are still what a replay of the events gives.
    events = list(fee_case.events.order_by("seq").values("action", "at", "data"))
    assert history.snapshot(history.derive(events, current_calendar()))["status"] == Status.ACCEPTED


def test_a_different_amount_raises_the_supervision_alert(world, fee_case):
    services.charge_fee(
        case=fee_case,
        by=world.clerk,
        fees=[{"name": "工本费", "amount": Decimal("50")}, {"name": "检验费", "amount": "120.5"}],
    )
    event = fee_case.events.get(action="charge_fee")
    assert event.data["fees"][0]["standard_amount"] == "10.00"
    assert event.data["fees"][1] == {
        "position": 2,
        "name": "检验费",
        "amount": "120.50",
        "standard_amount": None,
    }
    alert = fee_alerts(fee_case).get()
    assert alert.event_id == event.pk and "50.00" in alert.explanation and "10.00" in alert.explanation
    assert "检验费" not in alert.explanation  # no fixed standard: nothing to compare with


def test_an_unknown_fee_is_refused_at_its_field(world, fee_case):
    with pytest.raises(ValidationFailed, match="「加急费」不在本事项的收费目录中") as err:
        services.charge_fee(
            case=fee_case,
            by=world.clerk,
            fees=[{"name": "工本费", "amount": "10"}, {"name": "加急费", "amount": "100"}],
        )
    assert err.value.field == "fees.1.name" and err.value.code == "fee.unknown"
    assert "工本费、检验费" in err.value.message
    assert not fee_case.events.filter(action="charge_fee").exists()


@pytest.mark.parametrize(
    "amount, message",
    [
        ("0", "大于 0"),
        ("-5", "大于 0"),
        ("abc", "大于 0"),
        ("", "大于 0"),
        ("NaN", "大于 0"),
        ("10.005", "两位小数"),
    ],
)
def test_the_amount_is_a_positive_sum_in_fen(world, fee_case, amount, message):
    with pytest.raises(ValidationFailed, match=message) as err:
        services.charge_fee(case=fee_case, by=world.clerk, fees=[{"name": "工本费", "amount": amount}])
    assert err.value.field == "fees.0.amount"


def test_empty_and_repeated_fees_are_refused(world, fee_case):
    with pytest.raises(ValidationFailed, match="至少填写一项") as err:
        services.charge_fee(case=fee_case, by=world.clerk, fees=[])
    assert err.value.field == "fees"
    with pytest.raises(ValidationFailed, match="重复") as err:
        services.charge_fee(
            case=fee_case,
            by=world.clerk,
            fees=[{"name": "工本费", "amount": "10"}, {"name": "工本费", "amount": "10"}],
        )
    assert err.value.field == "fees.1.name"


def test_an_item_without_fees_charges_nothing(world, accepted):
    with pytest.raises(ValidationFailed, match="本事项不收费") as err:
        services.charge_fee(case=accepted, by=world.clerk, fees=[{"name": "工本费", "amount": "10"}])
    assert err.value.field == "fees"


def test_only_staff_of_the_organisation_while_handled_or_decided(world, fee_case):
    fees = [{"name": "工本费", "amount": "10"}]
    with pytest.raises(AccessDenied):
        services.charge_fee(case=fee_case, by=world.outsider, fees=fees)
    # A general-window clerk of another organisation sees the case (一窗受理) but does not charge its fees.
    with pytest.raises(AccessDenied, match="实施机构"):
        services.charge_fee(case=fee_case, by=world.general_clerk, fees=fees)
    with pytest.raises(Conflict) as stale:
        services.charge_fee(case=fee_case, by=world.clerk, fees=fees, revision=fee_case.revision - 1)
    assert stale.value.code == "stale"
    services.claim_step(case=fee_case, by=world.approver)
    services.complete_step(case=fee_case, by=world.approver, opinion="同意")
    services.decide_case(case=fee_case, by=world.head, grant=True)
    services.charge_fee(
        case=fee_case, by=world.clerk, fees=fees
    )  # at the decision, before delivery (领证缴费)
    services.deliver_result(case=fee_case, by=world.clerk, method="window")
    with pytest.raises(Conflict, match="不能登记收费") as err:
        services.charge_fee(case=fee_case, by=world.clerk, fees=fees)
    assert err.value.code == "invalid_transition"
    assert CaseEvent.objects.filter(case=fee_case, action="charge_fee").count() == 1


def test_not_before_acceptance(world, fee_item):
    case = services.submit_case(
        item=fee_item, applicant=world.company, by=world.clerk, channel="counter", window=world.dedicated,
        form={"subject": "x"},
    )  # fmt: skip
    with pytest.raises(Conflict, match="已收件"):
        services.charge_fee(case=case, by=world.clerk, fees=[{"name": "工本费", "amount": "10"}])


# ---- over HTTP


def test_api_charges_and_answers_code_message_field(client, world, fee_case):
    client.force_login(world.clerk)
    url = f"/api/cases/{fee_case.number}/fees"
    ok = client.post(url, {"fees": [{"name": "工本费", "amount": "10.00"}]}, content_type="application/json")
    assert ok.status_code == 201, ok.json()
    body = ok.json()
    assert body["fees"] == [{"position": 1, "name": "工本费", "amount": "10.00", "standard_amount": "10.00"}]
    assert body["case"]["status"] == "accepted" and body["case"]["revision"] == fee_case.revision + 1
    assert not fee_alerts(fee_case).exists()

    # the same fee a second time is refused (it appended a second charge); a differing amount is the page test's
    again = client.post(url, {"fees": [{"name": "工本费", "amount": 20}]}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "fee.charged_before"
    assert again.json()["field"] == "fees.0.name" and not fee_alerts(fee_case).exists()

    unknown = client.post(url, {"fees": [{"name": "加急费", "amount": "5"}]}, content_type="application/json")
    assert unknown.status_code == 422
    assert unknown.json()["code"] == "fee.unknown" and unknown.json()["field"] == "fees.0.name"
    assert "不在本事项的收费目录中" in unknown.json()["message"]
    bad = client.post(url, {"fees": [{"name": "工本费", "amount": "1.234"}]}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["field"] == "fees.0.amount"
    missing = client.post(url, {"fees": [{"name": "工本费"}]}, content_type="application/json")
    assert missing.status_code == 422 and set(missing.json()) >= {"code", "message", "field"}
    assert missing.json()["field"] == "fees.0.amount"
    stale = client.post(
        url, {"fees": [{"name": "工本费", "amount": "10"}], "revision": 1}, content_type="application/json"
    )
    assert stale.status_code == 409 and stale.json()["code"] == "stale"

    client.force_login(world.outsider)
    assert (
        client.post(
            url, {"fees": [{"name": "工本费", "amount": "10"}]}, content_type="application/json"
        ).status_code
        == 404
    )
