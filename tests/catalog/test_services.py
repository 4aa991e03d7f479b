"""The item workflow: draft → submit → publish, versions kept intact, the change log, basic items and their
implementations, codes, and who may do what."""

import datetime as dt

import pytest

from tests.factories import DOCX_BYTES, PDF_BYTES
from zhengwu.catalog import rules, selectors, services, specs
from zhengwu.catalog.models import ChangeLogEntry, ItemVersion, SearchEntry, ServiceItem
from zhengwu.core import audit, clock
from zhengwu.core.errors import AccessDenied, Conflict, ValidationFailed
from zhengwu.core.models import AuditRecord, Role

pytestmark = pytest.mark.django_db


def test_published_version_survives_an_edit_unchanged(spec, water, publish_item):
    with clock.frozen("2025-03-03"):
        item = publish_item(spec, water)
    v1 = item.current_version
    before = specs.from_version(v1)

    changed = {
        **spec,
        "promised_limit": 8,
        "steps": [{"name": "审查", "role": "approver", "days": 8}],
        "materials": spec["materials"][:1],
    }
    draft = services.edit_item(item=item, spec=changed, reason="压缩承诺时限")

    assert draft.number == 2 and draft.status == ItemVersion.Status.DRAFT
    v1.refresh_from_db()
    assert specs.from_version(v1) == before
    assert v1.status == ItemVersion.Status.PUBLISHED
    item.refresh_from_db()
    assert item.current_version_id == v1.pk  # the public still sees v1 until v2 is published
    assert selectors.published().get().version_id == v1.pk

    services.submit(item=item)
    with clock.frozen("2025-04-01"):
        services.publish(item=item, effective_on=dt.date(2025, 4, 1))
    item.refresh_from_db()
    assert item.current_version.number == 2
    assert item.current_version.promised_limit == 8
    v1.refresh_from_db()
    assert specs.from_version(v1) == before  # cases applied under v1 still read v1's 10 days and 2 materials
    assert selectors.version_of(None, item, 1).promised_limit == 10


def test_published_or_submitted_version_cannot_be_updated_in_place(spec, water, publish_item):
    item = publish_item(spec, water)
    with pytest.raises(Conflict) as caught:
        services.update_version(version=item.current_version, spec={**spec, "name": "改名"})
    assert caught.value.field == "status"
    services.edit_item(item=item, spec={**spec, "conditions": "新的条件"}, reason="调整条件")
    services.submit(item=item)
    with pytest.raises(Conflict, match="已提交审核"):
        services.edit_item(item=item, spec=spec)
    assert ItemVersion.objects.get(item=item, number=1).name == "取水许可"


def test_change_log_lists_added_adjusted_cancelled_delegated_with_dates_and_reasons(
    spec, water, market, publish_item
):
    with clock.frozen("2025-01-06"):
        item = publish_item(spec, water)
    with clock.frozen("2025-02-10"):
        services.edit_item(item=item, spec={**spec, "onsite_visits": 0})
        services.submit(item=item)
        with pytest.raises(ValidationFailed) as caught:
            services.publish(item=item)
        assert caught.value.field == "reason"
        services.publish(item=item, reason="实现“最多跑零次”")
        services.record_transfer(
            item=item,
            kind=ChangeLogEntry.Kind.DELEGATED,
            counterpart=market,
            reason="下放至乡镇便民服务中心办理",
        )
    with clock.frozen("2025-06-02"):
        services.cancel_item(item=item, reason="法律修订,取消该许可")

    log = [
        (e.kind, e.effective_on.isoformat(), e.reason, e.version.number if e.version else None)
        for e in selectors.change_log(code=item.code).order_by("id")
    ]
    assert log == [
        ("added", "2025-01-06", "新增事项", 1),
        ("adjusted", "2025-02-10", "实现“最多跑零次”", 2),
        ("delegated", "2025-02-10", "下放至乡镇便民服务中心办理", 2),
        ("cancelled", "2025-06-02", "法律修订,取消该许可", 2),
    ]
    assert not SearchEntry.objects.filter(item=item).exists()  # cancelled items leave the public catalogue
    assert [e.kind for e in selectors.change_log(since=dt.date(2025, 2, 1), until=dt.date(2025, 3, 1))] == [
        "delegated",
        "adjusted",
    ]


