"""The licence library for staff: licences their organisations issued (or that cases in their scope used), the
types, and a licence's change, renewal and ending."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhengwu.cases import selectors as case_selectors
from zhengwu.core import clock, inputs, personal
from zhengwu.core.errors import AccessDenied, Conflict, DomainError, NotFound, ValidationFailed
from zhengwu.licences import grants, permissions, selectors, services
from zhengwu.licences.models import NOT_YET_VALID, Licence, Status, chinese_date
from zhengwu.workbench.pages import staff_page
from zhengwu.workbench.reveal import answer as reveal_answer

visible = selectors.visible
holder_shown = selectors.holder_shown


def _get(user, identifier: str) -> Licence:
    licence = visible(user).filter(identifier=str(identifier)[:80]).first()
    if licence is None:
        raise NotFound(_("找不到该证照,或不在您的管辖范围内"))
    return licence


@staff_page
def index(request):
    rows = visible(request.user)
    q = request.GET.get("q", "").strip()[:40]
    status = request.GET.get("status", "")
    if q:
        rows = rows.filter(Q(number__icontains=q) | Q(holder_name__icontains=q) | Q(holder_id=q.upper()))
    if status in selectors.STATUS_FILTERS:
        rows = rows.filter(selectors.status_q(status))  # as each row's status reads today
    licences = [(lic, *holder_shown(lic)) for lic in rows[:200]]
    today = clock.today()
    return render(
        request,
        "licences/workbench/index.html",
        {
            "licences": licences,
            "q": q,
            "status": status,
            "statuses": [*Status.choices, (NOT_YET_VALID, _("尚未生效"))],
            "month": today.strftime("%Y 年 %m 月"),
            "figures": selectors.indicators(request.user, today.replace(day=1), today),
            "granted_active": grants.active_granted_to(request.user).count(),
        },
    )


@staff_page
def types(request):
    rows = selectors.licence_types()
    return render(request, "licences/workbench/types.html", {"types": rows})


@staff_page
def detail(
    request,
    identifier: str,
    *,
    error: DomainError | None = None,
    status: int = 200,
    action: str = "",
    reveal: personal.Reveal | None = None,
):
    licence = _get(request.user, identifier)
    # the holder and the data items that are personal masked, in full only in the answer to a reveal with a reason
    # (reveal_personal), as on the case page the licence was issued on (docs/masking.md)
    reveal = reveal or personal.Reveal(may=selectors.may_reveal_personal(request.user, licence))
    fields = selectors.personal_fields(licence)
    shown = personal.shown(fields, revealed=reveal.revealed)
    holder, holder_id = shown["holder"]["name"], shown["holder"]["id_number"]
    chain = services.chain(licence)
    # a version links only when the person may open it (a reuse shows them one version, not the whole chain)
    seen = set(visible(request.user).filter(pk__in=[v.pk for v in chain]).values_list("pk", flat=True))
    allowed = permissions.allowed_actions(request.user, licence)
    # renewed ahead of its end: a change (or renewal) is made on the version waiting to start — say so, and link it
    waiting = permissions.state_refusal(licence, "change")
    renewed_ahead = waiting if waiting is not None and waiting.code == permissions.RENEWED_AHEAD else None
    # ended: where 延续 was offered, why not and what instead (新办, at the counter of the type's 新办 item)
    renewal_ended = permissions.refusal(request.user, licence, "renew") if licence.valid_until else None
    if renewal_ended is not None and renewal_ended.code != permissions.RENEWAL_ENDED:
        renewal_ended = None
    return render(
        request,
        "licences/workbench/detail.html",
        {
            "l": licence,
            "seen": seen,
            "holder": holder,
            "holder_id": holder_id,
            "items": [
                (row["label"], row["value"])
                for row in personal.rows(fields, "data", revealed=reveal.revealed)
            ],
            "reveal": reveal,
            "has_personal": bool(personal.personal_names(fields)),
            # the signed file carries the personal data in full: its link only for those who may download it
            "may_download": selectors.may_download(request.user, licence, fields=fields),
            "uses": licence.uses.select_related("case")[:100],
            "chain": chain,
            "pending_renewal": services.pending_renewal(licence),
            "renewed_ahead": renewed_ahead,
            "renewal_ended": renewal_ended,
            "new_item": services.new_application_item(licence.type) if renewal_ended is not None else None,
            "act_on": services.current_version(licence) if renewed_ahead is not None else None,
            # the forms the services would accept (licences.permissions)
            "allowed": allowed,
            # one button per ending the user may take, each asking before it acts
            "end_kinds": [
                (kind, word)
                for kind, word in services.END_KINDS.items()
                if allowed[permissions.END_ACTIONS[kind]]
            ],
            "decides": any(allowed[a] for a in permissions.DECISIONS),
            "data_items": licence.type.data_items,
            **_change_form(licence, error if action == "change" else None, request.POST),
            "error": error,
            "error_action": action,  # the form the refusal is shown in
            # a refusal about one input is shown at that input (and the box above says which form)
            "field_error": {error.field: error.message} if error is not None and error.field else {},
            "posted": request.POST if error is not None else {},
        },
        status=status,
    )


@staff_page
@require_POST
def reveal_personal(request, identifier: str):
    """The licence page with the holder's personal data in full, for this answer only: given a reason, by those who
    may (licences.selectors.may_reveal_personal), written to the audit chain (core.personal.reveal)."""
    licence = _get(request.user, identifier)

    def page(reveal, status):
        return detail(request, identifier, reveal=reveal, status=status)

    return reveal_answer(
        request,
        obj=licence,
        fields=personal.personal_names(selectors.personal_fields(licence)),
        may=selectors.may_reveal_personal(request.user, licence),
        refusal=str(selectors.REVEAL_REFUSAL),
        label=licence.number,
        page=page,
    )


def _change_form(licence: Licence, error: DomainError | None, posted) -> dict:
    """The 变更 form's inputs, each with what was typed and its own refusal after a refused change: a data item too
    long at that item, 未修改任何内容 (field "data") below the items, a missing 变更事由 at its input; only a refusal
    about none of them (the licence's state) in the box at the head of the form."""
    fields = {f"data_{entry['key']}" for entry in licence.type.data_items}
    at = error.field if error is not None and error.field in fields | {"data", "reason"} else ""
    return {
        "change_items": [
            {
                "key": entry["key"],
                "label": entry.get("label", entry["key"]),
                "value": posted.get(f"data_{entry['key']}", "") if error is not None else "",
                "error": error.message if at == f"data_{entry['key']}" else "",
            }
            for entry in licence.type.data_items
        ],
        "change_at": at,  # the input (data_<key>, reason) or the items ("data") a refusal is shown at
        "change_error": error.message if error is not None else "",
        "change_reason": posted.get("reason", "") if error is not None else "",
    }


@staff_page
def pdf(request, identifier: str):
    licence = _get(request.user, identifier)
    data = services.download(licence=licence, by=request.user)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(services.filename(licence))}"
    return response


