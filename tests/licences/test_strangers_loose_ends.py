"""E-licence loose ends a stranger found in the demo: a 变更 asked on the version in force while its early renewal
waits to start is made on that renewal; the API's ?status= means the status each result says today; the 注销/撤销/
吊销 and the 变更 forms' errors are shown at their input; and a licence page writes its days in one Chinese form."""

import datetime as dt
import re

import pytest
from django.db import transaction

from tests.licences.conftest import granted
from tests.licences.test_renewal import fresh, renewable, renewed  # noqa: F401 — fixtures
from zhengwu.cases import forms as case_forms
from zhengwu.core import clock
from zhengwu.licences import services
from zhengwu.licences.models import NOT_YET_VALID, Licence, Status

ISO_DAY = re.compile(r"\b20\d\d-\d\d-\d\d\b")


def _naming_the_licence(w):
    """The food item's form also names the licence an application changes (as the demo's change forms do)."""
    version = w.item.current_version
    schema = case_forms.schema_of(version)
    schema = {
        **schema,
        "properties": {
            **schema["properties"],
            "address": {"type": "string", "title": "经营场所", "maxLength": 200},
            "licence_identifier": {"type": "string", "title": "原证照标识", "maxLength": 80},
        },
    }
    type(version).objects.filter(pk=version.pk).update(form_schema=schema)
    w.item.refresh_from_db()


def test_a_change_application_naming_the_version_in_force_is_made_on_the_renewal_waiting_to_start(
    client,
    renewed,  # noqa: F811
):
    w, old, new = renewed, renewed.long, renewed.new
    _naming_the_licence(w)
    case = granted(
        w,
        form={"subject": "第二家门店", "address": "贵溪市建设路 20 号", "licence_identifier": old.identifier},
    )
    changed = Licence.objects.get(case=case)
    # made on version 2, with its period: version 1 is the licence in force, with its data, until then
    assert (changed.previous_id, changed.version) == (new.pk, 3)
    assert (changed.valid_from, changed.valid_until) == (new.valid_from, new.valid_until)
    assert changed.data["address"] == "贵溪市建设路 20 号" and changed.effective_status == NOT_YET_VALID
    old = fresh(old)
    assert old.effective_status == Status.VALID and "address" not in old.data
    assert old.renewed_by.pk == changed.pk
    assert services.usable(w.company.id_number, w.food_type)[0].pk == old.pk

    # the staff's page of version 1 says why it offers no 变更, and leads to the version to change
    client.force_login(w.head)
    page = client.get(f"/workbench/licences/{old.identifier}/").content.decode()
    assert 'id="licence-change"' not in page
    note = page[page.index('id="licence-renewed-ahead"') :]
    assert "证照已延续,第 3 版自" in note and "请对第 3 版办理" in note
    assert f"/workbench/licences/{changed.identifier}/" in note[: note.index("</p>")]
    refused = client.post(
        f"/workbench/licences/{old.identifier}/change/", {"data_subject": "又改", "reason": "经营项目变更"}
    )
    assert refused.status_code == 409 and "请对第 3 版办理" in refused.content.decode()


def test_the_api_status_filter_means_the_status_each_result_says_today(client, renewed):  # noqa: F811
    w, old, new = renewed, renewed.long, renewed.new
    client.force_login(w.head)

    def listed(status):
        rows = client.get(f"/api/licences?holder={w.company.id_number}&status={status}").json()
        assert all(row["status"] == status for row in rows), rows
        return {row["identifier"] for row in rows}

    # both versions are stored 有效 until version 2 starts; only version 1 is in force
    assert listed("valid") == {old.identifier}
    assert listed("not_yet_valid") == {new.identifier}
    clock.set_now(
        dt.datetime.combine(new.valid_from, dt.time(9), tzinfo=clock.LOCAL)
    )  # before the nightly job
    assert listed("valid") == {new.identifier}
    assert listed("replaced") == {old.identifier}
    assert listed("not_yet_valid") == set()
    answer = client.get("/api/licences?status=soon")
    assert answer.status_code == 422 and "not_yet_valid" in answer.json()["message"]


def test_an_expired_licence_is_listed_as_expired_before_the_nightly_job(client, lworld):
    issued = Licence.objects.get(case=granted(lworld))
    clock.set_now(
        dt.datetime.combine(issued.valid_until + dt.timedelta(days=1), dt.time(9), tzinfo=clock.LOCAL)
    )
    client.force_login(lworld.head)
    assert client.get("/api/licences?status=valid").json() == []
    [row] = client.get("/api/licences?status=expired").json()
    assert row["identifier"] == issued.identifier and row["status"] == "expired"
    page = client.get("/workbench/licences/?status=expired").content.decode()
    assert issued.number in page
    assert issued.number not in client.get("/workbench/licences/?status=valid").content.decode()


@pytest.fixture
def issued(lworld):
    return Licence.objects.get(case=granted(lworld))


