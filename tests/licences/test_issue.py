"""Slice 1: a grant issues its licence in the decision's transaction, with a GB/T 36904 identifier and the GB/T
36903 metadata; a denial or an item without a licence type issues none; the version chain of a change."""

import datetime as dt

import pytest

from tests.factories import paper_checklist
from tests.licences.conftest import granted
from zhengwu.cases import services as cases
from zhengwu.core import clock
from zhengwu.core.errors import AccessDenied, Conflict, ValidationFailed
from zhengwu.licences import identifiers, services
from zhengwu.licences.models import Licence, LicenceUse, Status


def test_a_grant_issues_the_licence_with_its_identifier_holder_and_dates(lworld):
    case = granted(lworld)
    [licence] = Licence.objects.filter(case=case)
    assert licence.type == lworld.food_type and licence.issuer == lworld.bureau
    assert (licence.holder_name, licence.holder_id, licence.holder_kind) == (
        "贵溪市好味道餐饮有限公司",
        lworld.company.id_number,
        "legal",
    )
    assert licence.issued_on.isoformat() == "2026-09-28"
    assert licence.valid_until.isoformat() == "2031-09-27"  # five years, to the day before
    # 许可事项 from the item, not the applicant's 申请事项说明 (the form's "subject": 餐饮服务(热食类食品制售))
    assert licence.data["subject"] == "食品经营许可" and licence.data["legal_representative"] == "李四"
    parts = licence.identifier.split(".")
    assert ".".join(parts[:5]) == "1.2.156.3005.2"
    assert parts[5:8] == [lworld.food_type.code, lworld.bureau.uscc, "2026000001"]
    assert parts[8] == "001" and identifiers.is_valid(licence.identifier)
    meta = services.metadata(licence)
    assert meta["证照标识"] == licence.identifier and meta["持证主体代码类型"] == "统一社会信用代码"
    assert licence.uses.get().purpose == LicenceUse.Purpose.ISSUE


def test_the_applicant_s_own_words_are_not_printed_on_the_licence(lworld):
    """The 申请事项说明 every form asks is the applicant's free text ("开一家修鞋铺"); it shares its key with the
    licence's 许可事项 and used to fill it. 许可事项 comes from the item (and the choices made on its form)."""
    case = granted(lworld, applicant=lworld.citizen, form={"subject": "开一家修鞋铺"})
    licence = Licence.objects.get(case=case)
    assert licence.data["subject"] == "食品经营许可"
    assert "开一家修鞋铺" not in str(licence.data)
    assert "开一家修鞋铺" not in dict(services.pdf_context(licence)["items"]).values()


def test_one_changed_character_breaks_the_check_character():
    ident = identifiers.make("11100000MB0143234X001", "11360681MB1234567X", "2026000001", 1)
    assert identifiers.is_valid(ident)
    assert not identifiers.is_valid(ident.replace("2026000001", "2026000002"))


def test_a_denial_issues_no_licence(lworld):
    case = cases.submit_case(
        item=lworld.item,
        applicant=lworld.company,
        by=lworld.clerk,
        channel="counter",
        window=lworld.dedicated,
        form={"subject": "x"},
    )
    case = cases.accept_case(case=case, paper=paper_checklist(case), by=lworld.clerk)
    cases.claim_step(case=case, by=lworld.approver)
    cases.complete_step(case=case, by=lworld.approver, opinion="不同意")
    cases.decide_case(case=case, by=lworld.head, grant=False, reasons="场所不符合要求")
    assert not Licence.objects.exists()


def test_the_licence_rolls_back_with_the_decision(lworld, monkeypatch):
    """Issued in the same transaction: when issuing fails, the grant does not commit either."""

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "_create", broken)
    with pytest.raises(RuntimeError):
        granted(lworld)
    case = lworld.company.cases.get()
    assert case.decision == "" and not Licence.objects.exists()


def test_change_issues_a_new_version_and_marks_the_old_replaced(lworld):
    old = Licence.objects.get(case=granted(lworld))
    new = services.change(
        licence=old, by=lworld.head, data={"address": "贵溪市建设路 8 号"}, reason="经营场所变更"
    )
    old.refresh_from_db()
    assert old.status == Status.REPLACED and new.previous == old
    assert new.number == old.number and new.version == 2 and new.identifier.split(".")[-2] == "002"
    assert new.data["address"] == "贵溪市建设路 8 号" and new.valid_until == old.valid_until
    assert [lic.version for lic in services.chain(old)] == [1, 2]
    with pytest.raises(Conflict):
        services.change(licence=old, by=lworld.head, data={}, reason="再改")
    with pytest.raises(ValidationFailed) as err:
        services.change(licence=new, by=lworld.head, data={"colour": "红"}, reason="x")
    assert err.value.field == "data"
    with pytest.raises(AccessDenied):
        services.change(licence=new, by=lworld.outsider, data={}, reason="x")


