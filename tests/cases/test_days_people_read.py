"""Days an applicant reads — the SMS on acceptance, the case's status on the public lookup, the 受理通知书's check
page — are written as people write them (2026年11月20日), not 2026-11-20 (a stranger's pass); the API keeps ISO."""

from tests.factories import paper_checklist
from zhengwu.cases import services
from zhengwu.cases.models import Notice, OutboxMessage
from zhengwu.core import clock


def _written(day) -> str:
    return f"{day:%Y年%-m月%-d日}"


def test_the_acceptance_sms_the_status_and_the_notice_write_days_as_people_do(world, client):
    case = services.submit_case(
        item=world.item,
        applicant=world.company,
        by=world.clerk,
        channel="counter",
        window=world.dedicated,
        form={"subject": "食品经营许可"},
    )
    case = services.accept_case(case=case, paper=paper_checklist(case), by=world.clerk)
    due, iso = _written(case.promised_due), case.promised_due.isoformat()
    [sms] = OutboxMessage.objects.filter(case=case, channel="sms", body__contains="已受理")
    assert f"承诺办结期限 {due}。" in sms.body and iso not in sms.body

    asked = {"number": case.number, "query_code": case.query_code}
    page = client.get("/cases/lookup/", asked).content.decode()
    assert f'id="promised-due">{due}' in page and _written(case.accepted_on) in page
    assert f"{_written(clock.local_date(case.received_at))} " in page  # 收件时间: the day, then the time
    checked = client.get(f"/verify/{Notice.objects.get(case=case).token}").content.decode()
    assert due in checked and iso not in checked
    # the API keeps the ISO date a program reads
    assert client.get("/api/cases/status", asked).json()["promised_due"] == iso
