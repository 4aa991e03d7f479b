"""Evaluation workbench: the counter tablet, ratings and appeals, the rectification queue, the first-inquiry
ledger, one-time notices, service commitments, region settings and the monthly export."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zhengwu.cases.selectors import case_for
from zhengwu.core import access, clock, navigation, personal, thresholds
from zhengwu.core.calendar import current_calendar
from zhengwu.core.errors import DomainError, ValidationFailed
from zhengwu.core.inputs import is_whole
from zhengwu.core.masking import mask_email, mask_name, mask_phone
from zhengwu.core.models import Role
from zhengwu.evaluation import exports, permissions, rules, selectors, services
from zhengwu.evaluation.models import Appeal, RatingChannel
from zhengwu.workbench.evaluation.forms import (
    RECTIFICATION_FORMS,
    AnswerInquiryForm,
    AppealForm,
    CommitmentForm,
    DecideAppealForm,
    HandOverForm,
    InquiryForm,
    NoticeForm,
    NoticeSendForm,
    OrganisationChoiceForm,
    SettingsForm,
    TabletForm,
    refusal,
)
from zhengwu.workbench.pages import staff_page
from zhengwu.workbench.reveal import answer as reveal_answer

_staff_required = staff_page  # the one gate (workbench.pages)


def _fail(form, err: DomainError) -> None:
    form.add_error(err.field if err.field in form.fields else None, err.message)


def _month(request) -> str:
    month = request.GET.get("month", "") or clock.today().strftime("%Y-%m")
    try:
        rules.month_bounds(month)
    except ValidationFailed:
        month = clock.today().strftime("%Y-%m")
    return month


@_staff_required
def index(request):
    """What needs doing: rectifications by light, appeals waiting, this month's figures in scope."""
    month = _month(request)
    queue = selectors.rectification_queue(request.user)
    visible = set(access.visible_organisations(request.user).values_list("name", flat=True))
    return render(
        request,
        "evaluation/workbench/index.html",
        {
            "month": month,
            "queue": queue,
            "red": sum(1 for r in queue if r.light == "red"),
            "yellow": sum(1 for r in queue if r.light == "yellow"),
            # the appeals this person may decide: not one they filed themselves (evaluation.permissions.appeal_refusal)
            "appeals": selectors.appeal_queue(request.user).exclude(filed_by=request.user)[:50]
            if access.has_role(request.user, Role.CENTRE_MANAGER, Role.ADMINISTRATOR)
            else [],
            "figures": [(n, f) for n, f in selectors.figures(month) if n in visible],
            "is_manager": access.has_role(request.user, Role.CENTRE_MANAGER, Role.ADMINISTRATOR),
            "has_window": bool(access.staff_of(request.user).window_id),
        },
    )


@_staff_required
def tablet(request):
    """The counter tablet: the case this clerk just completed, for the applicant to rate there and then."""
    access.require_role(request.user, Role.WINDOW_CLERK)
    case = selectors.tablet_case(request.user)
    error = ""
    if request.method == "POST" and case is not None:
        form = TabletForm(request.POST, case=case)
        try:
            if not form.is_valid():
                raise refusal(form)
            services.rate(
                kind="case", pk=case.pk, channel=RatingChannel.TABLET, by=request.user, **form.rating()
            )
            messages.success(request, _("感谢您的评价!"))
            return redirect("workbench_evaluation:tablet")
        except DomainError as err:
            error = err.message
    rating = selectors.rating_of("case", case.pk) if case else None
    return render(
        request,
        "evaluation/workbench/tablet.html",
        {
            "case": case,
            "applicant": mask_name(case.applicant.name) if case else "",
            "rating": rating,
            "levels": [
                (lv, rules.LEVEL_LABELS[lv], rules.TAGS[lv], rules.is_good(lv))
                for lv in sorted(rules.LEVEL_LABELS, reverse=True)
            ],
            "error": error,
        },
    )


@_staff_required
def ratings(request):
    month = _month(request)
    start, end = selectors._local_range(month)
    qs = selectors.visible_ratings(request.user).filter(rated_at__gte=start, rated_at__lt=end)
    if request.GET.get("bad"):
        qs = qs.filter(level__lte=thresholds.BAD_RATING_MAX)
    listed = list(qs[:300])
    read: dict = {}

    def settings_of(organisation):  # the region's limits, read once per organisation
        if organisation.pk not in read:
            read[organisation.pk] = selectors.settings_for(organisation)
        return read[organisation.pk]

    calendar = current_calendar() if any(rules.is_bad(r.level) for r in listed) else None
    for rating in listed:  # 申诉 where the service would take it (evaluation.permissions)
        refused = permissions.appeal_filing_refusal(
            request.user, rating, settings_of=settings_of, calendar=calendar
        )
        rating.appealable = refused is None
        rating.appeal_late = refused.message if getattr(refused, "code", "") == "appeal_late" else ""
    return render(request, "evaluation/workbench/ratings.html", {"ratings": listed, "month": month})


