"""Staff pages of disclosure: drafting and review, request queues and handling, the annual report."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhengwu.core import access, clock, files, personal
from zhengwu.core.errors import AccessDenied, DomainError, NotFound, ValidationFailed
from zhengwu.core.forms import whole
from zhengwu.disclosure import (
    annual,
    deadlines,
    letters,
    outcomes,
    permissions,
    selectors,
    services,
    workflow,
)
from zhengwu.disclosure.models import DisclosureRequest, Publication, Remedy
from zhengwu.supervision import selectors as supervision_selectors
from zhengwu.workbench.disclosure import forms
from zhengwu.workbench.reveal import answer as reveal_answer


def _found(read, user, pk: int):
    """A scoped record, or 404 when it does not exist or is outside the user's scope."""
    try:
        return read(user, pk)
    except NotFound:
        raise Http404() from None


def _fail(request, exc: DomainError):
    messages.error(request, exc.message)


@login_required
def home(request):
    today = clock.today()
    # the requests and the annual reports are the officers' work (disclosure.permissions): a confidentiality reviewer
    # or a leader finds here only the reviews they may sign
    officer = permissions.organisations_for(request.user, "report").exists()
    orgs = access.visible_organisations(request.user).order_by("name")[:50] if officer else []
    reminders = [
        {
            "org": o,
            "deadline": deadlines.annual_report_deadline(
                is_government=o.kind == "government", year=today.year - 1
            ),
        }
        for o in orgs
    ]
    return render(
        request,
        "disclosure/workbench/home.html",
        {
            "reviews": selectors.review_queue(request.user)[:50],
            "open": selectors.request_queue(request.user, "open") if officer else [],
            "officer": officer,
            "reminders": reminders,
            "report_year": today.year - 1,
            "may_draft": officer,
        },
    )


@login_required
def publications(request):
    status = request.GET.get("status", "")
    return render(
        request,
        "disclosure/workbench/publications.html",
        {
            "rows": selectors.staff_publications(request.user, status=status)[:200],
            "states": workflow.PUBLICATION_STATES,
            "status": status,
            "may_draft": permissions.organisations_for(request.user, "draft").exists(),
        },
    )


def _publication_values(pub: Publication | None, form=None) -> dict:
    """What the draft's inputs show: what was typed when the form failed, else the draft as saved."""
    if form is not None and form.is_bound and form.errors:
        data = form.data
        return {
            "title": data.get("title", ""),
            "document_number": data.get("document_number", ""),
            "genre": data.get("genre", ""),
            "category": data.get("category", ""),
            "subject": data.get("subject", ""),
            "written_on": data.get("written_on", ""),
            "interprets": data.get("interprets", ""),
            "important": bool(data.get("important")),
            "body": data.get("body", ""),
            "organisation": data.get("organisation", ""),
        }
    if pub is None:
        return {"genre": "other"}
    return {
        "title": pub.title,
        "document_number": pub.document_number,
        "genre": pub.genre,
        "category": str(pub.category_id or ""),
        "subject": pub.subject,
        "written_on": pub.written_on.isoformat() if pub.written_on else "",
        "interprets": pub.interprets.index_number if pub.interprets_id else "",
        "important": pub.important,
        "body": pub.body,
    }


@login_required
def publication_new(request):
    orgs = permissions.organisations_for(request.user, "draft")
    form = forms.NewPublicationForm(request.POST or None, organisations=orgs)
    if request.method == "POST" and form.is_valid():
        try:
            pub = services.create_draft(
                organisation=form.cleaned_data["organisation"],
                by=request.user,
                title=form.cleaned_data["title"],
                **form.fields_for_service(),
            )
        except DomainError as exc:
            form.fail(exc)
        else:
            messages.success(
                request, _("已保存草稿,索引号 %(index_number)s") % {"index_number": pub.index_number}
            )
            return redirect("workbench_disclosure:publication", pk=pub.pk)
    return render(
        request,
        "disclosure/workbench/publication_form.html",
        {
            "orgs": orgs,
            "genres": Publication.Genre.choices,
            "categories": selectors.categories(organisations=orgs),
            "pub": None,
            "values": _publication_values(None, form),
            "errors": form.error_map() if form.is_bound else {},
        },
        status=422 if form.errors else 200,
    )


