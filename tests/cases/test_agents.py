"""Agents (代理人/代办人) in the domain: the power of attorney (授权委托书, material 0) required online, uploaded,
listed and asked for like any material; an agent online cannot rewrite another applicant's record."""

import copy

import pytest

from tests.cases.conftest import ITEM, at, pdf_upload, publish, resident_id
from zhengwu.cases import selectors, services
from zhengwu.cases.models import POWER_OF_ATTORNEY
from zhengwu.core import clock
from zhengwu.core.errors import ValidationFailed

AGENT = {"name": "张三", "id_number": resident_id(), "phone": "13800138000"}


@pytest.fixture
def agent_draft(world):
    return services.save_draft(
        item=world.item,
        applicant=world.company,
        by=world.citizen_user,
        form={"subject": "代公司申请"},
        agent=AGENT,
    )


def test_the_power_of_attorney_is_listed_first_and_required_online(world, agent_draft):
    first = selectors.material_checklist(agent_draft)[0]
    assert (first["position"], first["name"], first["required"], first["missing"]) == (
        0,
        "授权委托书",
        True,
        True,
    )
    assert services.missing_materials(agent_draft)[0]["name"] == "授权委托书"
    services.upload_material(
        case=agent_draft, by=world.citizen_user, position=POWER_OF_ATTORNEY, upload=pdf_upload()
    )
    assert not selectors.material_checklist(agent_draft)[0]["missing"]
    assert all(m["position"] != 0 for m in services.missing_materials(agent_draft))


def test_at_the_counter_the_clerk_checks_the_paper_one(world):
    """The grant requires the power of attorney of an agent's application whatever the channel
    (submission.required_materials): at the counter it is required too, missing until the clerk ticks the paper one
    on the paper checklist (until 2026-12-07 the page called it optional there and the grant then refused)."""
    case = services.submit_case(
        item=world.item,
        applicant=world.company,
        by=world.clerk,
        channel="counter",
        window=world.dedicated,
        form={"subject": "窗口代办"},
        agent=AGENT,
    )
    first = selectors.material_checklist(case)[0]
    assert first["name"] == "授权委托书" and first["required"] and first["missing"] and first["paper"]


def test_no_power_of_attorney_without_an_agent(world):
    case = services.submit_case(
        item=world.item, applicant=world.citizen, by=world.citizen_user, form={"subject": "x"}
    )
    with pytest.raises(ValidationFailed, match="没有登记代理人") as err:
        services.upload_material(
            case=case, by=world.citizen_user, position=POWER_OF_ATTORNEY, upload=pdf_upload()
        )
    assert err.value.field == "power_of_attorney"
    assert selectors.material_checklist(case)[0]["position"] == 1


def test_the_power_of_attorney_is_checked_by_content(world, agent_draft):
    with pytest.raises(ValidationFailed, match="不是 PDF、JPEG、PNG 或 OFD"):
        services.upload_material(
            case=agent_draft,
            by=world.citizen_user,
            position=POWER_OF_ATTORNEY,
            upload=pdf_upload("委托书.pdf", b"MZ\x90\x00"),
        )


def test_the_window_may_ask_for_it_in_a_supplement(world, agent_draft):
    services.upload_material(
        case=agent_draft, by=world.citizen_user, position=POWER_OF_ATTORNEY, upload=pdf_upload()
    )
    case = services.submit_case(
        item=world.item, applicant=world.company, by=world.citizen_user, agent=AGENT, draft=agent_draft
    )
    clock.set_now(at("2026-09-29"))  # the next day: the file uploaded before the request does not answer it
    request = services.request_supplement(
        case=case, by=world.clerk, items=[{"position": POWER_OF_ATTORNEY, "problem": "未加盖公章"}]
    )
    assert request.items == [{"position": 0, "name": "授权委托书", "problem": "未加盖公章"}]
    with pytest.raises(ValidationFailed, match="尚未补交:授权委托书"):
        services.supply_supplement(case=case, by=world.citizen_user)
    services.upload_material(
        case=case, by=world.citizen_user, position=POWER_OF_ATTORNEY, upload=pdf_upload()
    )
    assert services.supply_supplement(case=case, by=world.citizen_user).status == "received"


