"""`zhengwu scheduled` runs the deemed acceptance the law requires without anyone pressing a button."""

from io import StringIO

from django.core.management import call_command

from tests.cases.conftest import at
from zhengwu.cases.models import Status
from zhengwu.core import clock


def run_scheduled() -> str:
    out = StringIO()
    call_command("scheduled", stdout=out)
    return out.getvalue()


def test_scheduled_deems_acceptance_only_once_the_five_working_days_are_over(submitted):
    # received Mon 2026-09-28; 5 working days: 09-29, 09-30, 10-08, 10-09 and Sat 10-10 (adjusted working day)
    clock.set_now(at("2026-10-10", 18))
    assert "cases.deem_accepted: 视为受理 0 件" in run_scheduled()
    submitted.refresh_from_db()
    assert submitted.status == Status.RECEIVED

    clock.set_now(at("2026-10-12", 8))
    assert "cases.deem_accepted: 视为受理 1 件" in run_scheduled()
    submitted.refresh_from_db()
    assert submitted.deemed_accepted and submitted.accepted_on.isoformat() == "2026-09-28"
    assert "cases.deem_accepted: 视为受理 0 件" in run_scheduled()  # idempotent
