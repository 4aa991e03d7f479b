"""The officers' hand checks: `zhengwu disclosure fee` and `zhengwu disclosure due`."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def run(*args) -> list[str]:
    out = io.StringIO()
    call_command("disclosure", *args, stdout=out)
    return out.getvalue().splitlines()


def test_fee_prints_the_amount_alone_then_how_it_was_made_up():
    lines = run("fee", "--items", "45")
    assert lines[0] == "5500"
    assert any("300元" in line for line in lines[1:])
    assert run("fee", "--pages", "101")[0] == "720"


def test_fee_refuses_both_methods_at_once():
    with pytest.raises(CommandError):
        call_command("disclosure", "fee", "--items", "12", "--pages", "40", stdout=io.StringIO())


def test_due_prints_the_date_alone_then_the_explanation():
    lines = run("due", "--received", "2026-02-06")
    assert lines[0] == "2026-03-12"
    assert any("春节" in line for line in lines[1:])


def test_due_with_supplement_extension_and_third_party_as_json():
    data = json.loads(
        "\n".join(
            run(
                "due",
                "--received",
                "2026-09-10",
                "--supplement-received",
                "2026-09-14",
                "--extension",
                "5",
                "--third-party",
                "2026-09-18:2026-10-12",
                "--json",
            )
        )
    )
    # From Mon 14 Sep: 20 + 5 working days, plus 12 not counted (Sep 18 → Oct 12) → 37 working days → 10 Nov.
    assert data["due"] == "2026-11-10" and data["paused_workdays"] == 12 and data["limit_workdays"] == 25


def test_due_refuses_an_extension_over_twenty_days():
    with pytest.raises(CommandError, match="20"):
        run("due", "--received", "2026-02-06", "--extension", "25")
