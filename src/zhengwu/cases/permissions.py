"""Who may do what on a case now (issue 15.2): one rule per action of the case page, used twice — `refusals` /
`allowed_actions` (what the workbench offers, and why not) and `require` (what the services enforce), so a button is
shown exactly when the service would accept it.

Each rule combines the workflow table (workflow.TRANSITIONS: what the case's status allows), the roles
(INTAKE_ROLES …, core.access) and the step rules of cases.handling (who takes, holds and decides a step). Whose case it
is at all — scope — is the services' own check (selectors.visible_cases, from core.access); the page only shows
cases in scope.

The law behind the rules (行政许可法):
- 第三十二条: the window receives the application and decides on intake (受理, 补正, 不予受理) — a window clerk, an
  approver or a department head; a general window (综合窗口, 一窗受理) receives for every organisation at the centre.
- 第三十四条、第三十八条: the implementing organisation examines and decides: each step by the staff of the item's
  organisation holding its role; the decision at the item's decision step — at the window only where the item is
  authorised to the window (窗口授权, 首席代表) — and an instant item on the spot by the organisation's own staff.
- 第四十二条: the extension of the limit is approved by the organisation's head (部门负责人).
- 第四十五条: a special procedure (中止) is started and ended by those who handle the case (审批人员, 部门负责人).
- 第五十八条、第五十九条: fees typed at the case by the organisation's own staff, only as the item lists them.

A rule returns the refusal — a DomainError with a Chinese message saying what and why — or None. `user` None is the
platform itself (commands, tasks, imports): nothing refuses it but the workflow table.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property

from django.utils.translation import gettext as _

from zhengwu.cases import extensions, handling, workflow
from zhengwu.cases.models import Case, CaseStep, ExtensionRequest
from zhengwu.cases.records import HANDLER_ROLES, HEAD_ROLES, INTAKE_ROLES
from zhengwu.core import access, clock
from zhengwu.core.errors import AccessDenied, Conflict, DomainError, ValidationFailed
from zhengwu.core.models import Role

# the case page's action → the workflow table's action it takes
WORKFLOW_ACTION = {
    "accept": "accept",
    "supplement": "request_supplement",
    "refuse": "refuse",
    "supply": "supply_supplement",
    "upload": "upload_material",
    "instant": "accept",
    "claim": "claim_step",
    "assign": "assign_step",
    "complete_step": "complete_step",
    "return_step": "return_step",
    "suspend": "suspend",
    "resume": "resume",
    "extension": "request_extension",
    "decide_extension": "approve_extension",
    "decide": "decide",
    "deliver": "deliver",
    "complete": "complete",
    "terminate": "terminate",
    "withdraw": "withdraw",
    "attach": "attach",
    "charge_fee": "charge_fee",
    "correct_fee": "charge_fee",
}


def open_step(steps) -> CaseStep | None:
    return next((s for s in steps if s.state == CaseStep.State.OPEN), None)


class _Case:
    """The case as the rules read it: its steps only when a rule asks (the services pass what they loaded)."""

    def __init__(self, case: Case, steps: list[CaseStep] | None):
        self.case = case
        self._steps = steps

    @cached_property
    def steps(self) -> list[CaseStep]:
        if self._steps is not None:
            return self._steps
        if "steps" in getattr(self.case, "_prefetched_objects_cache", {}):
            return list(self.case.steps.all())
        return list(self.case.steps.select_related("assignee").order_by("position"))

    @cached_property
    def open_step(self) -> CaseStep | None:
        return open_step(self.steps)


def _roles(user, roles: tuple[str, ...], what: str) -> DomainError | None:
    """The user is staff holding one of the roles (an administrator with a staff record holds every role)."""
    if user is None:
        return None
    staff = access.staff_of(user)
    if staff is not None and (access.is_administrator(user) or staff.has_role(*roles)):
        return None
    names = "、".join(str(Role(r).label) for r in roles)
    return AccessDenied(
        _("%(what)s须由%(roles)s办理,您没有相应角色") % {"what": what, "roles": names}, code="role_required"
    )


def _no_open_step() -> DomainError:
    return Conflict(_("办件当前没有待办理的环节"), field="step")


def _intake(what: str) -> Callable:
    return lambda user, c: _roles(user, INTAKE_ROLES, what)


def _owned_intake(what: str) -> Callable:
    """Intake on the case's own page — unless another flow owns it (extensions.intake_owners: a member case of a
    联办件 is accepted, told to supply and refused only through the joint actions, 行政许可法 第二十六条)."""

    def rule(user, c: _Case) -> DomainError | None:
        refusal = _roles(user, INTAKE_ROLES, what)
        if refusal is None and user is not None and (owner := extensions.intake_owner(c.case)):
            return Conflict(owner, code="intake.joint", field="status")
        return refusal

    return rule


def _handlers(what: str) -> Callable:
    return lambda user, c: _roles(user, HANDLER_ROLES, what)


def _instant(user, c: _Case) -> DomainError | None:
    if not c.case.version.instant:
        return ValidationFailed(_("该事项不是即办件,请按环节办理"), field="item")
    return _roles(user, INTAKE_ROLES, _("当场办结")) or handling.decision_refusal(user, c.case, None)


def _claim(user, c: _Case) -> DomainError | None:
    step = c.open_step
    if step is None:
        return _no_open_step()
    if user is None:
        return None
    refusal = handling.claim_refusal(user, c.case, step)
    if refusal is None and step.assignee_id == user.pk:
        return Conflict(
            _("「%(name)s」环节已由您认领") % {"name": step.name}, code="step.yours", field="step"
        )
    return refusal


def _assign(user, c: _Case) -> DomainError | None:
    if user is not None and not access.takes_step(user, Role.DEPARTMENT_HEAD, c.case.organisation):
        return AccessDenied(
            _("只有%(o)s的部门负责人可以分派该办件的环节") % {"o": c.case.organisation.name},
            code="step.assign_other_organisation",
        )
    return None if c.open_step is not None else _no_open_step()


def _holding(user, c: _Case) -> DomainError | None:
    step = c.open_step
    return _no_open_step() if step is None else handling.holder_refusal(user, c.case, step)


def _complete_step(user, c: _Case) -> DomainError | None:
    refusal = _holding(user, c)
    if refusal is not None:
        return refusal
    step = c.open_step
    if step.kind == "decide":
        return Conflict(
            _("「%(name)s」是决定环节,请作出准予或不予许可的决定") % {"name": step.name},
            code="step.is_decision",
            field="step",
        )
    if step.kind == "deliver":
        return Conflict(
            _("「%(name)s」是送达环节,请登记送达方式") % {"name": step.name},
            code="step.is_delivery",
            field="step",
        )
    return None


def returnable_steps(case: Case, steps: list[CaseStep]) -> list[CaseStep]:
    """The steps the case may be sent back to: those before the open one that were worked — not the intake step
    (受理) done by the acceptance itself (a new application, or 补正 before acceptance, instead)."""
    current = open_step(steps)
    if current is None:
        return []
    return [
        s
        for s in steps
        if s.position < current.position
        and s.started_on is not None
        and not (s.kind == "accept" and s.completed_on == case.accepted_on)
    ]


def _return_step(user, c: _Case) -> DomainError | None:
    refusal = _holding(user, c)
    if refusal is None and not returnable_steps(c.case, c.steps):
        if any(s.kind == "accept" and s.position < c.open_step.position for s in c.steps):
            return ValidationFailed(
                _("受理环节已随受理完成,不能退回;如需补正请终止后重新申请"), field="to_position"
            )
        return ValidationFailed(_("只能退回到此前已办理过的环节"), field="to_position")
    return refusal


def _extension(user, c: _Case) -> DomainError | None:
    """第四十二条: asked by those who handle the case, or by whoever holds the open step; within the item's legal
    extension, before the legal due date, one request at a time."""
    case = c.case
    step = c.open_step
    if user is not None and step is not None and step.assignee_id == user.pk:
        refusal = _roles(user, INTAKE_ROLES, _("申请延期"))
    else:
        refusal = _roles(user, HANDLER_ROLES, _("申请延期"))
    if refusal is not None:
        return refusal
    if case.version.extension_days == 0:
        return ValidationFailed(
            _("本事项没有法定延长时限,不能延期"), code="extension.exceeds_legal", field="days"
        )
    if case.version.extension_days <= case.extension_days:
        return ValidationFailed(
            _("法定延长时限 %(days)s 个工作日已全部批准,不能再延期") % {"days": case.version.extension_days},
            code="extension.exceeds_legal",
            field="days",
        )
    if case.legal_due and clock.local_date(clock.now()) > case.legal_due:
        return Conflict(_("已超过法定办结期限,不能再申请延期"), code="extension.too_late", field="days")
    if case.extensions.filter(state=ExtensionRequest.State.PENDING).exists():
        return Conflict(_("已有一项延期申请待审批"), field="days")
    return None


def _decide(user, c: _Case) -> DomainError | None:
    return handling.decision_refusal(user, c.case, c.open_step)


def _deliver(user, c: _Case) -> DomainError | None:
    refusal = _roles(user, INTAKE_ROLES, _("送达")) or handling.unfinished_after_decision(
        c.case, action="deliver"
    )
    if refusal is None and c.open_step is not None:  # the item's own 送达 step: its holder delivers
        refusal = handling.holder_refusal(user, c.case, c.open_step)
    if refusal is None and (
        gate := extensions.delivery_refusal(c.case)
    ):  # 统一收费: the result waits for payment
        refusal = Conflict(gate, code="fee.unpaid", field="method")
    return refusal


def _complete(user, c: _Case) -> DomainError | None:
    return (
        _roles(user, INTAKE_ROLES, _("办结"))
        or workflow.completion_refusal(c.case.status, c.case.decision)
        or handling.unfinished_after_decision(c.case, action="complete")
    )


def _charge_fee(user, c: _Case) -> DomainError | None:
    """第五十八条、第五十九条: the implementing organisation's staff type the fees the item lists; fees from the fee
    catalogue go by a payment notice (统一收费)."""
    refusal = _roles(user, INTAKE_ROLES, _("登记收费"))
    if (
        refusal is None
        and user is not None
        and not access.acts_for(access.staff_of(user), c.case.organisation)
    ):
        refusal = AccessDenied(_("只有实施机构的工作人员可以登记收费"))
    if refusal is not None:
        return refusal
    codes = [f.code for f in c.case.version.fees.all()]
    if not codes:
        return ValidationFailed(_("本事项不收费,不能登记收费"), code="fee.not_charged", field="fees")
    if any(codes):
        return Conflict(_("本事项的收费按收费目录开具缴款通知书,由收费窗口统一征收"), code="fee.by_notice")
    return None


def _correct_fee(user, c: _Case) -> DomainError | None:
    """更正收费: who types the fees (登记收费) corrects a fee typed on the case; a notice's fee is corrected on it."""
    from zhengwu.cases.selectors import typed_charges

    if refusal := _charge_fee(user, c):
        return refusal
    events = c.case.events.filter(action="charge_fee").order_by("seq").values("action", "at", "data")
    if not typed_charges(events):
        return Conflict(_("本办件尚未登记收费,无需更正"), code="fee.nothing_charged", field="fees")
    return None


