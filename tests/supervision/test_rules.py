"""Each rule fires on its case and stays quiet on the lawful twin. Events come from the cases services where the
services allow the breach; where they refuse it (a step out of order, an unlawful suspension, an outsider's act,
a fee outside the catalogue) the event is written directly, as an import or a bypassing client would."""

import pytest

from tests.factories import paper_checklist
from tests.supervision.conftest import accepted_case, at, decided_case, submit
from zhengwu.cases import services as cases
from zhengwu.cases.models import CaseEvent
from zhengwu.core import clock
from zhengwu.supervision import rules
from zhengwu.supervision.models import Alert


def codes(case) -> set[str]:
    return set(Alert.objects.filter(case=case).values_list("code", flat=True))


def alert(case, code) -> Alert:
    return Alert.objects.get(case=case, code=code)


def raw_event(case, action, *, by=None, data=None, note="", when=None):
    """An event written around the services (as an import or a bypassing client would)."""
    return CaseEvent.objects.create(
        case=case,
        seq=case.events.count() + 1,
        at=when or clock.now(),
        action=action,
        from_status=case.status,
        to_status=case.status,
        actor=by,
        actor_label=by.staff.name if by else "",
        organisation=case.organisation,
        note=note,
        data=data or {},
    )


def test_every_rule_has_a_code_severity_and_title():
    found = rules.rules()
    assert len(found) >= 11
    assert len({r.code for r in found}) == len(found)
    assert all(r.code and r.severity and r.title for r in found)


# ---- overdue against the promised and the legal limit


def test_decided_after_the_promised_date(world):
    case = decided_case(world, on="2026-10-19")  # promised due 2026-10-16 (National Day crossed), legal 10-30
    assert codes(case) == {"case.overdue.promised"}
    text = alert(case, "case.overdue.promised").explanation
    assert "2026-10-16" in text and "2026-10-19" in text and "超出 1 个工作日" in text


def test_decided_after_the_legal_date(world):
    case = decided_case(world, on="2026-11-02")
    assert codes(case) == {"case.overdue.promised", "case.overdue.legal"}
    assert alert(case, "case.overdue.legal").severity == "serious"
    assert "第四十二条" in alert(case, "case.overdue.legal").explanation


def test_decided_on_the_promised_date_is_lawful(world):
    case = decided_case(world, on="2026-10-16")
    assert codes(case) == set()


def test_overdue_is_raised_once_however_many_events_follow(world):
    case = accepted_case(world)
    clock.set_now(at("2026-10-19"))
    cases.claim_step(case=case, by=world.approver)
    cases.complete_step(case=case, by=world.approver, opinion="同意")
    cases.claim_step(case=case, by=world.head)
    cases.decide_case(case=case, by=world.head, grant=True)
    assert Alert.objects.filter(case=case, code="case.overdue.promised").count() == 1


# ---- intake decided after 5 working days (行政许可法 第三十二条)


def test_intake_decided_after_five_working_days(world):
    case = submit(world)  # received Monday 2026-09-28: 5 working days run to Saturday 2026-10-10 (worked)
    clock.set_now(at("2026-10-12"))
    cases.accept_case(
        case=case, paper=paper_checklist(case), by=world.clerk
    )  # too late: recorded as deemed acceptance
    assert "case.intake.late" in codes(case)
    assert "2026-10-10" in alert(case, "case.intake.late").explanation


def test_intake_decided_on_the_adjusted_saturday_is_lawful(world):
    case = submit(world)
    clock.set_now(at("2026-10-10"))
    cases.accept_case(case=case, paper=paper_checklist(case), by=world.clerk)
    assert "case.intake.late" not in codes(case)


# ---- a repeated supplement naming new materials


def test_second_supplement_naming_a_new_material(world):
    case = submit(world)
    cases.request_supplement(case=case, by=world.clerk, items=[{"position": 1, "problem": "未签字"}])
    cases.supply_supplement(case=case, by=world.clerk, paper=[1])
    cases.request_supplement(
        case=case, by=world.clerk, items=[{"position": 2, "problem": "复印件不清晰"}], reason="首次漏看"
    )
    assert "case.supplement.repeated_new_materials" in codes(case)
    assert "营业执照复印件" in alert(case, "case.supplement.repeated_new_materials").explanation


def test_second_supplement_about_the_same_material_is_lawful(world):
    case = submit(world)
    cases.request_supplement(case=case, by=world.clerk, items=[{"position": 1, "problem": "未签字"}])
    cases.supply_supplement(case=case, by=world.clerk, paper=[1])
    cases.request_supplement(
        case=case, by=world.clerk, items=[{"position": 1, "problem": "签字与身份证不符"}]
    )
    assert "case.supplement.repeated_new_materials" not in codes(case)


