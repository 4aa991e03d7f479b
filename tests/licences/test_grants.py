"""授权用证: the holder authorises a department, a bank (by its USCC) or a person (by resident ID, shown masked) to use a
licence for a purpose until a date; the party views it within the grant only, every look is in the licence's use
log; the holder sees the grants and revokes them; a department that did not issue the licence has no other way to
it than a grant or 免提交."""

import datetime as dt
import re

import pytest
from django.core import mail

from tests.cases.conftest import resident_id
from tests.factories import make_organisation, make_staff, make_user
from tests.licences.conftest import granted
from zhengwu.cases import services as cases
from zhengwu.cases.models import OutboxMessage
from zhengwu.core import clock, ids, outbox
from zhengwu.core.models import Organisation, Role, Staff
from zhengwu.core.outbox import LoggingSmsProvider
from zhengwu.licences import grants, services
from zhengwu.licences.models import Licence, LicenceGrant, LicenceUse, Status

BANK_USCC = ids.make_uscc("9", "1", "360681", "MA35BANK")
PERSON_ID = resident_id("19880512", "234")


@pytest.fixture
def issued(lworld):
    return Licence.objects.get(case=granted(lworld))


@pytest.fixture
def holder(client, lworld):
    """The company's agent signed in on the portal (法人登录)."""
    lworld.citizen.user = None
    lworld.citizen.save()
    lworld.company.user, lworld.company.verified_at = lworld.citizen_user, clock.now()
    lworld.company.save()
    client.force_login(lworld.citizen_user)
    return client


def until(days: int) -> str:
    return (clock.today() + dt.timedelta(days=days)).isoformat()


def test_the_holder_authorises_a_department_which_sees_it_only_within_the_grant(holder, lworld, issued):
    # before any grant the water bureau's staff cannot open the licence (it did not issue it, no case took it)
    holder_page = f"/licences/{issued.identifier}/"
    answer = holder.post(
        f"{holder_page}authorise/",
        {"kind": "organisation", "organisation": lworld.other.pk, "purpose": "办理取水许可核验经营资格",
         "valid_until": until(30)},
    )  # fmt: skip
    assert answer.status_code == 302
    page = holder.get(holder_page).content.decode()
    assert "贵溪市水利局" in page and "办理取水许可核验经营资格" in page and "授权有效" in page
    grant = LicenceGrant.objects.get()

    holder.force_login(lworld.outsider)
    assert holder.get(f"/workbench/licences/{issued.identifier}/").status_code == 404
    listing = holder.get("/workbench/licences/granted/").content.decode()
    assert issued.type.name in listing and "办理取水许可核验经营资格" in listing
    seen = holder.get(f"/workbench/licences/granted/{grant.pk}/")
    text = seen.content.decode()
    assert (
        seen.status_code == 200 and issued.number in text and "授权您用于「办理取水许可核验经营资格」" in text
    )
    pdf = holder.get(f"/workbench/licences/granted/{grant.pk}/download/")
    assert pdf.status_code == 200 and services.check_file(pdf.content)["verdict"].ok
    uses = issued.uses.filter(purpose=LicenceUse.Purpose.GRANTED)
    assert [u.note for u in uses] == [
        "贵溪市水利局依授权下载:办理取水许可核验经营资格",
        "贵溪市水利局依授权查验:办理取水许可核验经营资格",
    ]
    # another department of the bureau's county (not named) has no grant
    holder.force_login(lworld.clerk)
    assert holder.get(f"/workbench/licences/granted/{grant.pk}/").status_code == 404

    # the holder sees every look in the use log and revokes the grant; the department is refused from then on
    holder.force_login(lworld.citizen_user)
    page = holder.get(holder_page).content.decode()
    assert "贵溪市水利局依授权查验:办理取水许可核验经营资格" in page
    assert holder.post(f"/licences/grants/{grant.pk}/revoke/").status_code == 302
    assert "已撤回" in holder.get(holder_page).content.decode()
    holder.force_login(lworld.outsider)
    refused = holder.get(f"/workbench/licences/granted/{grant.pk}/")
    assert refused.status_code == 403 and "授权已撤回,不能使用该证照" in refused.content.decode()


