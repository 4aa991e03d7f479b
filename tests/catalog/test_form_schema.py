"""An item's application form (申请表) as JSON Schema: what the rules accept, the spec round trip, the editor."""

import copy
import json

import pytest

from tests.catalog.conftest import SPEC
from tests.workbench.test_catalog_pages import _error_at, _form
from zhengwu.catalog import rules, services, specs
from zhengwu.core.models import Role

SCHEMA = {
    "type": "object",
    "properties": {
        "area": {"type": "number", "title": "经营场所面积(平方米)", "minimum": 1, "maximum": 100000},
        "scope": {"type": "string", "title": "经营项目", "enum": ["热食类", "冷食类", "糕点类"]},
        "online": {"type": "boolean", "title": "是否网络经营"},
        "opening": {"type": "string", "title": "拟开业日期", "format": "date"},
        "staff": {"type": "integer", "title": "从业人员人数", "minimum": 0},
        "note": {"type": "string", "title": "备注", "maxLength": 200, "description": "可不填"},
    },
    "required": ["area", "scope", "opening"],
}


def schema_with(**changes):
    schema = copy.deepcopy(SCHEMA)
    schema.update(changes)
    return schema


def prop(**rule):
    """The schema with its `area` property replaced."""
    schema = copy.deepcopy(SCHEMA)
    schema["properties"]["area"] = rule
    return schema


def test_a_valid_schema_and_none_at_all_pass():
    assert rules.check_form_schema(SCHEMA) == []
    assert rules.check_form_schema({}) == []
    assert rules.check_form_schema(None) == []
    assert rules.check_item({**copy.deepcopy(SPEC), "form_schema": SCHEMA}) == []


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        ([1, 2], "申请表应为 JSON 对象"),
        ('{"type": ', "申请表不是有效的 JSON:第1行"),
        (schema_with(type="array"), '申请表的 type 应为 "object"'),
        (schema_with(properties={}), "申请表应在 properties 中列出至少一个字段"),
        (schema_with(properties=["area"]), "申请表应在 properties 中列出至少一个字段"),
        (schema_with(oneOf=[]), "申请表含有不支持的关键字:oneOf"),
        (schema_with(additionalProperties=True), "additionalProperties 只能为 false"),
        (schema_with(required=["area", "colour"]), "必填字段「colour」不在 properties 中"),
        (schema_with(required="area"), "申请表的 required 应为字段名的列表"),
        (prop(type="number", title="Area"), "字段「area」需有中文标题(title)"),
        (prop(type="number"), "字段「area」需有中文标题(title)"),
        (prop(type="array", title="面积"), "字段「area」的类型「array」不支持"),
        (prop(type="object", title="面积"), "字段「area」的类型「object」不支持"),
        (prop(type="number", title="面积", maxLength=3), "字段「area」(数字)含有不支持的关键字:maxLength"),
        (prop(type="boolean", title="面积", enum=["是"]), "字段「area」(是或否)含有不支持的关键字:enum"),
        (prop(type="number", title="面积", minimum="1"), "字段「area」的 minimum 应为数字"),
        (prop(type="integer", title="面积", maximum=1.5), "字段「area」的 maximum 应为整数"),
        (prop(type="number", title="面积", minimum=5, maximum=1), "字段「area」的 minimum 大于 maximum"),
        (prop(type="string", title="面积", maxLength=-1), "字段「area」的 maxLength 应为不小于0的整数"),
        (prop(type="string", title="面积", enum=[]), "字段「area」的可选值(enum)应为不重复的文字列表"),
        (
            prop(type="string", title="面积", enum=["a", "a"]),
            "字段「area」的可选值(enum)应为不重复的文字列表",
        ),
        (prop(type="string", title="面积", enum=[1, 2]), "字段「area」的可选值(enum)应为不重复的文字列表"),
        (prop(type="string", title="面积", format="email"), "字段「area」的格式「email」不支持,只支持 date"),
        (
            prop(type="string", title="开业", **{"x-not-before": "today"}),
            "字段「area」的 x-not-before 只能用于日期字段,取值 today",
        ),
        (
            prop(type="string", title="开业", format="date", **{"x-not-before": "2026-01-01"}),
            "x-not-before 只能用于日期字段,取值 today",
        ),
        (
            prop(type="string", title="面积", pattern="("),
            "字段「area」的格式规则(pattern)不是有效的正则表达式",
        ),
        (prop(type="string", title="面积", description=3), "字段「area」的说明(description)应为文字"),
        (
            prop(type="string", title="联系人", **{"x-personal": "surname"}),
            "字段「area」:x-personal 只能是 name、phone、id_number、address、email 或 false",
        ),
        (prop(type="string", title="联系人", **{"x-personal": True}), "字段「area」:x-personal 只能是"),
        (prop(type="integer", title="人数", **{"x-personal": "name"}), "(整数)含有不支持的关键字:x-personal"),
        ("not json", "申请表不是有效的 JSON"),
    ],
)
def test_an_invalid_schema_is_refused_at_the_field_naming_the_property(schema, message):
    errors = rules.check_form_schema(schema)
    assert errors, schema
    assert all(field == "form_schema" for field, _ in errors)
    assert any(message in text for _, text in errors), errors
    # The whole item check reports it too.
    assert ("form_schema", errors[0][1]) in rules.check_item({**copy.deepcopy(SPEC), "form_schema": schema})


