import itertools

import pytest
from django.contrib.auth import get_user_model

from tests.worldcache import replayed
from zhengwu.core.ids import make_uscc
from zhengwu.core.models import Organisation, Region, Role, Staff, StaffRole
from zhengwu.tickets import services
from zhengwu.tickets.models import Category, Channel, Kind

_seq = itertools.count(1)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_org(name: str, region: Region, duties: str = "", parent=None, **fields) -> Organisation:
    n = next(_seq)
    return Organisation.objects.create(
        name=name,
        uscc=make_uscc("1", "1", "360781", f"{n:08d}"),
        region=region,
        duties=duties,
        parent=parent,
        **fields,
    )


def make_staff(username: str, org: Organisation, *roles: str, name: str = "") -> object:
    user = get_user_model().objects.create_user(username, password="pw-for-tests-1")
    staff = Staff.objects.create(user=user, name=name or username, organisation=org)
    for role in roles:
        StaffRole.objects.create(staff=staff, role=role)
    return user


class World:
    pass


def build_world():
    w = World()
    w.county = Region.objects.create(code="360781", name="瑞金市", level=Region.Level.COUNTY)
    w.town = Region.objects.create(
        code="360781100", name="象湖镇", level=Region.Level.TOWNSHIP, parent=w.county
    )
    w.town2 = Region.objects.create(
        code="360781101", name="沙洲坝镇", level=Region.Level.TOWNSHIP, parent=w.county
    )
    w.centre = make_org("瑞金市政务服务中心", w.county, "12345热线 政务服务", is_hotline_centre=True)
    w.housing = make_org("瑞金市住房和城乡建设局", w.county, "住房 物业 小区 燃气 建筑工地 噪音 施工")
    w.transport = make_org("瑞金市交通运输局", w.county, "公交 出租车 道路 客运")
    w.hrss = make_org("瑞金市人力资源和社会保障局", w.county, "社保 养老保险 工资拖欠 就业 劳动")
    w.operator = make_staff("operator", w.centre, Role.HOTLINE_OPERATOR, name="话务员小王")
    w.manager = make_staff("manager", w.centre, Role.CENTRE_MANAGER, name="中心主任")
    w.supervisor = make_staff("supervisor", w.centre, Role.SUPERVISOR, name="监察员")
    w.housing_clerk = make_staff("housing", w.housing, Role.APPROVER, name="住建经办")
    w.transport_clerk = make_staff("transport", w.transport, Role.APPROVER, name="交通经办")
    w.hrss_clerk = make_staff("hrss", w.hrss, Role.APPROVER, name="人社经办")
    w.root = Category.objects.create(code="city", name="城乡建设")
    w.noise = Category.objects.create(
        code="city.noise", name="施工噪音", parent=w.root, default_organisation=w.housing
    )
    w.bus = Category.objects.create(code="traffic.bus", name="公交出行")
    w.social = Category.objects.create(
        code="social", name="社会保障", handle_workdays=10, max_extension_workdays=5
    )
    return w


world = replayed(
    build_world, name="world"
)  # built once per test process, replayed as rows (tests/worldcache.py)


def file(world, **kw):
    """A complaint about building-site noise, filed by the hotline operator (what a test changes is given)."""
    args = dict(
        kind=Kind.COMPLAINT,
        channel=Channel.HOTLINE,
        category=world.noise,
        content="象湖镇红都大道工地夜间施工噪音扰民,凌晨两点还在打桩",
        caller_name="张伟",
        caller_phone="13979712345",
        address="象湖镇红都大道18号",
        region=world.town,
        by=world.operator,
    )
    args.update(kw)
    return services.file_ticket(**args)
