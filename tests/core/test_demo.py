import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory

from tests.worldcache import replayed
from zhengwu.core import audit
from zhengwu.core.demo import demo_password, load_demo
from zhengwu.core.ids import check_uscc
from zhengwu.core.models import (
    AuditRecord,
    Organisation,
    Region,
    Role,
    ServiceCentre,
    Staff,
    StaffRole,
    Window,
)

pytestmark = pytest.mark.django_db

# Other data files (service items, tickets …) name departments by these short names.
SHORT_NAMES = [
    "发改局", "自然资源局", "住建局", "市场监管局", "公安局", "民政局", "人社局", "水利局", "交通运输局", "卫健委",
    "文旅局", "财政局", "生态环境局", "农业农村局", "教体局", "应急管理局", "医保局", "司法局", "退役军人事务局",
    "城管局", "林业局", "商务局", "税务局", "政务服务办", "政府办", "纪委监委", "不动产登记中心", "社保中心",
    "公积金", "12345热线",
]  # fmt: skip


def _counts() -> dict[str, int]:
    models = [Region, Organisation, ServiceCentre, Window, Staff, StaffRole, get_user_model(), AuditRecord]
    return {m.__name__: m.objects.count() for m in models} | {
        "window links": Window.organisations.through.objects.count()
    }


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Twenty-five accounts signing in one after another: the production hasher would take most of a minute.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# the demo county, loaded once per test process and replayed as rows for each test (tests/worldcache.py)
demo = replayed(load_demo, name="demo")


def test_the_county_and_its_townships(demo):
    county = Region.objects.get(code="360681")
    assert county.name == "贵溪市"
    assert county.parent.name == "鹰潭市" and county.parent.parent.name == "江西省"
    townships = county.children.filter(level=Region.Level.TOWNSHIP)
    assert townships.count() >= 19
    assert all(len(t.code) == 9 for t in townships)
    assert set(townships.values_list("name", flat=True)) >= {"雄石街道", "志光镇", "鸿塘镇", "樟坪畲族乡"}
    villages = Region.objects.filter(level=Region.Level.VILLAGE)
    assert villages.count() >= 4 and all(len(v.code) == 12 for v in villages)


def test_organisations_are_the_county_departments_with_valid_usccs(demo):
    assert Organisation.objects.filter(kind=Organisation.Kind.DEPARTMENT).count() >= 20
    for short_name in SHORT_NAMES:
        assert Organisation.objects.filter(short_name=short_name).count() == 1, short_name
    for org in Organisation.objects.all():
        assert check_uscc(org.uscc).valid, (org.name, org.uscc, check_uscc(org.uscc).reason)
        assert org.duties and org.phone and org.address, org.name
    government = Organisation.objects.get(name="贵溪市人民政府")
    assert Organisation.objects.get(short_name="市场监管局").parent == government
    assert Organisation.objects.get(short_name="不动产登记中心").parent.short_name == "自然资源局"
    assert Organisation.objects.get(short_name="政务服务办").kind == Organisation.Kind.SERVICE_CENTRE_ADMIN
    assert Organisation.objects.get(short_name="社保中心").uscc[:2] == "12"  # 事业单位
    assert Organisation.objects.get(name="志光镇人民政府").region.name == "志光镇"


def test_centres_and_windows(demo):
    centre = ServiceCentre.objects.get(name="贵溪市政务服务中心")
    assert centre.kind == ServiceCentre.Kind.CENTRE and centre.managed_by.short_name == "政务服务办"
    assert "9:00" in centre.opening_hours and centre.phone and centre.address
    assert centre.windows.count() >= 30
    general = centre.windows.filter(kind=Window.Kind.GENERAL)
    assert sorted(int(w.number) for w in general) == list(range(1, 9))
    # every window has its stationed organisations, but the fee window (收费窗口), which takes no applications
    assert all(w.organisations.exists() for w in centre.windows.filter(collects_fees=False))
    fee_window = centre.windows.get(collects_fees=True)
    assert fee_window.number == "42" and fee_window.kind == Window.Kind.DEDICATED
    assert fee_window.staff.get().user.username == "cashier"
    assert ServiceCentre.objects.filter(kind=ServiceCentre.Kind.TOWNSHIP).count() == 2
    assert ServiceCentre.objects.filter(kind=ServiceCentre.Kind.BRANCH).exists()
    assert ServiceCentre.objects.filter(kind=ServiceCentre.Kind.VILLAGE).exists()


def test_every_role_is_held_and_chief_representatives_sit_at_windows(demo):
    held = set(StaffRole.objects.values_list("role", flat=True))
    assert held == set(Role.values)
    chiefs = Staff.objects.filter(window_authorised=True)
    assert chiefs.count() >= 2 and all(s.window_id for s in chiefs)
    assert Staff.objects.get(user__username="supervisor").organisation.short_name == "纪委监委"
    assert Staff.objects.get(user__username="hotline").organisation.short_name == "12345热线"
    assert get_user_model().objects.get(username="admin").is_staff
    assert not get_user_model().objects.get(username="clerk").is_staff


def test_demo_logins_work(demo, client):
    assert {login.username for login in demo.logins} >= {
        "clerk", "approver", "head", "manager", "supervisor", "disclosure", "hotline", "admin",
    }  # fmt: skip
    for login in demo.logins:
        # The axes backend needs the request that carries the sign-in.
        assert client.login(request=RequestFactory().post("/accounts/login/"), username=login.username,
                            password=demo_password()), login.username  # fmt: skip
        client.logout()
    assert not client.login(
        request=RequestFactory().post("/accounts/login/"), username="clerk", password="wrong"
    )


def test_second_run_changes_nothing(demo):
    before = _counts()
    again = load_demo()
    assert _counts() == before
    assert not again.changed_anything
    assert again.unchanged == demo.created


def test_load_is_audited_and_drift_is_repaired(demo):
    assert AuditRecord.objects.filter(action="demo.created").count() == demo.created
    assert audit.verify().ok
    bureau = Organisation.objects.get(short_name="市场监管局")
    Organisation.objects.filter(pk=bureau.pk).update(phone="0000")
    StaffRole.objects.filter(staff__user__username="head").delete()
    again = load_demo()
    assert again.updated == 1 and again.links_set == 1
    assert Organisation.objects.get(pk=bureau.pk).phone == "0701-3312401"
    assert Staff.objects.get(user__username="head").has_role(Role.DEPARTMENT_HEAD)
    assert AuditRecord.objects.filter(action="demo.updated", object_id=str(bureau.pk)).exists()


def test_changed_password_is_kept_unless_reset_asked(demo, client):
    user = get_user_model().objects.get(username="clerk")
    user.set_password("my-own-secret-1")
    user.save()
    load_demo()
    user.refresh_from_db()
    assert user.check_password("my-own-secret-1")
    load_demo(reset_passwords=True)
    user.refresh_from_db()
    assert user.check_password(demo_password())


def test_the_hotline_centre_is_marked_as_such(demo):
    """The 12345 centre takes the calls and dispatches; it is no 承办单位 (Organisation.is_hotline_centre)."""
    marked = Organisation.objects.filter(is_hotline_centre=True).values_list("short_name", flat=True)
    assert list(marked) == ["12345热线"]
