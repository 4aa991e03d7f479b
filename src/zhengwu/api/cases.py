"""Cases (办件) over HTTP: the due-date calculator and public status for anyone; the whole lifecycle for signed-in
applicants and staff, each call scoped by zhengwu.core.access (a case outside the caller's scope answers 404)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from zhengwu.api.common import ERRORS, ErrorOut, answer, signed_in
from zhengwu.api.joint_schemas import JointCaseOut
from zhengwu.api.params import OFFSET_MAX
from zhengwu.cases import deadlines, handling, notices, selectors, services
from zhengwu.cases.models import Applicant, Case
from zhengwu.catalog import selectors as catalog
from zhengwu.core import access, calendar, choices, personal, ratelimit
from zhengwu.core.context import current
from zhengwu.core.errors import ValidationFailed
from zhengwu.core.masking import mask_name

router = Router()


# ---- the due-date calculator (期限计算器)


class LineOut(Schema):
    kind: str
    text: str
    date: str | None = None
    until: str | None = None
    days: int | None = None


class DueOut(Schema):
    due: str | None
    provisional: bool
    explanation: list[LineOut]


def _int(value: str | None, *, field: str, label: str) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationFailed(
            _("%(label)s「%(value)s」不是整数")
            % {"label": label, "value": value if value is not None else ""},
            field=field,
        ) from None


_EXTENSIONS = Query([], description="批准的延期(工作日),可重复")
_SUSPENSIONS = Query([], description="中止期间 FROM:TO(尚未恢复写作 FROM:),可重复")
_UPLOAD = File(..., description="PDF、JPEG、PNG 或 OFD 文件")


@router.get(
    "/due",
    response={200: DueOut, 422: ErrorOut},
    summary="期限计算器:受理日期 + 时限 + 延期 + 中止",
    auth=None,
)
def due(
    request,
    accepted: str | None = Query(None, description="受理日期 YYYY-MM-DD(当日不计)"),
    limit: str | None = Query(None, description="时限(工作日)"),
    extension: list[str] = _EXTENSIONS,
    suspended: list[str] = _SUSPENSIONS,
):
    """The due date alone (`due` is null while a suspension is open), whether it is provisional, and why."""
    result = deadlines.due_date(
        calendar.current_calendar(),
        start=calendar.parse_date(accepted, field="accepted", label=_("受理日期")),
        limit=_int(limit, field="limit", label=_("时限")),
        extensions=[deadlines.Extension(_int(e, field="extension", label=_("延期天数"))) for e in extension],
        suspensions=[deadlines.parse_suspension(s) for s in suspended],
    )
    return {
        "due": result.due.isoformat() if result.due else None,
        "provisional": result.provisional,
        "explanation": [line.as_dict() for line in result.explanation],
    }


# ---- schemas


class CaseStatusOut(Schema):
    """A case's status and dates, as both staff and the public see them (the public without the next actions)."""

    number: str | None
    query_code: str | None = None
    status: str
    status_label: str
    item_code: str
    item_version: int
    item_name: str
    organisation: str
    applicant_name: str
    agent_name: str | None = None
    channel: str
    channel_label: str = ""
    received_at: str | None
    intake_due: str | None
    accepted_on: str | None
    deemed_accepted: bool
    promised_due: str | None
    legal_due: str | None
    due_provisional: bool
    remaining_days: int | None
    extension_days: int
    decision: str
    decision_label: str = ""
    delivery: str
    delivery_label: str = ""
    time_state: str | None
    time_state_label: str | None = None
    revision: int
    explanations: dict[str, Any] | None = None
    steps: list[dict[str, Any]] | None = None


class CaseOut(CaseStatusOut):
    actions: list[str]
    action_labels: dict[str, str] = {}


class PublicStatusOut(CaseStatusOut):
    """The public status answer: no workflow actions (accept, refuse …), which only staff take."""

    timeline: list[dict[str, Any]]


