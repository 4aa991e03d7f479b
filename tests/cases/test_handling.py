"""Who may claim, work and decide at which step (行政许可法 第三十四条、第三十八条): each step by its role in the
item's organisation; the decision at the decision step (决定) by the department head, or by the chief representative
where the item is authorised to the window (窗口授权); 制证 and delivery after it. Every refusal says why."""

import copy

import pytest

from tests.cases.conftest import ITEM, publish
from tests.factories import make_organisation, make_staff, paper_checklist
from zhengwu.cases import history, selectors, services
from zhengwu.cases.models import CaseStep, Status
from zhengwu.core.calendar import current_calendar
from zhengwu.core.errors import AccessDenied, Conflict, ValidationFailed
from zhengwu.core.models import Role
from zhengwu.supervision.models import Alert

FOOD = {
    **copy.deepcopy(ITEM),
    "steps": [
        {"name": "受理", "role": "window_clerk", "days": 0},
        {"name": "审查", "role": "approver", "days": 4},
        {"name": "现场核查", "role": "approver", "days": 2},
        {"name": "决定", "role": "department_head", "days": 2},
        {"name": "制证", "role": "window_clerk", "days": 1},
    ],
}
BUREAU = "贵溪市市场监督管理局"


@pytest.fixture
def people(world):
    """The bureau's chief representative at its window (窗口授权), an approver of a station below the bureau, a
    window-authorised officer of the centre's office, and the food licence twice: not authorised / authorised."""
    station = make_organisation("贵溪市市场监督管理局城区所", parent=world.bureau, short_name="城区所")
    world.chief = make_staff(
        "chief",
        world.bureau,
        roles=[Role.WINDOW_CLERK, Role.APPROVER],
        window=world.dedicated,
        window_authorised=True,
        name="邹首席",
    ).user
    world.station_approver = make_staff("station", station, roles=[Role.APPROVER], name="所审查").user
    world.office_chief = make_staff(
        "officechief",
        world.general_clerk.staff.organisation,
        roles=[Role.WINDOW_CLERK, Role.DEPARTMENT_HEAD],
        window=world.general,
        window_authorised=True,
        name="综窗组长",
    ).user
    world.food = publish({**FOOD, "name": "食品经营许可(新办)"}, world.bureau)
    world.food_wa = publish({**FOOD, "name": "食品经营许可(延续)", "window_authorised": True}, world.bureau)
    return world


def received(w, item, *, by=None, window=None):
    return services.submit_case(
        item=item,
        applicant=w.company,
        by=by or w.general_clerk,
        channel="counter",
        window=window or w.general,
        form={"subject": "申请食品经营许可(餐饮服务)"},
    )


def at_step(w, item, name: str):
    """A case of `item` received at the general window and handled up to the open step `name`."""
    case = received(w, item)
    case = services.accept_case(case=case, paper=paper_checklist(case), by=w.general_clerk)
    while open_step(case).name != name:
        step = open_step(case)
        worker = {"approver": w.approver, "department_head": w.head, "window_clerk": w.clerk}[step.role]
        if step.kind == "decide":
            services.decide_case(case=case, by=worker, grant=True, reasons="符合条件")
        else:
            services.complete_step(case=case, by=worker, opinion="同意")
    return case


def open_step(case) -> CaseStep:
    return case.steps.get(state=CaseStep.State.OPEN)


OTHER_OFFICE = "贵溪市政务服务管理局"


