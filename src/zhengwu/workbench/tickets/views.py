"""Hotline workbench: the operator's screen, the dispatcher's queue, organisation queues, the ticket page."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zhengwu.core import access, clock, personal
from zhengwu.core.errors import AccessDenied, DomainError, NotFound, ValidationFailed
from zhengwu.core.inputs import is_whole
from zhengwu.core.models import Organisation
from zhengwu.tickets import dispatching, hot, permissions, selectors, services, workflow
from zhengwu.tickets.masking import mask_free_text
from zhengwu.tickets.workflow import TRANSITIONS
from zhengwu.workbench.pages import staff_page
from zhengwu.workbench.reveal import answer as reveal_answer
from zhengwu.workbench.tickets.forms import (
    ACTION_FORMS,
    CallForm,
    DispatchForm,
    KnowledgeForm,
    UrgeForm,
    refusal,
)

INTERIM_STATUSES = TRANSITIONS["interim_reply"][0]


_staff_required = staff_page  # the one gate (workbench.pages)


def _fail(form, err: DomainError) -> None:
    form.add_error(err.field if err.field in form.fields else None, err.message)


@_staff_required
def index(request):
    """The centre sees the dispatch queue; organisations their own queues."""
    if selectors.is_centre(request.user):
        return redirect("workbench_tickets:dispatch_queue")
    return redirect("workbench_tickets:queues")


# ---- operator ------------------------------------------------------------------------------------------------


@_staff_required
def call(request):
    """The operator takes a call: file a ticket, or answer it from the knowledge base and close it at once."""
    if not selectors.is_centre(request.user):
        raise AccessDenied(_("只有热线中心可以登记来电"))
    form = CallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            ticket = services.file_ticket(
                kind=d["kind"],
                channel=d["channel"],
                category=d["category"],
                content=d["content"],
                caller_name=d["caller_name"],
                caller_phone=d["caller_phone"],
                anonymous=d["anonymous"],
                public_allowed=d["public_allowed"],
                address=d["address"],
                region=d["region"],
                urgent=d["urgent"],
                by=request.user,
            )
            if d["close_with"]:
                entry = form.knowledge_entry()
                answer = d["answer"] or (entry.answer if entry else "")
                ticket = services.close_directly(ticket=ticket, answer=answer, entry=entry, by=request.user)
                messages.success(request, _("工单 %(number)s 已直接办结") % {"number": ticket.number})
            else:
                messages.success(
                    request,
                    _("工单 %(number)s 已登记,查询码 %(query_code)s")
                    % {"number": ticket.number, "query_code": ticket.query_code},
                )
            return redirect("workbench_tickets:ticket", number=ticket.number)
        except DomainError as err:
            _fail(form, err)
    return render(request, "tickets/workbench/call.html", {"form": form})


@_staff_required
def caller_history(request):
    tickets = selectors.caller_history(request.user, request.GET.get("caller_phone", ""))
    return render(request, "tickets/workbench/_history.html", {"tickets": tickets})


@_staff_required
def knowledge_search(request):
    q = request.GET.get("q", "") or request.GET.get("content", "")
    suggestions = selectors.call_suggestions(q)
    duplicates = []
    if request.GET.get("content"):
        region = request.GET.get("region")
        found = selectors.find_duplicates(
            content=request.GET["content"],
            caller_phone=request.GET.get("caller_phone", ""),
            region_id=int(region) if region and is_whole(region) else None,
            address=request.GET.get("address", ""),
            user=request.user,
        )
        # each may take the call as a 催办, prefilled with who is calling and what they say (both editable)
        typed = {"caller": request.GET.get("caller_name", ""), "note": request.GET["content"]}
        duplicates = [{**_duplicate_card(request.user, d.ticket, duplicate=d), **typed} for d in found]
    return render(
        request,
        "tickets/workbench/_knowledge.html",
        {
            "entries": suggestions.entries,
            "guides": suggestions.guides,
            "duplicates": duplicates,
            "q": q,
        },
    )


def _duplicate_card(user, t, *, duplicate=None) -> dict:
    """A suspected duplicate on the call screen (tickets/workbench/_duplicate.html): the ticket, why it is listed,
    and whether the call may be recorded on it as a 催办 — else the refusal's words, and the 回访 once answered."""
    refused = permissions.refusal(user, t, "urge")
    return {
        "t": t,
        "d": duplicate,
        "refused": refused,
        "follow_up": refused is not None and permissions.refusal(user, t, "follow_up") is None,
        "overdue": t.handle_due is not None and t.handle_due < clock.now(),
    }


