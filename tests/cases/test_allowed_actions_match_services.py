"""The case page offers exactly what the services accept (issue 15.2): for cases at each point of their handling and
for the people who meet them — the item's own window clerk, a clerk of another organisation, the general window's
clerk, the bureau's chief representative at its window (首席代表), its approver and department head, a centre
manager and an inspector — every action is tried through
its service, each try rolled back, and it must succeed exactly when the workbench's case page would show its button
(the page shown at all only for a case in the person's scope).

It runs on SQLite only: what it compares is two readings of one rule in Python (`cases.permissions`), the same on
either engine, and it tries about two thousand service calls to do so (about 40 s of CPU, and as much again of the
PostgreSQL server's, in `make test`). Every service's SQL runs on PostgreSQL in that service's own tests."""

import copy

import pytest
from django.db import connection, transaction

from tests.cases.conftest import ITEM, pdf_upload, publish
from tests.factories import make_staff, paper_checklist
from zhengwu.cases import permissions, selectors, services
from zhengwu.cases.models import Case, ExtensionRequest
from zhengwu.core.errors import DomainError, NotFound
from zhengwu.core.models import Role, Staff

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "sqlite",
        reason="compares the page's and the services' reading of one rule in Python: run once, on SQLite",
    ),
]

FEES = [{"name": "工本费", "standard": "每证 10 元", "amount": "10.00", "basis": "赣发改收费〔2020〕1号"}]


class _Undo(Exception):
    """Raised after a service succeeded, to roll its write back."""


def _submit(world, item=None):
    return services.submit_case(
        item=item or world.item,
        applicant=world.company,
        by=world.clerk,
        channel="counter",
        window=world.dedicated,
        form={"subject": "申请食品经营许可(餐饮服务)"},
    )


def _accepted(world, item=None):
    case = _submit(world, item)
    return services.accept_case(case=case, paper=paper_checklist(case), by=world.clerk)


def _deciding(world, item=None):
    case = _accepted(world, item)
    services.claim_step(case=case, by=world.approver)
    services.complete_step(case=case, by=world.approver, opinion="材料齐全,符合法定条件")
    return case


def _decided(world):
    case = _deciding(world)
    return services.decide_case(case=case, by=world.head, grant=True)


def _suspended(world):
    case = _accepted(world)
    services.suspend_case(case=case, by=world.approver, kind="inspection", reason="现场检验", expected_days=5)
    return case


def _extension_asked(world):
    case = _accepted(world)
    services.request_extension(case=case, by=world.approver, days=5, reason="需组织专家论证")
    return case


def _supplement_asked(world):
    case = _submit(world)
    services.request_supplement(case=case, by=world.clerk, items=[{"position": 1, "problem": "未签字"}])
    return case


def _claimed(world):
    case = _accepted(world)
    services.claim_step(case=case, by=world.approver)
    return case


def _delivered(world):
    case = _decided(world)
    return services.deliver_result(case=case, by=world.clerk, method="window")


SCENARIOS = {
    "收件待受理": _submit,
    "补正中": _supplement_asked,
    "受理后审查环节待认领": _accepted,
    "审查环节已认领": _claimed,
    "决定环节": _deciding,
    "中止中": _suspended,
    "延期待审批": _extension_asked,
    "窗口授权事项决定环节": lambda world: _deciding(
        world,
        publish(
            {**copy.deepcopy(ITEM), "name": "食品经营许可(延续)", "window_authorised": True}, world.bureau
        ),
    ),
    "已决定": _decided,
    "已送达": _delivered,
    "即办件收件": lambda world: _submit(world, world.instant_item),
    "收费事项办理中": lambda world: _accepted(
        world, publish({**copy.deepcopy(ITEM), "name": "食品经营许可(收费)", "fees": FEES}, world.bureau)
    ),
}


def _people(world) -> dict:
    centre_office = Staff.objects.get(user=world.general_clerk).organisation
    return {
        "本机构窗口人员": world.clerk,
        "他机构窗口人员": make_staff("water_clerk", world.other, roles=[Role.WINDOW_CLERK]).user,
        "综合窗口人员": world.general_clerk,
        # the bureau's authorised officer at its window (首席代表): decides where the item is authorised to the window
        "首席代表": make_staff(
            "chief", world.bureau, roles=[Role.WINDOW_CLERK], window=world.dedicated, window_authorised=True
        ).user,
        "审批人员": world.approver,
        "部门负责人": world.head,
        "中心管理人员": make_staff("manager", centre_office, roles=[Role.CENTRE_MANAGER]).user,
        "监察人员": make_staff("inspector", centre_office, roles=[Role.SUPERVISOR]).user,
    }


def _taker(world, case: Case):
    """Someone the open step may be given to (its role, the item's organisation)."""
    step = permissions.open_step(list(case.steps.order_by("position")))
    role = step.role if step is not None else Role.APPROVER
    return {Role.APPROVER: world.approver2, Role.DEPARTMENT_HEAD: world.head}.get(role, world.clerk)


