"""Centre managers set the warning thresholds in admin; the levels follow at once; the change is audited."""

import datetime as dt

from tests.factories import make_staff
from tests.supervision.conftest import accepted_case, at
from zhengwu.core import clock
from zhengwu.core.models import AuditRecord, Role
from zhengwu.supervision import selectors


def test_centre_manager_widens_the_warning_window_and_cases_turn_yellow_earlier(world, client):
    case = accepted_case(world)
    due = case.promised_due
    # A week before the due date: normal with the default warning window of 2 working days.
    clock.set_now(at((due - dt.timedelta(days=7)).isoformat()))
    before = selectors.case_level(case)

    manager = make_staff("mgr_thr", world.centre.managed_by, roles=[Role.CENTRE_MANAGER], name="王主任").user
    client.force_login(manager)
    response = client.post(
        "/admin/supervision/thresholds/add/",
        {"warn_workdays": "10", "warn_share": "0", "backdating_hours": "24"},
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    assert selectors.thresholds().warn_workdays == 10
    assert AuditRecord.objects.filter(action="supervision.thresholds_changed").exists()
    assert (before, selectors.case_level(case)) == ("normal", "yellow")


def test_a_window_clerk_cannot_change_the_thresholds(world, client):
    clerk = make_staff("clerk_thr", world.bureau, roles=[Role.WINDOW_CLERK], name="窗口小李").user
    client.force_login(clerk)
    response = client.post(
        "/admin/supervision/thresholds/add/",
        {"warn_workdays": "10", "warn_share": "0", "backdating_hours": "24"},
    )
    assert response.status_code in (302, 403) and selectors.thresholds().pk is None
