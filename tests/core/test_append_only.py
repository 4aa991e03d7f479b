"""The append-only models: what their digests cover, and that the model refuses a second save or a delete."""

import pytest

from zhengwu.core import appendonly
from zhengwu.core.models import ImmutableEventError

PROTECTED = sorted(appendonly.protected_models(), key=lambda m: m._meta.label_lower)


def test_the_append_only_models_are_the_event_tables_and_ledgers():
    assert [m._meta.label_lower for m in PROTECTED] == [
        "cases.caseevent",
        "disclosure.requestevent",
        "disclosure.reviewentry",
        "evaluation.rectificationevent",
        "joint.jointevent",
        "licences.licenceuse",
        "supervision.orderstep",
        "tickets.ticketevent",
    ]


@pytest.mark.parametrize("model", PROTECTED, ids=[m._meta.label_lower for m in PROTECTED])
def test_the_digest_covers_every_column(model):
    """A column added later is not in old rows' digests: adding one to a protected table is a decision (a new digest
    version, documented in docs/architecture.md), which this test makes someone take."""
    columns = {f.name for f in model._meta.concrete_fields if not f.primary_key}
    assert set(model.hashed_fields) == columns
    assert len(model.hashed_fields) == len(set(model.hashed_fields))


@pytest.mark.parametrize("model", PROTECTED, ids=[m._meta.label_lower for m in PROTECTED])
def test_a_stored_row_cannot_be_saved_again_or_deleted(model):
    row = model(pk=1)
    with pytest.raises(ImmutableEventError):
        row.save()
    with pytest.raises(ImmutableEventError):
        row.delete()


def test_the_digest_is_the_same_for_values_as_written_and_as_read_back():
    import datetime as dt

    moment = dt.datetime(2026, 10, 8, 9, 30, 0, 120000, tzinfo=dt.UTC)
    shanghai = moment.astimezone(dt.timezone(dt.timedelta(hours=8)))
    written = appendonly.digest_of(
        "cases.caseevent", 7, [moment, {"b": 1.0, "a": [1, 2]}, dt.date(2026, 10, 8)]
    )
    read = appendonly.digest_of("cases.caseevent", 7, [shanghai, {"a": [1, 2], "b": 1}, dt.date(2026, 10, 8)])
    assert written == read
    assert written != appendonly.digest_of(
        "cases.caseevent", 8, [moment, {"b": 1.0, "a": [1, 2]}, dt.date(2026, 10, 8)]
    )
