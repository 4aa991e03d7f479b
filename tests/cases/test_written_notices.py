"""待送达书面通知: a notice none of whose messages reached the applicant (no mobile or e-mail, or every send failed)
waits to be served on paper by the office holding the case, by the day its article gives (行政许可法 第三十二条: the
intake notices, 5 working days; 第四十四条: the decision, 10 working days; 第八十二条: working days), and is recorded
served (way, day, tracking number) as an event with its audit record. Holidays: National Day 2026 (10-01..10-07 off,
10-10 worked), Spring Festival 2026 (02-15..02-23 off, 02-14 and 02-28 worked)."""

import datetime as dt

import pytest

from tests.cases.test_fee_messages import decide
from tests.cases.test_sms_recipient import LANDLINE, company_with_landline, submit
from tests.factories import paper_checklist
from zhengwu.cases import deadlines, selectors, services
from zhengwu.cases.models import Notice, OutboxMessage
from zhengwu.core import clock, outbox
from zhengwu.core.calendar import Calendar
from zhengwu.core.errors import AccessDenied, Conflict, ValidationFailed
from zhengwu.core.models import AuditRecord

CAL = Calendar.build()
D = dt.date.fromisoformat


@pytest.mark.parametrize(
    "kind, issued_on, due",
    [
        # 第三十二条: 09-29, 09-30, 10-08, 10-09 and the worked Saturday 10-10
        ("acceptance", "2026-09-28", "2026-10-10"),
        ("supplement", "2026-09-28", "2026-10-10"),
        ("refusal", "2026-02-12", "2026-02-26"),  # 02-13, the worked 02-14, then 02-24..02-26
        # 第四十四条: 10 working days from the decision
        ("grant", "2026-09-30", "2026-10-20"),
        ("denial", "2026-02-13", "2026-03-05"),  # 02-14, 02-24..02-27, the worked 02-28, 03-02..03-05
    ],
)
def test_the_day_to_serve_on_paper(kind, issued_on, due):
    assert deadlines.written_notice_due(CAL, kind, D(issued_on)) == D(due)


def landline_case(world):
    """The company left only a fixed line at the counter: no SMS, no e-mail can reach it."""
    company_with_landline(world)
    return submit(world, {"contact_phone": LANDLINE})


def test_a_notice_no_message_reached_waits_to_be_served(world):
    case = landline_case(world)
    services.accept_case(case=case, paper=paper_checklist(case), by=world.clerk)
    [waiting] = selectors.written_notices(world.clerk)
    assert waiting.kind == Notice.Kind.ACCEPTANCE and waiting.case == case
    assert selectors.written_notice_due(waiting) == D("2026-10-10")
    assert not selectors.written_notices(
        world.outsider
    ).exists()  # another organisation's office does not see it


def test_a_notice_the_applicant_was_told_of_needs_no_paper(world, accepted):
    told = OutboxMessage.objects.filter(event=accepted.notices.get().event)
    assert told.filter(state=OutboxMessage.State.PENDING).exists()
    assert not selectors.written_notices(world.clerk).exists()


def test_a_notice_whose_every_send_failed_goes_on_paper(world, accepted, monkeypatch):
    def broken(message):
        raise RuntimeError("网关拒绝")

    monkeypatch.setattr(outbox, "_send", broken)
    notice = accepted.notices.get()
    for message in OutboxMessage.objects.filter(event=notice.event):
        for _attempt in range(outbox.MAX_ATTEMPTS):
            outbox.deliver(message.pk)
    assert list(selectors.written_notices(world.clerk)) == [notice]


def test_serving_records_an_event_and_an_audit_record(world):
    case = landline_case(world)
    services.accept_case(case=case, paper=paper_checklist(case), by=world.clerk)
    notice = selectors.written_notices(world.clerk).get()
    services.serve_notice(notice=notice, by=world.clerk, way="post", tracking_number="EMS1234567890CN")
    assert not selectors.written_notices(world.clerk).exists()
    served = selectors.written_notices(world.clerk, served=True).get()
    assert (served.served_way, served.tracking_number, served.served_on) == (
        "post",
        "EMS1234567890CN",
        D("2026-09-28"),
    )
    event = case.events.get(action="serve_notice")
    assert event.data["document_number"] == notice.document_number and event.data["way"] == "post"
    assert AuditRecord.objects.filter(action="cases.serve_notice").exists()
    with pytest.raises(Conflict, match="已于 2026年9月28日 书面送达"):
        services.serve_notice(notice=notice, by=world.clerk, way="pickup")


