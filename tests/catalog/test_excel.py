"""The Excel template: the catalogue goes out and comes back; a bad workbook is refused whole, every error named."""

import io

import pytest
from openpyxl import load_workbook

from zhengwu.catalog import excel, specs
from zhengwu.catalog.models import ChangeLogEntry, ItemVersion, ServiceItem

pytestmark = pytest.mark.django_db


def exported(**kwargs) -> io.BytesIO:
    out = io.BytesIO()
    excel.export_workbook(out, **kwargs)
    out.seek(0)
    return out


def test_blank_template_has_the_four_sheets_and_documented_headers(db):
    workbook = load_workbook(exported(versions=[]))
    assert workbook.sheetnames == ["事项", "材料", "步骤", "收费"]
    assert [c.value for c in workbook["步骤"][1]] == ["事项序号", "环节名称", "责任角色", "时限", "环节类型"]


def test_export_then_import_into_an_empty_catalogue_gives_the_same_items(spec, water, publish_item):
    fee_spec = {
        **spec,
        "basic_code": "010012300100",
        "fees": [
            {"name": "工本费", "standard": "每证10元", "amount": "10.00", "basis": "赣发改收费〔2019〕1号"}
        ],
    }
    items = [publish_item(spec, water), publish_item(fee_spec, water)]
    before = [specs.comparable(specs.from_version(i.current_version)) for i in items]
    workbook = exported()
    ChangeLogEntry.objects.all().delete()
    for item in items:
        item.search_entry.delete()
        item.versions.all().delete()
    ServiceItem.objects.all().delete()

    report = excel.import_workbook(workbook, publish=True)
    assert len(report.created) == 2
    after = [
        specs.comparable(specs.from_version(ServiceItem.objects.get(code=i.code).current_version))
        for i in items
    ]
    assert after == before


def test_reimporting_unchanged_items_changes_nothing(spec, water, publish_item):
    publish_item(spec, water)
    report = excel.import_workbook(exported(), publish=True)
    assert (report.created, report.revised) == ([], [])
    assert ItemVersion.objects.count() == 1


def test_bad_workbook_is_refused_whole_with_every_error_located(spec, water, publish_item, make_spec):
    publish_item(spec, water)
    second = publish_item(make_spec(name="取水许可延续", basic_code="010012300200"), water)
    workbook = load_workbook(exported())
    items, steps, materials, fees = (workbook[n] for n in ("事项", "步骤", "材料", "收费"))
    header = {c.value: c.column for c in items[1]}
    items.cell(row=2, column=header["承诺办结时限"], value=30)  # more than the legal limit of 20
    items.cell(row=3, column=header["即办件"], value="也许")
    items.cell(
        row=3, column=header["事项名称"], value="取水许可延续(改)"
    )  # a good change, which must not land
    steps.cell(row=3, column=3, value="门卫")
    materials.append([9, "多余材料", "是"])
    fees.append([1, "工本费", "每证10元", "10", ""])
    source = io.BytesIO()
    workbook.save(source)
    source.seek(0)

    with pytest.raises(excel.ImportRejected) as caught:
        excel.import_workbook(source, publish=True)
    found = {(p.sheet, p.row, p.column) for p in caught.value.problems}
    assert found == {
        ("事项", 3, "即办件"),
        ("步骤", 3, "责任角色"),
        ("材料", 6, "事项序号"),
        ("事项", 2, "承诺办结时限"),
        ("收费", 2, "收费依据"),
    }, caught.value.problems
    assert len(caught.value.problems) == 5  # each bad cell once
    assert "「事项」第2行「承诺办结时限」列" in str(
        next(p for p in caught.value.problems if p.row == 2 and p.sheet == "事项")
    )
    second.refresh_from_db()
    assert second.current_version.name == "取水许可延续"
    assert ItemVersion.objects.count() == 2  # nothing was written


def test_step_sum_error_points_at_the_promised_limit_column(spec, water, publish_item):
    publish_item(spec, water)
    workbook = load_workbook(exported())
    workbook["步骤"].cell(row=2, column=4, value=9)
    source = io.BytesIO()
    workbook.save(source)
    source.seek(0)
    with pytest.raises(excel.ImportRejected) as caught:
        excel.import_workbook(source)
    assert [(p.sheet, p.column) for p in caught.value.problems] == [("事项", "承诺办结时限")]


def test_missing_sheet_and_not_a_workbook(db):
    with pytest.raises(excel.ImportRejected, match="无法读取"):
        excel.import_workbook(io.BytesIO(b"not excel"))
    workbook = load_workbook(exported(versions=[]))
    del workbook["收费"]
    source = io.BytesIO()
    workbook.save(source)
    source.seek(0)
    with pytest.raises(excel.ImportRejected, match="缺少工作表「收费」"):
        excel.import_workbook(source)


def test_import_without_publish_leaves_drafts(spec, water, publish_item):
    item = publish_item(spec, water)
    workbook = load_workbook(exported())
    header = {c.value: c.column for c in workbook["事项"][1]}
    workbook["事项"].cell(row=2, column=header["受理条件"], value="新的受理条件")
    source = io.BytesIO()
    workbook.save(source)
    source.seek(0)
    report = excel.import_workbook(source)
    assert report.revised == [item.code]
    item.refresh_from_db()
    assert item.current_version.number == 1
    assert item.versions.get(number=2).status == "draft"
    assert item.versions.get(number=2).conditions == "新的受理条件"


def test_reimporting_keeps_the_items_application_form(spec, water, publish_item):
    """The workbook has no column for the form schema: a round trip through Excel must not wipe it."""
    schema = {
        "type": "object",
        "properties": {"area": {"type": "number", "title": "取水量(万立方米/年)", "minimum": 0}},
        "required": ["area"],
    }
    item = publish_item({**spec, "form_schema": schema}, water)
    report = excel.import_workbook(exported(), publish=True)
    assert (report.created, report.revised) == ([], [])  # nothing in the workbook differs
    item.refresh_from_db()
    assert item.current_version.form_schema == schema


def test_a_value_longer_than_its_column_is_refused_at_its_cell_not_cut(spec, water, publish_item):
    """A material name of 201 characters (the column takes 200) and an address of 201: the workbook is refused whole,
    each named at its sheet, row and column with the limit and the length; nothing is written or shortened."""
    item = publish_item(spec, water)
    workbook = load_workbook(exported())
    items, materials = workbook["事项"], workbook["材料"]
    header = {c.value: c.column for c in items[1]}
    items.cell(row=2, column=header["办理地点"], value="贵溪市" * 67)
    material_header = {c.value: c.column for c in materials[1]}
    materials.cell(row=2, column=material_header["材料名称"], value="申" * 201)
    source = io.BytesIO()
    workbook.save(source)
    source.seek(0)

    with pytest.raises(excel.ImportRejected) as caught:
        excel.import_workbook(source, publish=True)
    problems = {(p.sheet, p.row, p.column): p.message for p in caught.value.problems}
    assert problems == {
        ("事项", 2, "办理地点"): "「办理地点」最长 200 个字符,现有 201 个",
        ("材料", 2, "材料名称"): "「材料名称」最长 200 个字符,现有 201 个",
    }, caught.value.problems
    assert ItemVersion.objects.count() == 1
    assert item.current_version.materials.first().name == spec["materials"][0]["name"]