@login_required
def publication(request, pk: int):
    pub = _found(selectors.staff_publication, request.user, pk)
    if request.method == "POST":
        form = forms.EditPublicationForm(request.POST, organisation=pub.organisation)
        if form.is_valid():
            try:
                pub = services.update_draft(
                    publication=pub,
                    by=request.user,
                    title=form.cleaned_data["title"],
                    version=form.cleaned_data["version"] or pub.version,
                    **form.fields_for_service(),
                )
            except DomainError as exc:
                form.fail(exc)
            else:
                messages.success(request, _("已保存"))
                return redirect("workbench_disclosure:publication", pk=pub.pk)
        return _publication_page(request, pub, form=form)
    return _publication_page(request, pub)


def _publication_page(
    request,
    pub: Publication,
    *,
    attachment_error: DomainError | None = None,
    form: forms.EditPublicationForm | None = None,
):
    errors = form.error_map() if form is not None else {}
    return render(
        request,
        "disclosure/workbench/publication.html",
        {
            "pub": pub,
            "ledger": pub.ledger.all(),
            "attachments": pub.attachments.all(),
            "attachment_error": attachment_error,
            "attachment_limit_mb": services.attachment_max_bytes() // (1024 * 1024),
            "genres": Publication.Genre.choices,
            "categories": selectors.categories(organisation=pub.organisation),
            "can": permissions.allowed_actions(request.user, pub),
            "reviewer_wanted": selectors.reviewer_wanted(pub),
            # what the previous round of review saw, for the reviewers of this one (and the drafter of a draft sent back)
            "changes": selectors.changes_since_last_review(pub),
            "values": _publication_values(pub, form),
            "errors": errors,
        },
        status=attachment_error.status if attachment_error else 422 if errors else 200,
    )


@login_required
@require_POST
def attachment_add(request, pk: int):
    pub = _found(selectors.staff_publication, request.user, pk)
    form = forms.AttachmentForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationFailed(form.error_map().get("file") or form.message(), field="file")
        added = services.add_attachment(
            publication=pub, by=request.user, upload=form.cleaned_data["file"], name=form.cleaned_data["name"]
        )
    except DomainError as exc:
        return _publication_page(
            request, _found(selectors.staff_publication, request.user, pk), attachment_error=exc
        )
    messages.success(request, _("已上传附件:%(name)s") % {"name": added.name})
    return redirect("workbench_disclosure:publication", pk=pk)


@login_required
@require_POST
def attachment_remove(request, pk: int, attachment: int):
    try:
        row = selectors.staff_attachment(request.user, pk, attachment)
        services.remove_attachment(attachment=row, by=request.user)
        messages.success(request, _("已删除附件"))
    except NotFound:
        raise Http404() from None
    except DomainError as exc:
        _fail(request, exc)
    return redirect("workbench_disclosure:publication", pk=pk)


@login_required
def attachment_file(request, pk: int, attachment: int):
    try:
        row = selectors.staff_attachment(request.user, pk, attachment)
    except NotFound:
        raise Http404() from None
    return FileResponse(
        row.file.open("rb"),
        as_attachment=True,
        filename=_download_name(row),
        content_type=row.content_type or "application/octet-stream",
    )


def _download_name(row) -> str:
    ext = files.EXTENSIONS.get(row.content_type, "")
    return row.name if not ext or row.name.lower().endswith("." + ext) else f"{row.name}.{ext}"


@login_required
@require_POST
def publication_action(request, pk: int, action: str):
    pub = _found(selectors.staff_publication, request.user, pk)
    form_class = forms.PUBLICATION_ACTIONS.get(action)
    form = form_class(request.POST) if form_class is not None else None
    try:
        if form is None:
            raise ValidationFailed(_("未知操作"), field="action")
        if not form.is_valid():
            raise ValidationFailed(form.message())
        data, by = form.cleaned_data, request.user
        if action == "submit":
            services.submit(publication=pub, by=by)
        elif action == "approve":
            services.approve(publication=pub, by=by, opinion=data["opinion"])
        elif action == "reject":
            services.reject(publication=pub, by=by, opinion=data["opinion"])
        elif action == "publish":
            services.publish(publication=pub, by=by, at=data["at"])
        elif action == "withdraw":
            services.withdraw(publication=pub, by=by, reason=data["opinion"])
        elif action == "repeal":
            services.change_validity(
                publication=pub,
                by=by,
                validity="repealed",
                replaced_by=data["replaced_by"],
                reason=data["opinion"],
            )
        messages.success(request, _("已办理:%(action)s") % {"action": workflow.action_label(action)})
    except DomainError as exc:
        _fail(request, exc)
    return redirect("workbench_disclosure:publication", pk=pk)