RULES: dict[str, Callable[..., DomainError | None]] = {
    "accept": _owned_intake(_("受理")),
    "supplement": _owned_intake(_("一次性告知补正")),
    "refuse": _owned_intake(_("不予受理")),
    "supply": _owned_intake(_("登记补齐材料")),
    "upload": _intake(_("上传材料")),
    "instant": _instant,
    "claim": _claim,
    "assign": _assign,
    "complete_step": _complete_step,
    "return_step": _return_step,
    "suspend": _handlers(_("中止(特别程序)")),
    "resume": _handlers(_("恢复办理")),
    "extension": _extension,
    "decide_extension": lambda user, c: _roles(user, HEAD_ROLES, _("审批延期")),
    "decide": _decide,
    "deliver": _deliver,
    "complete": _complete,
    "terminate": _handlers(_("终止办理")),
    "withdraw": _intake(_("登记撤回")),
    "attach": _intake(_("上传附件")),
    "charge_fee": _charge_fee,
    "correct_fee": _correct_fee,
}


_ROLE_ONLY = frozenset(
    ("accept", "supplement", "refuse", "supply", "upload", "suspend", "resume", "terminate", "withdraw", "attach",
     "decide_extension")
)  # fmt: skip


def _refusal(user, c: _Case, action: str) -> DomainError | None:
    # the role first (as the services always answered), the status next, then what the step says
    if action in _ROLE_ONLY and (found := RULES[action](user, c)) is not None:
        return found
    try:
        workflow.next_status(c.case.status, WORKFLOW_ACTION[action])
    except Conflict as err:
        return err
    return RULES[action](user, c)