def test_a_grant_ends_on_its_last_day(holder, lworld, issued):
    grant = grants.authorise(
        licence=issued, by=lworld.citizen_user, kind="organisation", organisation=lworld.other,
        purpose="核验", valid_until=until(3),
    )  # fmt: skip
    clock.set_now(clock.now() + dt.timedelta(days=3))
    assert grants.open_granted(by=lworld.outsider, grant_id=grant.pk).pk == grant.pk
    clock.set_now(clock.now() + dt.timedelta(days=1))
    with pytest.raises(grants.AccessDenied, match="授权已到期"):
        grants.open_granted(by=lworld.outsider, grant_id=grant.pk)


def test_a_bank_by_its_credit_code_uses_the_api(holder, client, lworld, issued):
    made = holder.post(
        f"/api/licences/{issued.identifier}/grants",
        {"kind": "company", "grantee_id": BANK_USCC, "grantee_name": "贵溪农村商业银行", "purpose": "经营贷款审核",
         "valid_until": until(60)},
        content_type="application/json",
    )  # fmt: skip
    assert made.status_code == 201, made.content
    grant = made.json()
    assert grant["grantee"] == f"贵溪农村商业银行({BANK_USCC})" and grant["state"] == "active"
    assert [g["id"] for g in holder.get(f"/api/licences/{issued.identifier}/grants").json()] == [grant["id"]]

    bank_user = make_user("bank-agent")
    bank = cases.register_applicant(
        kind="legal", name="贵溪农村商业银行", id_number=BANK_USCC, phone="13907013300"
    )
    bank.user = bank_user
    bank.save()
    holder.force_login(bank_user)
    [row] = holder.get("/api/licences/granted").json()
    assert row["id"] == grant["id"] and row["purpose"] == "经营贷款审核"
    seen = holder.get(f"/api/licences/granted/{grant['id']}")
    assert seen.status_code == 200 and seen.json()["number"] == issued.number
    assert holder.get(f"/api/licences/{issued.identifier}").status_code == 404  # only through the grant
    # the portal's wallet lists it for the bank too
    assert "经营贷款审核" in holder.get("/licences/").content.decode()

    holder.force_login(lworld.citizen_user)
    log = holder.get(f"/api/licences/{issued.identifier}/uses").json()
    assert "贵溪农村商业银行(" + BANK_USCC + ")依授权查验:经营贷款审核" in [u["note"] for u in log]
    revoked = holder.post(f"/api/licences/grants/{grant['id']}/revoke")
    assert revoked.status_code == 200 and revoked.json()["state_label"] == "已撤回"
    holder.force_login(bank_user)
    assert holder.get(f"/api/licences/granted/{grant['id']}").status_code == 403


def test_a_person_is_named_by_resident_id_and_shown_masked(holder, lworld, issued):
    holder.post(
        f"/licences/{issued.identifier}/authorise/",
        {"kind": "person", "grantee_id": PERSON_ID, "grantee_name": "陈会计", "purpose": "代理记账",
         "valid_until": until(10)},
    )  # fmt: skip
    page = holder.get(f"/licences/{issued.identifier}/").content.decode()
    assert PERSON_ID not in page and "陈会计(360681********2" in page