class ListItemOut(Schema):
    number: str | None
    status: str
    status_label: str
    item_name: str
    applicant_name: str
    received_at: dt.datetime | None
    promised_due: dt.date | None
    legal_due: dt.date | None
    due_provisional: bool


class ApplicantIn(Schema):
    kind: str
    name: str
    id_number: str
    phone: str = ""
    email: str = ""
    address: str = ""
    legal_representative: str = ""


class AgentIn(Schema):
    name: str
    id_number: str
    phone: str = ""


class SubmitIn(Schema):
    item_code: str
    form: dict[str, Any] = {}
    applicant: ApplicantIn | None = None
    agent: AgentIn | None = None
    channel: str = "online"
    window_id: int | None = None
    idempotency_key: str = ""
    draft_id: int | None = None
    paper: list[int] = []  # channel counter: positions of the materials handed over on paper (已收纸质件)


class NoteIn(Schema):
    note: str = ""
    revision: int | None = None


class AcceptIn(NoteIn):
    # positions of the materials the window received on paper: this list replaces what the counter's 收件 recorded,
    # and a required material neither uploaded nor provided otherwise must be in it (else 422 intake.materials_missing)
    paper: list[int] = []


class ReasonIn(Schema):
    reason: str = ""
    revision: int | None = None


class RefuseIn(Schema):
    reason: str
    legal_basis: str = ""
    revision: int | None = None


class SupplementItemIn(Schema):
    position: int | None = None
    name: str = ""
    problem: str


class SupplementIn(Schema):
    items: list[SupplementItemIn]
    reason: str = ""
    revision: int | None = None


class SupplyIn(Schema):
    paper: list[int] = []
    revision: int | None = None


class AssignIn(Schema):
    username: str
    revision: int | None = None


class OpinionIn(Schema):
    opinion: str
    revision: int | None = None


class ReturnIn(Schema):
    to_position: int
    reason: str
    revision: int | None = None


class SuspendIn(Schema):
    kind: str
    reason: str
    expected_days: int
    revision: int | None = None


class ExtensionIn(Schema):
    days: int
    reason: str
    revision: int | None = None


class ExtensionDecisionIn(Schema):
    approve: bool
    note: str = ""


class ExtensionOut(Schema):
    id: int
    days: int
    reason: str
    state: str
    state_label: str
    note: str

    @staticmethod
    def resolve_state_label(obj) -> str:
        return obj.get_state_display()


class DecideIn(Schema):
    grant: bool
    reasons: str = ""
    result_name: str = ""
    # 许可事项 the licence states, where it differs from the item's (行政许可法 第三十九条); empty keeps the item's
    licensed_scope: str = Field(
        "", description="准予时载明的许可事项(与事项不同时填写,最长 500 字);留空按事项确定"
    )
    revision: int | None = None


class DeliverIn(Schema):
    method: str
    note: str = ""
    revision: int | None = None


class FeeIn(Schema):
    name: str = Field(..., description="收费项目,须与事项收费目录中的名称一致")
    amount: str | int | float = Field(..., description='实收金额(元),大于 0,最多两位小数,如 "10.00"')


class FeesIn(Schema):
    fees: list[FeeIn]
    revision: int | None = None


class FeeChargedOut(Schema):
    position: int | None = None
    name: str
    amount: str
    standard_amount: str | None


class FeesOut(Schema):
    number: str
    seq: int
    at: dt.datetime
    fees: list[FeeChargedOut]
    case: CaseOut


class InstantIn(Schema):
    grant: bool = True
    reasons: str = ""
    delivery: str = "window"
    # positions of the materials the window received on paper: this list replaces what the counter's 收件 recorded,
    # and a required material neither uploaded nor provided otherwise must be in it (else 422 intake.materials_missing)
    paper: list[int] = []


class NoticeOut(Schema):
    id: int
    kind: str
    kind_label: str
    document_number: str
    issued_at: dt.datetime
    verify_path: str


