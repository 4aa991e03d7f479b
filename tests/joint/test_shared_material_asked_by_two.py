"""The applicant's page of a joint case: one material two departments need, flagged 需补正 by both, is one line
naming each department with its own reason."""

from tests.joint.test_joint_cases import applied, members  # noqa: F401 — the joint case, applied and uploaded
from zhengwu.cases.models import Status
from zhengwu.joint import services


def test_a_shared_material_asked_by_two_departments_says_who_asked_what(applied, county, company, client):  # noqa: F811
    joint = applied
    services.lead_accept(joint=joint, by=county.lead_clerk)
    services.confirm(joint=joint, position=2, by=county.lead_clerk)
    services.confirm(joint=joint, position=3, by=county.urban_clerk)
    entry = next(e for e in joint.version.merged_materials if e["name"] == "法定代表人居民身份证")
    at = {u["key"]: u["position"] for u in entry["members"]}
    assert set(at) == {1, 4}  # 企业登记 (市场监管局) and 公共场所卫生许可 (卫健委) both need it
    services.raise_missing(
        joint=joint, position=1, by=county.lead_clerk, items=[{"position": at[1], "problem": "已过有效期"}]
    )
    services.raise_missing(
        joint=joint,
        position=4,
        by=county.health_clerk,
        items=[{"position": at[4], "problem": "复印件不清晰"}],
    )
    assert all(members(joint)[p].case.status == Status.SUPPLEMENT_REQUESTED for p in (1, 4))
    client.force_login(company.user)
    page = client.get(f"/bundles/cases/{joint.number}/").content.decode()
    table = page.split("材料(一次提交")[1]
    row = table.split("法定代表人居民身份证")[1].split("</td>")[0]
    assert row.count("需补正") == 1  # one line for the material
    assert "需补正:「市场监管局:已过有效期」「卫健委:复印件不清晰」" in row