@_staff_required
@require_POST
def call_urge(request, number: str):
    """记为催办 from the call screen: the caller rings about a ticket still being handled, one of the suspected
    duplicates; the urge is recorded on it and its card says so. The card is a form of its own, outside the filing
    form, and htmx swaps the card alone: what the operator typed for a new ticket stays as it was."""
    t = selectors.ticket_by_number(request.user, number)
    form = UrgeForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed(refusal(form))
        t = services.urge_ticket(
            ticket=t, caller=form.cleaned_data["caller"], note=form.cleaned_data["note"], by=request.user
        )
    except AccessDenied:
        raise  # not the desk: the error page, as for any action refused to the person
    except DomainError as err:
        if not form.errors:
            form.fail(err)
        if not request.headers.get("HX-Request"):
            messages.error(request, form.message())
            return redirect("workbench_tickets:call")
        card = _duplicate_card(request.user, selectors.ticket_by_number(request.user, number))
        card.update(
            errors=form.error_map(), caller=form.data.get("caller", ""), note=form.data.get("note", "")
        )
        return render(request, "tickets/workbench/_duplicate.html", card, status=err.status)
    done = _("已记为催办:工单 %(number)s 共催办 %(count)s 次,承办单位可在工单中看到") % {
        "number": t.number,
        "count": t.urge_count,
    }
    if not request.headers.get("HX-Request"):
        messages.success(request, done)
        return redirect("workbench_tickets:call")
    card = _duplicate_card(request.user, t)
    card["done"] = done
    return render(request, "tickets/workbench/_duplicate.html", card)


# ---- queues --------------------------------------------------------------------------------------------------


@_staff_required
def dispatch_queue(request):
    if not selectors.is_centre(request.user):
        raise AccessDenied()
    return render(
        request,
        "tickets/workbench/dispatch_queue.html",
        {
            "tickets": selectors.dispatch_queue(request.user)[:200],
            "to_follow_up": selectors.awaiting_follow_up(request.user).select_related(
                "category", "lead_organisation"
            )[:200],
            "return_counts": selectors.return_counts(request.user)[:20],
            "first_answer_counts": selectors.first_answer_counts(request.user),
            "pending_extensions": selectors.pending_extensions(request.user),
        },
    )


FIRST_ANSWER_LEVELS = {
    "": gettext_lazy("全部待首次答复"),
    "due_soon": gettext_lazy("即将到期(4小时内)"),
    "overdue": gettext_lazy("已超24小时"),
}


@_staff_required
def first_answer_queue(request):
    """The dispatcher's "24小时未答复": 政民互动 messages still waiting for a first answer, soonest limit first."""
    if not selectors.is_centre(request.user):
        raise AccessDenied()
    level = request.GET.get("level", "")
    if level not in FIRST_ANSWER_LEVELS:
        level = ""
    return render(
        request,
        "tickets/workbench/first_answer_queue.html",
        {
            "tickets": selectors.first_answer_queue(request.user, level)[:200],
            "levels": FIRST_ANSWER_LEVELS.items(),
            "level": level,
            "counts": selectors.first_answer_counts(request.user),
        },
    )


@_staff_required
def queues(request):
    """The organisation's queues, opened on the first that holds a ticket to act on (待签收, then 办理中)."""
    q = selectors.organisation_queues(request.user)
    sections = [
        ("to_acknowledge", _("待签收"), q.to_acknowledge),
        ("to_handle", _("办理中"), q.to_handle),
        ("due_soon", _("即将到期"), q.due_soon),
        ("overdue", _("已超期"), q.overdue),
        ("first_answer", _("24小时未答复"), q.first_answer),
        ("returned", _("本单位退回(近30天)"), q.returned),
    ]
    wanted = request.GET.get("queue", "")
    keys = [key for key, _label, _rows in sections]
    active = wanted if wanted in keys else next((k for k, _l, rows in sections[:2] if rows), keys[0])
    return render(
        request,
        "tickets/workbench/queues.html",
        {"queue_sections": sections, "active": active, "now": clock.now()},
    )


# ---- the ticket page -----------------------------------------------------------------------------------------


@_staff_required
def ticket(request, number: str):
    t = selectors.ticket_by_number(request.user, number)
    return render(request, "tickets/workbench/ticket.html", _ticket_context(request, t))


@_staff_required
@require_POST
def reveal_caller(request, number: str):
    """The ticket page with the caller's name and number in full, for this answer only: given a reason, by those
    who may (tickets.selectors.may_reveal_caller), written to the audit chain (core.personal.reveal)."""
    t = selectors.ticket_by_number(request.user, number)

    def page(reveal, status):
        context = _ticket_context(request, t, reveal=reveal)
        return render(request, "tickets/workbench/ticket.html", context, status=status)

    return reveal_answer(
        request,
        obj=t,
        fields=personal.personal_names(selectors.caller_fields(t)),
        may=selectors.may_reveal_caller(request.user, t) and not t.anonymous,
        refusal=_("诉求人选择了匿名,其个人信息不予显示")
        if t.anonymous
        else _("只有话务员、监察人员和承办该工单的单位可以查看诉求人的完整信息"),
        label=t.number,
        page=page,
    )