def refusal(user, case: Case, action: str, *, steps: list[CaseStep] | None = None) -> DomainError | None:
    """Why the user may not take `action` (a key of RULES) on the case now, or None. `steps`: the case's steps, when
    the caller has read them (the steps a service read with the locked case are used too)."""
    return _refusal(user, _Case(case, steps), action)


def require(user, case: Case, action: str, *, steps: list[CaseStep] | None = None) -> None:
    """Raise the refusal, if any: what every service calls with the case it locked."""
    found = refusal(user, case, action, steps=steps)
    if found is not None:
        raise found


def refusals(user, case: Case, *, steps: list[CaseStep] | None = None) -> dict[str, DomainError | None]:
    """Each action of the case page → why the user may not take it now (None: they may), every rule asked once.
    The case page reads its buttons and the reasons it shows beside them (送达 waiting for the fees, the decision
    waiting for a joint prerequisite) from this one answer. `steps`: the case's steps in order, when read already."""
    if steps is None:
        steps = list(case.steps.select_related("assignee").order_by("position"))
    c = _Case(case, steps)
    return {action: _refusal(user, c, action) for action in RULES}


def allowed_actions(user, case: Case, *, steps: list[CaseStep] | None = None) -> dict[str, bool]:
    """Each action of the case page → may the user take it now. `steps`: the case's steps in order, when the
    caller has read them already."""
    return {action: found is None for action, found in refusals(user, case, steps=steps).items()}
