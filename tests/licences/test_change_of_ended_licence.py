"""行政许可法 第五十条: once a licence's validity has ended (or it was 注销/撤销/吊销) the holder applies anew (新办) —
it is not changed (变更). An application changing it is refused at the field that names the licence (online, at the
counter), a grant of a change case whose licence ended since is refused at the decision (a denial still goes), and
the workbench's own 变更 says why; nothing is written. Days are the local day (Asia/Shanghai); valid_until is the
last valid day. The clock is set to 2026-11-18 (the world fixture starts it on 2026-09-28)."""

import copy
import datetime as dt

import pytest
from django.db import transaction

from tests.cases.conftest import ITEM, publish
from tests.factories import paper_checklist
from zhengwu.cases import services as cases
from zhengwu.cases.models import Case
from zhengwu.core import clock
from zhengwu.core.errors import Conflict
from zhengwu.hall import intake as hall_intake
from zhengwu.licences import permissions, services
from zhengwu.licences.models import Licence, LicenceUse, Status

CHANGE = {
    **copy.deepcopy(ITEM),
    "name": "食品经营许可变更",
    "materials": [
        {"name": "食品经营许可变更申请书", "required": True, "medium": "either"},
        {"name": "原食品经营许可证", "required": True, "form": "copy", "medium": "either"},
    ],
}
LIBRARY_MATERIAL = "material_2"  # 原食品经营许可证, taken from the library


@pytest.fixture
def changing(lworld):
    """The food licence type with its change item (which takes 原食品经营许可证 from the library)."""
    lworld.change = publish(CHANGE, lworld.bureau)
    food = lworld.food_type
    food.items.add(lworld.change)
    food.material_names = ["原食品经营许可证"]
    food.save()
    at(dt.date(2026, 11, 18))
    return lworld


def food_licence(w, *, valid_until: dt.date, valid_from: dt.date = dt.date(2021, 11, 18)) -> Licence:
    with transaction.atomic():
        return services._create(
            licence_type=w.food_type, issuer=w.bureau, holder_kind="legal", holder_name=w.company.name,
            holder_id=w.company.id_number, data={"subject": "餐饮服务", "address": "花园街道 8 号"},
            valid_from=valid_from, valid_until=valid_until,
        )  # fmt: skip


def at(day: dt.date, hour: int = 10) -> None:
    clock.set_now(dt.datetime.combine(day, dt.time(hour), tzinfo=clock.LOCAL))


# valid_until (the last valid day) against the local day: the day after it the licence is no longer changed.
# 2026-10-01..07 is the National Day holiday: a licence ends on its date, holiday or not.
@pytest.mark.parametrize(
    "valid_until, now, refused",
    [
        (dt.date(2026, 11, 17), dt.datetime(2026, 11, 18, 10, 0), True),
        (dt.date(2026, 11, 18), dt.datetime(2026, 11, 18, 10, 0), False),  # its last day: still in force
        (dt.date(2026, 11, 18), dt.datetime(2026, 11, 18, 23, 59), False),
        # 00:30 in Shanghai on the 19th is still the 18th in UTC: the local day counts
        (dt.date(2026, 11, 18), dt.datetime(2026, 11, 19, 0, 30), True),
        (dt.date(2026, 10, 1), dt.datetime(2026, 10, 1, 9, 0), False),  # 国庆节, its last day
        (dt.date(2026, 10, 1), dt.datetime(2026, 10, 2, 9, 0), True),
        (
            dt.date(2026, 10, 7),
            dt.datetime(2026, 10, 8, 9, 0),
            True,
        ),  # the first working day after the holiday
    ],
)
def test_a_licence_is_changed_up_to_its_last_valid_day_in_the_local_day(lworld, valid_until, now, refused):
    licence = food_licence(lworld, valid_until=valid_until)
    clock.set_now(now.replace(tzinfo=clock.LOCAL))
    why = permissions.ended_for_change(licence)
    day = f"{valid_until.year}年{valid_until.month}月{valid_until.day}日"
    assert why == (
        f"食品经营许可证(编号 {licence.number})已于 {day} 到期,不能变更,请申请新办" if refused else ""
    )
    assert (permissions.state_refusal(licence, "change") is not None) is refused


