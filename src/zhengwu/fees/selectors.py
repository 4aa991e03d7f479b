"""Reading the fee catalogue: the public list per organisation, and which of an item's fee lines are in force."""

import datetime as dt

from django.db.models import Q
from django.urls import reverse

from zhengwu.core import clock
from zhengwu.core.models import Organisation
from zhengwu.fees import compute
from zhengwu.fees.models import CatalogueFee


def in_force_q(day: dt.date) -> Q:
    return Q(valid_from__lte=day) & (Q(removed_on__isnull=True) | Q(removed_on__gt=day))


def catalogue(day: dt.date | None = None, organisation: Organisation | None = None):
    """The fees in force on `day` (today), each organisation's together."""
    day = day or clock.today()
    qs = (
        CatalogueFee.objects.filter(in_force_q(day))
        .select_related("organisation")
        .prefetch_related("waivers")
    )
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    return qs.order_by("organisation__name", "code")


def organisations_with_fees(day: dt.date | None = None) -> list[dict]:
    """For the portal's index: each collecting organisation with how many fees it lists today."""
    rows: dict[int, dict] = {}
    for fee in catalogue(day):
        row = rows.setdefault(fee.organisation_id, {"organisation": fee.organisation, "count": 0})
        row["count"] += 1
    return list(rows.values())


def public_list(organisation: Organisation, day: dt.date | None = None) -> list[dict]:
    """收费目录清单 of one organisation, as published."""
    return [
        {
            "fee": fee,
            "standard": compute.standard_text(fee),
            "revenue_kind": fee.get_revenue_kind_display(),
            "waivers": list(fee.waivers.all()),
        }
        for fee in catalogue(day, organisation)
    ]


def list_url(organisation_id: int) -> str:
    return reverse("fees_portal:list", args=[organisation_id])


def item_fees_in_force(version, day: dt.date | None = None) -> list[dict]:
    """The item version's fee lines on `day`: a line naming a catalogue fee shows the catalogue's standard and
    basis, and is gone once that fee is removed (or before it starts); a line typed before the catalogue (no code)
    shows as typed."""
    day = day or clock.today()
    lines = list(version.fees.all())
    codes = {f.code for f in lines if f.code}
    fees = {f.code: f for f in CatalogueFee.objects.filter(code__in=codes).select_related("organisation")}
    out = []
    for line in lines:
        if not line.code:
            out.append(
                {
                    "name": line.name,
                    "standard": line.standard,
                    "amount": line.amount,
                    "basis": line.basis,
                    "code": "",
                    "url": "",
                    "organisation": "",
                }
            )
            continue
        fee = fees.get(line.code)
        if fee is None or not fee.in_force(day):
            continue
        out.append(
            {
                "name": fee.name,
                "standard": compute.standard_text(fee),
                "amount": None,
                "basis": f"{fee.basis};{fee.approval}",
                "code": fee.code,
                "url": list_url(fee.organisation_id),
                "organisation": fee.organisation.name,
                "fee": fee,
                "version_line": line,
            }
        )
    return out


def charges_fees(version, day: dt.date | None = None) -> bool:
    """Does the item version charge any catalogue fee in force (a line with a code)?"""
    return any(f["code"] for f in item_fees_in_force(version, day))
