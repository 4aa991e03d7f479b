"""The applicant's joint page says how each merged material was provided (as the single-case page does) and, once
members decide, lists each member's result: department, result, 文号, the e-licence (linked in the wallet where it
opens), delivery; a refused member's decision with its reasons and legal basis — the staff joint page the same."""

import re

from tests.joint.test_endings import to_decision, workers
from tests.joint.test_joint_cases import handle, members
from zhengwu.cases import services as case_services
from zhengwu.joint import endings, selectors
from zhengwu.licences.models import LicenceType


def _row(html: str, name: str) -> str:
    """The material table row of one merged material."""
    return next(r for r in re.findall(r"<tr>.*?</tr>", html, re.S) if name in r)


def test_the_material_table_says_how_each_material_was_provided(handling, county, company, client):
    joint = handling
    client.force_login(company.user)
    page = client.get(f"/bundles/cases/{joint.number}/").content.decode()
    licence_row = _row(page, "营业执照")
    assert "由「企业登记」的结果获取" in licence_row and "未上传" not in licence_row
    assert "申请书.pdf" in _row(page, "排水管网图纸")  # uploaded: the file, as on the single-case page
    # and the member case's own page (食品经营许可) says the same, not 「2. 营业执照 *」未上传
    member = members(joint)[2].case
    own = client.get(f"/cases/mine/{member.number}/").content.decode()
    own_row = next(r for r in re.findall(r"<li.*?</li>", own, re.S) if "营业执照" in r)
    assert "由「企业登记」的结果获取,无需提交" in own_row and "未上传" not in own_row

    handle(
        members(joint)[1].case, workers(county, "market")
    )  # 企业登记 granted: 营业执照 obtained, not uploaded
    page = client.get(f"/bundles/cases/{joint.number}/").content.decode()
    licence_row = _row(page, "营业执照")
    assert "已获取(「企业登记」的办理结果)" in licence_row and "未上传" not in licence_row
    assert "未上传" not in page.split("材料(一次提交")[1]


def test_each_members_result_is_listed_for_the_applicant_and_staff(handling, county, company, client):
    joint = handling
    m = members(joint)
    business = LicenceType.objects.create(
        code=f"{county.market.uscc}002", name="营业执照", material_names=["营业执照"], validity_years=0
    )
    business.organisations.add(county.market)
    business.items.add(county.registration)
    handle(m[1].case, workers(county, "market"))  # its 营业执照 issued into the library
    to_decision(m[4].case, workers(county, "health"))
    endings.deny_member(
        joint=joint,
        position=4,
        by=county.health_head,
        reasons="经现场核查,经营场所通风设施不符合卫生规范",
        legal_basis="《公共场所卫生管理条例实施细则》第二十二条",
    )
    granted = m[1].case
    granted.refresh_from_db()
    notice = granted.notices.get(kind="grant")
    licence = granted.licences.get()

    client.force_login(company.user)
    page = client.get(f"/bundles/cases/{joint.number}/").content.decode()
    results = page[page.index('id="joint-results"') :]
    one = results[results.index('data-result="1"') :].split("</tr>")[0]
    assert "贵溪市市场监督管理局" in one and "准予许可" in one and "营业执照" in one
    assert notice.document_number in one and licence.number in one
    assert f'href="/licences/{licence.identifier}/"' in one  # in the company's wallet
    assert "待送达" in one
    four = results[results.index('data-result="4"') :].split("</tr>")[0]
    assert "不予许可" in four and "通风设施不符合卫生规范" in four and "第二十二条" in four
    assert 'data-result="2"' not in results  # undecided members are not listed as results

    client.force_login(county.urban_clerk)  # staff: the same list; the licence linked only where it opens
    staff_page = client.get(f"/workbench/joint/{joint.number}/").content.decode()
    assert 'id="joint-results"' in staff_page and licence.number in staff_page
    case_services.deliver_result(case=granted, by=county.lead_clerk, method="window")
    assert "已送达" in selectors.member_results(joint)[0]["delivery"]
    # the members that took it from the library say so in the applicant's material table (已调取 + number)
    client.force_login(company.user)
    page = client.get(f"/bundles/cases/{joint.number}/").content.decode()
    assert licence.number in _row(page, "营业执照") and "已调取" in _row(page, "营业执照")
