"""The cases world (a county, its market-regulation bureau with a promised and an instant item, windows, staff,
applicants; Monday 2026-09-28, the week before National Day) plus what evaluation needs: completed cases, a
centre manager, a supervisor and a closed ticket."""

import datetime as dt

import pytest

from tests.cases.conftest import WORLD_START, at, build_world, publish, resident_id, submitted  # noqa: F401 — fixtures
from tests.factories import make_staff, paper_checklist
from tests.worldcache import replayed
from zhengwu.cases import services as cases
from zhengwu.core import clock
from zhengwu.core.models import Role

__all__ = ["at", "complete", "publish", "resident_id"]


def complete(w, *, applicant=None, by=None, window=None, moment: dt.datetime | None = None):
    """An instant case taken at the bureau's window and completed on the spot (即办件), at `moment` if given."""
    if moment is not None:
        clock.set_now(moment)
    case = cases.submit_case(
        item=w.instant_item,
        applicant=applicant or w.citizen,
        by=by or w.clerk,
        channel="counter",
        window=window or w.dedicated,
        form={"subject": "变更个体工商户名称"},
    )
    return cases.handle_instantly(case=case, paper=paper_checklist(case), by=by or w.clerk)


def build_ev():
    """The cases world with a centre manager and a supervisor of the county, and one completed case."""
    world = build_world()
    world.manager = make_staff(
        "manager", world.centre.managed_by, roles=[Role.CENTRE_MANAGER], name="王主任"
    ).user
    world.supervisor = make_staff(
        "supervisor", world.centre.managed_by, roles=[Role.SUPERVISOR], name="周监察"
    ).user
    world.case = complete(world)
    return world


# built once per test process and replayed as rows for each test (tests/worldcache.py)
ev = replayed(build_ev, name="ev", at=WORLD_START)


@pytest.fixture
def world(ev):
    """Here the cases' world is evaluation's (the cases fixtures `submitted` etc. build on it)."""
    return ev
