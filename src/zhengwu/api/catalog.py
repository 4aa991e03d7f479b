"""The service-item catalogue over HTTP: the public catalogue, versions and change log; staff writes for drafts."""

import datetime as dt

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from zhengwu.api.common import signed_in as staff
from zhengwu.api.params import DB_INT_MAX, OFFSET_MAX
from zhengwu.catalog import matches as catalog_matches
from zhengwu.catalog import rules, selectors, services, specs
from zhengwu.catalog.models import ChangeLogEntry, ItemVersion, SearchEntry, ServiceItem
from zhengwu.core.errors import NotFound

router = Router()


# ---- schemas -------------------------------------------------------------------------------------------------


class LegalBasis(Schema):
    law: str
    article: str = ""
    text: str = ""


class MaterialIn(Schema):
    name: str
    required: bool = True
    condition: str = ""
    form: str = "original"
    copies: int = 1
    medium: str = "paper"
    source: str = "applicant"
    issuer: str = ""
    rules: str = ""


class ItemMaterialOut(MaterialIn):
    blank_form_url: str | None = None
    sample_url: str | None = None


class StepSchema(Schema):
    name: str
    role: str
    days: int
    kind: str = Field(
        "",
        description="环节类型:accept 受理、review 审查、decide 决定(恰好一个)、produce 制证、deliver 送达;"
        "各环节都不填时按环节名称判断",
    )


class FeeSchema(Schema):
    name: str
    standard: str = ""
    amount: str | None = None
    basis: str = ""


class ResultSchema(Schema):
    name: str = ""
    kind: str = "none"
    delivery: list[str] = []


class WindowRef(Schema):
    centre: str = Field(description="服务中心名称")
    number: str = Field(description="窗口号")


class WindowOut(WindowRef):
    name: str
    kind: str = Field(description="general 综合窗口 / dedicated 专窗")
    address: str = Field(description="地址(窗口所在服务中心)")
    opening_hours: str = Field(description="办公时间(窗口所在服务中心)")
    phone: str


class QA(Schema):
    q: str
    a: str


class ItemSpec(Schema):
    name: str = ""
    sub_name: str = ""
    type: str = ""
    basic_code: str = ""
    target: list[str] = []
    life_events: list[str] = []
    themes: list[str] = []
    legal_basis: list[LegalBasis] = []
    conditions: str = ""
    legal_limit: int | None = None
    promised_limit: int | None = None
    extension_days: int = 0
    instant: bool = False
    onsite_visits: int = 0
    online_depth: list[str] = []
    window_authorised: bool = False
    joint: bool = False
    address: str = ""
    opening_hours: str = ""
    consultation_phone: str = ""
    supervision_phone: str = ""
    windows: list[WindowRef] = Field(
        [], description="办理窗口:实施机构所在区划服务中心的综合窗口或本机构专窗"
    )
    materials: list[MaterialIn] = []
    steps: list[StepSchema] = []
    fees: list[FeeSchema] = []
    result: ResultSchema = ResultSchema()
    faq: list[QA] = []


class OrganisationOut(Schema):
    id: int
    name: str
    short_name: str
    uscc: str


class ItemDetail(ItemSpec):
    code: str = Field(description="实施编码(基本目录事项为基本编码)")
    type_label: str
    organisation: OrganisationOut | None
    basic_item_code: str | None
    version: int
    status: str
    status_label: str = ""
    current: bool
    effective_on: dt.date | None
    change_reason: str
    review_note: str
    materials: list[ItemMaterialOut] = []
    windows: list[WindowOut] = []
    result_sample_url: str | None = None
    fee_free: bool = Field(description="不收费")


class MatchOut(Schema):
    field: str = Field(
        description="匹配的字段:code/name/result/name_pinyin/result_pinyin/materials/conditions/"
        "legal_basis/themes/life_events/organisation"
    )
    label: str = Field(description="字段的中文名称,如“申请材料”")
    text: str = Field(description="匹配的内容(长文本截取匹配处前后)")
    start: int | None = Field(None, description="text 中匹配部分的起点(拼音匹配为空)")
    end: int | None = Field(None, description="text 中匹配部分的终点")
    others: int = Field(0, description="同一字段中另有几项也匹配(如多份申请材料)")


class ItemSummary(Schema):
    code: str
    name: str
    type: str
    type_label: str
    organisation_id: int | None
    organisation: str
    legal_limit: int
    promised_limit: int
    instant: bool
    onsite_visits: int
    online_depth: list[str]
    target: list[str]
    themes: list[str]
    life_events: list[str]
    group: str = Field(
        "",
        description="按关键词搜索时的分组:direct(名称、办理结果、编码或拼音相符,排在前)、"
        "mentioned(仅申请材料、受理条件等内容中提到);不搜索时为空",
    )
    group_label: str = ""
    matches: list[MatchOut] = Field([], description="为什么匹配:各字段及匹配部分")


