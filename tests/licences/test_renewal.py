"""From a licence to its renewal (延续): the expiry reminder and the wallet link to applying for the type's renewal
item with the licence prefilled (its 原食品经营许可证 material taken from the library); the licence pages link the
pending renewal case; the grant issues the next version in the licence's chain, running on from the old end."""

import copy
import datetime as dt

import pytest
from django.db import transaction

from tests.cases.conftest import ITEM, publish
from tests.factories import paper_checklist
from zhengwu.cases import services as cases
from zhengwu.cases.models import Case, OutboxMessage
from zhengwu.core import clock
from zhengwu.core.errors import Conflict
from zhengwu.licences import services
from zhengwu.licences.models import NOT_YET_VALID, Licence, LicenceUse, Status

RENEWAL = {
    **copy.deepcopy(ITEM),
    "name": "食品经营许可延续",
    "materials": [
        {"name": "食品经营许可延续申请书", "required": True, "medium": "either"},
        {"name": "原食品经营许可证", "required": True, "form": "copy", "medium": "either"},
    ],
}


@pytest.fixture
def renewable(lworld):
    """The company's food licence ending in 25 days; the type names its renewal item."""
    renewal = publish(RENEWAL, lworld.bureau)
    food = lworld.food_type
    food.renewal_item, food.material_names = renewal, ["原食品经营许可证"]
    food.save()
    with transaction.atomic():
        licence = services._create(
            licence_type=food,
            issuer=lworld.bureau,
            holder_kind="legal",
            holder_name=lworld.company.name,
            holder_id=lworld.company.id_number,
            data={"subject": "餐饮服务", "legal_representative": "李四", "address": "花园街道 8 号"},
            valid_until=clock.today() + dt.timedelta(days=25),
        )
    lworld.renewal, lworld.licence = renewal, licence
    return lworld


@pytest.fixture
def company_client(client, renewable):
    renewable.citizen.user = None
    renewable.citizen.save()
    renewable.company.user, renewable.company.verified_at = renewable.citizen_user, clock.now()
    renewable.company.save()
    client.force_login(renewable.citizen_user)
    return client


def grant(case, w):
    case = cases.accept_case(case=case, paper=paper_checklist(case), by=w.clerk)
    cases.claim_step(case=case, by=w.approver)
    cases.complete_step(case=case, by=w.approver, opinion="同意")
    return cases.decide_case(case=case, by=w.head, grant=True)


def test_reminder_and_wallet_link_to_the_prefilled_renewal_which_issues_the_next_version(
    company_client, renewable
):
    w, old = renewable, renewable.licence
    link = f"/cases/apply/{w.renewal.code}/?licence={old.identifier}"
    assert services.remind_expiring() == 1
    sms = OutboxMessage.objects.get(recipient=w.company.phone).body
    assert "将于 2026年10月23日 到期,还有 25 天,请及时申请延续(原证照已预填):" in sms and sms.endswith(link)
    wallet = company_client.get("/licences/").content.decode()
    assert f'href="{link.replace("&", "&amp;")}"' in wallet and "申请延续" in wallet

    form = company_client.get(link).content.decode()
    assert f"已从电子证照库调取:食品经营许可证(编号 {old.number},有效期至 2026年10月23日),无需上传" in form
    answer = company_client.post(
        link,
        {"form.subject": "延续食品经营许可", "applying_as": "self", "idempotency_key": "k-renew",
         "action": "submit", "licence": old.identifier},
    )  # fmt: skip
    assert answer.status_code == 302
    case = Case.objects.get(idempotency_key="k-renew")
    assert case.materials.get(position=2).filename == f"已从电子证照库调取-食品经营许可证-{old.number}.pdf"
    assert old.uses.filter(purpose=LicenceUse.Purpose.REUSE, case=case).exists()

    # the licence pages link the pending renewal case; a later reminder names it instead of the link
    detail = company_client.get(f"/licences/{old.identifier}/").content.decode()
    assert f"延续申请办理中(办件编号 {case.number})" in detail and "申请延续</a>" not in detail
    assert f"延续申请办理中(办件编号 {case.number})" in company_client.get("/licences/").content.decode()
    company_client.force_login(w.head)
    staff = company_client.get(f"/workbench/licences/{old.identifier}/").content.decode()
    assert f'href="/workbench/cases/{case.number}/"' in staff
    clock.set_now(clock.now() + dt.timedelta(days=18))
    services.remind_expiring()
    latest = OutboxMessage.objects.filter(recipient=w.company.phone).order_by("-id").first().body
    assert f"还有 7 天;您的延续申请(办件编号 {case.number})正在办理" in latest

    # the grant issues version 2 of the same licence, from the day after the old one ends
    grant(case, w)
    old.refresh_from_db()
    new = case.licences.get()
    # renewed 7 days ahead of its end: version 1 stays the licence in force until version 2 starts
    assert old.status == Status.VALID and old.effective_status == Status.VALID and new.previous == old
    assert (new.number, new.version) == (old.number, 2)
    assert new.valid_from == dt.date(2026, 10, 24) and new.valid_until == dt.date(2031, 10, 23)
    assert new.data == old.data  # 延续 keeps the licence's content (the form's 申请事项说明 is not 经营项目)
    assert services.pending_renewal(old) is None
    assert [v.version for v in services.chain(new)] == [1, 2]


