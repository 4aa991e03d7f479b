"""Materials a library can provide instead of an upload (免提交): the licence library registers itself here in its
AppConfig.ready(), so cases need not import it. `offers` says, per material position, what the library holds for
the applicant (or why it cannot be used); `fill` attaches it to a draft or case as that material's file.

`dependants` answers the other way round, for results issued inside the platform: which materials of other cases
are obtained from this case's result (a joint case's member that needs another member's licence registers the
answer here, so neither the library nor cases imports joint)."""

from __future__ import annotations

_providers: list = []
_dependants: list = []


def register(provider) -> None:
    """A provider has offers(applicant, version, prefer="") -> {position: dict} and fill(case, by, prefer="") -> list;
    `prefer` names the record the applicant came to use (the licence a renewal link carries)."""
    if provider not in _providers:
        _providers.append(provider)


def offers(applicant, version, prefer: str = "") -> dict[int, dict]:
    out: dict[int, dict] = {}
    if applicant is None or version is None:
        return out
    for provider in _providers:
        for position, offer in provider.offers(applicant, version, prefer=prefer).items():
            out.setdefault(position, offer)
    return out


def fill(case, by, prefer: str = "") -> list:
    filled: list = []
    for provider in _providers:
        filled += provider.fill(case, by, prefer=prefer)
    return filled


def chosen_at_counter(applicant, version, named: str = "") -> str:
    """At the counter: the record (`prefer`) a clerk names by its number (`named`) for an applicant who holds
    several a material could be taken from — raises ValidationFailed at `licence` naming them when none or another's
    is named — else "" (one or none held: the library takes it as online)."""
    for provider in _providers:
        finder = getattr(provider, "chosen_at_counter", None)
        if finder is not None and (prefer := finder(applicant, version, named)):
            return prefer
    return ""


def taken(case) -> dict[int, str]:
    """Per material position of the case: how a library provided it without an upload (e.g. "已调取(电子证照库,编号
    …)"), for providers that answer taken(case)."""
    out: dict[int, str] = {}
    for provider in _providers:
        finder = getattr(provider, "taken", None)
        if finder is not None:
            for position, label in finder(case).items():
                out.setdefault(position, label)
    return out


def withheld(case, user) -> dict[int, str]:
    """The case's files (CaseMaterial pk → why) that `user` may not download although they may download the case's
    other materials: a record a library provided carries its own rule (a licence's signed file holds its holder's
    personal data in full, for the issuer's staff only — the others read it masked on its own page)."""
    out: dict[int, str] = {}
    for provider in _providers:
        finder = getattr(provider, "withheld", None)
        if finder is not None:
            for pk, why in finder(case, user).items():
                out.setdefault(pk, why)
    return out


def register_dependants(finder) -> None:
    """A finder is finder(case) -> [{"case": Case, "position": int, "name": str}]: materials of other cases that
    are obtained from `case`'s result instead of an upload."""
    if finder not in _dependants:
        _dependants.append(finder)


def dependants(case) -> list[dict]:
    out: list[dict] = []
    for finder in _dependants:
        out += finder(case)
    return out