@_staff_required
@require_POST
def appeal(request, pk: int):
    rating = get_object_or_404(selectors.visible_ratings(request.user), pk=pk)
    form = AppealForm(request.POST)
    try:
        if not form.is_valid():
            raise refusal(form)
        services.file_appeal(rating=rating, by=request.user, **form.cleaned_data)
        messages.success(
            request,
            _("已就 %(subject_number)s 的评价提出申诉,等待中心审核")
            % {"subject_number": rating.subject_number},
        )
    except DomainError as err:
        messages.error(request, err.message)
    return redirect(navigation.next_url(request, "workbench_evaluation:ratings"))


@_staff_required
def appeals(request):
    state = request.GET.get("state", Appeal.State.PENDING)
    listed = list(selectors.appeal_queue(request.user, state=state or None)[:200])
    calendar = current_calendar() if any(a.review_due for a in listed) else None
    for appeal in listed:  # the decision form where the service would accept it (evaluation.permissions)
        appeal.decidable = permissions.appeal_refusal(request.user, appeal, in_scope=True) is None
        appeal.light = selectors.appeal_light(appeal, calendar=calendar)
    return render(
        request,
        "evaluation/workbench/appeals.html",
        {
            "appeals": listed,
            "state": state,
            "states": Appeal.State.choices,
        },
    )


@_staff_required
@require_POST
def decide_appeal(request, pk: int):
    item = get_object_or_404(selectors.appeal_queue(request.user, state=None), pk=pk)
    form = DecideAppealForm(request.POST)
    try:
        if not form.is_valid():
            raise refusal(form)
        services.decide_appeal(appeal=item, by=request.user, **form.cleaned_data)
        messages.success(request, _("申诉已审核"))
    except DomainError as err:
        messages.error(request, err.message)
    return redirect("workbench_evaluation:appeals")


@_staff_required
def rectification(request, pk: int):
    return _rectification_page(request, selectors.rectification_for(request.user, pk))


@_staff_required
@require_POST
def rectification_reveal(request, pk: int):
    """The rectification with the rater's name and phone in full, for this answer only, after a reason."""
    rect = selectors.rectification_for(request.user, pk)
    return reveal_answer(
        request,
        obj=rect.rating,
        fields=personal.personal_names(selectors.rater_fields(rect.rating)),
        may=selectors.may_reveal_rater(request.user, rect),
        refusal=_("只有被评价单位的负责人、审批人员和回访人员可以查看评价人的完整信息"),
        label=rect.rating.subject_number,
        page=lambda reveal, status: _rectification_page(request, rect, reveal=reveal, status=status),
    )


def _rectification_page(request, rect, *, reveal: personal.Reveal | None = None, status: int = 200):
    rating = rect.rating
    reveal = reveal or personal.Reveal(may=selectors.may_reveal_rater(request.user, rect))
    rater = personal.shown(selectors.rater_fields(rating), revealed=reveal.revealed)["rater"]
    return render(
        request,
        "evaluation/workbench/rectification.html",
        {
            "rect": rect,
            "rating": rating,
            "rater": rater["name"],
            "rater_phone": rater["phone"],
            "reveal": reveal,
            "events": rect.events.all(),
            # the forms the services would accept (evaluation.permissions)
            "allowed": permissions.rectification_actions(request.user, rect),
        },
        status=status,
    )


RECTIFICATION_ACTIONS = {
    "verify": (services.verify, gettext_lazy("已记录核实情况")),
    "rectify": (services.rectify, gettext_lazy("已记录整改措施")),
    "reply": (
        lambda rectification, by, reply: services.reply(rectification=rectification, by=by, text=reply),
        gettext_lazy("已反馈评价人"),
    ),
    "follow_up": (services.follow_up, gettext_lazy("已记录回访结果")),
}


@_staff_required
@require_POST
def rectification_act(request, pk: int, action: str):
    if action not in RECTIFICATION_ACTIONS:
        raise Http404()
    rect = selectors.rectification_for(request.user, pk)
    handler, done = RECTIFICATION_ACTIONS[action]
    form = RECTIFICATION_FORMS[action](request.POST)
    try:
        if not form.is_valid():
            raise refusal(form)
        handler(rectification=rect, by=request.user, **form.cleaned_data)
        messages.success(request, done)
    except DomainError as err:
        messages.error(request, err.message)
    return redirect("workbench_evaluation:rectification", pk=pk)


# ---- ledger --------------------------------------------------------------------------------------------------