@pytest.mark.parametrize(
    "step, who, error, code, message",
    [
        ("审查", "approver", None, None, None),
        (
            "审查",
            "station_approver",
            AccessDenied,
            "step.other_organisation",
            "您是贵溪市市场监督管理局城区所的工作人员",
        ),
        (
            "审查",
            "head",
            AccessDenied,
            "step.role_required",
            f"「审查」环节由{BUREAU}的审批人员办理,您没有审批人员角色",
        ),
        (
            "审查",
            "outsider",
            AccessDenied,
            "step.other_organisation",
            f"「审查」环节由{BUREAU}的审批人员办理;您是贵溪市水利局的工作人员,不能办理该机构的环节",
        ),
        ("决定", "head", None, None, None),
        (
            "决定",
            "chief",
            AccessDenied,
            "step.role_required",
            f"「决定」环节由{BUREAU}的部门负责人办理,您没有部门负责人角色",
        ),
        (
            "决定",
            "office_chief",
            AccessDenied,
            "step.other_organisation",
            f"「决定」环节由{BUREAU}的部门负责人办理;您是{OTHER_OFFICE}的工作人员,不能办理该机构的环节",
        ),
        ("制证", "clerk", None, None, None),
        ("制证", "chief", None, None, None),
        (
            "制证",
            "general_clerk",
            AccessDenied,
            "step.other_organisation",
            f"「制证」环节由{BUREAU}的窗口工作人员办理;您是{OTHER_OFFICE}的工作人员,不能办理该机构的环节",
        ),
        (
            "制证",
            "citizen_user",
            AccessDenied,
            "step.not_staff",
            f"「制证」环节由{BUREAU}的窗口工作人员办理,您不是该机构的工作人员",
        ),
    ],
)
def test_who_may_claim_each_step(people, step, who, error, code, message):
    case = at_step(people, people.food, step)
    user = getattr(people, who)
    if error is None:
        claimed = services.claim_step(case=case, by=user)
        assert claimed.name == step and claimed.assignee_id == user.pk
        assert case in selectors.queue(user, "to_handle")
        return
    assert case not in selectors.queue(user, "to_handle")
    with pytest.raises(error) as refused:
        services.claim_step(case=case, by=user)
    assert refused.value.code == code and message in refused.value.message
    assert open_step(case).assignee_id is None


@pytest.mark.parametrize(
    "authorised, who, code, message",
    [
        (False, "head", None, None),
        (
            False,
            "approver",
            "step.role_required",
            f"「决定」环节由{BUREAU}的部门负责人办理,您没有部门负责人角色",
        ),
        # the item says 未授权窗口办理: the chief representative at the window may not decide
        (
            False,
            "chief",
            "decision.window_not_authorised",
            f"本事项未授权窗口办理(窗口授权),窗口工作人员不能作出决定;决定由{BUREAU}的部门负责人在「决定」环节作出",
        ),
        (
            False,
            "clerk",
            "decision.window_not_authorised",
            "本事项未授权窗口办理(窗口授权),窗口工作人员不能作出决定",
        ),
        # a general-window clerk of another office never decides for the bureau
        (
            False,
            "general_clerk",
            "step.other_organisation",
            f"「决定」环节由{BUREAU}的部门负责人办理;您是{OTHER_OFFICE}的工作人员,不能办理该机构的环节",
        ),
        (True, "head", None, None),
        (True, "chief", None, None),  # 窗口授权: the bureau's chief representative decides at the window
        (
            True,
            "clerk",
            "step.role_required",
            f"「决定」环节由{BUREAU}的部门负责人办理,您没有部门负责人角色",
        ),
        (
            True,
            "office_chief",
            "step.other_organisation",
            f"您是{OTHER_OFFICE}的工作人员,不能办理该机构的环节",
        ),
    ],
)
def test_who_may_decide_at_the_decision_step(people, authorised, who, code, message):
    case = at_step(people, people.food_wa if authorised else people.food, "决定")
    user = getattr(people, who)
    if code is None:
        services.decide_case(case=case, by=user, grant=True, reasons="符合条件")
        assert case.status == Status.DECIDED and open_step(case).name == "制证"
        return
    with pytest.raises(AccessDenied) as refused:
        services.decide_case(case=case, by=user, grant=True, reasons="符合条件")
    assert refused.value.code == code and message in refused.value.message
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED and not case.notices.filter(kind="grant").exists()


@pytest.mark.parametrize("step", ["审查", "现场核查"])
def test_no_decision_before_the_decision_step_whoever_asks(people, step):
    case = at_step(people, people.food_wa, step)
    for user in (people.head, people.chief):
        with pytest.raises(Conflict) as refused:
            services.decide_case(case=case, by=user, grant=True)
        assert refused.value.code == "decision.not_at_decision_step"
        assert refused.value.message == (
            f"当前环节为「{step}」,决定须在决定环节「决定」作出(行政许可法第三十四条、第三十八条)"
        )