def test_a_refused_ending_is_shown_at_the_input_it_concerns_with_what_was_typed(client, lworld, issued):
    client.force_login(lworld.head)
    url = f"/workbench/licences/{issued.identifier}/end/"
    page = client.post(url, {"kind": "revoked", "basis": "《行政许可法》第六十九条", "document": ""})
    text = page.content.decode()
    assert page.status_code == 422
    form = text[text.index('id="licence-end"') :]
    [document] = re.findall(r'<input[^>]*id="document"[^>]*>', form)
    assert "is-invalid" in document and 'aria-describedby="document-error"' in document
    assert 'id="document-error">撤销须依据颁发机构的决定:请填写决定文书编号或所依据的办件编号<' in form
    assert 'value="《行政许可法》第六十九条"' in form  # the basis typed is kept

    page = client.post(url, {"kind": "cancelled", "basis": "持证人申请注销", "case": "360681-2026-999999"})
    form = page.content.decode()[page.content.decode().index('id="licence-end"') :]
    assert page.status_code == 422 and 'id="case-error">找不到编号为 360681-2026-999999 的办件<' in form
    assert fresh_status(issued) == Status.VALID


def test_a_refused_change_is_shown_at_the_input_it_concerns_with_what_was_typed(client, lworld, issued):
    """The 变更 form's refusals were one box above its inputs (and a data item over 300 characters was cut short and
    issued): each is now at its input, the inputs keep what was typed, and no version is issued."""
    client.force_login(lworld.head)
    url = f"/workbench/licences/{issued.identifier}/change/"

    def change_form(response):
        text = response.content.decode()
        form = text[text.index('id="licence-change"') :]
        return form[: form.index("</form>")]

    def input_named(form, name):
        [tag] = re.findall(rf'<input[^>]*name="{name}"[^>]*>', form)
        return tag

    page = client.post(url, {"data_address": "贵溪市建设路 8 号", "reason": "  "})
    form = change_form(page)
    assert page.status_code == 422 and 'id="licence-change-error"' not in form
    reason = input_named(form, "reason")
    assert "is-invalid" in reason and 'aria-describedby="reason-error"' in reason
    assert 'id="reason-error">请填写变更事由<' in form
    assert 'value="贵溪市建设路 8 号"' in input_named(form, "data_address")

    page = client.post(url, {"data_address": "城" * 301, "data_subject": "热食类食品制售", "reason": "迁址"})
    form = change_form(page)
    assert page.status_code == 422 and 'id="licence-change-error"' not in form
    address = input_named(form, "data_address")
    assert "is-invalid" in address and 'aria-describedby="data_address-error"' in address
    assert 'id="data_address-error">「经营场所」最长 300 个字,现有 301 个字<' in form
    assert "is-invalid" not in input_named(form, "data_subject") + input_named(form, "reason")
    assert 'value="热食类食品制售"' in form and 'value="迁址"' in form

    page = client.post(url, {"data_address": issued.data["address"], "reason": "例行核对"})
    form = change_form(page)
    assert page.status_code == 422 and 'id="licence-change-error"' not in form
    assert 'id="change-data-error">未修改任何内容,无需变更<' in form
    assert 'aria-describedby="change-data-error"' in input_named(form, "data_address")
    assert not Licence.objects.filter(previous=issued).exists() and fresh_status(issued) == Status.VALID


def fresh_status(licence):
    return Licence.objects.get(pk=licence.pk).status


def test_the_licence_pages_write_every_day_in_one_chinese_form(client, lworld, issued):
    services.download(licence=issued, by=lworld.head)
    client.force_login(lworld.head)
    staff = client.get(f"/workbench/licences/{issued.identifier}/").content.decode()
    listing = client.get("/workbench/licences/").content.decode()
    public = client.get(f"/verify/licence/{issued.identifier}").content.decode()
    lworld.citizen.user = None
    lworld.citizen.save()
    lworld.company.user = lworld.citizen_user
    lworld.company.save()
    client.force_login(lworld.citizen_user)
    wallet = client.get("/licences/").content.decode()
    holder = client.get(f"/licences/{issued.identifier}/").content.decode()
    for page in (staff, listing, public, wallet, holder):
        assert not ISO_DAY.search(page), ISO_DAY.search(page)
    assert "2026年9月28日 至 2031年9月27日" in staff and "2031年9月27日" in wallet
    assert '证照有效期截止日期</th><td class="text-break">2031年9月27日' in holder


def test_a_change_application_keeps_the_period_of_the_licence_it_changes(lworld):
    """变更 through a case (the form names the licence): the new version keeps the number and the period of the one it
    replaces and is issued today — as the workbench's 变更 does; it was given a fresh five years from today, which
    would lengthen a licence by applying for a change (食品经营许可管理办法 第二十九条: 有效期与原证书一致)."""
    w = lworld
    _naming_the_licence(w)
    today = clock.today()
    with transaction.atomic():
        old = services._create(
            licence_type=w.food_type, issuer=w.bureau, holder_kind="legal", holder_name=w.company.name,
            holder_id=w.company.id_number, data={"subject": "餐饮服务", "address": "花园街道 8 号"},
            valid_from=today - dt.timedelta(days=700), valid_until=today + dt.timedelta(days=1_125),
        )  # fmt: skip
    case = granted(
        w, form={"subject": "餐饮服务", "address": "贵溪市建设路 20 号", "licence_identifier": old.identifier}
    )
    changed = Licence.objects.get(case=case)
    assert (changed.previous_id, changed.number, changed.version) == (old.pk, old.number, 2)
    assert (changed.valid_from, changed.valid_until, changed.issued_on) == (
        old.valid_from,
        old.valid_until,
        today,
    )
    assert changed.data["address"] == "贵溪市建设路 20 号" and changed.effective_status == Status.VALID
    assert fresh(old).status == Status.REPLACED
