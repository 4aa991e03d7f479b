"""The application form in the catalogue editor is a table of fields (字段名, 标题, 类型, 必填 …), not JSON Schema to
type: a manager adds, changes and removes fields there; the JSON stays as the page's 高级 part. Saving a page unchanged
stores the schema it had (what the table has no column for rides along); a row's mistakes are said at its input."""

# ruff: noqa: F811 — the fixtures imported from test_catalog_pages
import copy
import json

import pytest

from tests.catalog.conftest import SPEC
from tests.workbench.test_catalog_editor_targets import oob_targets, page, posted
from tests.workbench.test_catalog_pages import approver, county, water, water_item  # noqa: F401 — fixtures
from zhengwu.cases.forms import DEFAULT_FORM
from zhengwu.catalog import services
from zhengwu.catalog.models import ItemVersion

pytestmark = pytest.mark.django_db

SCHEMA = {
    "type": "object",
    "properties": {
        "subject": {"type": "string", "title": "申请事项说明", "maxLength": 500},
        "shop_area": {"type": "number", "title": "经营场所面积(平方米)", "minimum": 0, "maximum": 100000},
        "opening": {"type": "string", "title": "拟开业日期", "format": "date", "x-not-before": "today"},
        "kind": {
            "type": "string",
            "title": "主体类型",
            "enum": ["个体工商户", "企业"],
            "description": "按营业执照填写",
        },
        "licence_no": {"type": "string", "title": "原许可证编号", "minLength": 6, "pattern": "^JY[0-9]+$"},
        "owner": {"type": "string", "title": "负责人", "maxLength": 40, "x-personal": "name"},
        "chain": {"type": "boolean", "title": "是否连锁经营"},
    },
    "required": ["subject", "shop_area"],
}


def _with_schema(item, schema):
    spec = copy.deepcopy(SPEC)
    spec["form_schema"] = copy.deepcopy(schema)
    services.edit_item(item=item, spec=spec, reason="设置申请表")
    return item.versions.order_by("-number").first()


def _draft(item) -> ItemVersion:
    return item.versions.order_by("-number").first()


def test_the_table_shows_each_field_and_saving_it_unchanged_keeps_the_schema(client, approver, water_item):
    _with_schema(water_item, SCHEMA)
    client.force_login(approver)
    path = f"/workbench/catalog/{water_item.code}/edit/"
    fields = page(client, path)
    shown = dict(fields.data)
    keys = [shown[f"fields-{i}-key"] for i in range(7)]
    assert keys == list(SCHEMA["properties"]) and shown["fields-7-key"] == ""  # then blank rows to add more
    row = {c: shown[f"fields-1-{c}"] for c in ("title", "kind", "required", "minimum", "maximum")}
    assert row == {"title": "经营场所面积(平方米)", "kind": "number", "required": "yes", "minimum": "0",
                   "maximum": "100000"}  # fmt: skip
    assert (shown["fields-2-kind"], shown["fields-3-kind"], shown["fields-3-options"]) == (
        "date_from_today", "choice", "个体工商户、企业"
    )  # fmt: skip
    assert (shown["fields-5-personal"], shown["fields-6-kind"], shown["fields-0-required"]) == (
        "name",
        "boolean",
        "yes",
    )
    html = client.get(path).content.decode()
    assert "该字段另有高级校验规则" in html  # licence_no's minLength and pattern, kept

    response = client.post(path, posted(fields, reason="只改理由"))
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert _draft(water_item).form_schema == SCHEMA


def test_a_manager_adds_changes_and_removes_fields_in_the_table(client, approver, water_item):
    _with_schema(water_item, SCHEMA)
    client.force_login(approver)
    path = f"/workbench/catalog/{water_item.code}/edit/"
    fields = page(client, path)
    data = posted(
        fields,
        reason="调整申请表",
        **{"fields-0-max_length": "300",  # a limit changed
           "fields-6-key": "", "fields-6-title": "",  # 是否连锁经营 removed (an emptied row is not kept)
           "fields-7-key": "staff_count", "fields-7-title": "从业人员数", "fields-7-kind": "integer",
           "fields-7-required": "yes", "fields-7-minimum": "1",
           "fields-8-key": "contact_phone", "fields-8-title": "联系电话", "fields-8-kind": "phone"},
    )  # fmt: skip
    assert client.post(path, data).status_code == 302
    schema = _draft(water_item).form_schema
    assert list(schema["properties"]) == [*list(SCHEMA["properties"])[:6], "staff_count", "contact_phone"]
    assert schema["properties"]["subject"]["maxLength"] == 300
    assert schema["properties"]["staff_count"] == {"type": "integer", "title": "从业人员数", "minimum": 1}
    assert schema["properties"]["contact_phone"] == {"type": "string", "title": "联系电话", "format": "phone"}
    assert schema["required"] == ["subject", "shop_area", "staff_count"]