@pytest.mark.parametrize(
    ("post", "field", "says"),
    [
        ({"kind": "company", "grantee_id": "91360681MA35BANK0", "grantee_name": "某银行"}, "grantee_id",
         "被授权方的统一社会信用代码无效"),
        ({"kind": "organisation"}, "organisation", "请选择被授权的部门"),
        ({"kind": "person", "grantee_id": PERSON_ID, "grantee_name": "陈会计", "purpose": ""}, "purpose",
         "请填写用证用途"),
        ({"kind": "person", "grantee_id": PERSON_ID, "grantee_name": "陈会计", "valid_until": "明天"}, "valid_until",
         "请按 年-月-日 填写授权截止日期"),
        ({"kind": "person", "grantee_id": PERSON_ID, "grantee_name": "陈会计", "valid_until": "2028-01-01"},
         "valid_until", "一次授权最长 366 天"),
    ],
)  # fmt: skip
def test_bad_grants_are_refused_naming_the_field(holder, lworld, issued, post, field, says):
    body = {"purpose": "核验", "valid_until": until(10), **post}
    page = holder.post(f"/licences/{issued.identifier}/authorise/", body)
    assert page.status_code == 422 and says in page.content.decode()
    api = holder.post(
        f"/api/licences/{issued.identifier}/grants",
        {**body, "valid_until": body["valid_until"] if body["valid_until"][0].isdigit() else "x"},
        content_type="application/json",
    )
    assert api.status_code == 422
    assert not LicenceGrant.objects.exists()


def test_only_the_holder_grants_and_only_a_usable_licence(holder, client, lworld, issued):
    with pytest.raises(grants.AccessDenied):
        grants.authorise(
            licence=issued, by=lworld.clerk, kind="organisation", organisation=lworld.other, purpose="x",
            valid_until=until(3),
        )  # fmt: skip
    services.end(
        licence=issued,
        by=lworld.head,
        kind=Status.REVOKED,
        basis="《食品安全法》第一百三十五条",
        document="贵市监罚〔2026〕12号",
    )
    answer = holder.post(
        f"/api/licences/{issued.identifier}/grants",
        {"kind": "organisation", "organisation": str(lworld.other.pk), "purpose": "核验", "valid_until": until(3)},
        content_type="application/json",
    )  # fmt: skip
    assert answer.status_code == 409 and "证照已撤销,不能授权使用" in answer.json()["message"]


def test_a_grant_follows_the_licence_into_its_next_version(holder, lworld, issued):
    grant = grants.authorise(
        licence=issued, by=lworld.citizen_user, kind="organisation", organisation=lworld.other,
        purpose="核验", valid_until=until(30),
    )  # fmt: skip
    new = services.change(licence=issued, by=lworld.head, data={"address": "新址"}, reason="搬迁")
    seen = holder.get(f"/licences/{new.identifier}/").content.decode()
    assert "贵溪市水利局" in seen  # the holder manages the grant from the current version
    holder.force_login(lworld.outsider)
    page = holder.get(f"/workbench/licences/granted/{grant.pk}/").content.decode()
    assert "新址" in page  # the current version, not the one the grant was made on
    assert new.uses.filter(purpose=LicenceUse.Purpose.GRANTED).count() == 1


# ---------------------------------------------------------------- the party is told


def told(address: str) -> list[str]:
    return list(OutboxMessage.objects.filter(recipient=address).order_by("id").values_list("body", flat=True))


