"""The first-inquiry ledger (recorded quickly, handed over and followed to an answer, searched, counted), the
one-time notice drawn from the item's guide, and service commitments quoting the catalogue's limits."""

import pytest

from tests.evaluation.conftest import at
from zhengwu.catalog import services as catalog
from zhengwu.core import clock
from zhengwu.core.errors import AccessDenied, Conflict, ValidationFailed
from zhengwu.evaluation import selectors, services
from zhengwu.evaluation.models import LedgerEntry


def test_a_first_inquiry_answered_on_the_spot_needs_only_the_topic_and_the_answer(ev):
    entry = services.record_inquiry(
        by=ev.general_clerk, topic="个体户改名要带什么", result="answered", answer="带营业执照和身份证"
    )
    assert (entry.state, entry.organisation, entry.holder) == (
        "answered",
        ev.centre.managed_by,
        ev.centre.managed_by,
    )
    assert entry.staff.name == "李综窗" and entry.window == ev.general and entry.answered_at is not None
    with pytest.raises(ValidationFailed, match="请填写答复内容"):
        services.record_inquiry(by=ev.general_clerk, topic="社保", result="answered")
    with pytest.raises(ValidationFailed, match="请填写导办去向") as err:
        services.record_inquiry(by=ev.general_clerk, topic="社保", result="guided")
    assert err.value.field == "guided_to"
    with pytest.raises(ValidationFailed, match="转交机构"):
        services.record_inquiry(by=ev.general_clerk, topic="社保", result="handed_over")


def test_an_askers_phone_of_letters_is_refused_and_a_full_width_one_read(ev):
    """A stranger's pass stored 联系电话 abc as entry 8."""
    with pytest.raises(ValidationFailed) as refused:
        services.record_inquiry(
            by=ev.general_clerk, topic="社保", result="answered", answer="带身份证", asker_phone="abc"
        )
    assert refused.value.field == "asker_phone" and not LedgerEntry.objects.exists()
    entry = services.record_inquiry(
        by=ev.general_clerk,
        topic="社保",
        result="answered",
        answer="带身份证",
        asker_phone="０７０１-６２２１２３４",
    )
    assert entry.asker_phone == "0701-6221234"


def test_a_handed_over_inquiry_is_followed_along_the_chain_until_answered(ev):
    entry = services.record_inquiry(
        by=ev.general_clerk,
        topic="门店门前占道经营谁管",
        result="handed_over",
        hand_to=ev.bureau,
        asker_name="赵六",
        asker_phone="13700001234",
        answer="先转市场监管局",
    )
    assert (entry.state, entry.holder) == ("open", ev.bureau)
    # Not the bureau's either: it passes it on to the water bureau, which answers.
    with pytest.raises(AccessDenied):
        services.hand_over(entry=entry, to=ev.other, by=ev.outsider)
    services.hand_over(entry=entry, to=ev.other, by=ev.head, note="属水利局河道管理")
    entry.refresh_from_db()
    assert entry.holder == ev.other
    assert selectors.ledger_entry_for(ev.outsider, entry.pk) == entry  # the water bureau sees what it holds
    assert selectors.ledger_entry_for(ev.head, entry.pk) == entry  # the bureau still sees what it passed on
    services.answer_inquiry(entry=entry, by=ev.outsider, answer="河道两侧由水利局巡查,已安排处理")
    entry.refresh_from_db()
    assert entry.state == "answered" and entry.answered_at is not None
    chain = list(entry.handovers.values_list("from_organisation__short_name", "to_organisation__short_name"))
    assert chain == [("政务服务管理局", "市场监管局"), ("市场监管局", "水利局")]
    last = entry.handovers.last()
    assert last.answer.startswith("河道两侧") and entry.handovers.first().answered_at is None
    with pytest.raises(Conflict, match="已答复"):
        services.answer_inquiry(entry=entry, by=ev.outsider, answer="再答一次")


def test_the_ledger_is_searched_by_words_and_month_and_counted_per_staff_and_organisation(ev):
    services.record_inquiry(by=ev.general_clerk, topic="个体户改名", result="answered", answer="带执照")
    services.record_inquiry(
        by=ev.general_clerk, topic="社保卡补办", result="guided", guided_to="人社局 3 号窗口"
    )
    services.record_inquiry(by=ev.clerk, topic="食品经营许可条件", result="pending")
    clock.set_now(at("2026-10-12"))
    services.record_inquiry(by=ev.clerk, topic="食品经营许可延续", result="answered", answer="提前 30 日申请")
    manager_sees = selectors.search_ledger(ev.manager, q="食品", month="2026-09")
    assert [e.topic for e in manager_sees] == ["食品经营许可条件"]
    assert [e.topic for e in selectors.search_ledger(ev.manager, q="人社局")] == ["社保卡补办"]
    assert selectors.search_ledger(ev.head, q="社保").count() == 0  # another organisation's entry
    counts = selectors.ledger_counts(ev.manager, "2026-09")
    assert {(r["staff__name"], r["total"], r["open"]) for r in counts["staff"]} == {
        ("李综窗", 2, 0),
        ("王窗口", 1, 1),
    }
    assert {(r["organisation__name"], r["total"]) for r in counts["organisations"]} == {
        ("贵溪市政务服务管理局", 2),
        ("贵溪市市场监督管理局", 1),
    }


