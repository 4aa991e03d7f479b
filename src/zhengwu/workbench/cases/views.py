"""Workbench pages for cases (办件): the queues with their counts, the case page with everything on one screen and
every action (each confirmed, each carrying the page's `revision` so a stale page is told so and keeps what was
typed), counter registration for walk-in applicants, and the notification outbox."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zhengwu.cases import deadlines, display, extensions, handling, library, permissions, selectors, services
from zhengwu.cases import forms as case_forms
from zhengwu.cases import intake as case_intake
from zhengwu.cases.application import ApplicationForm
from zhengwu.cases.models import Decision, Delivery, Status
from zhengwu.cases.views import notice_download
from zhengwu.catalog import selectors as catalog
from zhengwu.core import access, clock, personal
from zhengwu.core.errors import Conflict, DomainError, NotFound
from zhengwu.core.forms import whole
from zhengwu.core.inputs import is_whole
from zhengwu.core.masking import mask_name
from zhengwu.core.models import Role
from zhengwu.hall import intake as hall_intake
from zhengwu.hall.forms import DeliveryForm
from zhengwu.supervision import selectors as supervision_selectors
from zhengwu.workbench.cases.forms import (
    ACTION_FORMS,
    CaseActionForm,
    CounterKeyForm,
    CounterLicenceForm,
    CounterPaperForm,
    ServeNoticeForm,
    WalkInForm,
)
from zhengwu.workbench.pages import staff_page
from zhengwu.workbench.reveal import answer as reveal_answer

QUEUE_LABELS = {
    "to_accept": gettext_lazy("待受理"),
    "to_handle": gettext_lazy("待我办理"),
    "due_soon": gettext_lazy("即将到期"),
    "overdue": gettext_lazy("已超期"),
    "suspended": gettext_lazy("中止中"),
    "done": gettext_lazy("已办结"),
}
INTAKE = services.INTAKE_ROLES  # who registers a walk-in at the counter
HEADS = services.HEAD_ROLES

# The queues each role acts on, in the order it takes them up: the page opens on the first that holds a case (or
# the first, when none does); the other queues stay one click away.
OPENING_QUEUES = [
    (Role.WINDOW_CLERK, ("to_accept", "to_handle")),
    (Role.DEPARTMENT_HEAD, ("to_handle",)),
    (Role.APPROVER, ("to_handle",)),
    (Role.CENTRE_MANAGER, ("overdue", "due_soon")),
]


def _opening_queue(user, counts: dict[str, int]) -> str:
    """The queue the cases page opens on for this person: what their roles can act on (a window clerk's 待受理, a
    department head's 待我审批、决定, a centre manager's 已超期)."""
    for role, queues in OPENING_QUEUES:
        if access.has_role(user, role):
            return next((q for q in queues if counts[q]), queues[0])
    return next((q for q in ("to_accept", "to_handle") if counts[q]), "to_accept")


def _queue_labels(user) -> dict:
    """The queues' names; a department head's 待我办理 are the approvals and decisions the item gives them."""
    labels = dict(QUEUE_LABELS)
    if access.has_role(user, *HEADS):
        labels["to_handle"] = gettext_lazy("待我审批、决定")
    return labels


_staff_required = staff_page  # the one gate (workbench.pages)


# ---- queues --------------------------------------------------------------------------------------------------


PAGE = 100  # cases per page of a queue; the next page by keyset (?after=<the last number shown>)
COUNT_CAP = 1000  # a queue's count shows "1000+" beyond this (counting a province's finished cases costs)


@_staff_required
def index(request):
    """The six queues with their counts; the chosen one listed, soonest due first."""
    if request.GET.get("number"):
        number = selectors.case_for(request.user, request.GET["number"]).number
        return redirect("workbench_cases:case", number=number)
    # 即将到期 is supervision's yellow: the centre's configured 预警阈值 (core.thresholds.DUE_SOON_WORKDAYS by default)
    warn = supervision_selectors.thresholds().warn_workdays
    counts = selectors.queue_counts(request.user, warn_workdays=warn, cap=COUNT_CAP)
    name = request.GET.get("queue") or _opening_queue(request.user, counts)
    labels = _queue_labels(request.user)
    cases = selectors.queue(request.user, name, warn_workdays=warn)
    page = list(
        selectors.listed(selectors.after(cases, request.GET.get("after"), selectors.QUEUE_ORDER[name]))[
            : PAGE + 1
        ]
    )
    joints = _joint_numbers([c.pk for c in page[:PAGE]])
    from zhengwu.joint import services as joint_services

    openable = joint_services.openable_numbers(request.user, joints.values())
    rows = [
        {
            "case": c,
            "applicant": mask_name(c.applicant.name) if c.applicant.kind == "natural" else c.applicant.name,
            # a joint case's member: accepted through the joint page (联办通知), so the row links it
            "joint_number": joints.get(c.pk, ""),
            "joint_url": reverse("workbench_joint:case", args=[joints[c.pk]])
            if joints.get(c.pk) in openable
            else "",
        }
        for c in page[:PAGE]
    ]
    heads = access.has_role(request.user, *HEADS) or access.is_administrator(request.user)
    return render(
        request,
        "cases/workbench/index.html",
        {
            "queues": [
                (q, labels[q], f"{COUNT_CAP}+" if counts[q] > COUNT_CAP else counts[q])
                for q in selectors.QUEUES
            ],
            "next_after": page[PAGE - 1].number if len(page) > PAGE else None,
            "first_page": not request.GET.get("after"),
            "current": name,
            "current_label": labels[name],
            "rows": rows,
            "extensions": selectors.pending_extensions(request.user)[:50] if heads else [],
            # the joint cases at intake for this window: their members are not in 待受理 (the joint flow accepts)
            "joint_intake": joint_services.intake_work(request.user).count() if name == "to_accept" else 0,
        },
    )


# ---- the case page -------------------------------------------------------------------------------------------


def _personal_context(request, case, reveal: personal.Reveal | None) -> dict:
    """The applicant, the agent, the form and the file names masked; in full only in the answer to a reveal
    (`reveal_personal`), which is written to the audit chain with its reason."""
    reveal = reveal or personal.Reveal(may=selectors.may_reveal_personal(request.user, case))
    fields = selectors.personal_fields(case)
    shown = personal.shown(fields, revealed=reveal.revealed)
    return {
        "applicant": shown["applicant"],
        "agent": shown["agent"],
        "form_rows": personal.rows(fields, "form", revealed=reveal.revealed),
        "reveal": reveal,
    }


def _show_file_names(case, files, *, revealed: bool) -> None:
    """Give each file its name as shown (`shown_name`): personal data in it masked unless revealed."""
    names = selectors.known_names(case)
    for f in files:
        f.shown_name = f.filename if revealed else personal.mask_filename(f.filename, names=names)


def _scope_default(case) -> str | None:
    from zhengwu.licences import services as licences

    return licences.scope_default(case)


def _case_context(
    request,
    case,
    *,
    failed: str = "",
    error: DomainError | None = None,
    reveal: personal.Reveal | None = None,
    form: CaseActionForm | None = None,
) -> dict:
    user = request.user
    people = _personal_context(request, case, reveal)
    summary = selectors.case_summary(case)
    steps = list(case.steps.select_related("assignee").order_by("position"))
    open_row = permissions.open_step(steps)
    # what this person may do, and why not: the same rules the services apply (cases.permissions), each asked once
    # per page — the buttons and the reasons shown beside them come from this one answer
    refused = permissions.refusals(user, case, steps=steps)
    can = {action: found is None for action, found in refused.items()}
    step_refusal = handling.holder_refusal(user, case, open_row) if open_row is not None else None
    # holding the decision step but not allowed to decide: why (a joint prerequisite not granted, a meeting open)
    decision_refusal = (
        refused["decide"]
        if open_row is not None and open_row.kind == "decide" and "decide" in summary["actions"]
        else None
    )
    # the result is ready but its fees are unpaid (统一收费): say so where the 送达 button would be
    deliver_refusal = refused["deliver"] if "deliver" in summary["actions"] else None
    fee_rows = _fee_rows(case, failed=failed, error=error, form=form)
    checklist = selectors.material_checklist(case)
    attachments = list(case.attachments.order_by("uploaded_at"))
    _show_file_names(
        case,
        [f for m in checklist for f in m["files"]] + attachments,
        revealed=people["reveal"].revealed,
    )
    # a licence taken from the library is the signed file of another department's record: its own rule decides
    withheld = library.withheld(case, user) if people["reveal"].may else {}
    for m in checklist:
        for f in m["files"]:
            f.withheld = withheld.get(f.pk, "")
    # after a refusal, the forms as the user filled them (the action's form holds what was posted)
    shown = form if failed and form is not None else None
    posted = shown.data if shown is not None else {}
    checked = set(shown.posted_list("sup_position")) if shown is not None else None
    accept = _accept_form(case, checklist, shown if failed == "accept" else None) if can["accept"] else None
    supplement_rows = [
        {
            **m,
            "checked": str(m["position"]) in checked if checked is not None else m["missing"],
            "problem": shown.posted(f"sup_problem_{m['position']}")
            if shown is not None
            else ("未提供该材料" if m["missing"] else ""),
        }
        for m in checklist
    ]
    return {
        "case": case,
        "s": summary,
        # back at intake after a 补正 notice: the header says so beside 已收件, as the clerk's lists do
        "resupplied_at": selectors.resupplied_at(case),
        "supplement_rows": supplement_rows,
        "accept": accept,
        "fee_rows": fee_rows,
        # fees recorded as charged by hand; a payment notice's lines are not collected until paid, and its own
        # panel (fees domain) says where it stands
        "fees_charged": list(
            selectors.typed_charges(
                case.events.filter(action="charge_fee").order_by("seq").values("action", "at", "data")
            ).values()
        ),
        **people,
        "timeline": display.timeline_rows(selectors.timeline(case)),
        "checklist": checklist,
        "steps": steps,
        "step_dues": {s["position"]: s["due"] for s in summary["steps"]},
        "open_step": open_row,
        # why this person cannot work the open step (shown beside it, so nobody wonders where the button went)
        # (or, holding the decision step, why the decision waits: a joint prerequisite not granted, a meeting open)
        "step_note": step_refusal.message
        if step_refusal is not None and open_row.kind != "accept"
        else (
            decision_refusal.message
            if decision_refusal is not None and open_row is not None and open_row.kind == "decide"
            else ""
        ),
        "decision_step": next((s for s in steps if s.kind == "decide"), None),
        "today": clock.today(),  # an open step past its date is marked 已超期
        "deliver_note": deliver_refusal.message
        if deliver_refusal is not None and deliver_refusal.code == "fee.unpaid"
        else "",
        # a joint member's refusal names its legal basis in a field of its own (the 成员不予许可通报 quotes it)
        "joint_member": _joint_member(case) if can.get("decide") else None,
        # the 许可事项 a grant may state (行政许可法 第三十九条), where it issues a licence: empty keeps this default
        "scope_default": _scope_default(case) if can.get("decide") else None,
        "field_error": {error.field: error.message} if error is not None and error.field else {},
        "notices": _with_paper_due(selectors.notices_of(case)),
        "panels": extensions.workbench_panels_for(request, case),
        "attachments": attachments,
        "supplements": case.supplements.order_by("round"),
        "suspensions": case.suspensions.order_by("started_on"),
        "extensions": case.extensions.order_by("requested_at"),
        "alerts": supervision_selectors.alerts_on_case(case),
        "can": can,
        "assignable": selectors.assignable_for_step(user, case) if can["assign"] else [],
        "earlier_steps": permissions.returnable_steps(case, steps),
        "suspension_kinds": deadlines.SUSPENSION_KINDS.items(),
        "deliveries": Delivery.choices,
        # the 送达方式 selected: as posted after a refusal, else the one the applicant chose when applying
        "delivery_default": (posted.get("method") if posted else "") or case.requested_delivery or "",
        "decisions": Decision.choices,
        "posted": posted,
        "typed": shown.typed() if error and shown is not None else [],
        "failed": failed,
        "error": error,
    }


def _accept_form(case, checklist: list[dict], shown: CaseActionForm | None) -> dict:
    """The acceptance form (受理): the rows the window's paper checklist offers, ticked as they come (as posted, after
    a refusal), those acceptance needs marked; and, before the clerk submits, the required materials the ticks as
    they stand leave provided in no way — the service's own rule (handling.missing with this checklist), which refuses
    such an acceptance (行政许可法 第三十二条: 一次性告知补正 instead). The page's script keeps the list and the
    confirmation up to date as boxes are ticked (static/zhengwu/accept-check.js)."""
    # past the five working days acceptance is deemed by law whatever the materials (第三十二条): nothing to hold it up
    deemed = case_intake.intake_closed_refusal(case) is not None
    missing_now = [] if deemed else handling.missing(case, paper=())
    needed = {m["position"]: handling.numbered(m) for m in missing_now}
    posted = set(shown.posted_list("paper")) if shown is not None else None
    rows = [
        {
            **m,
            "label": handling.numbered(m),
            "ticked": str(m["position"]) in posted if posted is not None else m["paper_ticked"],
            "needed": m["position"] in needed,
        }
        for m in checklist
        if m["paper"]
    ]
    ticked = {row["position"] for row in rows if row["ticked"]}
    offered = {row["position"] for row in rows}
    missing = [name for position, name in needed.items() if position not in ticked]
    return {
        "rows": rows,
        "missing": missing,
        # needed but not on the checklist (nothing to tick): named whatever the ticks
        "always_missing": "、".join(name for position, name in needed.items() if position not in offered),
        "confirm": missing_confirmation("、".join(missing)) if missing else ACCEPT_CONFIRMATION,
        "confirm_complete": ACCEPT_CONFIRMATION,
        "confirm_missing": missing_confirmation("{missing}"),
    }


ACCEPT_CONFIRMATION = gettext_lazy("确认受理该办件?将出具受理通知书,办理时限开始计算。")


def missing_confirmation(names: str) -> str:
    return _(
        "以下必需材料尚未提供:%(m)s。材料不齐全不能受理(行政许可法第三十二条):"
        "已收到纸质材料的请勾选;否则请取消,一次性告知补正。"
    ) % {"m": names}


def _fee_rows(case, *, failed: str, error: DomainError | None, form: CaseActionForm | None) -> list[dict]:
    """The item's fee list (收费目录) for the charge form: each row prefilled with the standard amount, for the
    clerk to tick what applies, or — after a refusal — as the user posted it, with the error at the row it concerns."""
    posted = failed == "charge_fee" and form is not None
    ticked = [i for i in form.posted_list("fee") if whole(i) is not None] if posted else []
    # the service names the n-th fee posted (fees.n.name / fees.n.amount); find that row
    error_row, error_field = None, ""
    if posted and error is not None and (error.field or "").startswith("fees."):
        parts = error.field.split(".")
        if len(parts) == 3 and is_whole(parts[1]) and int(parts[1]) < len(ticked):
            error_row, error_field = ticked[int(parts[1])], parts[2]
    rows = []
    for index, fee in enumerate(case.version.fees.order_by("position")):
        key = str(index)
        standard = f"{fee.amount:.2f}" if fee.amount is not None else ""
        rows.append(
            {
                "index": index,
                "name": fee.name,
                "standard": fee.standard,
                "standard_amount": standard,
                "basis": fee.basis,
                # none ticked before the clerk chooses: an item's fees may be alternatives (不动产登记费 住宅类 or 非住宅类),
                # and ticking every fee with a standard charged both (a stranger's pass)
                "checked": key in ticked if posted else False,
                "amount": form.posted(f"fee_amount_{key}") if posted else standard,
                "error": error.message if error_row == key else "",
                "error_field": error_field if error_row == key else "",
            }
        )
    return rows


@_staff_required
def case_page(request, number: str):
    """Everything about a case on one screen, with the actions the case's status and the user's roles allow."""
    case = selectors.case_for(request.user, number)
    return render(request, "cases/workbench/case.html", _case_context(request, case))


@_staff_required
@require_POST
def reveal_personal(request, number: str):
    """The case page with its personal data in full, for this answer only: given a reason, by those who may
    (cases.selectors.may_reveal_personal), written to the audit chain (core.personal.reveal)."""
    case = selectors.case_for(request.user, number)

    def page(reveal, status):
        context = _case_context(request, case, reveal=reveal)
        return render(request, "cases/workbench/case.html", context, status=status)

    return reveal_answer(
        request,
        obj=case,
        fields=selectors.revealed_field_names(case),
        may=selectors.may_reveal_personal(request.user, case),
        refusal=str(selectors.REVEAL_REFUSAL),
        label=case.number,
        page=page,
    )


def _assign(user, case, d):
    return services.assign_step(case=case, by=user, to=d["username"], revision=d["revision"])


def _decide_extension(user, case, d):
    row = selectors.pending_extensions(user).filter(case=case, pk=d["extension"]).first()
    if row is None:
        raise Conflict(_("该延期申请已处理或不存在"), field="extension")
    return services.decide_extension(extension=row, by=user, approve=d["approve"], note=d["note"])


def _joint_member(case):
    from zhengwu.joint import services as joint_services

    return joint_services.member_of(case)


def _decide(user, case, d):
    """A joint member's 不予许可 carries its own legal basis (asked in its own field) and ends or narrows the joint case
    as on the joint page (joint.endings.deny_member); any other decision is the case's own."""
    member = _joint_member(case) if d["grant"] == "deny" else None
    if member is not None:
        from zhengwu.joint import endings

        return endings.deny_member(
            joint=member.joint,
            position=member.position,
            by=user,
            reasons=d["reasons"],
            legal_basis=d["legal_basis"],
            case_revision=d["revision"],
        )
    return services.decide_case(
        case=case,
        by=user,
        grant=d["grant"] == "grant",
        reasons=d["reasons"],
        result_name=d["result_name"],
        licensed_scope=d["licensed_scope"],
        revision=d["revision"],
    )


