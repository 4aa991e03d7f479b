"""Supervision of the library (codes `licence.…`): a grant of an item that yields a licence without its licence,
and a licence issued here without a grant behind it. Found by a scan in `zhengwu scheduled` (the grant and its
licence commit together, so a gap means something went around the services: an import, a repair, a type linked to
its item after the grant) and stored as supervision alerts, reviewed and ordered (督办) like any other."""

from __future__ import annotations

from django.db import transaction

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
    title = "准予许可未签发电子证照"


class LicenceWithoutGrant(LicenceRule):
    code = "without_grant"
    severity = Severity.SERIOUS
    title = "电子证照没有准予许可决定"


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
                f"已准予许可({case.version.name}),但电子证照库中没有其证照", {"case": case.number}
            )
            explanation = f"办件 {case.number}:{finding.explanation}"
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
            why = f"来源办件 {licence.case.number} 未准予许可" if licence.case else "没有来源办件"
            finding = Finding(
                f"{licence.type.name}(编号 {licence.number}){why}", {"identifier": licence.identifier}
            )
            key = f"{LicenceWithoutGrant.code}:l{licence.pk}"
            if raise_alert(
                LicenceWithoutGrant,
                finding,
                key,
                f"电子证照 {licence.number}:{finding.explanation}",
                case=licence.case,
                organisation_id=licence.issuer_id,
            ):
                raised += 1
    return raised
