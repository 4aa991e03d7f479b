"""The ticket state machine: one table of allowed transitions. Every transition writes an immutable event."""

from django.utils.translation import gettext as _

from zhengwu.core.errors import Conflict
from zhengwu.tickets.models import Status

S = Status
_OPEN_NOT_MERGED = (S.NEW, S.DISPATCHED, S.RETURNED, S.ACKNOWLEDGED, S.REPLIED, S.REOPENED)
SAME = None  # the action leaves the status as it is

# action: (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "file": ((), S.NEW),
    "close_directly": ((S.NEW,), S.CLOSED),
    "dispatch": ((S.NEW, S.RETURNED), S.DISPATCHED),
    "acknowledge": ((S.DISPATCHED,), S.ACKNOWLEDGED),
    "deem_acknowledged": ((S.DISPATCHED,), S.ACKNOWLEDGED),
    "co_acknowledge": ((S.DISPATCHED, S.ACKNOWLEDGED, S.REOPENED), SAME),
    "return": ((S.DISPATCHED,), S.RETURNED),
    "request_extension": ((S.ACKNOWLEDGED, S.REOPENED), SAME),
    "decide_extension": ((S.ACKNOWLEDGED, S.REOPENED, S.DISPATCHED), SAME),
    "reply": ((S.ACKNOWLEDGED, S.REOPENED), S.REPLIED),
    "follow_up_solved": ((S.REPLIED,), S.CLOSED),
    "follow_up_unsolved": ((S.REPLIED,), S.REOPENED),
    "close_unreached": ((S.REPLIED,), S.CLOSED),
    "merge": ((S.NEW, S.DISPATCHED, S.RETURNED), S.MERGED),
    "close_with_primary": ((S.MERGED,), S.CLOSED),
    "supervise": (_OPEN_NOT_MERGED, SAME),
    "publish": ((S.CLOSED,), SAME),
    # 受理回复: "已收到,正在办理" — the first answer of a 政民互动 message before the real reply.
    "interim_reply": ((S.NEW, S.DISPATCHED, S.RETURNED, S.ACKNOWLEDGED, S.REOPENED), SAME),
    "first_answer_warning": (_OPEN_NOT_MERGED, SAME),
    # 来电催办: the caller rings again about a ticket an organisation holds and has not answered — dispatched, being
    # handled (an extension pending included) or handled again. Not before dispatch (new, returned: the desk holds it
    # and dispatches it), not once answered (replied: the call-back records whether it was solved), not closed or
    # merged (the primary is urged). It changes neither the status nor any limit.
    "urge": ((S.DISPATCHED, S.ACKNOWLEDGED, S.REOPENED), SAME),
}


def next_status(current: str | None, action: str) -> str:
    """The status after `action`, or Conflict if the action is not allowed from `current`."""
    try:
        sources, target = TRANSITIONS[action]
    except KeyError:
        raise Conflict(_("未知操作「%(action)s」") % {"action": action}, code="unknown_action") from None
    if action == "file":
        if current is not None:
            raise Conflict(_("工单已登记"), code="invalid_transition")
        return target
    if current not in sources:
        label = Status(current).label if current in Status.values else current
        raise Conflict(
            _("工单当前状态为「%(label)s」,不能执行该操作") % {"label": label}, code="invalid_transition"
        )
    return current if target is SAME else target


def replay(actions: list[str]) -> str | None:
    """Rebuild the status from the sequence of actions recorded in the events, checking each against the table."""
    status = None
    for action in actions:
        status = next_status(status, action)
    return status
