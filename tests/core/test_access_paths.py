"""The hierarchy questions every domain asks, answered by core.access alone: which organisations are under one,
which regions are covered by one, and the same as conditions for queries (issue 15.2: scope decided only in
core/access.py)."""

import pytest

from tests.factories import make_centre, make_organisation, make_region, make_staff
from zhengwu.core import access
from zhengwu.core.models import Organisation, Role, ServiceCentre, Staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    city = make_region("360600", "鹰潭市")
    gx = make_region("360681", "贵溪市", parent=city)
    yj = make_region("360603", "余江区", parent=city)
    market = make_organisation("贵溪市市场监督管理局", region=gx)
    unit = make_organisation("城区分局", parent=market)
    land = make_organisation("贵溪市自然资源局", region=gx)
    yj_market = make_organisation("余江区市场监督管理局", region=yj)
    return {
        "city": city,
        "gx": gx,
        "yj": yj,
        "market": market,
        "unit": unit,
        "land": land,
        "yj_market": yj_market,
        "gx_centre": make_centre("贵溪市政务服务中心", gx),
        "yj_centre": make_centre("余江区政务服务中心", yj),
    }


def names(qs):
    return sorted(o.name for o in qs)


def test_an_organisation_and_those_below_it(world):
    assert names(access.organisations_under(world["market"])) == ["城区分局", "贵溪市市场监督管理局"]
    assert names(access.organisations_under(world["unit"])) == ["城区分局"]


def test_an_organisation_without_a_path_is_only_itself(world):
    pathless = Organisation(pk=world["land"].pk, name="x", path="")
    assert names(access.organisations_under(pathless)) == ["贵溪市自然资源局"]


def test_own_organisations_ignore_a_regional_overseers_region(world):
    manager = make_staff("mgr", world["market"], roles=[Role.CENTRE_MANAGER])
    assert names(access.own_organisations(manager.user)) == ["城区分局", "贵溪市市场监督管理局"]
    assert len(access.visible_organisations(manager.user)) == 3  # the region is wider
    assert not access.own_organisations(None).exists()


def test_acts_for_as_a_condition_matches_acts_for(world):
    clerk = make_staff("clerk", world["market"], roles=[Role.WINDOW_CLERK])
    make_staff("unit_clerk", world["unit"], roles=[Role.WINDOW_CLERK])
    make_staff("land_clerk", world["land"], roles=[Role.WINDOW_CLERK])
    matched = Staff.objects.filter(access.acts_for_q(clerk))
    assert sorted(s.name for s in matched) == ["clerk", "unit_clerk"]
    for other in Staff.objects.all():
        assert (other in matched) == access.acts_for(clerk, other.organisation)
    assert not Staff.objects.filter(access.acts_for_q(None)).exists()


def test_a_region_covers_itself_and_those_below_it(world):
    assert access.region_covers(world["city"], world["gx"])
    assert access.region_covers(world["gx"], world["gx"])
    assert not access.region_covers(world["gx"], world["city"])
    assert not access.region_covers(world["gx"], world["yj"])
    in_gx = ServiceCentre.objects.filter(access.in_region_q(world["gx"]))
    assert [c.name for c in in_gx] == ["贵溪市政务服务中心"]
    assert ServiceCentre.objects.filter(access.in_region_q(world["city"])).count() == 2


def test_path_columns_follow_scope_q(world):
    """The rule on copied path columns gives what scope_q gives on the organisation: own organisation and below,
    the whole region for a centre manager."""
    clerk = make_staff("clerk", world["market"], roles=[Role.WINDOW_CLERK])
    manager = make_staff("mgr", world["land"], roles=[Role.CENTRE_MANAGER])
    orgs = Organisation.objects.all()
    for staff in (clerk, manager):
        by_columns = orgs.filter(access.path_scope_q(staff, org_path="path", region_path="region__path"))
        by_scope = orgs.filter(access.scope_q(staff.user, ""))
        assert names(by_columns) == names(by_scope)
    assert names(orgs.filter(access.path_scope_q(clerk, org_path="path", region_path="region__path"))) == [
        "城区分局",
        "贵溪市市场监督管理局",
    ]
