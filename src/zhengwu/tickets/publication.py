"""What of a ticket the public may read, and when: one rule for the portal's public replies, its API and Open311.

A ticket is published when its kind may be public, its filer agreed, and its reply was reviewed and published by the
organisation (`services.publish_reply`, which stores the masked, reviewed texts in `published_content` and
`published_reply`). The public reads only those two texts, never the description or the reply as written.
"""

from django.db.models import Q
from django.utils.translation import gettext as _

from zhengwu.core.errors import Conflict
from zhengwu.tickets.models import Kind, Status, Ticket

# 举报 is never published, whatever its flags: 刑事诉讼法 第一百一十一条 and 信访工作条例 keep a report and the one who
# made it confidential, and even masked, the facts of a report point to the reporter and to the person reported.
NEVER_PUBLIC_KINDS = frozenset({Kind.REPORT})


def refusal(ticket: Ticket) -> Conflict | None:
    """Why the ticket may not be published now, or None when the organisation may review and publish it."""
    if ticket.kind in NEVER_PUBLIC_KINDS:
        return Conflict(_("举报件一律不公开"), code="publication_not_allowed")
    # 个人信息保护法 第二十五条: personal information is not made public without the person's separate consent.
    if not ticket.public_allowed:
        return Conflict(_("诉求人未同意公开,不能公开"), code="publication_not_allowed")
    if ticket.status != Status.CLOSED:
        return Conflict(_("工单办结后才能公开答复"), code="invalid_transition")
    if ticket.published_at:
        return Conflict(_("该工单已公开"), code="already_published")
    return None


def is_published(ticket: Ticket) -> bool:
    """Whether the public may read the ticket (the same rule as `PUBLISHED`, for one ticket in hand)."""
    return ticket.kind not in NEVER_PUBLIC_KINDS and ticket.public_allowed and ticket.published_at is not None


# The tickets the public may read, as a filter (selectors.published_tickets): the same rule as `is_published`.
PUBLISHED = Q(public_allowed=True, published_at__isnull=False) & ~Q(kind__in=NEVER_PUBLIC_KINDS)
