"""Portal pages for cases (办件): applicant registration and sign-in, applying online with uploads, drafts and an
idempotent submit, my cases with their timeline, notices, supplements and withdrawal; for anyone, the status by case
number and query code, and the due-date calculator (期限计算器). Views parse, call one domain function, render."""

from __future__ import annotations

from functools import wraps
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from zhengwu.cases import deadlines, display, extensions, handling, library, selectors, services, workflow
from zhengwu.cases import forms as case_forms
from zhengwu.cases.application import ApplicationForm, initial_from
from zhengwu.cases.models import POWER_OF_ATTORNEY, Applicant, Status
from zhengwu.cases.views import notice_download
from zhengwu.catalog import selectors as catalog
from zhengwu.core import access, auth, calendar, files, navigation, ratelimit
from zhengwu.core.errors import AccessDenied, Conflict, DomainError, NotFound, ValidationFailed
from zhengwu.core.inputs import is_whole
from zhengwu.core.masking import mask_phone, mask_resident_id
from zhengwu.evaluation import links as rating_links
from zhengwu.evaluation import selectors as ratings
from zhengwu.hall import intake as hall_intake
from zhengwu.hall.forms import DeliveryForm
from zhengwu.portal.cases.forms import (
    ApplicantSignInForm,
    ApplyingAsForm,
    DueForm,
    LookupForm,
    RegisterForm,
    UploadMaterialForm,
    WithdrawForm,
    apply_page,
    applying_as_initial,
)

PASSWORD_BACKEND = "zhengwu.core.backends.StaffBackend"
# The two applicant sign-in pages, as national platforms have them: kind of account → (route, label).
SIGN_IN_PAGES = {
    Applicant.Kind.NATURAL: ("portal_cases:signin", gettext_lazy("个人登录")),
    Applicant.Kind.LEGAL: ("portal_cases:signin_legal", gettext_lazy("法人登录")),
}


def _kind(value) -> str:
    return Applicant.Kind.LEGAL if value == Applicant.Kind.LEGAL else Applicant.Kind.NATURAL


def _next(request, default: str) -> str:
    """The `next` given, if it stays on this site; else `default` ("" with none: the sign-in and register pages
    carry a next only when one was given)."""
    return navigation.next_url(request, default)