def test_the_link_takes_the_licence_it_names(company_client, renewable):
    """A holder with two food licences (two shops): the renewal link of the second one prefills the second."""
    w = renewable
    with transaction.atomic():
        second = services._create(
            licence_type=w.food_type, issuer=w.bureau, holder_kind="legal", holder_name=w.company.name,
            holder_id=w.company.id_number, data={"subject": "第二家门店"},
            valid_until=clock.today() + dt.timedelta(days=60),
        )  # fmt: skip
    page = company_client.get(f"/cases/apply/{w.renewal.code}/?licence={second.identifier}").content.decode()
    # both are offered (issue 13: the holder chooses), the link's one chosen
    assert (
        f'value="{second.identifier}" checked' in page
        and f'value="{w.licence.identifier}" checked' not in page
    )
    services.end(
        licence=second,
        by=w.head,
        kind=Status.REVOKED,
        basis="《食品安全法》第一百三十五条",
        document="贵市监罚〔2026〕12号",
    )
    page = company_client.get(f"/cases/apply/{w.renewal.code}/?licence={second.identifier}").content.decode()
    # a revoked licence is not renewed (行政许可法 第五十条): the holder applies anew, not "upload it instead"
    assert f"食品经营许可证(编号 {second.number})已撤销,不能延续,请申请新办" in page


def test_no_renewal_item_keeps_the_plain_reminder(lworld):
    with transaction.atomic():
        services._create(
            licence_type=lworld.food_type, issuer=lworld.bureau, holder_kind="legal", holder_name=lworld.company.name,
            holder_id=lworld.company.id_number, data={}, valid_until=clock.today() + dt.timedelta(days=20),
        )  # fmt: skip
    services.remind_expiring()
    assert OutboxMessage.objects.get().body.endswith("还有 20 天,请及时申请延续。")


def test_a_pending_renewal_application_refuses_the_direct_renewal_and_its_early_version_is_not_yet_in_force(
    client, renewable
):
    """The workbench's 延续 does not go around the holder's pending application (its decision renews), and a version
    that runs on from the old end is 尚未生效 until then — the public check never says 当前有效 for it."""

    w, old = renewable, renewable.licence
    case = cases.submit_case(
        item=w.renewal,
        applicant=w.company,
        by=w.clerk,
        channel="counter",
        window=w.dedicated,
        form={"subject": "延续食品经营许可"},
    )
    services.reuse(licence=old, case=case, by=w.clerk, material="原食品经营许可证")
    with pytest.raises(Conflict) as err:
        services.renew(licence=old, by=w.head)
    assert case.number in err.value.message
    client.force_login(w.head)
    page = client.get(f"/workbench/licences/{old.identifier}/").content.decode()
    assert 'id="licence-renew"' not in page
    assert f"该证照的延续申请(办件编号 {case.number})正在办理" in page
    refused = client.post(f"/workbench/licences/{old.identifier}/renew/")
    assert (
        refused.status_code == 409 and f"延续申请(办件编号 {case.number})正在办理" in refused.content.decode()
    )
    assert not old.__class__.objects.filter(previous=old).exists()

    new = grant(case, w).licences.get()
    assert new.valid_from == dt.date(2026, 10, 24)  # 行政许可法 第五十条: from the day after the old end
    check = client.get(f"/verify/licence/{new.identifier}").content.decode()
    assert "当前有效" not in check
    assert "尚未生效,自 2026年10月24日 起有效" in check
    assert "该证照以第 1 版为准,有效期至 2026年10月23日" in check
    assert (
        "尚未生效(自 2026年10月24日 起有效)"
        in client.get(f"/workbench/licences/{new.identifier}/").content.decode()
    )
    # the licence stays in force on the old version: the holder shows and uses version 1, not the new one
    assert not new.is_usable and old.__class__.objects.get(pk=old.pk).is_usable

    clock.set_now(dt.datetime(2026, 10, 24, 9, tzinfo=clock.LOCAL))
    assert "当前有效" in client.get(f"/verify/licence/{new.identifier}").content.decode()


