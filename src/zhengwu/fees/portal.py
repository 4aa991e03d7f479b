"""Public pages: the fee catalogue, one list per collecting organisation (收费目录清单向社会公开)."""

from django.shortcuts import get_object_or_404, render

from zhengwu.core import clock
from zhengwu.core.models import Organisation
from zhengwu.fees import selectors


def index(request):
    return render(request, "fees/portal/index.html", {"rows": selectors.organisations_with_fees()})


def fee_list(request, organisation: int):
    org = get_object_or_404(Organisation, pk=organisation)
    return render(
        request,
        "fees/portal/list.html",
        {"organisation": org, "rows": selectors.public_list(org), "today": clock.today()},
    )