def _ticket_context(
    request, t, *, reveal: personal.Reveal | None = None, failed: str = "", form=None
) -> dict:
    """The ticket page; after a refusal at a field of an action's form (`failed`, `form`), that form shows the
    message at the field and what was typed."""
    user = request.user
    refused = permissions.refusals(user, t)  # what the page offers is what the services accept
    allowed = {action: why is None for action, why in refused.items()}
    assignments = list(t.assignments.select_related("organisation"))
    context = {
        "t": t,
        "events": selectors.history(t),
        "assignments": assignments,
        # the 签收期限 means something only while an organisation it is dispatched to has still to sign for it (not
        # on a ticket signed for, answered, or reopened by the 回访 to the organisation that signed for it)
        "awaiting_acknowledgement": t.status in workflow.TRANSITIONS["co_acknowledge"][0]
        and any(a.active and a.acknowledged_at is None for a in assignments),
        "extensions": t.extensions.select_related("organisation").order_by("-requested_at"),
        "orders": t.supervision_orders.order_by("-issued_at"),
        "merged": t.merged.all(),
        "centre": selectors.is_centre(user),
        "allowed": allowed,
        # the lead may no longer return it: say why the button is gone (签收期限已过)
        "return_note": refused["return"].message
        if getattr(refused["return"], "code", "") == "return_too_late"
        else "",
        "failed": failed,
        "errors": form.error_map() if form is not None else {},
        "posted": form.data if form is not None else {},
    }
    # The caller's name and number are masked; in full only in the answer to a reveal, with its reason, audited.
    reveal = reveal or personal.Reveal(may=selectors.may_reveal_caller(user, t))
    caller = personal.shown(selectors.caller_fields(t), revealed=reveal.revealed)["caller"]
    context["caller"] = f"{caller['name']} {caller['phone']}".strip()
    context["reveal"] = reveal
    if allowed["dispatch"]:
        suggestions = dispatching.suggest(t)
        # The lead starts at the first suggestion when it is 很可能, else at the category's usual organisation.
        likely = suggestions[0].organisation.pk if suggestions and suggestions[0].tone == "likely" else None
        # never preselect an organisation that returned the ticket as not theirs (退单): the dispatcher chooses
        returned = set(
            t.assignments.filter(returned_at__isnull=False).values_list("organisation_id", flat=True)
        )
        lead = next(
            (pk for pk in (likely, t.category.default_organisation_id) if pk and pk not in returned), None
        )
        context["dispatch_form"] = DispatchForm(initial={"lead": lead})
        context["suggestions"] = suggestions
        context["duplicates"] = selectors.find_duplicates(
            content=t.content,
            caller_phone=t.caller_phone,
            region_id=t.region_id,
            address=t.address,
            exclude=t.pk,
        )
    if allowed["publish"]:
        context["publish_preview"] = mask_free_text(t.reply, names=[t.caller_name])
        context["content_preview"] = mask_free_text(t.content, names=[t.caller_name])
    return context


def _org(request, t, *, lead_only=False) -> Organisation:
    return selectors.acting_organisation(request.user, t, lead_only=lead_only)


def _act_interim_reply(request, t, data):
    """The centre answers as itself; an organisation as the lead it is."""
    desk = access.may_act_as(request.user, *permissions.DESK_ROLES)
    organisation = None if desk else _org(request, t, lead_only=True)
    return services.interim_reply(ticket=t, text=data["text"], organisation=organisation, by=request.user)


def _act_dispatch(request, t, data):
    return services.dispatch_ticket(
        ticket=t,
        lead=data["lead"],
        co_handlers=list(data["co_handlers"]),
        note=data["note"],
        by=request.user,
    )


def _act_decide_extension(request, t, data):
    extension = t.extensions.filter(pk=data["extension"] or 0).first()
    if extension is None:
        raise NotFound(_("延期申请不存在"))
    return services.decide_extension(
        extension=extension, approve=data["approve"], note=data["note"], by=request.user
    )


