"""The delivery choice is made when applying: in the online apply form and in the counter's registration form, the
address asked for post and home delivery only, each error in Chinese at its field."""

import pytest

from tests.cases.conftest import pdf_upload, resident_id
from zhengwu.cases.models import Case, Status
from zhengwu.core.models import AuditRecord

ADDRESS = "江西省贵溪市雄石街道建设路12号"


@pytest.fixture
def citizen(client, world):
    client.force_login(world.citizen_user)
    return client


def apply(client, world, key, **delivery):
    post = {
        "form.subject": "开一家小面馆",
        "idempotency_key": key,
        "action": "submit",
        "material_1": pdf_upload(),
    }
    post.update({f"delivery-{k}": v for k, v in delivery.items()})
    return client.post(f"/cases/apply/{world.item.code}/", post)


def test_the_apply_form_offers_the_methods_of_the_guide(citizen, world):
    html = citizen.get(f"/cases/apply/{world.item.code}/").content.decode()
    assert "结果送达方式" in html and "窗口领取" in html and "邮寄送达" in html and "上门送达" in html
    assert 'value="electronic"' not in html  # the guide does not offer it
    assert 'name="delivery-address"' in html and "data-delivery-address" in html
    window = next(tag for tag in html.split("<input") if 'id="id_delivery-method_0"' in tag)
    assert 'value="window"' in window and "checked" in window  # the default


def test_post_chosen_online_with_an_address_a_courier_can_find(citizen, world):
    bad = apply(citizen, world, "k-post-1", method="post", address="贵溪市建设路")
    html = bad.content.decode()
    assert bad.status_code == 422 and "送达地址不完整" in html and 'id="id_delivery-address_error"' in html
    assert not Case.objects.filter(idempotency_key="k-post-1").exclude(status=Status.DRAFT).exists()
    empty = apply(citizen, world, "k-post-2", method="post", address="")
    assert empty.status_code == 422 and "请填写送达地址" in empty.content.decode()
    ok = apply(citizen, world, "k-post-3", method="post", address=ADDRESS)
    assert ok.status_code == 302
    case = Case.objects.get(idempotency_key="k-post-3")
    assert (case.requested_delivery, case.delivery_address) == ("post", ADDRESS)
    assert AuditRecord.objects.filter(action="hall.delivery_chosen", object_id=str(case.pk)).exists()
    page = citizen.get(f"/cases/mine/{case.number}/").content.decode()
    assert "邮寄送达" in page


def test_window_pickup_keeps_no_address_and_home_delivery_is_for_the_elderly(citizen, world):
    ok = apply(citizen, world, "k-win", method="window", address=ADDRESS)
    case = Case.objects.get(idempotency_key="k-win")
    assert ok.status_code == 302 and (case.requested_delivery, case.delivery_address) == ("window", "")
    young = apply(citizen, world, "k-home", method="home", address=ADDRESS, reason="elderly")
    html = young.content.decode()
    assert young.status_code == 422 and "限60周岁以上" in html and 'id="id_delivery-reason_error"' in html
    no_reason = apply(citizen, world, "k-home-2", method="home", address=ADDRESS)
    assert "上门送达请说明情形" in no_reason.content.decode()
    disabled = apply(citizen, world, "k-home-3", method="home", address=ADDRESS, reason="disabled")
    assert disabled.status_code == 302
    assert Case.objects.get(idempotency_key="k-home-3").requested_delivery == "home"
    unknown = apply(citizen, world, "k-el", method="electronic")
    assert unknown.status_code == 422 and 'id="id_delivery-method_error"' in unknown.content.decode()


def counter(client, world, key, birth="19660606", **delivery):
    data = {
        "idempotency_key": key,
        "who-kind": "natural",
        "who-name": "赵六",
        "who-id_number": resident_id(birth, "666"),
        "who-phone": "13600000000",
        "form.subject": "窗口申请",
        "material_1": pdf_upload(),
    }
    data.update({f"delivery-{k}": v for k, v in delivery.items()})
    return client.post(f"/workbench/cases/counter/{world.item.code}/", data)


def test_the_counter_records_home_delivery_for_a_60_year_old(client, world):
    client.force_login(world.clerk)
    page = client.get(f"/workbench/cases/counter/{world.item.code}/").content.decode()
    assert "结果送达方式" in page and 'name="delivery-reason"' in page
    bad = counter(client, world, "c-1", method="home", address="建设路12号", reason="elderly")
    html = bad.content.decode()
    assert bad.status_code == 422 and "送达地址不完整" in html and 'id="id_delivery-address_error"' in html
    assert "赵六" in html and not Case.objects.filter(idempotency_key="c-1").exists()
    young = counter(client, world, "c-2", birth="19900606", method="home", address=ADDRESS, reason="elderly")
    assert young.status_code == 422 and "限60周岁以上" in young.content.decode()
    ok = counter(client, world, "c-3", method="home", address=ADDRESS, reason="elderly")  # 60 on 2026-06-06
    assert ok.status_code == 302
    case = Case.objects.get(idempotency_key="c-3")
    assert (case.requested_delivery, case.delivery_address, case.channel) == ("home", ADDRESS, "counter")
