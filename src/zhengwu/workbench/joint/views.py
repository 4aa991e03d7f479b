"""Staff pages of joint cases: the list, and a joint case with its departments and the joint actions (the lead
window's 联办通知; each member window's confirmation or missing materials). Member cases are handled on their own
case pages (workbench_cases)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhengwu.cases.views import notice_download
from zhengwu.core import access, personal
from zhengwu.core.errors import DomainError, ValidationFailed
from zhengwu.core.inputs import is_whole
from zhengwu.core.models import Role
from zhengwu.joint import bundles, endings, meetings, pages, permissions, selectors, services
from zhengwu.joint.models import JointMeeting
from zhengwu.workbench.joint import forms
from zhengwu.workbench.pages import staff_page


@staff_page
def index(request):
    intake = request.GET.get("work") == "intake"  # the workbench home's 待受理的联办件
    if intake:
        joints = services.intake_work(request.user)[:200]
    else:
        joints = services.visible_joint_cases(request.user).order_by("-created_at")[:200]
    return render(
        request,
        "joint/workbench/index.html",
        {"joints": joints, "intake": intake, "may_register": services.may_register(request.user)},
    )


def _forbidden(request, message: str):
    return render(request, "403.html", {"message": message}, status=403)


@staff_page
def register(request):
    """总服务台 统一登记: the applicant, the bundle's merged form and the lead window (指定主办窗口), at the counter."""
    from django.db import transaction

    from zhengwu.cases import services as case_services
    from zhengwu.joint.application import MergedForm
    from zhengwu.workbench.cases.forms import WalkInForm

    denied = _("统一登记和指定主办窗口由总服务台(综合受理窗口)或中心管理人员办理,您的账号不能办理。")
    if not services.may_register(request.user):
        return _forbidden(request, denied)
    pick = forms.RegisterForm(request.POST or None)
    picked = pick.cleaned_data if pick.is_valid() else {"bundle": "", "lead_window": ""}
    code = picked["bundle"] or request.GET.get("bundle") or ""
    published = list(selectors.published_bundles())
    version = next((b.current_version for b in published if b.code == code), None)
    if version is not None and not services.is_front_desk(
        request.user, version.bundle.lead_organisation.region
    ):
        return _forbidden(request, denied)
    who = WalkInForm(request.POST or None, prefix="who")
    form = MergedForm(request.POST or None, version=version) if version is not None else None
    windows, default_window = services.register_windows(request.user, version) if version else ([], None)
    chosen = picked["lead_window"] or (str(default_window.pk) if default_window else "")
    error = None
    if request.method == "POST" and version is not None:
        valid = all([who.is_valid(), form.is_valid()])  # every error shows at once
        if not valid and form.is_valid():
            # the merged form's own checks (required fields…) run in the domain, which an invalid applicant
            # never reaches: run them here too, so that the clerk is not sent back a second time for them
            from zhengwu.cases import forms as case_forms
            from zhengwu.joint.application import merged_schema

            try:
                case_forms.validate(merged_schema(version), form.form_data())
            except DomainError as err:
                form.show_error(err)
        window = next((w for w in windows if str(w.pk) == picked["lead_window"]), None)
        if valid:
            try:
                with transaction.atomic():  # the applicant and the joint case, or neither
                    applicant = case_services.register_applicant(**who.applicant(), by=request.user)
                    joint = services.register(
                        bundle=version.bundle,
                        applicant=applicant,
                        by=request.user,
                        form=form.form_data(),
                        lead_window=window,
                        agent=who.agent(),
                    )
            except DomainError as err:
                field = err.field or ""
                if field.startswith("agent."):
                    field = "agent_" + field[6:]
                if field in who.fields:
                    who.add_error(field, err.message)
                elif field.startswith("form."):
                    form.show_error(err)
                else:
                    error = err
            else:
                messages.success(
                    request,
                    _("已统一登记,联办件编号 %(number)s,查询码 %(query_code)s,主办窗口 %(lead_window)s。")
                    % {
                        "number": joint.number,
                        "query_code": joint.query_code,
                        "lead_window": joint.lead_window,
                    },
                )
                return redirect("workbench_joint:case", number=joint.number)
    invalid = bool(who.errors or (form is not None and form.errors) or error)
    return render(
        request,
        "joint/workbench/register.html",
        {
            "bundles": published,
            "version": version,
            "code": code,
            "who": who,
            "form": form,
            "windows": windows,
            "chosen": chosen,
            "error": error,
        },
        status=422 if invalid else 200,
    )


