"""A county whose 开办餐饮店 involves three organisations: 市场监管局 (企业登记, 食品经营许可; the lead), 城管局
(排水许可) and 卫健委 (公共场所卫生许可); items made through the catalogue's services, staff of each, a centre manager
pair (one submits, the other publishes) and a published 开办餐饮店 bundle."""

import copy
import datetime as dt

import pytest

from tests.factories import make_centre, make_organisation, make_region, make_staff, make_user, make_window
from tests.worldcache import replayed
from zhengwu.cases import services as case_services
from zhengwu.core import clock, ids
from zhengwu.core.models import Role


def _item(name, legal, promised, materials, result, steps=None, **more):
    return {
        "name": name,
        "type": "01",
        "basic_code": "",
        "target": ["legal_person"],
        "legal_basis": [{"law": "《中华人民共和国行政许可法》", "article": "第十二条", "text": "……"}],
        "conditions": "符合条件。",
        "legal_limit": legal,
        "promised_limit": promised,
        "extension_days": 0,
        "instant": False,
        "online_depth": ["consult", "receive", "pre_review", "accept"],
        "materials": [{"name": m, "required": True, "medium": "either"} for m in materials],
        "steps": steps
        or [
            {"name": "受理", "role": "window_clerk", "days": 0},
            {"name": "审查", "role": "approver", "days": max(promised - 1, 0)},
            {"name": "决定", "role": "department_head", "days": 1 if promised else 0},
        ],
        "result": {"name": result, "kind": "licence", "delivery": ["window", "electronic"]},
        **more,
    }


REGISTRATION = _item(
    "企业登记",
    3,
    1,
    ["企业设立登记申请书", "住所(经营场所)使用证明", "法定代表人居民身份证"],
    "营业执照",
    steps=[
        {"name": "受理", "role": "window_clerk", "days": 0},
        {"name": "核准", "role": "approver", "days": 1},
    ],
)
FOOD = _item(
    "食品经营许可", 10, 5, ["食品经营许可申请书", "营业执照", "住所(经营场所)使用证明"], "食品经营许可证"
)
DRAINAGE = _item(
    "城镇污水排入排水管网许可", 20, 5, ["排水许可申请表", "营业执照", "排水管网图纸"], "排水许可证"
)
HYGIENE = _item(
    "公共场所卫生许可",
    20,
    5,
    ["公共场所卫生许可申请表", "营业执照", "法定代表人居民身份证"],
    "公共场所卫生许可证",
)
LONG = _item("建设项目环境影响报告书审批", 60, 20, ["环境影响报告书"], "环评批复")


def upload_all(joint, by):
    """The applicant uploads every material of the merged list once (those obtained from a prerequisite member's
    result, or obtained by the department by data sharing, excepted): what an online application needs before any member may grant."""
    from tests.cases.conftest import pdf_upload
    from zhengwu.joint import bundles, services

    with clock.frozen(clock.now() - dt.timedelta(minutes=30)):  # at the application, before any 补正 request
        for entry in bundles.materials_now(joint.version, joint=joint):
            if not entry.get("from_member") and not entry.get("by_sharing"):
                services.upload_material(joint=joint, by=by, position=entry["position"], upload=pdf_upload())


def publish(spec: dict, organisation):
    from zhengwu.catalog import services as catalog

    version = catalog.create_item(spec=copy.deepcopy(spec), organisation=organisation)
    catalog.submit(item=version.item)
    catalog.publish(item=version.item)
    version.item.refresh_from_db()
    return version.item


class W:
    pass


COUNTY_START = dt.datetime(2026, 11, 18, 10, 0, tzinfo=clock.LOCAL)