# ---- a fee differing from the catalogue standard


def test_fee_above_the_standard(world):
    case = accepted_case(world)
    cases.charge_fee(case=case, by=world.clerk, fees=[{"name": "工本费", "amount": "50"}])
    assert codes(case) == {"case.fee.differs_from_standard"}
    assert "50.00" in alert(case, "case.fee.differs_from_standard").explanation
    assert "10.00" in alert(case, "case.fee.differs_from_standard").explanation


def test_fee_not_in_the_catalogue(world):
    # cases.charge_fee refuses a fee outside the catalogue; an import or a bypassing client may still write one
    case = accepted_case(world)
    raw_event(case, "attach", by=world.clerk, data={"fees": [{"name": "加急费", "amount": "100"}]})
    assert "加急费" in alert(case, "case.fee.differs_from_standard").explanation


def test_fee_at_the_standard_is_lawful(world):
    case = accepted_case(world)
    cases.charge_fee(case=case, by=world.clerk, fees=[{"name": "工本费", "amount": "10"}])
    assert codes(case) == set()


# ---- steps skipped or out of order


def test_step_completed_out_of_order(world):
    case = accepted_case(world)  # 审查 (position 2) is open
    raw_event(
        case, "complete_step", by=world.head, data={"position": 3, "on": "2026-09-28", "opinion": "同意"}
    )
    assert "case.step.out_of_order" in codes(case)
    assert "审查" in alert(case, "case.step.out_of_order").explanation


def test_decision_skipping_a_step(world):
    case = accepted_case(world)
    raw_event(case, "decide", by=world.head, data={"decision": "grant"})
    assert "「审查」尚未办理" in alert(case, "case.step.out_of_order").explanation


def test_steps_in_order_are_lawful(world):
    case = decided_case(world)
    assert "case.step.out_of_order" not in codes(case)


# ---- the same person accepting and deciding where the item needs two


def _accepted_and_decided_by_one_person(world):
    case = submit(world)
    one = world.all_rounder
    cases.accept_case(case=case, paper=paper_checklist(case), by=one)
    cases.claim_step(case=case, by=one)
    cases.complete_step(case=case, by=one, opinion="同意")
    cases.claim_step(case=case, by=one)
    cases.decide_case(case=case, by=one, grant=True)
    return case


def test_same_person_accepts_and_decides(world):
    case = _accepted_and_decided_by_one_person(world)
    assert codes(case) == {"case.decision.same_person"}
    assert "全能" in alert(case, "case.decision.same_person").explanation


def test_an_alert_raised_already_is_skipped_and_the_case_write_goes_on(world):
    """The rules' alerts are stored with one INSERT that skips a key raised already (no savepoint of its own): the
    duplicate is neither stored twice nor an error, and the case's transaction carries on (PostgreSQL included)."""
    case = _accepted_and_decided_by_one_person(world)
    raised = alert(case, "case.decision.same_person")
    again = Alert(
        **{f.attname: getattr(raised, f.attname) for f in Alert._meta.concrete_fields if not f.primary_key}
    )
    assert rules.insert_once([again]) == []
    cases.complete_case(
        case=case, by=world.all_rounder
    )  # the same transaction's kind of work still goes through
    case.refresh_from_db()
    assert case.status == "completed"
    assert Alert.objects.filter(key=raised.key).count() == 1


def test_two_people_or_an_instant_item_are_lawful(world):
    case = decided_case(world)
    assert "case.decision.same_person" not in codes(case)
    instant = submit(world, item=world.instant_item)
    cases.handle_instantly(case=instant, paper=paper_checklist(instant), by=world.clerk)
    assert codes(instant) == set()


# ---- an action by staff outside the case's organisation


def test_act_by_staff_of_another_organisation(world):
    case = accepted_case(world)
    raw_event(case, "claim_step", by=world.water_head, data={"position": 2, "assignee": world.water_head.pk})
    assert codes(case) == {"case.actor.outside_organisation"}
    assert "水利局" in alert(case, "case.actor.outside_organisation").explanation


def test_general_window_taking_the_application_is_lawful(world):
    case = submit(world, by=world.general_clerk, window=world.general)
    cases.accept_case(case=case, paper=paper_checklist(case), by=world.general_clerk)
    assert codes(case) == set()


# ---- suspensions (行政许可法 第四十五条)


def test_suspension_without_a_legal_reason(world):
    case = accepted_case(world)
    raw_event(
        case, "suspend", by=world.approver, note="等领导回来", data={"since": "2026-09-28", "kind": "other"}
    )
    assert "case.suspension.no_legal_reason" in codes(case)
    assert "专家评审" in alert(case, "case.suspension.no_legal_reason").explanation