@require_POST
@staff_page
def lead_window(request, number: str):
    return _act(
        request,
        number,
        forms.LeadWindowForm(request.POST),
        lambda j, d: services.assign_lead_window(
            joint=j, by=request.user, window=d["window"], reason=d["reason"]
        ),
        lambda j, d: (
            _("已将联办件 %(number)s 的主办窗口改为 %(window)s。")
            % {"number": j.number, "window": j.lead_window}
        ),
    )


@require_POST
@staff_page
def convene(request, number: str):
    return _act(
        request,
        number,
        forms.ConveneForm(request.POST),
        lambda j, d: meetings.convene(
            joint=j,
            by=request.user,
            kind=d["kind"],
            scheduled_on=d["scheduled_on"],
            scheduled_at=d["scheduled_at"],
            applicant_attends=d["applicant_attends"],
            place=d["place"],
            agenda=d["agenda"],
            positions=d["positions"],
        ),
        lambda j, d: _convened(j.meetings.order_by("-pk").first()),
    )


def _convened(meeting) -> str:
    return _("已召集%(meeting)s(%(on)s),已通知参加的成员部门。") % {
        "meeting": meeting.get_kind_display(),
        "on": meeting.when_label(),
    }


@require_POST
@staff_page
def opinion(request, number: str, meeting_id: int, position: int):
    form = forms.OpinionForm(request.POST)
    return _act(
        request,
        number,
        form,
        lambda j, d: meetings.record_opinion(
            joint=j,
            meeting_id=meeting_id,
            position=position,
            by=request.user,
            opinion=d["opinion"],
            items=form.missing_items(),
        ),
        lambda j, d: _("已记录%(member)s的会议意见。") % {"member": _member(j, position)},
    )


@require_POST
@staff_page
def minutes(request, number: str, meeting_id: int):
    return _act(
        request,
        number,
        forms.MinutesForm(request.POST, request.FILES),
        lambda j, d: meetings.attach_minutes(
            joint=j, meeting_id=meeting_id, by=request.user, upload=d["minutes"]
        ),
        lambda j, d: _("已上传联办件 %(number)s 的会议纪要。") % {"number": j.number},
    )


@require_POST
@staff_page
def upload(request, number: str):
    """The lead window scans a material handed in at the counter into the merged list: it goes to every member case
    that asks for it, as the applicant's upload does (统一登记 has no other way to give the members the paper). A
    refused scan (a corrupt file, no file, a material no longer needed) keeps the clerk on the page with the message
    at the material's row, naming it in the one above (as the portal's upload does)."""
    return pages.upload(
        request,
        services.joint_by_number(request.user, number),
        forms.UploadForm(request.POST, request.FILES),
        page=_case_page,
        back="workbench_joint:case",
        done=_("已上传「%(name)s」的扫描件,送达%(count)s个部门事项。"),
    )


@require_POST
@staff_page
def forward(request, number: str, position: int):
    """上报: the member department sends its part to the higher authority that decides it."""
    return _act(
        request,
        number,
        forms.ForwardForm(request.POST),
        lambda j, d: meetings.forward_up(
            joint=j, position=position, by=request.user, authority=d["authority"], note=d["note"]
        ),
        lambda j, d: (
            _("已将%(member)s上报%(authority)s,等待上级机关答复。")
            % {"member": _member(j, position), "authority": d["authority"]}
        ),
    )


@require_POST
@staff_page
def forward_reply(request, number: str, position: int):
    return _act(
        request,
        number,
        forms.ForwardReplyForm(request.POST),
        lambda j, d: meetings.record_reply(joint=j, position=position, by=request.user, reply=d["reply"]),
        lambda j, d: _("已登记%(member)s的上级机关答复。") % {"member": _member(j, position)},
    )


@staff_page
def case(request, number: str):
    joint = services.joint_by_number(request.user, number)
    return _case_page(request, joint)


