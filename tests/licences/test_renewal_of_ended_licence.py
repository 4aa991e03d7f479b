"""行政许可法 第五十条: 延续 is applied for before a licence's validity ends ("有效期届满三十日前"; for food licences
《食品经营许可管理办法》(2015) 第二十九条 says 30 个工作日前) and decided before it ends; once it has ended (or the licence
was 注销/撤销/吊销) the holder applies anew (新办). A renewal application of such a licence is refused at the field that
names it (online, also when the renewal link names it while another licence of the type is in force, and at the
counter); a grant of a renewal whose licence ended since is refused at the decision (a denial still goes). An
application inside the last 30 days of a licence in force is accepted: the rule says when to apply, and states no
refusal of a late one. Days are the local day (Asia/Shanghai); valid_until is the last valid day."""

import datetime as dt

import pytest
from django.db import transaction

from tests.cases.conftest import publish
from tests.factories import paper_checklist
from tests.licences.test_change_of_ended_licence import CHANGE, at, food_licence
from tests.licences.test_renewal import RENEWAL, grant
from zhengwu.cases import services as cases
from zhengwu.cases.models import Case
from zhengwu.core import clock
from zhengwu.core.errors import Conflict
from zhengwu.hall import intake as hall_intake
from zhengwu.licences import permissions, services
from zhengwu.licences.models import Licence, LicenceUse, Status

LIBRARY_MATERIAL = "material_2"  # 原食品经营许可证, taken from the library


@pytest.fixture
def renewing(lworld):
    """The food licence type with its renewal item (which takes 原食品经营许可证 from the library); 2026-11-18."""
    lworld.renewal = publish(RENEWAL, lworld.bureau)
    food = lworld.food_type
    food.renewal_item, food.material_names = lworld.renewal, ["原食品经营许可证"]
    food.save()
    at(dt.date(2026, 11, 18))
    return lworld


def says(licence, day: str) -> str:
    return f"食品经营许可证(编号 {licence.number})已于 {day} 到期,不能延续,请申请新办"


def at_counter(w, key: str):
    return hall_intake.receive_at_counter(
        item=w.renewal, applicant={"kind": "legal", "name": w.company.name, "id_number": w.company.id_number,
                                   "phone": w.company.phone}, by=w.clerk, form={"subject": "延续食品经营许可"},
        agent=None, window=w.dedicated, idempotency_key=key, files={}, delivery=None,
    )  # fmt: skip


# valid_until (the last valid day) against the local day of the application at the counter. Inside the last 30 days
# (30 working days: 2026-10-01..07 is the National Day holiday) a licence in force is still renewed on application.
@pytest.mark.parametrize(
    "valid_until, now, refused",
    [
        (dt.date(2026, 11, 17), dt.datetime(2026, 11, 18, 10, 0), True),
        (dt.date(2026, 11, 18), dt.datetime(2026, 11, 18, 16, 59), False),  # its last day: still renewed
        # 00:30 in Shanghai on the 19th is still the 18th in UTC: the local day counts
        (dt.date(2026, 11, 18), dt.datetime(2026, 11, 19, 0, 30), True),
        (dt.date(2026, 10, 1), dt.datetime(2026, 9, 30, 10, 0), False),  # the day before 国庆节, 1 day left
        (dt.date(2026, 10, 1), dt.datetime(2026, 10, 8, 9, 0), True),  # first working day after the holiday
        # 12 calendar days, 5 working days (10-01..07 off) before its end: late, still accepted
        (dt.date(2026, 10, 14), dt.datetime(2026, 10, 2, 9, 0), False),
        (dt.date(2026, 12, 17), dt.datetime(2026, 11, 18, 10, 0), False),  # 29 days before: late, accepted
    ],
)
def test_a_renewal_is_applied_for_up_to_the_licences_last_valid_day(renewing, valid_until, now, refused):
    w = renewing
    clock.set_now(now.replace(tzinfo=clock.LOCAL))
    old = food_licence(w, valid_until=valid_until, valid_from=dt.date(2021, 9, 1))
    day = f"{valid_until.year}年{valid_until.month}月{valid_until.day}日"
    assert permissions.ended_for_renewal(old) == (says(old, day) if refused else "")
    before = Case.objects.count()
    if refused:
        with pytest.raises(Conflict) as err:
            at_counter(w, "k-counter")
        assert (err.value.field, err.value.message, err.value.code) == (
            LIBRARY_MATERIAL,
            says(old, day),
            permissions.RENEWAL_ENDED,
        )
        assert Case.objects.count() == before  # nothing written
    else:
        case = at_counter(w, "k-counter")
        assert case.number and old.uses.filter(purpose=LicenceUse.Purpose.REUSE, case=case).exists()