def test_the_department_is_told_of_the_grant_and_of_its_revocation(holder, lworld, issued, settings):
    settings.ZHENGWU_PUBLIC_URL = "https://zwfw.example"
    head = Staff.objects.get(user=lworld.outsider)
    head.phone = "13700137000"
    head.save()
    lworld.outsider.email = "head@shuili.example"
    lworld.outsider.save()
    clerk = make_staff("shuili-clerk", lworld.other, roles=[Role.WINDOW_CLERK], phone="13600136000")

    holder.post(
        f"/licences/{issued.identifier}/authorise/",
        {"kind": "organisation", "organisation": lworld.other.pk, "purpose": "办理取水许可核验经营资格",
         "valid_until": until(30)},
    )  # fmt: skip
    grant = LicenceGrant.objects.get()
    [sms] = told("13700137000")
    assert sms == (
        f"【政务服务】贵溪市好味道餐饮有限公司授权贵溪市水利局使用其食品经营许可证(编号 {issued.number}),"
        "用途:办理取水许可核验经营资格,授权期 2026年9月28日 至 2026年10月28日。"
        f"查验:https://zwfw.example/workbench/licences/granted/{grant.pk}/"
    )
    assert told("head@shuili.example") == [sms]
    assert told(clerk.phone) == []  # the department's head speaks for it; its clerks are not messaged
    # the message leaves after the commit, through the SMS gateway and the mail server
    LoggingSmsProvider.sent.clear()
    mail.outbox.clear()
    outbox.send_due()
    assert ("13700137000", sms) in LoggingSmsProvider.sent
    assert [m.subject for m in mail.outbox] == ["【政务服务】用证授权:食品经营许可证"]
    # the head opens the workbench's list of licences granted to the department and finds it there
    holder.force_login(lworld.outsider)
    index = holder.get("/workbench/licences/").content.decode()
    assert re.search(
        r'id="granted-link">授权本部门使用的证照 <span class="badge[^"]*">1 项有效</span>', index
    )
    assert "办理取水许可核验经营资格" in holder.get("/workbench/licences/granted/").content.decode()

    holder.force_login(lworld.citizen_user)
    holder.post(f"/licences/grants/{grant.pk}/revoke/")
    first, second = told("13700137000")
    assert second.startswith(
        f"【政务服务】贵溪市好味道餐饮有限公司已撤回授权贵溪市水利局使用其食品经营许可证(编号 {issued.number})"
        "(用途:办理取水许可核验经营资格),自即日起不能再依该授权查验此证照"
    )
    holder.force_login(lworld.outsider)
    assert "已撤回" in holder.get("/workbench/licences/granted/").content.decode()
    assert "项有效" not in holder.get("/workbench/licences/").content.decode()


def test_a_department_without_a_head_is_told_through_its_staff(holder, lworld, issued):
    Staff.objects.filter(user=lworld.outsider).delete()
    make_staff("s1", lworld.other, roles=[Role.WINDOW_CLERK], phone="13600136001")
    make_staff("s2", lworld.other, roles=[Role.APPROVER], phone="13600136002")
    grants.authorise(
        licence=issued, by=lworld.citizen_user, kind="organisation", organisation=lworld.other,
        purpose="核验", valid_until=until(3),
    )  # fmt: skip
    assert len(told("13600136001")) == len(told("13600136002")) == 1


def test_a_bank_with_a_portal_account_is_told_and_a_person_without_one_finds_it_later(holder, lworld, issued):
    cases.register_applicant(kind="legal", name="贵溪农村商业银行", id_number=BANK_USCC, phone="13907013300")
    grant = grants.authorise(
        licence=issued, by=lworld.citizen_user, kind="company", grantee_id=BANK_USCC,
        grantee_name="贵溪农村商业银行", purpose="经营贷款审核", valid_until=until(60),
    )  # fmt: skip
    [sms] = told("13907013300")
    assert "授权贵溪农村商业银行使用其食品经营许可证" in sms and sms.endswith(
        f"/licences/granted/{grant.pk}/"
    )
    grants.revoke(grant=grant, by=lworld.citizen_user)
    assert "已撤回授权贵溪农村商业银行" in told("13907013300")[-1]

    before = OutboxMessage.objects.count()
    grants.authorise(
        licence=issued, by=lworld.citizen_user, kind="person", grantee_id=PERSON_ID, grantee_name="陈会计",
        purpose="代理记账", valid_until=until(10),
    )  # fmt: skip
    assert (
        OutboxMessage.objects.count() == before
    )  # no account, nobody to tell: the grant stands all the same
    accountant = cases.register_applicant(kind="natural", name="陈会计", id_number=PERSON_ID)
    accountant.user = make_user("chen")
    accountant.save()
    holder.force_login(accountant.user)
    assert "代理记账" in holder.get("/licences/").content.decode()


