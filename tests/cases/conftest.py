"""A county with a market-regulation bureau that implements two items (a promised one and an instant one), its
staff, a general window at the centre, and applicants; items are made through the catalogue's own services."""

import copy
import datetime as dt

import pytest

from tests.factories import (
    PASSWORD,
    PDF_BYTES,
    make_centre,
    make_organisation,
    make_region,
    make_staff,
    make_user,
    make_window,
    paper_checklist,
)
from tests.worldcache import replayed
from zhengwu.cases import services
from zhengwu.core import clock, ids
from zhengwu.core.models import Role

ITEM = {
    "name": "食品经营许可",
    "type": "01",
    "basic_code": "",
    "target": ["legal_person", "person"],
    "legal_basis": [
        {"law": "《中华人民共和国食品安全法》", "article": "第三十五条", "text": "从事食品生产、食品销售……"}
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
    "result": {"name": "食品经营许可证", "kind": "licence", "delivery": ["window", "post"]},
}
INSTANT = {
    **copy.deepcopy(ITEM),
    "name": "个体工商户名称变更登记",
    "legal_limit": 0,
    "promised_limit": 0,
    "extension_days": 0,
    "instant": True,
    "steps": [{"name": "受理", "role": "window_clerk", "days": 0}],
    "result": {"name": "营业执照", "kind": "licence", "delivery": ["window"]},
}


def resident_id(birth: str = "19900101", serial: str = "123") -> str:
    body = f"360681{birth}{serial}"
    return body + ids.ric_check_character(body)


def publish(spec: dict, organisation):
    from zhengwu.catalog import services as catalog

    version = catalog.create_item(spec=copy.deepcopy(spec), organisation=organisation)
    catalog.submit(item=version.item)
    catalog.publish(item=version.item)
    version.item.refresh_from_db()
    return version.item


WORLD_START = dt.datetime(2026, 9, 28, 9, 0, tzinfo=clock.LOCAL)


def build_world():
    """Everything a case needs, at 09:00 on Monday 2026-09-28 (the week before National Day)."""
    clock.set_now(WORLD_START)
    province = make_region("360000", "江西省")
    city = make_region("360600", "鹰潭市", parent=province)
    county = make_region("360681", "贵溪市", parent=city)
    admin_org = make_organisation("贵溪市政务服务管理局", region=county, short_name="政务服务管理局")
    bureau = make_organisation(
        "贵溪市市场监督管理局", region=county, short_name="市场监管局", phone="0701-3333333"
    )
    other = make_organisation("贵溪市水利局", region=county, short_name="水利局")
    centre = make_centre("贵溪市政务服务中心", county, managed_by=admin_org)
    general = make_window(centre, "1")
    dedicated = make_window(centre, "8", organisations=[bureau])

    class W:
        pass

    w = W()
    w.county, w.bureau, w.other, w.centre, w.general, w.dedicated = (
        county,
        bureau,
        other,
        centre,
        general,
        dedicated,
    )
    w.clerk = make_staff("clerk", bureau, roles=[Role.WINDOW_CLERK], window=dedicated, name="王窗口").user
    w.general_clerk = make_staff(
        "general", admin_org, roles=[Role.WINDOW_CLERK], window=general, name="李综窗"
    ).user
    w.approver = make_staff("approver", bureau, roles=[Role.APPROVER], name="赵审查").user
    w.approver2 = make_staff("approver2", bureau, roles=[Role.APPROVER], name="钱审查").user
    w.head = make_staff("head", bureau, roles=[Role.DEPARTMENT_HEAD], name="孙科长").user
    w.outsider = make_staff(
        "outsider", other, roles=[Role.WINDOW_CLERK, Role.APPROVER, Role.DEPARTMENT_HEAD]
    ).user
    w.item = publish(ITEM, bureau)
    w.instant_item = publish(INSTANT, bureau)
    w.citizen_user = make_user("13800138000", email="zhang@example.com")
    w.citizen = services.register_applicant(
        kind="natural", name="张三", id_number=resident_id(), phone="13800138000", email="zhang@example.com"
    )
    w.citizen.user = w.citizen_user
    w.citizen.save()
    w.company = services.register_applicant(
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


def at(day: str, hour: int = 10) -> dt.datetime:
    """A moment in China on a day, for tests that move the clock."""
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=clock.LOCAL)


def pdf_upload(name: str = "申请书.pdf", body: bytes = PDF_BYTES):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, body, content_type="application/octet-stream")


@pytest.fixture
def submitted(world):
    """The company's application filed at the dedicated window on 2026-09-28."""
    return services.submit_case(
        item=world.item,
        applicant=world.company,
        by=world.clerk,
        channel="counter",
        window=world.dedicated,
        form={"subject": "申请食品经营许可(餐饮服务)"},
    )


@pytest.fixture
def accepted(world, submitted):
    return services.accept_case(case=submitted, by=world.clerk, paper=paper_checklist(submitted))


AGENT_ID = resident_id("19851203", "456")


@pytest.fixture
def personal_case(world):
    """张三's application, brought by an agent (王建国) to the dedicated window, with the default form's 联系人 and
    联系电话 filled and a material whose file name carries the applicant's name: personal data wherever staff look."""
    case = services.submit_case(
        item=world.item,
        applicant=world.citizen,
        by=world.clerk,
        channel="counter",
        window=world.dedicated,
        form={"subject": "开一家小吃店", "contact_name": "李秀英", "contact_phone": "13912345678"},
        agent={"name": "王建国", "id_number": AGENT_ID, "phone": "13700001111"},
    )
    services.upload_material(case=case, by=world.clerk, position=1, upload=pdf_upload("张三申请书.pdf"))
    return case
