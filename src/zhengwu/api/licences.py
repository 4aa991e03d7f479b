"""The licence library's API: licences by holder and by identifier (scoped like cases: staff see what their
organisations issued or their cases used, a holder their own), the public check, the wallet's actions (download,
亮证, the use log) and the staff's issuing, change, renewal and ending."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Router, Schema
from ninja import Status as Answer
from ninja.files import UploadedFile

from zhengwu.api.cases import PersonalRowOut, RevealIn
from zhengwu.api.common import ERRORS, ErrorOut, signed_in
from zhengwu.cases import selectors as case_selectors
from zhengwu.core import access, files, personal, ratelimit
from zhengwu.core.actors import actor_name
from zhengwu.core.errors import AccessDenied, NotFound, ValidationFailed
from zhengwu.licences import grants, services
from zhengwu.licences.models import Licence
from zhengwu.licences.selectors import (
    REVEAL_REFUSAL,
    STATUS_FILTERS,
    held_by_user,
    holder_shown,
    may_download,
    may_reveal_personal,
    personal_fields,
    public_view,
    status_q,
    visible,
)

router = Router()


class DistinguishedOut(Schema):
    key: str = Field(description="照面信息项的键(data 中的键),如 address")
    label: str = Field(description="照面信息项的名称,如 经营场所")
    value: str = Field(description="该证照的取值,如 贵溪市建设路 18 号")


class LicenceOut(Schema):
    identifier: str
    number: str
    version: int
    type: str
    type_code: str
    holder: str
    holder_id: str
    issuer: str
    issued_on: dt.date
    valid_from: dt.date
    valid_until: dt.date | None
    status: str
    status_label: str
    expiry: str = Field(
        "",
        description="soon:有效期届满前该证照类型最早的提醒天数(默认 90 天)内;expired:已过有效期;空:长期或尚早",
    )
    days_left: int | None = Field(None, description="距有效期截止日的天数(当日为 0,过期为负;长期为 null)")
    case: str | None
    data: dict
    distinguished_by: DistinguishedOut | None = Field(
        None,
        description=(
            "同一持证主体持有多本同类证照时区分各本的照面信息项及其取值(如食品经营许可证按经营场所分别取得:"
            "经营场所);取自证照类型标为区分项的一项,未标明时取经营场所、住所或坐落;该类型没有此项或本证照未载明时"
            "为 null"
        ),
    )
    metadata: dict
    file_sha256: str | None = Field(
        description=(
            "签名电子证照 PDF 的 SHA-256(64 位小写十六进制)。每个版本的文件只生成一次并保存,之后每次下载都是"
            "同样的字节,可用此值核对下载的文件;文件在首次下载(或首次作为免提交材料使用)时生成,此前为 null。"
            "变更、延续签发的新版本有自己的文件和摘要。"
        ),
        examples=["3f5a…(64 位十六进制)"],
    )
    download_url: str | None = Field(
        description=(
            "下载该版本签名 PDF 的地址(需登录;持证人、依授权的被授权方,或可查看该证照完整个人信息的工作人员:"
            "签名文件载有持证人的完整个人信息,不能遮蔽)。其他工作人员为 null。下载记入证照使用记录和审计日志。"
            "尚未生成文件时,首次下载会生成并保存文件,之后 file_sha256 即为其摘要。"
        )
    )


class PublicOut(Schema):
    identifier: str
    type: str
    number: str
    version: int
    holder: str
    holder_id: str
    issuer: str
    issued_on: dt.date
    valid_until: dt.date | None
    status: str
    status_label: (
        str  # not_yet_valid: 尚未生效(自 …起有效), a renewed version whose period starts after today
    )
    end_basis: str
    end_document: str  # 撤销 / 吊销: the issuing organisation's 决定文书 number
    current_identifier: str | None


class CheckOut(Schema):
    signature_ok: bool
    intact: bool
    trusted: bool
    timestamped: bool
    signer: str
    reason: str
    licence: PublicOut | None


class UseOut(Schema):
    at: dt.datetime
    purpose: str
    purpose_label: str
    case: str | None
    user: str
    note: str


class ShowOut(Schema):
    url: str
    expires_at: dt.datetime


class ChangeIn(Schema):
    data: dict[str, str]
    reason: str


class EndIn(Schema):
    kind: str
    basis: str
    case: str | None = None
    document: str = ""  # 撤销 / 吊销: the 决定文书 number (or `case`)


class IssueIn(Schema):
    case: str


class GrantIn(Schema):
    kind: str = Field(description="被授权方类型:organisation(政府部门)、company(单位,如银行)或 person(个人)")
    purpose: str
    valid_until: dt.date
    organisation: str | None = Field(
        None,
        description="kind 为 organisation 时:部门的 id(见 GET /api/licences/organisations)或其统一社会信用代码",
    )
    grantee_id: str = ""
    grantee_name: str = ""


class OrganisationOut(Schema):
    id: int = Field(description="授权给政府部门时 organisation 填此值(或其统一社会信用代码)")
    name: str
    short_name: str
    uscc: str


class GrantOut(Schema):
    id: int
    identifier: str
    type: str
    holder: str
    grantee_kind: str
    grantee: str
    purpose: str
    valid_from: dt.date
    valid_until: dt.date
    state: str
    state_label: str


def _is_staff(user) -> bool:
    return access.staff_of(user) is not None or access.is_administrator(user)


def _scoped(user):
    return visible(user) if _is_staff(user) else held_by_user(user).select_related("case")


def _get(user, identifier: str) -> Licence:
    licence = _scoped(user).filter(identifier=str(identifier)[:80]).first()
    if licence is None:
        raise NotFound(_("找不到该证照,或您无权查看"), field="identifier")
    return licence


def _out(request, licence: Licence, *, grant_id: int | None = None) -> dict:
    """A licence as the caller may see it: staff see the holder and the personal data items masked; a holder, or a party through its grant
    (`grant_id`: the download goes through the grant too), in full."""
    user = None if grant_id is not None else request.user
    staff = _is_staff(user)
    holder, holder_id = holder_shown(licence) if staff else (licence.holder_name, licence.holder_id)
    # the data items that are personal masked for staff too, as the workbench's licence page shows them
    fields = personal_fields(licence) if staff else None
    data = personal.shown(fields, revealed=False).get("data", {}) if staff else licence.data
    if grant_id is not None:
        download = reverse("api:licence_granted_pdf", args=[grant_id])
    elif staff and not may_download(
        request.user, licence, fields=fields
    ):  # the file cannot be masked (services.download)
        download = None
    else:
        download = reverse("api:licence_pdf", args=[licence.identifier])
    return {
        "identifier": licence.identifier,
        "number": licence.number,
        "version": licence.version,
        "type": licence.type.name,
        "type_code": licence.type.code,
        "holder": holder,
        "holder_id": holder_id,
        "issuer": licence.issuer.name,
        "issued_on": licence.issued_on,
        "valid_from": licence.valid_from,
        "valid_until": licence.valid_until,
        "status": licence.effective_status,
        "status_label": licence.effective_status_label,
        "expiry": licence.expiry,
        "days_left": licence.days_left,
        "case": licence.case.number if licence.case else None,
        "data": data,
        "distinguished_by": licence.distinguished_by,
        "metadata": {**services.metadata(licence), "持证主体": holder, "持证主体代码": holder_id},
        "file_sha256": licence.file_sha256 or None,
        "download_url": request.build_absolute_uri(download) if download else None,
    }


def _public(licence: Licence) -> dict:
    view = public_view(licence)
    return {**view, "current_identifier": view["current"].identifier if view["current"] else None}


@router.get("", response={200: list[LicenceOut], **ERRORS}, summary="我能看到的证照", auth=signed_in)
def list_licences(
    request, holder: str | None = None, status: str | None = None, limit: int = 50, offset: int = 0
):
    """Staff: licences their organisations issued or their cases used (by holder: `holder`); holders: their own."""
    rows = _scoped(request.user)
    if holder:
        rows = rows.filter(holder_id=holder.strip().upper()[:18])
    if status:
        # as each result's `status` says today (a renewal not yet started is not_yet_valid, not valid)
        if status not in STATUS_FILTERS:
            raise ValidationFailed(
                _("状态应为 %(v)s 之一") % {"v": "、".join(STATUS_FILTERS)}, field="status"
            )
        rows = rows.filter(status_q(status))
    limit, offset = max(1, min(limit, 200)), max(offset, 0)
    return [_out(request, lic) for lic in rows[offset : offset + limit]]


def _grant_out(grant) -> dict:
    return {
        "id": grant.pk,
        "identifier": grant.licence.identifier,
        "type": grant.licence.type.name,
        "holder": grant.licence.holder_name,
        "grantee_kind": grant.grantee_kind,
        "grantee": grants.grantee_shown(grant),
        "purpose": grant.purpose,
        "valid_from": grant.valid_from,
        "valid_until": grant.valid_until,
        "state": grant.state,
        "state_label": grant.state_label,
    }


@router.get(
    "/organisations",
    response={200: list[OrganisationOut], **ERRORS},
    summary="可被授权用证的部门",
    auth=signed_in,
)
def organisations(request, q: str = ""):
    """The departments a grant may name (active ones), found by `q`: part of the name or short name, pinyin or its
    initials, or part of the USCC — the same search as the wallet's grant form."""
    return [
        {"id": o.pk, "name": o.name, "short_name": o.short_name, "uscc": o.uscc}
        for o in grants.organisations(q)[: grants.PICKER_LIMIT]
    ]