class VersionOut(Schema):
    number: int
    status: str
    status_label: str = ""
    current: bool
    name: str
    effective_on: dt.date | None
    change_reason: str
    published_at: dt.datetime | None


class ChangeOut(Schema):
    code: str
    item_name: str
    kind: str
    kind_label: str
    effective_on: dt.date
    reason: str
    version: int | None
    organisation: str
    counterpart: str | None


class DifferenceOut(Schema):
    field: str
    message: str
    loosens: bool


class ItemDraftIn(Schema):
    organisation_id: int | None = Field(None, description="实施机构;空为基本目录事项(中心管理人员)")
    spec: ItemSpec


class ItemEditIn(Schema):
    spec: ItemSpec
    reason: str = ""


class ItemPublishIn(Schema):
    effective_on: dt.date | None = None
    reason: str = ""


class ReviewNoteIn(Schema):
    note: str


class ItemCancelIn(Schema):
    reason: str
    effective_on: dt.date | None = None


class Error(Schema):
    code: str
    message: str
    field: str | None


# ---- shaping -------------------------------------------------------------------------------------------------


def _url(name: str) -> str | None:
    return default_storage.url(name) if name else None


def _detail(version: ItemVersion) -> dict:
    item: ServiceItem = version.item
    spec = specs.from_version(version)
    for m in spec["materials"]:
        m["blank_form_url"], m["sample_url"] = _url(m.pop("blank_form")), _url(m.pop("sample"))
    organisation = item.organisation
    return {
        **spec,
        "code": item.code,
        "type_label": str(rules.ITEM_TYPES[item.item_type]),
        "organisation": None
        if organisation is None
        else {
            "id": organisation.pk,
            "name": organisation.name,
            "short_name": organisation.short_name,
            "uscc": organisation.uscc,
        },
        "basic_item_code": item.basic_item.code if item.basic_item_id else None,
        "version": version.number,
        "status": version.status,
        "status_label": version.get_status_display(),
        "current": item.current_version_id == version.pk,
        "effective_on": version.effective_on,
        "change_reason": version.change_reason,
        "review_note": version.review_note,
        "result_sample_url": _url(version.result_sample.name),
        "fee_free": not spec["fees"],
        "windows": selectors.window_details(version),
    }


def _summary(entry: SearchEntry) -> dict:
    version = entry.version
    return {
        "code": entry.code,
        "name": entry.display_name,
        "type": entry.item_type,
        "type_label": str(rules.ITEM_TYPES[entry.item_type]),
        "organisation_id": entry.organisation_id,
        "organisation": entry.organisation.name if entry.organisation else "",
        "legal_limit": version.legal_limit,
        "promised_limit": version.promised_limit,
        "instant": version.instant,
        "onsite_visits": version.onsite_visits,
        "online_depth": version.online_depth,
        "target": version.targets,
        "themes": version.themes,
        "life_events": version.life_events,
        "group": getattr(entry, "group", ""),
        "group_label": getattr(entry, "group_label", ""),
        "matches": [
            {
                "field": m.field,
                "label": m.label,
                "text": m.text,
                "start": m.start,
                "end": m.end,
                "others": m.others,
            }
            for m in getattr(entry, "matches", [])
        ],
    }


def _change(e: ChangeLogEntry) -> dict:
    return {
        "code": e.item.code,
        "item_name": e.item_name,
        "kind": e.kind,
        "kind_label": e.get_kind_display(),
        "effective_on": e.effective_on,
        "reason": e.reason,
        "version": e.version.number if e.version_id else None,
        "organisation": e.item.organisation.name if e.item.organisation_id else "",
        "counterpart": e.counterpart.name if e.counterpart_id else None,
    }


class _Pages(LimitOffsetPagination):
    """limit/offset as django-ninja has them, with the offset bounded (a huge one overflows the database integer)."""

    class Input(Schema):
        limit: int = Field(settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=OFFSET_MAX)
        offset: int = Field(0, ge=0, le=OFFSET_MAX)


# ---- public reads --------------------------------------------------------------------------------------------


@router.get(
    "/items",
    response=list[ItemSummary],
    summary="事项列表(可按机构、类型、服务对象、主题、网办深度、关键词筛选)",
)
@paginate(_Pages)
def list_items(
    request,
    organisation: int | None = Query(None, ge=-DB_INT_MAX, le=DB_INT_MAX),
    type: str | None = None,
    target: str | None = None,
    theme: str | None = None,
    life_event: str | None = None,
    online: str | None = None,
    q: str | None = None,
):
    entries = selectors.published(
        organisation=organisation,
        item_type=type,
        target=target,
        theme=theme,
        life_event=life_event,
        online=online,
        q=q,
    )
    return _Mapped(entries, _summary, prepare=(lambda rows: _explained(rows, q)) if q and q.strip() else None)


