"""Staff pages of joint cases: the list, and a joint case with its departments and the joint actions (the lead
window's 联办通知; each member window's confirmation or missing materials). Member cases are handled on their own
case pages (workbench_cases)."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhengwu.core import access
from zhengwu.core.errors import AccessDenied, DomainError, NotFound
from zhengwu.core.models import Role
from zhengwu.joint import bundles, endings, selectors, services
from zhengwu.joint.models import Phase


def _staff_required(view):
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            if access.staff_of(request.user) is None and not access.is_administrator(request.user):
                raise AccessDenied("需要工作人员账号")
            return view(request, *args, **kwargs)
        except NotFound as err:
            raise Http404(err.message) from None
        except AccessDenied as err:
            raise PermissionDenied(err.message) from None

    return wrapped


@_staff_required
def index(request):
    joints = services.visible_joint_cases(request.user).order_by("-created_at")[:200]
    return render(request, "joint/workbench/index.html", {"joints": joints})


@_staff_required
def case(request, number: str):
    joint = services.joint_by_number(request.user, number)
    summary = selectors.joint_summary(joint, user=request.user)
    staff = access.staff_of(request.user)
    mine = {
        m.position
        for m in joint.members.select_related("case__organisation")
        if staff is not None and access.acts_for(staff, m.case.organisation)
    }
    deciding = set()
    if joint.phase == Phase.HANDLING:
        for m in joint.members.select_related("case"):
            if m.position in mine and m.case.status == "accepted":
                step = m.case.steps.filter(state="open").first()
                if step is not None and step.kind == "decide":
                    deciding.add(m.position)
    from zhengwu.cases import selectors as case_selectors

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
            "is_lead": staff is not None and access.acts_for(staff, joint.lead_organisation),
            "mine": mine,
            "seen": seen,
            "notified": joint.phase == Phase.NOTIFIED,
            "received": joint.phase == Phase.RECEIVED,
            "deciding": deciding,
            "may_withdraw": joint.is_open
            and staff is not None
            and access.acts_for(staff, joint.lead_organisation),
        },
    )


def _act(request, number: str, action):
    joint = services.joint_by_number(request.user, number)
    try:
        action(joint)
        messages.success(request, "已办理。")
    except DomainError as err:
        messages.error(request, err.message)
    return redirect("workbench_joint:case", number=joint.number)


@require_POST
@_staff_required
def notify(request, number: str):
    return _act(
        request,
        number,
        lambda j: services.lead_accept(joint=j, by=request.user, note=request.POST.get("note", "")),
    )


@require_POST
@_staff_required
def confirm(request, number: str, position: int):
    return _act(request, number, lambda j: services.confirm(joint=j, position=position, by=request.user))


@require_POST
@_staff_required
def deny(request, number: str, position: int):
    return _act(
        request,
        number,
        lambda j: endings.deny_member(
            joint=j,
            position=position,
            by=request.user,
            reasons=request.POST.get("reasons", ""),
            legal_basis=request.POST.get("legal_basis", ""),
        ),
    )


@require_POST
@_staff_required
def withdraw(request, number: str):
    return _act(
        request,
        number,
        lambda j: endings.withdraw(joint=j, by=request.user, reason=request.POST.get("reason", "")),
    )


def parse_items(text: str) -> list[dict]:
    """Lines "序号:问题" (or "材料名称:问题") → missing items."""
    items = []
    for line in (text or "").splitlines():
        head, sep, problem = line.replace(":", ":").partition(":")
        if not line.strip():
            continue
        head = head.strip()
        if not sep:
            head, problem = "", line
        item = {"position": int(head)} if head.isdigit() else {"name": head or problem.strip()}
        items.append({**item, "problem": problem.strip()})
    return items


@require_POST
@_staff_required
def missing(request, number: str, position: int):
    items = parse_items(request.POST.get("items", ""))
    return _act(
        request,
        number,
        lambda j: services.raise_missing(joint=j, position=position, by=request.user, items=items),
    )


# ---- bundles: review and publish (drafts are written through the API) -----------------------------------------


@_staff_required
def bundle_list(request):
    from zhengwu.joint.models import Bundle

    rows = []
    for bundle in Bundle.objects.select_related("lead_organisation", "current_version").order_by("code"):
        draft = bundles.open_draft(bundle)
        rows.append({"bundle": bundle, "current": bundle.current_version, "draft": draft})
    return render(
        request,
        "joint/workbench/bundles.html",
        {"rows": rows, "reviewer": access.has_role(request.user, Role.CENTRE_MANAGER)},
    )


@require_POST
@_staff_required
def bundle_act(request, code: str, action: str):
    from zhengwu.joint.models import Bundle

    bundle = Bundle.objects.filter(code=code).first()
    if bundle is None:
        raise Http404("找不到该一件事")
    try:
        if action == "submit":
            bundles.submit(bundle=bundle, user=request.user)
        elif action == "publish":
            bundles.publish(bundle=bundle, reason=request.POST.get("reason", ""), user=request.user)
        elif action == "return":
            bundles.return_to_draft(bundle=bundle, note=request.POST.get("note", ""), user=request.user)
        else:
            raise Http404("没有该操作")
        messages.success(request, "已办理。")
    except DomainError as err:
        messages.error(request, err.message)
    return redirect("workbench_joint:bundles")