def _applicant_required(view):
    """Signed-in applicants only: others go to the portal sign-in (and back); staff to the workbench."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect(f"{reverse('portal_cases:signin')}?next={quote(request.get_full_path())}")
        if access.staff_of(user) is not None:
            messages.info(request, _("您以工作人员身份登录。为申请人办理请使用工作台的「窗口收件」。"))
            return redirect("workbench_cases:index")
        request.applicant = selectors.applicant_of(user)
        if request.applicant is None:
            return render(request, "cases/portal/no_applicant.html", status=403)
        try:
            return view(request, *args, **kwargs)
        except NotFound as err:
            raise Http404(err.message) from None

    return wrapped


# ---- accounts ------------------------------------------------------------------------------------------------


@sensitive_post_parameters("password", "password2")
@never_cache
def register(request):
    """Register with phone or e-mail and a password; the name and number pass the real-name check first."""
    form = RegisterForm(request.POST or None, initial={"kind": _kind(request.GET.get("kind"))})
    if request.method == "POST":
        try:
            ratelimit.limit(request, group="cases.portal_register", rate="5/m")
            if form.is_valid():
                d = form.cleaned_data
                # an account only for a name and number that pass the check
                applicant = services.register_verified(
                    kind=d["kind"],
                    name=d["name"],
                    id_number=d["id_number"],
                    phone=d["phone"],
                    email=d["email"],
                    legal_representative=d["legal_representative"],
                    password=d["password"],
                )
                applicant.user.backend = PASSWORD_BACKEND
                auth.sign_in(request, user=applicant.user)
                messages.success(
                    request, _("注册成功,%(verified_by)s。") % {"verified_by": applicant.verified_by}
                )
                return redirect(_next(request, reverse("portal_cases:index")))
        except DomainError as err:
            form.add_error(err.field if err.field in form.fields else None, err.message)
    return render(request, "cases/portal/register.html", {"form": form, "next": _next(request, "")})


@sensitive_post_parameters("password")
@never_cache
def sign_in(request, kind: str = Applicant.Kind.NATURAL):
    """个人登录 (a natural person's account) and 法人登录 (a company's account: its applicant record with the USCC):
    the account is the phone number or e-mail address, or the ID number / USCC it was registered with. Each entrance
    signs in only its own kind of account; repeated failures lock the account for a while."""
    form = ApplicantSignInForm(request.POST or None, kind=kind)
    if request.method == "POST":
        try:
            ratelimit.limit(request, group="cases.portal_signin", rate="10/m")
            if form.is_valid():
                username = selectors.account_username(kind, form.cleaned_data["account"])
                attempt = auth.check_password(
                    request, username=username, password=form.cleaned_data["password"]
                )
                applicant = selectors.applicant_of(attempt.user)
                if attempt.user is not None and access.staff_of(attempt.user) is not None:
                    form.fail(_("工作人员请从「工作人员登录」入口登录工作台。"))
                elif attempt.user is not None and applicant is None:
                    form.fail(_("该账号不是申请人账号,请先注册。"))
                elif attempt.user is not None and applicant.kind != kind:
                    route, label = SIGN_IN_PAGES[applicant.kind]
                    form.fail(
                        _("这是%(kind)s账号,请从「%(entrance)s」登录。")
                        % {"kind": applicant.get_kind_display(), "entrance": label}
                    )
                    form.other_entrance = (reverse(route), label)
                elif attempt.user is not None:
                    auth.sign_in(request, user=attempt.user)
                    return redirect(_next(request, reverse("portal_cases:index")))
                elif attempt.locked:
                    form.fail(
                        _("登录失败次数过多,账号已暂时锁定,请 %(minutes)s 分钟后再试。")
                        % {"minutes": auth.lockout_minutes(request)}
                    )
                elif attempt.tries_left:
                    form.fail(_("账号或密码错误,还可尝试 %(n)s 次。") % {"n": attempt.tries_left})
                else:
                    form.fail(_("账号或密码错误。"))
        except DomainError as err:
            form.fail(err.message)
    next_url = _next(request, "")
    return render(
        request,
        "cases/portal/signin.html",
        {
            "form": form,
            "next": next_url,
            "kind": kind,
            "title": SIGN_IN_PAGES[kind][1],
            "entrances": [(reverse(route), label, k == kind) for k, (route, label) in SIGN_IN_PAGES.items()],
        },
    )


def sign_in_legal(request):
    """法人登录: the sign-in page for companies' accounts."""
    return sign_in(request, kind=Applicant.Kind.LEGAL)


@require_POST
def sign_out(request):
    auth.sign_out(request)
    messages.success(request, _("您已安全退出。"))
    return redirect("portal_cases:lookup")


# ---- anyone --------------------------------------------------------------------------------------------------


def lookup(request):
    """Status, dates and timeline by case number and query code, without signing in (names masked)."""
    form = LookupForm(request.GET if "number" in request.GET else None)
    status, context = None, {}
    if form.is_bound:
        try:
            ratelimit.limit(request, group="cases.status", rate="30/m")
            if form.is_valid():
                from zhengwu.joint import selectors as joint_selectors

                number, code = form.cleaned_data["number"], form.cleaned_data["query_code"]
                case = selectors.public_case(number, code)  # ordinary cases first: one read (issue 20)
                if case is None:
                    joint = joint_selectors.public_summary(number, code)  # a 联办件: its departments' row
                    if joint is not None:
                        return render(request, "cases/portal/lookup.html", {"form": form, "joint": joint})
                status = selectors.public_status(case)
                status["timeline"] = display.timeline_rows(status["timeline"], chinese=True)
                status["received_when"] = display.when(status["received_at"], chinese=True)
                # the number and query code were right: the stages, and rating as on 好差评's own lookup
                context = _progress_links(case, notices=False)
                # the upload (a missing material, a supplement) is on the case's own page, signed in
                if context["p"]["missing_uploadable"] or context["p"]["next_action"] == "supplement":
                    mine = reverse("portal_cases:detail", args=[case.number])
                    context["sign_in_url"] = f"{reverse('portal_cases:signin')}?next={quote(mine)}"
        except DomainError as err:
            form.add_error(err.field if err.field in form.fields else None, err.message)
    return render(request, "cases/portal/lookup.html", {"form": form, "status": status, **context})


