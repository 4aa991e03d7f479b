"""Rate limits for public forms and endpoints (django-ratelimit's counters in Django's cache)."""

from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited

from zhengwu.core.errors import DomainError


class TooManyRequests(DomainError):
    status = 429
    code = "rate_limited"


def limit(request, *, group: str, rate: str = "10/m", key: str = "ip", message: str = "") -> None:
    """Count this request against `group` and refuse it with a clear message once `rate` is exceeded."""
    if is_ratelimited(request, group=group, key=key, rate=rate, method=is_ratelimited.ALL, increment=True):
        raise TooManyRequests(message or _("提交过于频繁,请稍后再试"))