# action: (what it calls with the action's form's cleaned data (forms.ACTION_FORMS), what the user is told when it
# worked)
ACTIONS = {
    "accept": (
        lambda u, c, d: services.accept_case(
            case=c,
            by=u,
            revision=d["revision"],
            note=d["note"],
            paper=d["paper"],
            handed_over=d["handed_over"],
        ),
        gettext_lazy("已受理"),
    ),
    "supplement": (
        lambda u, c, d: services.request_supplement(
            case=c,
            by=u,
            items=d["items"],
            reason=d["reason"],
            revision=d["revision"],
            handed_over=d["handed_over"],
        ),
        gettext_lazy("已发出补正材料通知书(一次性告知)"),
    ),
    "refuse": (
        lambda u, c, d: services.refuse_case(
            case=c,
            by=u,
            reason=d["reason"],
            legal_basis=d["legal_basis"],
            revision=d["revision"],
            handed_over=d["handed_over"],
        ),
        gettext_lazy("已作出不予受理决定"),
    ),
    "supply": (
        lambda u, c, d: services.supply_supplement(case=c, by=u, paper=d["paper"], revision=d["revision"]),
        gettext_lazy("已登记材料补齐"),
    ),
    "upload": (
        lambda u, c, d: services.upload_material(case=c, by=u, position=d["position"], upload=d["file"]),
        gettext_lazy("材料已上传"),
    ),
    "attach": (
        lambda u, c, d: services.attach_file(case=c, by=u, upload=d["file"], purpose=d["purpose"]),
        gettext_lazy("附件已上传"),
    ),
    "instant": (
        lambda u, c, d: services.handle_instantly(
            case=c,
            by=u,
            grant=d["grant"] != "deny",
            reasons=d["reasons"],
            delivery=d["method"],
            paper=d["paper"],
        ),
        # a fee to pay before the result goes out (统一收费) leaves the case decided, waiting for the payment
        lambda case: (
            _("即办件已当场办结")
            if case.status != Status.DECIDED
            else _("已受理并当场作出决定;本事项收费,请开具缴款通知书,缴款后送达办理结果并办结")
        ),
    ),
    "claim": (
        lambda u, c, d: services.claim_step(case=c, by=u, revision=d["revision"]),
        gettext_lazy("已认领当前环节"),
    ),
    "assign": (_assign, gettext_lazy("已分派当前环节")),
    "complete_step": (
        lambda u, c, d: services.complete_step(case=c, by=u, opinion=d["opinion"], revision=d["revision"]),
        gettext_lazy("环节已完成,已转下一环节"),
    ),
    "return_step": (
        lambda u, c, d: services.return_step(
            case=c, by=u, to_position=d["to_position"], reason=d["reason"], revision=d["revision"]
        ),
        gettext_lazy("已退回"),
    ),
    "suspend": (
        lambda u, c, d: services.suspend_case(
            case=c,
            by=u,
            kind=d["kind"],
            reason=d["reason"],
            expected_days=d["expected_days"],
            revision=d["revision"],
        ),
        gettext_lazy("已中止,期限暂停计算"),
    ),
    "resume": (
        lambda u, c, d: services.resume_case(case=c, by=u, note=d["note"], revision=d["revision"]),
        gettext_lazy("已恢复办理"),
    ),
    "extension": (
        lambda u, c, d: services.request_extension(
            case=c, by=u, days=d["days"], reason=d["reason"], revision=d["revision"]
        ),
        gettext_lazy("延期申请已提交,待部门负责人审批"),
    ),
    "decide_extension": (_decide_extension, gettext_lazy("已审批延期申请")),
    "decide": (_decide, gettext_lazy("已作出决定,决定书已出具")),
    "deliver": (
        lambda u, c, d: services.deliver_result(
            case=c, by=u, method=d["method"], note=d["note"], revision=d["revision"]
        ),
        gettext_lazy("已登记送达"),
    ),
    "complete": (
        lambda u, c, d: services.complete_case(case=c, by=u, revision=d["revision"]),
        gettext_lazy("已办结"),
    ),
    "charge_fee": (
        lambda u, c, d: services.charge_fee(case=c, by=u, fees=d["fees"], revision=d["revision"]),
        gettext_lazy("已登记收费"),
    ),
    "correct_fee": (
        lambda u, c, d: services.correct_fee(
            case=c, by=u, fees=d["fees"], reason=d["reason"], revision=d["revision"]
        ),
        gettext_lazy("已更正收费"),
    ),
    "terminate": (
        lambda u, c, d: services.terminate_case(case=c, by=u, reason=d["reason"], revision=d["revision"]),
        gettext_lazy("已终止办理"),
    ),
    "withdraw": (
        lambda u, c, d: services.withdraw_case(case=c, by=u, reason=d["reason"], revision=d["revision"]),
        gettext_lazy("已登记撤回"),
    ),
}
assert set(ACTIONS) == set(ACTION_FORMS)