@router.get(
    "/granted", response={200: list[GrantOut], **ERRORS}, summary="授权给我使用的证照", auth=signed_in
)
def granted_list(request):
    """Grants to the caller: their department (staff), or the company or person they are (portal accounts)."""
    return [_grant_out(g) for g in grants.granted_to(request.user)[:200]]


@router.get(
    "/granted/{grant_id}", response={200: LicenceOut, **ERRORS}, summary="依授权查验证照", auth=signed_in
)
def granted(request, grant_id: int):
    """The licence (its version in force today, `services.in_force_version`) through an active grant to the caller; the look is logged for the holder."""
    row = grants.open_granted(by=request.user, grant_id=grant_id, action="view")
    licence = services.in_force_version(row.licence)
    return {**_out(request, licence, grant_id=row.pk), "case": None}


@router.get(
    "/granted/{grant_id}/pdf",
    summary="依授权下载签名的电子证照",
    auth=signed_in,
    response={200: None, **ERRORS},
    url_name="licence_granted_pdf",
)
def granted_pdf(request, grant_id: int):
    """The signed file of the licence's version in force today, through an active grant to the caller; logged for the holder."""
    row = grants.open_granted(by=request.user, grant_id=grant_id, action="download")
    return _pdf_answer(services.in_force_version(row.licence), services.stored_pdf)


