"""An item's windows (办理窗口): chosen among the windows that serve its organisation in its region's centres, kept
through drafts and versions, and carried by the Excel workbook, the JSON export, the API and the demo loader."""

import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.factories import make_centre, make_region, make_window
from zhengwu.catalog import demo, excel, export, services, specs
from zhengwu.catalog.models import ItemVersion, ServiceItem
from zhengwu.core.models import Window

pytestmark = pytest.mark.django_db
CENTRE = "贵溪市政务服务中心"


@pytest.fixture
def hall(county, water, market):
    centre = make_centre(CENTRE, county, address="民主路80号", opening_hours="周一至周五 9:00-17:00")
    return {
        "general": make_window(centre, "1", "综合窗口"),
        "general_for_market": make_window(centre, "2", "综合窗口", [market], kind=Window.Kind.GENERAL),
        "market": make_window(centre, "10", "市场监管专窗", [market]),
        "water": make_window(centre, "28", "水利专窗", [water]),
    }


def ref(number, centre=CENTRE):
    return {"centre": centre, "number": number}


def refusal(spec, organisation) -> list[str]:
    with pytest.raises(services.ItemInvalid) as caught:
        services.create_item(spec=spec, organisation=organisation)
    return [message for field, message in caught.value.errors if field == "windows"]


def test_a_dedicated_window_of_another_organisation_is_refused(spec, water, hall):
    spec["windows"] = [ref("10")]
    assert refusal(spec, water) == [
        "窗口「贵溪市政务服务中心10号窗口(市场监管专窗)」是贵溪市市场监督管理局的专窗,不受理贵溪市水利局的事项;"
        "请选择本机构的专窗或综合窗口"
    ]
    assert not ServiceItem.objects.exists()


def test_the_organisations_own_window_and_general_windows_are_allowed(spec, water, hall):
    spec["windows"] = [
        ref("28"),
        ref("1"),
        ref("2"),
    ]  # window 2 is general though it lists another department
    version = services.create_item(spec=spec, organisation=water)
    assert set(version.windows.all()) == {hall["water"], hall["general"], hall["general_for_market"]}
    assert specs.from_version(version)["windows"] == [ref("1"), ref("2"), ref("28")]


def test_unknown_stopped_and_out_of_region_windows_and_windows_on_basic_items_are_refused(
    spec, water, hall, county
):
    other_county = make_region("360602", "月湖区", parent=county.parent)
    far = make_window(make_centre("月湖区政务服务中心", other_county), "1", "综合窗口")
    stopped = make_window(hall["general"].centre, "3", "综合窗口")
    stopped.is_active = False
    stopped.save()
    spec["windows"] = [ref("99"), ref("3"), ref("1", far.centre.name)]
    assert set(refusal(spec, water)) == {
        "找不到窗口「贵溪市政务服务中心99号窗口」:请核对服务中心名称和窗口号",
        "窗口「贵溪市政务服务中心3号窗口(综合窗口)」已停用",
        "窗口「月湖区政务服务中心1号窗口(综合窗口)」所在的服务中心不在实施机构「贵溪市水利局」所在区划内",
    }
    spec["windows"] = [ref("1")]
    assert refusal(spec, None) == ["基本目录事项不设办理窗口,由各实施机构在实施清单中选择"]


def test_a_township_centre_below_the_county_is_in_scope(spec, water, county):
    township = make_region("360681005", "志光镇", parent=county)
    window = make_window(make_centre("志光镇便民服务中心", township), "4", "水利窗口", [water])
    spec["windows"] = ["志光镇便民服务中心4号窗口"]  # the written form is read too
    assert list(services.create_item(spec=spec, organisation=water).windows.all()) == [window]


def test_windows_stay_in_the_draft_and_a_new_draft_starts_from_the_published_ones(
    spec, water, hall, publish_item
):
    spec["windows"] = [ref("28")]
    item = publish_item(spec, water)
    edited = {**specs.from_version(item.current_version), "promised_limit": 11}
    draft = services.edit_item(item=item, spec=edited, reason="缩短时限")
    assert draft.number == 2 and list(draft.windows.all()) == [hall["water"]]
    services.edit_item(item=item, spec={**edited, "windows": [ref("1"), ref("28")]})
    assert list(item.versions.get(number=1).windows.all()) == [
        hall["water"]
    ]  # the published one is untouched
    assert {w.number for w in item.versions.get(number=2).windows.all()} == {"1", "28"}


def _exported() -> io.BytesIO:
    out = io.BytesIO()
    excel.export_workbook(out)
    out.seek(0)
    return out


def test_excel_carries_the_windows_there_and_back(spec, water, hall, publish_item):
    spec["windows"] = [ref("28"), ref("1")]
    item = publish_item(spec, water)
    sheet = load_workbook(_exported())["事项"]
    headers = [c.value for c in sheet[1]]
    assert (
        sheet.cell(2, headers.index("办理窗口") + 1).value
        == "贵溪市政务服务中心1号窗口、贵溪市政务服务中心28号窗口"
    )

    report = excel.import_workbook(_exported(), publish=True)
    assert (report.created, report.revised) == ([], [])  # unchanged: nothing new
    sheet.cell(
        2, headers.index("办理窗口") + 1
    ).value = "贵溪市政务服务中心28号窗口;贵溪市政务服务中心2号窗口"
    changed = io.BytesIO()
    sheet.parent.save(changed)
    changed.seek(0)
    assert excel.import_workbook(changed, publish=True).revised == [item.code]
    item.refresh_from_db()
    assert {w.number for w in item.current_version.windows.all()} == {"2", "28"}


