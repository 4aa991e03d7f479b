"""A joint case's members reuse each other's licences: when 企业登记 is granted, its 营业执照 is issued and the members
that need it (食品经营许可, 排水许可, 卫生许可) take it from the library in the same transaction — no upload — each a
use in the licence's log, and both sides' case pages show it."""

import re

import pytest

from tests.joint.conftest import company, county, restaurant, upload_all  # noqa: F401 — the joint county's fixtures
from tests.joint.test_joint_cases import handle, members
from zhengwu.cases import services as case_services
from zhengwu.joint import services as joint
from zhengwu.licences.models import Licence, LicenceType, LicenceUse


@pytest.fixture
def handling(restaurant, county, company):  # noqa: F811
    """The 开办餐饮店 joint case accepted by every member (联合受理), with the 营业执照 licence type of 企业登记."""
    business = LicenceType.objects.create(
        code=f"{county.market.uscc}002", name="营业执照", material_names=["营业执照"], validity_years=0
    )
    business.organisations.add(county.market)
    business.items.add(county.registration)
    case = joint.apply(
        bundle=restaurant.bundle, applicant=company, by=company.user, form={"subject": "开办餐馆"}
    )
    upload_all(case, company.user)
    joint.lead_accept(joint=case, by=county.lead_clerk)
    for position, clerk in ((1, county.lead_clerk), (2, county.lead_clerk), (3, county.urban_clerk),
                            (4, county.health_clerk)):  # fmt: skip
        joint.confirm(joint=case, position=position, by=clerk)
    return members(case)


def test_the_registration_licence_goes_to_the_members_that_need_it(client, county, company, handling):  # noqa: F811
    m = handling
    market = {"approver": county.market_approver, "department_head": county.market_head,
              "window_clerk": county.lead_clerk}  # fmt: skip
    handle(m[1].case, market)
    licence = Licence.objects.get(case=m[1].case)
    assert licence.holder_id == company.id_number and licence.type.name == "营业执照"
    uses = licence.uses.filter(purpose=LicenceUse.Purpose.REUSE)
    assert {u.case_id for u in uses} == {m[2].case.pk, m[3].case.pk, m[4].case.pk}
    assert all(u.note == f"营业执照:由联办成员办件 {m[1].case.number} 的办理结果获取,无需提交" for u in uses)
    assert not m[3].case.materials.filter(name="营业执照").exists()  # nothing uploaded

    # the urban department sees the licence through its member case (免提交), and the case page says so
    client.force_login(county.urban_approver)
    assert client.get(f"/workbench/licences/{licence.identifier}/").status_code == 200
    page = client.get(f"/workbench/cases/{m[3].case.number}/").content.decode()
    assert (
        f"已从电子证照库调取营业执照(编号 {licence.number},现有效)作为申请材料「营业执照」,"
        f"由联办成员办件 {m[1].case.number} 的办理结果获取,无需提交。"
    ) in page
    # the issuing member's page names the members that took it
    client.force_login(county.market_head)
    page = client.get(f"/workbench/cases/{m[1].case.number}/").content.decode()
    assert f"本办件签发:营业执照(编号 {licence.number},有效)" in page
    assert f"联办成员办件 {m[3].case.number} 已从电子证照库调取本证照" in page
    # the applicant sees it on the member case and in the wallet's use log
    client.force_login(company.user)
    page = client.get(f"/cases/mine/{m[2].case.number}/").content.decode()
    assert f"已从电子证照库调取营业执照(编号 {licence.number},现有效)作为申请材料「营业执照」" in page
    assert m[4].case.number in client.get(f"/licences/{licence.identifier}/").content.decode()


def _row(page: str, name: str) -> str:
    """The material table's row (workbench <tr>, portal <li>) of the material `name`."""
    rows = re.findall(r"<(?:tr|li)[^>]*>(?:(?!</(?:tr|li)>).)*</(?:tr|li)>", page, re.S)
    return next(r for r in rows if name in r and ("材料" in r or "*" in r))


