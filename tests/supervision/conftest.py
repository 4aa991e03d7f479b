"""A county with a market-regulation bureau implementing a promised item (10 working days promised, 20 legal, with a
fee) and an instant one; its staff, a supervisor of the county, windows at the centre; the clock on Monday
2026-09-28, the week before National Day (2026-10-01 … 07 off, Saturday 2026-10-10 worked)."""

import copy
import datetime as dt

import pytest

from tests.factories import (
    PASSWORD,
    make_centre,
    make_organisation,
    make_region,
    make_staff,
    make_window,
    paper_checklist,
)
from tests.worldcache import replayed
from zhengwu.cases import services as cases
from zhengwu.core import clock, ids
from zhengwu.core.models import Organisation, Role
from zhengwu.tickets.models import Category

ITEM = {
    "name": "食品经营许可",
    "type": "01",
    "basic_code": "",
    "target": ["legal_person", "person"],
    "legal_basis": [
        {"law": "《中华人民共和国食品安全法》", "article": "第三十五条", "text": "从事食品销售……"}
    ],
    "conditions": "有与经营的食品品种、数量相适应的经营场所。",
    "legal_limit": 20,
    "promised_limit": 10,
    "extension_days": 10,
    "instant": False,
    "materials": [
        {"name": "食品经营许可申请书", "required": True, "medium": "either"},
        {"name": "营业执照复印件", "required": True, "form": "copy", "medium": "either"},
        {"name": "场所平面图", "required": False, "medium": "either"},
    ],
    "steps": [
        {"name": "受理", "role": "window_clerk", "days": 1},
        {"name": "审查", "role": "approver", "days": 6},
        {"name": "决定", "role": "department_head", "days": 3},
    ],
    "fees": [
        {"name": "工本费", "standard": "每证 10 元", "amount": "10.00", "basis": "赣发改收费〔2020〕1号"}
    ],
    "result": {"name": "食品经营许可证", "kind": "licence", "delivery": ["window", "post"]},
}
INSTANT = {
    **copy.deepcopy(ITEM),
    "name": "个体工商户名称变更登记",
    "legal_limit": 0,
    "promised_limit": 0,
    "extension_days": 0,
    "instant": True,
    "fees": [],
    "steps": [{"name": "受理", "role": "window_clerk", "days": 0}],
    "result": {"name": "营业执照", "kind": "licence", "delivery": ["window"]},
}


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=clock.LOCAL)


def publish(spec: dict, organisation):
    from zhengwu.catalog import services as catalog

    version = catalog.create_item(spec=copy.deepcopy(spec), organisation=organisation)
    catalog.submit(item=version.item)
    catalog.publish(item=version.item)
    version.item.refresh_from_db()
    return version.item


class World:
    pass


WORLD_START = at("2026-09-28", 9)


def build_world():
    clock.set_now(WORLD_START)
    province = make_region("360000", "江西省")
    city = make_region("360600", "鹰潭市", parent=province)
    county = make_region("360681", "贵溪市", parent=city)
    other_county = make_region("360622", "余江区", parent=city)
    w = World()
    w.county = county
    w.government = make_organisation("贵溪市人民政府", region=county, kind=Organisation.Kind.GOVERNMENT)
    admin_org = make_organisation("贵溪市政务服务管理局", region=county, short_name="政务服务办")
    w.bureau = make_organisation("贵溪市市场监督管理局", region=county, short_name="市场监管局")
    w.water = make_organisation("贵溪市水利局", region=county, short_name="水利局")
    w.discipline = make_organisation("贵溪市纪委监委", region=county, short_name="纪委监委")
    w.far_bureau = make_organisation("余江区市场监督管理局", region=other_county, short_name="余江市场监管局")
    w.centre = make_centre("贵溪市政务服务中心", county, managed_by=admin_org)
    w.general = make_window(w.centre, "1")
    w.dedicated = make_window(w.centre, "8", organisations=[w.bureau])
    w.clerk = make_staff("clerk", w.bureau, roles=[Role.WINDOW_CLERK], window=w.dedicated, name="王窗口").user
    w.general_clerk = make_staff(
        "general", admin_org, roles=[Role.WINDOW_CLERK], window=w.general, name="李综窗"
    ).user
    w.chief = make_staff(
        "chief",
        w.bureau,
        roles=[Role.WINDOW_CLERK, Role.APPROVER, Role.DEPARTMENT_HEAD],
        window=w.dedicated,
        window_authorised=True,
        name="首席代表",
    ).user
    w.approver = make_staff("approver", w.bureau, roles=[Role.APPROVER], name="赵审查").user
    w.head = make_staff("head", w.bureau, roles=[Role.DEPARTMENT_HEAD], name="孙科长").user
    w.all_rounder = make_staff(
        "allround", w.bureau, roles=[Role.WINDOW_CLERK, Role.APPROVER, Role.DEPARTMENT_HEAD], name="全能"
    ).user
    w.water_head = make_staff(
        "waterhead", w.water, roles=[Role.DEPARTMENT_HEAD, Role.APPROVER], name="水利科长"
    ).user
    w.supervisor = make_staff("supervisor", w.discipline, roles=[Role.SUPERVISOR], name="周监察").user
    w.far_supervisor = make_staff("farsup", w.far_bureau, roles=[Role.SUPERVISOR], name="余江监察").user
    w.item = publish(ITEM, w.bureau)
    w.instant_item = publish(INSTANT, w.bureau)
    w.company = cases.register_applicant(
        kind="legal",
        name="贵溪市好味道餐饮有限公司",
        id_number=ids.make_uscc("9", "1", "360681", "MA35X7Q2"),
        legal_representative="李四",
        phone="13900139000",
    )
    w.password = PASSWORD
    return w