@login_required
def requests(request):
    queue = request.GET.get("queue", selectors.DEFAULT_QUEUE)
    return render(
        request,
        "disclosure/workbench/requests.html",
        {
            "rows": selectors.request_queue(request.user, queue),
            "queue": queue,
            "queues": selectors.QUEUES,
            "may_file": permissions.organisations_for(request.user, "file_request").exists(),
        },
    )


@login_required
def request_new(request):
    orgs = permissions.organisations_for(request.user, "file_request")
    form = forms.RequestForm(request.POST or None, organisations=orgs)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.file_request(by=request.user, **form.cleaned_data)
        except DomainError as exc:
            for field, message in exc.errors:  # every wrong field at once (services.check_requester)
                form.add_error(field if field in form.fields else None, message)
        else:
            return redirect("workbench_disclosure:request", pk=created.pk)
    return render(
        request,
        "disclosure/workbench/request_form.html",
        {
            "orgs": orgs,
            "channels": DisclosureRequest.Channel.choices,
            "kinds": DisclosureRequest.RequesterKind.choices,
            "post": request.POST,
            "errors": form.error_map() if form.is_bound else {},
        },
        status=422 if form.errors else 200,
    )


@login_required
def request_detail(request, pk: int):
    return _request_page(request, _found(selectors.staff_request, request.user, pk))


@login_required
@require_POST
def request_reveal(request, pk: int):
    """The request page with the requester's personal data in full, for this answer only: given a reason, by those
    who may (disclosure.selectors.may_reveal_requester), written to the audit chain (core.personal.reveal)."""
    r = _found(selectors.staff_request, request.user, pk)
    return reveal_answer(
        request,
        obj=r,
        fields=personal.personal_names(selectors.requester_fields(r)),
        may=selectors.may_reveal_requester(request.user, r),
        refusal=_("只有答复该申请的政务公开人员和监察人员可以查看申请人的完整个人信息"),
        label=r.number,
        page=lambda reveal, status: _request_page(request, r, reveal=reveal, status=status),
    )


def _request_page(
    request,
    r: DisclosureRequest,
    *,
    reveal: personal.Reveal | None = None,
    failed: dict | None = None,
    status: int = 200,
):
    reveal = reveal or personal.Reveal(may=selectors.may_reveal_requester(request.user, r))
    events = list(r.events.all())
    due = None
    if r.status in workflow.OPEN_REQUEST_STATES:
        try:
            due = services.due_of(r, events)
        except DomainError:
            due = None
    can = permissions.allowed_actions(request.user, r)
    # an ask to extend waiting for the head (one left on a request concluded since is moot)
    asked = bool(r.extension_asked_days) and r.status in workflow.OPEN_REQUEST_STATES
    asked_due = None
    # the date the head's 同意 would give, counted the same way
    if asked and due is not None:
        asked_due = services.due_of(r, events, extension=r.extension_asked_days)
    by_item = None
    if can.get(
        "notify_fee"
    ):  # 按件计收 charges only from the 11th request of a month: offer it where it charges
        n, amount, _explanation = services.fee_for(r, method=DisclosureRequest.FeeMethod.ITEMS)
        by_item = {"n": n, "amount": amount}
    return render(
        request,
        "disclosure/workbench/request.html",
        {
            "r": r,
            "events": events,
            "due": due,
            "outcomes": outcomes.OUTCOMES,
            "alert": deadlines.alert_level(r.due_on, clock.today())
            if r.due_on and r.status == "processing"
            else "",
            "supplement_deadline": deadlines.supplement_request_deadline(r.received_on).value,
            "requester": personal.shown(selectors.requester_fields(r), revealed=reveal.revealed)["requester"],
            "reveal": reveal,
            "orders": supervision_selectors.orders_on_request(request.user, r),
            "can": can,
            "by_item": by_item,
            "asked": asked,
            "asked_due": asked_due,
            "extension_asks": selectors.extension_asks(r, events),
            "asked_refusal": permissions.refusal(request.user, r, "extend")
            if can["refuse_extension"]
            else None,
            # the refused form's errors and typed values, by action (reply, request_supplement, extend)
            # (the head's 同意 and 不同意 share one form: "decide_extension")
            "failed": {_form_of(failed["action"]): failed} if failed else {},
        },
        status=status,
    )