def test_a_bad_window_reference_is_refused_at_its_sheet_row_and_column(spec, water, hall, publish_item):
    publish_item(spec, water)
    book = load_workbook(_exported())
    sheet = book["事项"]
    column = [c.value for c in sheet[1]].index("办理窗口") + 1
    for value, message in (
        ("贵溪市政务服务中心10号窗口", "是贵溪市市场监督管理局的专窗,不受理贵溪市水利局的事项"),
        ("二楼水利窗口", "「二楼水利窗口」不是窗口的写法"),
    ):
        sheet.cell(2, column).value = value
        buffer = io.BytesIO()
        book.save(buffer)
        buffer.seek(0)
        with pytest.raises(excel.ImportRejected) as caught:
            excel.import_workbook(buffer)
        [problem] = caught.value.problems
        assert (problem.sheet, problem.row, problem.column) == ("事项", 2, "办理窗口")
        assert message in problem.message
    assert ItemVersion.objects.count() == 1


def test_a_workbook_without_the_windows_column_keeps_the_items_windows(spec, water, hall, publish_item):
    spec["windows"] = [ref("28")]
    item = publish_item(spec, water)
    book = load_workbook(_exported())
    sheet = book["事项"]
    sheet.delete_cols([c.value for c in sheet[1]].index("办理窗口") + 1)
    sheet.cell(2, [c.value for c in sheet[1]].index("承诺办结时限") + 1).value = 11
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    excel.import_workbook(buffer, publish=True)
    item.refresh_from_db()
    assert item.current_version.number == 2 and list(item.current_version.windows.all()) == [hall["water"]]


def test_json_export_and_api_detail_list_the_windows_with_address_and_hours(
    client, spec, water, hall, publish_item
):
    spec["windows"] = [ref("28")]
    item = publish_item(spec, water)
    expected = {
        "centre": CENTRE,
        "number": "28",
        "name": "水利专窗",
        "address": "民主路80号",
        "opening_hours": "周一至周五 9:00-17:00",
    }
    stream = io.StringIO()
    export.write_json(stream)
    assert json.loads(stream.getvalue())["items"][0]["windows"] == [expected]
    detail = client.get(f"/api/catalog/items/{item.code}").json()
    assert [{k: w[k] for k in expected} for w in detail["windows"]] == [expected]
    assert detail["windows"][0]["kind"] == "dedicated"


def test_api_draft_with_another_organisations_window_is_refused_at_the_field(
    client, approver, spec, water, hall
):
    client.force_login(approver)
    spec["windows"] = [ref("10")]
    response = client.post(
        "/api/catalog/items", {"organisation_id": water.pk, "spec": spec}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["field"] == "windows" and "不受理贵溪市水利局的事项" in response.json()["message"]


def test_demo_files_give_their_items_the_departments_window(water, hall, tmp_path):
    data = json.loads((Path(__file__).parent / "data" / "demo_water.json").read_text("utf-8"))
    data["windows"] = ["贵溪市政务服务中心28号窗口"]
    data["items"][1]["windows"] = ["贵溪市政务服务中心1号窗口"]
    path = tmp_path / "water.json"
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    report = demo.load_demo_catalogue([path])
    assert report.problems == []
    windows = {
        i.current_version.name: [w.number for w in i.current_version.windows.all()]
        for i in ServiceItem.objects.all()
    }
    assert windows == {"取水许可": ["28"], "河道管理范围内建设项目工程建设方案审批": ["1"]}
    assert len(demo.load_demo_catalogue([path]).unchanged) == 2  # the windows compare equal on a second run


def _window_reads(queries) -> int:
    """The reads of windows by the references (centre name, number) a spec gives."""
    return sum(1 for q in queries if 'FROM "core_window"' in q["sql"] and '"number" IN' in q["sql"])


def test_a_load_of_many_items_reads_each_set_of_windows_once(spec, water, hall):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    spec["windows"] = [ref("28"), ref("1")]
    with specs.windows_read_once(), CaptureQueriesContext(connection) as read:
        for name in ("取水许可", "河道采砂许可", "水土保持方案审批"):
            item = services.create_item(
                spec={**spec, "name": name, "basic_code": ""}, organisation=water
            ).item
            services.submit(item=item)
            services.publish(item=item, reason="演示数据")
    assert (
        _window_reads(read.captured_queries) == 1
    )  # without the block: 4 an item (create checks and writes, submit, publish)
    published = ServiceItem.objects.filter(status=ServiceItem.Status.ACTIVE)
    assert [set(i.current_version.windows.all()) for i in published] == [{hall["water"], hall["general"]}] * 3

    # outside a load, each check reads the windows as they are now: a window closed since is refused at once
    Window.objects.filter(pk=hall["water"].pk).update(is_active=False)
    assert refusal({**spec, "name": "水资源论证", "basic_code": ""}, water)