@staff_page
def member_decision(request, number: str, notice_id: int):
    """A member department's own 不予受理通知书 / 不予许可决定书 that the joint page cites, as a PDF: for whoever may see
    the joint case, the lead window's clerk of another department included (that member's case page is not theirs),
    who reads the applicant's and the agent's names masked (selectors.reads_decision_in_full)."""
    joint = services.joint_by_number(request.user, number)
    notice = selectors.member_decision(joint, notice_id)
    in_full = selectors.reads_decision_in_full(request.user, notice.case)
    return notice_download(notice, request, masked=not in_full)


@require_POST
@staff_page
def reveal_personal(request, number: str):
    """The joint case's page with the applicant's personal data in full, for this answer only: given a reason, by
    those who may (joint.selectors.may_reveal_personal), written to the audit chain (core.personal.reveal)."""
    from zhengwu.cases import selectors as case_selectors
    from zhengwu.workbench.reveal import answer as reveal_answer

    joint = services.joint_by_number(request.user, number)
    return reveal_answer(
        request,
        obj=joint,
        fields=personal.personal_names(selectors.personal_fields(joint)),
        may=selectors.may_reveal_personal(request.user, joint),
        refusal=str(case_selectors.REVEAL_REFUSAL),
        label=joint.number,
        page=lambda reveal, status: _case_page(request, joint, reveal=reveal, status=status),
    )


def _case_page(
    request,
    joint,
    *,
    reveal: personal.Reveal | None = None,
    upload_error: dict | None = None,
    status: int = 200,
):
    """The joint case's staff page; a refused scan is shown at its material's row (`upload_error`: the material's
    number and the message), the page answered with the error's status."""
    reveal = reveal or personal.Reveal(may=selectors.may_reveal_personal(request.user, joint))
    summary = selectors.joint_summary(joint, user=request.user)
    # every form where the services would accept it (joint.permissions): the joint case's own, each member's
    # (answer the 联办通知, 不予受理, 不予许可, 上报 and its reply) and each meeting's (opinions, minutes)
    allowed, by_member, by_meeting = permissions.page_actions(request.user, joint)
    for mt in summary["meetings"]:
        may = by_meeting.get(mt["id"], {})
        mt["may_minutes"], mt["may_opinion"] = may.get("minutes", False), may.get("opinion", set())
    # the member's checklist, where a form lists its materials (补正; a 审前集中告知会议's opinion)
    listed = {p for p, may in by_member.items() if may["missing"]}
    listed |= {p for mt in summary["meetings"] if mt["kind"] == "pre_review" for p in mt["may_opinion"]}
    from zhengwu.cases import selectors as case_selectors

    checklists = {
        m.position: selectors.member_checklist(joint, m)
        for m in joint.members.select_related("case__version")
        if m.position in listed
    }
    # a supervisor orders 督办 of an overdue member on that member case's supervision page (its order form)
    supervisor = access.is_administrator(request.user) or access.has_role(request.user, Role.SUPERVISOR)
    cases = dict(joint.members.values_list("position", "case_id")) if supervisor else {}
    for row in summary["members"]:
        row["checklist"] = checklists.get(row["position"], [])
        row["may"] = by_member.get(row["position"], {})
        if supervisor and row["level"] == "red" and not row["closed"]:
            row["supervise_url"] = reverse("workbench_supervision:case", args=[cases[row["position"]]])
    # the merged material list with how each was provided; the lead window scans what was handed in at the counter
    materials = selectors.merged_checklist(joint)
    first = joint.members.select_related("case__applicant").order_by("position").first()
    known = case_selectors.known_names(first.case) if first is not None else []
    for row in materials:
        for f in row["files"]:
            f.shown_name = f.filename if reveal.revealed else personal.mask_filename(f.filename, names=known)
    notify_confirm = _notify_confirm(joint, summary, materials) if allowed["lead_accept"] else ""
    results = selectors.member_results(joint)
    if any(r["licence_identifier"] for r in results):
        from zhengwu.licences.selectors import visible as visible_licences

        opens = set(
            visible_licences(request.user)
            .filter(identifier__in=[r["licence_identifier"] for r in results])
            .values_list("identifier", flat=True)
        )
        for r in results:
            if r["licence_identifier"] in opens:
                r["licence_url"] = reverse("workbench_licences:detail", args=[r["licence_identifier"]])
    # the applicant, the agent and what they typed in the merged form, personal data masked (core.personal, as on
    # a single case's staff page) unless this answer is a reveal
    fields = selectors.personal_fields(joint)
    form_rows = personal.rows(fields, "form", revealed=reveal.revealed)
    people = personal.shown(fields, revealed=reveal.revealed)
    seen = set(
        case_selectors.visible_cases(request.user)
        .filter(joint_member__joint=joint)
        .values_list("number", flat=True)
    )
    return render(
        request,
        "joint/workbench/case.html",
        {
            "joint": joint,
            "s": summary,
            "form_rows": form_rows,
            "applicant": people.get("applicant", {}),
            "agent": people.get("agent", {}),
            "reveal": reveal,
            "results": results,
            "materials": materials,
            "seen": seen,
            "lead_windows": services.lead_window_options(request.user, joint)
            if allowed["lead_window"]
            else [],
            "meeting_kinds": JointMeeting.Kind.choices,
            "may_lead_accept": allowed["lead_accept"],
            "notify_confirm": notify_confirm,
            "may_scan": allowed["upload"],
            "may_lead_window": allowed["lead_window"],
            "may_convene": allowed["convene"],
            "may_withdraw": allowed["withdraw"],
            "upload_error": upload_error,
        },
        status=status,
    )