def test_a_grant_that_fails_tells_nobody(holder, lworld, issued):
    with pytest.raises(grants.ValidationFailed):
        grants.authorise(
            licence=issued, by=lworld.citizen_user, kind="organisation", organisation=lworld.other,
            purpose="", valid_until=until(3),
        )  # fmt: skip
    assert not OutboxMessage.objects.filter(body__contains="授权").exists()


# ---------------------------------------------------------------- the department picker

DEPARTMENTS = [
    "发展和改革委员会", "教育体育局", "科学技术局", "工业和信息化局", "公安局", "民政局", "司法局", "财政局",
    "人力资源和社会保障局", "自然资源局", "生态环境局", "住房和城乡建设局", "交通运输局", "农业农村局", "商务局",
    "文化广电新闻出版旅游局", "卫生健康委员会", "退役军人事务局", "应急管理局", "审计局", "统计局", "医疗保障局",
    "城市管理局", "林业局", "行政审批局", "税务局", "消防救援大队", "公积金管理部",
]  # fmt: skip


@pytest.fixture
def county_departments(lworld):
    """The county's thirty-odd departments, as a holder meets them in the grant form; one of them closed."""
    made = {name: make_organisation(f"贵溪市{name}", region=lworld.county) for name in DEPARTMENTS}
    made["城市管理局"].short_name = "城管局"
    made["城市管理局"].save()
    make_organisation("贵溪市撤并办公室", region=lworld.county, is_active=False)
    return made


def picker(client, **query) -> str:
    answer = client.get("/licences/grants/organisations/", query)
    assert answer.status_code == 200
    return answer.content.decode()


def options(html: str) -> list[str]:
    return re.findall(r'<option value="\d+"[^>]*>([^<(]+)', html)


def test_the_department_picker_finds_by_name_short_name_pinyin_and_credit_code(
    holder, lworld, issued, county_departments
):
    page = holder.get(f"/licences/{issued.identifier}/").content.decode()
    total = Organisation.objects.filter(is_active=True).count()
    assert total > 30 and len(options(page)) == total and "贵溪市撤并办公室" not in page
    assert f"共 {total} 个部门,可输入名称、简称、拼音首字母或统一社会信用代码筛选" in page
    assert '<label class="form-label" for="grant-organisation-q">查找被授权部门' in page
    assert '<label class="form-label mt-2" for="grant-organisation">被授权部门</label>' in page

    found = picker(holder, organisation_q="城管")
    assert (
        options(found) == ["贵溪市城市管理局"] and " selected>" in found
    )  # one match: chosen for the holder
    assert 'id="grant-organisation-count" hx-swap-oob="innerHTML">与「城管」相符的部门 1 个' in found
    assert options(picker(holder, organisation_q="住房")) == ["贵溪市住房和城乡建设局"]
    assert options(picker(holder, organisation_q="slj")) == ["贵溪市水利局"]  # pinyin initials
    water = lworld.other.uscc
    assert options(picker(holder, organisation_q=water[-8:].lower())) == ["贵溪市水利局"]
    assert set(options(picker(holder, organisation_q="局"))) >= {
        "贵溪市水利局",
        "贵溪市公安局",
        "贵溪市林业局",
    }
    none = picker(holder, organisation_q="国家电网")
    assert options(none) == [] and "没有与「国家电网」相符的部门" in none
    # the department already chosen stays chosen while the holder searches for another
    # the API finds them the same way, for a grant made through it
    [found] = holder.get("/api/licences/organisations", {"q": "城管"}).json()
    assert found["name"] == "贵溪市城市管理局" and found["uscc"] == county_departments["城市管理局"].uscc
    kept = picker(holder, organisation_q="公安", organisation=lworld.other.pk)
    assert options(kept) == ["贵溪市水利局", "贵溪市公安局"]
    assert f'<option value="{lworld.other.pk}" selected>' in kept


