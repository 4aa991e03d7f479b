"""The centre manager's bundle editor (一件事): a draft from a form — name, category, lead, stages, member items
with their stage and prerequisites — with every refusal in Chinese at its field."""

import re

from django.contrib.auth import get_user_model

from zhengwu.joint.models import Bundle


def _manager(client):
    client.force_login(get_user_model().objects.get(username="manager"))


def _form(county, **more) -> dict:
    data = {
        "rows": "3",
        "name": "开办旅馆",
        "category": "enterprise",
        "lead_organisation": str(county.market.pk),
        "stages": "",
        "member_1_item": county.registration.code,
        "member_1_stage": "1",
        "member_2_item": county.hygiene.code,
        "member_2_stage": "1",
        "member_2_needs": "1",
    }
    return {**data, **more}


def _invalid_at(html: str, name: str) -> str:
    """The error shown under the form field `name`."""
    field = re.search(rf'<(?:input|select|textarea)[^>]*name="{name}"[^>]*>.*?</td>|'
                      rf'<(?:input|select|textarea)[^>]*name="{name}"[^>]*>.*?</div>\s*</div>', html, re.S)  # fmt: skip
    assert field, name
    assert "is-invalid" in field.group(0)
    return re.sub(r"<[^>]+>", "", field.group(0))


def test_a_manager_drafts_a_bundle_on_the_page(restaurant, county, client):
    _manager(client)
    listing = client.get("/workbench/joint/bundles/").content.decode()
    assert 'href="/workbench/joint/bundles/new/"' in listing
    page = client.get("/workbench/joint/bundles/new/").content.decode()
    assert 'name="member_1_item"' in page and "前置成员" in page
    answer = client.post("/workbench/joint/bundles/new/", _form(county))
    assert answer.status_code == 302
    bundle = Bundle.objects.get(versions__name="开办旅馆")
    version = bundle.versions.get()
    assert version.status == "draft" and [m.needs for m in version.members.order_by("position")] == [[], [1]]
    # opened again: the members, their stages and prerequisites as row numbers, and blank rows to add more
    again = client.get(f"/workbench/joint/bundles/{bundle.code}/edit/").content.decode()
    assert f'value="{county.hygiene.code}" selected' in again and 'name="member_2_needs" value="1"' in again
    assert 'name="member_5_item"' in again


def test_errors_are_said_in_chinese_at_their_field(restaurant, county, client):
    _manager(client)
    answer = client.post(
        "/workbench/joint/bundles/new/",
        _form(county, name="", member_1_stage="2", member_1_needs="", member_2_needs="1"),
    )
    assert answer.status_code == 422
    html = answer.content.decode()
    assert "请填写一件事名称" in _invalid_at(html, "name")
    # member 2 (stage 1) needs member 1 (stage 2): said at row 2's prerequisites; the stage numbering at the table
    assert "在更后的阶段" in _invalid_at(html, "member_2_needs")
    assert 'id="bundle-errors"' in html and Bundle.objects.count() == 1  # nothing saved (the restaurant only)
    # what was typed is kept
    assert f'value="{county.registration.code}" selected' in html

    unknown = client.post("/workbench/joint/bundles/new/", _form(county, member_2_needs="3")).content.decode()
    assert "不是本一件事的成员" in _invalid_at(unknown, "member_2_needs")


def test_only_editors_open_the_editor(restaurant, county, client):
    client.force_login(county.urban_clerk)
    assert client.get("/workbench/joint/bundles/new/").status_code == 403
