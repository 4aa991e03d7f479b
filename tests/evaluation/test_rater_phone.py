"""The rater of a case is reached where the case's own messages go (cases.notify.sms_choice): the first mobile of the
contact phone typed on the form, the registered phone, the phone the portal account signs in with, the agent's. A
company registered with its fixed line used to be told of its bad rating's rectification at that fixed line, which
the outbox never texts, while the invitation to rate had reached the contact mobile on its form."""

from tests.factories import make_user, paper_checklist
from zhengwu.cases import services as cases
from zhengwu.cases.models import OutboxMessage
from zhengwu.evaluation import services
from zhengwu.evaluation.models import RatingChannel

LANDLINE = "0701-3312876"


def company_case(ev, form: dict, *, account: str = ""):
    """The company (registered with its fixed line) has an instant case done at the window."""
    ev.company.phone = LANDLINE
    if account:
        ev.company.user = make_user(account)
    ev.company.save()
    case = cases.submit_case(
        item=ev.instant_item,
        applicant=ev.company,
        by=ev.clerk,
        channel="counter",
        window=ev.dedicated,
        form={"subject": "变更个体工商户名称", **form},
    )
    return cases.handle_instantly(case=case, paper=paper_checklist(case), by=ev.clerk)


def invitation(case) -> tuple[str, str]:
    row = OutboxMessage.objects.get(case=case, channel="sms", body__contains="欢迎您对本次服务作出评价")
    return row.recipient, row.state


def feedback(ev, case) -> tuple[str, list[tuple[str, str]]]:
    """A bad rating, verified, put right and answered: (the rater's phone, the feedback SMS as (to, state))."""
    rating = services.rate(kind="case", pk=case.pk, level=1, tags=["超时未办"], channel=RatingChannel.LINK)
    rect = services.verify(rectification=rating.rectification, by=ev.head, founded=True, finding="属实")
    rect = services.rectify(rectification=rect, by=ev.head, measures="约谈窗口人员")
    services.reply(rectification=rect, by=ev.head, text="已约谈并致歉")
    sent = OutboxMessage.objects.filter(body__contains="是否满意").filter(body__contains=case.number)
    return rating.rater_phone, list(sent.values_list("recipient", "state"))


def test_the_feedback_reaches_the_contact_mobile_typed_on_the_form_as_the_invitation_did(ev):
    case = company_case(ev, {"contact_phone": "139 7001 3528"})
    assert invitation(case) == ("13970013528", "pending")
    assert feedback(ev, case) == ("13970013528", [("13970013528", "pending")])


def test_the_account_mobile_when_the_form_gives_none(ev):
    case = company_case(ev, {}, account="13970013528")
    assert invitation(case) == ("13970013528", "pending")
    assert feedback(ev, case) == ("13970013528", [("13970013528", "pending")])


def test_a_rater_with_only_a_fixed_line_keeps_it_for_a_call_back_and_gets_no_sms(ev):
    case = company_case(ev, {})
    phone, sent = feedback(ev, case)
    assert phone == LANDLINE  # what staff call back on (电话回访)
    assert sent == [(LANDLINE, "not_sent")]  # kept in the outbox as not sent, with the reason
