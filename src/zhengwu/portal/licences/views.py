"""The public check of a licence (by identifier, by 亮证 code, by uploaded file) and the holder's wallet (我的证照)."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhengwu.cases import selectors as case_selectors
from zhengwu.core import access, ratelimit
from zhengwu.core.documents import qr_svg
from zhengwu.core.errors import DomainError, NotFound, ValidationFailed
from zhengwu.licences import grants, services, signing
from zhengwu.licences.models import Licence
from zhengwu.licences.selectors import public_view
from zhengwu.portal.licences.forms import GrantForm


def verify(request, identifier: str):
    """The QR code's page: whether the licence is valid, revoked, expired or replaced, and who issued it."""
    try:
        licence = services.by_identifier(identifier)
    except NotFound as exc:
        return render(request, "licences/portal/verify.html", {"error": exc.message}, status=404)
    return render(request, "licences/portal/verify.html", {"l": public_view(licence)})


def shown(request, token: str):
    """A 亮证 code's page, for the minutes it lasts."""
    try:
        licence = services.shown(token)
    except DomainError as exc:
        return render(
            request, "licences/portal/verify.html", {"error": exc.message, "shown": True}, status=exc.status
        )
    return render(request, "licences/portal/verify.html", {"l": public_view(licence), "shown": True})


def check_file(request):
    """Upload a licence file: is its signature intact and by our CA, and what is its state now."""
    context: dict = {}
    status = 200
    if request.method == "POST":
        ratelimit.limit(request, group="licence-check", rate="10/m", message=_("核验过于频繁,请稍后再试"))
        try:
            upload = request.FILES.get("file")
            if upload is None:
                raise ValidationFailed(_("请选择要核验的证照文件"), field="file")
            from zhengwu.core import files

            data, kind = files.check(
                upload, accept=files.MATERIALS, max_bytes=files.limit("ZHENGWU_CASE_UPLOAD_MAX_BYTES")
            )
            if kind != "application/pdf":
                raise ValidationFailed(_("请上传 PDF 格式的电子证照文件"), field="file")
            result = services.check_file(data)
            context["verdict"] = result["verdict"]
            context["l"] = public_view(result["licence"]) if result["licence"] else None
            if not result["verdict"].ok:
                status = 422
        except DomainError as exc:
            context["error"], status = exc.message, exc.status
    return render(request, "licences/portal/check.html", context, status=status)


def trust_root(request):
    """The trust root a relying party needs to validate a licence's signature itself (Adobe Reader, Poppler's
    pdfsig, pyHanko): the same PEM as `zhengwu licences ca --pem FILE`."""
    response = HttpResponse(signing.signer().trust_roots_pem(), content_type="application/x-pem-file")
    response["Content-Disposition"] = 'attachment; filename="zhengwu-licence-root.pem"'
    return response


# ---------------------------------------------------------------- the wallet


def _holder(request):
    user = request.user
    if not user.is_authenticated:
        return None, redirect(f"{reverse('portal_cases:signin')}?next={quote(request.get_full_path())}")
    if access.staff_of(user) is not None:
        messages.info(request, _("您以工作人员身份登录。证照管理请使用工作台的「电子证照」。"))
        return None, redirect("workbench_licences:index")
    applicant = case_selectors.applicant_of(user)
    if applicant is None:
        return None, render(request, "cases/portal/no_applicant.html", status=403)
    return applicant, None


def _mine(applicant, identifier: str) -> Licence:
    licence = services.held_by(applicant.id_number).filter(identifier=str(identifier)[:80]).first()
    if licence is None:
        raise Http404(_("找不到该证照"))
    return licence


def wallet(request):
    applicant, answer = _holder(request)
    if answer:
        return answer
    licences = list(
        services.held_by(applicant.id_number)
        .select_related("type__renewal_item")
        .order_by("type__name", "-version")
    )
    for licence in licences:
        licence.renewal = services.renewal(licence) if licence.is_usable else None
    granted = list(grants.granted_to(request.user)[:100])
    return render(
        request,
        "licences/portal/wallet.html",
        {"applicant": applicant, "licences": licences, "granted": granted},
    )


