"""Supervision of who decides where: the ordinary path (the head decides at 决定, the window makes the certificate
after it) is quiet; a general-window clerk deciding for the bureau, a decision before the decision step, a
certificate before the decision, and one person accepting and deciding an item not authorised to the window are
each flagged. Breaches the services refuse are written as raw events, as an import or a bypassing client would."""

import copy

import pytest

from tests.factories import paper_checklist
from tests.supervision.conftest import ITEM, publish, submit
from tests.supervision.test_rules import codes, raw_event
from zhengwu.cases import services as cases
from zhengwu.supervision import rules
from zhengwu.supervision.models import Alert

STEPS = [
    {"name": "受理", "role": "window_clerk", "days": 0},
    {"name": "审查", "role": "approver", "days": 4},
    {"name": "现场核查", "role": "approver", "days": 2},
    {"name": "决定", "role": "department_head", "days": 2},
    {"name": "制证", "role": "window_clerk", "days": 1},
]
OUTSIDER, OUT_OF_ORDER, SAME_PERSON = (
    rules.OutsideOrganisation.code,
    rules.StepOutOfOrder.code,
    rules.SamePersonAcceptsAndDecides.code,
)


@pytest.fixture
def food(world):
    return publish({**copy.deepcopy(ITEM), "name": "食品经营许可(新办)", "steps": STEPS}, world.bureau)


@pytest.fixture
def food_wa(world):
    spec = {**copy.deepcopy(ITEM), "name": "食品经营许可(延续)", "steps": STEPS, "window_authorised": True}
    return publish(spec, world.bureau)


def at_decision(w, item, *, by=None, window=None):
    case = submit(w, item=item, by=by or w.general_clerk, window=window or w.general)
    cases.accept_case(case=case, paper=paper_checklist(case), by=by or w.general_clerk)
    for _name in ("审查", "现场核查"):
        cases.complete_step(case=case, by=w.approver, opinion="同意")
    return case


def test_the_ordinary_path_with_the_certificate_after_the_decision_is_quiet(world, food):
    case = at_decision(world, food)
    cases.decide_case(case=case, by=world.head, grant=True, reasons="符合条件")
    cases.complete_step(case=case, by=world.clerk, opinion="已制证")
    cases.deliver_result(case=case, by=world.general_clerk, method="window")
    cases.complete_case(case=case, by=world.general_clerk)
    assert codes(case) == set()


def test_a_general_window_clerk_deciding_for_the_bureau_is_flagged(world, food):
    case = at_decision(world, food)
    raw_event(case, "decide", by=world.general_clerk, data={"decision": "grant"})
    assert OUTSIDER in codes(case)
    alert = Alert.objects.get(case=case, code=OUTSIDER)
    assert (
        alert.severity == "serious"
        and "李综窗" in alert.explanation
        and "贵溪市市场监督管理局" in alert.explanation
    )


def test_a_decision_before_the_decision_step_names_the_steps_skipped(world, food):
    case = submit(world, item=food)
    cases.accept_case(case=case, paper=paper_checklist(case), by=world.clerk)
    raw_event(case, "decide", by=world.head, data={"decision": "grant"})
    explanation = Alert.objects.get(case=case, code=OUT_OF_ORDER).explanation
    assert "「审查、现场核查」尚未办理" in explanation and "制证" not in explanation


def test_a_certificate_made_before_the_decision_is_out_of_order(world, food):
    case = at_decision(world, food)
    raw_event(
        case, "complete_step", by=world.clerk, data={"position": 5, "on": "2026-09-28", "opinion": "已制证"}
    )
    assert "当前应办理的是「决定」" in Alert.objects.get(case=case, code=OUT_OF_ORDER).explanation


def test_the_chief_representative_accepting_and_deciding_a_window_authorised_item_is_lawful(world, food_wa):
    case = at_decision(world, food_wa, by=world.chief, window=world.dedicated)
    cases.decide_case(case=case, by=world.chief, grant=True, reasons="窗口授权,当场决定")
    assert codes(case) == set()


def test_one_person_accepting_and_deciding_an_item_not_authorised_to_the_window_is_flagged(world, food):
    case = at_decision(world, food, by=world.chief, window=world.dedicated)
    cases.decide_case(case=case, by=world.chief, grant=True, reasons="同意")  # as the bureau's head he may
    assert codes(case) == {SAME_PERSON}