def _notify_confirm(joint, summary: dict, materials: list[dict]) -> str:
    """What 受理并发送联办通知 asks before it goes: the members told, what they do next, and how many required
    materials the applicant has not given yet (the members will likely ask for them: 补正)."""
    members = sum(1 for m in summary["members"] if not m["closed"])
    text = _(
        "确认受理「%(name)s」并向%(count)s个成员部门发送联办通知?发出后各部门确认材料齐全或提出补正,不能撤销。"
    ) % {"name": joint.version.name, "count": members}
    missing = sum(
        1
        for m in materials
        if m["missing"]
        and not m["not_needed"]
        and not m.get("from_member")
        and not m.get("by_sharing")
        and not m["conditional"]
    )
    if missing:
        text += _("尚有%(count)s项必需材料未上传,成员部门可能据此提出补正。") % {"count": missing}
    return text


def _member(joint, position) -> str:
    member = (
        joint.members.filter(position=position).select_related("case__organisation", "case__version").first()
    )
    if member is None:
        return str(position)
    return f"{member.case.organisation.short_name or member.case.organisation.name}「{member.case.version.name}」"


def _act(request, number: str, form, action, done):
    """Run one joint action on what its form read (`action(joint, cleaned_data)`; input it cannot read is answered
    by its message, naming the field, and nothing is done); the flash says what was done (`done(joint, data)`),
    never a bare 已办理."""
    joint = services.joint_by_number(request.user, number)
    try:
        if not form.is_valid():
            raise ValidationFailed(form.message())
        action(joint, form.cleaned_data)
        joint.refresh_from_db()
        messages.success(request, done(joint, form.cleaned_data))
    except DomainError as err:
        messages.error(request, err.message)
    return redirect("workbench_joint:case", number=joint.number)


@require_POST
@staff_page
def notify(request, number: str):
    return _act(
        request,
        number,
        forms.NotifyForm(request.POST),
        lambda j, d: services.lead_accept(joint=j, by=request.user, note=d["note"]),
        lambda j, d: _("已受理联办件 %(number)s,并向各成员窗口发送联办通知。") % {"number": j.number},
    )


@require_POST
@staff_page
def confirm(request, number: str, position: int):
    return _act(
        request,
        number,
        forms.ConfirmForm(request.POST),
        lambda j, d: services.confirm(joint=j, position=position, by=request.user),
        lambda j, d: _("已答复联办通知:%(member)s确认材料齐全。") % {"member": _member(j, position)},
    )


@require_POST
@staff_page
def deny(request, number: str, position: int):
    return _act(
        request,
        number,
        forms.DenyForm(request.POST),
        lambda j, d: endings.deny_member(
            joint=j, position=position, by=request.user, reasons=d["reasons"], legal_basis=d["legal_basis"]
        ),
        lambda j, d: (
            _("已对%(member)s作出不予许可决定,联办件 %(number)s %(phase)s。")
            % {"member": _member(j, position), "number": j.number, "phase": j.get_phase_display()}
        ),
    )