def test_each_mistake_of_a_row_is_said_at_its_input_and_nothing_is_saved(client, approver, water_item):
    _with_schema(water_item, SCHEMA)
    client.force_login(approver)
    path = f"/workbench/catalog/{water_item.code}/edit/"
    fields = page(client, path)
    data = posted(
        fields,
        reason="调整申请表",
        **{"fields-7-key": "2area", "fields-7-title": "Area", "fields-7-kind": "integer", "fields-7-minimum": "1.5",
           "fields-8-key": "shop_area", "fields-8-title": "面积", "fields-8-kind": "choice",
           "fields-1-maximum": "-1", "fields-0-max_length": "很多"},
    )  # fmt: skip
    response = client.post(path, data)
    html = response.content.decode()
    assert response.status_code == 422
    for at, words in {
        "fields-7-key": "字段名只能由英文字母、数字和下划线组成",
        "fields-7-title": "标题须含中文",
        "fields-7-minimum": "应为整数",
        "fields-8-key": "字段名「shop_area」与上面的字段重复",
        "fields-8-options": "选项字段须列出可选值",
        "fields-1-maximum": "最大值不能小于最小值",
        "fields-0-max_length": "最多字数应为正整数",
    }.items():
        place = html[html.index(f'id="err-{at}"') :]
        assert words in place[: place.index("</div>")], at
    assert _draft(water_item).form_schema == SCHEMA  # nothing saved
    # what was typed is shown again, to be corrected
    assert 'value="2area"' in html and 'value="很多"' in html

    # the inline check says the same at the same places, and only at places the page has
    check = client.post(f"/workbench/catalog/{water_item.code}/check/", data).content.decode()
    assert "err-fields-7-minimum" in oob_targets(check) and "应为整数" in check
    assert oob_targets(check) <= page(client, path).ids


def test_an_item_on_the_default_form_shows_its_fields_and_stays_on_it_until_they_change(
    client, approver, water_item
):
    client.force_login(approver)
    path = f"/workbench/catalog/{water_item.code}/edit/"
    html = client.get(path).content.decode()
    assert "本事项使用默认申请表" in html
    fields = page(client, path)
    shown = dict(fields.data)
    assert [shown[f"fields-{i}-key"] for i in range(4)] == list(DEFAULT_FORM["properties"])
    assert client.post(path, posted(fields, reason="不改申请表")).status_code == 302
    assert _draft(water_item).form_schema == {}  # still the default form, not a copy of it
    data = posted(
        fields, reason="增加字段", **{"fields-4-key": "shop_area", "fields-4-title": "经营场所面积"}
    )
    assert client.post(path, data).status_code == 302
    schema = _draft(water_item).form_schema
    assert list(schema["properties"]) == [*DEFAULT_FORM["properties"], "shop_area"]


def test_the_json_edited_in_the_advanced_part_is_used_and_both_edited_is_refused(
    client, approver, water_item
):
    _with_schema(water_item, SCHEMA)
    client.force_login(approver)
    path = f"/workbench/catalog/{water_item.code}/edit/"
    changed = copy.deepcopy(SCHEMA)
    changed["properties"]["subject"]["maxLength"] = 200
    # the table and the JSON both changed: which one was meant cannot be told, so neither is saved
    both = posted(page(client, path), reason="两处都改", form_schema=json.dumps(changed, ensure_ascii=False),
                  **{"fields-0-max_length": "300"})  # fmt: skip
    response = client.post(path, both)
    html = response.content.decode()
    assert response.status_code == 422 and "字段表和 JSON 都作了修改" in html
    assert _draft(water_item).form_schema == SCHEMA
    # only the JSON changed (spaced as a person types it): it is saved
    typed = json.dumps(changed, ensure_ascii=False, indent=4).replace("\n", "\r\n")
    data = posted(page(client, path), reason="以 JSON 设置", form_schema=typed)
    assert client.post(path, data).status_code == 302
    assert _draft(water_item).form_schema == changed
    # and the JSON shown again, unchanged, with a change in the table: the table is saved
    data = posted(page(client, path), reason="改表", **{"fields-0-max_length": "100"})
    assert client.post(path, data).status_code == 302
    assert _draft(water_item).form_schema["properties"]["subject"]["maxLength"] == 100
