"""The agent (代办人) who applied for someone gets a copy of every message about the case, at the agent's own
contact, once; the applicant's messages are unchanged."""

from tests.cases.conftest import pdf_upload, resident_id
from tests.factories import paper_checklist
from zhengwu.cases import services
from zhengwu.cases.models import POWER_OF_ATTORNEY, OutboxMessage
from zhengwu.core.masking import mask_name

COMPANY = mask_name("贵溪市好味道餐饮有限公司")
AGENT = {"name": "王小明", "id_number": resident_id(), "phone": "13700137000"}


def outbox(case, action_text: str = "") -> list[tuple[str, str, str]]:
    rows = OutboxMessage.objects.filter(case=case, body__contains=action_text).order_by("pk")
    return [(m.channel, m.recipient, m.body) for m in rows]


def counter_case(world, agent=AGENT, applicant=None):
    return services.submit_case(
        item=world.item,
        applicant=applicant or world.company,
        by=world.clerk,
        channel="counter",
        window=world.dedicated,
        form={"subject": "窗口代办"},
        agent=agent,
    )


def test_at_the_counter_the_agent_phone_gets_a_copy(world):
    case = counter_case(world)
    services.accept_case(case=case, paper=paper_checklist(case), by=world.clerk)
    accepted = outbox(case, "已受理")
    assert [(channel, to) for channel, to, _body in accepted] == [
        ("sms", "13900139000"),
        ("sms", "13700137000"),
    ]
    applicant_body, agent_body = accepted[0][2], accepted[1][2]
    assert applicant_body.startswith(f"{COMPANY}(代办人 王**):您的申请 ")
    assert agent_body.startswith(f"王**:您代办的{COMPANY}的申请 {case.number} 已受理")
    assert "贵溪市好味道餐饮有限公司" not in agent_body  # the applicant's name masked as in their own message
    submitted = outbox(case, "已收件")
    assert submitted[1][2].startswith(f"王**:您代办的{COMPANY}的申请已收件,办件编号")


def test_online_the_agent_account_gets_a_copy_by_sms_and_email(world):
    agent = {"name": "张三", "id_number": world.citizen.id_number, "phone": world.citizen.phone}
    draft = services.save_draft(
        item=world.item,
        applicant=world.company,
        by=world.citizen_user,
        form={"subject": "代公司"},
        agent=agent,
    )
    services.upload_material(
        case=draft, by=world.citizen_user, position=POWER_OF_ATTORNEY, upload=pdf_upload()
    )
    case = services.submit_case(
        item=world.item, applicant=world.company, by=world.citizen_user, agent=agent, draft=draft
    )
    # the agent's account changed its phone since: the copy goes to the account's contact now
    world.citizen.phone = "13800138999"
    world.citizen.save()
    services.accept_case(case=case, paper=paper_checklist(case), by=world.clerk)
    accepted = outbox(case, "已受理")
    assert [(channel, to) for channel, to, _body in accepted] == [
        ("sms", "13900139000"),
        ("email", "zhang@example.com"),
        ("sms", "13800138999"),
    ]
    assert all(body.startswith("张*:您代办的") for _c, _t, body in accepted[1:])
    email = OutboxMessage.objects.get(case=case, channel="email", body__contains="已受理")
    assert email.subject.startswith(f"【政务服务】办件 {case.number}")


def test_no_copy_when_the_agent_has_the_applicants_number(world):
    case = counter_case(world, agent={**AGENT, "phone": "13900139000"})
    services.accept_case(case=case, paper=paper_checklist(case), by=world.clerk)
    assert [(c, to) for c, to, _b in outbox(case, "已受理")] == [("sms", "13900139000")]


def test_no_copy_when_the_applicants_message_already_goes_to_the_agent_phone(world):
    world.company.phone = ""
    world.company.save()
    case = counter_case(world)
    services.accept_case(case=case, paper=paper_checklist(case), by=world.clerk)
    [(channel, to, body)] = outbox(case, "已受理")
    assert (channel, to) == ("sms", "13700137000") and "(代办人 王**)" in body


def test_no_copy_without_an_agent(world):
    case = counter_case(world, agent=None, applicant=world.citizen)
    services.accept_case(case=case, paper=paper_checklist(case), by=world.clerk)
    assert [(c, to) for c, to, _b in outbox(case)] == [
        ("email", "zhang@example.com"),
        ("sms", "13800138000"),
        ("email", "zhang@example.com"),
        ("sms", "13800138000"),
    ]
    assert not any("代办" in body for _c, _t, body in outbox(case))


def test_an_applicant_filing_online_for_themselves_gets_no_agent_copy(world):
    case = services.submit_case(
        item=world.item, applicant=world.citizen, by=world.citizen_user, form={"subject": "x"}
    )
    assert len(outbox(case)) == 2 and not any("代办" in body for _c, _t, body in outbox(case))