@require_POST
@staff_page
def refuse(request, number: str, position: int):
    return _act(
        request,
        number,
        forms.RefuseForm(request.POST),
        lambda j, d: endings.refuse_member(
            joint=j, position=position, by=request.user, reason=d["reason"], legal_basis=d["legal_basis"]
        ),
        lambda j, d: (
            _("已对%(member)s作出不予受理决定,联办件 %(number)s %(phase)s。")
            % {"member": _member(j, position), "number": j.number, "phase": j.get_phase_display()}
        ),
    )


@require_POST
@staff_page
def withdraw(request, number: str):
    return _act(
        request,
        number,
        forms.WithdrawForm(request.POST),
        lambda j, d: endings.withdraw(joint=j, by=request.user, reason=d["reason"]),
        lambda j, d: _("已撤回联办件 %(number)s。") % {"number": j.number},
    )


@require_POST
@staff_page
def missing(request, number: str, position: int):
    form = forms.MissingForm(request.POST)
    return _act(
        request,
        number,
        form,
        lambda j, d: services.raise_missing(
            joint=j, position=position, by=request.user, items=form.missing_items()
        ),
        lambda j, d: (
            _("已答复联办通知:%(member)s需补正材料 %(count)s 项,联办件 %(number)s %(phase)s。")
            % {
                "member": _member(j, position),
                "count": len(form.missing_items()),
                "number": j.number,
                "phase": j.get_phase_display(),
            }
        ),
    )


# ---- bundles: review and publish (drafts are written through the API) -----------------------------------------


@staff_page
def bundle_list(request):

    rows = []
    for bundle in selectors.bundles_listed():
        draft = bundles.open_draft(bundle)
        rows.append(
            {
                "bundle": bundle,
                "current": bundle.current_version,
                "draft": draft,
                "may": bundles.allowed_actions(request.user, bundle, draft),  # the services' own rules
            }
        )
    return render(
        request,
        "joint/workbench/bundles.html",
        # 新建: an editor of some organisation (the lead organisation chosen on the form is checked by the service)
        {"rows": rows, "editor": access.may_act_as(request.user, *bundles.EDITOR_ROLES)},
    )


@staff_page
def bundle_detail(request, code: str):
    """One bundle as its reviewer reads it before publishing: the open draft (or the version in force) with its
    stages, departments, prerequisites, limits, merged materials and form — what the applicants will be shown — and
    the review's buttons beside it."""

    bundle = selectors.bundle_by_code(code)
    if bundle is None:
        raise Http404(_("找不到该一件事"))
    draft = bundles.open_draft(bundle)
    version = draft or bundle.current_version
    if version is None:
        raise Http404(_("找不到该一件事"))
    return render(
        request,
        "joint/workbench/bundle.html",
        {
            **selectors.guide_context(version),
            "draft": draft,
            "current": bundle.current_version,
            "may": bundles.allowed_actions(request.user, bundle, draft),  # the services' own rules
        },
    )


MEMBER_ROWS_EXTRA = 3  # blank member rows offered under the members already listed


def _field_errors(err: DomainError, placed: dict[int, int]) -> dict[str, list[str]]:
    """Every (field, message) of a refused bundle, keyed by the form's field (member N's → its row's)."""
    pairs = getattr(err, "errors", None) or [(err.field or "", err.message)]
    out: dict[str, list[str]] = {}
    for field, message in pairs:
        parts = (field or "").split(".")
        if parts[0] == "members" and len(parts) == 3 and is_whole(parts[1]):
            field = f"member_{placed.get(int(parts[1]), int(parts[1]))}_{parts[2]}"
        out.setdefault(field or "form", []).append(str(message))
    return out


