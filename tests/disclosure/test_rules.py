"""The pure rules: reply due dates with real 2025–2026 holidays, supplements, pauses, extensions; fees."""

import datetime as dt

import pytest

from zhengwu.core.errors import ValidationFailed
from zhengwu.disclosure import deadlines, fees, outcomes

D = dt.date.fromisoformat

# The working-day calendar reads administrator-loaded years from the database.
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("received", "supplement", "extension", "pauses", "due"),
    [
        # Spring Festival 2026 (Feb 15–23 off, Feb 14 and Feb 28 worked).
        ("2026-02-06", None, 0, [], "2026-03-12"),
        # New Year 2026 (Jan 1–3 off, Sunday Jan 4 worked), received in 2025.
        ("2025-12-26", None, 0, [], "2026-01-26"),
        # Labour Day 2026 (May 1–5 off, Saturday May 9 worked).
        ("2026-04-28", None, 0, [], "2026-05-28"),
        # …and extended by the full 20 working days, across the Dragon Boat holiday (Jun 19).
        ("2026-04-28", None, 20, [], "2026-06-26"),
        # The clock starts again on the day the supplement arrives (Qingming Apr 4–6 off).
        ("2026-03-02", "2026-03-20", 0, [], "2026-04-20"),
        # Third-party consultation Sep 18 → Oct 12 2026 (12 working days across National Day) is not counted.
        ("2026-09-14", None, 0, [("2026-09-18", "2026-10-12")], "2026-11-03"),
        # National Day 2025 with a consultation inside it (8 working days not counted).
        ("2025-09-26", None, 0, [("2025-10-09", "2025-10-20")], "2025-11-11"),
    ],
)
def test_reply_due(received, supplement, extension, pauses, due):
    result = deadlines.reply_due(
        D(received),
        supplement_received=D(supplement) if supplement else None,
        extension=extension,
        pauses=[deadlines.Pause(D(a), D(b)) for a, b in pauses],
    )
    assert result.due == D(due)
    assert not result.provisional


@pytest.mark.parametrize("extension", [21, 40, -1])
def test_extension_is_capped_at_twenty_working_days(extension):
    with pytest.raises(ValidationFailed) as err:
        deadlines.reply_due(D("2026-03-02"), extension=extension)
    assert err.value.field == "extension"


def test_a_pause_that_starts_after_the_limit_passed_is_refused():
    with pytest.raises(ValidationFailed):
        deadlines.reply_due(D("2026-03-02"), pauses=[deadlines.Pause(D("2026-05-01"), D("2026-05-20"))])


def test_a_pause_before_the_supplement_arrived_does_not_count_twice():
    # Consultation entirely before the supplement restarted the clock: nothing is added.
    plain = deadlines.reply_due(D("2026-03-02"), supplement_received=D("2026-03-20"))
    paused = deadlines.reply_due(
        D("2026-03-02"),
        supplement_received=D("2026-03-20"),
        pauses=[deadlines.Pause(D("2026-03-05"), D("2026-03-12"))],
    )
    assert paused.due == plain.due == D("2026-04-20")


@pytest.mark.parametrize(
    ("received", "last_day"),
    [("2026-09-29", "2026-10-14"), ("2026-02-12", "2026-02-28"), ("2025-12-30", "2026-01-09")],
)
def test_supplement_must_be_asked_within_seven_working_days(received, last_day):
    assert deadlines.supplement_request_deadline(D(received)).value == D(last_day)


@pytest.mark.parametrize(
    ("notified", "last_day"), [("2026-02-10", "2026-03-16"), ("2026-09-21", "2026-10-26")]
)
def test_fee_is_due_within_twenty_working_days(notified, last_day):
    assert deadlines.fee_payment_deadline(D(notified)).value == D(last_day)


@pytest.mark.parametrize(
    ("channel", "kwargs", "received"),
    [
        ("in_person", {"submitted_on": "2026-03-02"}, "2026-03-02"),
        ("letter", {"submitted_on": "2026-03-02", "signed_on": "2026-03-05"}, "2026-03-05"),
        ("online", {"submitted_on": "2026-03-02", "confirmed_on": "2026-03-03"}, "2026-03-03"),
        ("fax", {"submitted_on": "2026-03-02", "confirmed_on": "2026-03-04"}, "2026-03-04"),
    ],
)
def test_receipt_date_per_channel(channel, kwargs, received):
    assert deadlines.receipt_date(channel, **{k: D(v) for k, v in kwargs.items()}) == D(received)


def test_letter_without_signing_date_is_refused():
    with pytest.raises(ValidationFailed) as err:
        deadlines.receipt_date("letter", submitted_on=D("2026-03-02"))
    assert err.value.field == "signed_on"


@pytest.mark.parametrize(
    ("due", "today", "level"),
    [
        ("2026-03-12", "2026-03-02", "normal"),
        ("2026-03-12", "2026-03-09", "warning"),
        ("2026-03-12", "2026-03-12", "warning"),
        ("2026-03-12", "2026-03-13", "overdue"),
        # Over Spring Festival only 3 working days remain from Feb 13 to Feb 25.
        ("2026-02-25", "2026-02-13", "warning"),
    ],
)
def test_alert_levels(due, today, level):
    assert deadlines.alert_level(D(due), D(today)) == level


def test_annual_report_deadlines():
    assert deadlines.annual_report_deadline(is_government=False, year=2025) == D("2026-01-31")
    assert deadlines.annual_report_deadline(is_government=True, year=2025) == D("2026-03-31")


@pytest.mark.parametrize(
    ("items", "amount"),
    [(0, 0), (1, 0), (10, 0), (11, 100), (30, 2000), (31, 2200), (40, 4000), (41, 4300), (50, 7000)],
)
def test_fee_by_items(items, amount):
    assert fees.by_items(items).amount == amount


@pytest.mark.parametrize(
    ("pages", "amount"),
    [(0, 0), (30, 0), (31, 10), (100, 700), (101, 720), (200, 2700), (201, 2740), (250, 4700)],
)
def test_fee_by_pages(pages, amount):
    assert fees.by_pages(pages).amount == amount


@pytest.mark.parametrize(("n", "amount"), [(10, 0), (11, 100), (30, 100), (31, 200), (41, 300), (51, 400)])
def test_the_nth_request_in_a_month_costs(n, amount):
    assert fees.for_nth_item(n) == amount


def test_every_outcome_and_reason_cites_an_article():
    for outcome in outcomes.OUTCOMES:
        if not outcome.reasons:
            assert "第" in outcomes.article_of(outcome.code)
        for reason in outcome.reasons:
            if reason.code != "other":
                assert "第" in outcomes.article_of(outcome.code, reason.code) or "109" in outcomes.article_of(
                    outcome.code, reason.code
                )


def test_an_outcome_with_reasons_needs_one():
    with pytest.raises(ValidationFailed):
        outcomes.validate("withhold", "")
    with pytest.raises(ValidationFailed):
        outcomes.validate("disclose", "state_secret")