@pytest.mark.parametrize("state", ["revoked", "cancelled"])
def test_at_the_counter_a_renewal_of_an_ended_licence_is_refused(renewing, state):
    w = renewing
    old = food_licence(w, valid_until=dt.date(2031, 1, 1))
    kind = Status.REVOKED if state == "revoked" else Status.CANCELLED
    services.end(
        licence=old, by=w.head, kind=kind, basis="《行政许可法》第六十九条", document="贵市监〔2026〕3号"
    )
    with pytest.raises(Conflict) as refused:
        at_counter(w, f"k-{state}")
    word = "已撤销" if state == "revoked" else "已注销"
    assert refused.value.message == f"食品经营许可证(编号 {old.number}){word},不能延续,请申请新办"
    assert not Case.objects.filter(item=w.renewal).exists()


@pytest.mark.parametrize("item, another_in_force", [("renewal", False), ("renewal", True), ("change", True)])
def test_the_link_naming_an_expired_licence_is_refused_at_the_material(
    client, renewing, item, another_in_force
):
    """The link (到期提醒, 我的证照; or a 变更 link naming the licence) names the expired licence. A second food licence
    of the holder's (another shop), still in force, does not stand in for it: before, the application went in and
    its grant renewed (or changed) the other licence, or issued a new one."""
    w = renewing
    if item == "change":
        w.change = publish(CHANGE, w.bureau)
        w.food_type.items.add(w.change)
    code = (w.renewal if item == "renewal" else w.change).code
    w.citizen.user = None
    w.citizen.save()
    w.company.user, w.company.verified_at = w.citizen_user, clock.now()
    w.company.save()
    client.force_login(w.citizen_user)
    old = food_licence(w, valid_until=dt.date(2026, 11, 17))
    if another_in_force:
        food_licence(w, valid_until=dt.date(2028, 5, 1), valid_from=dt.date(2023, 5, 2))
    refusal = says(old, "2026年11月17日")
    if item == "change":
        refusal = refusal.replace("不能延续", "不能变更")
    link = f"/cases/apply/{code}/?licence={old.identifier}"
    assert refusal in client.get(link).content.decode()  # said before anything is filled in
    answer = client.post(
        link,
        {"form.subject": "延续食品经营许可", "applying_as": "self", "idempotency_key": "k-link-expired",
         "action": "submit", "licence": old.identifier},
    )  # fmt: skip
    assert answer.status_code == 422
    html = answer.content.decode()
    assert f'<div class="invalid-feedback d-block" id="id_{LIBRARY_MATERIAL}_error">{refusal}</div>' in html
    assert not Case.objects.exclude(status="draft").filter(idempotency_key="k-link-expired").exists()
    assert not Licence.objects.filter(uses__purpose=LicenceUse.Purpose.REUSE).exists()


def _late_renewal(w):
    """Applied for at the counter on 11-10 (late: 7 days before the end, accepted), reviewed; the licence's last
    day is 11-17."""
    at(dt.date(2026, 11, 10))
    old = food_licence(w, valid_until=dt.date(2026, 11, 17))
    case = at_counter(w, "k-renew-late")
    assert old.uses.filter(purpose=LicenceUse.Purpose.REUSE, case=case).exists()
    case = cases.accept_case(case=case, paper=paper_checklist(case), by=w.clerk)
    cases.claim_step(case=case, by=w.approver)
    cases.complete_step(case=case, by=w.approver, opinion="同意")
    return old, Case.objects.get(pk=case.pk)


def test_a_renewal_applied_for_in_force_and_decided_after_the_end_is_granted_without_a_gap(renewing):
    """行政许可法 第五十条第二款: the office decides before the end; not decided in time, the renewal is deemed granted.
    Decided on 11-18, the day after the end: granted, the same number, valid from 11-18 (the day after the old end),
    never a day without a licence."""
    w = renewing
    old, case = _late_renewal(w)
    at(dt.date(2026, 11, 18))
    cases.decide_case(case=case, by=w.head, grant=True)
    new = Licence.objects.get(case=case)
    assert (new.number, new.version, new.valid_from) == (old.number, 2, dt.date(2026, 11, 18))
    old.refresh_from_db()
    assert old.status == Status.REPLACED


