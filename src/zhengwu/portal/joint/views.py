"""Public pages of bundles (一件事一次办): the list, each bundle's guide, the 并联审批目录 and each bundle's 实施手册,
each also as a printable PDF."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from zhengwu.core import clock
from zhengwu.core.documents import render_pdf
from zhengwu.joint import bundles, selectors


def _pdf(request, template: str, context: dict, filename: str) -> HttpResponse:
    pdf = render_pdf(
        template, {**context, "printed_on": clock.today()}, base_url=request.build_absolute_uri("/")
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{filename}"
    return response


def index(request):
    return render(request, "joint/portal/index.html", {"bundles": selectors.published_bundles()})


def guide(request, code: str):
    return render(request, "joint/portal/guide.html", selectors.guide_context(bundles.published(code)))


def guide_pdf(request, code: str):
    version = bundles.published(code)
    return _pdf(request, "joint/portal/guide_pdf.html", selectors.guide_context(version), f"{code}.pdf")


def manual(request, code: str):
    return render(request, "joint/portal/manual.html", selectors.guide_context(bundles.published(code)))


def manual_pdf(request, code: str):
    version = bundles.published(code)
    return _pdf(
        request, "joint/portal/manual_pdf.html", selectors.guide_context(version), f"{code}-manual.pdf"
    )


def directory(request):
    return render(request, "joint/portal/directory.html", {"rows": selectors.directory()})


def directory_pdf(request):
    return _pdf(request, "joint/portal/directory_pdf.html", {"rows": selectors.directory()}, "directory.pdf")
