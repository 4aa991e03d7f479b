"""Slice 6, 免提交: the food-licence application's 营业执照 material is filled from the library when the company holds
a valid business licence — the form says 已从电子证照库调取, no upload is asked for, the clerk finds the signed licence
as the material's file, and the use is logged; an expired or revoked licence is not used and the form says why."""

import datetime as dt

import pytest
from django.db import transaction

from zhengwu.cases import services as cases
from zhengwu.cases.models import Case
from zhengwu.core import clock
from zhengwu.licences import services, signing
from zhengwu.licences.models import LicenceUse, Status


def business_licence(w, *, valid_until=...):
    with transaction.atomic():
        return services._create(
            licence_type=w.business_type,
            issuer=w.bureau,
            holder_kind="legal",
            holder_name=w.company.name,
            holder_id=w.company.id_number,
            data={"legal_representative": "李四", "scope": "餐饮服务"},
            valid_until=valid_until,
        )


@pytest.fixture
def company_client(client, lworld):
    user = lworld.citizen_user
    lworld.citizen.user = None
    lworld.citizen.save()
    lworld.company.user, lworld.company.verified_at = user, clock.now()
    lworld.company.save()
    client.force_login(user)
    return client


def apply(client, w, key: str):
    return client.post(
        f"/cases/apply/{w.item.code}/",
        {"form.subject": "餐饮服务", "applying_as": "self", "idempotency_key": key, "action": "submit"},
    )


def test_a_valid_business_licence_is_taken_from_the_library(company_client, lworld):
    licence = business_licence(lworld)
    page = company_client.get(f"/cases/apply/{lworld.item.code}/").content.decode()
    assert f"已从电子证照库调取:营业执照(编号 {licence.number},长期有效),无需上传" in page
    response = apply(company_client, lworld, "k-reuse-1")
    assert response.status_code == 302
    case = Case.objects.get(idempotency_key="k-reuse-1")
    material = case.materials.get(position=2)
    assert material.filename == f"已从电子证照库调取-营业执照-{licence.number}.pdf"
    assert signing.verify(material.file.read()).identifier == licence.identifier
    assert 2 not in {m["position"] for m in cases.missing_materials(case)}
    use = licence.uses.get(purpose=LicenceUse.Purpose.REUSE)
    assert use.case == case and use.user == lworld.citizen_user and use.note == "营业执照复印件"
    # the holder sees the use in the wallet; the clerk sees the licence the case used
    assert case.number in company_client.get(f"/licences/{licence.identifier}/").content.decode()
    company_client.force_login(lworld.clerk)
    assert licence.number in company_client.get("/workbench/licences/").content.decode()


@pytest.mark.parametrize("state", ["revoked", "expired"])
def test_a_revoked_or_expired_licence_is_not_used_and_the_form_says_why(company_client, lworld, state):
    if state == "revoked":
        licence = business_licence(lworld)
        services.end(
            licence=licence,
            by=lworld.head,
            kind=Status.REVOKED,
            basis="《公司法》第二百五十条",
            document="贵市监罚〔2026〕12号",
        )
        says = "已撤销"
    else:
        licence = business_licence(lworld, valid_until=clock.today() - dt.timedelta(days=1))
        says = "已过期"
    page = company_client.get(f"/cases/apply/{lworld.item.code}/").content.decode()
    assert f"持有的营业执照(编号 {licence.number}){says},不能调取,请上传材料" in page
    apply(company_client, lworld, "k-reuse-2")
    case = Case.objects.get(idempotency_key="k-reuse-2")
    assert not case.materials.filter(position=2).exists()
    assert not licence.uses.filter(purpose=LicenceUse.Purpose.REUSE).exists()
    with pytest.raises(Exception, match="不能调取"):
        services.reuse(licence=licence, case=case, by=lworld.clerk, material="营业执照复印件")


def test_without_a_licence_the_form_says_the_library_has_none(company_client, lworld):
    page = company_client.get(f"/cases/apply/{lworld.item.code}/").content.decode()
    assert "电子证照库中没有您的营业执照" in page


def test_the_counter_fills_it_too(lworld):
    licence = business_licence(lworld)
    from zhengwu.cases import library

    case = cases.submit_case(
        item=lworld.item,
        applicant=lworld.company,
        by=lworld.clerk,
        channel="counter",
        window=lworld.dedicated,
        form={"subject": "餐饮服务"},
    )
    [(material, used)] = library.fill(case, lworld.clerk)
    assert used == licence and material.position == 2


def test_the_clerk_sees_which_licence_was_taken_for_which_material_and_its_state(
    company_client, lworld, client
):
    """The clerk's case page says which licence stands in for which material and that it is valid now — its check,
    not a bare 「说明:营业执照复印件」."""
    licence = business_licence(lworld)
    apply(company_client, lworld, "k-reuse-clerk")
    case = Case.objects.get(idempotency_key="k-reuse-clerk")
    company_client.logout()
    client.force_login(lworld.clerk)
    page = client.get(f"/workbench/cases/{case.number}/").content.decode()
    assert (
        f"已从电子证照库调取营业执照(编号 {licence.number},现有效)作为申请材料「营业执照复印件」,无需提交。"
    ) in page
    # the material's file is described in words, not by its media type
    assert '<span class="text-body-secondary">application/pdf' not in page
    assert '<span class="text-body-secondary">PDF · ' in page