def test_a_grant_of_a_renewal_whose_licence_was_revoked_since_is_refused_a_denial_goes(client, renewing):
    """Revoked between the application and the decision (11-18): 准予 is refused at the decision form and through the
    API, nothing written; 不予许可 is made."""
    w = renewing
    old, case = _late_renewal(w)
    at(dt.date(2026, 11, 18))
    services.end(
        licence=old,
        by=w.head,
        kind=Status.REVOKED,
        basis="《行政许可法》第六十九条",
        document="贵市监〔2026〕4号",
    )
    refusal = f"食品经营许可证(编号 {old.number})已撤销,不能延续,请申请新办"
    case = Case.objects.get(pk=case.pk)

    client.force_login(w.head)
    page = client.post(
        f"/workbench/cases/{case.number}/act/decide/",
        {"revision": case.revision, "grant": "grant", "reasons": "同意"},
    )
    assert page.status_code == 409
    assert (
        f'<div class="small text-danger" id="decide-grant-error" role="alert">{refusal}</div>'
        in page.content.decode()
    )
    api = client.post(
        f"/api/cases/{case.number}/decide",
        {"grant": True, "revision": case.revision},
        content_type="application/json",
    )
    assert api.status_code == 409 and (api.json()["message"], api.json()["field"]) == (refusal, "grant")
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.decided_at is None and fresh.revision == case.revision
    assert (
        Licence.objects.filter(number=old.number).count() == 1
        and not Licence.objects.filter(case=case).exists()
    )

    denied = cases.decide_case(case=fresh, by=w.head, grant=False, reasons="原许可证已撤销,请申请新办")
    assert denied.decision == "deny" and not Licence.objects.filter(case=case).exists()


def test_a_renewal_decided_on_the_last_day_is_granted(renewing):
    w = renewing
    at(dt.date(2026, 11, 10))
    old = food_licence(w, valid_until=dt.date(2026, 11, 18))
    case = at_counter(w, "k-renew-in-time")
    at(dt.date(2026, 11, 18))
    grant(case, w)
    new = Licence.objects.get(case=case)
    assert (new.number, new.version, new.valid_from) == (old.number, 2, dt.date(2026, 11, 19))


def test_at_the_counter_the_clerk_names_which_of_two_licences_is_renewed(client, renewing):
    """Issue 13: a company with two food licences (two shops) renews one at the counter. Without the licence's number
    the window is told both, each with its premises and validity, and nothing is written; with it, that one is
    taken from the library."""
    w = renewing
    near = food_licence(w, valid_until=dt.date(2027, 1, 2))
    with transaction.atomic():
        far = services._create(
            licence_type=w.food_type, issuer=w.bureau, holder_kind="legal", holder_name=w.company.name,
            holder_id=w.company.id_number, data={"subject": "餐饮服务", "address": "信江大道 56 号"},
            valid_from=dt.date(2026, 11, 18), valid_until=dt.date(2031, 11, 19),
        )  # fmt: skip
    client.force_login(w.clerk)
    url = f"/workbench/cases/counter/{w.renewal.code}/"
    assert "所用证照编号" in client.get(url).content.decode()
    data = {
        "idempotency_key": "k-two", "who-kind": "legal", "who-name": w.company.name,
        "who-id_number": w.company.id_number, "who-phone": w.company.phone, "form.subject": "延续食品经营许可",
    }  # fmt: skip
    answer = client.post(url, data)
    assert answer.status_code == 422
    page = answer.content.decode()
    assert "申请人持有多张食品经营许可证,请在「所用证照编号」填写本次申请所用的一张" in page
    assert f"编号 {near.number}" in page and "有效期至 2027年1月2日" in page
    assert f"编号 {far.number}" in page and "有效期至 2031年11月19日" in page
    assert page.index(f"编号 {near.number}") < page.index(f"编号 {far.number}")
    assert not Case.objects.filter(item=w.renewal).exists()
    answer = client.post(url, {**data, "licence": far.number})
    assert answer.status_code == 302
    case = Case.objects.get(item=w.renewal)
    assert far.uses.filter(purpose=LicenceUse.Purpose.REUSE, case=case).exists()
    assert not near.uses.filter(case=case).exists()