def test_a_grant_to_a_department_found_by_search_and_a_refusal_keeps_the_search(
    holder, lworld, issued, county_departments
):
    city = county_departments["城市管理局"]
    refused = holder.post(
        f"/licences/{issued.identifier}/authorise/",
        {"kind": "organisation", "organisation_q": "城管", "organisation": city.pk, "purpose": "",
         "valid_until": until(30)},
    )  # fmt: skip
    page = refused.content.decode()
    assert refused.status_code == 422 and "请填写用证用途" in page
    assert 'value="城管"' in page and f'<option value="{city.pk}" selected>' in page
    holder.post(
        f"/licences/{issued.identifier}/authorise/",
        {"kind": "organisation", "organisation_q": "城管", "organisation": city.pk, "purpose": "户外广告设置许可",
         "valid_until": until(30)},
    )  # fmt: skip
    assert LicenceGrant.objects.get().organisation == city
    # a closed department is not offered, and naming it anyway is refused
    closed = Organisation.objects.get(name="贵溪市撤并办公室")
    answer = holder.post(
        f"/api/licences/{issued.identifier}/grants",
        {"kind": "organisation", "organisation": str(closed.pk), "purpose": "核验", "valid_until": until(3)},
        content_type="application/json",
    )  # fmt: skip
    assert answer.status_code == 422 and answer.json()["field"] == "organisation"


def test_a_refused_grant_comes_back_at_the_form_and_a_past_day_is_said_against_today(holder, lworld, issued):
    """On a phone the grant form is far down the page: the refused form comes back anchored to itself, its error on
    top; the form asks no start date, so a past last day is said against today."""
    yesterday = (clock.today() - dt.timedelta(days=1)).isoformat()
    page = holder.post(
        f"/licences/{issued.identifier}/authorise/",
        {"kind": "person", "grantee_id": PERSON_ID, "grantee_name": "陈会计", "purpose": "核验",
         "valid_until": yesterday},
    )  # fmt: skip
    text = page.content.decode()
    assert page.status_code == 422
    assert f'action="/licences/{issued.identifier}/authorise/#authorise-form"' in text
    form = text[text.index('id="authorise-form"') :]
    assert "授权截止日期不能早于今天" in form[: form.index('id="grant-kind"')]
    assert "不能早于起始日期" not in text
    assert not LicenceGrant.objects.exists()


def test_revoking_a_grant_asks_first_naming_the_party(holder, lworld, issued):
    holder.post(
        f"/licences/{issued.identifier}/authorise/",
        {"kind": "person", "grantee_id": PERSON_ID, "grantee_name": "陈会计", "purpose": "代理记账",
         "valid_until": until(10)},
    )  # fmt: skip
    page = holder.get(f"/licences/{issued.identifier}/").content.decode()
    revoke = page[page.index('id="licence-grants"') :]
    assert 'data-confirm="确认撤回对陈会计(360681********2' in revoke
    assert "撤回后对方不能再查验您的食品经营许可证" in revoke and "zhengwu/confirm.js" in page


def test_a_bank_registered_with_its_fixed_line_is_told_at_its_accounts_mobile(holder, lworld, issued):
    """The one rule of every SMS to an applicant (cases.notify): the registered phone when it is a mobile, else the
    phone the portal account signs in with — not the fixed line, which the outbox never texts."""
    bank = cases.register_applicant(
        kind="legal", name="贵溪农村商业银行", id_number=BANK_USCC, phone="0701-3318888"
    )
    bank.user = make_user("13907013300")
    bank.save()
    grants.authorise(
        licence=issued, by=lworld.citizen_user, kind="company", grantee_id=BANK_USCC,
        grantee_name="贵溪农村商业银行", purpose="经营贷款审核", valid_until=until(60),
    )  # fmt: skip
    [sms] = told("13907013300")
    assert "授权贵溪农村商业银行使用其食品经营许可证" in sms and told("0701-3318888") == []
