"""Who may book a hall slot for someone else, said once (issue 15): the workbench's 代为预约 page (and its tab) and
the service (services.book) and the API ask the same rule (tests/hall/test_allowed_actions_match_services.py).

代为预约 (a booking by phone, channel hotline, made by a person): the hotline operators and the centre managers
(PHONE_BOOKERS, or an administrator with a staff profile: access.may_act_as, as the hall's pages and the API let
them in). A slot is booked while it has not begun, has a place left and is not kept for another item — the rule
`services.open_slots` asks of the slots it lists.

A centre's hall settings — 预约时段规则 (rules), 办公时间 (hours), 等候超时提醒人 (recipients) — are kept by the
centre's managers (CENTRE_KEEPERS: a centre manager or an administrator, of a centre they see: access.visible_centres);
the settings pages and their tabs show them exactly to those, and services.change_rule, set_opening_hours,
remove_opening_hours and set_wait_recipients refuse everyone else.

送达 (hall.delivery): window clerks and centre managers (DELIVERERS) post (寄出) a case's result, and confirm (签收) or
mark returned (退回) what was posted, for a case they can reach (its organisation in their scope, or the window that
received it among their windows) — once the result exists (decided, every step after the decision done) and while
nothing is on its way. 签收 records the delivery on the case, so it also needs the case's own 送达 rule
(cases.permissions: the intake roles — not a centre manager — and the fees paid).

The hall's workbench is open to those who work it (HALL_WORKERS) and to the supervisors (电子监察, HALL_VIEWERS), who
watch the queue, the waits and the windows read-only: they call no number (hall.queue's terminal: the window's clerk
or the centre's manager), take none at the desk (DESK_STAFF), book none, deliver nothing and keep no settings.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from zhengwu.core import access, clock
from zhengwu.core.errors import AccessDenied, Conflict, DomainError, ValidationFailed
from zhengwu.core.models import Role

# the hall's workbench: those who work it, and the supervisors (电子监察) who watch it read-only
HALL_WORKERS = (Role.WINDOW_CLERK, Role.CENTRE_MANAGER, Role.HOTLINE_OPERATOR)
HALL_VIEWERS = (*HALL_WORKERS, Role.SUPERVISOR)
# 导服台取号 (a number taken for a walk-in, 绿色通道 recorded): the hall's workers, on the page and in the API
DESK_STAFF = HALL_WORKERS
PHONE_BOOKERS = (Role.HOTLINE_OPERATOR, Role.CENTRE_MANAGER)
CENTRE_KEEPERS = (Role.CENTRE_MANAGER, Role.ADMINISTRATOR)
ACTIONS = ("book",)
CENTRE_ACTIONS = ("rules", "hours", "recipients")
DELIVERERS = (Role.WINDOW_CLERK, Role.CENTRE_MANAGER)
DELIVERY_ACTIONS = ("post", "confirm", "returned")


def desk_refusal(user) -> AccessDenied | None:
    """导服台取号 (the workbench's desk and the API's source=desk): the hall's workers; a supervisor watches the queue
    and takes no number for anyone."""
    if user is None or not access.may_act_as(user, *DESK_STAFF):
        return AccessDenied(
            _("只有窗口工作人员、中心管理人员和热线话务员可以在导服台取号;监察人员只能查看大厅")
        )
    return None


def may_take_at_desk(user) -> bool:
    return desk_refusal(user) is None


def deliverer_refusal(user) -> AccessDenied | None:
    """The delivery page and its tab: window clerks and centre managers."""
    if user is None or not access.has_role(user, *DELIVERERS):
        return AccessDenied(_("只有窗口工作人员和中心管理人员可以登记送达"))
    return None


def may_deliver(user) -> bool:
    return deliverer_refusal(user) is None


def case_delivery_refusal(user, case) -> AccessDenied | None:
    """A deliverer who can reach the case: its organisation in their scope, or the window that received it."""
    in_reach = access.can_see_organisation(user, case.organisation) or (
        case.window_id is not None and access.visible_windows(user).filter(pk=case.window_id).exists()
    )
    if deliverer_refusal(user) or not in_reach:
        return AccessDenied(_("无权登记该办件的送达"))
    return None


def result_refusal(case) -> Conflict | None:
    """The result exists before it can leave: the case decided and every step after the decision (制证) done."""
    from zhengwu.cases.handling import unfinished_after_decision
    from zhengwu.cases.models import Status

    if case.status in (Status.DELIVERED, Status.COMPLETED):
        return Conflict(_("办件%(s)s,结果已送达,不能再寄出") % {"s": case.get_status_display()})
    if case.status != Status.DECIDED:
        return Conflict(_("办件%(s)s,尚未作出决定,没有可寄出的结果") % {"s": case.get_status_display()})
    refused = unfinished_after_decision(case, action="deliver")
    if refused is not None:
        return Conflict(_("结果尚未制成,不能寄出:%(m)s") % {"m": refused.message}, field="case")
    return None


def chosen_refusal(case) -> Conflict | None:
    from zhengwu.cases.models import Delivery

    if case.requested_delivery not in (Delivery.POST, Delivery.HOME):
        return Conflict(_("申请人未选择邮寄或上门送达"))
    return None


def on_its_way_refusal(case) -> Conflict | None:
    from zhengwu.hall.models import Dispatch

    if case.hall_dispatches.filter(state=Dispatch.State.POSTED).exists():
        return Conflict(_("该办件结果已寄出,等待签收或退回"))
    return None


def recording_refusal(user, case) -> DomainError | None:
    """签收 records the delivery on the case (cases.services.deliver_result): the case in the person's scope and
    cases.permissions' 送达 rule (the intake roles, the result made, the fees paid)."""
    from zhengwu.cases import permissions as case_permissions
    from zhengwu.cases.selectors import visible_cases

    if not visible_cases(user).filter(pk=case.pk).exists():
        return AccessDenied(_("该办件不在您的职责范围内"))
    return case_permissions.refusal(user, case, "deliver")