@login_required
@require_POST
def request_action(request, pk: int, action: str):
    r = _found(selectors.staff_request, request.user, pk)
    form_class = forms.REQUEST_ACTIONS.get(action)
    form = form_class(request.POST) if form_class is not None else None
    try:
        if form is None:
            raise ValidationFailed(_("未知操作"), field="action")
        if not form.is_valid():
            raise ValidationFailed(form.message())
        data, by = form.cleaned_data, request.user
        on = data["on"]
        if action == "request_supplement":
            services.request_supplement(
                request=r,
                by=by,
                items=data["items"],
                on=on,
                workdays=deadlines.DEFAULT_SUPPLEMENT_PERIOD_WORKDAYS
                if data["workdays"] is None
                else data["workdays"],
            )
        elif action == "receive_supplement":
            services.receive_supplement(request=r, by=by, on=on, content=data["note"])
        elif action == "consult_third_party":
            services.consult_third_party(request=r, by=by, third_party=data["third_party"], on=on)
        elif action == "third_party_answered":
            services.record_third_party_answer(request=r, by=by, opinion=data["note"], on=on)
        elif action == "notify_fee":
            services.notify_fee(request=r, by=by, method=data["method"], pages=data["pages"], on=on)
        elif action == "receive_payment":
            services.receive_payment(request=r, by=by, on=on)
        elif action == "ask_extension":
            services.ask_extension(request=r, by=by, days=data["days"] or 0, reason=data["note"], on=on)
        elif action == "extend":
            extended = services.approve_extension(request=r, by=by, opinion=data["opinion"], on=on)
            if not services.reachable(extended):
                messages.warning(
                    request,
                    _("申请人未留联系电话或电子邮箱,请书面告知申请人延长答复期限及理由(第三十三条第一款)"),
                )
        elif action == "refuse_extension":
            services.refuse_extension(request=r, by=by, opinion=data["opinion"], on=on)
        elif action == "reply":
            outcome, reason = data["outcome"]
            services.reply(request=r, by=by, outcome=outcome, reason=reason, text_=data["text"], on=on)
        elif action == "withdraw":
            services.withdraw_request(request=r, by=by, on=on, note=data["note"])
        elif action == "archive":
            services.archive(request=r, by=by)
        messages.success(request, _("已办理:%(action)s") % {"action": workflow.action_label(action)})
    except DomainError as exc:
        placed = _placed(action, form, exc)
        if placed is not None:
            return _request_page(request, r, failed=placed, status=422)
        _fail(request, exc)
    return redirect("workbench_disclosure:request", pk=pk)


def _form_of(action: str) -> str:
    """The request page's form an action is posted from."""
    return "decide_extension" if action in permissions.EXTENSION_DECISIONS else action


# The inputs of the request page's forms that show their own refusal (a service's field → the form's input).
PLACED_FIELDS = {
    "reply": {"outcome": "outcome", "reason": "outcome", "text": "text"},
    "request_supplement": {"items": "items", "workdays": "workdays"},
    "ask_extension": {"days": "days", "reason": "note", "note": "note"},
    "extend": {"opinion": "opinion"},
    "refuse_extension": {"opinion": "opinion"},
}


def _placed(action: str, form, exc: DomainError) -> dict | None:
    """A refusal of the reply, 告知补正 or 延长 form about one of its inputs, to be shown under that input with what
    was typed (it was a message above the page, far from the form at 390 px, the text typed lost); None otherwise."""
    fields = PLACED_FIELDS.get(action)
    if fields is None or form is None or not isinstance(exc, ValidationFailed):
        return None
    if form.is_bound and form.errors:
        found = [next(iter(form.error_map().items()))]
    else:  # every input the service refused (延长: the days and the reason at once)
        found = exc.errors
    errors = {fields[field]: message for field, message in reversed(found) if field in fields}
    if not errors:
        return None
    return {"action": action, "errors": errors, "values": form.data}