# A renewal decided long before the old end (issue 13): the new version runs on from the day after the old end
# (行政许可法 第五十条), and until then the old version stays the licence in force — verified 有效, shown, taken from the
# library — instead of being marked replaced on the day of the decision and leaving the holder with nothing.


@pytest.fixture
def renewed(renewable):
    """A food licence with five years left, renewed today by the bureau's head."""
    w = renewable
    # the fixture's other food licence is ended, so the library has only this one to give
    services.end(licence=w.licence, by=w.head, kind=Status.CANCELLED, basis="持证人申请注销")
    with transaction.atomic():
        w.long = services._create(
            licence_type=w.food_type,
            issuer=w.bureau,
            holder_kind="legal",
            holder_name=w.company.name,
            holder_id=w.company.id_number,
            data={"subject": "第二家门店"},
            valid_until=clock.today() + dt.timedelta(days=5 * 365),
        )
    w.new = services.renew(licence=w.long, by=w.head)
    w.long.refresh_from_db()
    return w


def fresh(licence):
    return Licence.objects.get(pk=licence.pk)


def test_until_the_new_period_starts_the_old_version_is_the_licence_in_force(client, renewed, company_client):
    w, old, new = renewed, renewed.long, renewed.new
    assert new.valid_from == old.valid_until + dt.timedelta(days=1) and new.version == 2
    assert old.status == Status.VALID and old.effective_status == Status.VALID and old.ended_at is None
    assert new.effective_status == NOT_YET_VALID and not new.is_usable and old.is_usable

    check = client.get(f"/verify/licence/{old.identifier}").content.decode()
    assert "当前有效" in check and "已被替换" not in check
    start = f"{new.valid_from.year}年{new.valid_from.month}月{new.valid_from.day}日"
    assert f"有效,已延续(第 2 版自 {start} 起有效)" in check
    later = client.get(f"/verify/licence/{new.identifier}").content.decode()
    assert f"尚未生效,自 {start} 起有效" in later and "该证照以第 1 版为准" in later

    # 免提交 takes version 1 today, and 亮证 shows it; version 2 cannot be shown before it starts
    taken, why = services.usable(w.company.id_number, w.food_type)
    assert taken is not None and taken.number == old.number and taken.version == 1, why
    services.show(licence=old, by=w.citizen_user)
    with pytest.raises(Conflict):
        services.show(licence=new, by=w.citizen_user)

    wallet = company_client.get("/licences/").content.decode()
    assert f"有效,已延续(第 2 版自 {start} 起有效)" in wallet and f"尚未生效(自 {start} 起有效)" in wallet
    # 亮证 is offered on version 1's page, not on version 2's
    assert (
        f"/licences/{old.identifier}/show/"
        in company_client.get(f"/licences/{old.identifier}/").content.decode()
    )
    assert (
        f"/licences/{new.identifier}/show/"
        not in company_client.get(f"/licences/{new.identifier}/").content.decode()
    )

    # the renewed version is not changed or renewed again: version 2 is
    with pytest.raises(Conflict) as err:
        services.renew(licence=fresh(old), by=w.head)
    assert "请对第 2 版办理" in err.value.message
    assert services.in_force_version(old).pk == old.pk
    client.force_login(w.head)
    staff = client.get(f"/workbench/licences/{old.identifier}/")
    assert staff.status_code == 200 and f"有效,已延续(第 2 版自 {start} 起有效)" in staff.content.decode()
    assert 'id="licence-renew"' not in staff.content.decode()
    assert client.get(f"/workbench/licences/{new.identifier}/").status_code == 200