@router.post(
    "/grants/{grant_id}/revoke", response={200: GrantOut, **ERRORS}, summary="撤回用证授权", auth=signed_in
)
def revoke_grant(request, grant_id: int):
    grant = grants.holder_grant(by=request.user, grant_id=grant_id)
    return _grant_out(grants.revoke(grant=grant, by=request.user))


@router.post("/check", response={200: CheckOut, **ERRORS}, summary="核验证照文件的签名与状态", auth=None)
def check(request, file: File[UploadedFile]):
    ratelimit.limit(request, group="licence-check", rate="10/m", message=_("核验过于频繁,请稍后再试"))
    data, kind = files.check(
        file, accept=files.MATERIALS, max_bytes=files.limit("ZHENGWU_CASE_UPLOAD_MAX_BYTES")
    )
    if kind != "application/pdf":
        raise ValidationFailed(_("请上传 PDF 格式的电子证照文件"), field="file")
    result = services.check_file(data)
    verdict, licence = result["verdict"], result["licence"]
    return {
        "signature_ok": verdict.ok,
        "intact": verdict.intact,
        "trusted": verdict.trusted,
        "timestamped": verdict.timestamped,
        "signer": verdict.signer,
        "reason": verdict.reason,
        "licence": _public(licence) if licence else None,
    }


@router.post(
    "/issue", response={201: LicenceOut, **ERRORS}, summary="为已准予许可的办件签发证照", auth=signed_in
)
def issue(request, body: IssueIn):
    """For a granted case whose licence is missing (the supervision rule `licence.grant_without_licence` names it)."""
    case = case_selectors.case_for(request.user, body.case)
    return Answer(201, _out(request, services.issue_missing(case, by=request.user)))


@router.get("/{identifier}", response={200: LicenceOut, **ERRORS}, summary="按标识查看证照", auth=signed_in)
def get_licence(request, identifier: str):
    return _out(request, _get(request.user, identifier))


@router.get(
    "/{identifier}/verify", response={200: PublicOut, 404: ErrorOut}, summary="核验证照状态", auth=None
)
def verify(request, identifier: str):
    return _public(services.by_identifier(identifier))


@router.get(
    "/{identifier}/uses", response={200: list[UseOut], **ERRORS}, summary="证照使用记录", auth=signed_in
)
def uses(request, identifier: str):
    licence = _get(request.user, identifier)
    return [
        {
            "at": u.at,
            "purpose": u.purpose,
            "purpose_label": u.purpose_label,
            "case": u.case.number if u.case else None,
            "user": actor_name(u.user_label),
            "note": u.note,
        }
        for u in licence.uses.select_related("case")[:200]
    ]


@router.get(
    "/{identifier}/grants", response={200: list[GrantOut], **ERRORS}, summary="证照的用证授权", auth=signed_in
)
def grants_of(request, identifier: str):
    """The holder's grants for this licence (every version of it)."""
    if _is_staff(request.user):
        raise AccessDenied(_("用证授权由持证人本人管理"))
    return [
        _grant_out(g)
        for g in grants.grants_of(_get(request.user, identifier)).select_related("licence__type")
    ]


