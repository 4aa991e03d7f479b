"""The library's figures for supervision's indicators (the indicator page, `zhengwu indicators`, CSV and Excel):
licences issued (by the issuing organisation), applications that could take a licence from the library instead of an
upload, those that did, and the 免提交 rate — the same counts as the library's own page (`selectors.indicators`), for
any period and grouping. Registered with supervision.indicators in LicencesConfig.ready(), so supervision does not
import the library."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy

from zhengwu.cases.models import Case
from zhengwu.catalog.models import Material
from zhengwu.licences.models import Licence, LicenceType, LicenceUse

# grouping (supervision.indicators.GROUPINGS) → the key of a licence (its issuer), of a case (None: not grouped
# that way; a licence has no window or staff, a case's acceptor is the case indicators' own subquery)
LICENCE_KEYS = {"organisation": "issuer_id", "region": "issuer__region_id"}
CASE_KEYS = {
    "organisation": "organisation_id",
    "region": "organisation__region_id",
    "centre": "window__centre_id",
    "window": "window_id",
}
COLUMNS = {
    "licences_issued": gettext_lazy("签发电子证照数"),
    "licences_eligible": gettext_lazy("可免提交办件数"),
    "licences_reused": gettext_lazy("免提交办件数"),
    "licences_reuse_rate": gettext_lazy("免提交率"),
}
RATES = {"licences_reuse_rate"}  # "—" when no application could take a licence, never 0


def _grouped(qs, field: str | None, **aggregates) -> dict:
    if field is None:
        return {None: qs.aggregate(**aggregates)}
    return {row.pop("key"): row for row in qs.values(key=F(field)).order_by().annotate(**aggregates)}


def _eligible_materials():
    words = [w for t in LicenceType.objects.exclude(material_names=[]) for w in t.material_names if w]
    if not words:
        return None
    return Material.objects.filter(reduce(or_, [Q(name__contains=w) for w in words]))


def source(*, period, organisations, by: str | None) -> dict:
    """{key: {name: value}} for the grouping `by` (None: {None: the total}), of `organisations`' licences and
    cases: issued in the period, and cases received in it."""
    out: dict = {}
    if by is None or by in LICENCE_KEYS:
        issued = Licence.objects.filter(
            issuer__in=organisations, source="issued", created_at__gte=period.start, created_at__lt=period.end
        )
        for key, row in _grouped(issued, LICENCE_KEYS.get(by), licences_issued=Count("pk")).items():
            out.setdefault(key, {}).update(row)
    materials = _eligible_materials()
    if (by is None or by in CASE_KEYS) and materials is not None:
        cases = Case.objects.filter(
            organisation__in=organisations,
            received_at__gte=period.start,
            received_at__lt=period.end,
            version__materials__in=materials,
        ).distinct()
        taken = LicenceUse.objects.filter(case=OuterRef("pk"), purpose=LicenceUse.Purpose.REUSE)
        cases = Case.objects.filter(pk__in=cases.values("pk")).annotate(taken=Exists(taken))
        counted = _grouped(
            cases,
            CASE_KEYS.get(by),
            licences_eligible=Count("pk"),
            licences_reused=Count("pk", filter=Q(taken=True)),
        )
        for key, row in counted.items():
            out.setdefault(key, {}).update(row)
    for key, row in list(out.items()):
        if by is not None and key is None:
            del out[key]  # a case received online has no window or centre
            continue
        eligible = row.get("licences_eligible") or 0
        row.setdefault("licences_issued", 0)
        row.setdefault("licences_eligible", 0)
        row.setdefault("licences_reused", 0)
        row["licences_reuse_rate"] = round(row["licences_reused"] / eligible, 4) if eligible else None
    if by is None:
        out.setdefault(None, {"licences_issued": 0, "licences_eligible": 0, "licences_reused": 0})
        out[None].setdefault("licences_reuse_rate", None)
    return out
