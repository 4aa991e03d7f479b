"""Signed rating links: /rate/<token>/ names one case or ticket, so only whoever received the link can rate it.

The completion message carries the short form, /r/<code> (`short_rating_url`): a code of 11 or 12 letters and
digits a person can type from a phone screen — the subject's kind and number and a 40-bit keyed check, in Crockford's
base 32 (no I, L, O or U; read without regard to case, O as 0, I and L as 1). /r/<code> leads to the rating page.
Both are signed with the site's secret and their own salt; they need no table and do not expire (the rating itself
can be given once only). A code cannot be guessed from a case number: a wrong check is one in 2^40, and the
/r/ page is rate-limited.
"""

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from zhengwu.core.errors import NotFound

SALT = "zhengwu.evaluation.rating-link"
SHORT_SALT = "zhengwu.evaluation.rating-code"
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32
CHECK_LENGTH = 8  # characters of the keyed check: 40 bits
SHORT_KINDS = {"C": "case", "T": "ticket"}
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
        raise NotFound(_("评价链接无效或已被改动,请使用短信或邮件中的完整链接"), field="token") from None
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
    return _("欢迎您对本次服务作出评价:%(url)s") % {"url": short_rating_url("case", case.pk)}


def _base32(number: int) -> str:
    digits = ""
    while True:
        number, digit = divmod(number, 32)
        digits = ALPHABET[digit] + digits
        if not number:
            return digits


def _check(body: str) -> str:
    """The keyed check of a code's body: the first 40 bits of its HMAC, in base 32."""
    value = int.from_bytes(salted_hmac(SHORT_SALT, body, algorithm="sha256").digest()[:5], "big")
    return _base32(value).rjust(CHECK_LENGTH, "0")


def short_code(kind: str, pk: int) -> str:
    """The short rating code of ("case", pk) or ("ticket", pk), e.g. C3F7K2M9QXA."""
    if kind not in KINDS:
        raise ValueError(f"unknown rating subject kind {kind!r}")
    body = kind[0].upper() + _base32(int(pk))
    return body + _check(body)


def read_short_code(code: str) -> tuple[str, int]:
    """(kind, pk) from a short code as a person typed it, or NotFound when it is not one this site issued."""
    text = str(code or "").strip().upper().replace("-", "").replace(" ", "")
    text = text.translate(str.maketrans("OIL", "011"))
    body, check = text[:-CHECK_LENGTH], text[-CHECK_LENGTH:]
    valid = (
        len(body) >= 2
        and body[0] in SHORT_KINDS
        and all(c in ALPHABET for c in text)
        and constant_time_compare(check, _check(body))
    )
    if not valid:
        raise NotFound(_("评价码不正确,请核对短信中的评价链接"), field="code")
    pk = 0
    for character in body[1:]:
        pk = pk * 32 + ALPHABET.index(character)
    return SHORT_KINDS[body[0]], pk


def short_rating_url(kind: str, pk: int, *, base_url: str = "") -> str:
    """The short public link for a message: ZHENGWU_PUBLIC_URL (or base_url) + /r/<code>."""
    base = base_url or getattr(settings, "ZHENGWU_PUBLIC_URL", "")
    return f"{base.rstrip('/')}/r/{short_code(kind, pk)}"