def _progress_links(case, *, notices: bool) -> dict:
    """The case's stages (selectors.progress) and the links its next step needs: the notice to read (for whoever
    may download it), the supplement form, and on a completed case its rating page or the rating given."""
    # the same next step on the applicant's own page and the public lookup (a material missing named there too)
    progress = selectors.progress(case)
    completed = case.status == "completed"
    notice = progress["notice"] if notices else None
    return {
        "p": progress,
        "notice_url": reverse("portal_cases:notice_pdf", args=[case.number, notice.pk]) if notice else "",
        "supplement_form": progress["next_action"] == "supplement" and notices,
        "rate_url": rating_links.rating_path("case", case.pk, channel="portal") if completed else "",
        "rating": ratings.rating_of("case", case.pk) if completed else None,
    }


def due(request):
    """期限计算器: the same function as `zhengwu cases due` and GET /api/cases/due."""
    form = DueForm(request.GET if "accepted" in request.GET else None)
    result = None
    if form.is_bound:
        try:
            ratelimit.limit(request, group="cases.due", rate="60/m")
            if form.is_valid():
                d = form.cleaned_data
                result = deadlines.due_date(
                    calendar.current_calendar(),
                    start=d["accepted"],
                    limit=d["limit"],
                    extensions=[deadlines.Extension(days) for days in d["extensions"]],
                    suspensions=[deadlines.parse_suspension(text) for text in d["suspensions"]],
                )
        except DomainError as err:
            field = {"start": "accepted", "suspended": "suspensions", "extension": "extensions"}.get(
                err.field, err.field
            )
            form.add_error(field if field in form.fields else None, err.message)
    return render(request, "cases/portal/due.html", {"form": form, "result": result})


# ---- applying ------------------------------------------------------------------------------------------------


def _show_error(
    err: DomainError, form: ApplicationForm, who: ApplyingAsForm, delivery: DeliveryForm, own_poa
):
    """A refusal shown at the field it names: the delivery choice's, the applying-as part's, or the form's."""
    if err.field in ("method", "address", "reason"):
        delivery.add_error(err.field, err.message)
    elif not who.show_error(err):
        form.show_error(err, power_of_attorney=own_poa.position if own_poa else None)


