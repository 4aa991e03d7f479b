"""The centre manager's bundle editor (一件事): a draft from a form — name, category, lead, stages, member items
with their stage and prerequisites — with every refusal in Chinese at its field."""

import re

import pytest
from django.contrib.auth import get_user_model

from tests.joint.conftest import restaurant_spec
from zhengwu.core.errors import ValidationFailed
from zhengwu.joint import bundles
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


def test_every_mistake_is_said_at_once_at_its_field(restaurant, county, client):
    _manager(client)
    answer = client.post(
        "/workbench/joint/bundles/new/", _form(county, name="", lead_organisation="", member_2_stage="0")
    )
    assert answer.status_code == 422
    html = answer.content.decode()
    # the missing name, the missing lead department and row 2's stage in one answer (was: the lead alone)
    assert "请填写一件事名称" in _invalid_at(html, "name")
    assert "请选择牵头(主办)部门" in _invalid_at(html, "lead_organisation")
    assert "阶段从1开始编号" in _invalid_at(html, "member_2_stage")
    assert "有 3 处需要修改" in html


def test_a_reviewer_reads_the_submitted_draft_before_publishing(restaurant, county, client):
    from zhengwu.joint import bundles

    _manager(client)
    client.post("/workbench/joint/bundles/new/", _form(county))
    bundle = Bundle.objects.get(versions__name="开办旅馆")
    bundles.submit(bundle=bundle, user=get_user_model().objects.get(username="manager"))
    client.force_login(get_user_model().objects.get(username="manager2"))
    listing = client.get("/workbench/joint/bundles/").content.decode()
    assert f'href="/workbench/joint/bundles/{bundle.code}/">开办旅馆</a>' in listing
    page = client.get(f"/workbench/joint/bundles/{bundle.code}/").content.decode()
    assert "第1版 待审核" in page
    # the departments, stages, prerequisite and merged materials the applicants would be shown, and the buttons
    stages = page[page.index('id="bundle-stages"') :]
    assert (
        county.hygiene.current_version.name in stages and county.registration.current_version.name in stages
    )
    assert "一次提交的材料" in stages
    assert 'id="publish-form"' in page and 'id="return-form"' in page


def test_a_refused_save_keeps_the_same_rows(restaurant, county, client):
    _manager(client)
    first = client.get("/workbench/joint/bundles/new/").content.decode()
    assert first.count('name="member_') // 3 == 3  # three blank rows (item, stage, prerequisites each)
    again = client.post("/workbench/joint/bundles/new/", {"rows": "3", "name": ""}).content.decode()
    # still three rows after a refused save (was three more each time: 6, 9, …)
    assert again.count("<tr data-row=") == 3 and 'name="member_4_item"' not in again
    typed = client.post("/workbench/joint/bundles/new/", _form(county, name="")).content.decode()
    assert typed.count("<tr data-row=") == 5  # the two members typed and three blank rows, as when reopened


def test_a_forged_row_count_is_refused_not_read_as_no_rows(restaurant, county, client):
    """rows=abc was read as none: the members typed were dropped without a word."""
    _manager(client)
    for rows, says in (("abc", "成员行数无效,请刷新页面后重新填写"), ("99", "一件事最多 40 个成员行")):
        page = client.post("/workbench/joint/bundles/new/", _form(county, rows=rows))
        assert page.status_code < 500 and says in page.content.decode()
    assert not Bundle.objects.filter(versions__name="开办旅馆").exists()


def test_what_is_typed_too_long_is_refused_at_its_field_not_cut_short(restaurant, county, client):
    """延期批准 over 200 characters, 调整理由 over 500, a reviewer's 退回意见 over 500: refused naming the field and its
    limit, nothing saved — bundles kept the first characters without a word (the API's path as the page's). The
    inputs say their limits."""
    _manager(client)
    html = client.post(
        "/workbench/joint/bundles/new/", _form(county, extension_approval="批" * 201)
    ).content.decode()
    assert "「延期批准」最长 200 个字,现有 201 个字" in _invalid_at(html, "extension_approval")
    for key, limit, label in (("extension_approval", 200, "延期批准"), ("reason", 500, "调整理由")):
        with pytest.raises(ValidationFailed) as err:
            bundles.create_bundle(
                spec={**restaurant_spec(county), key: "长" * (limit + 1)}, user=county.manager
            )
        said = dict(getattr(err.value, "errors", [(err.value.field, err.value.message)]))
        assert said[key] == f"{label}最长 {limit} 个字,现有 {limit + 1} 个字"
    assert Bundle.objects.count() == 1  # the restaurant only
    version = bundles.create_bundle(spec=restaurant_spec(county, name="开办小吃店"), user=county.manager)
    bundles.submit(bundle=version.bundle, user=county.manager)
    client.force_login(county.manager2)  # the reviewer: 发布 and 退回 on the list
    listing = client.get("/workbench/joint/bundles/").content.decode()
    assert 'name="reason" maxlength="500"' in listing and 'name="note" maxlength="500"' in listing
    with pytest.raises(ValidationFailed, match="退回意见最长 500 个字,现有 501 个字") as err:
        bundles.return_to_draft(bundle=version.bundle, note="改" * 501, user=county.manager2)
    assert err.value.field == "note"
    with pytest.raises(ValidationFailed, match="调整理由最长 500 个字,现有 501 个字") as err:
        bundles.publish(bundle=version.bundle, reason="调" * 501, user=county.manager2)
    assert err.value.field == "reason"
    version.refresh_from_db()
    assert version.status == "submitted" and version.review_note == ""
