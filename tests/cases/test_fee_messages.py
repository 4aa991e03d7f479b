"""What was charged, told to the applicant: the decision and completion messages (SMS and e-mail) say
"已收取费用：xxx 元（项目名称）" when fees were charged; an item that charges nothing says nothing about fees. The
citizen's case page and the public lookup show the fees too."""

import pytest

from tests.cases.test_fees import fee_case, fee_item  # noqa: F401 — fixtures
from zhengwu.cases import notify, selectors, services
from zhengwu.cases.models import OutboxMessage


def bodies(case, action_text: str) -> list[str]:
    """The bodies of the messages written for one event (found by a phrase of its template)."""
    rows = OutboxMessage.objects.filter(case=case, body__contains=action_text).order_by("id")
    return [m.body for m in rows]


def decide(world, case):
    services.claim_step(case=case, by=world.approver)
    services.complete_step(case=case, by=world.approver, opinion="同意")
    return services.decide_case(case=case, by=world.head, grant=True)


def test_decision_and_completion_messages_state_the_fee_charged(world, fee_case):  # noqa: F811
    services.charge_fee(case=fee_case, by=world.clerk, fees=[{"name": "工本费", "amount": "10"}])
    decide(world, fee_case)
    [sms] = bodies(fee_case, "已作出决定")  # the company has a phone and no e-mail
    assert sms.endswith("已作出决定:准予许可。已收取费用：10.00 元（工本费）。")
    # Charged again when the licence is collected (领证缴费): the completion message gives the whole sum.
    services.charge_fee(case=fee_case, by=world.clerk, fees=[{"name": "检验费", "amount": "120.5"}])
    services.deliver_result(case=fee_case, by=world.clerk, method="window")
    services.complete_case(case=fee_case, by=world.clerk)
    [done] = bodies(fee_case, "已办结")
    assert "已办结。已收取费用：130.50 元（工本费、检验费）。" in done
    assert done.index("已收取费用") < done.index("欢迎您对本次服务作出评价")  # before other domains' lines
    # Other messages are about other things.
    for body in bodies(fee_case, "已受理") + bodies(fee_case, "已送达"):
        assert "费用" not in body


def test_no_fee_stays_silent(world, accepted):
    """An item without fees (不收费): the messages say nothing about money."""
    decide(world, accepted)
    services.deliver_result(case=accepted, by=world.clerk, method="window")
    services.complete_case(case=accepted, by=world.clerk)
    texts = bodies(accepted, "已作出决定") + bodies(accepted, "已办结")
    assert len(texts) == 2 and not any("费" in t for t in texts)
    assert selectors.fees_charged(accepted) == {"items": [], "total": None, "names": []}


def test_an_item_with_fees_but_nothing_charged_stays_silent(world, fee_case):  # noqa: F811
    decide(world, fee_case)
    [sms] = bodies(fee_case, "已作出决定")
    assert "费用" not in sms


@pytest.mark.parametrize("action", ["submit", "accept", "deliver", "withdraw"])
def test_the_fee_line_belongs_to_decision_and_completion_only(world, fee_case, action):  # noqa: F811
    services.charge_fee(case=fee_case, by=world.clerk, fees=[{"name": "工本费", "amount": "10"}])
    event = fee_case.events.filter(action="charge_fee").get()
    event.action = action  # an unsaved stand-in: only its action is read
    assert notify.fee_line(fee_case, event) == ""


def test_fees_are_on_the_citizens_case_page_and_the_lookup(client, world, fee_case):  # noqa: F811
    services.charge_fee(
        case=fee_case,
        by=world.clerk,
        fees=[{"name": "工本费", "amount": "10"}, {"name": "检验费", "amount": "120.5"}],
    )
    summary = selectors.case_summary(fee_case)
    assert summary["fees"]["total"] == "130.50"
    assert [(f["name"], f["amount"]) for f in summary["fees"]["items"]] == [
        ("工本费", "10.00"),
        ("检验费", "120.50"),
    ]
    html = client.get(
        "/cases/lookup/", {"number": fee_case.number, "query_code": fee_case.query_code}
    ).content.decode()
    assert 'id="case-fees"' in html
    assert "工本费 10.00 元、检验费 120.50 元,合计 130.50 元" in html


def test_no_fee_row_when_nothing_was_charged(client, world, accepted):
    html = client.get(
        "/cases/lookup/", {"number": accepted.number, "query_code": accepted.query_code}
    ).content.decode()
    assert 'id="case-fees"' not in html