def _explained(rows, query: str) -> None:
    """Each row of the page with why it matched and its group (as the portal shows them)."""
    catalog_matches.explain(rows, query)
    for row in rows:
        row.group_label = catalog_matches.group_label(row.group, query) if row.group else ""


class _Mapped:
    """A queryset whose slices are shaped by a function, so pagination counts and slices in the database; a page's
    rows may be prepared together first (`prepare`, e.g. explaining the matches of a search in two reads)."""

    def __init__(self, queryset, shape, prepare=None):
        self.queryset, self.shape, self.prepare = queryset, shape, prepare

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        rows = self.queryset[index]
        if not isinstance(index, slice):
            return self.shape(rows)
        rows = list(rows)
        if self.prepare is not None:
            self.prepare(rows)
        return [self.shape(row) for row in rows]


@router.get(
    "/items/{code}", response={200: ItemDetail, 404: Error}, summary="事项详情(现行版本,或 ?version=N)"
)
def item_detail(request, code: str, version: int | None = None):
    item = selectors.item_by_code(code)
    return _detail(selectors.version_of(request.user, item, version))


@router.get("/items/{code}/versions", response={200: list[VersionOut], 404: Error}, summary="事项的各个版本")
def item_versions(request, code: str):
    item = selectors.item_by_code(code)
    return [
        {
            "number": v.number,
            "status": v.status,
            "status_label": v.get_status_display(),
            "current": v.pk == item.current_version_id,
            "name": v.name,
            "effective_on": v.effective_on,
            "change_reason": v.change_reason,
            "published_at": v.published_at,
        }
        for v in selectors.versions_of(request.user, item)
    ]


@router.get(
    "/items/{code}/differences",
    response={200: list[DifferenceOut], 404: Error},
    summary="实施清单与基本目录的差异",
)
def item_differences(request, code: str):
    item = selectors.item_by_code(code)
    return [
        {"field": d.field, "message": d.message, "loosens": d.loosens}
        for d in selectors.differences_from_basic(item)
    ]


@router.get("/changes", response=list[ChangeOut], summary="事项变更记录(新增、调整、取消、下放、收回)")
@paginate(_Pages)
def changes(
    request,
    since: dt.date | None = None,
    until: dt.date | None = None,
    kind: str | None = None,
    code: str | None = None,
):
    return _Mapped(selectors.change_log(since=since, until=until, kind=kind, code=code), _change)


# ---- staff writes --------------------------------------------------------------------------------------------

_WRITE = {200: ItemDetail, 201: ItemDetail, 400: Error, 403: Error, 404: Error, 409: Error, 422: Error}


@router.post("/items", auth=staff, response=_WRITE, summary="新建事项草稿")
def create_draft(request, payload: ItemDraftIn):
    organisation = None
    if payload.organisation_id is not None:
        organisation = selectors.organisation_or_none(payload.organisation_id)
        if organisation is None:
            raise NotFound(_("找不到该实施机构"), field="organisation_id")
    version = services.create_item(spec=payload.spec.dict(), organisation=organisation, user=request.user)
    return Status(201, _detail(version))


@router.put("/items/{code}/draft", auth=staff, response=_WRITE, summary="修改草稿(已发布事项将新建草稿)")
def edit_draft(request, code: str, payload: ItemEditIn):
    item = selectors.item_by_code(code)
    spec = {
        **payload.spec.dict(),
        "type": payload.spec.type or item.item_type,
        "basic_code": payload.spec.basic_code or item.basic_code,
    }
    return Status(
        200, _detail(services.edit_item(item=item, spec=spec, reason=payload.reason, user=request.user))
    )


@router.post("/items/{code}/submit", auth=staff, response=_WRITE, summary="提交审核")
def submit(request, code: str):
    return Status(200, _detail(services.submit(item=selectors.item_by_code(code), user=request.user)))


@router.post("/items/{code}/return", auth=staff, response=_WRITE, summary="退回修改(中心管理人员)")
def return_to_draft(request, code: str, payload: ReviewNoteIn):
    return Status(
        200,
        _detail(
            services.return_to_draft(item=selectors.item_by_code(code), note=payload.note, user=request.user)
        ),
    )


@router.post("/items/{code}/publish", auth=staff, response=_WRITE, summary="审核发布(中心管理人员)")
def publish(request, code: str, payload: ItemPublishIn):
    version = services.publish(
        item=selectors.item_by_code(code),
        effective_on=payload.effective_on,
        reason=payload.reason,
        user=request.user,
    )
    return Status(200, _detail(version))


@router.post(
    "/items/{code}/cancel",
    auth=staff,
    response={200: ChangeOut, 400: Error, 403: Error, 404: Error, 409: Error, 422: Error},
    summary="取消事项(中心管理人员)",
)
def cancel(request, code: str, payload: ItemCancelIn):
    item = selectors.item_by_code(code)
    entry = services.cancel_item(
        item=item, reason=payload.reason, effective_on=payload.effective_on, user=request.user
    )
    return Status(200, _change(entry))