def test_the_decision_step_is_not_completed_like_an_ordinary_step(people):
    case = at_step(people, people.food, "决定")
    with pytest.raises(Conflict) as refused:
        services.complete_step(case=case, by=people.head, opinion="同意")
    assert refused.value.code == "step.is_decision"
    assert refused.value.message == "「决定」是决定环节,请作出准予或不予许可的决定"


def test_the_ordinary_path_certificate_and_delivery_follow_the_decision_with_no_alert(people):
    w = people
    case = received(w, w.food)
    case = services.accept_case(
        case=case, by=w.general_clerk, paper=paper_checklist(case)
    )  # 一窗受理 at the general window
    for name in ("审查", "现场核查"):
        services.claim_step(case=case, by=w.approver)
        services.complete_step(case=case, by=w.approver, opinion=f"{name}通过")
    services.claim_step(case=case, by=w.head)
    services.decide_case(case=case, by=w.head, grant=True, reasons="符合食品经营许可条件")
    assert case.status == Status.DECIDED and case.notices.filter(kind="grant").exists()
    assert [s.state for s in case.steps.order_by("position")] == ["done", "done", "done", "done", "open"]

    for refused_action, then in (
        (lambda: services.deliver_result(case=case, by=w.general_clerk, method="window"), "送达"),
        (lambda: services.complete_case(case=case, by=w.general_clerk), "办结"),
    ):
        with pytest.raises(Conflict) as refused:
            refused_action()
        assert refused.value.code == "steps.unfinished"
        assert refused.value.message == f"「制证」环节({BUREAU}的窗口工作人员)尚未完成,完成后才能{then}"

    services.claim_step(case=case, by=w.clerk)
    services.complete_step(case=case, by=w.clerk, opinion="已制作食品经营许可证")
    services.deliver_result(case=case, by=w.general_clerk, method="window")
    services.complete_case(case=case, by=w.general_clerk)
    assert case.status == Status.COMPLETED
    assert not Alert.objects.filter(case=case).exists()
    replayed = history.derive(
        list(case.events.order_by("seq").values("action", "at", "data")), current_calendar()
    )
    assert [s.state for s in replayed.steps] == ["done"] * 5
    assert history.step_snapshots(replayed)[5]["kind"] == "produce"


def test_after_a_denial_no_certificate_is_made_and_the_denial_is_delivered(people):
    case = at_step(people, people.food, "决定")
    services.decide_case(case=case, by=people.head, grant=False, reasons="经营场所不符合卫生要求")
    steps = {s.name: s for s in case.steps.all()}
    assert steps["制证"].state == CaseStep.State.SKIPPED and steps["制证"].get_state_display() == "无需办理"
    services.deliver_result(case=case, by=people.general_clerk, method="post")
    services.complete_case(case=case, by=people.general_clerk)
    assert case.status == Status.COMPLETED and case.decision == "deny"


def test_a_step_is_assigned_only_to_someone_who_may_take_it(people):
    case = at_step(people, people.food, "审查")
    with pytest.raises(ValidationFailed, match="只能分派给具有「审批人员」角色的工作人员"):
        services.assign_step(case=case, by=people.head, to=people.general_clerk)
    with pytest.raises(ValidationFailed, match="所审查不在该办件的实施机构,不能分派"):
        services.assign_step(case=case, by=people.head, to=people.station_approver)
    with pytest.raises(AccessDenied):
        services.assign_step(case=case, by=people.office_chief, to=people.approver)
    services.assign_step(case=case, by=people.head, to=people.approver)
    assert open_step(case).assignee_id == people.approver.pk


def test_staff_of_the_organisation_above_may_take_its_steps(people):
    """As core.access has it: an organisation's staff act for the organisations below it, never the other way."""
    station = people.station_approver.staff.organisation
    item = publish({**FOOD, "name": "城区所食品经营许可"}, station)
    case = at_step(people, item, "审查")  # the bureau's approver takes the station's step
    services.claim_step(case=case, by=people.approver)
    services.complete_step(case=case, by=people.approver, opinion="同意")
    assert open_step(case).name == "现场核查"


