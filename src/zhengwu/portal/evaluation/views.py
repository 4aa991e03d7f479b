"""Public pages of 好差评: the monthly figures, finding one's case to rate, the rating page behind a signed link
(rate, then follow the rectification and say whether one is now satisfied), and the service commitments."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from zhengwu.core import clock, ratelimit
from zhengwu.core.errors import DomainError, NotFound
from zhengwu.core.masking import mask_name
from zhengwu.core.models import Organisation
from zhengwu.evaluation import links, rules, selectors, services
from zhengwu.evaluation.models import RatingChannel
from zhengwu.portal.evaluation.forms import FindForm, FollowUpForm, rating_page_form, refusal


def _month(request) -> str:
    month = request.GET.get("month", "")
    try:
        rules.month_bounds(month)
        return month
    except DomainError:
        months = selectors.months_with_ratings(1)
        return months[0] if months else clock.today().strftime("%Y-%m")


def index(request):
    """好差评 figures per organisation and per item for a month, and where to rate."""
    month = _month(request)
    return render(
        request,
        "evaluation/portal/index.html",
        {
            "month": month,
            "months": selectors.months_with_ratings(),
            "total": selectors.total_figures(month),
            "by_organisation": selectors.figures(month),
            "by_item": selectors.figures(month, by="item")[:50],
        },
    )


def find(request):
    """The applicant finds their case (or ticket) by its number and query code and goes to its rating page."""
    error = ""
    form = FindForm(request.POST or None)
    if request.method == "POST":
        try:
            ratelimit.limit(request, group="evaluation.find", rate="20/m")
            form.is_valid()  # text only: the lookup says when the number and code do not match
            kind = form.cleaned_data["kind"]
            lookup = selectors.case_by_code if kind == "case" else selectors.ticket_by_code
            subject = lookup(form.cleaned_data["number"], form.cleaned_data["query_code"])
            return redirect(links.rating_path(kind, subject.pk, channel="portal"))
        except DomainError as err:
            error = err.message
    return render(request, "evaluation/portal/find.html", {"error": error, "data": form.data})


def short_link(request, code: str):
    """/r/<code>: the short rating link of a message, typed from a phone screen, leads to the rating page. Limited
    per address, so codes cannot be tried one after another."""
    try:
        ratelimit.limit(request, group="evaluation.short_link", rate="20/m")
        kind, pk = links.read_short_code(code)
        selectors.subject(kind, pk)
    except NotFound as err:
        raise Http404(err.message) from None
    return redirect(links.rating_path(kind, pk))


def rate_page(request, token: str):
    """Rate once; afterwards the page shows the rating, the organisation's feedback, and asks whether the rater
    is now satisfied."""
    try:
        kind, pk, channel = links.read_token(token)
        subject = selectors.subject(kind, pk)
    except NotFound as err:
        raise Http404(err.message) from None
    error, field = "", None
    if request.method == "POST":
        try:
            ratelimit.limit(request, group="evaluation.rate", rate="10/m")
            form = rating_page_form(request.POST)
            if not form.is_valid():
                raise refusal(form)
            if isinstance(form, FollowUpForm):
                rating = selectors.rating_of(kind, pk)
                if rating is None or not hasattr(rating, "rectification"):
                    raise NotFound(_("没有需要回访的整改"))
                services.follow_up(rectification=rating.rectification, **form.cleaned_data)
            else:
                services.rate(
                    kind=kind,
                    pk=pk,
                    channel=RatingChannel.PORTAL if channel == "portal" else RatingChannel.LINK,
                    **form.cleaned_data,
                )
            return redirect("portal_evaluation:rate", token=token)
        except DomainError as err:
            error, field = err.message, err.field
    rating = selectors.rating_of(kind, pk)
    rect = getattr(rating, "rectification", None) if rating else None
    return render(
        request,
        "evaluation/portal/rate.html",
        {
            "subject": subject,
            "applicant": mask_name(subject.rater_name),
            "rating": rating,
            "rect": rect,
            "levels": [(level, rules.LEVEL_LABELS[level], rules.TAGS[level]) for level in (5, 4, 3, 2, 1)],
            "error": error,
            "error_field": field,
            "posted": request.POST,  # what was typed, shown again after a refusal
        },
    )


def commitments(request):
    return render(
        request,
        "evaluation/portal/commitments.html",
        {
            "organisations": [
                (o, selectors.current_commitment(o)) for o in selectors.committed_organisations()
            ]
        },
    )


def commitment(request, organisation: int, version: int | None = None):
    """An organisation's service commitment: the current version (or one of the history) and the list of versions."""
    org = get_object_or_404(Organisation, pk=organisation)
    try:
        shown = selectors.commitment_version(org, version) if version else selectors.current_commitment(org)
    except NotFound as err:
        raise Http404(err.message) from None
    if shown is None:
        raise Http404(_("该机构尚未发布服务承诺"))
    current = selectors.current_commitment(org)
    return render(
        request,
        "evaluation/portal/commitment.html",
        {
            "organisation": org,
            "commitment": shown,
            "is_current": shown.pk == current.pk,
            "limits": selectors.commitment_limits(shown),
            "history": selectors.commitment_history(org),
        },
    )


def notice_pdf(request, token: str):
    """A one-time notice sent to a person: its PDF behind the signed link in the SMS or e-mail; 404 otherwise."""
    try:
        notice = services.notice_from_token(token)
    except NotFound as err:
        raise Http404(err.message) from None
    response = HttpResponse(services.render_notice_pdf(notice), content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename=one-time-notice-{notice.pk}.pdf"
    return response
