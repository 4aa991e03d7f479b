"""Which of an item version's fees apply on a day. The catalogue only stores the typed fee lines (name, standard,
basis, and the code of a fee catalogue entry when it names one); the fees domain registers the rule that drops a
line whose catalogue entry is not in force (a fee removed from the catalogue disappears from every item on its
date) and gives each line its catalogue standard. Without a registered rule every typed line applies as typed."""

from collections.abc import Callable

_resolver: Callable | None = None


def register(resolver: Callable) -> None:
    """`resolver(version, day) -> list[dict]`: the lines in force, each {name, standard, amount, basis, code, url}."""
    global _resolver
    _resolver = resolver


def in_force(version, day=None) -> list[dict]:
    if _resolver is not None:
        return _resolver(version, day)
    return [
        {"name": f.name, "standard": f.standard, "amount": f.amount, "basis": f.basis, "code": "", "url": ""}
        for f in version.fees.all()
    ]
