"""Staff catalogue pages: the list in scope, editing with errors at the field, review and publication, comparing
versions, Excel import / export and JSON export."""

import copy
import io
import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from tests.catalog.conftest import SPEC
from tests.factories import make_organisation, make_region, make_staff
from zhengwu.catalog import services
from zhengwu.catalog.models import ChangeLogEntry, ItemVersion, ServiceItem
from zhengwu.core import clock
from zhengwu.core.models import Role

pytestmark = pytest.mark.django_db


def _revised() -> dict:
    """The item's spec with one change: a draft that changes nothing may not be submitted (nothing to review)."""
    return dict(copy.deepcopy(SPEC), conditions="修订后的申请条件。")


@pytest.fixture
def county():
    return make_region("360681", "贵溪市", parent=make_region("360600", "鹰潭市"))


@pytest.fixture
def water(county):
    return make_organisation("贵溪市水利局", region=county, short_name="水利局")


@pytest.fixture
def market(county):
    return make_organisation("贵溪市市场监督管理局", region=county, short_name="市场监管局")


@pytest.fixture
def manager(county):
    office = make_organisation("贵溪市政务服务管理办公室", region=county, kind="centre_admin")
    return make_staff("manager", office, roles=[Role.CENTRE_MANAGER]).user


@pytest.fixture
def approver(water):
    return make_staff("approver", water, roles=[Role.APPROVER]).user


@pytest.fixture
def water_item(water):
    version = services.create_item(spec=copy.deepcopy(SPEC), organisation=water)
    services.submit(item=version.item)
    services.publish(item=version.item)
    version.item.refresh_from_db()
    return version.item


@pytest.fixture
def market_item(market):
    spec = copy.deepcopy(SPEC)
    spec.update(name="食品经营许可", basic_code="010100200000")
    return services.create_item(spec=spec, organisation=market).item


def _form(spec: dict, reason: str = "") -> dict:
    """The edit form's fields as a browser posts them."""
    data = {key: spec.get(key, "") for key in ("name", "sub_name", "conditions", "address", "opening_hours")}
    data.update(
        legal_limit=str(spec["legal_limit"]),
        promised_limit=str(spec["promised_limit"]),
        extension_days=str(spec["extension_days"]),
        onsite_visits=str(spec["onsite_visits"]),
        target=spec["target"],
        online_depth=spec["online_depth"],
        result_name=spec["result"]["name"],
        result_kind=spec["result"]["kind"],
        result_delivery=spec["result"]["delivery"],
        reason=reason,
        window_authorised="on",
        life_events="、".join(spec["life_events"]),
        themes="、".join(spec["themes"]),
    )
    for i, basis in enumerate(spec["legal_basis"]):
        data.update({f"legal_basis-{i}-{k}": v for k, v in basis.items()})
    for i, m in enumerate(spec["materials"]):
        data.update(
            {
                f"materials-{i}-{k}": str(m.get(k, ""))
                for k in ("name", "condition", "form", "medium", "source", "rules")
            }
        )
        data[f"materials-{i}-required"] = "yes" if m["required"] else "no"
        data[f"materials-{i}-copies"] = str(m["copies"])
    # A blank row between two steps, as when a person leaves an added row empty.
    rows = [*spec["steps"][:1], None, *spec["steps"][1:]]
    for i, s in enumerate(rows):
        s = s or {"name": "", "role": "", "days": ""}
        data.update(
            {f"steps-{i}-name": s["name"], f"steps-{i}-role": s["role"], f"steps-{i}-days": str(s["days"])}
        )
    for i, qa in enumerate(spec["faq"]):
        data.update({f"faq-{i}-q": qa["q"], f"faq-{i}-a": qa["a"]})
    return data