def build_county():
    clock.set_now(COUNTY_START)
    w = W()
    province = make_region("360000", "江西省")
    city = make_region("360600", "鹰潭市", parent=province)
    w.county = make_region("360681", "贵溪市", parent=city)
    w.admin_org = make_organisation("贵溪市政务服务管理局", region=w.county, short_name="政务服务管理局")
    w.market = make_organisation("贵溪市市场监督管理局", region=w.county, short_name="市场监管局")
    w.urban = make_organisation("贵溪市城市管理局", region=w.county, short_name="城管局")
    w.health = make_organisation("贵溪市卫生健康委员会", region=w.county, short_name="卫健委")
    w.env = make_organisation("贵溪市生态环境局", region=w.county, short_name="生态环境局")
    w.centre = make_centre("贵溪市政务服务中心", w.county, managed_by=w.admin_org)
    w.joint_window = make_window(w.centre, "1")
    w.market_window = make_window(w.centre, "9", organisations=[w.market])
    w.urban_window = make_window(w.centre, "12", organisations=[w.urban])
    w.health_window = make_window(w.centre, "15", organisations=[w.health])
    w.manager = make_staff("manager", w.admin_org, roles=[Role.CENTRE_MANAGER], name="周主任").user
    w.manager2 = make_staff("manager2", w.admin_org, roles=[Role.CENTRE_MANAGER], name="吴副主任").user
    w.supervisor = make_staff("supervisor", w.admin_org, roles=[Role.SUPERVISOR], name="监察员").user
    w.lead_clerk = make_staff(
        "lead_clerk", w.market, roles=[Role.WINDOW_CLERK], window=w.market_window, name="王主办"
    ).user
    w.market_approver = make_staff("market_approver", w.market, roles=[Role.APPROVER], name="赵审查").user
    w.market_head = make_staff("market_head", w.market, roles=[Role.DEPARTMENT_HEAD], name="孙科长").user
    w.urban_clerk = make_staff(
        "urban_clerk", w.urban, roles=[Role.WINDOW_CLERK], window=w.urban_window, name="钱城管"
    ).user
    w.urban_approver = make_staff("urban_approver", w.urban, roles=[Role.APPROVER], name="李城管").user
    w.urban_head = make_staff("urban_head", w.urban, roles=[Role.DEPARTMENT_HEAD], name="郑城管").user
    w.health_clerk = make_staff(
        "health_clerk", w.health, roles=[Role.WINDOW_CLERK], window=w.health_window, name="冯卫健"
    ).user
    w.health_approver = make_staff("health_approver", w.health, roles=[Role.APPROVER], name="陈卫健").user
    w.health_head = make_staff("health_head", w.health, roles=[Role.DEPARTMENT_HEAD], name="褚卫健").user
    w.registration = publish(REGISTRATION, w.market)
    w.food = publish(FOOD, w.market)
    w.drainage = publish(DRAINAGE, w.urban)
    w.hygiene = publish(HYGIENE, w.health)
    w.long = publish(LONG, w.env)
    return w


# built once per test process and replayed as rows for each test (tests/worldcache.py)
county = replayed(build_county, name="county", at=COUNTY_START)


def restaurant_spec(w, **changes):
    return {
        "name": "开办餐饮店",
        "category": "enterprise",
        "description": "开一家餐馆:营业执照、食品经营许可、排水许可、卫生许可一次申请。",
        "lead_organisation": w.market.pk,
        "stages": ["设立登记", "经营许可"],
        "members": [
            {"item": w.registration.code, "stage": 1},
            {"item": w.food.code, "stage": 2, "needs": [w.registration.code]},
            {"item": w.drainage.code, "stage": 2, "needs": [w.registration.code]},
            {"item": w.hygiene.code, "stage": 2, "needs": [w.registration.code]},
        ],
        **changes,
    }


def make_restaurant(county):
    """The published 开办餐饮店 bundle: drafted and submitted by one centre manager, published by the other."""
    from zhengwu.joint import bundles

    version = bundles.create_bundle(spec=restaurant_spec(county), user=county.manager)
    bundles.submit(bundle=version.bundle, user=county.manager)
    version = bundles.publish(bundle=version.bundle, user=county.manager2)
    county.bundle = version.bundle
    return version


@pytest.fixture
def restaurant(county):
    return make_restaurant(county)


@pytest.fixture
def company(county):
    return make_company()


def make_company():
    user = make_user("13900139000")
    applicant = case_services.register_applicant(
        kind="legal",
        name="贵溪市好味道餐饮有限公司",
        id_number=ids.make_uscc("9", "1", "360681", "MA35X7Q2"),
        legal_representative="李四",
        phone="13900139000",
    )
    applicant.user = user
    applicant.save()
    return applicant


def notified_joint(restaurant, county, company, *, materials: bool = True):
    """开办餐饮店 applied online by the company — every material of the merged list uploaded, unless `materials` is
    False — and the lead window's 联办通知 sent: the members' answers come next."""
    from zhengwu.joint import services

    joint = services.apply(
        bundle=restaurant.bundle, applicant=company, by=company.user, form={"subject": "开办好味道餐馆"}
    )
    if materials:
        upload_all(joint, company.user)
    services.lead_accept(joint=joint, by=county.lead_clerk)
    joint.refresh_from_db()
    return joint


def confirm_members(joint, county, positions=(1, 2, 3, 4)):
    """The members' own windows answer the 联办通知 with 确认材料齐全 (市场监管局 1 and 2, 城管局 3, 卫健委 4)."""
    from zhengwu.joint import services

    clerks = {1: county.lead_clerk, 2: county.lead_clerk, 3: county.urban_clerk, 4: county.health_clerk}
    for position in positions:
        services.confirm(joint=joint, position=position, by=clerks[position])
    joint.refresh_from_db()
    return joint


@pytest.fixture
def notified(restaurant, county, company):
    """Applied with every material, the 联办通知 sent (notified_joint)."""
    return notified_joint(restaurant, county, company)


@pytest.fixture
def handling(notified, county):
    """Every member confirmed its materials complete: accepted jointly (联合受理), each member case 办理中."""
    from zhengwu.joint.models import Phase

    joint = confirm_members(notified, county)
    assert joint.phase == Phase.HANDLING
    return joint