@_staff_required
@require_POST
def act(request, number: str, action: str):
    """Every action on the case page posts here. On success: back to the page with what happened. On a refusal or
    a stale page: the page again, fresh, with the reason and everything the user typed still in the form."""
    if action not in ACTIONS:
        raise Http404(_("没有这个操作"))
    case = selectors.case_for(request.user, number)
    handler, done = ACTIONS[action]
    form = ACTION_FORMS[action](request.POST, request.FILES, user=request.user, case=case)
    try:
        if not form.is_valid():
            raise form.refusal()  # shown like a service's refusal: the message, the field, what was typed
        result = handler(request.user, case, form.cleaned_data)
    except DomainError as err:
        fresh = selectors.case_for(request.user, number)
        context = _case_context(request, fresh, failed=action, error=err, form=form)
        return render(request, "cases/workbench/case.html", context, status=err.status)
    messages.success(request, done(result) if callable(done) else done)
    return redirect("workbench_cases:case", number=number)


@_staff_required
def material_file(request, number: str, material_id: int):
    """An applicant's material (ID card scans, contracts: personal data in full), for those who may reveal the
    case's personal data; the others see the list with masked file names and no link."""
    row = selectors.material_for(request.user, number, material_id)
    if not selectors.may_reveal_personal(request.user, row.case):
        message = _("只有承办该办件的工作人员、收件窗口和监察人员可以下载申请材料")
        return render(request, "403.html", {"message": message}, status=403)
    withheld = library.withheld(row.case, request.user).get(row.pk)
    if withheld:
        return render(request, "403.html", {"message": withheld}, status=403)
    return FileResponse(
        row.file.open("rb"), as_attachment=True, filename=row.filename, content_type=row.content_type
    )