@_applicant_required
def apply(request, code: str):
    """Apply online: the item's form and materials; save a draft or submit. The idempotency key is made when the
    page is shown, so a double-clicked or retried submit finds the case already made instead of making another.
    An account holder may apply for themselves or, as agent (代理人), for another person or a company: the
    principal is registered like at the counter (register_applicant), the agent is the account holder, and the
    power of attorney (授权委托书) goes in with the other uploads."""
    item = catalog.item_by_code(code)
    page = apply_page(request)  # the draft, the licence, the idempotency key, the button pressed
    draft = selectors.draft_for(request.user, page["draft"]) if page["draft"] is not None else None
    version = draft.version if draft else item.current_version
    if version is None or item.status != item.Status.ACTIVE or item.organisation_id is None:
        return render(request, "cases/portal/unavailable.html", {"item": item}, status=404)
    key = page["key"]
    # the licence a renewal link (到期提醒, 我的证照) carries: the library takes that one for its material
    prefer = page["licence"]
    own_poa = selectors.own_power_of_attorney(version)  # the item's own 委托书 material, if it lists one
    poa_positions = selectors.power_of_attorney_positions(version)
    form = ApplicationForm(
        request.POST or None,
        request.FILES or None,
        schema=case_forms.schema_of(version),
        materials=version.materials.order_by("position"),
        # taken on paper only (载体 纸质): no file input, said what to do instead
        at_window=handling.at_window_only(version),
        initial=initial_from(draft.form if draft else {}),
    )
    who = ApplyingAsForm(
        request.POST or None,
        request.FILES or None,
        account=request.applicant,
        has_power_of_attorney=bool(draft) and draft.materials.filter(position__in=poa_positions).exists(),
        submitting=page["submitting"],
        own_power_of_attorney=own_poa,
        initial=applying_as_initial(draft, request.applicant),
    )
    # 送达方式: chosen with the application (the address only for post and home delivery)
    delivery = DeliveryForm(
        request.POST or None,
        version=version,
        initial={"method": draft.requested_delivery, "address": draft.delivery_address}
        if draft and draft.requested_delivery
        else None,
    )
    if request.method == "POST":
        done = selectors.case_by_key(request.user, key)
        if done is not None and done.number:
            messages.info(
                request, _("该申请已提交(办件编号 %(number)s),没有重复提交。") % {"number": done.number}
            )
            return redirect("portal_cases:detail", number=done.number)
        valid = all([form.is_valid(), who.is_valid()])  # both checked, so every error shows at once
        form_read = form.is_valid()  # every value read (the missing 委托书 below is said at the form's input)
        valid = not who.power_of_attorney_missing(form) and valid
        principal = who.principal() if who.is_valid() else None
        id_number = principal["id_number"] if principal else request.applicant.id_number
        valid = delivery.check(id_number=id_number) and valid
        if not valid and page["submitting"] and form_read:
            # the form's own checks (required fields…) run in the domain, which a refused 代他人申请 or delivery
            # never reaches: run them here too, so every error shows at once, not one more on the next submit
            try:
                case_forms.validate(case_forms.schema_of(version), form.form_data())
            except DomainError as err:
                form.show_error(err)
        if valid:
            try:
                # one write (hall.intake.apply_online): the draft with its files, then the submission
                outcome = hall_intake.apply_online(
                    item=item,
                    applicant=request.applicant,
                    principal=who.principal(),
                    by=request.user,
                    form=form.form_data(),
                    agent=who.agent(),
                    draft=draft,
                    files=form.files_by_position(),
                    power_of_attorney=(who.cleaned_data.get("power_of_attorney") or None)
                    if who.principal()
                    else None,
                    prefer=prefer,
                    submit=page["submitting"],
                    idempotency_key=key,
                    delivery=delivery.choice() if delivery.chosen else None,
                )
            except DomainError as err:
                outcome = None
                _show_error(err, form, who, delivery, own_poa)
            if outcome is not None:
                draft = outcome.draft
                for name, message in outcome.refused_files.items():
                    (who if name == "power_of_attorney" else form).add_error(name, message)
                if outcome.refused is not None:
                    _show_error(outcome.refused, form, who, delivery, own_poa)
                elif outcome.case is not None:
                    case = outcome.case
                    messages.success(
                        request,
                        _("申请已提交。办件编号 %(number)s,查询码 %(query_code)s,请妥善保存。")
                        % {"number": case.number, "query_code": case.query_code},
                    )
                    return redirect("portal_cases:detail", number=case.number)
                elif not outcome.refused_files:
                    messages.success(request, _("草稿已保存,材料已上传。您可以稍后继续填写并提交。"))
                    return redirect(f"{reverse('portal_cases:apply', args=[code])}?draft={draft.pk}")
    uploaded = {m["position"]: m["files"] for m in selectors.material_checklist(draft)} if draft else {}
    offers = library.offers(draft.applicant if draft else request.applicant, version, prefer=prefer)
    material_rows = [
        (form[name], uploaded.get(int(name[9:]), []), offers.get(int(name[9:])), form.at_window.get(name, ""))
        for name in form.material_fields
    ]
    account = request.applicant
    return render(
        request,
        "cases/portal/apply.html",
        {
            "item": item,
            "version": version,
            "form": form,
            "who": who,
            "delivery": delivery,
            "agent": {
                "name": account.name,
                "id_number": mask_resident_id(account.id_number),
                "phone": mask_phone(account.phone),
            },
            "poa_files": uploaded.get(POWER_OF_ATTORNEY, []),
            "own_poa": own_poa,
            "draft": draft,
            "key": key,
            "material_rows": material_rows,
            "prefer": prefer,
            # several licences of the type (one per premises): the material's row chooses, posting `licence`
            "licence_chosen_in_row": any(offer.get("choices") for offer in offers.values()),
            "upload_limit": files.limit("ZHENGWU_CASE_UPLOAD_MAX_BYTES"),
        },
        status=422 if (form.errors or who.errors or delivery.errors) else 200,
    )


