"""A fee typed by hand (登记收费, an item without catalogue fees) charged wrongly is corrected: the reason required,
the correction recorded and audited with the amount it replaces, the case page and the applicant's messages say
the corrected amount, and the applicant is told when a message had already told them the first one. Before, a
wrong amount stood: a second 登记收费 of the fee was refused as charged before, and nothing else could change it."""

import pytest

from tests.cases.test_fees import fee_case, fee_item  # noqa: F401 — the fixtures
from zhengwu.cases import selectors, services
from zhengwu.cases.models import OutboxMessage
from zhengwu.core.errors import Conflict, ValidationFailed
from zhengwu.core.models import AuditRecord


def charged_wrongly(world, case):
    return services.charge_fee(case=case, by=world.clerk, fees=[{"name": "工本费", "amount": "100"}])


def test_a_wrong_amount_is_corrected_with_its_reason(world, fee_case):  # noqa: F811
    charged_wrongly(world, fee_case)
    with pytest.raises(ValidationFailed) as refused:
        services.correct_fee(
            case=fee_case, by=world.clerk, fees=[{"name": "工本费", "amount": "10"}], reason=" "
        )
    assert refused.value.field == "reason" and "更正原因" in refused.value.message
    told = OutboxMessage.objects.filter(case=fee_case).count()
    event = services.correct_fee(
        case=fee_case, by=world.clerk, fees=[{"name": "工本费", "amount": "10"}], reason="金额多录了一个0"
    )
    assert "工本费 100.00 元更正为 10.00 元" in event.note and "金额多录了一个0" in event.note
    audited = AuditRecord.objects.filter(action="cases.charge_fee").order_by("-pk").first()
    assert audited.actor == world.clerk and "更正收费" in audited.summary["note"]
    fees = selectors.fees_charged(fee_case)
    assert (
        fees["items"] == [{"name": "工本费", "amount": "10.00", "on": "2026-09-28"}]
        and fees["total"] == "10.00"
    )
    # not told of 100 元 (no decision yet): nothing sent; the decision's message says 10.00
    assert OutboxMessage.objects.filter(case=fee_case).count() == told
    # the same amount again, or a fee never charged, is refused
    with pytest.raises(ValidationFailed):
        services.correct_fee(
            case=fee_case, by=world.clerk, fees=[{"name": "工本费", "amount": "10"}], reason="再改"
        )
    with pytest.raises(ValidationFailed):
        services.correct_fee(
            case=fee_case, by=world.clerk, fees=[{"name": "检验费", "amount": "5"}], reason="改"
        )


def test_the_applicant_told_of_the_first_amount_is_told_the_corrected_one(world, fee_case):  # noqa: F811
    charged_wrongly(world, fee_case)
    services.claim_step(case=fee_case, by=world.approver)
    services.complete_step(case=fee_case, by=world.approver, opinion="符合条件")
    services.decide_case(case=fee_case, by=world.head, grant=True)
    assert OutboxMessage.objects.filter(case=fee_case, body__contains="已收取费用：100.00 元").exists()
    services.correct_fee(
        case=fee_case, by=world.clerk, fees=[{"name": "工本费", "amount": "10"}], reason="金额多录了一个0"
    )
    sms = OutboxMessage.objects.filter(case=fee_case, channel="sms", body__contains="登记的收费已更正").get()
    assert "工本费 100.00 元更正为 10.00 元" in sms.body and "金额多录了一个0" in sms.body
    services.deliver_result(case=fee_case, by=world.clerk, method="window")
    services.complete_case(case=fee_case, by=world.clerk)
    assert OutboxMessage.objects.filter(case=fee_case, body__contains="已收取费用：10.00 元").exists()


def test_nothing_typed_nothing_to_correct(world, fee_case):  # noqa: F811
    with pytest.raises(Conflict) as refused:
        services.correct_fee(
            case=fee_case, by=world.clerk, fees=[{"name": "工本费", "amount": "10"}], reason="改"
        )
    assert refused.value.code == "fee.nothing_charged"


def test_corrected_from_the_case_page(client, world, fee_case):  # noqa: F811
    charged_wrongly(world, fee_case)
    client.force_login(world.clerk)
    page = client.get(f"/workbench/cases/{fee_case.number}/").content.decode()
    assert 'id="correct-fee"' in page
    url = f"/workbench/cases/{fee_case.number}/act/correct_fee/"
    fee_case.refresh_from_db()
    refused = client.post(
        url, {"fee_name": "工本费", "amount": "10", "reason": "", "revision": fee_case.revision}
    )
    assert refused.status_code == 422 and "请写明更正原因" in refused.content.decode()
    page = client.post(
        url,
        {"fee_name": "工本费", "amount": "10", "reason": "金额多录了一个0", "revision": fee_case.revision},
        follow=True,
    ).content.decode()
    assert (
        "已更正收费" in page and "工本费:10.00 元" in page and "由 100.00 元更正,原因:金额多录了一个0" in page
    )
