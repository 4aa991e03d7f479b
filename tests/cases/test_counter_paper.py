"""Paper handed over at the counter's 收件 (issue 13): recorded with the submit, so a counter case waiting for
acceptance shows those materials received, not 未提供; acceptance's paper checklist is the authoritative list once
it is made; only a clerk at the counter records paper (an online applicant cannot claim it)."""

import pytest

from tests.cases.conftest import at, resident_id
from zhengwu.cases import handling, selectors, services
from zhengwu.cases.models import Case
from zhengwu.core import clock
from zhengwu.core.errors import ValidationFailed

WALK_IN = {
    "kind": "natural",
    "name": "刘一",
    "id_number": resident_id("19700101", "321"),
    "phone": "13900000000",
}


def _at_counter(world, paper):
    return services.submit_case(
        item=world.item,
        applicant=world.company,
        by=world.clerk,
        channel="counter",
        window=world.dedicated,
        form={"subject": "申请食品经营许可(餐饮服务)"},
        paper=paper,
    )


def _rows(case) -> dict[int, dict]:
    return {row["position"]: row for row in selectors.material_checklist(case)}


def test_paper_handed_over_at_the_counter_is_received_before_acceptance(world):
    case = _at_counter(world, [2, 1])
    assert case.events.get(action="submit").data["paper"] == [1, 2]
    rows = _rows(case)
    for position in (1, 2):
        assert rows[position]["via"] == "已收纸质件(收件时)" and not rows[position]["missing"]
        # the acceptance form's paper checklist offers them, ticked
        assert rows[position]["paper"] and rows[position]["paper_ticked"]
    assert not rows[3]["paper"]  # optional: not on the paper checklist, as at acceptance
    assert handling.missing(case) == []


def test_the_acceptance_checklist_is_ticked_with_what_the_counter_received_only(world):
    rows = _rows(_at_counter(world, [1]))
    assert rows[1]["paper_ticked"] and rows[2]["paper"] and not rows[2]["paper_ticked"]
    assert rows[2]["missing"]  # still owed: 未提供, and the 补正 form ticks it
    # nothing recorded at the counter: offered, none ticked — the clerk ticks what they hold at acceptance
    rows = _rows(_at_counter(world, []))
    assert rows[1]["paper"] and rows[2]["paper"]
    assert not rows[1]["paper_ticked"] and not rows[2]["paper_ticked"]


def test_a_checklist_never_claims_paper_nobody_recorded_and_a_conditional_one_waits_for_the_clerk(world):
    """A counter case whose 收件 recorded no paper came with every offered row ticked — the 告知承诺书 asked for only
    when 告知承诺制 is chosen (视情形提交) among them — so one click recorded as received papers nobody had looked at
    (行政许可法 第三十二条: the clerk ticks what they hold). Now only what the 收件 recorded comes ticked."""
    from tests.cases.test_missing_materials import _case

    case = _case(world, "own", agent=False, counter=[], files=[])
    rows = _rows(case)
    assert rows[1]["paper"] and rows[3]["paper"]  # offered: the application form, the 告知承诺书
    assert not rows[1]["paper_ticked"] and not rows[3]["paper_ticked"]
    assert not rows[2]["paper"]  # obtained by the department itself
    # what the clerk recorded at the 收件 comes ticked — the 告知承诺书 too: the clerk judged its situation there
    rows = _rows(_case(world, "own", agent=False, counter=[1, 3], files=[]))
    assert rows[1]["paper_ticked"] and rows[3]["paper_ticked"]


def test_acceptance_records_its_own_list_which_counts_from_then_on(world):
    case = _at_counter(world, [1, 2])
    # the clerk unticked the licence copy: acceptance's list is the one that counts, and it leaves the copy owed
    # (受理 only with the materials complete, 行政许可法 第三十二条)
    with pytest.raises(ValidationFailed) as refused:
        services.accept_case(case=case, by=world.clerk, paper=[1])
    assert refused.value.code == "intake.materials_missing" and "2. 营业执照复印件" in refused.value.message
    services.accept_case(case=case, by=world.clerk, paper=[1, 2])
    rows = _rows(case)
    assert rows[1]["via"] == rows[2]["via"] == "窗口已收纸质材料" and not rows[2]["missing"]
    assert case.events.get(action="accept").data["paper"] == [1, 2]
    assert handling.missing(case) == []


def test_a_deemed_acceptance_by_the_platform_keeps_what_the_counter_received(world):
    case = _at_counter(world, [1, 2])
    # received Monday 2026-09-28; the five working days (past National Day) end with nobody deciding
    clock.set_now(at("2026-10-12", 8))
    deemed = services.deem_accepted()
    assert [c.pk for c in deemed] == [case.pk]
    case.refresh_from_db()
    assert case.events.get(action="deem_accept").data["paper"] == [1, 2]
    assert handling.missing(case) == []
    assert _rows(case)[2]["via"] == "窗口已收纸质材料"


def test_a_position_not_of_the_item_is_refused_at_paper_and_nothing_is_made(world):
    with pytest.raises(ValidationFailed) as refused:
        _at_counter(world, [1, 99])
    assert refused.value.field == "paper" and "没有第 99 项材料" in refused.value.message
    assert not Case.objects.exists()


def test_an_online_applicant_cannot_claim_paper(world):
    with pytest.raises(ValidationFailed) as refused:
        services.submit_case(
            item=world.item,
            applicant=world.citizen,
            by=world.citizen_user,
            form={"subject": "开店"},
            paper=[1],
        )
    assert refused.value.field == "paper" and "窗口收件" in refused.value.message
    assert not Case.objects.exists()


def test_api_submit_at_the_counter_records_paper(client, world):
    client.force_login(world.clerk)
    body = {
        "item_code": world.item.code,
        "channel": "counter",
        "form": {"subject": "开店"},
        "applicant": WALK_IN,
    }
    made = client.post("/api/cases", {**body, "paper": [2]}, content_type="application/json")
    assert made.status_code == 201, made.json()
    case = Case.objects.get(number=made.json()["number"])
    assert case.events.get(action="submit").data["paper"] == [2]
    assert _rows(case)[2]["via"] == "已收纸质件(收件时)"
    forged = client.post("/api/cases", {**body, "paper": [99]}, content_type="application/json")
    assert forged.status_code == 422 and forged.json()["field"] == "paper"
    assert Case.objects.count() == 1


def test_api_an_online_applicant_claiming_paper_is_refused_at_paper(client, world):
    client.force_login(world.citizen_user)
    body = {"item_code": world.item.code, "form": {"subject": "开小吃店"}, "paper": [1]}
    refused = client.post("/api/cases", body, content_type="application/json")
    assert refused.status_code == 422 and refused.json()["field"] == "paper"
    assert "窗口收件" in refused.json()["message"] and not Case.objects.exists()
    # without the claim the same application goes in
    body.pop("paper")
    assert client.post("/api/cases", body, content_type="application/json").status_code == 201