def test_renewal_runs_from_the_day_after_the_old_one_ends(lworld):
    old = Licence.objects.get(case=granted(lworld))
    new = services.renew(licence=old, by=lworld.head)
    assert new.valid_from.isoformat() == "2031-09-28" and new.valid_until.isoformat() == "2036-09-27"


def test_a_licence_past_its_end_or_valid_for_ever_is_not_renewed(lworld, client):
    """行政许可法 第五十条: renewal is decided before the validity ends (after it the holder applies anew), and a
    长期 licence has nothing to renew: the staff are told so, and the licence page offers no 延续 for it."""
    old, lasting = (Licence.objects.get(case=granted(lworld)) for _ in range(2))
    type(lasting).objects.filter(pk=lasting.pk).update(valid_until=None)
    lasting.refresh_from_db()
    with pytest.raises(Conflict) as refused:
        services.renew(licence=lasting, by=lworld.head)
    assert refused.value.message == "证照长期有效,无需延续"
    client.force_login(lworld.head)
    page = client.get(f"/workbench/licences/{lasting.identifier}/").content.decode()
    assert 'id="licence-renew"' not in page and "签发新版本" in page
    assert 'id="licence-renew"' in client.get(f"/workbench/licences/{old.identifier}/").content.decode()
    clock.set_now(dt.datetime(2031, 9, 28, 9, 0, tzinfo=clock.LOCAL))  # the day after its last valid day
    with pytest.raises(Conflict) as refused:
        services.renew(licence=old, by=lworld.head)
    assert (
        refused.value.message
        == f"食品经营许可证(编号 {old.number})已于 2031年9月27日 到期,不能延续,请申请新办"
    )


def test_the_page_of_an_ended_licence_says_to_apply_anew_and_links_the_new_application(lworld, client):
    """行政许可法 第五十条: where 延续 was offered, staff read why it is not and what to do instead — 新办, at the counter
    (窗口收件) of the item the licence type issues as 新办, when there is one."""
    old = Licence.objects.get(case=granted(lworld))
    client.force_login(lworld.clerk)
    page = client.get(f"/workbench/licences/{old.identifier}/").content.decode()
    assert 'id="licence-renew"' in page and 'id="licence-renew-ended"' not in page
    clock.set_now(dt.datetime(2031, 9, 28, 9, 0, tzinfo=clock.LOCAL))  # the day after its last valid day
    page = client.get(f"/workbench/licences/{old.identifier}/").content.decode()
    assert 'id="licence-renew"' not in page
    assert f"食品经营许可证(编号 {old.number})已于 2031年9月27日 到期,不能延续,请申请新办" in page
    assert "/workbench/cases/counter/" not in page  # the type names no 新办 item yet: the sentence alone
    version = lworld.item.current_version
    version.sub_name = "新办"
    version.save(update_fields=["sub_name"])
    page = client.get(f"/workbench/licences/{old.identifier}/").content.decode()
    assert f'href="/workbench/cases/counter/{lworld.item.code}/"' in page and "食品经营许可(新办)" in page


def test_revocation_needs_its_legal_basis_and_names_the_case(lworld):
    case = granted(lworld)
    licence = Licence.objects.get(case=case)
    with pytest.raises(ValidationFailed) as err:
        services.end(licence=licence, by=lworld.head, kind=Status.REVOKED, basis=" ")
    assert err.value.field == "basis"
    services.end(
        licence=licence, by=lworld.head, kind=Status.REVOKED, basis="《行政许可法》第六十九条", case=case
    )
    licence.refresh_from_db()
    assert licence.status == Status.REVOKED and licence.end_case == case
    assert licence.end_basis == "《行政许可法》第六十九条"
    with pytest.raises(Conflict):
        services.end(licence=licence, by=lworld.head, kind=Status.CANCELLED, basis="再次注销")


def test_numbers_differ_across_issuers_whose_type_codes_end_alike(lworld):
    """Two bureaus of one county, each with its first licence type (…001): their first licences' numbers differ."""
    from django.db import transaction

    from zhengwu.licences.models import LicenceType

    other = LicenceType.objects.create(code=lworld.other.uscc + "001", name="取水许可证")
    other.organisations.add(lworld.other)
    lworld.food_type.code = lworld.bureau.uscc + "001"
    lworld.food_type.save()
    with transaction.atomic():
        first = services._create(
            licence_type=lworld.food_type,
            issuer=lworld.bureau,
            holder_kind="legal",
            holder_name="甲",
            holder_id=lworld.company.id_number,
            data={},
        )
        second = services._create(
            licence_type=other,
            issuer=lworld.other,
            holder_kind="legal",
            holder_name="甲",
            holder_id=lworld.company.id_number,
            data={},
        )
    assert first.number != second.number and first.number[:6] == second.number[:6] == "360681"
