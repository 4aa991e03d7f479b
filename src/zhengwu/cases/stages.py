"""The six stages people follow a case through — 收件 → 受理 → 审查 → 决定 → 送达 → 办结 — and what the applicant does
next.

PURE: derived from the case's status and its steps (the copies `history.derive` stores), never stored. The item's
own steps (受理, 审查, 现场核查, 决定, 制证 …) sit inside these stages: the steps before the one at which the decision is
made are 审查, that step is 决定, and what follows the decision (制证, delivery) is 送达 until the result is delivered;
办结 is the case finished. A decided case is not shown finished: its applicant waits for the result (issue 13).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

RECEIVE, ACCEPT, REVIEW, DECIDE, DELIVER, COMPLETE = (
    "receive",
    "accept",
    "review",
    "decide",
    "deliver",
    "complete",
)
STAGES = (
    (RECEIVE, _("收件")),
    (ACCEPT, _("受理")),
    (REVIEW, _("审查")),
    (DECIDE, _("决定")),
    (DELIVER, _("送达")),
    (COMPLETE, _("办结")),
)
DONE, CURRENT, PENDING, STOPPED, SKIPPED = "done", "current", "pending", "stopped", "skipped"

# Who makes the decision, in the order the item's steps are searched for it: a department head's step where the
# item lists one, else an approver's.
DECISION_ROLES = ("department_head", "approver")


@dataclass(frozen=True)
class StepView:
    position: int
    name: str
    role: str
    state: str  # pending | open | done (| skipped)
    kind: str = ""  # what the step is for, where the item says it (decide: the decision is made there)


@dataclass(frozen=True)
class Stage:
    key: str
    label: str
    state: str  # done | current | pending | stopped | skipped


@dataclass(frozen=True)
class Progress:
    stages: list[Stage]
    current: str  # the key of the stage the case is in, "" when finished or not submitted
    stopped_at: str  # the stage where a refused, withdrawn or terminated case ended, else ""
    step: StepView | None  # the item's step open now
    next_action: str  # a key of NEXT_ACTIONS


def decision_step(steps: Sequence[StepView]) -> StepView | None:
    """The step at which the decision is made: the one the item names as its decision step (kind decide), else the
    last one held by a department head, else by an approver, else the last step (an item handled by the window)."""
    named = [s for s in steps if s.kind == "decide"]
    if named:
        return named[0]
    for role in DECISION_ROLES:
        held = [s for s in steps if s.role == role]
        if held:
            return max(held, key=lambda s: s.position)
    return max(steps, key=lambda s: s.position) if steps else None


def _handling_stage(steps: Sequence[StepView]) -> str:
    """审查 or 决定 for an accepted case not yet decided: 决定 once the decision step (or a later one) is open or done."""
    deciding = decision_step(steps)
    if deciding is None:
        return REVIEW
    reached = [s for s in steps if s.state in ("open", "done") and s.position >= deciding.position]
    return DECIDE if reached else REVIEW


def _stage_of(status: str, accepted: bool, steps: Sequence[StepView]) -> str:
    """Where the case is (or was, when it ended early)."""
    if status in ("received", "supplement_requested", "refused") or not accepted:
        return ACCEPT
    if status == "decided":  # decided, the result not yet delivered (制证, then 送达)
        return DELIVER
    if status in ("delivered", "completed"):
        return COMPLETE
    return _handling_stage(steps)


def progress(
    *,
    status: str,
    accepted: bool,
    decision: str,
    steps: Sequence[StepView],
    delivery: str = "",
    dispatch: str = "",
    materials_missing: bool = False,
) -> Progress:
    """The stages with their states, the stage the case is in, the open step and what the applicant does next
    (`delivery`: the way the applicant chose to receive the result; `dispatch`: where the result sent by post or
    carried home stands — posted, delivered or returned, "" before it leaves; `materials_missing`: a required
    material is provided in no way, cases.handling.missing — acceptance waits for it)."""
    keys = [key for key, _label in STAGES]
    open_step = next((s for s in steps if s.state == "open"), None)
    if status in ("", "draft"):
        states = {key: PENDING for key in keys}
        current = stopped = ""
    elif status == "completed":
        states = {key: DONE for key in keys}
        current = stopped = ""
    elif status in ("refused", "withdrawn", "terminated"):
        stopped, current = _stage_of(status, accepted, steps), ""
        at = keys.index(stopped)
        states = {key: DONE if i < at else STOPPED if i == at else SKIPPED for i, key in enumerate(keys)}
    else:
        current, stopped = _stage_of(status, accepted, steps), ""
        at = keys.index(current)
        states = {key: DONE if i < at else CURRENT if i == at else PENDING for i, key in enumerate(keys)}
    return Progress(
        stages=[Stage(key, str(label), states[key]) for key, label in STAGES],
        current=current,
        stopped_at=stopped,
        step=open_step if status in ("accepted", "suspended", "decided", "delivered") else None,
        next_action=next_action(
            status=status,
            stage=current,
            decision=decision,
            delivery=delivery,
            dispatch=dispatch,
            making=bool(open_step and open_step.kind != "deliver" and status == "decided"),
            materials_missing=materials_missing,
        ),
    )


# What the applicant does next, in plain words (the page adds the links: the notice, the supplement form, rating).
NEXT_ACTIONS = {
    "submit": _("继续填写并提交申请。"),
    "wait_acceptance": _("无需操作。窗口将在受理决定期限前决定是否受理,结果会短信通知您。"),
    # received with a required material provided in no way: acceptance is refused until it is (行政许可法 第三十二条);
    # the page names the materials and how each is provided before it (handling.materials_next_text)
    "provide_materials": _("材料不齐全,窗口不能受理(行政许可法第三十二条)。"),
    # said the same on the applicant's page and the public lookup, where nothing can be uploaded: where it is done
    "supplement": _("请补正材料:按补正材料通知书一次性补齐,登录后在本办件页面上传并提交。"),
    "wait_review": _("无需操作。申请正在审查,有需要时工作人员会联系您。"),
    "wait_decision": _("无需操作。审查已完成,正在作出决定。"),
    "wait_resume": _("无需操作。办理已中止(特别程序),期间不计入办理时限;恢复办理后会通知您。"),
    "collect": _("领取结果:决定书可在本页「文书」中下载,纸质证照请到窗口领取(请带身份证件)。"),
    # a granted result waits for its fees (统一收费: delivered once paid); the page adds the notice's amount
    "pay": _(
        "请先缴费:缴款后才能领取或送达办理结果。可在本页「缴费」中网上缴款,或持缴款通知书到政务服务中心收费窗口缴款。"
    ),
    # decided, its delivery not yet recorded: the result is on its way, not delivered
    "collect_electronic": _(
        "无需操作。决定已作出,结果将电子送达;送达后短信通知您,决定书和电子证照可在本页「文书」中下载。"
    ),
    "wait_making": _("无需操作。正在制作证照,制成后按您选择的方式送达,届时短信通知您。"),
    "wait_post": _("无需操作。结果将邮寄到您填写的地址,寄出后短信告知邮件单号。"),
    "in_post": _("结果已邮寄寄出,请留意查收,邮件单号见「结果送达」;签收后即为送达。"),
    "wait_home": _("无需操作。工作人员将上门送达结果,请保持电话畅通。"),
    "on_the_way_home": _("工作人员正在上门送达结果,请保持电话畅通。"),
    "post_returned": _("邮件被退回。请核对送达地址(可在「结果送达」中修改),或联系办理窗口。"),
    "read_denial": _("请查看不予许可决定书了解理由。如不服,可依法申请行政复议或者提起行政诉讼。"),
    "wait_completion": _("结果已送达,等待办结。"),
    "rate": _("已办结。欢迎评价本次服务。"),
    "read_refusal": _("申请不予受理,理由见不予受理通知书。如需办理,请按通知书的说明重新申请。"),
    "withdrawn": _("申请已撤回。如需办理,请重新申请。"),
    "terminated": _("办理已终止。如有疑问,请联系办理单位。"),
}


def next_action(
    *,
    status: str,
    stage: str,
    decision: str,
    delivery: str = "",
    dispatch: str = "",
    making: bool = False,
    materials_missing: bool = False,
) -> str:
    """The key of what the applicant does next, from the status (and the stage an accepted case is in); a granted
    result follows the way the applicant chose to receive it and where it stands; a received application with a
    required material missing waits for the applicant, not for the window."""
    if status == "received" and materials_missing:
        return "provide_materials"
    if status == "accepted":
        return "wait_decision" if stage == DECIDE else "wait_review"
    if status == "decided":
        if decision == "deny":
            return "read_denial"
        if dispatch == "returned":
            return "post_returned"
        if dispatch == "posted":
            return "on_the_way_home" if delivery == "home" else "in_post"
        if making:
            return "wait_making"
        by_delivery = {"post": "wait_post", "home": "wait_home", "electronic": "collect_electronic"}
        return by_delivery.get(delivery, "collect")
    by_status = {
        "": "submit",
        "draft": "submit",
        "received": "wait_acceptance",
        "supplement_requested": "supplement",
        "suspended": "wait_resume",
        "delivered": "wait_completion",
        "completed": "rate",
        "refused": "read_refusal",
        "withdrawn": "withdrawn",
        "terminated": "terminated",
    }
    return by_status.get(status, "wait_review")