def test_the_online_application_changing_an_expired_licence_is_refused_at_the_material(client, changing):
    w = changing
    w.citizen.user = None
    w.citizen.save()
    w.company.user, w.company.verified_at = w.citizen_user, clock.now()
    w.company.save()
    client.force_login(w.citizen_user)
    old = food_licence(w, valid_until=dt.date(2026, 11, 17))
    says = f"食品经营许可证(编号 {old.number})已于 2026年11月17日 到期,不能变更,请申请新办"
    link = f"/cases/apply/{w.change.code}/?licence={old.identifier}"
    shown = client.get(link).content.decode()
    assert says in shown  # the form says it before anything is filled in
    answer = client.post(
        link,
        {"form.subject": "变更经营场所", "applying_as": "self", "idempotency_key": "k-change-expired",
         "action": "submit", "licence": old.identifier},
    )  # fmt: skip
    assert answer.status_code == 422
    html = answer.content.decode()
    assert f'<div class="invalid-feedback d-block" id="id_{LIBRARY_MATERIAL}_error">{says}</div>' in html
    assert not Case.objects.filter(item=w.change).exclude(status="draft").exists()  # nothing submitted
    assert not old.uses.filter(purpose=LicenceUse.Purpose.REUSE).exists()

    # the same licence with today its last day: the change goes in, taking it from the library
    Licence.objects.filter(pk=old.pk).update(valid_until=dt.date(2026, 11, 18))
    answer = client.post(
        link,
        {"form.subject": "变更经营场所", "applying_as": "self", "idempotency_key": "k-change-valid",
         "action": "submit", "licence": old.identifier},
    )  # fmt: skip
    assert answer.status_code == 302
    assert Case.objects.get(idempotency_key="k-change-valid").number


@pytest.mark.parametrize("state", ["expired", "revoked", "cancelled"])
def test_at_the_counter_a_change_of_an_ended_licence_is_refused_and_nothing_is_written(changing, state):
    w = changing
    old = food_licence(w, valid_until=dt.date(2026, 11, 17) if state == "expired" else dt.date(2031, 1, 1))
    says = "已于 2026年11月17日 到期"
    if state != "expired":
        kind = Status.REVOKED if state == "revoked" else Status.CANCELLED
        services.end(
            licence=old, by=w.head, kind=kind, basis="《行政许可法》第六十九条", document="贵市监〔2026〕3号"
        )
        says = "已撤销" if state == "revoked" else "已注销"
    before = Case.objects.count()
    with pytest.raises(Conflict) as refused:
        hall_intake.receive_at_counter(
            item=w.change, applicant={"kind": "legal", "name": w.company.name, "id_number": w.company.id_number,
                                      "phone": w.company.phone}, by=w.clerk, form={"subject": "变更经营场所"},
            agent=None, window=w.dedicated, idempotency_key=f"k-counter-{state}", files={}, delivery=None,
        )  # fmt: skip
    assert refused.value.field == LIBRARY_MATERIAL
    assert refused.value.message == f"食品经营许可证(编号 {old.number}){says},不能变更,请申请新办"
    assert Case.objects.count() == before


