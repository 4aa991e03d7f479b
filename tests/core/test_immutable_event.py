"""Every append-only event table (CaseEvent, TicketEvent, OrderStep, RectificationEvent) inherits
`core.models.ImmutableEvent`: a stored event cannot be saved again or deleted, and the table is unchanged by it."""

import pytest

from tests.evaluation.conftest import ev, submitted, world  # noqa: F401 — fixtures
from zhengwu.cases.models import CaseEvent
from zhengwu.core.models import ImmutableEvent, ImmutableEventError
from zhengwu.evaluation import services as evaluation
from zhengwu.evaluation.models import RatingChannel, RectificationEvent
from zhengwu.supervision import services as supervision
from zhengwu.supervision.models import OrderStep
from zhengwu.tickets import services as tickets
from zhengwu.tickets.models import Category, TicketEvent


def _case_event(w):
    return w.case.events.order_by("seq").first()


def _ticket_event(w):
    category = Category.objects.create(code="market", name="市场监管")
    ticket = tickets.file_ticket(
        kind="complaint",
        channel="portal",
        category=category,
        content="超市出售过期食品",
        caller_name="李四",
        caller_phone="13900001111",
    )
    return ticket.events.order_by("seq").first()


def _order_step(w):
    order = supervision.issue_order(by=w.supervisor, case=w.case, instruction="说明办理情况", response_days=3)
    return order.steps.order_by("seq").first()


def _rectification_event(w):
    rating = evaluation.rate(
        kind="case", pk=w.case.pk, level=1, channel=RatingChannel.LINK, comment="跑了三趟"
    )
    return rating.rectification.events.order_by("seq").first()


EVENTS = [
    pytest.param(CaseEvent, _case_event, "case events", id="CaseEvent"),
    pytest.param(TicketEvent, _ticket_event, "ticket events", id="TicketEvent"),
    pytest.param(OrderStep, _order_step, "order steps", id="OrderStep"),
    pytest.param(RectificationEvent, _rectification_event, "rectification events", id="RectificationEvent"),
]


@pytest.mark.parametrize(("model", "make", "name"), EVENTS)
def test_a_stored_event_cannot_be_changed(ev, model, make, name):  # noqa: F811 — the fixture
    event = make(ev)
    assert isinstance(event, model) and isinstance(event, ImmutableEvent) and event.seq == 1
    original = event.note
    event.note = "改写"
    with pytest.raises(ImmutableEventError, match=f"^{name} are immutable$"):
        event.save()
    with pytest.raises(RuntimeError):  # what callers caught before the base existed still catches it
        event.save(update_fields=["note"])
    assert model.objects.get(pk=event.pk).note == original


@pytest.mark.parametrize(("model", "make", "name"), EVENTS)
def test_a_stored_event_cannot_be_deleted(ev, model, make, name):  # noqa: F811 — the fixture
    event = make(ev)
    with pytest.raises(ImmutableEventError, match=f"^{name} are immutable$"):
        event.delete()
    assert model.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize(("model", "make", "name"), EVENTS)
def test_a_new_event_is_appended_and_a_copy_is_a_new_row(ev, model, make, name):  # noqa: F811 — the fixture
    event = make(ev)
    count = model.objects.count()
    event.pk = event.id = None
    event.seq = 99
    event.save()  # inserting is what the table is for
    assert model.objects.count() == count + 1


def test_the_base_is_abstract_and_has_no_table():
    assert ImmutableEvent._meta.abstract
    assert {f.name for f in ImmutableEvent._meta.fields} == {
        "seq",
        "at",
        "action",
        "actor",
        "actor_label",
        "note",
    }
