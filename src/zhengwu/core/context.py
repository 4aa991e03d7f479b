"""Who is acting and from where, for the audit chain: set per request by middleware, per command by `acting_as`."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class ActingContext:
    user: object | None = None
    ip: str | None = None
    label: str = ""


_current: ContextVar[ActingContext] = ContextVar("zhengwu_acting", default=ActingContext())  # noqa: B039 — frozen, immutable


def current() -> ActingContext:
    return _current.get()


@contextmanager
def acting_as(user=None, *, ip: str | None = None, label: str = "") -> Iterator[ActingContext]:
    token = _current.set(ActingContext(user=user, ip=ip, label=label))
    try:
        yield _current.get()
    finally:
        _current.reset(token)
