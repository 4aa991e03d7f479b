"""Public pages: the fee catalogue per collecting organisation (收费目录清单向社会公开); paying a notice by its
payment code (the simulator's payment page stands where a bank's would); the notice and receipt PDFs for the
applicant (or staff who may see the case); the receipt check page its QR code opens."""

from urllib.parse import quote

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from zhengwu.cases import selectors as case_selectors
from zhengwu.core import clock, ratelimit
from zhengwu.core.errors import AccessDenied, DomainError, NotFound
from zhengwu.core.masking import mask_name
from zhengwu.core.models import Organisation
from zhengwu.fees import documents, providers, selectors, services, simulator
from zhengwu.fees.models import Notice


def index(request):
    return render(request, "fees/portal/index.html", {"rows": selectors.organisations_with_fees()})


def fee_list(request, organisation: int):
    org = get_object_or_404(Organisation, pk=organisation)
    return render(
        request,
        "fees/portal/list.html",
        {"organisation": org, "rows": selectors.public_list(org), "today": clock.today()},
    )


def _notice(code: str) -> Notice:
    try:
        return services.notice_by_code(code)
    except DomainError as err:
        raise Http404(err.message) from None


def pay(request, code: str):
    """缴款: the notice by its payment code, what it is for and how much, and where to pay."""
    ratelimit.limit(request, group="fees.pay", rate="60/m")
    notice = _notice(code)
    payment = getattr(notice, "payment", None) if notice.state != Notice.State.UNPAID else None
    receipt = services.current_receipt(payment) if payment else None
    return render(
        request,
        "fees/portal/pay.html",
        {
            "n": notice,
            "receipt": receipt,
            # what of it went back (退付), as the receipt check and the case page say
            "refunds": selectors.receipt_refunds(receipt) if receipt else None,
            "payer": mask_name(notice.payer),
            "lines": list(notice.lines.all()),
            "providers": [(p.name, p.label, p.start(notice)) for p in providers.PROVIDERS.values()],
        },
    )


def simulator_page(request, code: str):
    """模拟缴款渠道's page: confirm and it pays, sending its signed callbacks (more than once, out of order)."""
    ratelimit.limit(request, group="fees.simulator", rate="30/m")
    notice = _notice(code)
    error = None
    if request.method == "POST":
        try:
            simulator.pay(notice)
        except DomainError as err:
            error = err
        else:
            notice.refresh_from_db()
            return redirect(reverse("fees_portal:pay", args=[notice.code]) + "?paid=1")
    return render(
        request,
        "fees/portal/simulator.html",
        {"n": notice, "payer": mask_name(notice.payer), "error": error},
        status=error.status if error else 200,
    )


@csrf_exempt
@require_POST
def callback(request, provider: str):
    """A provider's callback (异步通知): signed, idempotent; answers "success" so the provider stops resending."""
    ratelimit.limit(request, group="fees.callback", rate="600/m")
    try:
        stored = services.receive_callback(
            provider=provider,
            body=request.body,
            signature=request.headers.get(providers.SIGNATURE_HEADER, ""),
        )
    except AccessDenied as err:
        return HttpResponse(err.message, status=403, content_type="text/plain; charset=utf-8")
    except DomainError as err:
        return HttpResponse(err.message, status=err.status, content_type="text/plain; charset=utf-8")
    return HttpResponse(f"success {stored.outcome}", content_type="text/plain; charset=utf-8")


def _own(request, notice: Notice):
    """The notice if the user may see it: its applicant, staff who see the case, or staff whose fee scope holds the
    notice (the fee window prints it for the payer at the counter, selectors.visible_notices); else 404."""
    if not request.user.is_authenticated:
        return None
    if selectors.visible_notices(request.user).filter(pk=notice.pk).exists():
        return notice
    try:
        case_selectors.case_for(request.user, notice.case.number)
    except (NotFound, AccessDenied):
        raise Http404(_("找不到该缴款通知书")) from None
    return notice


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def notice_pdf(request, code: str):
    notice = _notice(code)
    if _own(request, notice) is None:
        return redirect(f"{reverse('portal_cases:signin')}?next={quote(request.get_full_path())}")
    return _pdf(
        documents.notice_pdf(notice, base_url=request.build_absolute_uri("/")),
        _("缴款通知书-%(code)s.pdf") % {"code": notice.code},
    )


def receipt_pdf(request, number: str):
    receipt = selectors.receipt(number)
    if receipt is None:
        raise Http404(_("找不到该票据"))
    if _own(request, receipt.payment.notice) is None:
        return redirect(f"{reverse('portal_cases:signin')}?next={quote(request.get_full_path())}")
    return _pdf(
        documents.receipt_pdf(receipt, base_url=request.build_absolute_uri("/")),
        _("财政电子票据-%(number)s.pdf") % {"number": receipt.number},
    )


def check_receipt(request, number: str):
    """票据查验: is this receipt ours, for how much, still valid (the QR code on the receipt opens it)."""
    ratelimit.limit(request, group="fees.check", rate="60/m")
    receipt = selectors.receipt(number)
    return render(
        request,
        "fees/portal/check.html",
        {
            "r": receipt,
            "number": number,
            "payer": mask_name(receipt.payer) if receipt else "",
            "refunds": selectors.receipt_refunds(receipt) if receipt and not receipt.voided_at else None,
        },
        status=200 if receipt else 404,
    )