def test_a_grant_of_a_change_whose_licence_expired_since_is_refused_a_denial_goes(client, changing):
    """Applied for on 11-10 with the licence in force (taken from the library); by the decision (11-18) its last day,
    11-17, has passed: 准予 is refused at the decision form and through the API, nothing written; 不予许可 is made."""
    w = changing
    at(dt.date(2026, 11, 10))
    old = food_licence(w, valid_until=dt.date(2026, 11, 17))
    case = hall_intake.receive_at_counter(
        item=w.change, applicant={"kind": "legal", "name": w.company.name, "id_number": w.company.id_number,
                                  "phone": w.company.phone}, by=w.clerk, form={"subject": "变更经营场所"},
        agent=None, window=w.dedicated, idempotency_key="k-change-late", files={}, delivery=None,
    )  # fmt: skip
    assert old.uses.filter(purpose=LicenceUse.Purpose.REUSE, case=case).exists()
    case = cases.accept_case(case=case, paper=paper_checklist(case), by=w.clerk)
    cases.claim_step(case=case, by=w.approver)
    cases.complete_step(case=case, by=w.approver, opinion="同意")
    case = Case.objects.get(pk=case.pk)
    at(dt.date(2026, 11, 18))
    says = f"食品经营许可证(编号 {old.number})已于 2026年11月17日 到期,不能变更,请申请新办"

    client.force_login(w.head)
    page = client.post(
        f"/workbench/cases/{case.number}/act/decide/",
        {"revision": case.revision, "grant": "grant", "reasons": "同意"},
    )
    assert page.status_code == 409
    html = page.content.decode()
    assert (
        f'<div class="small text-danger" id="decide-grant-error" role="alert">{says}</div>' in html
    )  # at 准予许可
    api = client.post(
        f"/api/cases/{case.number}/decide",
        {"grant": True, "revision": case.revision},
        content_type="application/json",
    )
    assert api.status_code == 409 and (api.json()["message"], api.json()["field"]) == (says, "grant")
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.decided_at is None and fresh.revision == case.revision
    assert (
        not Licence.objects.filter(case=case).exists()
        and Licence.objects.get(pk=old.pk).status == Status.VALID
    )

    denied = cases.decide_case(case=fresh, by=w.head, grant=False, reasons="原许可证已到期,请申请新办")
    assert denied.decision == "deny" and not Licence.objects.filter(case=case).exists()


def test_a_change_naming_an_expired_licence_in_its_form_is_refused_at_that_field(changing):
    """A form that names the licence (licence_identifier): refused there; before, the grant issued it a fresh
    five-year period (or, once stored 已过期, a new licence under a new number)."""
    from tests.licences.test_strangers_loose_ends import _naming_the_licence

    w = changing
    _naming_the_licence(w)
    old = food_licence(w, valid_until=dt.date(2026, 11, 17))
    services.mark_expired()
    assert Licence.objects.get(pk=old.pk).status == Status.EXPIRED
    with pytest.raises(Conflict) as refused:
        cases.submit_case(
            item=w.item, applicant=w.company, by=w.clerk, channel="counter", window=w.dedicated,
            form={"subject": "变更", "address": "贵溪市建设路 20 号", "licence_identifier": old.identifier},
        )  # fmt: skip
    assert refused.value.field == "form.licence_identifier"
    assert "已于 2026年11月17日 到期,不能变更,请申请新办" in refused.value.message


@pytest.mark.parametrize("state", ["expired", "revoked"])
def test_the_workbench_change_of_an_ended_licence_says_why(client, lworld, state):
    w = lworld
    at(dt.date(2026, 11, 18))
    old = food_licence(w, valid_until=dt.date(2026, 11, 17) if state == "expired" else dt.date(2031, 1, 1))
    says = f"食品经营许可证(编号 {old.number})已于 2026年11月17日 到期,不能变更,请申请新办"
    if state == "revoked":
        services.end(
            licence=old,
            by=w.head,
            kind=Status.REVOKED,
            basis="《行政许可法》第六十九条",
            document="贵市监〔2026〕4号",
        )
        says = f"食品经营许可证(编号 {old.number})已撤销,不能变更,请申请新办"
    client.force_login(w.head)
    assert 'id="licence-change"' not in client.get(f"/workbench/licences/{old.identifier}/").content.decode()
    refused = client.post(
        f"/workbench/licences/{old.identifier}/change/", {"data_subject": "又改", "reason": "经营项目变更"}
    )
    assert refused.status_code == 409 and says in refused.content.decode()
    with pytest.raises(Conflict, match="不能变更,请申请新办"):
        services.change(licence=old, by=w.head, data={"subject": "又改"}, reason="经营项目变更")
    assert Licence.objects.filter(number=old.number).count() == 1
