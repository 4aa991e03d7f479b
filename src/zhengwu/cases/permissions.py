"""What a user may do on a case now (issue 15.2): `allowed_actions`, built from the workflow table
(workflow.actions_from: what the case's status allows), the roles the services require (services.INTAKE_ROLES …)
and the step rules of cases.handling and core.access (who takes, holds and decides a step). Interfaces show only
what it allows; the services refuse the rest with the same rules."""

from __future__ import annotations

from zhengwu.cases import handling, workflow
from zhengwu.cases.models import Case, CaseStep
from zhengwu.cases.services import HANDLER_ROLES, HEAD_ROLES, INTAKE_ROLES
from zhengwu.core import access
from zhengwu.core.models import Role


def _may(user, *roles) -> bool:
    return access.is_administrator(user) or access.has_role(user, *roles)


def open_step(steps) -> CaseStep | None:
    return next((s for s in steps if s.state == "open"), None)


def allowed_actions(user, case: Case, *, steps: list[CaseStep] | None = None) -> dict[str, bool]:
    """Each action of the case page → may the user take it now. `steps`: the case's steps in order, when the
    caller has read them already."""
    allowed = set(workflow.actions_from(case.status))
    if steps is None:
        steps = list(case.steps.select_related("assignee").order_by("position"))
    open_row = open_step(steps)
    step_refusal = handling.holder_refusal(user, case, open_row) if open_row is not None else None
    holds_step = open_row is not None and step_refusal is None
    delivery_open = open_row is not None and open_row.kind == "deliver"
    intake = _may(user, *INTAKE_ROLES)
    handlers = _may(user, *HANDLER_ROLES)
    return {
        "accept": "accept" in allowed and intake,
        "supplement": "request_supplement" in allowed and intake,
        "refuse": "refuse" in allowed and intake,
        "supply": "supply_supplement" in allowed and intake,
        "upload": "upload_material" in allowed and intake,
        "instant": case.version.instant
        and "accept" in allowed
        and intake
        and handling.decision_refusal(user, case, None) is None,
        "claim": "claim_step" in allowed
        and open_row is not None
        and handling.claim_refusal(user, case, open_row) is None
        and open_row.assignee_id != user.pk,
        "assign": "assign_step" in allowed
        and open_row is not None
        and access.takes_step(user, Role.DEPARTMENT_HEAD, case.organisation),
        "complete_step": "complete_step" in allowed
        and holds_step
        and open_row.kind not in ("decide", "deliver"),
        "return_step": "return_step" in allowed and holds_step and open_row.position > 1,
        "suspend": "suspend" in allowed and handlers,
        "resume": "resume" in allowed and handlers,
        "extension": "request_extension" in allowed
        and case.version.extension_days > case.extension_days
        and (handlers or holds_step),
        "decide": "decide" in allowed and handling.decision_refusal(user, case, open_row) is None,
        "deliver": "deliver" in allowed
        and intake
        and handling.unfinished_after_decision(case, action="deliver") is None
        and (not delivery_open or holds_step),
        "complete": "complete" in allowed
        and intake
        and handling.unfinished_after_decision(case, action="complete") is None,
        "terminate": "terminate" in allowed and handlers,
        "withdraw": "withdraw" in allowed and intake,
        "attach": "attach" in allowed and intake,
        "decide_extension": _may(user, *HEAD_ROLES),
        # fees typed at the case (收费) by its organisation's staff; catalogue fees go by a payment notice (fees)
        "charge_fee": "charge_fee" in allowed
        and intake
        and access.acts_for(access.staff_of(user), case.organisation)
        and _typed_fees_only(case),
    }


def _typed_fees_only(case: Case) -> bool:
    """The item lists fees, none of them from the fee catalogue."""
    codes = list(case.version.fees.values_list("code", flat=True))
    return bool(codes) and all(code == "" for code in codes)
