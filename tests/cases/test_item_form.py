"""The application form of an item version: a JSON Schema from the catalogue, or the default form."""

import copy

import pytest

from tests.cases.conftest import ITEM, publish
from zhengwu.cases import forms, services
from zhengwu.cases.models import Case
from zhengwu.core.errors import ValidationFailed

SCHEMA = {
    "type": "object",
    "properties": {
        "area": {"type": "number", "title": "经营场所面积", "minimum": 1, "maximum": 5000},
        "scope": {"type": "string", "title": "经营项目", "enum": ["热食类", "冷食类", "糕点类"]},
        "online": {"type": "boolean", "title": "是否网络经营"},
        "opening": {"type": "string", "title": "拟开业日期", "format": "date"},
    },
    "required": ["area", "scope", "opening"],
}
VALID = {"area": 120.5, "scope": "热食类", "online": True, "opening": "2026-10-15"}


@pytest.fixture
def schema_item(world):
    spec = {**copy.deepcopy(ITEM), "name": "食品经营许可(网上)", "form_schema": SCHEMA}
    return publish(spec, world.bureau)


def submit(world, item, form):
    return services.submit_case(item=item, applicant=world.citizen, by=world.citizen_user, form=form)


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({**VALID, "scope": ""}, "form.scope", "请填写「经营项目」"),
        ({k: v for k, v in VALID.items() if k != "opening"}, "form.opening", "请填写「拟开业日期」"),
        ({**VALID, "area": 0}, "form.area", "「经营场所面积」不能小于 1"),
        ({**VALID, "area": 5000.5}, "form.area", "「经营场所面积」不能大于 5000"),
        ({**VALID, "area": "很大"}, "form.area", "「经营场所面积」应为数字"),
        ({**VALID, "scope": "生食类"}, "form.scope", "「经营项目」只能是:热食类、冷食类、糕点类"),
        ({**VALID, "opening": "2026-13-01"}, "form.opening", "「拟开业日期」应为日期 YYYY-MM-DD"),
        ({**VALID, "subject": "开店"}, "form.subject", "申请表中没有字段「subject」"),
    ],
)
def test_a_form_breaking_the_items_schema_is_refused_at_the_field(world, schema_item, form, field, message):
    with pytest.raises(ValidationFailed, match=message) as err:
        submit(world, schema_item, form)
    assert err.value.field == field
    assert not Case.objects.filter(item=schema_item).exists()


def test_a_valid_form_is_stored(world, schema_item):
    assert forms.schema_of(schema_item.current_version) == SCHEMA
    case = submit(world, schema_item, {**VALID, "scope": " 冷食类 "})
    case.refresh_from_db()
    assert case.form == {**VALID, "scope": "冷食类"}


def test_a_draft_may_leave_required_fields_empty_but_not_break_the_range(world, schema_item):
    draft = services.save_draft(
        item=schema_item, applicant=world.citizen, by=world.citizen_user, form={"area": 80}
    )
    assert draft.form == {"area": 80}
    with pytest.raises(ValidationFailed, match="不能大于") as err:
        services.save_draft(
            item=schema_item, applicant=world.citizen, by=world.citizen_user, form={"area": 9000}
        )
    assert err.value.field == "form.area"


def test_an_item_without_a_schema_uses_the_default_form(world):
    assert world.item.current_version.form_schema == {}
    assert forms.schema_of(world.item.current_version) is forms.DEFAULT_FORM
    with pytest.raises(ValidationFailed, match="申请表中没有字段「area」") as err:
        submit(world, world.item, {"area": 10})
    assert err.value.field == "form.area"
    with pytest.raises(ValidationFailed, match="请填写「申请事项说明」") as err:
        submit(world, world.item, {})
    assert err.value.field == "form.subject"
    case = submit(world, world.item, {"subject": "开一家小面馆", "contact_phone": "13800138000"})
    assert case.form == {"subject": "开一家小面馆", "contact_phone": "13800138000"}


def test_the_portal_renders_the_items_form(client, world, schema_item):
    client.force_login(world.citizen_user)
    html = client.get(f"/cases/apply/{schema_item.code}/").content.decode()
    assert "经营场所面积 *" in html and 'name="form.area"' in html
    assert 'type="date"' in html and "糕点类" in html and 'name="form.online"' in html
    assert 'name="form.subject"' not in html
