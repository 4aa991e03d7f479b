"""cases.permissions.allowed_actions: what each person may do on a case now, from the workflow table, the roles the
services require and the step rules (the workbench's case page shows exactly these)."""

import pytest

from zhengwu.cases import permissions, services
from zhengwu.core.errors import AccessDenied

pytestmark = pytest.mark.django_db


def granted(user, case) -> set[str]:
    return {action for action, ok in permissions.allowed_actions(user, case).items() if ok}


def test_a_new_application_is_for_the_window_to_accept_supplement_or_refuse(world, submitted):
    assert {"accept", "supplement", "refuse"} <= granted(world.clerk, submitted)
    assert not {"suspend", "decide", "terminate", "complete_step"} & granted(world.clerk, submitted)


def test_the_applicant_and_bare_accounts_may_do_nothing_on_the_workbench(world, submitted):
    assert granted(world.citizen_user, submitted) == set()


def test_once_accepted_handlers_may_suspend_and_the_clerk_may_not(world, accepted):
    assert "suspend" in granted(world.approver, accepted)
    assert "suspend" not in granted(world.clerk, accepted)
    assert "accept" not in granted(
        world.clerk, accepted
    )  # the workflow table: accepted cases are not accepted again
    with pytest.raises(AccessDenied):
        services.suspend_case(
            case=accepted, by=world.clerk, kind="inspection", reason="现场检验", expected_days=5
        )


def test_a_department_head_decides_on_extensions(world, accepted):
    assert permissions.allowed_actions(world.head, accepted)["decide_extension"]
    assert not permissions.allowed_actions(world.approver, accepted)["decide_extension"]
