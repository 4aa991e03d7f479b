"""Separation of duties in catalogue review: the centre manager who submitted a version may not publish it; another
manager reviews and publishes. ZHENGWU_CATALOG_SELF_PUBLISH lets a one-manager centre publish its own submission,
and the published version and its audit record then say so."""

import re

import pytest

from zhengwu.catalog import selectors, services
from zhengwu.catalog.models import ChangeLogEntry
from zhengwu.core.errors import AccessDenied
from zhengwu.core.models import AuditRecord, Role

pytestmark = pytest.mark.django_db

NOTE = "提交人与发布人为同一人(按设置允许)"
API = "/api/catalog"


@pytest.fixture
def second_manager(make_staff, centre_admin):
    return make_staff(centre_admin, Role.CENTRE_MANAGER, username="manager2")


@pytest.fixture
def submitted_by_manager(spec, water, manager):
    """A new item drafted and submitted by the centre manager `manager`."""
    item = services.create_item(spec=spec, organisation=water, user=manager).item
    services.submit(item=item, user=manager)
    return item


def test_the_submitter_may_not_publish_what_they_submitted(submitted_by_manager, manager):
    with pytest.raises(AccessDenied) as refused:
        services.publish(item=submitted_by_manager, user=manager)
    assert refused.value.message == "不能发布自己提交的版本:须由另一位中心管理人员审核发布"
    assert refused.value.code == "catalog.self_publish"
    draft = submitted_by_manager.versions.get()
    assert draft.status == "submitted" and draft.submitted_by == manager
    assert not ChangeLogEntry.objects.exists()


def test_another_manager_reviews_and_publishes(submitted_by_manager, manager, second_manager):
    version = services.publish(item=submitted_by_manager, user=second_manager)
    assert version.status == "published" and version.published_by == "manager2"
    assert version.submitted_by == manager and not version.self_published
    record = AuditRecord.objects.filter(action="catalog.publish").get()
    assert "separation" not in record.summary


def test_the_setting_allows_self_publication_and_the_record_says_so(settings, submitted_by_manager, manager):
    settings.ZHENGWU_CATALOG_SELF_PUBLISH = True
    version = services.publish(item=submitted_by_manager, user=manager)
    assert version.status == "published" and version.self_published
    assert str(selectors.SELF_PUBLISH_NOTE) == NOTE
    record = AuditRecord.objects.filter(action="catalog.publish").get()
    assert record.summary["separation"] == NOTE and record.actor == manager


def test_an_approver_submits_and_any_manager_publishes(spec, water, approver, manager):
    item = services.create_item(spec=spec, organisation=water, user=approver).item
    services.submit(item=item, user=approver)
    assert selectors.may_publish(manager, item.versions.get())
    assert not selectors.may_publish(approver, item.versions.get())  # not a centre manager at all
    assert not services.publish(item=item, user=manager).self_published


def test_a_version_resubmitted_by_someone_else_is_theirs(spec, water, approver, manager):
    """The separation follows the latest submission: a manager who returned and resubmitted an approver's draft
    becomes its submitter."""
    item = services.create_item(spec=spec, organisation=water, user=approver).item
    services.submit(item=item, user=approver)
    services.return_to_draft(item=item, note="请补充受理条件", user=manager)
    services.submit(item=item, user=manager)
    with pytest.raises(AccessDenied):
        services.publish(item=item, user=manager)