class MaterialOut(Schema):
    id: int
    position: int
    name: str
    filename: str
    content_type: str
    size: int


class VerifyOut(Schema):
    kind: str
    kind_label: str
    document_number: str
    issued_on: str | None
    case_number: str | None
    item_name: str | None
    organisation: str | None
    applicant: str
    accepted_on: str | None = None
    promised_due: str | None = None
    decision: str | None = None
    result_name: str | None = None
    current_status: str


def _out(request, case, *, status: int = 200) -> HttpResponse:
    """The case after a write, as the acting user may see it (names masked for staff). The services return the
    case as they wrote it (and give the caller's copy its values), so it is not read back (issue 20)."""
    return answer(request, CaseOut, selectors.case_summary_for(current().user, case), status=status)


# ---- public


@router.get(
    "/status",
    response={200: PublicStatusOut | JointCaseOut, **ERRORS},
    summary="凭办件编号和查询码查询进度(联办件:各部门办理进度)",
    auth=None,
)
def status(request, number: str = Query(...), query_code: str = Query(...)):
    """Anyone with the case number and its query code sees the status, the dates and the timeline (names masked).
    A joint case (联办件, number …-L…) answers with its departments' row (kind "joint")."""
    from zhengwu.joint import selectors as joint_selectors

    ratelimit.limit(request, group="cases.status", rate="30/m")
    case = selectors.public_case(number, query_code)  # ordinary cases first: one read (issue 20)
    if case is None:
        joint = joint_selectors.public_summary(number, query_code)
        if joint is not None:
            return joint
    return answer(request, PublicStatusOut, selectors.public_status(case))


@router.get("/verify/{token}", response={200: VerifyOut, 404: ErrorOut}, summary="核验文书真伪", auth=None)
def verify(request, token: str):
    """The essentials of an issued notice, as the QR code on it leads to."""
    return notices.public_view(notices.by_token(token))


# ---- lifecycle


@router.get("", response=list[ListItemOut], summary="我能看到的办件", auth=signed_in)
def list_cases(
    request,
    queue: str | None = None,
    status: str | None = None,
    limit: int = 50,
    offset: int = Query(0, le=OFFSET_MAX),
    after: str | None = Query(None, description="the next page: the cases after this case number (keyset)"),
):
    """Staff: the cases in their scope (or one workbench queue); applicants: their own cases. The next page:
    `after=<the last number of this page>` (as fast on page 1,000 as on page 1; `offset` reads every row before)."""
    if queue and queue not in selectors.QUEUES:
        raise ValidationFailed(
            _("没有名为「%(queue)s」的队列,可选:%(queues)s")
            % {"queue": queue, "queues": "、".join(selectors.QUEUES)},
            field="queue",
        )
    cases = selectors.queue(request.user, queue) if queue else selectors.visible_cases(request.user)
    if status:
        cases = cases.filter(status=status)
    order = selectors.LIST_ORDER  # newest first, a queue too
    cases = selectors.after(selectors.ordered(cases, order), after, order)
    limit, offset = max(1, min(limit, 200)), max(offset, 0)
    staff = access.staff_of(request.user) is not None or access.is_administrator(request.user)
    status_field = Case._meta.get_field("status")
    # only the listed columns, read as values, not as four model instances a row (case, version, applicant,
    # organisation): making them was a quarter of the list's CPU (issue 20)
    rows = cases[offset : offset + limit].values(*_LIST_COLUMNS)
    return answer(
        request,
        ListItemOut,
        [
            {
                "number": row["number"],
                "status": row["status"],
                "status_label": choices.label(status_field, row["status"]),
                "item_name": row["version__name"],
                "applicant_name": mask_name(row["applicant__name"])
                if staff and row["applicant__kind"] == Applicant.Kind.NATURAL
                else row["applicant__name"],
                "received_at": row["received_at"],
                "promised_due": row["promised_due"],
                "legal_due": row["legal_due"],
                "due_provisional": row["due_provisional"],
            }
            for row in rows
        ],
    )