def detail(
    request,
    identifier: str,
    *,
    error: DomainError | None = None,
    status: int = 200,
    form: GrantForm | None = None,
):
    applicant, answer = _holder(request)
    if answer:
        return answer
    licence = _mine(applicant, identifier)
    return render(
        request,
        "licences/portal/detail.html",
        {
            "l": licence,
            "meta": services.metadata_shown(licence),
            "items": services.pdf_context(licence)["items"],
            "uses": licence.uses.select_related("case")[:100],
            "chain": services.chain(licence),
            "renewal": services.renewal(licence),
            "grants": [(g, grants.grantee_shown(g)) for g in grants.grants_of(licence)[:100]],
            "grantee_kinds": grants.Kind.choices,
            # after a refusal, the grant form as the holder filled it
            **_picker(
                form.cleaned_data["organisation_q"] if form is not None else "",
                form.cleaned_data["organisation"] if form is not None else "",
            ),
            "error": error,
            "posted": form.cleaned_data if form is not None else {},
        },
        status=status,
    )


def _picker(query: str, selected: str) -> dict:
    """The grant form's department picker: the departments matching what the holder typed (the one chosen kept in
    the list; a single match chosen for them), at most PICKER_LIMIT of them, and how many matched."""
    query, selected = str(query or "").strip()[:40], str(selected or "").strip()
    found = grants.organisations(query)
    shown = found[: grants.PICKER_LIMIT]
    if selected and selected not in {str(o.pk) for o in shown}:
        chosen = next((o for o in grants.organisations() if str(o.pk) == selected), None)
        shown = [chosen, *shown] if chosen else shown
    if not selected and query and len(found) == 1:
        selected = str(found[0].pk)
    return {
        "organisations": shown,
        "organisation_q": query,
        "organisation_selected": selected,
        "organisation_found": len(found),
        "organisation_more": max(0, len(found) - grants.PICKER_LIMIT),
    }


def organisations(request):
    """The department picker's options for what the holder typed (htmx; the whole list works without script)."""
    context = _picker(request.GET.get("organisation_q", ""), request.GET.get("organisation", ""))
    return render(request, "licences/portal/_organisation_options.html", {**context, "oob": True})


@require_POST
def authorise(request, identifier: str):
    """授权用证: the holder names the party, the purpose and the last day."""
    applicant, answer = _holder(request)
    if answer:
        return answer
    licence = _mine(applicant, identifier)
    form = GrantForm(request.POST)
    form.is_valid()  # text as typed: the service checks every field
    try:
        grants.authorise(licence=licence, by=request.user, **form.for_service())
    except DomainError as exc:
        return detail(request, identifier, error=exc, status=exc.status, form=form)
    messages.success(request, _("已授权。被授权方在授权期内可以查验该证照,您可以随时撤回。"))
    return redirect("portal_licences:detail", identifier=identifier)


@require_POST
def revoke_grant(request, grant: int):
    applicant, answer = _holder(request)
    if answer:
        return answer
    try:
        row = grants.holder_grant(by=request.user, grant_id=grant)
        grants.revoke(grant=row, by=request.user)
    except NotFound as exc:
        raise Http404(exc.message) from None
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("portal_licences:wallet")
    messages.success(request, _("已撤回授权。"))
    return redirect("portal_licences:detail", identifier=row.licence.identifier)


def _granted(request, grant: int, action: str):
    if not request.user.is_authenticated:
        return None, redirect(f"{reverse('portal_cases:signin')}?next={quote(request.get_full_path())}")
    try:
        return grants.open_granted(by=request.user, grant_id=grant, action=action), None
    except NotFound as exc:
        raise Http404(exc.message) from None
    except DomainError as exc:
        return None, render(
            request, "licences/portal/granted.html", {"error": exc.message}, status=exc.status
        )


def granted(request, grant: int):
    """A licence authorised to the signed-in company or person: viewed within the grant, each look logged."""
    row, answer = _granted(request, grant, "view")
    if answer:
        return answer
    return render(request, "licences/portal/granted.html", grants.granted_context(row))


def granted_download(request, grant: int):
    row, answer = _granted(request, grant, "download")
    if answer:
        return answer
    licence = services.in_force_version(row.licence)
    pdf = services.stored_pdf(licence)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(services.filename(licence))}"
    return response


def download(request, identifier: str):
    applicant, answer = _holder(request)
    if answer:
        return answer
    licence = _mine(applicant, identifier)
    pdf = services.download(licence=licence, by=request.user)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(services.filename(licence))}"
    return response


@require_POST
def show(request, identifier: str):
    applicant, answer = _holder(request)
    if answer:
        return answer
    licence = _mine(applicant, identifier)
    try:
        token = services.show(licence=licence, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("portal_licences:detail", identifier=identifier)
    url = request.build_absolute_uri(reverse("licence_shown", args=[token.token]))
    return render(
        request,
        "licences/portal/show.html",
        {
            "l": licence,
            "token": token,
            "url": url,
            "qr": qr_svg(url, scale=5),
            "minutes": services.SHOW_MINUTES,
        },
    )