# built once per test process and replayed as rows for each test (tests/worldcache.py)
world = replayed(build_world, name="world", at=WORLD_START)


def submit(w, *, when=None, item=None, by=None, window=None):
    return cases.submit_case(
        item=item or w.item,
        applicant=w.company,
        by=by or w.clerk,
        channel="counter",
        window=window or w.dedicated,
        form={"subject": "申请食品经营许可(餐饮服务)"},
        at=when,
    )


def accepted_case(w, *, when=None):
    case = submit(w, when=when)
    return cases.accept_case(case=case, paper=paper_checklist(case), by=w.clerk, at=when)


def decided_case(w, *, on: str | None = None):
    """Accepted now (2026-09-28), reviewed and decided by different people — the clock moved to `on` first."""
    case = accepted_case(w)
    if on:
        clock.set_now(at(on))
    cases.claim_step(case=case, by=w.approver)
    cases.complete_step(case=case, by=w.approver, opinion="材料齐全,符合条件")
    cases.claim_step(case=case, by=w.head)
    return cases.decide_case(case=case, by=w.head, grant=True)


@pytest.fixture
def signed_in(client):
    def sign(user):
        client.force_login(user)
        return client

    return sign


@pytest.fixture
def more(world):
    """The supervision world with a disclosure officer and a hotline centre."""
    centre_org = world.centre.managed_by
    centre_org.is_hotline_centre = True  # its operators take the 12345 calls
    centre_org.save(update_fields=["is_hotline_centre"])
    world.officer = make_staff("officer", world.bureau, roles=[Role.DISCLOSURE_OFFICER], name="公开专员").user
    world.operator = make_staff("operator", centre_org, roles=[Role.HOTLINE_OPERATOR], name="话务员").user
    world.manager = make_staff("manager", centre_org, roles=[Role.CENTRE_MANAGER], name="中心主任").user
    world.food = Category.objects.create(code="food", name="食品安全", default_organisation=world.bureau)
    return world


def a_request(w, *, when: str = "2026-09-28", description: str = "2026年食品经营许可发放情况"):
    """Received in person on `when` (Monday 2026-09-28: reply due 2026-10-30, 20 working days, National Day
    skipped), registered by the bureau's disclosure officer."""
    from zhengwu.disclosure import services as disclosure

    clock.set_now(at(when))
    return disclosure.file_request(
        organisation=w.bureau,
        channel="in_person",
        requester_kind="natural_person",
        requester_name="张三",
        description=description,
        phone="13800138000",
        by=w.officer,
    )


def a_ticket(w, *, when: str = "2026-09-30", channel: str = "hotline", dispatch: bool = True):
    """Filed (and dispatched to the bureau) on `when` at 10:00 — on Wednesday 2026-09-30: acknowledge by 2026-10-09
    23:59:59, answer by 2026-10-13 23:59:59."""
    from zhengwu.tickets import services as tickets

    clock.set_now(at(when))
    ticket = tickets.file_ticket(
        kind="complaint",
        channel=channel,
        category=w.food,
        content="小区门口早餐店无证经营,卫生条件差",
        caller_name="李四",
        caller_phone="13900139001",
        by=w.operator,
    )
    return tickets.dispatch_ticket(ticket=ticket, lead=w.bureau, by=w.operator) if dispatch else ticket


def instant_case(w, moment: dt.datetime | None = None):
    """An instant case received and completed on the spot at the bureau's window 8 (at `moment`, if given)."""
    if moment is not None:
        clock.set_now(moment)
    case = cases.submit_case(
        item=w.instant_item,
        applicant=w.company,
        by=w.clerk,
        channel="counter",
        window=w.dedicated,
        form={"subject": "变更名称"},
    )
    return cases.handle_instantly(case=case, paper=paper_checklist(case), by=w.clerk)
