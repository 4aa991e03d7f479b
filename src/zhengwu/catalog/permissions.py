"""What may be done to a catalogue item, said once (issue 15): the workbench's item page shows 提交审核, the review's
发布 and 退回, and 取消/下放/收回 where `refusal` allows them, and the services refuse with the same rules
(tests/catalog/test_allowed_actions_match_services.py).

- An item's editors (an approver, department head or centre manager of its organisation; a centre manager for an
  item of no organisation, a basic item) draft, revise and submit it (services.require_editor);
- its reviewer (a centre manager whose scope holds the item's organisation: their region) returns or publishes a
  submitted version — not their own submission unless ZHENGWU_CATALOG_SELF_PUBLISH allows it — and cancels an item
  or records its delegation or taking back (services.require_reviewer).
"""

from __future__ import annotations

from zhengwu.catalog import selectors, services
from zhengwu.catalog.models import ItemVersion, ServiceItem
from zhengwu.core.errors import DomainError

ACTIONS = ("edit", "submit", "publish", "return", "cancel", "transfer")


def _who(user, item: ServiceItem, action: str) -> DomainError | None:
    try:
        if action in ("edit", "submit"):
            services.require_editor(user, item.organisation)
        else:
            services.require_reviewer(user, item.organisation)
    except DomainError as refused:
        return refused
    return None


def refusal(user, item: ServiceItem, action: str, draft: ItemVersion | None = None) -> DomainError | None:
    """Why the user may not take `action` on the item now, or None; `draft`: its open (draft or submitted)
    version, if any."""
    if action not in ACTIONS:
        raise ValueError(f"unknown catalogue action {action}")
    if refused := _who(user, item, action):
        return refused
    if action == "cancel":
        return services.in_force_refusal(item)
    if action == "transfer":
        return services.transfer_refusal(item)
    if action == "edit" and item.status == ServiceItem.Status.CANCELLED:
        return services.cancelled_refusal(item)
    if refused := services.draft_refusal(action, draft):
        return refused
    return selectors.self_publish_refusal(user, draft) if action == "publish" else None


def allowed_actions(user, item: ServiceItem, draft: ItemVersion | None = None) -> dict[str, bool]:
    return {action: refusal(user, item, action, draft) is None for action in ACTIONS}
