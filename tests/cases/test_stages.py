"""The stages a citizen follows (收件 → 受理 → 审查 → 决定 → 送达 → 办结), derived from the status and the steps: where the case
is, where an early ending stopped it, and what the applicant does next. Pure: no database."""

import pytest

from zhengwu.cases import stages
from zhengwu.cases.stages import StepView

LICENCE = [  # 受理 → 审查 → 现场核查 → 决定 → 制证, as the demo's 食品经营许可
    ("受理", "window_clerk"),
    ("审查", "approver"),
    ("现场核查", "approver"),
    ("决定", "department_head"),
    ("制证", "window_clerk"),
]


def steps(spec, open_at: int | None, done_before: int | None = None):
    """The item's steps with those before `open_at` done and the one at `open_at` open (positions from 1)."""
    done_before = open_at if done_before is None else done_before
    return [
        StepView(
            i,
            name,
            role,
            "open" if i == open_at else "done" if done_before and i < done_before else "pending",
        )
        for i, (name, role) in enumerate(spec, start=1)
    ]


def states(view):
    return "".join(
        {"done": "D", "current": "C", "pending": "-", "stopped": "X", "skipped": "s"}[s.state]
        for s in view.stages
    )


@pytest.mark.parametrize(
    ("status", "accepted", "decision", "open_at", "expected", "current", "step", "next_action"),
    [
        ("draft", False, "", None, "------", "", None, "submit"),
        ("received", False, "", None, "DC----", "accept", None, "wait_acceptance"),
        ("supplement_requested", False, "", None, "DC----", "accept", None, "supplement"),
        ("accepted", True, "", 2, "DDC---", "review", "审查", "wait_review"),
        ("accepted", True, "", 3, "DDC---", "review", "现场核查", "wait_review"),
        ("suspended", True, "", 3, "DDC---", "review", "现场核查", "wait_resume"),
        ("accepted", True, "", 4, "DDDC--", "decide", "决定", "wait_decision"),
        # the decision step done and 制证 open, the decision not yet recorded: still deciding
        ("accepted", True, "", 5, "DDDC--", "decide", "制证", "wait_decision"),
        # decided, the delivery not yet recorded: 决定 done, 送达 now, 办结 still to come (issue 13: it said 办结)
        ("decided", True, "grant", None, "DDDDC-", "deliver", None, "collect"),
        ("decided", True, "deny", None, "DDDDC-", "deliver", None, "read_denial"),
        ("delivered", True, "grant", None, "DDDDDC", "complete", None, "wait_completion"),
        ("completed", True, "grant", None, "DDDDDD", "", None, "rate"),
    ],
)
def test_a_case_moves_through_the_six_stages(
    status, accepted, decision, open_at, expected, current, step, next_action
):
    view = stages.progress(status=status, accepted=accepted, decision=decision, steps=steps(LICENCE, open_at))
    assert [s.label for s in view.stages] == ["收件", "受理", "审查", "决定", "送达", "办结"]
    assert (states(view), view.current) == (expected, current)
    assert (view.step.name if view.step else None) == step
    assert view.next_action == next_action and stages.NEXT_ACTIONS[next_action]


@pytest.mark.parametrize(
    ("status", "accepted", "open_at", "expected", "stopped_at", "next_action"),
    [
        ("refused", False, None, "DXssss", "accept", "read_refusal"),
        ("withdrawn", False, None, "DXssss", "accept", "withdrawn"),
        ("withdrawn", True, 2, "DDXsss", "review", "withdrawn"),
        ("terminated", True, 4, "DDDXss", "decide", "terminated"),
    ],
)
def test_a_case_that_ends_early_shows_where_it_stopped(
    status, accepted, open_at, expected, stopped_at, next_action
):
    view = stages.progress(status=status, accepted=accepted, decision="", steps=steps(LICENCE, open_at))
    assert (states(view), view.stopped_at, view.current) == (expected, stopped_at, "")
    assert view.next_action == next_action and view.step is None


@pytest.mark.parametrize(
    ("spec", "decision_step"),
    [
        (LICENCE, "决定"),
        ([("受理", "window_clerk"), ("审核", "approver"), ("办结", "window_clerk")], "审核"),
        ([("受理", "window_clerk"), ("核准", "approver")], "核准"),
        ([("受理", "window_clerk"), ("审查", "approver"), ("颁证", "window_clerk")], "审查"),
        ([("受理", "window_clerk"), ("制卡", "window_clerk")], "制卡"),
        ([], None),
    ],
)
def test_the_decision_is_the_heads_step_else_the_approvers_else_the_last(spec, decision_step):
    found = stages.decision_step(steps(spec, None))
    assert (found.name if found else None) == decision_step


def test_the_step_the_item_names_as_its_decision_is_the_decision():
    named = [
        StepView(1, "受理", "window_clerk", "done", "accept"),
        StepView(2, "审核", "approver", "done", "decide"),
        StepView(3, "复核", "department_head", "open", "review"),
    ]
    assert stages.decision_step(named).name == "审核"
    view = stages.progress(status="accepted", accepted=True, decision="", steps=named)
    assert states(view) == "DDDC--" and view.step.name == "复核"


def test_after_the_decision_the_open_step_is_named_in_the_delivery_stage():
    made = [
        StepView(1, "受理", "window_clerk", "done", "accept"),
        StepView(2, "决定", "department_head", "done", "decide"),
        StepView(3, "制证", "window_clerk", "open", "certify"),
    ]
    view = stages.progress(status="decided", accepted=True, decision="grant", steps=made)
    assert states(view) == "DDDDC-" and view.step.name == "制证" and view.next_action == "wait_making"


@pytest.mark.parametrize(
    "delivery, dispatch, making, expected",
    [
        ("window", "", False, "collect"),
        ("", "", False, "collect"),
        ("post", "", True, "wait_making"),  # 制证 open: nothing to post yet
        ("post", "", False, "wait_post"),
        ("post", "posted", False, "in_post"),
        ("post", "returned", False, "post_returned"),
        ("home", "", False, "wait_home"),
        ("home", "posted", False, "on_the_way_home"),
        ("electronic", "", False, "collect_electronic"),
    ],
)
def test_what_the_applicant_does_next_follows_the_way_the_result_reaches_them(
    delivery, dispatch, making, expected
):
    action = stages.next_action(
        status="decided",
        stage="deliver",
        decision="grant",
        delivery=delivery,
        dispatch=dispatch,
        making=making,
    )
    assert action == expected
    assert "窗口领取" not in str(stages.NEXT_ACTIONS[action]) or delivery in ("window", "")
    # before its delivery is recorded the result is not said to be delivered (issue 13: "结果已电子送达")
    assert "已电子送达" not in str(stages.NEXT_ACTIONS[action]) and "已送达" not in str(
        stages.NEXT_ACTIONS[action]
    )


def test_an_item_with_no_steps_is_reviewed_until_decided():
    view = stages.progress(status="accepted", accepted=True, decision="", steps=[])
    assert states(view) == "DDC---" and view.step is None