@staff_page
def bundle_edit(request, code: str | None = None):
    """The centre's bundle editor (一件事): name, category, lead department, stages, member items with their stage
    and prerequisites; saved as a draft through bundles.create_bundle / edit_bundle, every error at its field."""
    from zhengwu.joint.models import Category

    if not access.may_act_as(request.user, *bundles.EDITOR_ROLES):  # require_editor's rule, as a question
        return _forbidden(request, _("编辑一件事需要中心管理人员或部门审批、负责人角色"))
    bundle = None
    if code is not None:
        bundle = selectors.bundle_by_code(code)
        if bundle is None:
            raise Http404(_("找不到该一件事"))
        if request.method == "GET" and (
            refused := bundles.refusal(request.user, bundle, "edit", bundles.open_draft(bundle))
        ):
            # the form only where its save would be accepted (bundles.refusal: the lead organisation's editors)
            messages.error(request, refused.message)
            return redirect("workbench_joint:bundle", code=bundle.code)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        form = forms.BundleForm(request.POST)
        valid = form.is_valid()  # text as typed: only a character no database keeps (NUL) is refused here
        rows = form.member_rows()
        spec, placed = form.spec(rows)
        try:
            if not valid:
                errors = {name: [str(m) for m in found] for name, found in form.errors.items()}
            elif bundle is None:
                version = bundles.create_bundle(spec=spec, user=request.user)
            else:
                version = bundles.edit_bundle(bundle=bundle, spec=spec, user=request.user)
        except DomainError as err:
            errors = _field_errors(err, placed)
        if not errors:
            messages.success(
                request,
                _("已保存一件事「%(n)s」第%(v)d版草稿,联办法定时限%(l)d个工作日。")
                % {"n": version.name, "v": version.number, "l": version.legal_limit},
            )
            return redirect("workbench_joint:bundles")
        values = {**spec, "stages": "\n".join(spec["stages"])}
    else:
        source = bundles.open_draft(bundle) or bundle.current_version if bundle is not None else None
        spec = bundles.spec_of(source) if source is not None else {"members": []}
        row_of = {m["item"]: n for n, m in enumerate(spec["members"], start=1)}
        rows = [
            {
                "row": n,
                "item": m["item"],
                "stage": m["stage"],
                "needs": ",".join(str(row_of[c]) for c in m["needs"] if c in row_of),
            }
            for n, m in enumerate(spec["members"], start=1)
        ]
        values = {**spec, "stages": "\n".join(spec.get("stages", []))}
    # blank rows to add members under the last one: as many as are missing at the end (a refused save posts the
    # blank rows back, so they are not added again each time)
    trailing = 0
    for r in reversed(rows):
        if r["item"] or r["stage"] or r["needs"]:
            break
        trailing += 1
    start = len(rows)
    rows += [
        {"row": start + n, "item": "", "stage": "", "needs": ""}
        for n in range(1, max(0, MEMBER_ROWS_EXTRA - trailing) + 1)
    ]
    for r in rows:
        prefix = f"member_{r['row']}_"
        r["errors"] = {k[len(prefix) :]: v for k, v in errors.items() if k.startswith(prefix)}
    items = selectors.member_items()
    return render(
        request,
        "joint/workbench/bundle_edit.html",
        {
            "bundle": bundle,
            "values": values,
            "rows": rows,
            "errors": errors,
            "shared_errors": [m for k, v in errors.items() if not k.startswith("member_") for m in v],
            "items": items,
            "categories": Category.choices,
            # the lead organisations this person may draft for (require_editor: their organisation's tree, a
            # centre manager their region's), among those with items
            "organisations": selectors.organisations_of(items).filter(
                pk__in=access.visible_organisations(request.user).values("pk")
            ),
        },
        status=422 if errors else 200,
    )


@require_POST
@staff_page
def bundle_act(request, code: str, action: str):

    bundle = selectors.bundle_by_code(code)
    if bundle is None:
        raise Http404(_("找不到该一件事"))
    # the flash names the bundle as people know it (its draft's name, else the one in force), not its code
    name = getattr(bundles.open_draft(bundle) or bundle.current_version, "name", bundle.code)
    form = forms.BundleActionForm(request.POST)
    try:
        if action not in ("submit", "publish", "return"):
            raise Http404(_("没有该操作"))
        if not form.is_valid():
            raise ValidationFailed(form.message())
        data = form.cleaned_data
        if action == "submit":
            bundles.submit(bundle=bundle, user=request.user)
            done = _("已将一件事「%(name)s」的修订提交审核。") % {"name": name}
        elif action == "publish":
            bundles.publish(bundle=bundle, reason=data["reason"], user=request.user)
            done = _("已发布一件事「%(name)s」。") % {"name": name}
        elif action == "return":
            bundles.return_to_draft(bundle=bundle, note=data["note"], user=request.user)
            done = _("已将一件事「%(name)s」的修订退回修改。") % {"name": name}
        messages.success(request, done)
    except DomainError as err:
        messages.error(request, err.message)
    return redirect("workbench_joint:bundles")
