"""`zhengwu supervision-scan --today 2027-06-01` on the demo county: every domain's overdue records are raised —
cases, disclosure requests, ticket acknowledgements and replies, rectifications — once, provisional in 2027 (a year
the calendar does not know yet)."""

from io import StringIO

from django.core.management import call_command

from zhengwu.core import calendar
from zhengwu.supervision.models import Alert


def test_the_scan_on_the_demo_raises_every_domains_overdue_records_once(demo_site):
    before = set(Alert.objects.values_list("pk", flat=True))
    out = StringIO()
    call_command("supervision-scan", "--today", "2027-06-01", stdout=out)
    new = Alert.objects.exclude(pk__in=before)
    codes = set(new.values_list("code", flat=True))
    for code in (
        "case.overdue.promised",
        "disclosure.reply_overdue",
        "ticket.acknowledge_overdue",
        "ticket.reply_overdue",
        "rating.rectification_overdue",
    ):
        assert code in codes, code
    assert f"新增异常 {new.count()} 条" in out.getvalue()
    assert all(a.code.split(".")[0] in ("case", "disclosure", "ticket", "rating", "supervision") for a in new)
    if not calendar.current_calendar().knows(2027):
        provisional = new.exclude(code__startswith="ticket.first_answer")  # natural hours: no calendar in it
        assert all(a.data.get("provisional") for a in provisional)
        assert all("2027 年的节假日安排尚未载入" in a.explanation for a in provisional)
    again = StringIO()
    call_command("supervision-scan", "--today", "2027-06-01", stdout=again)
    assert again.getvalue().startswith("新增异常 0 条")