def test_an_agent_online_cannot_rewrite_a_known_applicant(world):
    with pytest.raises(ValidationFailed, match="不一致") as err:
        services.register_applicant(
            kind="legal", name="另一家公司", id_number=world.company.id_number, by=world.citizen_user
        )
    assert err.value.field == "name"
    same = services.register_applicant(
        kind="legal",
        name="贵溪市好味道餐饮有限公司",
        id_number=world.company.id_number,
        phone="13000000000",
        legal_representative="王五",
        by=world.citizen_user,
    )
    same.refresh_from_db()
    assert same == world.company and same.phone == "13900139000" and same.legal_representative == "李四"
    # Staff at the window (who see the papers) and the applicant's own account still update the record.
    services.register_applicant(
        kind="legal",
        name="贵溪市好味道餐饮有限公司",
        id_number=world.company.id_number,
        phone="13000000000",
        by=world.clerk,
    )
    world.company.refresh_from_db()
    assert world.company.phone == "13000000000"
    services.register_applicant(
        kind="natural",
        name="张三",
        id_number=world.citizen.id_number,
        phone="13800138001",
        by=world.citizen_user,
    )
    world.citizen.refresh_from_db()
    assert world.citizen.phone == "13800138001"


# ---- an item that lists its own 授权委托书 material: that material is the power of attorney, asked for once

OWN_POA_ITEM = {
    **copy.deepcopy(ITEM),
    "name": "个体工商户登记",
    "materials": [
        {"name": "个体工商户登记（备案）申请书", "required": True, "medium": "either"},
        {"name": "住所（经营场所）使用证明", "required": True, "medium": "either"},
        {
            "name": "授权委托书及受托人居民身份证",
            "required": False,
            "condition": "委托他人代为办理的提供",
            "medium": "either",
        },
    ],
}


@pytest.fixture
def own_poa_draft(world):
    item = publish(OWN_POA_ITEM, world.bureau)
    return services.save_draft(
        item=item, applicant=world.company, by=world.citizen_user, form={"subject": "代办登记"}, agent=AGENT
    )


def test_an_item_with_its_own_power_of_attorney_lists_it_once(world, own_poa_draft):
    rows = selectors.material_checklist(own_poa_draft)
    assert [r["position"] for r in rows] == [1, 2, 3]  # no extra row 0
    poa_row = rows[2]
    assert (poa_row["name"], poa_row["required"], poa_row["missing"]) == (
        "授权委托书及受托人居民身份证",
        True,  # required online for an agent, although the item marks it optional
        True,
    )
    assert selectors.power_of_attorney_position(own_poa_draft.version) == 3
    missing = services.missing_materials(own_poa_draft)
    assert [m["position"] for m in missing] == [1, 2, 3]
    with pytest.raises(ValidationFailed) as err:
        services.submit_case(
            item=own_poa_draft.item,
            applicant=world.company,
            by=world.citizen_user,
            agent=AGENT,
            draft=own_poa_draft,
        )
    assert err.value.code == "agent.power_of_attorney_missing"


def test_an_upload_to_the_items_own_power_of_attorney_satisfies_the_requirement(world, own_poa_draft):
    services.upload_material(case=own_poa_draft, by=world.citizen_user, position=3, upload=pdf_upload())
    assert [m["position"] for m in services.missing_materials(own_poa_draft)] == [1, 2]
    assert not selectors.material_checklist(own_poa_draft)[2]["missing"]
    case = services.submit_case(
        item=own_poa_draft.item,
        applicant=world.company,
        by=world.citizen_user,
        agent=AGENT,
        draft=own_poa_draft,
    )
    assert case.status == "received"
    assert not case.materials.filter(position=POWER_OF_ATTORNEY).exists()


def test_material_zero_goes_to_the_items_own_power_of_attorney(world, own_poa_draft):
    row = services.upload_material(
        case=own_poa_draft, by=world.citizen_user, position=POWER_OF_ATTORNEY, upload=pdf_upload()
    )
    assert (row.position, row.name) == (3, "授权委托书及受托人居民身份证")
    rows = selectors.material_checklist(own_poa_draft)
    assert len(rows) == 3 and len(rows[2]["files"]) == 1
    case = services.submit_case(
        item=own_poa_draft.item,
        applicant=world.company,
        by=world.citizen_user,
        agent=AGENT,
        draft=own_poa_draft,
    )
    clock.set_now(at("2026-09-29"))
    request = services.request_supplement(
        case=case, by=world.clerk, items=[{"position": POWER_OF_ATTORNEY, "problem": "未签字"}]
    )
    assert request.items == [{"position": 3, "name": "授权委托书及受托人居民身份证", "problem": "未签字"}]


def test_without_an_agent_the_items_own_power_of_attorney_stays_optional(world):
    item = publish(OWN_POA_ITEM, world.bureau)
    case = services.submit_case(
        item=item, applicant=world.citizen, by=world.citizen_user, form={"subject": "x"}
    )
    rows = selectors.material_checklist(case)
    assert [r["position"] for r in rows] == [1, 2, 3] and not rows[2]["required"] and not rows[2]["missing"]
    assert [m["position"] for m in services.missing_materials(case)] == [1, 2]
