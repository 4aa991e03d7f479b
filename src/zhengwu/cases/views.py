"""The public verification page a notice's QR code opens (route it as /verify/<token>), and a notice as a PDF
download (the portal's and the workbench's notice links)."""

from urllib.parse import quote

from django.http import HttpResponse
from django.shortcuts import render

from zhengwu.cases import notices, selectors
from zhengwu.core.errors import NotFound


def verify_notice(request, token: str):
    """Show an issued notice's essentials (names masked), or say plainly that no such notice exists."""
    try:
        data = notices.public_view(notices.by_token(token))
    except NotFound as exc:
        return render(request, "cases/verify.html", {"error": exc.message}, status=404)
    return render(request, "cases/verify.html", {"notice": data})


def notice_download(notice, request, *, masked: bool | None = None) -> HttpResponse:
    """The notice as a PDF download, its QR code pointing at this site's verification page. The caller has checked
    that the user may read it (cases.selectors.notice_for); the people it names are masked unless the user reads
    them in full (cases.selectors.reads_notice_in_full), or as the caller says."""
    if masked is None:
        masked = not selectors.reads_notice_in_full(request.user, notice.case)
    pdf = notices.render(notice, base_url=request.build_absolute_uri("/"), masked=masked)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(notices.filename(notice))}"
    return response
