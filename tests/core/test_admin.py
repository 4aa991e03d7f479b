"""Django admin: administrators and centre managers only, scoped to what they may see, audited, audit chain untouchable."""

import pytest
from django.db import transaction

from tests.factories import (
    PASSWORD,
    make_centre,
    make_organisation,
    make_region,
    make_staff,
    make_user,
    make_window,
)
from zhengwu.core import audit
from zhengwu.core.models import AuditRecord, Organisation, Role, Staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world():
    city = make_region("360600", "鹰潭市")
    county_a = make_region("360681", "贵溪市", parent=city)
    county_b = make_region("360603", "余江区", parent=city)
    bureau = make_organisation(
        "贵溪市政务服务管理局", region=county_a, kind=Organisation.Kind.SERVICE_CENTRE_ADMIN
    )
    market = make_organisation("贵溪市市场监督管理局", region=county_a)
    yj_market = make_organisation("余江区市场监督管理局", region=county_b)
    centre = make_centre("贵溪市政务服务中心", county_a, managed_by=bureau)
    return {
        "county_a": county_a,
        "county_b": county_b,
        "bureau": bureau,
        "market": market,
        "yj_market": yj_market,
        "centre": centre,
        "window": make_window(centre, "3", organisations=[market]),
        "manager": make_staff("manager", bureau, roles=[Role.CENTRE_MANAGER], name="中心管理员"),
        "clerk": make_staff("clerk", market, roles=[Role.WINDOW_CLERK]),
        "administrator": make_staff("sysadmin", yj_market, roles=[Role.ADMINISTRATOR]),
    }


def as_user(client, staff_or_user):
    client.force_login(getattr(staff_or_user, "user", staff_or_user))
    return client


def organisation_form(org: Organisation, **changes) -> dict:
    data = {
        "name": org.name,
        "short_name": org.short_name,
        "uscc": org.uscc,
        "kind": org.kind,
        "parent": org.parent_id or "",
        "region": org.region_id,
        "duties": "",
        "phone": "",
        "supervision_phone": "",
        "address": "",
        "is_active": "on",
    }
    return {**data, **changes}


# --- who gets in ----------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_our_sign_in_page(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/?next=/admin/"


def test_signing_in_through_our_page_leads_back_to_admin(client, world):
    response = client.post(
        "/accounts/login/", {"username": "manager", "password": PASSWORD, "next": "/admin/"}
    )
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_window_clerk_is_refused(client, world):
    as_user(client, world["clerk"])
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert client.get("/admin/core/organisation/", follow=True).status_code == 403


@pytest.mark.parametrize("who", ["manager", "administrator"])
def test_centre_managers_and_administrators_get_in(client, world, who):
    assert as_user(client, world[who]).get("/admin/").status_code == 200


def test_superuser_without_staff_profile_gets_in(client, world):
    assert as_user(client, make_user("root", is_superuser=True)).get("/admin/").status_code == 200


# --- scope ----------------------------------------------------------------------------------------------


def test_centre_manager_sees_only_their_regions_organisations(client, world):
    as_user(client, world["manager"])
    html = client.get("/admin/core/organisation/").content.decode()
    assert "贵溪市市场监督管理局" in html
    assert "余江区市场监督管理局" not in html
    other = client.get(f"/admin/core/organisation/{world['yj_market'].pk}/change/")
    assert other.status_code != 200


def test_administrator_sees_every_region(client, world):
    html = as_user(client, world["administrator"]).get("/admin/core/organisation/").content.decode()
    assert "贵溪市市场监督管理局" in html and "余江区市场监督管理局" in html


def test_centre_manager_sees_only_their_regions_staff(client, world):
    make_staff("yj_clerk", world["yj_market"], name="余江窗口人员")
    html = as_user(client, world["manager"]).get("/admin/core/staff/").content.decode()
    assert "clerk" in html
    assert "余江窗口人员" not in html


def test_centre_manager_cannot_move_an_organisation_to_another_county(client, world):
    as_user(client, world["manager"])
    market = world["market"]
    response = client.post(
        f"/admin/core/organisation/{market.pk}/change/",
        organisation_form(market, region=world["county_b"].pk),
    )
    assert response.status_code == 200  # the form comes back with an error
    market.refresh_from_db()
    assert market.region == world["county_a"]


def test_centre_manager_cannot_grant_the_administrator_role(client, world):
    html = as_user(client, world["manager"]).get("/admin/core/staff/add/").content.decode()
    assert 'value="approver"' in html
    assert 'value="administrator"' not in html