@router.post(
    "/{identifier}/grants", response={201: GrantOut, **ERRORS}, summary="授权他人使用证照", auth=signed_in
)
def authorise(request, identifier: str, body: GrantIn):
    if _is_staff(request.user):
        raise AccessDenied(_("用证授权由持证人本人操作"))
    grant = grants.authorise(
        licence=_get(request.user, identifier),
        by=request.user,
        kind=body.kind,
        organisation=body.organisation,
        grantee_id=body.grantee_id,
        grantee_name=body.grantee_name,
        purpose=body.purpose,
        valid_until=body.valid_until,
    )
    return Answer(201, _grant_out(grant))


def _pdf_answer(licence: Licence, read) -> HttpResponse:
    response = HttpResponse(read(licence), content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(services.filename(licence))}"
    return response


@router.get(
    "/{identifier}/pdf",
    summary="下载签名的电子证照",
    auth=signed_in,
    response={200: None, **ERRORS},
    url_name="licence_pdf",
)
def pdf(request, identifier: str):
    """The version's signed file (the same bytes every time; its SHA-256 is the licence's `file_sha256`). It carries
    the holder's personal data in full: staff who may not read it in full (as `POST …/personal-data` would refuse
    them) get 403; each download is logged (使用记录, audit `licence.download`)."""
    licence = _get(request.user, identifier)
    return _pdf_answer(licence, lambda lic: services.download(licence=lic, by=request.user))


class LicencePersonalDataOut(Schema):
    identifier: str
    number: str
    revealed: bool = Field(..., description="true:完整信息(本次查看已记入审计日志)")
    may_reveal: bool = Field(..., description="调用者能否凭理由查看完整信息")
    holder: dict[str, str] = Field(..., description="持证主体:name(名称或姓名)、id_number(代码或身份证号)")
    data: list[PersonalRowOut] = Field(
        ...,
        description="照面信息项,按证照上的顺序;personal 为 true 的是个人信息(工作人员平时看到的是遮蔽后的)",
    )


@router.post(
    "/{identifier}/personal-data",
    response={200: LicencePersonalDataOut, **ERRORS},
    summary="凭理由查看证照中的完整个人信息(记入审计日志)",
    auth=signed_in,
)
def reveal_personal_data(request, identifier: str, body: RevealIn):
    """The holder and the licence's data items in full, for this answer only (the licence's other answers mask them
    for staff): 403 unless the caller may reveal the licence (the issuer's window clerks, approvers and department
    heads, the window that received the case it was issued on, the region's supervisors — as on the workbench's
    licence page), 422 at `reason` without a reason, 429 beyond 30 an hour; each reveal is one audit record
    `personal_data.view` with its reason and the fields shown (never their values)."""
    licence = _get(request.user, identifier)
    fields = personal_fields(licence)
    may = may_reveal_personal(request.user, licence)
    personal.reveal(
        request,
        obj=licence,
        fields=personal.personal_names(fields),
        reason=body.reason,
        allowed=may,
        refusal=str(REVEAL_REFUSAL),
        label=licence.number,
    )
    shown = personal.shown(fields, revealed=True)
    return {
        "identifier": licence.identifier,
        "number": licence.number,
        "revealed": True,
        "may_reveal": may,
        "holder": shown["holder"],
        "data": personal.rows(fields, "data", revealed=True),
    }


@router.post(
    "/{identifier}/show", response={201: ShowOut, **ERRORS}, summary="亮证:限时有效的核验码", auth=signed_in
)
def show(request, identifier: str):
    if _is_staff(request.user):
        raise AccessDenied(_("亮证由持证人本人操作"))
    token = services.show(licence=_get(request.user, identifier), by=request.user)
    url = request.build_absolute_uri(reverse("licence_shown", args=[token.token]))
    return Answer(201, {"url": url, "expires_at": token.expires_at})


@router.post(
    "/{identifier}/change", response={201: LicenceOut, **ERRORS}, summary="变更(签发新版本)", auth=signed_in
)
def change(request, identifier: str, body: ChangeIn):
    new = services.change(
        licence=_get(request.user, identifier), by=request.user, data=body.data, reason=body.reason
    )
    return Answer(201, _out(request, new))


@router.post("/{identifier}/renew", response={201: LicenceOut, **ERRORS}, summary="延续", auth=signed_in)
def renew(request, identifier: str):
    return Answer(201, _out(request, services.renew(licence=_get(request.user, identifier), by=request.user)))


@router.post(
    "/{identifier}/end", response={200: LicenceOut, **ERRORS}, summary="注销、撤销或吊销", auth=signed_in
)
def end(request, identifier: str, body: EndIn):
    licence = _get(request.user, identifier)
    case = case_selectors.case_for(request.user, body.case) if body.case else None
    return _out(
        request,
        services.end(
            licence=licence,
            by=request.user,
            kind=body.kind,
            basis=body.basis,
            case=case,
            document=body.document,
        ),
    )