_LIST_COLUMNS = (
    "number", "status", "version__name", "applicant__name", "applicant__kind", "received_at", "promised_due",
    "legal_due", "due_provisional",
)  # fmt: skip


def _applicant_for_submit(request, body: SubmitIn) -> Applicant | dict:
    if body.applicant is not None:
        return body.applicant.dict()  # registered by submit_case, in the submit's transaction
    applicant = selectors.applicant_of(request.user)
    if applicant is None:
        raise ValidationFailed(_("请填写申请人信息"), field="applicant")
    return applicant


@router.post(
    "",
    response={201: CaseOut, 200: CaseOut, **ERRORS},
    summary="提交申请(网上申请或窗口收件)",
    auth=signed_in,
)
def submit(request, body: SubmitIn):
    """Submit an application. Send the same `idempotency_key` (or header Idempotency-Key) when retrying: a retried
    submit answers 200 with the case already made instead of making a second one. At the counter (channel counter,
    staff) `paper` lists the materials the applicant handed over on paper; online it is refused (422 at `paper`)."""
    key = body.idempotency_key or request.headers.get("Idempotency-Key", "")
    item = services.item_for_submit(body.item_code, key)  # with the case the key made already, if any
    window = None
    if body.window_id is not None:
        window = access.visible_windows(request.user).filter(pk=body.window_id).first()
        if window is None:
            raise ValidationFailed(_("找不到该窗口"), field="window_id")
    draft = selectors.draft_for(request.user, body.draft_id) if body.draft_id else None
    case = services.submit_case(
        item=item,
        applicant=draft.applicant if draft else _applicant_for_submit(request, body),
        by=request.user,
        form=body.form,
        agent=body.agent.dict() if body.agent else None,
        channel=body.channel,
        window=window,
        idempotency_key=key,
        draft=draft,
        paper=body.paper,
    )
    return _out(request, case, status=200 if getattr(case, "replayed", False) else 201)


class DraftIn(Schema):
    item_code: str
    form: dict[str, Any] = {}
    agent: AgentIn | None = None
    draft_id: int | None = None


class DraftOut(Schema):
    id: int
    upload_path: str
    form: dict[str, Any]


@router.post("/drafts", response={200: DraftOut, **ERRORS}, summary="保存申请草稿", auth=signed_in)
def save_draft(request, body: DraftIn):
    """Save an unfinished online application; upload its materials to /api/cases/draft-{id}/materials."""
    applicant = selectors.applicant_of(request.user)
    if applicant is None:
        raise ValidationFailed(_("请先完善申请人信息(实名注册)后再保存草稿"), field="applicant")
    draft = selectors.draft_for(request.user, body.draft_id) if body.draft_id else None
    case = services.save_draft(
        item=catalog.item_by_code(body.item_code),
        applicant=applicant,
        by=request.user,
        form=body.form,
        agent=body.agent.dict() if body.agent else None,
        draft=draft,
    )
    return {"id": case.pk, "upload_path": f"/api/cases/draft-{case.pk}/materials", "form": case.form}


@router.get(
    "/{number}",
    response={200: CaseOut | JointCaseOut, **ERRORS},
    summary="办件详情:状态、期限及其计算说明(联办件:各成员办件及联办期限)",
    auth=signed_in,
)
def detail(request, number: str):
    from zhengwu.api import joint as joint_api

    joint = joint_api.detail_or_none(request.user, number)
    if joint is not None:
        return joint
    return selectors.case_summary_for(request.user, selectors.case_for(request.user, number))


class PersonalRowOut(Schema):
    key: str
    label: str
    value: str
    personal: bool


class PersonalDataOut(Schema):
    number: str
    revealed: bool = Field(..., description="true:完整信息(本次查看已记入审计日志);false:已遮蔽")
    may_reveal: bool = Field(..., description="调用者能否凭理由查看完整信息")
    applicant: dict[str, str]
    agent: dict[str, str]
    form: list[PersonalRowOut]