@staff_page
@require_POST
def act(request, identifier: str, action: str):
    licence = _get(request.user, identifier)
    post = request.POST
    try:
        if action == "change":
            data = {}
            for entry in licence.type.data_items:
                # too long is said at the item, not cut short without a word
                typed = inputs.text(
                    post.get(f"data_{entry['key']}", ""),
                    field=f"data_{entry['key']}",
                    label=f"「{entry.get('label', entry['key'])}」",
                    max_length=300,
                    required=False,
                )
                if typed:
                    data[entry["key"]] = typed
            new = services.change(licence=licence, by=request.user, data=data, reason=post.get("reason", ""))
            done = _("已变更%(type)s(编号 %(number)s),现行第 %(version)s 版,原版本标为已被替换。") % {
                "type": new.type.name,
                "number": new.number,
                "version": new.version,
            }
        elif action == "renew":
            new = services.renew(licence=licence, by=request.user)
            until = chinese_date(new.valid_until) if new.valid_until else _("长期")
            done = _("已延续%(type)s(编号 %(number)s),新版本有效期至 %(until)s。") % {
                "type": new.type.name,
                "number": new.number,
                "until": until,
            }
        elif action == "end":
            case = None
            if post.get("case", "").strip():
                try:
                    case = case_selectors.case_for(request.user, post["case"])
                except NotFound as missing:  # a number typed into the form: said at its input
                    raise ValidationFailed(missing.message, field="case") from missing
            new = services.end(
                licence=licence,
                by=request.user,
                kind=post.get("kind", ""),
                basis=post.get("basis", ""),
                case=case,
                document=post.get("document", ""),
            )
            done = _("已%(ending)s%(type)s(编号 %(number)s),依据:%(basis)s") % {
                "ending": services.END_KINDS[new.status],
                "type": new.type.name,
                "number": new.number,
                "basis": new.end_basis,
            }
        else:
            raise Http404(_("没有这项操作"))
    except DomainError as err:
        return detail(request, identifier, error=err, status=err.status, action=action)
    messages.success(request, done)
    return redirect("workbench_licences:detail", identifier=new.identifier)


@staff_page
@require_POST
def issue_missing(request, number: str):
    """补发 the licence a granted case lacks (the alert 准予许可未签发电子证照), from the case page."""
    case = case_selectors.case_for(request.user, number)
    try:
        licence = services.issue_missing(case, by=request.user)
    except Conflict as err:  # decided otherwise, or issued meanwhile: said on the case page
        messages.error(request, err.message)
        return redirect("workbench_cases:case", case.number)
    messages.success(
        request,
        _("已为办件 %(case)s 补发%(type)s(编号 %(number)s)。")
        % {"case": case.number, "type": licence.type.name, "number": licence.number},
    )
    return redirect("workbench_licences:detail", identifier=licence.identifier)


# ---------------------------------------------------------------- 授权用证


@staff_page
def granted_list(request):
    """Licences their holders authorised the user's department to use (every state, newest first)."""
    return render(
        request, "licences/workbench/granted_list.html", {"granted": grants.granted_to(request.user)[:200]}
    )


@staff_page
def granted(request, grant: int):
    """A licence the department uses through its holder's grant: only while the grant is active; each look logged."""
    try:
        row = grants.open_granted(by=request.user, grant_id=grant, action="view")
    except AccessDenied as err:  # the grant is the user's but not active: say why
        return render(request, "licences/workbench/granted.html", {"error": err.message}, status=403)
    return render(request, "licences/workbench/granted.html", grants.granted_context(row))


@staff_page
def granted_download(request, grant: int):
    row = grants.open_granted(by=request.user, grant_id=grant, action="download")
    licence = services.in_force_version(row.licence)
    data = services.stored_pdf(licence)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(services.filename(licence))}"
    return response
