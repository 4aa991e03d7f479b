"""Materials a library can provide instead of an upload (免提交): the licence library registers itself here in its
AppConfig.ready(), so cases need not import it. `offers` says, per material position, what the library holds for
the applicant (or why it cannot be used); `fill` attaches it to a draft or case as that material's file."""

from __future__ import annotations

_providers: list = []


def register(provider) -> None:
    """A provider has offers(applicant, version) -> {position: dict} and fill(case, by) -> list."""
    if provider not in _providers:
        _providers.append(provider)


def offers(applicant, version) -> dict[int, dict]:
    out: dict[int, dict] = {}
    if applicant is None or version is None:
        return out
    for provider in _providers:
        for position, offer in provider.offers(applicant, version).items():
            out.setdefault(position, offer)
    return out


def fill(case, by) -> list:
    filled: list = []
    for provider in _providers:
        filled += provider.fill(case, by)
    return filled