def test_centre_manager_cannot_change_an_administrators_profile(client, world):
    sysadmin_here = make_staff("local_admin", world["market"], roles=[Role.ADMINISTRATOR])
    as_user(client, world["manager"])
    url = f"/admin/core/staff/{sysadmin_here.pk}/change/"
    response = client.post(url, {"name": "改名", "organisation": world["market"].pk})
    assert response.status_code == 403
    sysadmin_here.refresh_from_db()
    assert sysadmin_here.name == "local_admin"


# --- audit of admin changes -----------------------------------------------------------------------------


def test_admin_changes_are_audited(client, world):
    as_user(client, world["manager"])
    market = world["market"]
    response = client.post(
        f"/admin/core/organisation/{market.pk}/change/", organisation_form(market, phone="0701-3333333")
    )
    assert response.status_code == 302
    record = AuditRecord.objects.get(action="admin.changed")
    assert record.actor_id == world["manager"].user_id
    assert record.object_id == str(market.pk)
    assert "phone" in record.summary["fields"]

    client.post(f"/admin/core/window/{world['window'].pk}/delete/", {"post": "yes"})
    assert AuditRecord.objects.filter(action="admin.deleted", object_type="core.window").exists()
    assert audit.verify().ok


def test_adding_staff_with_roles_is_audited(client, world):
    as_user(client, world["manager"])
    account = make_user("newcomer")
    response = client.post(
        "/admin/core/staff/add/",
        {
            "user": account.pk,
            "name": "新同事",
            "organisation": world["market"].pk,
            "window": "",
            "phone": "",
            "title": "",
            "roles-TOTAL_FORMS": "1",
            "roles-INITIAL_FORMS": "0",
            "roles-MIN_NUM_FORMS": "0",
            "roles-MAX_NUM_FORMS": "1000",
            "roles-0-role": Role.APPROVER,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    staff = Staff.objects.get(user=account)
    assert staff.role_codes == {Role.APPROVER}
    assert list(AuditRecord.objects.values_list("action", flat=True)) == [
        "admin.added",
        "admin.roles_changed",
    ]


# --- the audit chain is read-only -----------------------------------------------------------------------


@pytest.fixture
def a_record(world):
    with transaction.atomic():
        return audit.record("test.act", world["market"], actor=world["clerk"].user)


@pytest.mark.parametrize("who", ["administrator", "superuser"])
def test_nobody_can_add_change_or_delete_an_audit_record(client, world, a_record, who):
    user = make_user("root", is_superuser=True) if who == "superuser" else world[who]
    as_user(client, user)
    base = "/admin/core/auditrecord/"
    assert client.get(base).status_code == 200
    assert client.get(f"{base}{a_record.pk}/change/").status_code == 200  # view only
    assert client.post(f"{base}{a_record.pk}/change/", {"action": "forged"}).status_code == 403
    assert client.post(f"{base}{a_record.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"{base}add/", {"action": "forged"}).status_code == 403
    listing = client.post(base, {"action": "delete_selected", "_selected_action": [a_record.pk]})
    assert listing.status_code in (200, 302)
    a_record.refresh_from_db()
    assert a_record.action == "test.act"
    assert audit.verify().ok


def test_centre_manager_cannot_read_the_audit_chain(client, world, a_record):
    as_user(client, world["manager"])
    assert client.get("/admin/core/auditrecord/").status_code == 403
    assert "审计记录" not in client.get("/admin/").content.decode()


def test_calendar_years_are_read_only(client, world):
    as_user(client, world["administrator"])
    assert client.get("/admin/core/calendaryear/").status_code == 200
    assert client.get("/admin/core/calendaryear/add/").status_code == 403


@pytest.mark.django_db
def test_centre_manager_adds_a_staff_member_with_an_account(client):
    from django.contrib.auth import get_user_model

    from tests.factories import make_organisation, make_staff

    centre_admin = make_organisation("贵溪市政务服务管理办公室")
    manager = make_staff("mgr_new", centre_admin, roles=[Role.CENTRE_MANAGER])
    client.force_login(manager.user)
    response = client.post(
        "/admin/core/staff/add/",
        {
            "username": "newclerk",
            "password": "Chuangkou#2026",
            "name": "新同事",
            "organisation": centre_admin.pk,
            "phone": "13800001111",
            "title": "",
            "roles-TOTAL_FORMS": "1",
            "roles-INITIAL_FORMS": "0",
            "roles-0-role": Role.WINDOW_CLERK,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = get_user_model().objects.get(username="newclerk")
    assert user.check_password("Chuangkou#2026")
    assert user.staff.name == "新同事" and user.staff.has_role(Role.WINDOW_CLERK)
    # the same user name again is refused with a message at the field
    again = client.post("/admin/core/staff/add/", {"username": "NEWCLERK", "password": "x", "name": "重复"})
    assert "已被使用" in again.content.decode()
