import copy

import pytest
from django.contrib.auth import get_user_model

from zhengwu.core.ids import make_uscc
from zhengwu.core.models import Organisation, Region, Role, Staff, StaffRole

SPEC = {
    "name": "取水许可",
    "type": "01",
    "basic_code": "010012300000",
    "target": ["legal_person", "person"],
    "life_events": ["开办企业"],
    "themes": ["水利"],
    "legal_basis": [
        {
            "law": "《中华人民共和国水法》",
            "article": "第四十八条",
            "text": "直接从江河、湖泊或者地下取用水资源的……",
        }
    ],
    "conditions": "申请人取水符合水资源规划。",
    "legal_limit": 20,
    "promised_limit": 10,
    "extension_days": 10,
    "instant": False,
    "onsite_visits": 1,
    "online_depth": ["consult", "receive", "pre_review", "accept"],
    "window_authorised": True,
    "joint": False,
    "materials": [
        {
            "name": "取水许可申请书",
            "required": True,
            "form": "original",
            "copies": 1,
            "medium": "either",
            "source": "applicant",
            "rules": "加盖公章",
        },
        {
            "name": "水资源论证报告",
            "required": False,
            "condition": "取水量较大的",
            "form": "original",
            "copies": 2,
            "medium": "paper",
            "source": "applicant",
        },
    ],
    "steps": [
        {"name": "受理", "role": "window_clerk", "days": 1},
        {"name": "审查", "role": "approver", "days": 6},
        {"name": "决定", "role": "department_head", "days": 3},
    ],
    "fees": [],
    "result": {"name": "取水许可证", "kind": "licence", "delivery": ["window", "post"]},
    "faq": [{"q": "多久能办好?", "a": "承诺10个工作日。"}],
}


@pytest.fixture
def spec():
    """A valid item spec; each test gets its own copy to change."""
    return copy.deepcopy(SPEC)


@pytest.fixture
def make_spec():
    def make(**changes):
        return {**copy.deepcopy(SPEC), **changes}

    return make


@pytest.fixture
def county(db):
    province = Region.objects.create(code="360000", name="江西省", level=Region.Level.PROVINCE)
    city = Region.objects.create(code="360600", name="鹰潭市", level=Region.Level.CITY, parent=province)
    return Region.objects.create(code="360681", name="贵溪市", level=Region.Level.COUNTY, parent=city)


def _organisation(region, name, short_name, serial):
    uscc = make_uscc("1", "1", region.code, f"{serial:08d}")
    return Organisation.objects.create(name=name, short_name=short_name, uscc=uscc, region=region)


@pytest.fixture
def water(county):
    return _organisation(county, "贵溪市水利局", "水利局", 1001)


@pytest.fixture
def market(county):
    return _organisation(county, "贵溪市市场监督管理局", "市场监管局", 1002)


@pytest.fixture
def centre_admin(county):
    return _organisation(county, "贵溪市政务服务管理局", "政务服务管理局", 1003)


@pytest.fixture
def make_staff(db):
    def make(organisation, *roles, username=None):
        user = get_user_model().objects.create_user(
            username=username or f"u{get_user_model().objects.count() + 1}", password="x-Passw0rd!"
        )
        staff = Staff.objects.create(user=user, name=user.username, organisation=organisation)
        for role in roles:
            StaffRole.objects.create(staff=staff, role=role)
        return user

    return make


@pytest.fixture
def manager(make_staff, centre_admin):
    return make_staff(centre_admin, Role.CENTRE_MANAGER, username="manager")


@pytest.fixture
def approver(make_staff, water):
    return make_staff(water, Role.APPROVER, username="approver")


@pytest.fixture
def publish_item():
    """Create, submit and publish an item as the system; return the item."""
    from zhengwu.catalog import services

    def publish(spec, organisation=None, **kwargs):
        version = services.create_item(spec=spec, organisation=organisation)
        services.submit(item=version.item)
        services.publish(item=version.item, **kwargs)
        version.item.refresh_from_db()
        return version.item

    return publish