@_staff_required
def attachment_file(request, number: str, attachment_id: int):
    row = selectors.attachment_for(request.user, number, attachment_id)
    return FileResponse(
        row.file.open("rb"), as_attachment=True, filename=row.filename, content_type=row.content_type
    )


@_staff_required
def notice_pdf(request, number: str, notice_id: int):
    return notice_download(selectors.notice_for(request.user, number, notice_id), request)


# ---- counter registration ------------------------------------------------------------------------------------


@_staff_required
def counter_pick(request):
    """Find the item the walk-in applicant wants (name, pinyin initials or code)."""
    access.require_role(request.user, *INTAKE)
    q = request.GET.get("q", "").strip()
    return render(
        request,
        "cases/workbench/counter_pick.html",
        {"q": q, "entries": catalog.published(q=q)[:30] if q else []},
    )


@_staff_required
def counter(request, code: str):
    """窗口收件: register the applicant (no account needed) and their case, with the materials handed over."""
    staff = access.require_role(request.user, *INTAKE)
    item = catalog.item_by_code(code)
    version = item.current_version
    if version is None or item.organisation_id is None:
        raise NotFound(_("该事项未发布,不能收件"))
    who = WalkInForm(request.POST or None, prefix="who")
    form = ApplicationForm(
        request.POST or None,
        request.FILES or None,
        schema=case_forms.schema_of(version),
        materials=version.materials.order_by("position"),
    )
    delivery = DeliveryForm(request.POST or None, version=version)  # 送达方式, chosen when applying
    paper = CounterPaperForm(request.POST or None)  # 已收纸质件: the materials handed over on paper
    licence = CounterLicenceForm(request.POST or None)  # 所用证照编号: which of several the applicant holds
    key = CounterKeyForm.key(request.POST)
    if request.method == "POST":
        done = selectors.case_by_key(request.user, key)
        if done is not None:
            messages.info(
                request, _("该申请已登记(办件编号 %(number)s),没有重复登记。") % {"number": done.number}
            )
            return redirect("workbench_cases:case", number=done.number)
        valid = all(
            [who.is_valid(), form.is_valid(), paper.is_valid(), licence.is_valid()]
        )  # every error at once
        valid = (
            delivery.check(id_number=who.cleaned_data.get("id_number", "") if who.is_valid() else "")
            and valid
        )
        if not valid:
            _form_checked_too(form, version)
        if valid:
            try:
                # the applicant, the case, its files and the delivery choice, or none of them
                case = hall_intake.receive_at_counter(
                    item=item,
                    applicant=who.applicant(),
                    by=request.user,
                    form=form.form_data(),
                    agent=who.agent(),
                    window=staff.window,
                    idempotency_key=key,
                    files=form.files_by_position(),
                    delivery=delivery.choice() if delivery.chosen else None,
                    paper=paper.cleaned_data["paper"],
                    licence=licence.cleaned_data["licence"],
                )
                messages.success(
                    request,
                    _("已收件。办件编号 %(number)s,查询码 %(query_code)s(请告知申请人)")
                    % {"number": case.number, "query_code": case.query_code},
                )
                return redirect("workbench_cases:case", number=case.number)
            except DomainError as err:
                field = err.field or ""
                if field.startswith("agent."):
                    field = "agent_" + field[6:]
                if field in who.fields:
                    who.add_error(field, err.message)
                elif field in ("method", "address", "reason"):
                    delivery.add_error(field, err.message)
                elif field == "paper":
                    paper.add_error("paper", err.message)
                elif field == "licence":
                    licence.add_error("licence", err.message)
                else:
                    form.show_error(err)
                if not field.startswith("form."):
                    _form_checked_too(form, version)
    return render(
        request,
        "cases/workbench/counter.html",
        {
            "item": item,
            "version": version,
            "who": who,
            "form": form,
            "key": key,
            "delivery": delivery,
            "paper": paper,
            "licence": licence if _takes_a_licence(version) else None,
            "materials": _counter_materials(form, version, paper),
            "paper_poa_ticked": str(selectors.POWER_OF_ATTORNEY) in paper.ticked(),
            # an item whose own list has the 委托书 material: its box is that material's (_counter_materials)
            "paper_poa_box": selectors.own_power_of_attorney(version) is None,
        },
        status=422
        if (who.errors or form.errors or delivery.errors or paper.errors or licence.errors)
        else 200,
    )