def test_bad_service_is_refused_and_nothing_is_written(world):
    case = landline_case(world)
    services.accept_case(case=case, paper=paper_checklist(case), by=world.clerk)
    notice = selectors.written_notices(world.clerk).get()
    with pytest.raises(ValidationFailed, match="请填写邮件单号") as err:
        services.serve_notice(notice=notice, by=world.clerk, way="post")
    assert err.value.field == "tracking_number"
    with pytest.raises(ValidationFailed, match="不能晚于今天") as err:
        services.serve_notice(notice=notice, by=world.clerk, way="pickup", on=D("2026-09-29"))
    assert err.value.field == "on"
    with pytest.raises(ValidationFailed, match="送达方式应为"):
        services.serve_notice(notice=notice, by=world.clerk, way="fax")
    with pytest.raises(ValidationFailed, match="送达方式应为"):  # 当场 is at issue, not a later service
        services.serve_notice(notice=notice, by=world.clerk, way="onsite")
    with pytest.raises(AccessDenied):
        services.serve_notice(notice=notice, by=world.outsider, way="pickup")
    assert not case.events.filter(action="serve_notice").exists()
    assert selectors.written_notices(world.clerk).get() == notice


def test_a_notice_told_to_someone_is_not_served_on_paper(world, accepted):
    with pytest.raises(Conflict, match="无须书面送达"):
        services.serve_notice(notice=accepted.notices.get(), by=world.clerk, way="pickup")


def test_a_decision_delivered_with_the_result_needs_no_paper(world):
    case = landline_case(world)
    services.accept_case(case=case, paper=paper_checklist(case), by=world.clerk)
    services.serve_notice(notice=case.notices.get(), by=world.clerk, way="pickup")
    decide(world, case)
    [decision] = selectors.written_notices(world.clerk)
    assert decision.kind == Notice.Kind.GRANT
    assert selectors.written_notice_due(decision) == D("2026-10-16")  # 第四十四条: 10 working days from 09-28
    services.deliver_result(case=case, by=world.clerk, method="window")
    assert not selectors.written_notices(world.clerk).exists()


def landline_instant_case(world):
    """The company, reachable only on a fixed line, applies at the window for the instant item."""
    company_with_landline(world)
    return services.submit_case(
        item=world.instant_item,
        applicant=world.company,
        by=world.clerk,
        channel="counter",
        window=world.dedicated,
        form={"subject": "改名", "contact_phone": LANDLINE},
    )


def test_an_instant_item_hands_its_notices_over_at_the_counter(world):
    # 行政许可法 第三十四条: decided on the spot in writing; the applicant takes the result at the window (窗口领取)
    case = landline_instant_case(world)
    services.handle_instantly(case=case, paper=paper_checklist(case), by=world.clerk)
    assert not selectors.written_notices(world.clerk).exists()
    served = {n.kind: (n.served_way, n.served_on) for n in case.notices.all()}
    assert served == {
        Notice.Kind.ACCEPTANCE: ("onsite", D("2026-09-28")),
        Notice.Kind.GRANT: ("onsite", D("2026-09-28")),
    }
    assert case.events.get(action="accept").data["handed_over"] is True


def test_an_instant_item_whose_result_is_posted_leaves_its_acceptance_to_serve(world):
    # the result goes by post: nothing says the applicant stood at the counter, so the 受理通知书 no message reached
    # is served on paper; the decision went with the result
    case = landline_instant_case(world)
    services.handle_instantly(case=case, paper=paper_checklist(case), by=world.clerk, delivery="post")
    [waiting] = selectors.written_notices(world.clerk)
    assert waiting.kind == Notice.Kind.ACCEPTANCE and not waiting.served_on


def test_printing_is_recorded_and_a_served_notice_is_not_printed_for_service(world):
    case = landline_case(world)
    services.accept_case(case=case, paper=paper_checklist(case), by=world.clerk)
    notice = selectors.written_notices(world.clerk).get()
    services.print_notice(notice=notice, by=world.clerk)
    printed = selectors.written_notices(world.clerk).get()  # still waiting: printing is not serving
    assert (printed.printed_by, printed.printed_by_label) == (world.clerk, "王窗口")
    assert clock.local_date(printed.printed_at) == D("2026-09-28")
    assert not case.events.filter(action="serve_notice").exists()
    services.serve_notice(notice=notice, by=world.clerk, way="pickup")
    with pytest.raises(Conflict, match="已于 2026年9月28日 送达,无须再打印送达"):
        services.print_notice(notice=notice, by=world.clerk)
    assert AuditRecord.objects.filter(action="cases.print_notice").count() == 1
