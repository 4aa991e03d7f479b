"""Signed rating links: /rate/<token>/ names one case or ticket, so only whoever received the link can rate it.

cases puts `rating_url("case", case.pk)` in the completion message; tickets may do the same for a closed ticket.
The token is signed with the site's secret and this module's salt; it needs no table and does not expire (the
rating itself can be given once only).
"""

from django.conf import settings
from django.core import signing

from zhengwu.core.errors import NotFound

SALT = "zhengwu.evaluation.rating-link"
KINDS = ("case", "ticket")
CHANNELS = ("link", "portal", "tablet")


def make_token(kind: str, pk: int, *, channel: str = "link") -> str:
    """A URL-safe signed token for rating ("case", pk) or ("ticket", pk); `channel` says where it was given."""
    if kind not in KINDS:
        raise ValueError(f"unknown rating subject kind {kind!r}")
    if channel not in CHANNELS:
        raise ValueError(f"unknown rating channel {channel!r}")
    payload = [kind[0], int(pk)] + ([] if channel == "link" else [channel[0]])
    return signing.dumps(payload, salt=SALT, compress=True)


def read_token(token: str) -> tuple[str, int, str]:
    """(kind, pk, channel) from a token, or NotFound when it was altered or never issued here."""
    try:
        payload = signing.loads(str(token), salt=SALT)
        kind = {"c": "case", "t": "ticket"}[payload[0]]
        pk = int(payload[1])
        channel = {"p": "portal", "t": "tablet"}[payload[2]] if len(payload) > 2 else "link"
    except (signing.BadSignature, KeyError, IndexError, TypeError, ValueError):
        raise NotFound("评价链接无效或已被改动,请使用短信或邮件中的完整链接", field="token") from None
    return kind, pk, channel


def rating_path(kind: str, pk: int, *, channel: str = "link") -> str:
    """The site-relative rating page: /rate/<token>/."""
    return f"/rate/{make_token(kind, pk, channel=channel)}/"


def rating_url(kind: str, pk: int, *, base_url: str = "") -> str:
    """The public link for a notification: ZHENGWU_PUBLIC_URL (or base_url) + /rate/<token>/."""
    base = base_url or getattr(settings, "ZHENGWU_PUBLIC_URL", "")
    return f"{base.rstrip('/')}{rating_path(kind, pk)}"


def completion_invitation(case, event) -> str | None:
    """The line cases appends to the completion message: 一次一评 / 一事一评 through this case's own link."""
    if event.action != "complete":
        return None
    return f"欢迎您对本次服务作出评价:{rating_url('case', case.pk)}"
