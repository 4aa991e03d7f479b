"""Domain errors: a stable code, a Chinese message a person can act on, and the field it concerns."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A rule was broken. The API answers `status` with {code, message, field}; pages show it at the field."""

    status = 400
    code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        field: str | None = None,
        status: int | None = None,
        errors: list[tuple[str, str]] | None = None,
    ):
        super().__init__(str(message))
        self.message = str(message)
        if code:
            self.code = code
        if status:
            self.status = status
        self.field = field
        # every (field, message) found at once (a form checked whole); the first is `field`/`message`
        self.errors = [(f, str(m)) for f, m in errors] if errors else [(field, self.message)]

    def as_dict(self) -> dict:
        out = {"code": self.code, "message": self.message, "field": self.field}
        if len(self.errors) > 1:
            out["errors"] = [{"field": f, "message": m} for f, m in self.errors]
        return out


class ValidationFailed(DomainError):
    status = 422
    code = "validation_failed"


class NotFound(DomainError):
    status = 404
    code = "not_found"

    def __init__(self, message: str = _("找不到该记录"), **kwargs):
        super().__init__(message, **kwargs)


class AccessDenied(DomainError):
    status = 403
    code = "forbidden"

    def __init__(self, message: str = _("无权访问或操作该记录"), **kwargs):
        super().__init__(message, **kwargs)


class Conflict(DomainError):
    status = 409
    code = "conflict"


def _unavailable_kinds() -> tuple[type[BaseException], ...]:
    from django.db import InterfaceError, OperationalError

    kinds: list[type[BaseException]] = [OperationalError, InterfaceError]
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError
    except ImportError:  # pragma: no cover — redis is a dependency, but only used when configured
        pass
    else:
        kinds += [RedisConnectionError, RedisTimeoutError]
    return tuple(kinds)


def is_unavailable(exc: BaseException | None) -> bool:
    """Is this the database or a dependency (Redis) being unreachable, rather than a bug?"""
    return exc is not None and isinstance(exc, _unavailable_kinds())


def retry_after_seconds() -> int:
    """What a 503 tells clients to wait before retrying (Retry-After)."""
    from django.conf import settings

    return int(getattr(settings, "ZHENGWU_RETRY_AFTER_SECONDS", 30))