def test_every_write_is_in_the_audit_chain(spec, water, publish_item):
    item = publish_item(spec, water)
    actions = list(
        AuditRecord.objects.filter(object_id__in=[str(item.pk), str(item.current_version_id)]).values_list(
            "action", flat=True
        )
    )
    assert actions == ["catalog.create_item", "catalog.submit", "catalog.publish"]
    assert audit.verify().ok


def test_codes_are_made_from_uscc_and_basic_code_and_are_unique(spec, water, publish_item):
    item = publish_item(spec, water)
    assert item.code == water.uscc + "010012300000"
    with pytest.raises(Conflict) as caught:
        services.create_item(spec=spec, organisation=water)
    assert caught.value.field == "basic_code" and item.code in caught.value.message


def test_item_without_national_code_gets_a_local_code_of_its_type(make_spec, water):
    first = services.create_item(
        spec=make_spec(basic_code="", type="07", name="证明A"), organisation=water
    ).item
    second = services.create_item(
        spec=make_spec(basic_code="", type="07", name="证明B"), organisation=water
    ).item
    assert (first.basic_code, second.basic_code) == ("079000100000", "079000200000")
    assert rules.check_basic_code(second.basic_code, "07") is None


def test_invalid_item_is_refused_with_every_error_at_its_field(make_spec, water):
    bad = make_spec(
        promised_limit=25, fees=[{"name": "工本费", "standard": "10元", "amount": "10", "basis": ""}]
    )
    with pytest.raises(ValidationFailed) as caught:
        services.create_item(spec=bad, organisation=water)
    assert caught.value.field == "promised_limit"
    assert {e["field"] for e in caught.value.as_dict()["errors"]} == {"promised_limit", "fees[0].basis"}
    assert not ServiceItem.objects.exists()


def test_a_value_longer_than_its_column_is_refused_at_its_field_whatever_the_door(make_spec, water):
    """The API, the JSON import and the workbench form all write through create_item: a step name of 61 characters
    (the column takes 60) and a fee standard of 301 (300) are refused at their fields, not stored or cut."""
    bad = make_spec(
        steps=[{"name": "审" * 61, "role": "approver", "days": 5}],
        fees=[
            {"name": "工本费", "standard": "每证10元" * 61, "amount": "10", "basis": "赣发改收费〔2019〕1号"}
        ],
    )
    with pytest.raises(ValidationFailed) as caught:
        services.create_item(spec=bad, organisation=water)
    errors = {e["field"]: e["message"] for e in caught.value.as_dict()["errors"]}
    assert errors["steps[0].name"] == "「环节名称」最长 60 个字符,现有 61 个"
    assert errors["fees[0].standard"] == "「收费标准」最长 300 个字符,现有 305 个"
    assert not ServiceItem.objects.exists()


def test_type_and_basic_code_cannot_change_after_creation(spec, water, publish_item):
    item = publish_item(spec, water)
    with pytest.raises(ValidationFailed) as caught:
        services.edit_item(item=item, spec={**spec, "type": "07", "basic_code": "070012300000"})
    assert {e["field"] for e in caught.value.as_dict()["errors"]} == {"type", "basic_code"}


def test_implementation_inherits_its_basic_item_and_cannot_loosen_it(spec, water, publish_item):
    basic = publish_item({**spec, "name": "取水许可(基本目录)"})
    assert basic.code == "010012300000" and basic.organisation is None

    tighter = services.implement_basic_item(
        basic_item=basic,
        organisation=water,
        changes={
            "promised_limit": 5,
            "steps": [{"name": "审查", "role": "approver", "days": 5}],
            "materials": spec["materials"][:1],
        },
    )
    item = tighter.item
    assert item.basic_item == basic and item.code == water.uscc + basic.basic_code
    assert tighter.legal_basis == spec["legal_basis"]  # inherited
    assert {d.field: d.loosens for d in selectors.differences_from_basic(item)} == {
        "promised_limit": False,
        "materials[水资源论证报告]": False,
    }

    with pytest.raises(ValidationFailed) as caught:
        services.edit_item(
            item=item,
            spec={
                **specs.from_version(tighter),
                "promised_limit": 15,
                "materials": [*spec["materials"], {"name": "营业执照", "required": True}],
            },
        )
    fields = {e["field"] for e in caught.value.as_dict()["errors"]}
    assert fields == {"promised_limit", "materials[营业执照]"}
    assert "不得放宽" in caught.value.message