def dispatch_refusal(dispatch) -> Conflict | None:
    from zhengwu.hall.models import Dispatch

    if dispatch.state != Dispatch.State.POSTED:
        return Conflict(_("该寄递%(s)s") % {"s": dispatch.get_state_display()})
    return None


def _keeping_refused(action: str) -> AccessDenied:
    if action == "rules":
        return AccessDenied(_("只有本中心的中心管理人员可以修改预约时段规则"))
    if action == "hours":
        return AccessDenied(_("只有本中心的中心管理人员可以设置办公时间"))
    if action == "recipients":
        return AccessDenied(_("只有本中心的中心管理人员可以指定等候超时提醒人"))
    raise ValueError(f"unknown hall action {action}")


def keeps_halls(user) -> bool:
    """Does the user keep any centre's hall settings (the role part of centre_refusal)?"""
    return user is not None and access.has_role(user, *CENTRE_KEEPERS)


def centre_refusal(user, centre, action: str) -> AccessDenied | None:
    """预约时段规则, 办公时间, 等候超时提醒人 of `centre`: its managers (or an administrator) who see it."""
    if not keeps_halls(user) or not access.visible_centres(user).filter(pk=centre.pk).exists():
        return _keeping_refused(action)
    return None


def phone_booker_refusal(user) -> AccessDenied | None:
    """代为预约 by phone: a hotline operator or a centre manager (`user` None: the system — demo, imports)."""
    if user is not None and not access.may_act_as(user, *PHONE_BOOKERS):
        return AccessDenied(_("只有热线话务员和中心管理人员可以代为预约"))
    return None


def may_book_for_callers(user) -> bool:
    return user is not None and phone_booker_refusal(user) is None


def started_refusal(slot) -> Conflict | None:
    if slot.start <= clock.now():
        return Conflict(_("该时段已开始,不能再预约"), field="slot")
    return None


def full() -> Conflict:
    return Conflict(_("该时段已约满,请选择其他时段"), code="slot_full", field="slot")


def handling_refusal(group, item) -> ValidationFailed | None:
    """The slot's group handles the item (hall.items: the catalogue's item → window mapping)."""
    from zhengwu.hall import items

    if not items.handles(group, item):
        return ValidationFailed(
            _("「%(group)s」不办理「%(item)s」,请按事项选择窗口分组")
            % {"group": group.name, "item": items.label(item)},
            field="item",
        )
    return None


def slot_refusal(slot, item=None) -> DomainError | None:
    """Why nobody may book the slot (for the item) now, or None."""
    if item is not None and slot.item_id and slot.item_id != item.pk:
        return ValidationFailed(_("该时段只预约其他事项"), field="item")
    if item is not None and (refused := handling_refusal(slot.group, item)):
        return refused
    if refused := started_refusal(slot):
        return refused
    if slot.booked >= slot.capacity:
        return full()
    return None


def refusal(user, slot, action: str, item=None) -> DomainError | None:
    """Why the user may not take `action` on its object now, or None when they may: a slot (book), a centre (rules,
    hours, recipients), a case (post) or a dispatch (confirm, returned)."""
    if action in CENTRE_ACTIONS:
        return centre_refusal(user, slot, action)
    if action == "post":  # on a case
        return (
            case_delivery_refusal(user, slot)
            or chosen_refusal(slot)
            or result_refusal(slot)
            or on_its_way_refusal(slot)
        )
    if action == "confirm":  # on a dispatch
        return (
            case_delivery_refusal(user, slot.case)
            or dispatch_refusal(slot)
            or recording_refusal(user, slot.case)
        )
    if action == "returned":  # on a dispatch
        return case_delivery_refusal(user, slot.case) or dispatch_refusal(slot)
    if action != "book":
        raise ValueError(f"unknown hall action {action}")
    if user is None:
        return AccessDenied()
    return phone_booker_refusal(user) or slot_refusal(slot, item)


def allowed_actions(user, slot, item=None) -> dict[str, bool]:
    return {action: refusal(user, slot, action, item) is None for action in ACTIONS}