def test_suspension_longer_than_declared(world):
    case = accepted_case(world)
    clock.set_now(at("2026-10-12"))
    cases.suspend_case(
        case=case, by=world.approver, kind="expert_review", reason="组织专家评审", expected_days=3
    )
    clock.set_now(at("2026-10-19"))
    cases.resume_case(case=case, by=world.approver)
    assert codes(case) == {"case.suspension.longer_than_declared"}
    assert "用了 5 个工作日" in alert(case, "case.suspension.longer_than_declared").explanation


def test_lawful_suspension_within_its_declared_length(world):
    case = accepted_case(world)
    clock.set_now(at("2026-10-12"))
    cases.suspend_case(
        case=case, by=world.approver, kind="expert_review", reason="组织专家评审", expected_days=3
    )
    clock.set_now(at("2026-10-15"))
    cases.resume_case(case=case, by=world.approver)
    assert codes(case) == set()


# ---- backdating


def test_event_recorded_days_before_it_was_entered(world):
    case = accepted_case(world)
    clock.set_now(at("2026-10-09", 17))
    cases.claim_step(case=case, by=world.approver)
    cases.complete_step(case=case, by=world.approver, opinion="同意", at=at("2026-09-29"))
    assert codes(case) == {"case.event.backdated"}
    assert "2026-09-29" in alert(case, "case.event.backdated").explanation


def test_event_entered_the_same_afternoon_is_lawful(world):
    case = accepted_case(world)
    clock.set_now(at("2026-09-29", 17))
    cases.claim_step(case=case, by=world.approver)
    cases.complete_step(case=case, by=world.approver, opinion="同意", at=at("2026-09-29", 10))
    assert codes(case) == set()


# ---- the registry and robustness


def test_a_new_rule_needs_no_other_change(world):
    class NightWork(rules.Rule):
        code = "test.night_work"
        title = "夜间操作"

        def check(self, ctx):
            return (
                [rules.Finding("夜间 22 点后操作。")]
                if ctx.event.at.astimezone(clock.LOCAL).hour >= 22
                else []
            )

    try:
        clock.set_now(at("2026-09-28", 23))
        case = accepted_case(world)
        # A case rule's code begins with its domain, so people can filter by it.
        assert NightWork.code == "case.test.night_work" and "case.test.night_work" in codes(case)
    finally:
        rules.REGISTRY.remove(NightWork)


def test_a_failing_rule_never_blocks_the_case(world):
    class Broken(rules.Rule):
        code = "test.broken"
        title = "坏规则"

        def check(self, ctx):
            raise ZeroDivisionError

    try:
        case = accepted_case(world)
        assert case.status == "accepted"
        assert "test.broken" not in codes(case)
    finally:
        rules.REGISTRY.remove(Broken)


def test_a_rule_whose_statement_fails_leaves_nothing_behind_and_the_case_goes_on(world):
    """The savepoint a rule runs in is taken before its first statement (issue 20): a rule that wrote and then ran a
    failing statement leaves nothing behind, and the case's transaction carries on (on PostgreSQL too, where a failed
    statement spoils the transaction up to the savepoint)."""
    from django.db import connection

    class WritesThenFails(rules.Rule):
        code = "test.writes_then_fails"
        title = "写后失败"

        def check(self, ctx):
            rules.store(self, rules.Finding("先写一条"), case=ctx.case, event=ctx.event)
            with connection.cursor() as cursor:
                cursor.execute("SELECT * FROM no_such_table")
            return []

    try:
        case = accepted_case(world)
        assert case.status == "accepted"
        assert not Alert.objects.filter(code="case.test.writes_then_fails").exists()
        assert "test.writes_then_fails" not in codes(case)
    finally:
        rules.REGISTRY.remove(WritesThenFails)


def test_rules_that_run_no_statement_take_no_savepoint(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case = submit(world)
    with CaptureQueriesContext(connection) as queries:
        cases.accept_case(case=case, paper=paper_checklist(case), by=world.clerk)
    savepoints = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SAVEPOINT")]
    assert len(savepoints) == 1, savepoints  # the service's own block only: no rule found anything to store
    assert codes(case) == set()


def test_an_alert_rolls_back_with_its_event(world):
    case = accepted_case(world)
    clock.set_now(at("2026-10-19"))
    with pytest.raises(RuntimeError):
        from django.db import transaction

        with transaction.atomic():
            cases.claim_step(case=case, by=world.approver)
            cases.complete_step(case=case, by=world.approver, opinion="同意", at=at("2026-10-01"))
            assert "case.event.backdated" in codes(case)
            raise RuntimeError("the page crashed after the write")
    assert codes(case) == set()
