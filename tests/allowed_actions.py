"""For the tests that hold a page's offered actions against its services (tests/*/test_allowed_actions_match_services.py):
try a service call in a savepoint and say whether it was accepted, leaving nothing behind."""

import copy

from django.db import transaction

from zhengwu.core.errors import DomainError


class _Undo(Exception):
    pass


def accepted(call) -> bool:
    """Did the service accept `call()` (no DomainError)? Whatever it wrote is rolled back."""
    try:
        with transaction.atomic():
            call()
            raise _Undo
    except _Undo:
        return True
    except DomainError:
        return False


def disagreement(where: str, allowed: bool, accepted: bool) -> str | None:
    """The line a test reports when the page and the service disagree, else None."""
    if allowed == accepted:
        return None
    return f"{where}: 页面{'显示' if allowed else '不显示'},服务{'接受' if accepted else '拒绝'}"


def matrix(points: dict, people: dict, actions, *, reread, refusal, attempt) -> tuple[list[str], int]:
    """Every action for every person at every point: the page's answer (`refusal(user, obj, action)` is None) against
    the service's (`attempt(action, user, obj)` returns the call to try). Each try gets a fresh copy of what
    `reread(obj)` reads (read once per point: every try is rolled back, so the rows it reads are the same each time,
    and a deep copy of them costs a tenth of reading them again).
    Returns the disagreements and how many actions were offered (a test checks the matrix is not empty)."""
    found, offered = [], 0
    for point, obj in points.items():
        read = reread(obj)
        for who, user in people.items():
            for action in actions:
                fresh = copy.deepcopy(read)
                allowed = refusal(user, fresh, action) is None
                offered += allowed
                if line := disagreement(
                    f"{point} · {who} · {action}", allowed, accepted(attempt(action, user, fresh))
                ):
                    found.append(line)
    return found, offered


def offered(points: dict, people: dict, actions, *, refusal, reread) -> dict[str, dict[str, str]]:
    """Who is offered what at each point (the rules' answer: point → person → the actions, space-separated), to hold
    against a table written out in the test — a rule the page and the service share widens both at once, which the
    matrix alone cannot see."""
    table = {}
    for point, obj in points.items():
        read = reread(obj)  # a copy for each question, as in `matrix`
        row = {}
        for who, user in people.items():
            if found := [a for a in actions if refusal(user, copy.deepcopy(read), a) is None]:
                row[who] = " ".join(found)
        table[point] = row
    return table