def _takes_a_licence(version) -> bool:
    """The item has a material the licence library provides (原食品经营许可证 …): the counter asks which licence."""
    from zhengwu.licences import services as licences

    return any(licences.type_for_material(m.name) is not None for m in version.materials.all())


def _form_checked_too(form: ApplicationForm, version) -> None:
    """The application form's own checks (required fields…) run in the domain after the applicant's, so a refused
    applicant, delivery or paper never reached them and the clerk was sent back a second time for a blank 申请事项说明:
    run them here as well, so that every error shows at once (as 联办收件 does)."""
    if not form.is_valid():
        return
    try:
        case_forms.validate(case_forms.schema_of(version), form.form_data())
    except DomainError as err:
        form.show_error(err)


def _counter_materials(form: ApplicationForm, version, paper: CounterPaperForm) -> list[dict]:
    """Each material's file input on the counter's form with, where the paper checklist offers the material
    (selectors.counter_paper_checklist: not those obtained by data sharing), its 已收纸质件 box — ticked again as
    posted when the page comes back with an error."""
    offered = {row["position"]: row["name"] for row in selectors.counter_paper_checklist(version, agent=True)}
    ticked = paper.ticked()
    rows = []
    for name in form.material_fields:
        position = int(name.split("_", 1)[1])
        rows.append(
            {
                "field": form[name],
                "position": position,
                "name": offered.get(position, ""),
                "paper": position in offered,
                "ticked": str(position) in ticked,
            }
        )
    return rows


