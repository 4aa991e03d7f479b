"""The case state machine: one table of allowed transitions. Every transition writes an immutable event."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengwu.cases.models import Decision, Delivery, Status
from zhengwu.core.errors import Conflict
from zhengwu.core.inputs import is_whole

S = Status
SAME = None  # the action leaves the status as it is
_BEFORE_DECISION = (S.RECEIVED, S.SUPPLEMENT_REQUESTED, S.ACCEPTED, S.SUSPENDED)
# a case nobody has decided nor ended yet (a draft, or any status before 作出决定): what others read it as
UNDECIDED_STATUSES = (S.DRAFT, *_BEFORE_DECISION)

# action: (statuses it may start from, status it leads to). "" is a case not yet saved.
TRANSITIONS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "save_draft": (("", S.DRAFT), S.DRAFT),
    "submit": (("", S.DRAFT), S.RECEIVED),
    "upload_material": ((S.DRAFT, S.RECEIVED, S.SUPPLEMENT_REQUESTED), SAME),
    "request_supplement": ((S.RECEIVED,), S.SUPPLEMENT_REQUESTED),
    "supply_supplement": ((S.SUPPLEMENT_REQUESTED,), S.RECEIVED),
    "accept": ((S.RECEIVED,), S.ACCEPTED),
    "deem_accept": ((S.RECEIVED,), S.ACCEPTED),
    "refuse": ((S.RECEIVED,), S.REFUSED),
    # Steps are worked while the case is handled and, once decided, the steps that follow the decision (制证, 送达).
    "claim_step": ((S.ACCEPTED, S.DECIDED), SAME),
    "assign_step": ((S.ACCEPTED, S.SUSPENDED, S.DECIDED), SAME),
    "complete_step": ((S.ACCEPTED, S.DECIDED), SAME),
    "return_step": ((S.ACCEPTED,), SAME),
    "attach": ((S.ACCEPTED, S.SUSPENDED, S.DECIDED), SAME),
    # 收费: while the case is handled and once decided, before the result is delivered (领证时缴费); never before
    # acceptance (行政许可法 第五十八条), while suspended, or after delivery.
    "charge_fee": ((S.ACCEPTED, S.DECIDED), SAME),
    # a joint member that confirmed its materials: its intake restarts when the joint 补正 is supplied
    "restart_intake": ((S.RECEIVED,), SAME),
    # a joint member accepted while waiting on a prerequisite member's result: its limits start with that result
    "start_clock": ((S.ACCEPTED, S.SUSPENDED), SAME),
    "suspend": ((S.ACCEPTED,), S.SUSPENDED),
    "resume": ((S.SUSPENDED,), S.ACCEPTED),
    "request_extension": ((S.ACCEPTED,), SAME),
    "approve_extension": ((S.ACCEPTED, S.SUSPENDED), SAME),
    "reject_extension": ((S.ACCEPTED, S.SUSPENDED), SAME),
    "withdraw": (_BEFORE_DECISION, S.WITHDRAWN),
    "terminate": (_BEFORE_DECISION, S.TERMINATED),
    "decide": ((S.ACCEPTED,), S.DECIDED),
    "deliver": ((S.DECIDED,), S.DELIVERED),
    "complete": ((S.DECIDED, S.DELIVERED), S.COMPLETED),  # a refusal only once served: completion_refusal
    # a notice whose messages reached nobody, served on paper (cases.written): whenever that happens, even once closed
    "serve_notice": (
        (
            S.RECEIVED,
            S.SUPPLEMENT_REQUESTED,
            S.ACCEPTED,
            S.SUSPENDED,
            S.DECIDED,
            S.DELIVERED,
            S.COMPLETED,
            S.REFUSED,
            S.WITHDRAWN,
            S.TERMINATED,
        ),
        SAME,
    ),  # fmt: skip
}

# What each action is called wherever a person reads it (history, alerts, messages); never the code.
ACTION_LABELS = {
    "save_draft": gettext_lazy("保存草稿"),
    "submit": gettext_lazy("提交申请(收件)"),
    "upload_material": gettext_lazy("上传材料"),
    "request_supplement": gettext_lazy("一次性告知补正"),
    "supply_supplement": gettext_lazy("补齐材料"),
    "accept": gettext_lazy("受理"),
    "deem_accept": gettext_lazy("逾期视为受理"),
    "refuse": gettext_lazy("不予受理"),
    "claim_step": gettext_lazy("认领环节"),
    "assign_step": gettext_lazy("分派环节"),
    "complete_step": gettext_lazy("完成环节"),
    "return_step": gettext_lazy("退回环节"),
    "attach": gettext_lazy("上传附件"),
    "charge_fee": gettext_lazy("登记收费"),
    "start_clock": gettext_lazy("开始计算办理期限"),
    "restart_intake": gettext_lazy("重新起算受理期限"),
    "suspend": gettext_lazy("中止(特别程序)"),
    "resume": gettext_lazy("恢复办理"),
    "request_extension": gettext_lazy("申请延期"),
    "approve_extension": gettext_lazy("批准延期"),
    "reject_extension": gettext_lazy("不批准延期"),
    "withdraw": gettext_lazy("撤回申请"),
    "terminate": gettext_lazy("终止办理"),
    "decide": gettext_lazy("作出决定"),
    "deliver": gettext_lazy("送达"),
    "complete": gettext_lazy("办结"),
    "serve_notice": gettext_lazy("书面送达文书"),
}


def action_label(action: str) -> str:
    """The Chinese name of an action code (the code itself only for an action this table does not know)."""
    return str(ACTION_LABELS.get(action, action))


def event_label(action: str, data: dict, step_names: dict[int, str]) -> str:
    """A history line's label that says what was done: the step finished (完成「审查」环节), returned to or taken,
    the decision and how the result was delivered; `step_names` maps step positions to names."""

    def step(key: str) -> str:
        value = data.get(key)
        return step_names.get(int(value), "") if is_whole(value or "") else ""

    if action == "complete_step" and step("position"):
        return _("完成「%(step)s」环节") % {"step": step("position")}
    if action == "claim_step" and step("position"):
        return _("认领「%(step)s」环节") % {"step": step("position")}
    if action == "assign_step" and step("position"):
        return _("分派「%(step)s」环节") % {"step": step("position")}
    if action == "return_step" and step("to"):
        return _("退回至「%(step)s」环节") % {"step": step("to")}
    if action == "decide" and data.get("decision") in Decision.values:
        return _("作出决定(%(decision)s)") % {"decision": Decision(data["decision"]).label}
    if action == "upload_material" and data.get(
        "name"
    ):  # four bare 上传材料 lines did not say which material
        return _("上传材料「%(name)s」") % {"name": data["name"]}
    if action == "deliver" and data.get("method") in Delivery.values:
        return _("送达(%(method)s)") % {"method": Delivery(data["method"]).label}
    return action_label(action)


def completion_refusal(current: str, decision: str) -> Conflict | None:
    """Why a decided case may not be completed yet: a refusal not served on the applicant. None: it may."""
    # 行政许可法 第三十八条第二款、第四十条: 不予许可 is a written decision with its reasons and remedies, served (送达) before 办结.
    if current == S.DECIDED and decision == Decision.DENY:
        return Conflict(
            _("不予许可决定书须先送达申请人,送达后才能办结"), code="denial.undelivered", field="status"
        )
    return None


def allowed(current: str, action: str) -> bool:
    """May `action` be taken from status `current`?"""
    sources = TRANSITIONS.get(action, ((), None))[0]
    return (current or "") in sources


def next_status(current: str, action: str) -> str:
    """The status after `action`, or Conflict saying why it is not allowed from `current`."""
    try:
        sources, target = TRANSITIONS[action]
    except KeyError:
        raise Conflict(_("未知操作「%(action)s」") % {"action": action}, code="unknown_action") from None
    current = current or ""
    if current not in sources:
        label = Status(current).label if current in Status.values else _("未提交")
        verb = action_label(action)
        raise Conflict(
            _("办件当前状态为「%(label)s」,不能%(verb)s") % {"label": label, "verb": verb},
            code="invalid_transition",
            field="status",
        )
    return current if target is SAME else target


def actions_from(current: str) -> list[str]:
    """Every action the table allows from `current` (for pages that offer only what can be done)."""
    return [action for action in TRANSITIONS if allowed(current, action)]


def replay(actions: list[str]) -> str:
    """Rebuild the status from the sequence of actions recorded in the events, checking each against the table."""
    status = ""
    for action in actions:
        status = next_status(status, action)
    return status