@_staff_required
def ledger(request):
    """Record a first inquiry in a few seconds; search the ledger; counts per staff member and organisation."""
    form = InquiryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            entry = services.record_inquiry(by=request.user, **d)
            messages.success(request, _("首问台账已记录(编号 %(pk)s)") % {"pk": entry.pk})
            return redirect("workbench_evaluation:ledger_entry", pk=entry.pk)
        except DomainError as err:
            _fail(form, err)
    month = request.GET.get("month", "")
    q = request.GET.get("q", "")
    state = request.GET.get("state", "")
    try:
        entries = selectors.search_ledger(request.user, q=q, month=month, state=state)[:200]
    except ValidationFailed as err:
        messages.error(request, err.message)
        entries, month = selectors.search_ledger(request.user, q=q, state=state)[:200], ""
    count_month = month or clock.today().strftime("%Y-%m")
    return render(
        request,
        "evaluation/workbench/ledger.html",
        {
            "form": form,
            "entries": entries,
            "q": q,
            "month": month,
            "state": state,
            "count_month": count_month,
            "counts": selectors.ledger_counts(request.user, count_month),
        },
    )


@_staff_required
def ledger_entry(request, pk: int):
    return _ledger_entry_page(request, selectors.ledger_entry_for(request.user, pk))


@_staff_required
@require_POST
def ledger_reveal(request, pk: int):
    """The ledger entry with the asker's name and phone in full, for this answer only, after a reason."""
    entry = selectors.ledger_entry_for(request.user, pk)
    return reveal_answer(
        request,
        obj=entry,
        fields=personal.personal_names(selectors.asker_fields(entry)),
        may=selectors.may_reveal_asker(request.user, entry),
        refusal=_("只有首问单位、当前负责单位和监察人员可以查看询问人的完整信息"),
        label=_("首问台账 %(pk)s") % {"pk": entry.pk},
        page=lambda reveal, status: _ledger_entry_page(request, entry, reveal=reveal, status=status),
    )


def _ledger_entry_page(request, entry, *, reveal: personal.Reveal | None = None, status: int = 200):
    reveal = reveal or personal.Reveal(may=selectors.may_reveal_asker(request.user, entry))
    asker = personal.shown(selectors.asker_fields(entry), revealed=reveal.revealed)["asker"]
    return render(
        request,
        "evaluation/workbench/ledger_entry.html",
        {
            "entry": entry,
            "asker": asker["name"],
            "asker_phone": asker["phone"],
            "reveal": reveal,
            "handovers": entry.handovers.select_related("from_organisation", "to_organisation"),
            "notices": selectors.notices_of(entry=entry),
            "organisations": selectors.handover_targets(entry),
            "can_answer": entry.state == "open"
            and (
                access.can_see_organisation(request.user, entry.holder)
                or access.can_see_organisation(request.user, entry.organisation)
            ),
            "can_hand_over": entry.state == "open"
            and access.can_see_organisation(request.user, entry.holder),
        },
        status=status,
    )


@_staff_required
@require_POST
def ledger_act(request, pk: int, action: str):
    entry = selectors.ledger_entry_for(request.user, pk)
    try:
        if action == "hand_over":
            form = HandOverForm(request.POST, entry=entry)
            if not form.is_valid():
                raise refusal(form)
            to = form.cleaned_data["hand_to"]
            services.hand_over(entry=entry, to=to, by=request.user, note=form.cleaned_data["note"])
            messages.success(request, _("已转交%(name)s,将跟踪至答复") % {"name": to.name})
        elif action == "answer":
            form = AnswerInquiryForm(request.POST)
            if not form.is_valid():
                raise refusal(form)
            services.answer_inquiry(entry=entry, by=request.user, **form.cleaned_data)
            messages.success(request, _("已答复,台账办结"))
        else:
            raise Http404()
    except DomainError as err:
        messages.error(request, err.message)
    return redirect("workbench_evaluation:ledger_entry", pk=pk)


# ---- one-time notice -----------------------------------------------------------------------------------------


