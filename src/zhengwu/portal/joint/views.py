"""Public pages of bundles (一件事一次办): the list, each bundle's guide, the 并联审批目录 and each bundle's 实施手册,
each also as a printable PDF."""

from __future__ import annotations

from functools import wraps
from urllib.parse import quote

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhengwu.cases import selectors as case_selectors
from zhengwu.core import access, clock
from zhengwu.core.documents import render_pdf
from zhengwu.core.errors import DomainError, NotFound, ValidationFailed
from zhengwu.core.inputs import is_whole
from zhengwu.hall.forms import DeliveryForm
from zhengwu.joint import bundles, endings, pages, permissions, selectors, services
from zhengwu.joint.models import Phase
from zhengwu.portal.joint import forms


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


# ---- applying and following a joint case (applicants) ----------------------------------------------------------


def _applicant_required(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect(f"{reverse('portal_cases:signin')}?next={quote(request.get_full_path())}")
        if access.staff_of(user) is not None:
            messages.info(request, _("您以工作人员身份登录。为申请人办理请使用工作台的「并联审批」。"))
            return redirect("workbench_joint:index")
        request.applicant = case_selectors.applicant_of(user)
        if request.applicant is None:
            return render(request, "cases/portal/no_applicant.html", status=403)
        try:
            return view(request, *args, **kwargs)
        except NotFound as err:
            raise Http404(err.message) from None

    return wrapped


@_applicant_required
def apply(request, code: str):
    from zhengwu.joint.application import MergedForm

    version = bundles.published(code)
    form = MergedForm(request.POST or None, version=version)
    error = None
    # 结果送达方式: the hall's choice as on a single item's form (offered by the lead's member item), recorded on
    # every member case
    lead = (
        version.members.select_related("item__current_version")
        .filter(item__organisation_id=version.bundle.lead_organisation_id)
        .order_by("stage", "position")
        .first()
        or version.members.select_related("item__current_version").order_by("stage", "position").first()
    )
    delivery = DeliveryForm(request.POST or None, version=lead.item.current_version)
    # every error in one answer: the delivery choice checked whatever the form says; and when the form could not
    # read a value or the delivery choice is wrong, the domain still names every bad field of the form (checked
    # once: apply, which checks it, is not reached then)
    readable = request.method == "POST" and form.is_valid()
    delivered = request.method == "POST" and delivery.check(id_number=request.applicant.id_number)
    if request.method == "POST" and not (readable and delivered):
        try:
            services.check_form(version, form.form_data())
        except DomainError as err:
            form.show_error(err)
    if readable and delivered:
        try:
            joint = services.apply(
                bundle=version.bundle,
                applicant=request.applicant,
                by=request.user,
                form=form.form_data(),
                delivery=delivery.choice() if delivery.chosen else None,
            )
        except DomainError as err:
            if (err.field or "").startswith("form."):
                form.show_error(err)
            else:
                error = err
        else:
            messages.success(
                request,
                _("已提交,联办件编号 %(number)s,查询码 %(query_code)s。请按材料清单上传材料。")
                % {"number": joint.number, "query_code": joint.query_code},
            )
            return redirect("portal_joint:case", number=joint.number)
    context = selectors.guide_context(version)
    return render(
        request,
        "joint/portal/apply.html",
        {**context, "form": form, "error": error, "delivery": delivery},
        status=422 if (form.errors or error or (request.method == "POST" and delivery.errors)) else 200,
    )


@_applicant_required
def my_cases(request):
    joints = services.visible_joint_cases(request.user).order_by("-created_at")
    return render(request, "joint/portal/my_cases.html", {"joints": joints})


@_applicant_required
def case(request, number: str):
    return _case_page(request, services.joint_by_number(request.user, number))


def _case_page(
    request, joint, *, upload_error: dict | None = None, supply_errors: dict | None = None, status: int = 200
):
    """The applicant's joint case page; a refused upload is shown at its material's row (`upload_error`: the
    material's number and the message), the page answered with the error's status."""
    summary = selectors.joint_summary(joint, user=request.user)
    materials = selectors.merged_checklist(joint)
    for m in materials:  # 提交补正 refused: each material still missing named at its row
        m["supply_error"] = (supply_errors or {}).get(m["position"], "")
    results = selectors.member_results(joint)
    applicant = case_selectors.applicant_of(request.user)
    if applicant is not None and any(r["licence_identifier"] for r in results):
        from zhengwu.licences import services as licences  # the wallet: linked only where it opens for them

        held = set(
            licences.held_by(applicant.id_number)
            .filter(identifier__in=[r["licence_identifier"] for r in results])
            .values_list("identifier", flat=True)
        )
        for r in results:
            if r["licence_identifier"] in held:
                r["licence_url"] = reverse("portal_licences:detail", args=[r["licence_identifier"]])
    allowed = permissions.allowed_actions(request.user, joint)
    return render(
        request,
        "joint/portal/case.html",
        {
            "joint": joint,
            "s": summary,
            "materials": materials,
            "results": results,
            "supplement": joint.phase == Phase.SUPPLEMENT,
            # what the services would accept from this applicant now (joint.permissions)
            "may_upload": allowed["upload"],
            "may_withdraw": allowed["withdraw"],
            "upload_error": upload_error,
        },
        status=status,
    )


@require_POST
@_applicant_required
def upload(request, number: str):
    return pages.upload(
        request,
        services.joint_by_number(request.user, number),
        forms.UploadForm(request.POST, request.FILES),
        page=_case_page,
        back="portal_joint:case",
        done=_("已上传「%(name)s」,送达%(count)s个部门事项。"),
    )


@require_POST
@_applicant_required
def supply(request, number: str):
    joint = services.joint_by_number(request.user, number)
    try:
        services.supply(joint=joint, by=request.user)
        messages.success(request, _("已提交补正,各部门将重新审查。"))
    except DomainError as err:
        messages.error(request, err.message)
        at_rows = {
            int(field[9:]): message
            for field, message in err.errors
            if field and field.startswith("material_") and is_whole(field[9:])
        }
        if at_rows:  # a material still missing is named at its row as well as above the page
            return _case_page(request, joint, supply_errors=at_rows, status=err.status)
    return redirect("portal_joint:case", number=joint.number)


@require_POST
@_applicant_required
def withdraw(request, number: str):
    joint = services.joint_by_number(request.user, number)
    form = forms.WithdrawForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed(form.message())
        endings.withdraw(joint=joint, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("已撤回联办申请,各部门尚未决定的办件一并撤回。"))
    except DomainError as err:
        messages.error(request, err.message)
    return redirect("portal_joint:case", number=joint.number)
