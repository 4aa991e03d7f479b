"""A material a member department has come to obtain by data sharing (部门共享获取) since the bundle was published:
the bundle's pages read the member item's list as it is now — the guide, the application page and the API say
部门共享获取,无需提交 and an application made since offers no upload for it and refuses one — without anyone
republishing the bundle. An application made before keeps asking for it: its member case is handled under the
item's version that asks the applicant."""

import copy

import pytest

from tests.cases.conftest import pdf_upload
from tests.joint.conftest import FOOD, publish, upload_all
from zhengwu.catalog import services as catalog
from zhengwu.catalog import specs
from zhengwu.core.errors import ValidationFailed
from zhengwu.joint import bundles, services

CHECKED = "食品安全抽检信息"
FOOD_CHECKED = copy.deepcopy(FOOD)
FOOD_CHECKED["name"] = "食品经营许可(含抽检信息)"
FOOD_CHECKED["materials"].append({"name": CHECKED, "required": True, "medium": "either"})


@pytest.fixture
def food(county):
    return publish(FOOD_CHECKED, county.market)


@pytest.fixture
def bundle(county, food):
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


def now_shared(food) -> None:
    """The bureau publishes the item's next version: the inspection record is now got by data sharing."""
    spec = specs.from_version(food.current_version)  # what the item says now, its codes included
    spec["materials"][-1].update(
        source="shared", medium="electronic", rules="通过部门间信息共享获取,无需提交"
    )
    catalog.edit_item(item=food, spec=spec, reason="抽检信息改由部门间共享获取")
    catalog.submit(item=food)
    catalog.publish(item=food, reason="抽检信息改由部门间共享获取")


def apply(bundle, company):
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
    return next(r for r in table.split("<tr")[1:] if CHECKED in r)


def test_the_guide_the_application_page_and_the_api_say_the_department_now_obtains_it(
    client, bundle, food, company
):
    assert "部门共享获取" not in _row(
        client.get(f"/bundles/{bundle.code}/").content.decode(), "一次提交的材料"
    )
    now_shared(food)
    guide = client.get(f"/bundles/{bundle.code}/").content.decode()
    assert "部门共享获取,无需提交" in _row(guide, "一次提交的材料") and "1项由部门共享获取、无需提交" in guide
    client.force_login(company.user)
    page = client.get(f"/bundles/{bundle.code}/apply/").content.decode()
    assert f"{CHECKED}(部门共享获取,无需提交)" in page[page.index("提交后需上传的材料") :]
    [entry] = [
        m for m in client.get(f"/api/joint/bundles/{bundle.code}").json()["materials"] if m["name"] == CHECKED
    ]
    assert entry["by_sharing"] is True


def test_an_application_made_since_offers_no_upload_for_it(client, bundle, food, county, company):
    now_shared(food)
    joint = apply(bundle, company)
    client.force_login(company.user)
    row = _row(client.get(f"/bundles/cases/{joint.number}/").content.decode(), "材料(一次提交")
    assert "部门共享获取,无需提交" in row and 'type="file"' not in row and "未上传" not in row
    position = next(e["position"] for e in joint.version.merged_materials if e["name"] == CHECKED)
    with pytest.raises(ValidationFailed, match="部门共享获取,无需上传"):
        services.upload_material(joint=joint, by=company.user, position=position, upload=pdf_upload())
    services.lead_accept(joint=joint, by=county.lead_clerk)
    services.confirm(joint=joint, position=1, by=county.lead_clerk)
    services.confirm(joint=joint, position=2, by=county.lead_clerk)  # complete without it
    assert all(m.answer == "confirmed" for m in joint.members.all())


def test_an_application_made_before_keeps_asking_for_it(client, bundle, food, company):
    joint = services.apply(
        bundle=bundle,
        applicant=company,
        by=company.user,
        form={"subject": "开办食品店", "contact_phone": "13900139000"},
    )
    now_shared(food)
    client.force_login(company.user)
    row = _row(client.get(f"/bundles/cases/{joint.number}/").content.decode(), "材料(一次提交")
    assert 'type="file"' in row and "部门共享获取" not in row
