"""Supervision of the library (codes `licence.…`): a grant of an item that yields a licence without its licence,
and a licence issued here without a grant behind it. Found by a scan in `zhengwu scheduled` (the grant and its
licence commit together, so a gap means something went around the services: an import, a repair, a type linked to
its item after the grant) and stored as supervision alerts, reviewed and ordered (督办) like any other."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from zhengwu.cases.models import Case, Decision
from zhengwu.licences.models import Licence, LicenceType
from zhengwu.supervision.models import Severity
from zhengwu.supervision.rules import Finding, Registered, raise_alert


class LicenceRule(Registered):
    registry: list[type] = []
    domain = "licence"


class GrantWithoutLicence(LicenceRule):
    code = "grant_without_licence"
    severity = Severity.SERIOUS
    title = _lazy("准予许可未签发电子证照")


class LicenceWithoutGrant(LicenceRule):
    code = "without_grant"
    severity = Severity.SERIOUS
    title = _lazy("电子证照没有准予许可决定")


def scan() -> int:
    """Raise the alerts the library's state calls for (once each); returns how many are new."""
    raised = 0
    items = LicenceType.objects.values("items")
    grants = (
        Case.objects.filter(decision=Decision.GRANT, item__in=items)
        .exclude(pk__in=Licence.objects.exclude(case=None).values("case"))
        .select_related("version")
    )
    with transaction.atomic():
        for case in grants[:500]:
            finding = Finding(
                _("已准予许可(%(item)s),但电子证照库中没有其证照") % {"item": case.version.full_name},
                {"case": case.number},
            )
            explanation = _("办件 %(number)s:%(explanation)s") % {
                "number": case.number,
                "explanation": finding.explanation,
            }
            key = f"{GrantWithoutLicence.code}:c{case.pk}"
            if raise_alert(
                GrantWithoutLicence,
                finding,
                key,
                explanation,
                case=case,
                organisation_id=case.organisation_id,
            ):
                raised += 1
        orphans = (
            Licence.objects.filter(source="issued", previous=None)
            .exclude(case__decision=Decision.GRANT)
            .select_related("type", "case")
        )
        for licence in orphans[:500]:
            why = (
                _("来源办件 %(number)s 未准予许可") % {"number": licence.case.number}
                if licence.case
                else _("没有来源办件")
            )
            finding = Finding(
                _("%(type)s(编号 %(number)s)%(why)s")
                % {"type": licence.type.name, "number": licence.number, "why": why},
                {"identifier": licence.identifier},
            )
            key = f"{LicenceWithoutGrant.code}:l{licence.pk}"
            if raise_alert(
                LicenceWithoutGrant,
                finding,
                key,
                _("电子证照 %(number)s:%(explanation)s")
                % {"number": licence.number, "explanation": finding.explanation},
                case=licence.case,
                organisation_id=licence.issuer_id,
            ):
                raised += 1
    return raised