def test_the_material_table_says_the_taken_licence_not_missing(client, county, company, handling):  # noqa: F811
    m = handling
    market = {"approver": county.market_approver, "department_head": county.market_head,
              "window_clerk": county.lead_clerk}  # fmt: skip
    handle(m[1].case, market)
    licence = Licence.objects.get(case=m[1].case)
    client.force_login(county.urban_approver)
    row = _row(client.get(f"/workbench/cases/{m[3].case.number}/").content.decode(), "营业执照 *")
    assert f"已调取(电子证照库,编号 {licence.number})" in row and "未提供" not in row
    client.force_login(company.user)
    row = _row(client.get(f"/cases/mine/{m[2].case.number}/").content.decode(), "营业执照 *")
    assert f"已调取(电子证照库,编号 {licence.number})" in row and "未上传" not in row


def test_a_withdrawn_member_takes_nothing(county, company, handling):  # noqa: F811
    m = handling
    case_services.withdraw_case(case=m[4].case, by=company.user, reason="不再开办")
    market = {"approver": county.market_approver, "department_head": county.market_head,
              "window_clerk": county.lead_clerk}  # fmt: skip
    handle(m[1].case, market)
    licence = Licence.objects.get(case=m[1].case)
    taken = set(licence.uses.filter(purpose=LicenceUse.Purpose.REUSE).values_list("case_id", flat=True))
    assert taken == {m[2].case.pk, m[3].case.pk}


def test_the_joint_pages_cite_the_licence_number_not_the_decision_letter(client, county, company, handling):  # noqa: F811
    m = handling
    market = {"approver": county.market_approver, "department_head": county.market_head,
              "window_clerk": county.lead_clerk}  # fmt: skip
    handle(m[1].case, market)
    licence = Licence.objects.get(case=m[1].case)
    client.force_login(company.user)
    page = client.get(f"/bundles/cases/{m[1].joint.number}/").content.decode()
    assert f"的营业执照(证照编号 {licence.number}),无需提交" in page
    assert f'href="/verify/licence/{licence.identifier}"' in page
    assert "许字〔" not in page.split("各部门办理进度")[1].split("</div>\n</div>")[0]


def test_a_second_grant_of_a_one_per_holder_type_replaces_the_licence_and_others_warn(
    client,
    county,  # noqa: F811
    company,  # noqa: F811
    handling,
):
    from zhengwu.licences import services
    from zhengwu.licences.models import Status

    business = LicenceType.objects.get(name="营业执照")
    business.one_per_holder = True
    business.save()
    held = services._create(
        licence_type=business, issuer=county.market, holder_kind="legal", holder_name=company.name,
        holder_id=company.id_number, data={"subject": "原营业执照"},
    )  # fmt: skip
    m = handling
    # before the decision, the deciding staff are told what the grant does to the licence in force
    client.force_login(county.market_head)
    page = client.get(f"/workbench/cases/{m[1].case.number}/").content.decode()
    assert "申请人已持有有效的营业执照(每个持证主体只持一本)。准予后将换发" in page and held.number in page
    market = {"approver": county.market_approver, "department_head": county.market_head,
              "window_clerk": county.lead_clerk}  # fmt: skip
    handle(m[1].case, market)
    new = Licence.objects.get(case=m[1].case)
    held.refresh_from_db()
    assert held.status == Status.REPLACED and (new.number, new.version) == (held.number, 2)
    assert (
        Licence.objects.filter(holder_id=company.id_number, type=business, status=Status.VALID).count() == 1
    )


def test_the_staff_case_page_links_a_licence_only_where_it_opens(client, county, handling):  # noqa: F811
    from tests.factories import make_staff
    from zhengwu.cases.models import Case
    from zhengwu.core.models import Role

    m = handling
    market = {"approver": county.market_approver, "department_head": county.market_head,
              "window_clerk": county.lead_clerk}  # fmt: skip
    handle(m[1].case, market)
    licence = Licence.objects.get(case=m[1].case)
    # a general window's clerk sees the case received at the centre's windows, not the 市场监管局's licences
    Case.objects.filter(pk=m[1].case.pk).update(window=county.joint_window)
    general = make_staff(
        "general_clerk", county.admin_org, roles=[Role.WINDOW_CLERK], window=county.joint_window
    ).user
    client.force_login(general)
    page = client.get(f"/workbench/cases/{m[1].case.number}/").content.decode()
    assert licence.number in page and f"/workbench/licences/{licence.identifier}/" not in page
    assert client.get(f"/workbench/licences/{licence.identifier}/").status_code == 404
    client.force_login(county.market_head)  # its issuer opens it from the same page
    page = client.get(f"/workbench/cases/{m[1].case.number}/").content.decode()
    assert f"/workbench/licences/{licence.identifier}/" in page
