"""Real-name verification of applicants (实名核验) through a provider interface.

Choose the provider with the setting ZHENGWU_REAL_NAME_PROVIDER (a dotted path to a class with
`verify(kind, name, id_number)` returning a Verdict). The default, LocalRealNameVerifier, serves installations without
a link to the public-security or market-regulation services: it checks the number itself (GB 11643 / GB 32100) and
the name's shape. A Verdict says in plain words what was checked (`checked`), which is what people are told; the
provider's own name (`channel`) goes only to the audit record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from zhengwu.core import ids

DEFAULT_PROVIDER = "zhengwu.cases.identity.LocalRealNameVerifier"


@dataclass(frozen=True)
class Verdict:
    ok: bool
    reason: str = ""  # why not, for the person (field-level message)
    channel: str = ""  # which provider answered: for the audit record, never shown to applicants
    checked: str = (
        ""  # what was checked, in words the applicant understands ("已核验居民身份证号码的格式与校验位")
    )


class RealNameVerifier(Protocol):
    def verify(self, kind: str, name: str, id_number: str) -> Verdict: ...


_PERSON_NAME = re.compile(r"^[\u4e00-\u9fff·]{2,20}$|^[A-Za-z][A-Za-z .'-]{1,59}$")


class LocalRealNameVerifier:
    """Checks what can be checked without an outside service: the number's form and check characters, and a
    plausible name. It does not prove that the name belongs to the number, and says only what it checked."""

    channel = "local"

    def verify(self, kind: str, name: str, id_number: str) -> Verdict:
        natural = kind == "natural"
        checked = ids.check_resident_id(id_number) if natural else ids.check_uscc(id_number)
        what = (
            _("已核验居民身份证号码的格式与校验位") if natural else _("已核验统一社会信用代码的格式与校验位")
        )
        if not checked.valid:
            return Verdict(False, checked.reason, self.channel, what)
        if natural and not _PERSON_NAME.match(name or ""):
            return Verdict(False, _("姓名应为 2 至 20 个汉字(或拉丁字母拼写)"), self.channel, what)
        return Verdict(True, "", self.channel, what)


def verifier() -> RealNameVerifier:
    """The configured provider (ZHENGWU_REAL_NAME_PROVIDER), read when called so tests and settings can change it."""
    return import_string(getattr(settings, "ZHENGWU_REAL_NAME_PROVIDER", "") or DEFAULT_PROVIDER)()