@_staff_required
def notice_new(request):
    """From an item's guide: tick what the person lacks; the notice is recorded against the ledger entry or case."""
    data = request.POST if request.method == "POST" else request.GET
    entry = (
        selectors.ledger_entry_for(request.user, int(data["entry"]))
        if is_whole(data.get("entry", ""))
        else None
    )
    case = case_for(request.user, data["case"]) if data.get("case") else None
    item_id = data.get("item") or (entry.item_id if entry else None) or (case.item_id if case else None)
    item = get_object_or_404(selectors.guide_items(), pk=item_id) if item_id and is_whole(item_id) else None
    error = ""
    form = NoticeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and item is not None:
        try:
            if not form.is_valid():
                raise refusal(form)
            notice = services.issue_notice(
                item=item, by=request.user, entry=entry, case=case, **form.cleaned_data
            )
            messages.success(request, _("一次性告知书 %(number)s 已出具") % {"number": notice.number})
            return redirect("workbench_evaluation:notice", pk=notice.pk)
        except DomainError as err:
            error = err.message
    return render(
        request,
        "evaluation/workbench/notice_new.html",
        {
            "entry": entry,
            "case": case,
            "item": item,
            "version": item.current_version if item else None,
            "materials": item.current_version.materials.order_by("position") if item else [],
            "items": selectors.guide_items() if item is None else [],
            "error": error,
            # the notice is addressed to the asker: their name is filled in for those who may see it in full
            "person_name": data.get("person_name", "")
            or (entry.asker_name if entry and selectors.may_reveal_asker(request.user, entry) else ""),
            "ticked": form.ticked() if form.is_valid() else set(),
        },
    )


@_staff_required
def notice(request, pk: int):
    """The notice, to print or to send (发送告知书) to a mobile or an e-mail address."""
    n = selectors.notice_for(request.user, pk)
    send_form = NoticeSendForm(request.POST or None)
    if request.method == "POST" and send_form.is_valid():
        try:
            services.send_notice(
                notice=n,
                by=request.user,
                phone=send_form.cleaned_data["phone"],
                email=send_form.cleaned_data["email"],
            )
            messages.success(request, _("一次性告知书 %(number)s 已发送") % {"number": n.number})
            return redirect("workbench_evaluation:notice", pk=n.pk)
        except DomainError as err:
            _fail(send_form, err)
    return render(
        request,
        "evaluation/workbench/notice.html",
        {
            "notice": n,
            "e": n.essentials,
            "send_form": send_form,
            "sent_phone": mask_phone(n.sent_to_phone),
            "sent_email": mask_email(n.sent_to_email),
        },
    )


@_staff_required
def notice_pdf(request, pk: int):
    n = selectors.notice_for(request.user, pk)
    pdf = services.render_notice_pdf(n)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename=one-time-notice-{n.pk}.pdf"
    return response


# ---- commitments, settings, export ---------------------------------------------------------------------------


@_staff_required
def commitments(request):
    """Department heads publish their organisation's commitment; centre managers any in their scope."""
    staff = access.require_role(request.user, *services.COMMITMENT_EDITORS)
    visible = access.visible_organisations(request.user)
    chosen = [OrganisationChoiceForm(data, organisations=visible) for data in (request.POST, request.GET)]
    if not all(choice.is_valid() for choice in chosen):
        raise Http404()  # not a number, or not an organisation this user sees (as before: 404)
    organisation = chosen[0].cleaned_data["organisation"] or chosen[1].cleaned_data["organisation"]
    organisation = organisation or get_object_or_404(visible, pk=staff.organisation_id)
    current = selectors.current_commitment(organisation)
    initial = (
        {k: getattr(current, k) for k in ("provides", "discipline", "complaint_phone", "supervision_phone")}
        if current
        else {"supervision_phone": organisation.supervision_phone, "complaint_phone": organisation.phone}
    )
    form = CommitmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            c = services.publish_commitment(organisation=organisation, by=request.user, **form.cleaned_data)
            messages.success(request, _("已发布第 %(version)s 版服务承诺") % {"version": c.version})
            return redirect(f"{request.path}?organisation={organisation.pk}")
        except DomainError as err:
            _fail(form, err)
    items = selectors.committed_items(organisation)
    return render(
        request,
        "evaluation/workbench/commitments.html",
        {
            "form": form,
            "organisation": organisation,
            "organisations": access.visible_organisations(request.user).order_by("name")
            if access.has_role(request.user, Role.CENTRE_MANAGER, Role.ADMINISTRATOR)
            else [],
            "current": current,
            "history": selectors.commitment_history(organisation),
            "items": items,
        },
    )


@_staff_required
def region_settings(request):
    staff = access.require_role(request.user, Role.CENTRE_MANAGER)
    region = staff.organisation.region
    current = selectors.settings_for(staff.organisation)
    form = SettingsForm(
        request.POST or None,
        initial={
            "rectification_days": current.rectification_days,
            "unrated_policy": current.unrated_policy,
            "unrated_after_days": current.unrated_after_days,
            "appeal_days": current.appeal_days,
            "appeal_review_days": current.appeal_review_days,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_settings(region=region, by=request.user, **form.cleaned_data)
            messages.success(request, _("好差评设置已保存"))
            return redirect("workbench_evaluation:settings")
        except DomainError as err:
            _fail(form, err)
    return render(request, "evaluation/workbench/settings.html", {"form": form, "region": region})


@_staff_required
def export(request):
    month = _month(request)
    data = exports.monthly_workbook(request.user, month)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename=evaluation-{month}.xlsx"
    return response
