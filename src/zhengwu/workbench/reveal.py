"""The workbench's answer to a reveal of personal data (core.personal.reveal), the same on every page that offers
one: the page again with the values in full, or with the error at the reason field, or the 403 page."""

from django.shortcuts import render

from zhengwu.core import personal
from zhengwu.core.errors import AccessDenied, DomainError
from zhengwu.workbench.forms import RevealForm


def answer(request, *, obj, fields, may: bool, refusal: str, label: str, page):
    """Reveal `fields` (names) of `obj` for this answer if the viewer `may` and gave a reason; `page(reveal, status)`
    renders the page with `reveal` (core.personal.Reveal): revealed, or carrying the error (422 no reason, 429 too
    many). A viewer who may not gets the 403 page with `refusal`."""
    form = RevealForm(request.POST)
    form.is_valid()  # free text: always valid; the reason's rules are core.personal.reveal's
    reveal = personal.Reveal(may=may, reason=form.cleaned_data["reason"])
    try:
        reveal.reason = personal.reveal(
            request, obj=obj, fields=fields, reason=reveal.reason, allowed=may, refusal=refusal, label=label
        )
    except AccessDenied as err:
        return render(request, "403.html", {"message": err.message}, status=403)
    except DomainError as err:
        reveal.error = err.message
        return page(reveal, err.status)
    reveal.revealed = True
    return page(reveal, 200)
