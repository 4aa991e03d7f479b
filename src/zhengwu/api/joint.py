"""The joint-approval API: bundles (一件事) — read, draft, submit, return, publish — and joint cases (联办件) — apply,
read, and every joint action (联办通知, confirm, missing materials, upload, supply, a member's 不予受理 and 不予许可, withdrawal)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile

from zhengwu.api.common import ERRORS, signed_in
from zhengwu.api.joint_schemas import JointCaseOut
from zhengwu.cases import selectors as case_selectors
from zhengwu.core import access
from zhengwu.core.errors import ValidationFailed
from zhengwu.joint import bundles, endings, meetings, selectors, services
from zhengwu.joint.models import Bundle

router = Router()
_UPLOAD = File(..., description="PDF、JPEG、PNG 或 OFD 文件")


class MemberIn(Schema):
    item: str
    stage: int = 1
    needs: list[str] = []


class BundleIn(Schema):
    name: str
    category: str
    lead_organisation: int | str
    description: str = ""
    stages: list[str] = []
    members: list[MemberIn]
    extension_approval: str = ""
    reason: str = ""
    code: str = ""


class BundleOut(Schema):
    code: str
    version: int
    status: str
    status_label: str
    name: str
    category: str
    category_label: str
    lead_organisation: str
    legal_limit: int
    promised_limit: int
    extension_approval: str
    stages: list[dict[str, Any]]
    materials: list[dict[str, Any]]
    form: list[dict[str, Any]]


def _bundle_out(version) -> dict:
    context = selectors.guide_context(version)
    return {
        "code": version.bundle.code,
        "version": version.number,
        "status": version.status,
        "status_label": str(version.get_status_display()),
        "name": version.name,
        "category": version.category,
        "category_label": str(version.get_category_display()),
        "lead_organisation": version.bundle.lead_organisation.name,
        "legal_limit": version.legal_limit,
        "promised_limit": version.promised_limit,
        "extension_approval": version.extension_approval,
        "stages": [
            {
                "number": s["number"],
                "name": s["name"],
                "members": [
                    {
                        "position": m["position"],
                        "item_code": m["item"].code,
                        "item": m["name"],
                        "organisation": m["organisation"].name if m["organisation"] else "",
                        "needs": m["needs"],
                        "legal_limit": m["legal_limit"],
                        "promised_limit": m["promised_limit"],
                        "due_in": m["due_in"],
                    }
                    for m in s["members"]
                ],
            }
            for s in context["stages"]
        ],
        "materials": context[
            "materials"
        ],  # as the members' versions in force say now (selectors.guide_context)
        "form": version.merged_form,
    }


def _bundle(code: str, field: str = "code") -> Bundle:
    """The bundle of this code; refused at `field`, the name the caller sent it under (the path's code, or the
    application's bundle_code)."""
    bundle = selectors.bundle_by_code(code)
    if bundle is None:
        raise ValidationFailed(_("找不到编码为「%(c)s」的一件事") % {"c": code}, field=field)
    return bundle


@router.get("/bundles", response=list[BundleOut], summary="已发布的一件事(并联审批目录)", auth=None)
def list_bundles(request):
    return [_bundle_out(b.current_version) for b in selectors.published_bundles()]


@router.get(
    "/bundles/{code}",
    response={200: BundleOut, **ERRORS},
    summary="一件事详情:阶段、成员、合并材料与表单",
    auth=None,
)
def bundle_detail(request, code: str):
    return _bundle_out(bundles.published(code))


@router.post("/bundles", response={201: BundleOut, **ERRORS}, summary="新建一件事(草稿)", auth=signed_in)
def create_bundle(request, body: BundleIn):
    return Status(201, _bundle_out(bundles.create_bundle(spec=body.dict(), user=request.user)))


@router.put(
    "/bundles/{code}", response={200: BundleOut, **ERRORS}, summary="修改一件事(草稿或新版本)", auth=signed_in
)
def edit_bundle(request, code: str, body: BundleIn):
    return _bundle_out(bundles.edit_bundle(bundle=_bundle(code), spec=body.dict(), user=request.user))


class NoteIn(Schema):
    note: str = ""


class ReasonIn(Schema):
    reason: str = ""


@router.post(
    "/bundles/{code}/submit", response={200: BundleOut, **ERRORS}, summary="提交一件事审核", auth=signed_in
)
def submit_bundle(request, code: str):
    return _bundle_out(bundles.submit(bundle=_bundle(code), user=request.user))


@router.post(
    "/bundles/{code}/return", response={200: BundleOut, **ERRORS}, summary="退回一件事草稿", auth=signed_in
)
def return_bundle(request, code: str, body: NoteIn):
    return _bundle_out(bundles.return_to_draft(bundle=_bundle(code), note=body.note, user=request.user))


@router.post(
    "/bundles/{code}/publish", response={200: BundleOut, **ERRORS}, summary="发布一件事", auth=signed_in
)
def publish_bundle(request, code: str, body: ReasonIn):
    return _bundle_out(bundles.publish(bundle=_bundle(code), reason=body.reason, user=request.user))


# ---- joint cases ---------------------------------------------------------------------------------------------


class ApplyIn(Schema):
    bundle_code: str
    form: dict[str, Any] = {}
    channel: str = "online"
    window_id: int | None = None
    applicant_id: int | None = None
    lead_window_id: int | None = None
    # 结果送达方式 (the hall's choice: window / post / electronic / home), recorded on every member case
    delivery_method: str = ""
    delivery_address: str = ""
    delivery_reason: str = ""


def joint_out(user, joint) -> dict:
    joint.refresh_from_db()
    return selectors.joint_summary(joint, user=user)


@router.post(
    "/cases", response={201: JointCaseOut, **ERRORS}, summary="申请一件事(网上申请或窗口收件)", auth=signed_in
)
def apply(request, body: ApplyIn):
    window = None
    if body.window_id is not None:
        window = access.visible_windows(request.user).filter(pk=body.window_id).first()
        if window is None:
            raise ValidationFailed(_("找不到该窗口"), field="window_id")
    if access.staff_of(request.user) is not None:
        applicant = case_selectors.applicant_by_id(body.applicant_id) if body.applicant_id else None
        if applicant is None:
            raise ValidationFailed(_("请选择申请人"), field="applicant_id")
    else:
        applicant = case_selectors.applicant_of(request.user)
        if applicant is None:
            raise ValidationFailed(_("请先完善申请人信息(实名注册)后再申请"), field="applicant")
    if body.lead_window_id is not None:  # 总服务台: 统一登记 and 指定主办窗口
        joint = services.register(
            bundle=_bundle(body.bundle_code, "bundle_code"),
            applicant=applicant,
            by=request.user,
            form=body.form,
            lead_window=_window(body.lead_window_id),
        )
        return Status(201, joint_out(request.user, joint))
    joint = services.apply(
        bundle=_bundle(body.bundle_code, "bundle_code"),
        applicant=applicant,
        by=request.user,
        form=body.form,
        channel=body.channel,
        window=window,
        delivery={
            "method": body.delivery_method,
            "address": body.delivery_address,
            "reason": body.delivery_reason,
        }
        if body.delivery_method
        else None,
    )
    return Status(201, joint_out(request.user, joint))


def _window(pk):
    window = selectors.window(pk)
    if window is None:
        raise ValidationFailed(_("找不到该窗口"), field="lead_window_id")
    return window


class LeadWindowIn(Schema):
    window_id: int
    reason: str = ""
    revision: int | None = None


@router.post(
    "/cases/{number}/lead-window",
    response={200: JointCaseOut, **ERRORS},
    summary="总服务台指定或改派主办窗口(改派须说明理由)",
    auth=signed_in,
)
def lead_window(request, number: str, body: LeadWindowIn):
    joint = services.joint_by_number(request.user, number)
    return joint_out(
        request.user,
        services.assign_lead_window(
            joint=joint,
            by=request.user,
            window=_window(body.window_id),
            reason=body.reason,
            revision=body.revision,
        ),
    )


class IntakeWorkOut(Schema):
    number: str
    bundle_name: str
    phase: str
    phase_label: str
    lead_organisation: str
    intake_due: Any = None


@router.get(
    "/cases",
    response=list[IntakeWorkOut],
    summary="待本窗口受理的联办件(主办窗口发联办通知、成员窗口答复、登记补正;其成员办件不在单件待受理队列)",
    auth=signed_in,
)
def intake_work(request, limit: int = 50):
    """The workbench's 待受理的联办件: soonest member intake due first."""
    return [
        {
            "number": j.number,
            "bundle_name": j.version.name,
            "phase": j.phase,
            "phase_label": j.get_phase_display(),
            "lead_organisation": j.lead_organisation.name,
            "intake_due": j.intake_due,
        }
        for j in services.intake_work(request.user)[: max(1, min(limit, 200))]
    ]


@router.get(
    "/cases/{number}",
    response={200: JointCaseOut, **ERRORS},
    summary="联办件详情:各部门状态与期限",
    auth=signed_in,
)
def joint_detail(request, number: str):
    return joint_out(request.user, services.joint_by_number(request.user, number))


class RevisionIn(Schema):
    revision: int | None = None
    note: str = ""


@router.post(
    "/cases/{number}/notify",
    response={200: JointCaseOut, **ERRORS},
    summary="主办窗口受理并发送联办通知",
    auth=signed_in,
)
def notify(request, number: str, body: RevisionIn):
    joint = services.joint_by_number(request.user, number)
    return joint_out(
        request.user,
        services.lead_accept(joint=joint, by=request.user, note=body.note, revision=body.revision),
    )


@router.post(
    "/cases/{number}/members/{position}/confirm",
    response={200: JointCaseOut, **ERRORS},
    summary="成员窗口确认材料齐全",
    auth=signed_in,
)
def confirm(request, number: str, position: int, body: RevisionIn):
    joint = services.joint_by_number(request.user, number)
    return joint_out(
        request.user,
        services.confirm(joint=joint, position=position, by=request.user, revision=body.revision),
    )


class MissingItemIn(Schema):
    material: int | None = Field(
        None, description="合并材料清单中的序号(申请人看到的序号,同联办通知核对清单);不在清单中的材料填 name"
    )
    name: str = ""
    problem: str
    position: int | None = Field(None, description="已停用:请用 material(合并材料清单序号)")


class MissingIn(Schema):
    items: list[MissingItemIn]
    revision: int | None = None


@router.post(
    "/cases/{number}/members/{position}/missing",
    response={200: JointCaseOut, **ERRORS},
    summary="成员窗口提出需补正的材料",
    auth=signed_in,
)
def missing(request, number: str, position: int, body: MissingIn):
    joint = services.joint_by_number(request.user, number)
    for index, item in enumerate(body.items, start=1):
        if item.position is not None:
            raise ValidationFailed(
                _(
                    "第 %(i)s 项:请用 material 填写材料在合并材料清单中的序号(申请人看到的序号),position 已停用"
                )
                % {"i": index},
                field="items",
            )
    items = [{"material": i.material, "name": i.name, "problem": i.problem} for i in body.items]
    return joint_out(
        request.user,
        services.raise_missing(
            joint=joint, position=position, by=request.user, items=items, revision=body.revision
        ),
    )


class UploadOut(Schema):
    members: int


@router.post(
    "/cases/{number}/materials/{position}",
    response={200: UploadOut, **ERRORS},
    summary="上传合并材料清单中的一项(送达需要它的各部门)",
    auth=signed_in,
)
def upload(request, number: str, position: int, file: UploadedFile = _UPLOAD):
    joint = services.joint_by_number(request.user, number)
    return {"members": services.upload_material(joint=joint, by=request.user, position=position, upload=file)}


class SupplyIn(Schema):
    paper: list[int] = []
    revision: int | None = None


@router.post(
    "/cases/{number}/supply",
    response={200: JointCaseOut, **ERRORS},
    summary="补齐联合告知的全部材料",
    auth=signed_in,
)
def supply(request, number: str, body: SupplyIn):
    joint = services.joint_by_number(request.user, number)
    return joint_out(
        request.user, services.supply(joint=joint, by=request.user, paper=body.paper, revision=body.revision)
    )


class DenyIn(Schema):
    reasons: str
    legal_basis: str
    revision: int | None = None


@router.post(
    "/cases/{number}/members/{position}/deny",
    response={200: JointCaseOut, **ERRORS},
    summary="成员部门不予许可(理由和法律依据);以其为前置的成员终止办理,其余成员继续",
    auth=signed_in,
)
def deny(request, number: str, position: int, body: DenyIn):
    joint = services.joint_by_number(request.user, number)
    return joint_out(
        request.user,
        endings.deny_member(
            joint=joint,
            position=position,
            by=request.user,
            reasons=body.reasons,
            legal_basis=body.legal_basis,
            revision=body.revision,
        ),
    )


class RefuseIn(Schema):
    reason: str
    legal_basis: str
    revision: int | None = None


@router.post(
    "/cases/{number}/members/{position}/refuse",
    response={200: JointCaseOut, **ERRORS},
    summary="成员窗口不予受理(联办通知阶段,理由和法律依据);以其为前置的成员同时不予受理,其余成员继续",
    auth=signed_in,
)
def refuse(request, number: str, position: int, body: RefuseIn):
    joint = services.joint_by_number(request.user, number)
    return joint_out(
        request.user,
        endings.refuse_member(
            joint=joint,
            position=position,
            by=request.user,
            reason=body.reason,
            legal_basis=body.legal_basis,
            revision=body.revision,
        ),
    )


class WithdrawIn(Schema):
    reason: str = ""
    revision: int | None = None


@router.post(
    "/cases/{number}/withdraw",
    response={200: JointCaseOut, **ERRORS},
    summary="撤回整个联办申请(尚未决定的各成员办件一并撤回)",
    auth=signed_in,
)
def withdraw(request, number: str, body: WithdrawIn):
    joint = services.joint_by_number(request.user, number)
    return joint_out(
        request.user,
        endings.withdraw(joint=joint, by=request.user, reason=body.reason, revision=body.revision),
    )


class SuperviseIn(Schema):
    instruction: str
    response_days: int = 5


class OrderOut(Schema):
    number: str
    organisation: str
    due_on: str


@router.post(
    "/cases/{number}/members/{position}/supervise",
    response={201: OrderOut, **ERRORS},
    summary="对成员部门督办",
    auth=signed_in,
)
def supervise(request, number: str, position: int, body: SuperviseIn):
    joint = services.joint_by_number(request.user, number)
    order = services.supervise_member(
        joint=joint,
        position=position,
        by=request.user,
        instruction=body.instruction,
        response_days=body.response_days,
    )
    return Status(
        201,
        {"number": order.number, "organisation": order.organisation.name, "due_on": order.due_on.isoformat()},
    )


class ConveneIn(Schema):
    kind: str
    scheduled_on: str
    agenda: str
    positions: list[int]
    place: str = ""
    holds_decision: bool = True
    scheduled_at: str = ""  # 时:分, e.g. 09:30
    applicant_attends: bool = False  # always at a site inspection or acceptance and the 审前集中告知会议


class MeetingOut(Schema):
    id: int
    kind: str
    scheduled_on: str
    scheduled_at: str | None
    positions: list[int]
    closed: bool


def _meeting_out(meeting) -> dict:
    return {
        "id": meeting.pk,
        "kind": meeting.kind,
        "scheduled_on": meeting.scheduled_on.isoformat(),
        "scheduled_at": meeting.scheduled_at and meeting.scheduled_at.isoformat("minutes"),
        "positions": meeting.positions,
        "closed": bool(meeting.minutes_at),
    }


@router.post(
    "/cases/{number}/meetings",
    response={201: MeetingOut, **ERRORS},
    summary="主办窗口召集审前集中告知会议、联审会议或联合踏勘",
    auth=signed_in,
)
def convene(request, number: str, body: ConveneIn):
    joint = services.joint_by_number(request.user, number)
    return Status(201, _meeting_out(meetings.convene(joint=joint, by=request.user, **body.dict())))


class OpinionIn(Schema):
    position: int
    opinion: str = ""
    items: list[MissingItemIn] = []


@router.post(
    "/cases/{number}/meetings/{meeting_id}/opinions",
    response={200: MeetingOut, **ERRORS},
    summary="成员部门记录联审意见(审前集中告知会议:需补正的材料)",
    auth=signed_in,
)
def opinion(request, number: str, meeting_id: int, body: OpinionIn):
    joint = services.joint_by_number(request.user, number)
    row = meetings.record_opinion(
        joint=joint,
        meeting_id=meeting_id,
        position=body.position,
        by=request.user,
        opinion=body.opinion,
        items=[i.dict() for i in body.items],
    )
    return _meeting_out(row.meeting)


@router.post(
    "/cases/{number}/meetings/{meeting_id}/minutes",
    response={200: MeetingOut, **ERRORS},
    summary="上传会议纪要(联审结束)",
    auth=signed_in,
)
def minutes(request, number: str, meeting_id: int, file: UploadedFile = _UPLOAD):
    joint = services.joint_by_number(request.user, number)
    return _meeting_out(
        meetings.attach_minutes(joint=joint, meeting_id=meeting_id, by=request.user, upload=file)
    )


class ForwardIn(Schema):
    authority: str
    note: str = ""


class ReplyIn(Schema):
    reply: str


class ForwardOut(Schema):
    authority: str
    sent_on: str
    replied_on: str | None
    workdays: int
    open: bool
    citation: str


@router.post(
    "/cases/{number}/members/{position}/forward",
    response={201: ForwardOut, **ERRORS},
    summary="成员事项上报上级机关",
    auth=signed_in,
)
def forward(request, number: str, position: int, body: ForwardIn):
    joint = services.joint_by_number(request.user, number)
    row = meetings.forward_up(
        joint=joint, position=position, by=request.user, authority=body.authority, note=body.note
    )
    return Status(201, meetings.forward_period(row))


@router.post(
    "/cases/{number}/members/{position}/forward-reply",
    response={200: ForwardOut, **ERRORS},
    summary="登记上级机关答复",
    auth=signed_in,
)
def forward_reply(request, number: str, position: int, body: ReplyIn):
    joint = services.joint_by_number(request.user, number)
    return meetings.forward_period(
        meetings.record_reply(joint=joint, position=position, by=request.user, reply=body.reply)
    )


def detail_or_none(user, number: str) -> dict | None:
    """For GET /api/cases/{number}: the joint case with this number, or None (then it is an ordinary case)."""
    if not selectors.is_joint_number(number):
        return None
    return joint_out(user, services.joint_by_number(user, number))
