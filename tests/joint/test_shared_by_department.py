"""A material a member department obtains itself by data sharing (catalogue source 部门共享获取): the bundle's one
material list never asks the applicant for it — the guide and the application page say 部门共享获取,无需提交, the
joint case's pages offer no upload (the portal's) nor scan (the counter's 联合收件) for it, the service refuses
one, and the member confirms its materials complete without it."""

import copy

import pytest

from tests.cases.conftest import pdf_upload
from tests.joint.conftest import FOOD, publish, upload_all
from zhengwu.core.errors import ValidationFailed
from zhengwu.joint import bundles, services

SHARED_NAME = "食品安全抽检信息"
FOOD_SHARED = copy.deepcopy(FOOD)
FOOD_SHARED["name"] = "食品经营许可(含抽检信息)"
FOOD_SHARED["materials"].append(
    {
        "name": SHARED_NAME,
        "required": True,
        "medium": "electronic",
        "source": "shared",
        "issuer": "市场监管部门",
        "rules": "通过部门间信息共享获取,无需提交",
    }
)


@pytest.fixture
def bundle(county):
    food = publish(FOOD_SHARED, county.market)
    spec = {
        "name": "开办食品店",
        "category": "enterprise",
        "description": "营业执照、食品经营许可一次申请。",
        "lead_organisation": county.market.pk,
        "stages": ["设立登记", "经营许可"],
        "members": [
            {"item": county.registration.code, "stage": 1},
            {"item": food.code, "stage": 2, "needs": [county.registration.code]},
        ],
    }
    version = bundles.create_bundle(spec=spec, user=county.manager)
    bundles.submit(bundle=version.bundle, user=county.manager)
    return bundles.publish(bundle=version.bundle, user=county.manager2).bundle


@pytest.fixture
def joint(bundle, county, company):
    joint = services.apply(
        bundle=bundle,
        applicant=company,
        by=company.user,
        form={"subject": "开办食品店", "contact_phone": "13900139000"},
    )
    upload_all(joint, company.user)
    return joint


def _row(html: str, start: str) -> str:
    table = html[html.index(start) :]
    table = table[: table.index("</table>")]
    return next(r for r in table.split("<tr")[1:] if SHARED_NAME in r)


def test_the_guide_and_the_application_page_say_the_department_obtains_it(client, bundle, company):
    guide = client.get(f"/bundles/{bundle.code}/").content.decode()
    row = _row(guide, "一次提交的材料")
    assert "部门共享获取,无需提交" in row
    assert "1项由部门共享获取、无需提交" in guide
    client.force_login(company.user)
    apply = client.get(f"/bundles/{bundle.code}/apply/").content.decode()
    needed = apply[apply.index("提交后需上传的材料") :]
    assert f"{SHARED_NAME}(部门共享获取,无需提交)" in needed


def test_the_joint_case_pages_offer_no_upload_for_it(client, joint, county, company):
    entry = next(e for e in joint.version.merged_materials if e["name"] == SHARED_NAME)
    client.force_login(company.user)
    row = _row(client.get(f"/bundles/cases/{joint.number}/").content.decode(), "材料(一次提交")
    assert "部门共享获取,无需提交" in row and 'type="file"' not in row and f"{SHARED_NAME} *" not in row
    assert "未上传" not in row
    client.force_login(county.lead_clerk)
    row = _row(client.get(f"/workbench/joint/{joint.number}/").content.decode(), 'id="joint-materials"')
    assert "部门共享获取,无需提交" in row and 'type="file"' not in row and "未上传" not in row
    with pytest.raises(ValidationFailed, match="部门共享获取,无需上传"):
        services.upload_material(
            joint=joint, by=company.user, position=entry["position"], upload=pdf_upload()
        )

    # nor does the member's answer to the 联办通知 wait for it: its materials are complete without it
    services.lead_accept(joint=joint, by=county.lead_clerk)
    services.confirm(joint=joint, position=1, by=county.lead_clerk)
    services.confirm(joint=joint, position=2, by=county.lead_clerk)
    assert all(m.answer == "confirmed" for m in joint.members.all())
