"""The demo activity (cases, 12345, disclosure, evaluation) fills the queues and loads only once."""

import pytest
from django.contrib.auth import get_user_model

from zhengwu.cases.models import Case
from zhengwu.core import clock
from zhengwu.core.demo import load_demo
from zhengwu.core.management.commands.demo import load_domain_demos
from zhengwu.disclosure.models import DisclosureRequest, Publication
from zhengwu.evaluation.models import LedgerEntry, Rating, Rectification
from zhengwu.supervision import selectors as supervision
from zhengwu.supervision.models import Alert
from zhengwu.tickets.models import Ticket


def _counts():
    return (
        Case.objects.count(),
        Ticket.objects.count(),
        Publication.objects.count(),
        DisclosureRequest.objects.count(),
        Rating.objects.count(),
        LedgerEntry.objects.count(),
        Alert.objects.count(),
    )


@pytest.mark.django_db(transaction=False)
def test_demo_activity_fills_the_queues_once():
    load_demo()
    lines = load_domain_demos()
    assert any(line.startswith("办件演示") for line in lines)

    cases = Case.objects.filter(idempotency_key__startswith="demo-")
    assert cases.count() >= 40
    assert len(set(cases.values_list("status", flat=True))) >= 6
    supervisor = get_user_model().objects.get(username="supervisor")
    today = clock.today()
    assert supervision.level_counts(supervisor, today)["red"] >= 1
    assert supervision.level_counts(supervisor, today)["yellow"] >= 1

    assert len(set(Ticket.objects.values_list("status", flat=True))) >= 3
    assert Publication.objects.filter(status="published").count() >= 10
    assert DisclosureRequest.objects.filter(outcome="partial").exists()
    assert Rating.objects.count() >= 10
    assert Rectification.objects.count() == 2
    assert LedgerEntry.objects.count() == 5

    before = _counts()
    again = load_domain_demos()
    assert _counts() == before
    assert all("已存在" in line or line.startswith("事项目录") for line in again)
