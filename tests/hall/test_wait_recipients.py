"""等候超时提醒人 (/workbench/hall/waits/recipients/): the centre manager names the centre's duty manager and each window
group's lead among the centre's active staff; a long wait is then told to those people. A window clerk cannot open the
page; staff of another centre, or a disabled account, cannot be chosen."""

import pytest

from tests.factories import make_centre, make_organisation, make_region, make_staff, make_window
from tests.hall.conftest import at
from zhengwu.core import clock
from zhengwu.core.errors import AccessDenied, ValidationFailed
from zhengwu.core.models import AuditRecord, Role
from zhengwu.hall import measures, queue, services
from zhengwu.hall.models import HallSettings, WaitNotice

URL = "/workbench/hall/waits/recipients/"


@pytest.fixture
def elsewhere(hall):
    """A clerk of the next county's centre (鹰潭市月湖区), and a clerk of our centre whose account is disabled."""
    region = make_region("360602", "月湖区", parent=hall.county.parent)
    office = make_organisation("月湖区政务服务管理局", region=region)
    centre = make_centre("月湖区政务服务中心", region, managed_by=office)
    other = make_staff(
        "yuehu", office, roles=[Role.WINDOW_CLERK], window=make_window(centre, "1"), name="赵外区"
    )
    gone = make_staff("gone", hall.office, roles=[Role.WINDOW_CLERK], window=hall.w2, name="钱离岗")
    gone.user.is_active = False
    gone.user.save()
    return {"other": other, "gone": gone}


def test_the_manager_names_them_and_a_long_wait_is_told_to_them(hall, client):
    client.force_login(hall.manager)
    page = client.get(URL).content.decode()
    assert "等候超时提醒人" in page and "值班负责人" in page and "「综合受理」(A 字头)分组负责人" in page
    assert "请选择" in page and "---------" not in page
    assert "李综窗(政务服务管理局 · 1 号窗口)" in page and "王窗口(市场监管局 · 8 号窗口)" in page
    duty, lead = hall.operator.staff, hall.clerk8.staff
    response = client.post(
        URL, {"duty_manager": duty.pk, f"lead_{hall.general.pk}": lead.pk, f"lead_{hall.dedicated.pk}": ""}
    )
    assert response.status_code == 302 and response["Location"] == URL
    assert "已保存等候超时提醒人" in client.get(URL).content.decode()
    settings = HallSettings.objects.get(centre=hall.centre)
    hall.general.refresh_from_db()
    assert (settings.duty_manager, hall.general.lead) == (hall.operator, hall.clerk8)
    record = AuditRecord.objects.get(action="hall.wait_recipients_changed")
    assert record.actor == hall.manager
    assert record.summary["after"] == {"值班负责人": "刘话务", "A 分组负责人": "王窗口", "B 分组负责人": ""}
    assert record.summary["before"]["值班负责人"] == ""
    page = client.get(URL).content.decode()  # the form shows who is named now
    assert f'<option value="{duty.pk}" selected>' in page and f'<option value="{lead.pk}" selected>' in page

    clock.set_now(at("2026-11-18", 9, 0))
    queue.take_number(group=hall.general, source="kiosk")
    clock.set_now(at("2026-11-18", 9, 31))
    measures.warn_long_waits()
    told = {n.recipient for n in WaitNotice.objects.filter(number__display="A001")}
    assert told == {hall.operator, hall.clerk8}  # the centre manager is not told: people are named
    client.force_login(hall.clerk8)
    assert "已等候 31 分钟" in client.get("/workbench/hall/waits/").content.decode()


def test_clearing_them_tells_the_centre_managers_again(hall, client):
    HallSettings.objects.filter(centre=hall.centre).update(duty_manager=hall.operator)
    client.force_login(hall.manager)
    assert client.post(URL, {"duty_manager": ""}).status_code == 302
    assert HallSettings.objects.get(centre=hall.centre).duty_manager is None
    clock.set_now(at("2026-11-18", 9, 0))
    queue.take_number(group=hall.general, source="kiosk")
    clock.set_now(at("2026-11-18", 9, 40))
    measures.warn_long_waits()
    assert [n.recipient for n in WaitNotice.objects.all()] == [hall.manager]


def test_a_window_clerk_cannot_open_the_page(hall, client):
    client.force_login(hall.clerk1)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"duty_manager": hall.clerk1.staff.pk}).status_code == 403
    assert HallSettings.objects.get(centre=hall.centre).duty_manager is None
    assert "超时提醒人" not in client.get("/workbench/hall/").content.decode()  # no tab either
    with pytest.raises(AccessDenied):
        services.set_wait_recipients(centre=hall.centre, duty_manager=hall.clerk1, leads={}, by=hall.clerk1)


def test_another_centres_staff_and_disabled_accounts_cannot_be_chosen(hall, client, elsewhere):
    other, gone = elsewhere["other"], elsewhere["gone"]
    client.force_login(hall.manager)
    page = client.get(URL).content.decode()
    assert "赵外区" not in page and "钱离岗" not in page
    response = client.post(URL, {"duty_manager": other.pk, f"lead_{hall.general.pk}": gone.pk})
    page = response.content.decode()
    assert response.status_code == 422
    assert page.count("只能选择本中心在岗的工作人员") == 2 and 'class="form-select is-invalid"' in page
    assert HallSettings.objects.get(centre=hall.centre).duty_manager is None
    assert not AuditRecord.objects.filter(action="hall.wait_recipients_changed").exists()
    with pytest.raises(ValidationFailed) as refused:  # the service checks too, whatever calls it
        services.set_wait_recipients(
            centre=hall.centre, duty_manager=None, leads={hall.general.pk: other.user}, by=hall.manager
        )
    assert refused.value.field == f"lead_{hall.general.pk}"
    assert "「综合受理」的分组负责人只能是贵溪市政务服务中心在岗的工作人员" == refused.value.message
    hall.general.refresh_from_db()
    assert hall.general.lead is None
