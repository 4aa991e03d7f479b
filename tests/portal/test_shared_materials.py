"""A material the department obtains itself by data sharing (catalogue source 部门共享获取, e.g. a 不动产 transfer's
完税凭证): the applicant hands in nothing, so no page asks for it — the online application form, the counter's
收件 form and the public guide say 部门共享获取,无需提交 and offer no upload for it."""

import pytest

from tests.cases.conftest import ITEM, publish, world  # noqa: F401 — fixtures

SHARED = {
    **ITEM,
    "name": "存量房转移登记",
    "materials": [
        {"name": "不动产登记申请书", "required": True, "medium": "either"},
        {
            "name": "完税凭证",
            "required": True,
            "medium": "electronic",
            "source": "shared",
            "issuer": "税务部门",
            "rules": "通过“一窗受理”信息共享获取,无需另行提交",
        },
    ],
}


@pytest.fixture
def shared_item(world):  # noqa: F811
    return publish(SHARED, world.bureau)


def test_the_online_application_form_offers_no_upload_for_a_shared_material(client, world, shared_item):  # noqa: F811
    """The form asked the applicant to upload the 完税凭证 (2. 完税凭证 *) the tax office sends by itself."""
    client.force_login(world.citizen_user)
    html = client.get(f"/cases/apply/{shared_item.code}/").content.decode()
    assert 'name="material_1"' in html and 'name="material_2"' not in html
    assert "2. 完税凭证 *" not in html
    assert "2. 完税凭证:" in html and "部门共享获取,无需提交" in html


def test_the_counter_form_offers_no_scan_for_a_shared_material(client, world, shared_item):  # noqa: F811
    client.force_login(world.clerk)
    html = client.get(f"/workbench/cases/counter/{shared_item.code}/").content.decode()
    assert 'name="material_1"' in html and 'name="material_2"' not in html
    assert "部门共享获取,无需提交" in html


def test_the_guide_says_a_shared_material_needs_no_submission(client, shared_item):
    """The guide's material table said 必需 beside the 完税凭证 as beside what the applicant really brings."""
    html = client.get(f"/services/{shared_item.code}/").content.decode()
    start = html.index('data-testid="materials"')
    table = html[start : html.index("</table>", start)]
    rows = table.split("<tr")[2:]
    assert "不动产登记申请书" in rows[0] and ">必需" in rows[0]
    assert "完税凭证" in rows[1] and "部门共享获取,无需提交" in rows[1] and ">必需" not in rows[1]