def test_the_day_the_new_version_starts_it_is_valid_and_the_old_one_replaced(client, renewed):
    w, old, new = renewed, renewed.long, renewed.new
    clock.set_now(dt.datetime.combine(new.valid_from, dt.time(9), tzinfo=clock.LOCAL))
    assert fresh(new).effective_status == Status.VALID
    assert fresh(old).effective_status == Status.REPLACED  # on read, before the nightly job
    assert (
        "该版本证照已被替换,现行版本为第 2 版"
        in client.get(f"/verify/licence/{old.identifier}").content.decode()
    )

    services.mark_expired()
    old = fresh(old)
    assert old.status == Status.REPLACED and old.ended_at == clock.day_bounds(new.valid_from)[0]
    taken, _why = services.usable(w.company.id_number, w.food_type)
    assert taken is not None and taken.version == 2
    assert services.in_force_version(old).pk == new.pk


def test_ending_the_version_in_force_ends_the_renewal_waiting_to_start(renewed):
    w, old, new = renewed, renewed.long, renewed.new
    services.end(licence=old, by=w.head, kind=Status.CANCELLED, basis="持证人申请注销")
    assert fresh(old).status == Status.CANCELLED and fresh(new).status == Status.CANCELLED
    taken, why = services.usable(w.company.id_number, w.food_type)
    assert taken is None and "已注销" in why


def test_a_renewal_starting_today_replaces_the_old_version_at_once(renewable):
    """A licence whose last day is today: the renewal starts tomorrow — the old one stays valid today only."""
    w = renewable
    with transaction.atomic():
        last = services._create(
            licence_type=w.food_type, issuer=w.bureau, holder_kind="legal", holder_name=w.company.name,
            holder_id=w.company.id_number, data={"subject": "第三家门店"}, valid_until=clock.today(),
        )  # fmt: skip
    new = services.renew(licence=last, by=w.head)
    assert new.valid_from == clock.today() + dt.timedelta(days=1)
    assert fresh(last).effective_status == Status.VALID
    clock.set_now(clock.now() + dt.timedelta(days=1))
    assert fresh(last).effective_status == Status.REPLACED and fresh(new).effective_status == Status.VALID


def test_a_licence_renewed_weeks_ahead_is_no_longer_due_nor_reminded(company_client, renewable):
    """25 days before its end, renewed: the wallet shows it valid and renewed, with no 即将到期 and no 申请延续 link,
    and the reminders stop; a new application for the type lists it (its own period) as the licence held."""
    w, old = renewable, renewable.licence
    new = services.renew(licence=old, by=w.head)
    wallet = company_client.get("/licences/").content.decode()
    assert "有效,已延续(第 2 版自 2026年10月24日 起有效)" in wallet
    assert "即将到期" not in wallet and "申请延续" not in wallet
    assert services.remind_expiring() == 0

    case = cases.submit_case(
        item=w.item, applicant=w.company, by=w.clerk, channel="counter", window=w.dedicated,
        form={"subject": "新开门店"},
    )  # fmt: skip
    _type, held = services.held_before_grant(case)
    assert [(h.pk, h.valid_until) for h in held] == [(old.pk, dt.date(2026, 10, 23))]
    assert new.pk not in [h.pk for h in held]


def test_changing_the_renewal_before_it_starts_keeps_the_old_version_in_force(client, renewed):
    """变更 of version 2 before it starts: version 3 takes its place (version 2 never was in force); version 1 is
    still the licence in force, and version 3 takes over the day after its end."""
    w, old, new = renewed, renewed.long, renewed.new
    third = services.change(
        licence=new, by=w.head, data={"subject": "第二家门店(扩大)"}, reason="经营项目变更"
    )
    assert fresh(new).status == Status.REPLACED and third.valid_from == new.valid_from
    assert fresh(old).effective_status == Status.VALID and fresh(old).renewed_by.pk == third.pk
    assert fresh(third).in_force_before.pk == old.pk
    assert services.usable(w.company.id_number, w.food_type)[0].pk == old.pk
    clock.set_now(dt.datetime.combine(third.valid_from, dt.time(9), tzinfo=clock.LOCAL))
    assert fresh(old).effective_status == Status.REPLACED and fresh(third).effective_status == Status.VALID


