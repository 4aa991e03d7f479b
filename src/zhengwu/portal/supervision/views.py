"""Public supervision figures: the monthly efficiency indicators by organisation as CSV (open data)."""

from __future__ import annotations

from django.http import HttpResponse

from zhengwu.core import ratelimit
from zhengwu.supervision import open_data


def indicators_csv(request, year: int, month: int):
    """One complete month's indicators, one row per organisation (listed by the CKAN API as a resource)."""
    ratelimit.limit(request, group="supervision.open_indicators", rate="60/m")
    response = HttpResponse(open_data.indicators_csv(year, month), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="indicators-{year:04d}-{month:02d}.csv"'
    response["Access-Control-Allow-Origin"] = "*"
    return response
