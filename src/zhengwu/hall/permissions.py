"""Who may book a hall slot for someone else, said once (issue 15): the workbench's 代为预约 page (and its tab) and
the service (services.book) and the API ask the same rule (tests/hall/test_allowed_actions_match_services.py).

代为预约 (a booking by phone, channel hotline, made by a person): the hotline operators and the centre managers
(PHONE_BOOKERS, or an administrator with a staff profile: access.may_act_as, as the hall's pages and the API let
them in). A slot is booked while it has not begun, has a place left and is not kept for another item — the rule
`services.open_slots` asks of the slots it lists.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from zhengwu.core import access, clock
from zhengwu.core.errors import AccessDenied, Conflict, DomainError, ValidationFailed
from zhengwu.core.models import Role

PHONE_BOOKERS = (Role.HOTLINE_OPERATOR, Role.CENTRE_MANAGER)
ACTIONS = ("book",)


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
    """Why the user may not take `action` on the slot now, or None when they may."""
    if action != "book":
        raise ValueError(f"unknown hall action {action}")
    if user is None:
        return AccessDenied()
    return phone_booker_refusal(user) or slot_refusal(slot, item)


def allowed_actions(user, slot, item=None) -> dict[str, bool]:
    return {action: refusal(user, slot, action, item) is None for action in ACTIONS}