class RevealIn(Schema):
    reason: str = Field("", description="查看理由(必填,2–200 字,记入审计日志)")


def _personal_data(case, *, revealed: bool, may: bool) -> dict:
    fields = selectors.personal_fields(case)
    shown = personal.shown(fields, revealed=revealed)
    return {
        "number": case.number,
        "revealed": revealed,
        "may_reveal": may,
        "applicant": shown["applicant"],
        "agent": shown["agent"],
        "form": personal.rows(fields, "form", revealed=revealed),
    }


@router.get(
    "/{number}/personal-data",
    response={200: PersonalDataOut, **ERRORS},
    summary="办件中的个人信息:申请人、代办人、申请表(工作人员看到的是遮蔽后的)",
    auth=signed_in,
)
def personal_data(request, number: str):
    """Staff get every personal field masked; the applicant side (the data subject) gets its own in full."""
    case = selectors.case_for(request.user, number)
    own = selectors.is_applicant_side(request.user, case)
    return _personal_data(case, revealed=own, may=own or selectors.may_reveal_personal(request.user, case))


@router.post(
    "/{number}/personal-data",
    response={200: PersonalDataOut, **ERRORS},
    summary="凭理由查看完整个人信息(记入审计日志)",
    auth=signed_in,
)
def reveal_personal_data(request, number: str, body: RevealIn):
    """The personal fields in full, for this answer only: 403 unless the caller handles the case (its
    organisation's window clerks, approvers and department heads, the receiving window, the region's supervisors),
    422 at `reason` without a reason, 429 beyond 30 an hour; each reveal is one audit record with its reason."""
    case = selectors.case_for(request.user, number)
    may = selectors.may_reveal_personal(request.user, case)
    personal.reveal(
        request,
        obj=case,
        fields=selectors.revealed_field_names(case),
        reason=body.reason,
        allowed=may,
        refusal=str(selectors.REVEAL_REFUSAL),
        label=case.number,
    )
    return _personal_data(case, revealed=True, may=may)


@router.get(
    "/{number}/events",
    response={200: list[dict[str, Any]], **ERRORS},
    summary="办件记录(时间线)",
    auth=signed_in,
)
def events(request, number: str):
    case = selectors.case_for(request.user, number)
    return selectors.timeline(case, public=access.staff_of(request.user) is None)


@router.get(
    "/{number}/notices", response={200: list[NoticeOut], **ERRORS}, summary="办件文书", auth=signed_in
)
def notice_list(request, number: str):
    case = selectors.case_for(request.user, number)
    return [
        {
            "id": n.pk,
            "kind": n.kind,
            "kind_label": n.get_kind_display(),
            "document_number": n.document_number,
            "issued_at": n.issued_at,
            "verify_path": notices.VERIFY_PATH.format(token=n.token),
        }
        for n in selectors.notices_of(case)
    ]


@router.get(
    "/{number}/notices/{notice_id}.pdf",
    response={200: None, **ERRORS},
    summary="下载文书 PDF",
    auth=signed_in,
)
def notice_pdf(request, number: str, notice_id: int):
    notice = selectors.notice_for(request.user, number, notice_id)
    masked = not selectors.reads_notice_in_full(request.user, notice.case)
    pdf = notices.render(notice, base_url=request.build_absolute_uri("/"), masked=masked)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(notices.filename(notice))}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


@router.post(
    "/{number}/materials", response={201: MaterialOut, **ERRORS}, summary="上传申请材料", auth=signed_in
)
def upload(request, number: str, position: int = Form(...), file: UploadedFile = _UPLOAD):
    if number.startswith("draft-"):
        case = selectors.draft_for(request.user, _int(number[6:], field="number", label=_("草稿编号")))
    else:
        case = selectors.case_for(request.user, number)
    # an applicant's file for a material taken on paper only (载体 纸质) is refused, as on the portal: the original
    # is brought to the window (staff may still file a scan of what the window received)
    if access.staff_of(request.user) is None and position in handling.at_window_only(case.version):
        raise handling.paper_only_refusal(case, position, field="file")
    row = services.upload_material(case=case, by=request.user, position=position, upload=file)
    return Status(201, row)