# ---- outbox --------------------------------------------------------------------------------------------------


@_staff_required
def outbox(request):
    """What was sent to applicants, what waits, and what failed (with the last error), for cases in scope."""
    state = request.GET.get("state") or None
    if state not in (None, "pending", "sent", "failed", "not_sent"):
        state = None
    return render(
        request,
        "cases/workbench/outbox.html",
        {
            "rows": selectors.outbox(request.user, state=state).order_by("-created_at", "-id")[:200],
            "counts": selectors.outbox_counts(request.user),
            "state": state,
        },
    )


# ---- written notices (待送达书面通知) ----------------------------------------------------------------------------


def _with_paper_due(notices) -> list:
    """The case's notices, those waiting to be served on paper with the day to serve by (`paper_due`)."""
    rows = list(notices)
    for notice in rows:
        if not notice.served_on and selectors.needs_paper(notice):
            notice.paper_due = selectors.written_notice_due(notice)
    return rows


@_staff_required
def written(request):
    """The notices no message delivered to the applicant, for the office holding the case to print and serve on
    paper (with the day to serve by); with ?served=1, those served."""
    served = request.GET.get("served") == "1"
    rows = list(selectors.written_notices(request.user, served=served)[:200])
    today = clock.today()
    reasons = selectors.why_not_delivered(rows)
    for notice in rows:
        notice.reasons = reasons[notice.pk]
        notice.due_on = selectors.written_notice_due(notice)
        notice.overdue = not served and notice.due_on < today
    return render(
        request,
        "cases/workbench/written.html",
        {
            "rows": rows,
            "served": served,
            "waiting_count": selectors.written_notices(request.user).count(),
            "may_serve": access.has_role(request.user, *INTAKE),
            "ways": ServeNoticeForm.base_fields["way"].choices,
            "today": today,
        },
    )