def test_a_general_window_clerk_receives_an_instant_item_but_does_not_decide_it(people):
    case = received(people, people.instant_item)
    with pytest.raises(AccessDenied) as refused:
        services.handle_instantly(case=case, paper=paper_checklist(case), by=people.general_clerk)
    assert refused.value.code == "decision.other_organisation"
    assert refused.value.message == (
        f"即办件由实施机构{BUREAU}的工作人员当场作出决定;您是{OTHER_OFFICE}的工作人员,可以收件、受理,不能代为作出决定"
    )
    case.refresh_from_db()
    assert case.status == Status.RECEIVED  # nothing of it was kept
    services.handle_instantly(case=case, paper=paper_checklist(case), by=people.clerk)
    assert case.status == Status.COMPLETED and not Alert.objects.filter(case=case).exists()


def test_the_centre_manager_dispatches_a_joint_item_of_its_region_and_no_other(people):
    from tests.factories import make_region

    w = people
    bundle = publish(
        {
            **FOOD,
            "name": "企业开办一件事",
            "steps": [
                {"name": "受理", "role": "window_clerk", "days": 0},
                {"name": "联办分发", "role": "centre_manager", "days": 1},
                {"name": "并联办理", "role": "approver", "days": 3},
            ],
        },
        w.bureau,
    )
    manager = make_staff(
        "cm", w.general_clerk.staff.organisation, roles=[Role.CENTRE_MANAGER], name="王主任"
    ).user
    elsewhere = make_organisation(
        "余江区政务服务管理局", region=make_region("360622", "余江区", parent=w.county.parent)
    )
    far_manager = make_staff("farcm", elsewhere, roles=[Role.CENTRE_MANAGER], name="余江主任").user
    case = received(w, bundle)
    case = services.accept_case(case=case, paper=paper_checklist(case), by=w.general_clerk)
    with pytest.raises(AccessDenied) as refused:
        services.claim_step(case=case, by=far_manager)
    assert refused.value.code == "step.other_organisation"
    assert (
        "「联办分发」环节由政务服务中心的中心管理人员办理;您是余江区政务服务管理局的工作人员"
        in refused.value.message
    )
    assert case in selectors.queue(manager, "to_handle")
    services.claim_step(case=case, by=manager)
    services.complete_step(case=case, by=manager, opinion="已分发各部门")
    services.decide_case(case=case, by=w.approver, grant=True, reasons="各部门已办结")
    services.deliver_result(case=case, by=w.general_clerk, method="electronic")
    services.complete_case(case=case, by=w.general_clerk)
    assert not Alert.objects.filter(case=case).exists()  # the centre's dispatch is no outsider's act


def test_history_imports_follow_the_decision_step_too(people):
    """An older system's history is imported only if it decided at the decision step and made the certificate
    after it (the same path the services take)."""
    import json

    from tests.cases.conftest import resident_id
    from zhengwu.cases import importer
    from zhengwu.core.errors import DomainError

    def parsed(*steps_then_decide):
        events = [
            {"at": "2025-09-26T09:30:00+08:00", "action": "submit"},
            {"at": "2025-09-26T10:00:00+08:00", "action": "accept"},
            *({"at": f"2025-09-29T1{i}:00:00+08:00", **event} for i, event in enumerate(steps_then_decide)),
        ]
        record = {
            "item": {"code": people.food.code, "version": 1},
            "applicant": {"kind": "natural", "name": "陈六", "id_number": resident_id("19700505", "321")},
            "events": events,
        }
        return importer.parse_line(json.loads(json.dumps(record, ensure_ascii=False)))

    step = {"action": "complete_step", "opinion": "同意"}
    grant = {"action": "decide", "decision": "grant"}
    with pytest.raises(DomainError, match="当前环节为「现场核查」,决定须在决定环节作出"):
        parsed(step, grant)
    with pytest.raises(DomainError, match="决定环节由 decide 完成"):
        parsed(step, step, step)
    with pytest.raises(DomainError, match="「制证」环节尚未完成"):
        parsed(step, step, grant, {"action": "deliver", "method": "window"})
    case = services.import_case(
        parsed=parsed(step, step, grant, step, {"action": "deliver", "method": "window"})
    )
    assert case.status == Status.DELIVERED
    assert [s.state for s in case.steps.order_by("position")] == ["done"] * 5