def test_a_one_time_notice_lists_every_material_marks_what_is_lacking_and_quotes_the_guide(ev):
    entry = services.record_inquiry(
        by=ev.clerk, topic="想办食品经营许可", result="answered", answer="见告知书"
    )
    notice = services.issue_notice(
        item=ev.item, by=ev.clerk, lacking=["2", "3"], person_name="赵六", entry=entry
    )
    e = notice.essentials
    assert [(m["name"], m["lacking"]) for m in e["materials"]] == [
        ("食品经营许可申请书", False),
        ("营业执照复印件", True),
        ("场所平面图", True),
    ]
    assert (e["legal_limit"], e["promised_limit"], e["organisation"]) == (20, 10, "贵溪市市场监督管理局")
    assert e["conditions"].startswith("有与经营的食品品种")
    assert notice.number.startswith("一次告〔2026〕") and list(selectors.notices_of(entry=entry)) == [notice]
    with pytest.raises(ValidationFailed, match="请勾选"):
        services.issue_notice(item=ev.item, by=ev.clerk, lacking=[], entry=entry)
    with pytest.raises(ValidationFailed, match="材料序号 9"):
        services.issue_notice(item=ev.item, by=ev.clerk, lacking=[9], entry=entry)
    with pytest.raises(AccessDenied):
        services.issue_notice(item=ev.item, by=ev.outsider, lacking=[1], entry=entry)


def test_a_one_time_notice_can_be_recorded_against_a_case_and_prints_as_pdf(ev, submitted):
    from zhengwu.core.documents import render_pdf

    notice = services.issue_notice(item=ev.item, by=ev.clerk, lacking=[1], case=submitted)
    assert notice.case == submitted and notice.essentials["case_number"] == submitted.number
    pdf = render_pdf("evaluation/documents/one_time_notice.html", {"notice": notice, "e": notice.essentials})
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000


def _commit(ev, **kw):
    fields = {
        "provides": "一窗受理、一次告知、限时办结",
        "discipline": "不推诿、不刁难、不吃拿卡要",
        "complaint_phone": "0701-3333333",
        "supervision_phone": "0701-12345",
        **kw,
    }
    return services.publish_commitment(organisation=ev.bureau, by=ev.head, **fields)


def test_a_commitment_quotes_the_catalogues_published_limits_and_keeps_its_versions(ev):
    first = _commit(ev)
    limits = {v.name: (v.legal_limit, v.promised_limit) for v in selectors.commitment_limits(first)}
    assert limits == {"食品经营许可": (20, 10), "个体工商户名称变更登记": (0, 0)}
    # The catalogue shortens the promise; the next commitment quotes the new version, the old one keeps its own.
    spec = _spec_of(ev.item)
    spec["promised_limit"] = 8
    spec["steps"] = [{**step, "days": min(step["days"], 4)} for step in spec["steps"]]  # 1 + 4 + 3 = 8
    catalog.edit_item(item=ev.item, spec=spec, reason="压缩承诺时限")
    catalog.submit(item=ev.item)
    catalog.publish(item=ev.item, reason="压缩承诺时限")
    second = _commit(ev, change_note="承诺时限压缩")
    assert second.version == 2 and selectors.current_commitment(ev.bureau) == second
    assert {v.name: v.promised_limit for v in selectors.commitment_limits(second)}["食品经营许可"] == 8
    assert {v.name: v.promised_limit for v in selectors.commitment_limits(first)}["食品经营许可"] == 10
    assert [c.version for c in selectors.commitment_history(ev.bureau)] == [2, 1]


def test_only_heads_and_managers_in_scope_publish_commitments(ev):
    with pytest.raises(AccessDenied):
        services.publish_commitment(
            organisation=ev.bureau,
            by=ev.clerk,
            provides="x",
            discipline="y",
            complaint_phone="1",
            supervision_phone="2",
        )
    with pytest.raises(AccessDenied):
        services.publish_commitment(
            organisation=ev.bureau,
            by=ev.outsider,
            provides="x",
            discipline="y",
            complaint_phone="1",
            supervision_phone="2",
        )
    with pytest.raises(ValidationFailed, match="投诉电话"):
        _commit(ev, complaint_phone=" ")


def _spec_of(item):
    import copy

    from tests.cases.conftest import ITEM

    return {**copy.deepcopy(ITEM), "basic_code": item.basic_code}


def test_ledger_entries_are_for_staff_only(ev):
    with pytest.raises(AccessDenied):
        services.record_inquiry(by=ev.citizen_user, topic="问", result="pending")
    assert LedgerEntry.objects.count() == 0