def test_implementation_linked_by_basic_code_is_checked_against_it(spec, water, publish_item):
    publish_item({**spec, "name": "取水许可(基本目录)"})
    with pytest.raises(ValidationFailed) as caught:
        services.create_item(spec={**spec, "onsite_visits": 3}, organisation=water)
    assert caught.value.field == "onsite_visits"


def test_only_a_centre_manager_publishes(spec, water, approver, manager):
    version = services.create_item(spec=spec, organisation=water, user=approver)
    services.submit(item=version.item, user=approver)
    with pytest.raises(AccessDenied):
        services.publish(item=version.item, user=approver)
    services.publish(item=version.item, user=manager)
    assert ChangeLogEntry.objects.get().kind == "added"
    assert version.item.versions.get().published_by == manager.staff.name


def test_staff_cannot_write_items_of_another_organisation(spec, market, make_staff, water):
    outsider = make_staff(market, Role.APPROVER)
    with pytest.raises(AccessDenied):
        services.create_item(spec=spec, organisation=water, user=outsider)
    clerk = make_staff(water, Role.WINDOW_CLERK)
    with pytest.raises(AccessDenied):
        services.create_item(spec=spec, organisation=water, user=clerk)


def test_manager_returns_a_submission_with_a_note_then_it_can_be_edited(spec, water, approver, manager):
    item = services.create_item(spec=spec, organisation=water, user=approver).item
    services.submit(item=item, user=approver)
    with pytest.raises(ValidationFailed):
        services.return_to_draft(item=item, note=" ", user=manager)
    draft = services.return_to_draft(item=item, note="请补充受理条件", user=manager)
    assert draft.status == "draft" and draft.review_note == "请补充受理条件"
    services.edit_item(item=item, spec={**spec, "conditions": "补充后的条件"}, user=approver)
    with pytest.raises(Conflict):
        services.publish(item=item, user=manager)  # not submitted again yet


def test_attach_files_only_to_drafts(spec, water, publish_item, tmp_path, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    item = publish_item(spec, water)
    with pytest.raises(Conflict):
        services.attach_file(
            version=item.current_version, field="result_sample", upload=SimpleUploadedFile("s.pdf", PDF_BYTES)
        )
    draft = services.edit_item(item=item, spec=spec, reason="加样表")
    services.attach_file(
        version=draft, field="blank_form", material=1, upload=SimpleUploadedFile("表.docx", DOCX_BYTES)
    )
    material = draft.materials.get(position=1)
    assert material.blank_form.name.endswith(".docx")
    services.submit(item=item)
    services.publish(item=item)
    third = services.edit_item(item=item, spec=specs.from_version(draft), reason="再改")
    assert (
        third.materials.get(position=1).blank_form.name == material.blank_form.name
    )  # carried into new drafts


def test_a_version_published_for_a_later_date_comes_into_force_on_that_date(spec, water, publish_item):
    with clock.frozen("2026-11-02"):
        item = publish_item(spec, water)
        services.edit_item(
            item=item,
            spec={**spec, "promised_limit": 8, "steps": [{"name": "审查", "role": "approver", "days": 8}]},
            reason="压缩承诺时限",
        )
        services.submit(item=item)
        v2 = services.publish(item=item, effective_on=dt.date(2026, 11, 9))
    item.refresh_from_db()
    assert item.current_version.number == 1  # the public guide still shows the limit in force
    assert ChangeLogEntry.objects.filter(item=item, version=v2, effective_on=dt.date(2026, 11, 9)).exists()
    assert services.activate_due_versions(today=dt.date(2026, 11, 8)) == []
    assert services.activate_due_versions(today=dt.date(2026, 11, 9)) == [v2]
    item.refresh_from_db()
    assert item.current_version_id == v2.pk and selectors.published().get().version_id == v2.pk
    assert services.activate_due_versions(today=dt.date(2026, 11, 10)) == []  # idempotent
