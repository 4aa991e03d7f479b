"""The public verification page a notice's QR code opens (route it as /verify/<token>)."""

from django.shortcuts import render

from zhengwu.cases import notices
from zhengwu.core.errors import NotFound


def verify_notice(request, token: str):
    """Show an issued notice's essentials (names masked), or say plainly that no such notice exists."""
    try:
        data = notices.public_view(notices.by_token(token))
    except NotFound as exc:
        return render(request, "cases/verify.html", {"error": exc.message}, status=404)
    return render(request, "cases/verify.html", {"notice": data})