def test_the_api_refuses_the_submitter_with_the_reason(client, submitted_by_manager, manager, second_manager):
    client.force_login(manager)
    refused = client.post(
        f"{API}/items/{submitted_by_manager.code}/publish", {}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "catalog.self_publish"
    assert "须由另一位中心管理人员审核发布" in refused.json()["message"]
    client.force_login(second_manager)
    done = client.post(
        f"{API}/items/{submitted_by_manager.code}/publish", {}, content_type="application/json"
    )
    assert done.status_code == 200 and done.json()["status"] == "published"


def test_the_workbench_offers_publish_only_to_another_manager(
    client, submitted_by_manager, manager, second_manager
):
    page = f"/workbench/catalog/{submitted_by_manager.code}/"
    client.force_login(manager)
    html = client.get(page).content.decode()
    assert 'data-testid="submitted-by"' in html and "提交人:manager(贵溪市政务服务管理局)" in html
    assert "须由另一位中心管理人员审核发布" in html
    assert "/publish/" not in html
    # the review queue lists what the manager may publish: not their own submission, which is said apart
    queue = client.get("/workbench/catalog/review/").content.decode()
    assert "/publish/" not in queue and "没有待审核的事项" in queue
    assert "您提交的、等待另一位中心管理人员审核发布的事项" in queue
    # Posting anyway (a stale page, a crafted request) is refused with the reason.
    refused = client.post(f"{page}publish/", {"reason": "新增事项"}, follow=True).content.decode()
    assert "不能发布自己提交的版本" in refused
    assert submitted_by_manager.versions.get().status == "submitted"

    client.force_login(second_manager)
    html = client.get(page).content.decode()
    assert f'action="/workbench/catalog/{submitted_by_manager.code}/publish/"' in html
    assert "须由另一位中心管理人员审核发布" not in html
    published = client.post(f"{page}publish/", {"reason": "新增事项"}, follow=True).content.decode()
    assert "已发布" in published
    assert NOTE not in published


def test_the_workbench_with_the_setting_warns_and_marks_the_version(
    client, settings, submitted_by_manager, manager
):
    settings.ZHENGWU_CATALOG_SELF_PUBLISH = True
    page = f"/workbench/catalog/{submitted_by_manager.code}/"
    client.force_login(manager)
    html = client.get(page).content.decode()
    assert 'data-testid="self-publish-note"' in html and f'action="{page}publish/"' in html
    html = client.post(f"{page}publish/", {"reason": "新增事项"}, follow=True).content.decode()
    assert 'data-testid="self-published"' in html and NOTE in html


def _changed_workbook(item):
    """The published catalogue as a workbook, with the item's conditions (受理条件) rewritten."""
    import io

    from openpyxl import load_workbook

    from zhengwu.catalog import excel

    out = io.BytesIO()
    excel.export_workbook(out)
    out.seek(0)
    book = load_workbook(out)
    sheet = book["事项"]
    column = [c.value for c in sheet[1]].index("受理条件") + 1
    sheet.cell(row=2, column=column, value="申请人取水符合水资源规划和用水总量控制指标。")
    changed = io.BytesIO()
    book.save(changed)
    changed.seek(0)
    changed.name = "catalogue.xlsx"
    return changed


def test_an_excel_import_by_a_manager_is_submitted_for_another_to_publish(
    client, spec, water, publish_item, manager, second_manager
):
    item = publish_item(spec, water)
    client.force_login(manager)
    form = client.get("/workbench/catalog/excel/import/").content.decode()
    assert (
        'name="submit"' in form and 'name="publish"' not in form
    )  # no direct publication without the setting
    crafted = client.post(
        "/workbench/catalog/excel/import/",
        {"file": _changed_workbook(item), "publish": "on", "reason": "完善受理条件"},
    )
    assert crafted.status_code == 422 and "不能发布自己提交的版本" in crafted.content.decode()
    assert item.versions.count() == 1  # nothing written

    done = client.post(
        "/workbench/catalog/excel/import/",
        {"file": _changed_workbook(item), "submit": "on", "reason": "完善受理条件"},
    )
    assert done.status_code == 200 and "修改 1 个事项" in done.content.decode()
    draft = item.versions.get(number=2)
    assert draft.status == "submitted" and draft.submitted_by == manager
    services.publish(item=item, user=second_manager)
    item.refresh_from_db()
    assert item.current_version.conditions == "申请人取水符合水资源规划和用水总量控制指标。"


def test_with_the_setting_the_import_form_offers_direct_publication(client, settings, manager):
    settings.ZHENGWU_CATALOG_SELF_PUBLISH = True
    client.force_login(manager)
    assert 'name="publish"' in client.get("/workbench/catalog/excel/import/").content.decode()


def test_the_home_counts_only_the_versions_the_manager_may_publish(
    client, settings, submitted_by_manager, manager, second_manager
):
    """The workbench home's 待审核发布的事项 is the work a manager can do: their own submission is another's."""
    home = "/workbench/"

    def count(user):
        client.force_login(user)
        html = client.get(home).content.decode()
        return int(re.search(r'data-count="items_to_publish">(\d+)<', html).group(1))

    assert count(manager) == 0
    assert count(second_manager) == 1
    assert list(selectors.review_queue(manager)) == []
    assert [v.item for v in selectors.awaiting_another_manager(manager)] == [submitted_by_manager]
    settings.ZHENGWU_CATALOG_SELF_PUBLISH = True  # a one-manager centre publishes its own
    assert count(manager) == 1
