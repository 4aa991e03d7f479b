"""Who sees which record: every role against every kind of kernel record, with the answers written out.

The world: 鹰潭市 with two counties. In 贵溪市 (county A) the market bureau (with a child unit, 城区分局), the
natural-resources bureau and the service-centre authority, which manages the county centre; the centre has a window
for each bureau. In 余江区 (county B, same city) a market bureau, its own centre and window.
Every viewer but the administrator works in county A; the administrator works in county B.
"""

import pytest
from django.db import transaction

from tests.factories import make_centre, make_organisation, make_region, make_staff, make_user, make_window
from zhengwu.core import access, audit
from zhengwu.core.models import AuditRecord, Organisation, Role, ServiceCentre, Staff, Window

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


KINDS = {
    Organisation: ["market", "market_unit", "land", "bureau", "yj_market"],
    Staff: ["s_market", "s_market_unit", "s_land", "s_bureau", "s_yj_market"],
    ServiceCentre: ["gx_centre", "yj_centre"],
    Window: ["w_market", "w_land", "w_yj_market"],
    AuditRecord: ["a_by_market", "a_by_yj_market", "a_by_system"],
}

# fmt: off
EXPECTED = {
    #                     Organisation     Staff            Centre  Window     AuditRecord
    #                     mk un ld bu yj   mk un ld bu yj   gx yj   mk ld yj   mk yj sys
    "window_clerk":       ((1, 1, 0, 0, 0), (1, 1, 0, 0, 0), (1, 0), (1, 0, 0), (0, 0, 0)),
    "approver":           ((1, 1, 0, 0, 0), (1, 1, 0, 0, 0), (1, 0), (1, 0, 0), (0, 0, 0)),
    "department_head":    ((1, 1, 0, 0, 0), (1, 1, 0, 0, 0), (1, 0), (1, 0, 0), (0, 0, 0)),
    "disclosure_officer": ((0, 0, 1, 0, 0), (0, 0, 1, 0, 0), (1, 0), (0, 1, 0), (0, 0, 0)),
    "confidentiality_reviewer": ((0, 0, 1, 0, 0), (0, 0, 1, 0, 0), (1, 0), (0, 1, 0), (0, 0, 0)),
    "hotline_operator":   ((0, 0, 0, 1, 0), (0, 0, 0, 1, 0), (1, 0), (1, 1, 0), (0, 0, 0)),
    "centre_manager":     ((1, 1, 1, 1, 0), (1, 1, 1, 1, 0), (1, 0), (1, 1, 0), (0, 0, 0)),
    "supervisor":         ((1, 1, 1, 1, 0), (1, 1, 1, 1, 0), (1, 0), (1, 1, 0), (1, 0, 0)),
    "administrator":      ((1, 1, 1, 1, 1), (1, 1, 1, 1, 1), (1, 1), (1, 1, 1), (1, 1, 1)),
    "bare_account":       ((0, 0, 0, 0, 0), (0, 0, 0, 0, 0), (0, 0), (0, 0, 0), (0, 0, 0)),
}
# fmt: on

VIEWER_ORGANISATION = {
    "window_clerk": "market",
    "approver": "market",
    "department_head": "market",
    "disclosure_officer": "land",
    "confidentiality_reviewer": "land",
    "hotline_operator": "bureau",
    "centre_manager": "bureau",
    "supervisor": "bureau",
    "administrator": "yj_market",
}


def test_every_role_has_a_row():
    assert set(EXPECTED) == set(Role.values) | {"bare_account"}


def _cases():
    for viewer, row in EXPECTED.items():
        for (model, names), answers in zip(KINDS.items(), row, strict=True):
            for name, answer in zip(names, answers, strict=True):
                yield pytest.param(viewer, model, name, bool(answer), id=f"{viewer}-{name}")


@pytest.fixture
def world():
    province = make_region("360000", "江西省")
    city = make_region("360600", "鹰潭市", parent=province)
    county_a = make_region("360681", "贵溪市", parent=city)
    county_b = make_region("360603", "余江区", parent=city)
    w = {}
    w["market"] = make_organisation("贵溪市市场监督管理局", region=county_a)
    w["market_unit"] = make_organisation("贵溪市市场监督管理局城区分局", parent=w["market"])
    w["land"] = make_organisation("贵溪市自然资源局", region=county_a)
    w["bureau"] = make_organisation(
        "贵溪市政务服务管理局", region=county_a, kind=Organisation.Kind.SERVICE_CENTRE_ADMIN
    )
    w["yj_market"] = make_organisation("余江区市场监督管理局", region=county_b)
    w["gx_centre"] = make_centre("贵溪市政务服务中心", county_a, managed_by=w["bureau"])
    w["yj_centre"] = make_centre("余江区政务服务中心", county_b)
    w["w_market"] = make_window(w["gx_centre"], "3", "市场监管专窗", organisations=[w["market"]])
    w["w_land"] = make_window(w["gx_centre"], "5", "不动产登记专窗", organisations=[w["land"]])
    w["w_yj_market"] = make_window(w["yj_centre"], "1", "市场监管专窗", organisations=[w["yj_market"]])
    for org in ("market", "market_unit", "land", "bureau", "yj_market"):
        w[f"s_{org}"] = make_staff(f"staff_{org}", w[org], roles=[Role.APPROVER])
    with transaction.atomic():
        w["a_by_market"] = audit.record("test.act", w["market"], actor=w["s_market"].user)
        w["a_by_yj_market"] = audit.record("test.act", w["yj_market"], actor=w["s_yj_market"].user)
        w["a_by_system"] = audit.record("test.act", w["market"])
    return w


def _viewer(world, role: str):
    if role == "bare_account":
        return make_user("citizen")
    window = world["w_market"] if role == Role.WINDOW_CLERK else None
    return make_staff(f"viewer_{role}", world[VIEWER_ORGANISATION[role]], roles=[role], window=window).user


@pytest.mark.parametrize(("viewer", "model", "record", "expected"), list(_cases()))
def test_who_sees_what(world, viewer, model, record, expected):
    user = _viewer(world, viewer)
    obj = world[record]
    assert access.can_see(user, obj) is expected
    assert (obj in access.visible(user, model)) is expected


def test_general_window_clerk_sees_their_own_window_and_centre(world):
    general = make_window(world["gx_centre"], "1", "综合窗口")
    clerk = make_staff("general_clerk", world["land"], roles=[Role.WINDOW_CLERK], window=general).user
    assert access.can_see(clerk, general)
    assert access.can_see(clerk, world["gx_centre"])
    assert not access.can_see(clerk, world["w_market"])


def test_a_city_supervisor_oversees_both_counties(world):
    city = world["market"].region.parent
    city_office = make_organisation("鹰潭市政务服务管理局", region=city)
    supervisor = make_staff("city_supervisor", city_office, roles=[Role.SUPERVISOR]).user
    assert access.can_see(supervisor, world["yj_market"])
    assert access.can_see(supervisor, world["market_unit"])
    assert set(access.visible_audit_records(supervisor)) == {world["a_by_market"], world["a_by_yj_market"]}


def test_scoped_querysets_are_distinct(world):
    """A centre with several matching windows is listed once, not once per match."""
    manager = _viewer(world, Role.CENTRE_MANAGER)
    centres = list(access.visible_centres(manager))
    assert centres.count(world["gx_centre"]) == 1


def test_an_inactive_administrator_sees_nothing(world):
    admin = _viewer(world, Role.ADMINISTRATOR)
    admin.is_active = False
    admin.save()
    assert not access.can_see(admin, world["market"])
    assert not access.can_use_admin(admin)
