"""Codes stored before every rule code carried its domain are renamed by the migration (code and key), and ticket
alerts get a link to the ticket they name."""

import importlib

import pytest
from django.apps import apps

from tests.supervision.conftest import a_ticket, accepted_case
from zhengwu.supervision.models import Alert


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
    migration = importlib.import_module("zhengwu.supervision.migrations.0005_domain_prefixed_codes")
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
