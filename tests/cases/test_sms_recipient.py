"""An SMS about a case goes only to a mainland mobile number (issue 13: a company's messages went to its fixed line
0701-3312876 while the contact mobile typed on the form was 13970013528). The first mobile of: the contact number
typed on the form, the applicant's registered phone, the phone the applicant's portal account signs in with, the
agent's; with none, nothing is sent and the outbox says why."""

from tests.cases.test_agent_messages import AGENT, counter_case, outbox
from tests.factories import make_user, paper_checklist
from zhengwu.cases import services
from zhengwu.cases.models import OutboxMessage
from zhengwu.core import outbox as core_outbox
from zhengwu.core.outbox import LoggingSmsProvider

LANDLINE = "0701-3312876"


def company_with_landline(world, account: str | None = None):
    world.company.phone = LANDLINE
    if account is not None:
        world.company.user = make_user(account)
    world.company.save()
    return world.company


def submit(world, form: dict, agent=None):
    return services.submit_case(
        item=world.item,
        applicant=world.company,
        by=world.clerk,
        channel="counter",
        window=world.dedicated,
        form={"subject": "食品经营许可", **form},
        agent=agent,
    )


def sms(case, text: str = "") -> list[tuple[str, str]]:
    rows = OutboxMessage.objects.filter(case=case, channel="sms", body__contains=text).order_by("pk")
    return [(m.recipient, m.state) for m in rows]


def test_the_contact_mobile_typed_on_the_form_comes_first(world):
    company_with_landline(world)
    case = submit(world, {"contact_phone": "139 7001 3528"})
    services.accept_case(case=case, paper=paper_checklist(case), by=world.clerk)
    assert sms(case, "已受理") == [("13970013528", "pending")]
    assert not OutboxMessage.objects.filter(recipient=LANDLINE).exists()


def test_a_fixed_line_on_the_form_gives_way_to_the_applicants_mobile(world):
    case = submit(world, {"contact_phone": LANDLINE})
    assert sms(case, "已收件") == [("13900139000", "pending")]  # world.company's registered mobile


def test_the_portal_account_of_a_company_registered_with_a_fixed_line(world):
    company_with_landline(world, account="13970013528")
    case = submit(world, {})
    assert sms(case, "已收件") == [("13970013528", "pending")]


def test_the_agents_mobile_when_the_applicant_left_none(world):
    company_with_landline(world)
    case = counter_case(world, agent=AGENT)
    services.accept_case(case=case, paper=paper_checklist(case), by=world.clerk)
    [(channel, to, body)] = outbox(case, "已受理")  # one message: the applicant's, at the agent's mobile
    assert (channel, to) == ("sms", "13700137000") and "(代办人 王**)" in body


def test_no_mobile_anywhere_no_sms_and_the_outbox_says_why(world, client):
    company_with_landline(world)
    LoggingSmsProvider.sent.clear()
    case = counter_case(world, agent={**AGENT, "phone": "0701-6221234"})
    services.accept_case(case=case, paper=paper_checklist(case), by=world.clerk)
    assert sms(case, "已受理") == [(LANDLINE, "not_sent")]
    row = OutboxMessage.objects.get(case=case, body__contains="已受理")
    assert (
        row.last_error == "未发送短信:申请人留下的电话不是手机号码,短信只发往手机"
        and row.next_attempt_at is None
    )
    assert core_outbox.send_due() == (0, 0) and LoggingSmsProvider.sent == []  # never handed to the provider
    assert f"您的申请 {case.number} 已受理" in row.body  # what they were not told is kept
    client.force_login(world.clerk)
    html = client.get("/workbench/cases/outbox/?state=not_sent").content.decode()
    assert "未发送短信:申请人留下的电话不是手机号码" in html and case.number in html
    assert "0701-****876" in html and 'id="not-sent-count">2<' in html  # 收件 and 受理


def test_no_phone_at_all(world):
    world.company.phone = ""
    world.company.save()
    case = submit(world, {})
    row = OutboxMessage.objects.get(case=case, channel="sms")
    assert (row.recipient, row.state, row.last_error) == ("", "not_sent", "未发送短信:申请人未登记手机号码")


def test_the_outbox_refuses_any_sms_to_a_fixed_line(world):
    message = core_outbox.post("sms", LANDLINE, "您预约的时段已变更。")
    assert message.state == "not_sent" and "0701-****876 不是手机号码" in message.last_error
    assert core_outbox.post("sms", "+86 139-0013-9000", "x").recipient == "13900139000"