# Each action: (what it does with the ticket and its form's cleaned_data, what the page says when it is done).
ACTIONS = {
    "dispatch": (_act_dispatch, gettext_lazy("已派单")),
    "acknowledge": (
        lambda r, t, d: services.acknowledge(ticket=t, organisation=_org(r, t), by=r.user),
        gettext_lazy("已签收"),
    ),
    "return": (
        lambda r, t, d: services.return_ticket(
            ticket=t, organisation=_org(r, t, lead_only=True), reason=d["reason"], by=r.user
        ),
        gettext_lazy("已退单"),
    ),
    "reply": (
        lambda r, t, d: services.reply_ticket(
            ticket=t, organisation=_org(r, t, lead_only=True), text=d["text"], by=r.user
        ),
        gettext_lazy("已答复"),
    ),
    "follow_up": (
        lambda r, t, d: services.record_follow_up(
            ticket=t, solved=d["solved"], satisfied=d["satisfied"], note=d["note"], by=r.user
        ),
        gettext_lazy("已记录回访"),
    ),
    "unreached": (
        lambda r, t, d: services.close_unreached(ticket=t, note=d["note"], by=r.user),
        gettext_lazy("已按回访未果办结"),
    ),
    "interim_reply": (_act_interim_reply, gettext_lazy("已发送受理回复")),
    "close": (
        lambda r, t, d: services.close_directly(ticket=t, answer=d["answer"], by=r.user),
        gettext_lazy("已直接办结"),
    ),
    "merge": (
        lambda r, t, d: services.merge_tickets(
            duplicate=t, into=selectors.ticket_by_number(r.user, d["into"]), by=r.user
        ),
        gettext_lazy("已合并"),
    ),
    "extension": (
        lambda r, t, d: services.request_extension(
            ticket=t,
            organisation=_org(r, t, lead_only=True),
            workdays=d["workdays"],
            reason=d["reason"],
            by=r.user,
        ),
        gettext_lazy("已提交延期申请"),
    ),
    "decide_extension": (_act_decide_extension, gettext_lazy("已审批延期")),
    "supervise": (
        lambda r, t, d: services.supervise_ticket(ticket=t, due=d["due"], note=d["note"], by=r.user),
        gettext_lazy("已督办"),
    ),
    "publish": (
        lambda r, t, d: services.publish_reply(ticket=t, text=d["text"], by=r.user),
        gettext_lazy("已公开"),
    ),
    "urge": (
        lambda r, t, d: services.urge_ticket(ticket=t, caller=d["caller"], note=d["note"], by=r.user),
        gettext_lazy("已记录来电催办,承办单位可在工单中看到"),
    ),
}

# The actions whose forms show a refusal at the field it concerns, with what was typed (the others answer with a
# message above the page).
FIELD_ERRORS = frozenset({"follow_up", "urge", "return", "reply"})


@_staff_required
@require_POST
def act(request, number: str, action: str):
    """Every action on the ticket page posts here; a refused action shows its reason on the page."""
    if action not in ACTIONS:
        raise Http404()
    t = selectors.ticket_by_number(request.user, number)
    handler, done = ACTIONS[action]
    form = ACTION_FORMS[action](request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed(refusal(form))
        handler(request, t, form.cleaned_data)
        messages.success(request, done)
    except DomainError as err:
        if action in FIELD_ERRORS:
            if not form.errors:
                form.fail(err)
            fresh = selectors.ticket_by_number(request.user, number)
            context = _ticket_context(request, fresh, failed=action, form=form)
            # at the field, when the form is still on the page (a stale page, a refused person: the message above)
            if context["allowed"][action] and set(context["errors"]) - {"form"}:
                return render(request, "tickets/workbench/ticket.html", context, status=err.status)
        messages.error(request, err.message)
    return redirect("workbench_tickets:ticket", number=number)


# ---- knowledge base and hot topics ---------------------------------------------------------------------------


@_staff_required
def knowledge(request):
    form = KnowledgeForm(
        request.POST or None, initial={"owner": access.staff_of(request.user).organisation_id}
    )
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.save_knowledge_entry(by=request.user, **form.cleaned_data)
            messages.success(request, _("已保存知识条目「%(title)s」") % {"title": entry.title})
            return redirect("workbench_tickets:knowledge")
        except DomainError as err:
            _fail(form, err)
    q = request.GET.get("q", "")
    return render(
        request,
        "tickets/workbench/knowledge.html",
        {
            "form": form,
            "q": q,
            "entries": selectors.search_knowledge(q, limit=50) if q else [],
            "due": selectors.knowledge_due_for_review(request.user)[:50],
        },
    )


@_staff_required
def hot_topics(request):
    if not selectors.is_centre(request.user):
        raise AccessDenied()
    period = request.GET.get("period", "week")
    report = hot.report(period=period, until=clock.today())
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            hot.to_xlsx(report),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="hot-topics-{report.until}.xlsx"'
        return response
    return render(request, "tickets/workbench/hot.html", {"report": report, "period": period})