@login_required
def request_letter(request, pk: int):
    r = _found(selectors.staff_request, request.user, pk)
    if not selectors.may_reveal_requester(request.user, r):
        # the letter is addressed to the requester by full name (and sent to their address): it is theirs and
        # the officers' who answer them, not for those the request page shows masked
        raise AccessDenied(_("答复书载有申请人的完整个人信息,只有答复该申请的政务公开人员和监察人员可以下载"))
    try:
        pdf = letters.reply_letter_pdf(r, base_url=request.build_absolute_uri("/"))
    except DomainError as exc:
        _fail(request, exc)
        return redirect("workbench_disclosure:request", pk=pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="reply-{r.number}.pdf"'
    return response


@login_required
def report(request, org: int, year: int):
    organisation = get_object_or_404(access.visible_organisations(request.user), pk=org)
    fmt = request.GET.get("format", "")
    if fmt in annual.CONTENT_TYPES:
        content = annual.render(organisation, year, fmt)
        response = HttpResponse(content, content_type=annual.CONTENT_TYPES[fmt])
        response["Content-Disposition"] = (
            f'attachment; filename="annual-report-{organisation.uscc}-{year}.{fmt}"'
        )
        return response
    if request.method == "POST":
        form = forms.ReportForm(request.POST, figures=annual.report.MANUAL_FIGURES)
        form.is_valid()  # free text only: nothing to refuse here; annual.save_texts checks the figures
        try:
            if form.cleaned_data["action"] == "publish":
                pub = annual.publish_as_publication(organisation=organisation, year=year, by=request.user)
                messages.success(
                    request,
                    _("已生成公开信息草稿 %(index_number)s,请按审查流程发布")
                    % {"index_number": pub.index_number},
                )
                return redirect("workbench_disclosure:publication", pk=pub.pk)
            annual.save_texts(
                organisation=organisation,
                year=year,
                by=request.user,
                overview=form.cleaned_data["overview"],
                problems=form.cleaned_data["problems"],
                other_matters=form.cleaned_data["other_matters"],
                figures=form.figures(),
            )
            messages.success(request, _("已保存"))
        except DomainError as exc:
            _fail(request, exc)
        return redirect("workbench_disclosure:report", org=org, year=year)
    data = annual.data_for(organisation, year)
    return render(
        request,
        "disclosure/workbench/report.html",
        {
            "org": organisation,
            "year": year,
            "data": data,
            "saved": annual.saved(organisation, year),
            "html": annual.render_html_fragment(data),
            "url": reverse("workbench_disclosure:report", args=[org, year]),
            "can": permissions.allowed_actions(request.user, organisation),
        },
    )


@login_required
def reports(request):
    year = clock.today().year - 1
    orgs = access.visible_organisations(request.user).order_by("name")
    rows = [
        {
            "org": o,
            "deadline": deadlines.annual_report_deadline(is_government=o.kind == "government", year=year),
        }
        for o in orgs
    ]
    return render(
        request, "disclosure/workbench/reports.html", {"rows": rows, "year": year, "today": clock.today()}
    )


def _organisation(request, value=None):
    """The organisation chosen (?org=), or the user's own, within what they may see; 404 outside it."""
    orgs = access.visible_organisations(request.user)
    chosen = value if value is not None else forms.chosen(request)["org"]
    if chosen is not None and whole(chosen) is not None:
        return get_object_or_404(orgs, pk=whole(chosen)), orgs
    staff = access.staff_of(request.user)
    own = orgs.filter(pk=staff.organisation_id).first() if staff else None
    found = own or orgs.order_by("name").first()
    if found is None:
        raise Http404()
    return found, orgs


def _year(request) -> int:
    year = forms.chosen(request)["year"]
    year = clock.today().year if year is None else year
    if not 2008 <= year <= clock.today().year + 1:
        raise Http404()
    return year


@login_required
def remedies(request):
    """Reconsideration and litigation about disclosure, per organisation and year; they feed report section 四."""
    organisation, orgs = _organisation(request)
    year = _year(request)
    errors, post = {}, request.POST
    if request.method == "POST":
        concluding = bool(post.get("remedy"))
        form = (
            forms.ConcludeRemedyForm(post)
            if concluding
            else forms.RemedyForm(post, organisation=organisation)
        )
        if form.is_valid():
            data = form.cleaned_data
            try:
                if concluding:
                    services.conclude_remedy(
                        remedy=_found(selectors.staff_remedy, request.user, data["remedy"]),
                        by=request.user,
                        result=data["result"],
                        concluded_on=data["concluded_on"],
                        note=data["note"],
                    )
                else:
                    services.record_remedy(
                        organisation=organisation,
                        by=request.user,
                        kind=data["kind"],
                        filed_on=data["filed_on"],
                        result=data["result"],
                        concluded_on=data["concluded_on"],
                        request=data["request_number"],
                        note=data["note"],
                    )
            except DomainError as exc:
                form.fail(exc)
        errors = form.error_map()
        if not errors:
            messages.success(request, _("已登记"))
            return redirect(f"{reverse('workbench_disclosure:remedies')}?org={organisation.pk}&year={year}")
    section = annual.data_for(organisation, year)["sections"]["remedies"]
    counts = [
        {
            "label": annual.report.REMEDY_KINDS[kind],
            "values": [section["table"][kind][k] for k in annual.report.REMEDY_RESULTS],
        }
        for kind in annual.report.REMEDY_KINDS
    ]
    return render(
        request,
        "disclosure/workbench/remedies.html",
        {
            "org": organisation,
            "orgs": orgs.order_by("name"),
            "year": year,
            "rows": selectors.remedies_for_year(organisation, year),
            "kinds": Remedy.Kind.choices,
            "results": Remedy.Result.choices,
            "final_results": [c for c in Remedy.Result.choices if c[0] != Remedy.Result.PENDING],
            "result_labels": [annual.report.REMEDY_RESULT_LABELS[k] for k in annual.report.REMEDY_RESULTS],
            "section_title": section["title"],
            "can": permissions.allowed_actions(request.user, organisation),
            "counts": counts,
            "errors": errors,
            "post": post if errors else {},
        },
        status=422 if errors else 200,
    )


@login_required
def catalogue(request):
    """The organisation's disclosure catalogue (category tree): add categories, create the statutory ones."""
    organisation, orgs = _organisation(request)
    errors, post = {}, request.POST
    if request.method == "POST":
        form = forms.CategoryForm(post, organisation=organisation)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["action"] == "statutory":
                    made = services.ensure_catalogue(organisation=organisation, by=request.user)
                    messages.success(request, _("已补齐法定公开目录 %(n)s 项") % {"n": len(made)})
                else:
                    services.add_category(
                        organisation=organisation,
                        by=request.user,
                        code=data["code"],
                        name=data["name"],
                        parent=data["parent"],
                        statutory=data["statutory"],
                    )
                    messages.success(request, _("已添加目录"))
            except DomainError as exc:
                form.fail(exc)
        errors = form.error_map()
        if not errors:
            return redirect(f"{reverse('workbench_disclosure:catalogue')}?org={organisation.pk}")
    return render(
        request,
        "disclosure/workbench/catalogue.html",
        {
            "org": organisation,
            "orgs": orgs.order_by("name"),
            "tree": selectors.catalogue(organisation),
            "can": permissions.allowed_actions(request.user, organisation),
            "nodes": selectors.categories(organisation=organisation),
            "errors": errors,
            "post": post if errors else {},
        },
        status=422 if errors else 200,
    )


@login_required
def profile(request):
    """The organisation's disclosure guide (公开指南), index-number code and approval rule."""
    organisation, orgs = _organisation(request)
    errors, post = {}, request.POST
    current = services.profile_of(organisation)
    if request.method == "POST":
        form = forms.ProfileForm(post)
        if form.is_valid():
            try:
                services.save_profile(organisation=organisation, by=request.user, **form.cleaned_data)
            except DomainError as exc:
                form.fail(exc)
        errors = form.error_map()
        if not errors:
            messages.success(request, _("已保存公开指南"))
            return redirect(f"{reverse('workbench_disclosure:profile')}?org={organisation.pk}")
    return render(
        request,
        "disclosure/workbench/profile.html",
        {
            "org": organisation,
            "orgs": orgs.order_by("name"),
            "profile": current,
            "can": permissions.allowed_actions(request.user, organisation),
            "errors": errors,
            "post": post if errors else None,
        },
        status=422 if errors else 200,
    )
