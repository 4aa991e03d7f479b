"""`zhengwu supervision-scan --today 2027-06-01` on the demo county: every domain's overdue records are raised —
cases, disclosure requests, ticket acknowledgements and replies, rectifications — once, provisional in 2027 (a year
the calendar does not know yet); and codes stored before they carried their domain are renamed by the migration."""

import importlib
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from tests.supervision.conftest import a_ticket, accepted_case
from zhengwu.core import calendar
from zhengwu.core.demo import load_demo
from zhengwu.core.management.commands.demo import load_domain_demos
from zhengwu.supervision.models import Alert


@pytest.mark.django_db
def test_the_scan_on_the_demo_raises_every_domains_overdue_records_once():
    load_demo()
    load_domain_demos()
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


@pytest.mark.django_db
def test_the_migration_gives_old_case_alerts_their_domain_and_ticket_alerts_their_ticket(more):
    world = more
    case = accepted_case(world)
    ticket = a_ticket(world)
    on_ticket = Alert.objects.create(
        key=f"ticket.first_answer_late:t{ticket.pk}",
        code="ticket.first_answer_late",
        severity="warning",
        title="政民互动诉求未在24小时内首次答复",
        explanation="工单 …",
        data={"ticket": ticket.number},
        organisation=world.bureau,
        raised_at=ticket.received_at,
    )
    old = Alert.objects.create(
        key=f"overdue.promised:c{case.pk}",
        code="overdue.promised",
        severity="warning",
        title="超过承诺办结期限",
        explanation="办件 …",
        case=case,
        organisation=world.bureau,
        raised_at=case.received_at,
    )
    migration = importlib.import_module("zhengwu.supervision.migrations.0003_domain_prefixed_codes")
    migration.forwards(apps, None)
    old.refresh_from_db()
    assert (old.code, old.key) == ("case.overdue.promised", f"case.overdue.promised:c{case.pk}")
    on_ticket.refresh_from_db()
    assert on_ticket.ticket == ticket and on_ticket.code == "ticket.first_answer_late"
    migration.forwards(apps, None)  # twice changes nothing
    old.refresh_from_db()
    assert old.code == "case.overdue.promised"
    migration.backwards(apps, None)
    old.refresh_from_db()
    assert (old.code, old.key) == ("overdue.promised", f"overdue.promised:c{case.pk}")
