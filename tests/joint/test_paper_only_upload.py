"""A joint application's material that every member using it takes on paper only (载体 纸质): as on a single item's
application, the applicant's case page offers no file input for it and says to bring the original to the window
(where and when the member item's guide says), and a file the applicant uploads anyway (page or API) is refused with
the same words; nothing reaches the member cases. The lead window may still file a scan of what it received."""

import copy
import re

import pytest

from tests.cases.conftest import pdf_upload
from tests.joint.conftest import FOOD, publish
from zhengwu.cases.models import CaseMaterial
from zhengwu.catalog import selectors as catalog_selectors
from zhengwu.core.errors import ValidationFailed
from zhengwu.joint import bundles, services

PLAN = "经营场所平面布局图原件"
FOOD_PLAN = copy.deepcopy(FOOD)
FOOD_PLAN["name"] = "食品经营许可(含平面图)"
FOOD_PLAN["materials"].append({"name": PLAN, "required": True, "medium": "paper"})
WHERE = "办理地点:贵溪市政务服务中心二楼 12 号窗口;办公时间:工作日 9:00-17:00"


@pytest.fixture
def joint(county, company):
    food = publish(FOOD_PLAN, county.market)
    version = food.current_version
    version.address, version.opening_hours = "贵溪市政务服务中心二楼 12 号窗口", "工作日 9:00-17:00"
    version.save(update_fields=["address", "opening_hours"])
    catalog_selectors.forget_published()
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
    draft = bundles.create_bundle(spec=spec, user=county.manager)
    bundles.submit(bundle=draft.bundle, user=county.manager)
    bundle = bundles.publish(bundle=draft.bundle, user=county.manager2).bundle
    return services.apply(
        bundle=bundle,
        applicant=company,
        by=company.user,
        form={"subject": "开办食品店", "contact_phone": "13900139000"},
    )


def position_of(joint) -> int:
    return next(e["position"] for e in joint.version.merged_materials if e["name"] == PLAN)


def row_of(html: str, position: int) -> str:
    table = html[html.index("材料(一次提交") :]
    return next(r for r in table[: table.index("</table>")].split("<tr")[1:] if PLAN in r)


def test_the_page_says_to_bring_the_original_instead_of_a_file_input(client, joint, company):
    client.force_login(company.user)
    page = client.get(f"/bundles/cases/{joint.number}/").content.decode()
    row = row_of(page, position_of(joint))
    assert 'type="file"' not in row
    said = re.search(r'id="hand-in-\d+"[^>]*>(.*?)</p>', row, re.S).group(1)
    assert (
        said
        == f"此项只收纸质原件,不能网上上传:提交申请后请携带原件到受理窗口核验({WHERE}),窗口收到原件后才能受理。"
    )
    assert page.count('type="file"') >= 1  # the other materials keep theirs


def test_the_applicants_file_is_refused_and_the_lead_window_may_file_a_scan(client, joint, company, county):
    position = position_of(joint)
    refusal = f"「{PLAN}」只收纸质原件,不能网上上传,请携带原件到受理窗口提交({WHERE})"
    with pytest.raises(ValidationFailed) as refused:
        services.upload_material(joint=joint, by=company.user, position=position, upload=pdf_upload())
    assert refused.value.message == refusal
    client.force_login(company.user)
    answer = client.post(
        f"/bundles/cases/{joint.number}/upload/", {"position": position, "file": pdf_upload("平面图.pdf")}
    )
    assert answer.status_code == 422 and refusal in answer.content.decode()
    api = client.post(
        f"/api/joint/cases/{joint.number}/materials/{position}", {"file": pdf_upload("平面图.pdf")}
    )
    assert api.status_code == 422 and api.json()["message"] == refusal
    assert not CaseMaterial.objects.filter(
        case__joint_member__joint=joint
    ).exists()  # nothing reached a member

    assert (
        services.upload_material(joint=joint, by=county.lead_clerk, position=position, upload=pdf_upload())
        == 1
    )
