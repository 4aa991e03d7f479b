"""Indicators of the library: licences issued and the 免提交 rate (applications whose licence material was taken
from the library, of those that had one to take), in a user's scope and a period."""

from __future__ import annotations

import datetime as dt
from functools import reduce
from operator import or_

from django.db.models import Q

from zhengwu.cases import selectors as case_selectors
from zhengwu.catalog.models import Material
from zhengwu.core import access, clock
from zhengwu.licences.models import Licence, LicenceType, LicenceUse


def indicators(user, start: dt.date, end: dt.date) -> dict:
    """From `start` to `end` (local days, both included)."""
    since, _ = clock.day_bounds(start)
    _, until = clock.day_bounds(end)
    issued = Licence.objects.filter(
        access.scope_q(user, "issuer"), source="issued", created_at__gte=since, created_at__lt=until
    )
    cases = case_selectors.visible_cases(user).filter(received_at__gte=since, received_at__lt=until)
    words = [w for t in LicenceType.objects.exclude(material_names=[]) for w in t.material_names if w]
    eligible = (
        cases.filter(
            version__materials__in=Material.objects.filter(reduce(or_, [Q(name__contains=w) for w in words]))
        )
        .distinct()
        .count()
        if words
        else 0
    )
    reused = (
        LicenceUse.objects.filter(purpose=LicenceUse.Purpose.REUSE, case__in=cases.values("pk"))
        .values("case")
        .distinct()
        .count()
    )
    return {
        "issued": issued.count(),
        "reused": reused,
        "eligible": eligible,
        "rate": round(100 * reused / eligible, 1) if eligible else None,
    }