# ---- my cases ------------------------------------------------------------------------------------------------


@_applicant_required
def index(request):
    # a joint case's member cases carry their joint case (联办件), linked from the row
    cases = (
        selectors.my_cases(request.user).exclude(status="draft").select_related("joint_member__joint")[:200]
    )
    return render(
        request,
        "cases/portal/index.html",
        {"cases": cases, "drafts": selectors.drafts_of(request.user)[:50], "applicant": request.applicant},
    )


def _detail(
    request,
    case,
    *,
    status: int = 200,
    error: DomainError | None = None,
    form_errors=None,
    posted=None,
    files_dropped: bool = False,
):
    form_errors = form_errors or {}
    supplement = selectors.open_supplement(case) if case.status == "supplement_requested" else None
    # a 补正 asking a material taken on paper only is handed in at the window: no file inputs, where and when said
    at_window = handling.paper_only_asked(case, supplement.items) if supplement else []
    asked = [
        {**i, "error": form_errors.get(f"material_{i['position']}")}
        for i in (supplement.items if supplement else [])
    ]
    summary = selectors.case_summary(case)
    checklist = selectors.material_checklist(case)
    for m in checklist:  # a refused upload is named at its own file input
        m["upload_error"] = form_errors.get(f"upload_{m['position']}")
    return render(
        request,
        "cases/portal/detail.html",
        {
            "case": case,
            "s": {**summary, "received_when": display.when(summary["received_at"], chinese=True)},
            "timeline": display.timeline_rows(selectors.timeline(case, public=True), chinese=True),
            "notices": selectors.notices_of(case),
            "panels": extensions.panels(request, case),
            "checklist": checklist,
            # a received application may still take its missing materials online (workflow: upload_material); a
            # joint member's come through its joint case's page
            "upload_offered": _takes_uploads(case),
            # where and when a material taken on paper only is handed in (the item's 办理地点 and 办公时间)
            "hand_in_at": handling.where_to_hand_in(case.version),
            "supplement": supplement,
            "asked": asked,
            "supply_at_window": at_window,
            "can_withdraw": workflow.allowed(case.status, "withdraw"),
            **_progress_links(case, notices=True),
            "error": error,
            "posted": posted or {},  # the withdrawal's reason, after a refusal
            "files_dropped": files_dropped,  # a refused 补正 keeps none of the files chosen (supply_with_uploads)
        },
        status=status,
    )


@_applicant_required
def detail(request, number: str):
    """One of my cases: where it stands, what happened when and where, notices, what is asked of me."""
    return _detail(request, selectors.case_for(request.user, number))