def _case(request, number: str):
    return selectors.case_for(request.user, number)


@router.post("/{number}/accept", response={200: CaseOut, **ERRORS}, summary="受理", auth=signed_in)
def accept(request, number: str, body: AcceptIn):
    return _out(
        request,
        services.accept_case(
            case=selectors.case_to_lock(request.user, number),  # found in the user's scope by the locked read
            by=request.user,
            revision=body.revision,
            note=body.note,
            paper=body.paper,
        ),
    )


@router.post(
    "/{number}/supplement", response={200: CaseOut, **ERRORS}, summary="一次性告知补正", auth=signed_in
)
def supplement(request, number: str, body: SupplementIn):
    case = _case(request, number)
    services.request_supplement(
        case=case,
        by=request.user,
        items=[i.dict() for i in body.items],
        reason=body.reason,
        revision=body.revision,
    )
    return _out(request, case)


@router.post("/{number}/supply", response={200: CaseOut, **ERRORS}, summary="补齐材料", auth=signed_in)
def supply(request, number: str, body: SupplyIn):
    case = _case(request, number)
    services.supply_supplement(case=case, by=request.user, paper=body.paper, revision=body.revision)
    return _out(request, case)


@router.post("/{number}/refuse", response={200: CaseOut, **ERRORS}, summary="不予受理", auth=signed_in)
def refuse(request, number: str, body: RefuseIn):
    case = _case(request, number)
    services.refuse_case(
        case=case, by=request.user, reason=body.reason, legal_basis=body.legal_basis, revision=body.revision
    )
    return _out(request, case)


@router.post("/{number}/claim", response={200: CaseOut, **ERRORS}, summary="认领当前环节", auth=signed_in)
def claim(request, number: str, body: NoteIn):
    case = _case(request, number)
    services.claim_step(case=case, by=request.user, revision=body.revision)
    return _out(request, case)


@router.post("/{number}/assign", response={200: CaseOut, **ERRORS}, summary="分派当前环节", auth=signed_in)
def assign(request, number: str, body: AssignIn):
    case = _case(request, number)
    target = selectors.staff_user(request.user, body.username)
    services.assign_step(case=case, by=request.user, to=target, revision=body.revision)
    return _out(request, case)


@router.post(
    "/{number}/complete-step", response={200: CaseOut, **ERRORS}, summary="完成当前环节", auth=signed_in
)
def complete_step(request, number: str, body: OpinionIn):
    case = _case(request, number)
    services.complete_step(case=case, by=request.user, opinion=body.opinion, revision=body.revision)
    return _out(request, case)


@router.post(
    "/{number}/return-step", response={200: CaseOut, **ERRORS}, summary="退回到此前环节", auth=signed_in
)
def return_step(request, number: str, body: ReturnIn):
    case = _case(request, number)
    services.return_step(
        case=case, by=request.user, to_position=body.to_position, reason=body.reason, revision=body.revision
    )
    return _out(request, case)


@router.post("/{number}/suspend", response={200: CaseOut, **ERRORS}, summary="中止(特别程序)", auth=signed_in)
def suspend(request, number: str, body: SuspendIn):
    case = _case(request, number)
    services.suspend_case(
        case=case,
        by=request.user,
        kind=body.kind,
        reason=body.reason,
        expected_days=body.expected_days,
        revision=body.revision,
    )
    return _out(request, case)


@router.post("/{number}/resume", response={200: CaseOut, **ERRORS}, summary="恢复办理", auth=signed_in)
def resume(request, number: str, body: NoteIn):
    case = _case(request, number)
    services.resume_case(case=case, by=request.user, note=body.note, revision=body.revision)
    return _out(request, case)


