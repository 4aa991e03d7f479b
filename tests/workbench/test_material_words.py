"""One word for a required material provided in no way, wherever a material's row shows it: 未上传 — the portal's,
and the joint page's — on the staff case page's material table and its 补正 form too (they said 未提供 where the
applicant's page said 未上传 for the same row). 未提供 stays the sentence that says a material is provided in no way
at all: the acceptance form's warning and a 补正 item's default problem (未提供该材料)."""

import pytest

from tests.cases.conftest import pdf_upload, world  # noqa: F401
from zhengwu.cases import services


def _row(html: str, table: str, name: str) -> str:
    start = html.index(table)
    rows = html[start : html.index("</table>", start)].split("<tr")
    return next(r for r in rows if name in r)


@pytest.fixture
def applied(world):  # noqa: F811
    """张三's online application: the application form uploaded, the licence copy (2, required) not."""
    case = services.submit_case(
        item=world.item, applicant=world.citizen, by=world.citizen_user, form={"subject": "申请开店"}
    )
    services.upload_material(case=case, by=world.citizen_user, position=1, upload=pdf_upload())
    return case


def test_the_staff_case_page_names_a_missing_material_as_the_applicants_page_does(client, world, applied):  # noqa: F811
    client.force_login(world.citizen_user)
    mine = client.get(f"/cases/mine/{applied.number}/").content.decode()
    start = mine.index("营业执照复印件", mine.index('id="case-materials"'))  # its row (下一步 names it too)
    assert "未上传" in mine[start : mine.index("</li>", start)]

    client.force_login(world.clerk)
    page = client.get(f"/workbench/cases/{applied.number}/").content.decode()
    row = _row(page, 'id="materials"', "营业执照复印件")
    assert "未上传" in row and "未提供" not in row
    assert "未上传" not in _row(page, 'id="materials"', "食品经营许可申请书")  # its file is there
    badge = page[page.index('for="sup-2"') : page.index("</label>", page.index('for="sup-2"'))]
    assert "(未上传)" in badge and "未提供" not in badge
    # what the 补正 notice will say of it, and the acceptance warning, mean provided in no way at all
    assert 'name="sup_problem_2" placeholder="存在的问题" value="未提供该材料"' in page
    assert "以下必需材料尚未提供" in page
