"""#17: the wallet flags a licence near its end (within its type's first reminder, 90 days unless set) and after it,
on the project clock; a 长期 licence is never reminded; a type's issuing items are listed once each; a grant's
licence fills 许可事项 and 负责人 even when the form says nothing of them."""

import datetime as dt

import pytest
from django.db import transaction

from tests.factories import paper_checklist
from tests.licences.conftest import at, granted
from zhengwu.cases import services as cases
from zhengwu.cases.models import Case
from zhengwu.catalog.models import ItemVersion
from zhengwu.core import clock, outbox
from zhengwu.licences import services
from zhengwu.licences.models import Licence


@pytest.fixture
def ending(lworld):
    """The company's food licence whose last day is 2026-12-31."""
    with transaction.atomic():
        licence = services._create(
            licence_type=lworld.food_type,
            issuer=lworld.bureau,
            holder_kind="legal",
            holder_name=lworld.company.name,
            holder_id=lworld.company.id_number,
            data={"subject": "餐饮服务", "legal_representative": "李四", "address": "花园街道 8 号"},
            valid_until=dt.date(2026, 12, 31),
        )
    lworld.licence = licence
    return lworld


@pytest.fixture
def agent(client, ending):
    ending.citizen.user = None
    ending.citizen.save()
    ending.company.user, ending.company.verified_at = ending.citizen_user, clock.now()
    ending.company.save()
    client.force_login(ending.citizen_user)
    return client


@pytest.mark.parametrize(
    "day, says, not_says",
    [
        ("2026-09-28", None, "即将到期"),  # 94 days left: not yet
        ("2026-10-02", "即将到期:还剩 90 天", "已过期"),  # the first reminder's day
        ("2026-11-18", "即将到期:还剩 43 天", "已过期"),
        ("2026-12-31", "即将到期:今日到期", "已过期"),  # its last day it is still valid
        ("2027-01-01", "已过期(有效期至 2026年12月31日)", "即将到期"),
    ],
)
def test_the_wallet_flags_a_licence_near_its_end_and_after_it(agent, ending, day, says, not_says):
    clock.set_now(at(day))
    for path in ("/licences/", f"/licences/{ending.licence.identifier}/"):
        page = agent.get(path).content.decode()
        assert ending.licence.number in page
        if says:
            assert says in page, path
        assert not_says not in page, path
    [row] = [r for r in agent.get("/api/licences").json() if r["identifier"] == ending.licence.identifier]
    left = (dt.date(2026, 12, 31) - clock.today()).days
    assert row["days_left"] == left
    assert row["expiry"] == ("expired" if left < 0 else "soon" if left <= 90 else "")


def test_a_long_term_business_licence_is_never_reminded(lworld):
    """营业执照 长期 (validity 0): no last day, so no 90/30/7 message whatever the day."""
    case = granted(lworld)
    with transaction.atomic():
        business = services._create(
            licence_type=lworld.business_type,
            issuer=lworld.bureau,
            holder_kind="legal",
            holder_name=lworld.company.name,
            holder_id=lworld.company.id_number,
            data={"legal_representative": "李四", "scope": "餐饮服务"},
        )
    assert business.valid_until is None and business.expiry == "" and case.licences.exists()
    for day in ("2026-09-28", "2027-06-30", "2031-09-20", "2046-01-01"):
        clock.set_now(at(day))
        services.remind_expiring()
    business.refresh_from_db()
    assert business.reminded == []
    assert not outbox.table().objects.filter(body__contains="营业执照").exists()


def test_the_types_page_lists_each_item_once_and_no_reminders_for_a_long_term_type(client, lworld):
    business = lworld.business_type
    business.items.add(lworld.item)
    ItemVersion.objects.filter(pk=lworld.instant_item.current_version_id).update(
        name="企业登记", sub_name="设立登记"
    )
    ItemVersion.objects.filter(pk=lworld.item.current_version_id).update(name="企业登记", sub_name="变更登记")
    client.force_login(lworld.clerk)
    page = client.get("/workbench/licences/types/").content.decode()
    assert "企业登记(变更登记、设立登记)" in page  # in the order the items were made
    assert "企业登记、企业登记" not in page
    row = page[page.index("营业执照") :]
    row = row[: row.index("</tr>")]
    assert "长期有效,不提醒" in row and "30/7 天" not in row


def test_a_grant_without_a_subject_fills_the_licence_from_the_item_and_the_person(lworld):
    """A person's food licence: 许可事项 from the item when the form names none (a joint member's form, say), 负责人
    the person."""
    w = lworld
    case = cases.submit_case(
        item=w.item,
        applicant=w.citizen,
        by=w.clerk,
        channel="counter",
        window=w.dedicated,
        form={"subject": "x"},
    )
    case = cases.accept_case(case=case, paper=paper_checklist(case), by=w.clerk)
    cases.claim_step(case=case, by=w.approver)
    cases.complete_step(case=case, by=w.approver, opinion="同意")
    Case.objects.filter(pk=case.pk).update(form={"contact_phone": "13800138000"})
    case.refresh_from_db()
    cases.decide_case(case=case, by=w.head, grant=True)
    licence = Licence.objects.get(case=case)
    assert licence.data["subject"] == "食品经营许可"
    assert licence.data["legal_representative"] == w.citizen.name
    labels = dict(services.pdf_context(licence)["items"])
    assert labels["经营项目"] == "食品经营许可" and labels["法定代表人"] == "张三"