def _calls(world, case: Case) -> dict:
    """Each action of the case page → the service call the page makes, with valid input."""
    steps = list(case.steps.order_by("position"))
    back = permissions.returnable_steps(case, steps)
    pending = case.extensions.filter(state=ExtensionRequest.State.PENDING).first()

    def decide_extension(c, by):
        if pending is None:  # nothing to decide: the page lists no request to approve
            raise NotFound("没有待审批的延期申请")
        return services.decide_extension(extension=pending, by=by, approve=True)

    return {
        "accept": lambda c, by: services.accept_case(case=c, paper=paper_checklist(c), by=by),
        "supplement": lambda c, by: services.request_supplement(
            case=c, by=by, items=[{"position": 2, "problem": "复印件不清晰"}], reason="复印件无法辨认"
        ),
        "refuse": lambda c, by: services.refuse_case(
            case=c, by=by, reason="不属于本机关职权范围", legal_basis="《行政许可法》第三十二条"
        ),
        "supply": lambda c, by: services.supply_supplement(case=c, by=by, paper=[1, 2, 3]),
        "upload": lambda c, by: services.upload_material(case=c, by=by, position=1, upload=pdf_upload()),
        "instant": lambda c, by: services.handle_instantly(case=c, paper=paper_checklist(c), by=by),
        "claim": lambda c, by: services.claim_step(case=c, by=by),
        "assign": lambda c, by: services.assign_step(case=c, by=by, to=_taker(world, c)),
        "complete_step": lambda c, by: services.complete_step(case=c, by=by, opinion="审查通过"),
        "return_step": lambda c, by: services.return_step(
            case=c, by=by, to_position=back[0].position if back else 1, reason="需补充审查"
        ),
        "suspend": lambda c, by: services.suspend_case(
            case=c, by=by, kind="inspection", reason="现场检验", expected_days=5
        ),
        "resume": lambda c, by: services.resume_case(case=c, by=by),
        "extension": lambda c, by: services.request_extension(case=c, by=by, days=5, reason="需专家论证"),
        "decide_extension": decide_extension,
        "decide": lambda c, by: services.decide_case(case=c, by=by, grant=True),
        "deliver": lambda c, by: services.deliver_result(case=c, by=by, method="window"),
        "complete": lambda c, by: services.complete_case(case=c, by=by),
        "terminate": lambda c, by: services.terminate_case(case=c, by=by, reason="申请人已注销"),
        "withdraw": lambda c, by: services.withdraw_case(case=c, by=by, reason="申请人要求撤回"),
        "attach": lambda c, by: services.attach_file(case=c, by=by, upload=pdf_upload("审查意见.pdf")),
        "charge_fee": lambda c, by: services.charge_fee(
            case=c, by=by, fees=[{"name": "工本费", "amount": "10"}]
        ),
        "correct_fee": lambda c, by: services.correct_fee(
            case=c, by=by, fees=[{"name": "工本费", "amount": "8"}], reason="金额录入有误"
        ),
    }


def _shown_actions(user, case: Case) -> dict[str, bool]:
    """Which actions' buttons the workbench's case page shows the user (all of them at once, as the page does)."""
    try:
        page_case = selectors.case_for(user, case.number)
    except DomainError:
        return dict.fromkeys(permissions.RULES, False)  # not in their scope: no page at all
    shown = dict(permissions.allowed_actions(user, page_case))
    # offered beside each pending request
    pending = page_case.extensions.filter(state=ExtensionRequest.State.PENDING).exists()
    shown["decide_extension"] = shown["decide_extension"] and pending
    return shown


def _shown(user, case: Case, action: str) -> bool:
    return _shown_actions(user, case)[action]


def _accepted_by_service(call, read: Case, user) -> tuple[bool, str]:
    """Try `call` on a fresh copy of the case as read (every try is rolled back, so the row is the same each time:
    a deep copy of it costs a tenth of reading it again — tests/allowed_actions.py)."""
    try:
        with transaction.atomic():
            call(copy.deepcopy(read), user)
            raise _Undo
    except _Undo:
        return True, ""
    except DomainError as err:
        return False, err.message


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_the_page_offers_exactly_what_the_services_accept(world, scenario):
    case = SCENARIOS[scenario](world)
    people = _people(world)
    calls = _calls(world, case)
    assert set(calls) == set(permissions.RULES)  # every action of the page is tried
    differ, offered = [], 0
    read = Case.objects.get(pk=case.pk)  # read once; each try gets its own copy of it
    for who, user in people.items():
        page = _shown_actions(user, case)  # the page is drawn once; no try below changes the case
        for action, call in calls.items():
            shown = page[action]
            done, why = _accepted_by_service(call, read, user)
            offered += shown
            if shown != done:
                differ.append(
                    f"{who} {action}: 页面{'显示' if shown else '不显示'},服务{'接受' if done else '拒绝:' + why}"
                )
    assert differ == []
    assert offered  # each scenario offers someone something
    if scenario.startswith(
        "窗口授权"
    ):  # 窗口授权: the chief representative decides at the window, a clerk never
        assert _shown(people["首席代表"], case, "decide") and not _shown(
            people["本机构窗口人员"], case, "decide"
        )
    if scenario == "决定环节":  # not authorised: the department head at the decision step only
        assert _shown(people["部门负责人"], case, "decide") and not _shown(people["首席代表"], case, "decide")