@router.post(
    "/{number}/extensions", response={201: ExtensionOut, **ERRORS}, summary="申请延期", auth=signed_in
)
def request_extension(request, number: str, body: ExtensionIn):
    row = services.request_extension(
        case=_case(request, number),
        by=request.user,
        days=body.days,
        reason=body.reason,
        revision=body.revision,
    )
    return Status(201, row)


@router.post(
    "/{number}/extensions/{extension_id}/decide",
    response={200: ExtensionOut, **ERRORS},
    summary="审批延期",
    auth=signed_in,
)
def decide_extension(request, number: str, extension_id: int, body: ExtensionDecisionIn):
    case = _case(request, number)
    row = selectors.extension_of(case, extension_id, field="extension_id")
    return services.decide_extension(extension=row, by=request.user, approve=body.approve, note=body.note)


@router.post("/{number}/withdraw", response={200: CaseOut, **ERRORS}, summary="撤回申请", auth=signed_in)
def withdraw(request, number: str, body: ReasonIn):
    case = _case(request, number)
    services.withdraw_case(case=case, by=request.user, reason=body.reason, revision=body.revision)
    return _out(request, case)


@router.post("/{number}/terminate", response={200: CaseOut, **ERRORS}, summary="终止办理", auth=signed_in)
def terminate(request, number: str, body: ReasonIn):
    case = _case(request, number)
    services.terminate_case(case=case, by=request.user, reason=body.reason, revision=body.revision)
    return _out(request, case)


@router.post(
    "/{number}/decide", response={200: CaseOut, **ERRORS}, summary="作出准予或不予许可的决定", auth=signed_in
)
def decide(request, number: str, body: DecideIn):
    case = selectors.case_to_lock(
        request.user, number
    )  # found in the user's scope by the service's locked read
    services.decide_case(
        case=case,
        by=request.user,
        grant=body.grant,
        reasons=body.reasons,
        result_name=body.result_name,
        licensed_scope=body.licensed_scope,
        revision=body.revision,
    )
    return _out(request, case)


@router.post("/{number}/deliver", response={200: CaseOut, **ERRORS}, summary="送达结果", auth=signed_in)
def deliver(request, number: str, body: DeliverIn):
    case = _case(request, number)
    services.deliver_result(
        case=case, by=request.user, method=body.method, note=body.note, revision=body.revision
    )
    return _out(request, case)


@router.post("/{number}/complete", response={200: CaseOut, **ERRORS}, summary="办结", auth=signed_in)
def complete(request, number: str, body: NoteIn):
    case = selectors.case_to_lock(
        request.user, number
    )  # found in the user's scope by the service's locked read
    services.complete_case(case=case, by=request.user, revision=body.revision)
    return _out(request, case)


@router.post(
    "/{number}/fees", response={201: FeesOut, **ERRORS}, summary="登记收费(按收费目录)", auth=signed_in
)
def charge_fees(request, number: str, body: FeesIn):
    """The fees charged, each named as in the item's fee list, with the amount charged; the answer gives the
    catalogue standard beside each. An amount other than the standard is recorded (and reported to supervision)."""
    case = _case(request, number)
    event = services.charge_fee(
        case=case,
        by=request.user,
        fees=[{"name": f.name, "amount": f.amount} for f in body.fees],
        revision=body.revision,
    )
    return Status(
        201,
        {
            "number": case.number,
            "seq": event.seq,
            "at": event.at,
            "fees": event.data["fees"],
            "case": selectors.case_summary_for(current().user, case),
        },
    )


@router.post("/{number}/instant", response={200: CaseOut, **ERRORS}, summary="即办件当场办结", auth=signed_in)
def instant(request, number: str, body: InstantIn):
    case = _case(request, number)
    services.handle_instantly(
        case=case,
        by=request.user,
        grant=body.grant,
        reasons=body.reasons,
        delivery=body.delivery,
        paper=body.paper,
    )
    return _out(request, case)
