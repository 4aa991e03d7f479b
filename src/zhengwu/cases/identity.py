"""Real-name verification of applicants (实名核验) through a provider interface.

Choose the provider with ZHENGWU_REAL_NAME_PROVIDER (a dotted path to a class with `verify(kind, name, id_number)`
returning a Verdict). The default, LocalRealNameVerifier, is the stand-in for installations without a link to the
public-security or market-regulation services: it checks the number itself (GB 11643 / GB 32100) and the name's shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from zhengwu.core import ids


@dataclass(frozen=True)
class Verdict:
    ok: bool
    reason: str = ""
    channel: str = ""


class RealNameVerifier(Protocol):
    def verify(self, kind: str, name: str, id_number: str) -> Verdict: ...


_PERSON_NAME = re.compile(r"^[\u4e00-\u9fff·]{2,20}$|^[A-Za-z][A-Za-z .'-]{1,59}$")


class LocalRealNameVerifier:
    """Checks what can be checked locally: the number's check characters and a plausible name."""

    channel = "本地校验(替身)"

    def verify(self, kind: str, name: str, id_number: str) -> Verdict:
        checked = ids.check_resident_id(id_number) if kind == "natural" else ids.check_uscc(id_number)
        if not checked.valid:
            return Verdict(False, checked.reason, self.channel)
        if kind == "natural" and not _PERSON_NAME.match(name or ""):
            return Verdict(False, _("姓名应为 2 至 20 个汉字(或拉丁字母拼写)"), self.channel)
        return Verdict(True, "", self.channel)


def verifier() -> RealNameVerifier:
    path = getattr(settings, "ZHENGWU_REAL_NAME_PROVIDER", "zhengwu.cases.identity.LocalRealNameVerifier")
    return import_string(path)()