@_staff_required
@require_POST
def print_written(request, notice_id: int):
    """打印 from the queue: the print recorded (who, when — shown on the row to the office's other clerks), then the
    notice's PDF, as the case page gives it; a notice no longer waiting: back to the queue saying why."""
    notice = selectors.written_notices(request.user).filter(pk=notice_id).first()
    if notice is None:
        raise NotFound(_("找不到该待送达文书,可能已登记送达"), field="notice")
    try:
        notice = services.print_notice(notice=notice, by=request.user)
    except DomainError as err:
        messages.error(request, err.message)
        return redirect("workbench_cases:written")
    return notice_download(notice, request)


@_staff_required
@require_POST
def serve_written(request, notice_id: int):
    """登记书面送达 from the queue: back to it with what happened, or with the refusal naming the field."""
    notice = selectors.written_notices(request.user).filter(pk=notice_id).first()
    if notice is None:
        raise NotFound(_("找不到该待送达文书,可能已登记送达"), field="notice")
    form = ServeNoticeForm(request.POST)
    if form.is_valid():
        try:
            services.serve_notice(notice=notice, by=request.user, **form.cleaned_data)
        except DomainError as err:
            form.fail(err)
    if form.errors:
        messages.error(
            request,
            _("%(number)s 未登记送达:%(error)s")
            % {"number": notice.document_number, "error": form.message()},
        )
    else:
        messages.success(request, _("已登记 %(number)s 书面送达") % {"number": notice.document_number})
    return redirect("workbench_cases:written")


def _joint_numbers(case_ids: list[int]) -> dict[int, str]:
    """The listed cases that are members of a joint case (联办件) → its number, in one query."""
    from zhengwu.joint import selectors as joint_selectors

    return joint_selectors.joint_numbers(case_ids)