def test_a_renewal_case_decided_after_a_direct_early_renewal_runs_on_after_it(renewable):
    """The holder's renewal case took version 1 before staff renewed it directly: its grant renews the licence's last
    version (2, not yet in force) — version 3 from the day after version 2 ends, each version in force in turn."""
    w, old = renewable, renewable.licence
    case = cases.submit_case(
        item=w.renewal, applicant=w.company, by=w.clerk, channel="counter", window=w.dedicated,
        form={"subject": "延续食品经营许可"},
    )  # fmt: skip
    services.reuse(licence=old, case=case, by=w.clerk, material="原食品经营许可证")
    with transaction.atomic():  # as if renewed before the case took it (the pending case refuses it now)
        second = services._create(
            licence_type=old.type, issuer=old.issuer, holder_kind=old.holder_kind, holder_name=old.holder_name,
            holder_id=old.holder_id, data=old.data, previous=old, valid_from=old.valid_until + dt.timedelta(days=1),
        )  # fmt: skip
        services._replace(fresh(old), second)
    third = grant(case, w).licences.get()
    assert third.previous_id == second.pk and third.valid_from == second.valid_until + dt.timedelta(days=1)
    assert [fresh(v).effective_status for v in (old, second, third)] == [
        Status.VALID,
        NOT_YET_VALID,
        NOT_YET_VALID,
    ]
    assert fresh(old).renewed_by.pk == second.pk
    clock.set_now(dt.datetime.combine(second.valid_from, dt.time(9), tzinfo=clock.LOCAL))
    assert [fresh(v).effective_status for v in (old, second, third)] == [
        Status.REPLACED,
        Status.VALID,
        NOT_YET_VALID,
    ]
    assert services.in_force_version(old).pk == second.pk


def test_the_data_migration_restores_a_version_replaced_by_a_renewal_not_yet_started(renewed):
    """Renewed early before the fix: version 1 was stored 已被替换 at once; migration 0009 makes it valid again."""
    import importlib

    from django.apps import apps

    w, old, new = renewed, renewed.long, renewed.new
    Licence.objects.filter(pk=old.pk).update(status=Status.REPLACED, ended_at=clock.now())
    assert services.usable(w.company.id_number, w.food_type)[0] is None
    migration = importlib.import_module(
        "zhengwu.licences.migrations.0009_early_renewal_keeps_the_old_version"
    )
    migration.restore(apps, None)
    assert fresh(old).status == Status.VALID and fresh(old).ended_at is None
    assert services.usable(w.company.id_number, w.food_type)[0].pk == old.pk
    assert fresh(new).status == Status.VALID


def test_a_holder_of_two_licences_chooses_which_one_to_renew(company_client, renewable):
    """Issue 13: two food licences (two shops): the renewal form without a link offered only the later one; it lists
    both, the one nearest its end first and chosen, each with its premises and validity, and takes the one chosen."""
    w = renewable
    with transaction.atomic():
        later = services._create(
            licence_type=w.food_type, issuer=w.bureau, holder_kind="legal", holder_name=w.company.name,
            holder_id=w.company.id_number, data={"subject": "第二家门店", "address": "信江大道 56 号"},
            valid_until=clock.today() + dt.timedelta(days=1800),
        )  # fmt: skip
    page = company_client.get(f"/cases/apply/{w.renewal.code}/").content.decode()
    assert "您持有多张食品经营许可证,请选择本次申请所用的一张" in page
    first, second = page.index(f"编号 {w.licence.number}"), page.index(f"编号 {later.number}")
    assert first < second  # the one ending in 25 days first
    assert (
        f'value="{w.licence.identifier}" checked' in page
        and f'value="{later.identifier}" checked' not in page
    )
    assert "有效期至 2026年10月23日" in page
    answer = company_client.post(
        f"/cases/apply/{w.renewal.code}/",
        {"form.subject": "延续食品经营许可", "applying_as": "self", "idempotency_key": "k-later",
         "action": "submit", "licence": later.identifier},
    )  # fmt: skip
    assert answer.status_code == 302
    case = Case.objects.get(idempotency_key="k-later")
    assert case.materials.get(position=2).filename == f"已从电子证照库调取-食品经营许可证-{later.number}.pdf"
    assert not w.licence.uses.filter(case=case).exists()
