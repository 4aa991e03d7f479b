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
