"""What other domains add to the hall screen: each registers a function of the centre returning template context
(the hall's calls and queues), so supervision does not import them."""

from collections.abc import Callable

_ADDITIONS: list[Callable] = []


def add(addition: Callable) -> None:
    if addition not in _ADDITIONS:
        _ADDITIONS.append(addition)


def context(centre) -> dict:
    extra: dict = {}
    for addition in _ADDITIONS:
        extra.update(addition(centre))
    return extra


_DASHBOARD: list[Callable] = []


def add_to_dashboard(addition: Callable) -> None:
    """A function of the user returning template context for the supervision dashboard (the hall's waiting)."""
    if addition not in _DASHBOARD:
        _DASHBOARD.append(addition)


def dashboard_context(user) -> dict:
    extra: dict = {}
    for addition in _DASHBOARD:
        extra.update(addition(user))
    return extra