def _error_at(html: str, place: str) -> str:
    match = re.search(rf'id="err-{re.escape(place)}"[^>]*>(.*?)</div>', html, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else ""


def test_list_shows_the_items_in_scope_with_their_status(client, approver, water_item, market_item):
    client.force_login(approver)
    html = client.get("/workbench/catalog/").content.decode()
    assert water_item.code in html and "在用" in html
    assert market_item.code not in html  # another department's item
    client.force_login(approver)
    assert client.get(f"/workbench/catalog/{market_item.code}/").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/workbench/catalog/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_promised_limit_longer_than_legal_is_refused_at_that_field(client, approver, water_item):
    client.force_login(approver)
    data = _form(copy.deepcopy(SPEC))
    data["promised_limit"] = "25"
    response = client.post(f"/workbench/catalog/{water_item.code}/edit/", data)
    html = response.content.decode()
    assert response.status_code == 422
    assert _error_at(html, "promised_limit") == "承诺办结时限(25个工作日)不能超过法定办结时限(20个工作日)"
    assert re.search(r'id="promised_limit"[^>]*aria-invalid="true"', html)
    assert 'value="25"' in html  # what was typed stays in the form
    assert water_item.versions.count() == 1  # nothing saved


def test_inline_check_puts_each_error_next_to_its_field_and_clears_fixed_ones(client, approver, water_item):
    client.force_login(approver)
    data = _form(copy.deepcopy(SPEC))
    data["promised_limit"] = "25"
    data["steps-2-days"] = "x"  # the second step, after the blank row
    html = client.post(f"/workbench/catalog/{water_item.code}/check/", data).content.decode()
    assert 'hx-swap-oob="true"' in html
    assert "不能超过法定办结时限" in _error_at(html, "promised_limit")
    assert _error_at(html, "steps-2-days") == "环节时限应为整数(工作日)"
    assert _error_at(html, "name") == ""  # fields that are right are cleared
    data = _form(copy.deepcopy(SPEC))
    html = client.post(f"/workbench/catalog/{water_item.code}/check/", data).content.decode()
    assert _error_at(html, "promised_limit") == "" and "填写内容符合规则" in html


def test_edit_submit_publish_and_the_change_log(client, approver, manager, water_item):
    spec = copy.deepcopy(SPEC)
    spec["promised_limit"] = 12
    client.force_login(approver)
    response = client.post(f"/workbench/catalog/{water_item.code}/edit/", _form(spec, reason="优化流程"))
    assert response.status_code == 302
    draft = water_item.versions.get(number=2)
    assert draft.status == ItemVersion.Status.DRAFT and draft.promised_limit == 12
    assert [s.name for s in draft.steps.all()] == ["受理", "审查", "决定"]  # the blank row is left out
    client.post(f"/workbench/catalog/{water_item.code}/submit/")
    # An approver may not publish.
    page = client.post(f"/workbench/catalog/{water_item.code}/publish/", {"reason": "x"}, follow=True)
    assert "您没有执行该操作所需的角色" in page.content.decode()

    client.force_login(manager)
    queue = client.get("/workbench/catalog/review/").content.decode()
    assert "取水许可" in queue and "与现行版本比对" in queue
    with clock.frozen("2026-11-25"):
        client.post(
            f"/workbench/catalog/{water_item.code}/publish/",
            {"effective_on": "2026-12-01", "reason": "优化流程"},
        )
    water_item.refresh_from_db()
    assert water_item.current_version.number == 1  # announced now, in force from 1 December
    with clock.frozen("2026-12-01"):
        call_command("scheduled", stdout=StringIO())
    water_item.refresh_from_db()
    assert water_item.current_version.number == 2
    assert water_item.versions.get(number=1).promised_limit == 10  # the old published version is intact
    entry = ChangeLogEntry.objects.get(item=water_item, kind=ChangeLogEntry.Kind.ADJUSTED)
    assert str(entry.effective_on) == "2026-12-01" and entry.reason == "优化流程"
    assert "优化流程" in client.get("/services/changes/").content.decode()


def test_manager_returns_a_draft_with_a_reason(client, approver, manager, water_item):
    client.force_login(approver)
    client.post(f"/workbench/catalog/{water_item.code}/edit/", _form(_revised(), reason="更新"))
    client.post(f"/workbench/catalog/{water_item.code}/submit/")
    client.force_login(manager)
    empty = client.post(f"/workbench/catalog/{water_item.code}/return/", {"note": ""}, follow=True)
    assert "退回时请写明需要修改的内容" in empty.content.decode()
    client.post(f"/workbench/catalog/{water_item.code}/return/", {"note": "请补充收费依据"})
    client.force_login(approver)
    html = client.get(f"/workbench/catalog/{water_item.code}/").content.decode()
    assert "退回意见:请补充收费依据" in html and "提交审核" in html


def test_compare_highlights_what_changed(client, approver, water_item):
    spec = copy.deepcopy(SPEC)
    spec["promised_limit"], spec["conditions"] = 12, "新的受理条件"
    client.force_login(approver)
    client.post(f"/workbench/catalog/{water_item.code}/edit/", _form(spec))
    html = client.get(f"/workbench/catalog/{water_item.code}/compare/", {"a": 1, "b": 2}).content.decode()
    assert "共 2 项要素不同" in html
    changed = re.findall(r'<tr class="table-warning" data-changed="true">\s*<th scope="row">(\w+)', html)
    assert changed == ["受理条件", "承诺办结时限"]


def test_new_item_form_creates_a_draft_and_shows_errors_at_fields(client, approver, water):
    client.force_login(approver)
    data = _form(copy.deepcopy(SPEC))
    data.update(organisation=str(water.pk), type="01", basic_code="010099900000", name="")
    response = client.post("/workbench/catalog/new/", data)
    assert response.status_code == 422 and _error_at(response.content.decode(), "name") == "请填写事项名称"
    data["name"] = "河道管理范围内建设项目工程建设方案审批"
    response = client.post("/workbench/catalog/new/", data)
    assert response.status_code == 302
    assert ServiceItem.objects.get(basic_code="010099900000").organisation == water


def _workbook(rows: dict) -> io.BytesIO:
    from zhengwu.catalog.excel import COLUMNS

    book = Workbook()
    book.remove(book.active)
    for sheet, columns in COLUMNS.items():
        ws = book.create_sheet(sheet)
        ws.append([title for title, _key in columns])
        for row in rows.get(sheet, []):
            ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "catalogue.xlsx"
    return buffer


def test_excel_import_lists_every_error_and_changes_nothing(client, manager, water):
    client.force_login(manager)
    bad = _workbook(
        {
            "事项": [
                [
                    1,
                    water.uscc,
                    "010012300000",
                    "取水许可",
                    "",
                    "01",
                    "个人",
                    "",
                    "",
                    "《水法》第四十八条",
                    "",
                    20,
                    30,
                    0,
                    "否",
                    1,
                    "",
                    "否",
                    "否",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "无",
                    "",
                    "",
                ]
            ],  # fmt: skip
            "步骤": [[1, "受理", "窗口工作人员", 1], [2, "审查", "审批人员", 2]],
        }
    )
    response = client.post("/workbench/catalog/excel/import/", {"file": bad})
    html = response.content.decode()
    assert response.status_code == 422
    assert "未做任何修改" in html
    assert "承诺办结时限" in html and "<td>事项</td><td>2</td>" in html  # sheet, row and column
    assert "<td>步骤</td><td>3</td>" in html  # a step naming an item that does not exist
    assert not ServiceItem.objects.exists()


def test_excel_template_excel_export_and_json_export(client, manager, water_item):
    client.force_login(manager)
    template = client.get("/workbench/catalog/excel/template.xlsx")
    assert load_workbook(io.BytesIO(template.content)).sheetnames == ["事项", "材料", "步骤", "收费"]
    exported = load_workbook(io.BytesIO(client.get("/workbench/catalog/excel/export.xlsx").content))
    assert exported["事项"]["D2"].value == "取水许可"
    document = json.loads(client.get("/workbench/catalog/export.json").content)
    assert [i["code"] for i in document["items"]] == [water_item.code]


def test_publishing_or_returning_without_a_reason_is_refused_at_its_box_on_the_page_it_was_clicked(
    client, approver, manager, water_item
):
    """From the review queue, 发布 with an empty 变更理由 led to the item page with 「调整事项须写明调整理由」 above it,
    the date typed gone; the queue comes back with the message under 变更理由 and the date kept (the item page
    likewise), and 退回 without its note is refused under the note."""
    client.force_login(approver)
    client.post(f"/workbench/catalog/{water_item.code}/edit/", _form(_revised()))
    client.post(f"/workbench/catalog/{water_item.code}/submit/")
    draft = water_item.versions.get(number=2)
    client.force_login(manager)
    with clock.frozen("2026-11-25"):
        queue = client.post(
            f"/workbench/catalog/{water_item.code}/publish/",
            {"effective_on": "2026-12-01", "reason": " ", "back": "review"},
        )
        page = client.post(f"/workbench/catalog/{water_item.code}/publish/", {"effective_on": "2026-12-01"})
        returned = client.post(
            f"/workbench/catalog/{water_item.code}/return/", {"note": "", "back": "review"}
        )
    html = queue.content.decode()
    assert queue.status_code == 422 and '<h1 class="h3">审核队列</h1>' in html
    assert _error_at(html, f"reason-{draft.pk}") == "调整事项须写明调整理由"
    assert 'value="2026-12-01"' in html
    assert (
        page.status_code == 422
        and _error_at(page.content.decode(), f"reason-{draft.pk}") == "调整事项须写明调整理由"
    )
    assert returned.status_code == 422
    assert _error_at(returned.content.decode(), f"note-{draft.pk}") == "退回时请写明需要修改的内容"
    draft.refresh_from_db()
    assert draft.status == ItemVersion.Status.SUBMITTED


def test_a_publication_date_that_is_not_a_date_is_refused_not_dropped(client, approver, manager, water_item):
    client.force_login(approver)
    client.post(f"/workbench/catalog/{water_item.code}/edit/", _form(_revised(), reason="更新"))
    client.post(f"/workbench/catalog/{water_item.code}/submit/")
    client.force_login(manager)
    page = client.post(
        f"/workbench/catalog/{water_item.code}/publish/",
        {"effective_on": "2026-13-01", "reason": "优化流程"},
        follow=True,
    )
    # at the date box, the page answered again (422) rather than a message above the item page
    at = f"effective_on-{water_item.versions.get(number=2).pk}"
    assert (
        page.status_code == 422
        and _error_at(page.content.decode(), at) == "日期格式不正确,请按 年-月-日 填写"
    )
    # before: the date was dropped and the version published in force at once
    assert water_item.versions.get(number=2).status != ItemVersion.Status.PUBLISHED


def test_a_draft_that_changes_nothing_is_not_sent_for_review(client, approver, water_item):
    """A stranger saved the item's draft untouched and submitted it: it went to review as version 2, with nothing
    for the manager to review. It is refused, saying why, and stays a draft."""
    client.force_login(approver)
    client.post(f"/workbench/catalog/{water_item.code}/edit/", _form(copy.deepcopy(SPEC), reason="更新"))
    page = client.post(f"/workbench/catalog/{water_item.code}/submit/", follow=True).content.decode()
    assert "草稿与已发布的第1版相同,没有需要审核的修改" in page
    assert water_item.versions.get(number=2).status == ItemVersion.Status.DRAFT
    client.post(f"/workbench/catalog/{water_item.code}/edit/", _form(_revised(), reason="更新"))
    client.post(f"/workbench/catalog/{water_item.code}/submit/")
    assert water_item.versions.get(number=2).status == ItemVersion.Status.SUBMITTED
