"""The two state machines of disclosure: a publication's review chain and a request's handling.

Each is ONE table of allowed transitions, (state, action) -> next state. Services look every change up here,
write it as an immutable event, and `replay` rebuilds the state from the events (a test proves both agree).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengwu.core.errors import Conflict

# Publication states.
DRAFT = "draft"
FIRST_REVIEW = "first_review"
CONFIDENTIALITY_REVIEW = "confidentiality_review"
LEADER_APPROVAL = "leader_approval"
SECOND_LEADER_APPROVAL = "second_leader_approval"
APPROVED = "approved"
PUBLISHED = "published"
WITHDRAWN = "withdrawn"

PUBLICATION_STATES = {
    DRAFT: gettext_lazy("草稿"),
    FIRST_REVIEW: gettext_lazy("待初审"),
    CONFIDENTIALITY_REVIEW: gettext_lazy("待保密审查"),
    LEADER_APPROVAL: gettext_lazy("待领导审批"),
    SECOND_LEADER_APPROVAL: gettext_lazy("待第二位领导审批"),
    APPROVED: gettext_lazy("已审批待发布"),
    PUBLISHED: gettext_lazy("已发布"),
    WITHDRAWN: gettext_lazy("已撤回"),
}

# (state, action) -> next. "approve" from leader approval forks on `important`, handled by approve_target.
PUBLICATION_TRANSITIONS: dict[tuple[str, str], str] = {
    (DRAFT, "edit"): DRAFT,
    (DRAFT, "submit"): FIRST_REVIEW,
    (FIRST_REVIEW, "approve"): CONFIDENTIALITY_REVIEW,
    (FIRST_REVIEW, "reject"): DRAFT,
    (CONFIDENTIALITY_REVIEW, "approve"): LEADER_APPROVAL,
    (CONFIDENTIALITY_REVIEW, "reject"): DRAFT,
    (LEADER_APPROVAL, "approve"): APPROVED,
    (LEADER_APPROVAL, "approve_important"): SECOND_LEADER_APPROVAL,
    (LEADER_APPROVAL, "reject"): DRAFT,
    (SECOND_LEADER_APPROVAL, "approve"): APPROVED,
    (SECOND_LEADER_APPROVAL, "reject"): DRAFT,
    (APPROVED, "publish"): PUBLISHED,
    (PUBLISHED, "withdraw"): WITHDRAWN,
    # Only `zhengwu disclosure import`: a record of something reviewed and published before this system.
    (DRAFT, "import"): PUBLISHED,
    (PUBLISHED, "repeal"): PUBLISHED,
    (PUBLISHED, "amend"): PUBLISHED,
}

# The review role each step needs (core.models.Role values): separate duties — 初审 the open-government office's
# officers (政务公开人员), 保密审查 the confidentiality reviewers (保密审查人员; 《政府信息公开条例》第十七条: 公开前依照保密
# 法律法规进行审查), the leader steps a department head.
REVIEW_ROLE = {
    FIRST_REVIEW: "disclosure_officer",
    CONFIDENTIALITY_REVIEW: "confidentiality_reviewer",
    LEADER_APPROVAL: "department_head",
    SECOND_LEADER_APPROVAL: "department_head",
}

# Request states.
PROCESSING = "processing"
AWAITING_SUPPLEMENT = "awaiting_supplement"
CONSULTING = "consulting"
AWAITING_FEE = "awaiting_fee"
REPLIED = "replied"
ABANDONED = "abandoned"
WITHDRAWN_REQUEST = "withdrawn"
ARCHIVED = "archived"

REQUEST_STATES = {
    PROCESSING: gettext_lazy("办理中"),
    AWAITING_SUPPLEMENT: gettext_lazy("待补正"),
    CONSULTING: gettext_lazy("征求第三方意见"),
    AWAITING_FEE: gettext_lazy("待缴费"),
    REPLIED: gettext_lazy("已答复"),
    ABANDONED: gettext_lazy("视为放弃"),
    WITHDRAWN_REQUEST: gettext_lazy("已撤回"),
    ARCHIVED: gettext_lazy("已归档"),
}
OPEN_REQUEST_STATES = (PROCESSING, AWAITING_SUPPLEMENT, CONSULTING, AWAITING_FEE)
CONCLUDED_REQUEST_STATES = (REPLIED, ABANDONED, WITHDRAWN_REQUEST, ARCHIVED)

REQUEST_TRANSITIONS: dict[tuple[str, str], str] = {
    (None, "receive"): PROCESSING,
    (None, "import"): ARCHIVED,  # only `zhengwu disclosure import`: a request handled before this system
    (PROCESSING, "request_supplement"): AWAITING_SUPPLEMENT,
    (AWAITING_SUPPLEMENT, "receive_supplement"): PROCESSING,
    (AWAITING_SUPPLEMENT, "abandon_no_supplement"): ABANDONED,
    (PROCESSING, "consult_third_party"): CONSULTING,
    (CONSULTING, "third_party_answered"): PROCESSING,
    (PROCESSING, "notify_fee"): AWAITING_FEE,
    (AWAITING_FEE, "receive_payment"): PROCESSING,
    (AWAITING_FEE, "abandon_unpaid"): ABANDONED,
    # 第三十三条第一款: the officer asks to extend while handling; the head decides (同意 = "extend") while it is open
    (PROCESSING, "ask_extension"): PROCESSING,
    **{(state, "extend"): state for state in OPEN_REQUEST_STATES},
    **{(state, "refuse_extension"): state for state in OPEN_REQUEST_STATES},
    (PROCESSING, "reply"): REPLIED,
    (PROCESSING, "withdraw"): WITHDRAWN_REQUEST,
    (AWAITING_SUPPLEMENT, "withdraw"): WITHDRAWN_REQUEST,
    (CONSULTING, "withdraw"): WITHDRAWN_REQUEST,
    (AWAITING_FEE, "withdraw"): WITHDRAWN_REQUEST,
    (REPLIED, "archive"): ARCHIVED,
    (ABANDONED, "archive"): ARCHIVED,
    (WITHDRAWN_REQUEST, "archive"): ARCHIVED,
}

ACTION_LABELS = {
    "edit": gettext_lazy("修改"),
    "submit": gettext_lazy("提交审核"),
    "approve": gettext_lazy("同意"),
    "approve_important": gettext_lazy("同意(重要文件,提交第二位领导)"),
    "reject": gettext_lazy("退回"),
    "publish": gettext_lazy("发布"),
    "withdraw": gettext_lazy("撤回"),
    "repeal": gettext_lazy("废止"),
    "amend": gettext_lazy("修订"),
    "receive": gettext_lazy("收到申请"),
    "request_supplement": gettext_lazy("告知补正"),
    "receive_supplement": gettext_lazy("收到补正"),
    "abandon_no_supplement": gettext_lazy("逾期未补正,视为放弃"),
    "consult_third_party": gettext_lazy("征求第三方意见"),
    "third_party_answered": gettext_lazy("第三方意见已收回"),
    "notify_fee": gettext_lazy("发出收费通知"),
    "receive_payment": gettext_lazy("收到缴费"),
    "abandon_unpaid": gettext_lazy("逾期未缴费,视为放弃"),
    "ask_extension": gettext_lazy("申请延长答复期限"),
    "extend": gettext_lazy("延长答复期限"),
    "refuse_extension": gettext_lazy("不同意延长答复期限"),
    "reply": gettext_lazy("答复"),
    "archive": gettext_lazy("归档"),
    "import": gettext_lazy("导入历史记录"),
}


def action_label(action: str) -> str:
    """The Chinese name of a review or request action (as the ledger and the request's history show it)."""
    return str(ACTION_LABELS.get(action, action))


def publication_state_label(state: str) -> str:
    return str(PUBLICATION_STATES.get(state, state))


def request_state_label(state: str) -> str:
    return str(REQUEST_STATES.get(state, state))


def next_state(table: dict, state: str | None, action: str, *, states: dict) -> str:
    """The state after `action`, or Conflict naming what is not allowed."""
    try:
        return table[(state, action)]
    except KeyError:
        raise Conflict(
            _("当前状态「%(state)s」不能执行「%(action)s」")
            % {"state": states.get(state, state), "action": action_label(action)},
            code="transition_not_allowed",
            field="status",
        ) from None


def publication_next(state: str, action: str) -> str:
    return next_state(PUBLICATION_TRANSITIONS, state, action, states=PUBLICATION_STATES)


def request_next(state: str | None, action: str) -> str:
    return next_state(REQUEST_TRANSITIONS, state, action, states=REQUEST_STATES)


def replay(table: dict, events: Iterable[tuple[str | None, str, str]], initial: str | None) -> str | None:
    """Rebuild the state from (from_state, action, to_state) events, checking each against the table."""
    state = initial
    for before, action, after in events:
        if before != state or table.get((state, action)) != after:
            raise Conflict(
                _("事件序列不一致:%(state)s --%(action)s--> %(after)s")
                % {"state": state, "action": action, "after": after},
                code="events_inconsistent",
            )
        state = after
    return state