@pytest.mark.parametrize("kind", ["name", "phone", "id_number", "address", "email", False])
def test_a_text_field_may_say_whether_it_is_personal(kind):
    assert rules.check_form_schema(prop(type="string", title="经营者", **{"x-personal": kind})) == []


def test_a_phone_field_and_a_date_not_before_today_are_understood():
    assert rules.check_form_schema(prop(type="string", title="联系电话", format="phone")) == []
    assert (
        rules.check_form_schema(
            prop(type="string", title="拟开业日期", format="date", **{"x-not-before": "today"})
        )
        == []
    )


def test_a_property_that_is_not_an_object_or_has_a_bad_name():
    schema = schema_with(properties={"area": "number"}, required=["area"])
    assert rules.check_form_schema(schema) == [("form_schema", "字段「area」应为 JSON 对象")]
    schema = schema_with(properties={"经营 面积": {"type": "number", "title": "面积"}}, required=[])
    assert "只能由字母、数字和下划线组成" in rules.check_form_schema(schema)[0][1]


def test_the_schema_goes_round_trip_through_a_version_and_into_new_drafts(db, water, publish_item):
    item = publish_item({**copy.deepcopy(SPEC), "form_schema": SCHEMA}, water)
    assert item.current_version.form_schema == SCHEMA
    spec = specs.from_version(item.current_version)
    assert spec["form_schema"] == SCHEMA
    assert specs.comparable(spec) == specs.comparable({**copy.deepcopy(SPEC), "form_schema": SCHEMA})
    # A new draft made from the published version keeps it; a draft without one has the default form.
    draft = services.edit_item(item=item, spec={**spec, "onsite_visits": 0}, reason="减少跑动")
    assert draft.number == 2 and draft.form_schema == SCHEMA
    assert specs.complete(copy.deepcopy(SPEC))["form_schema"] == {}
    other = services.create_item(
        spec={**copy.deepcopy(SPEC), "basic_code": "010012400000"}, organisation=water
    )
    assert other.form_schema == {}


def test_services_refuse_an_invalid_schema(db, water):
    with pytest.raises(services.ItemInvalid) as err:
        services.create_item(
            spec={**copy.deepcopy(SPEC), "form_schema": prop(type="date", title="面积")}, organisation=water
        )
    assert err.value.errors[0][0] == "form_schema" and "「area」" in err.value.errors[0][1]


@pytest.fixture
def editor(make_staff, water):
    return make_staff(water, Role.APPROVER, username="approver")


def test_the_editor_refuses_invalid_json_at_the_field_and_keeps_what_was_typed(
    client, editor, water, publish_item
):
    item = publish_item(copy.deepcopy(SPEC), water)
    client.force_login(editor)
    data = _form(copy.deepcopy(SPEC))
    data["form_schema"] = '{"type": "object", "properties": {'
    response = client.post(f"/workbench/catalog/{item.code}/edit/", data)
    html = response.content.decode()
    assert response.status_code == 422
    assert _error_at(html, "form_schema").startswith("申请表不是有效的 JSON:第1行")
    assert "{&quot;type&quot;: &quot;object&quot;, &quot;properties&quot;: {" in html
    assert item.versions.count() == 1

    data["form_schema"] = json.dumps(prop(type="number", title="Area"), ensure_ascii=False)
    html = client.post(f"/workbench/catalog/{item.code}/check/", data).content.decode()
    assert _error_at(html, "form_schema") == "字段「area」需有中文标题(title)"


def test_the_editor_saves_a_schema_and_shows_it_again(client, editor, water, publish_item):
    item = publish_item(copy.deepcopy(SPEC), water)
    client.force_login(editor)
    data = _form(copy.deepcopy(SPEC), reason="增加申请表")
    data["form_schema"] = json.dumps(SCHEMA, ensure_ascii=False)
    response = client.post(f"/workbench/catalog/{item.code}/edit/", data)
    assert response.status_code == 302
    assert item.versions.get(number=2).form_schema == SCHEMA
    html = client.get(f"/workbench/catalog/{item.code}/edit/").content.decode()
    assert "经营场所面积(平方米)" in html and 'id="form_schema"' in html
    # Leaving it blank goes back to the default form.
    data["form_schema"] = "  "
    assert client.post(f"/workbench/catalog/{item.code}/edit/", data).status_code == 302
    assert item.versions.get(number=2).form_schema == {}


def test_the_fields_keep_their_order_through_the_database(water, publish_item):
    """PostgreSQL's jsonb orders an object's keys by their length: the applicant met the fields in that order, not
    the author's. The order is kept beside them and put back when read, on either engine."""
    schema = {
        "type": "object",
        "properties": {
            "premises_area": {"type": "number", "title": "经营场所面积"},
            "venue_type": {"type": "string", "title": "场所类别", "enum": ["饭馆", "酒吧"]},
            "address": {"type": "string", "title": "经营场所"},
        },
        "required": ["address"],
    }
    item = publish_item({**copy.deepcopy(SPEC), "form_schema": schema}, water)
    version = type(item.current_version).objects.get(pk=item.current_version_id)
    assert list(version.form_schema["properties"]) == ["premises_area", "venue_type", "address"]
    assert version.form_schema == schema  # no word of its own added to what is read
    assert list(specs.from_version(version)["form_schema"]["properties"]) == list(schema["properties"])