@_applicant_required
@require_POST
def supply(request, number: str):
    """Upload what the supplement notice asked for and tell the window it is all there."""
    case = selectors.case_for(request.user, number)
    supplement = selectors.open_supplement(case)
    if supplement is not None and (paper := handling.paper_only_asked(case, supplement.items)):
        err = handling.supplement_at_window_refusal(case, paper)
        return _detail(request, case, status=err.status, error=err, files_dropped=bool(request.FILES))
    uploads, errors = {}, {}
    for name, upload in request.FILES.items():
        if not name.startswith("material_") or not is_whole(name[9:]):
            continue
        try:  # every file is checked before any is kept: each refused one is named at its own field
            services.check_upload(upload, field=name)
            uploads[int(name[9:])] = upload
        except DomainError as err:
            errors[name] = err.message
    if errors:
        return _detail(request, case, status=422, form_errors=errors, files_dropped=bool(request.FILES))
    try:
        services.supply_with_uploads(case=case, by=request.user, uploads=uploads)
    except DomainError as err:
        # a material still missing is named at its file input as well as above the page
        at_inputs = {
            field: message for field, message in err.errors if field and field.startswith("material_")
        }
        return _detail(
            request,
            case,
            status=err.status,
            error=err,
            form_errors=at_inputs,
            files_dropped=bool(request.FILES),
        )
    messages.success(
        request,
        _("材料已补齐,窗口将在 %(intake_workdays)s 个工作日内作出受理决定。")
        % {"intake_workdays": deadlines.INTAKE_WORKDAYS},
    )
    return redirect("portal_cases:detail", number=number)


def _joint_member(case) -> bool:
    """Is the case a member of a joint case (联办件)? Its materials are uploaded on the joint case's page."""
    try:
        return case.joint_member is not None
    except ObjectDoesNotExist:
        return False


def _takes_uploads(case) -> bool:
    """Does the applicant's page take the case's missing materials? A received application does (workflow:
    upload_material); a joint member's come through its joint case's page."""
    return (
        case.status == Status.RECEIVED
        and workflow.allowed(case.status, "upload_material")
        and not _joint_member(case)
    )


@_applicant_required
@require_POST
def upload(request, number: str):
    """Upload a required material still missing from a received application (acceptance waits for it: 行政许可法
    第三十二条); a refused file is named at its own input, nothing kept."""
    case = selectors.case_for(request.user, number)
    form = UploadMaterialForm(request.POST, request.FILES)
    form.is_valid()
    position = form.cleaned_data.get("position")
    field = f"upload_{position}"
    try:
        if position is None:
            raise ValidationFailed(form.errors["position"][0], field="position")
        if "file" in form.errors:
            raise ValidationFailed(form.errors["file"][0], field=field)
        if not _takes_uploads(case):
            raise Conflict(_("本办件当前不能在此上传材料"), field="status")
        if (refusal := handling.paper_only_refusal(case, position, field=field)) is not None:
            raise refusal
        row = services.upload_material(
            case=case, by=request.user, position=position, upload=form.cleaned_data["file"], field=field
        )
    except DomainError as err:
        if err.field == field:  # said at the file input it concerns (a file refused, none chosen), once
            return _detail(request, case, status=err.status, form_errors={field: err.message})
        return _detail(request, case, status=err.status, error=err)
    messages.success(request, _("已上传「%(name)s」。") % {"name": row.name})
    return redirect(reverse("portal_cases:detail", args=[number]) + "#materials-heading")


@_applicant_required
@require_POST
def withdraw(request, number: str):
    case = selectors.case_for(request.user, number)
    form = WithdrawForm(request.POST)
    try:
        if not form.is_valid():  # a reason too long was dropped here and the case withdrawn without it
            raise ValidationFailed(form.message(), field=next(iter(form.errors)))
        services.withdraw_case(case=case, by=request.user, **form.cleaned_data)
    except DomainError as err:
        return _detail(request, case, status=err.status, error=err, posted=request.POST)
    messages.success(request, _("申请已撤回。"))
    return redirect("portal_cases:detail", number=number)


def notice_pdf(request, number: str, notice_id: int):
    """Download a notice issued on my case (applicants; staff use the workbench's link)."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('portal_cases:signin')}?next={quote(request.get_full_path())}")
    try:
        notice = selectors.notice_for(request.user, number, notice_id)
    except (NotFound, AccessDenied) as err:
        raise Http404(err.message) from None
    return notice_download(notice, request)
