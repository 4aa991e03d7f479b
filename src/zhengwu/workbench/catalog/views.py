"""Staff pages of the catalogue: items in scope, drafting with inline validation, review and publication,
comparing versions, and the Excel / JSON exchange. Each view parses, calls one catalog service or selector, renders."""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhengwu.catalog import excel, export, permissions, rules, selectors, services, specs
from zhengwu.catalog.models import ChangeLogEntry, ItemVersion, ServiceItem
from zhengwu.core import access, clock
from zhengwu.core.errors import AccessDenied, DomainError, NotFound, ValidationFailed
from zhengwu.core.inputs import is_whole
from zhengwu.core.models import Role
from zhengwu.workbench.catalog import form_fields, forms
from zhengwu.workbench.catalog.forms import ItemForm, form_of_spec
from zhengwu.workbench.pages import staff_page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


_staff_only = staff_page  # the one gate (workbench.pages)


def _item(request, code: str) -> ServiceItem:
    item = selectors.item_by_code(code)
    if not selectors.can_edit(request.user, item):
        raise NotFound()
    return item


def _choices() -> dict:
    return {
        "item_types": rules.ITEM_TYPES,
        "targets": rules.TARGETS,
        "online_depths": rules.ONLINE_DEPTHS,
        "forms": rules.MATERIAL_FORMS,
        "media": rules.MATERIAL_MEDIA,
        "sources": rules.MATERIAL_SOURCES,
        "roles": rules.STEP_ROLES,
        "step_kinds": {"": _("按环节名称判断"), **rules.STEP_KINDS},
        "result_kinds": rules.RESULT_KINDS,
        "deliveries": rules.DELIVERIES,
        "required_options": {"yes": _("必需"), "no": _("非必需")},
        "field_kinds": form_fields.KINDS,
        "field_required": form_fields.REQUIRED,
        "field_personal": form_fields.PERSONAL,
    }


def _is_manager(user) -> bool:
    return access.has_role(user, Role.CENTRE_MANAGER) or access.is_administrator(user)


@_staff_only
def index(request):
    """The items in the user's scope with their status and any open draft."""
    status = request.GET.get("status", "")
    q = request.GET.get("q", "").strip()[:60]
    items = selectors.items_in_scope(request.user, status=status or None, q=q or None)
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    drafts = selectors.open_drafts([i.pk for i in page])
    rows = [(item, drafts.get(item.pk)) for item in page]
    querystring = request.GET.copy()
    querystring.pop("page", None)
    return render(
        request,
        "catalog/workbench/index.html",
        {
            "page": page,
            "rows": rows,
            "status": status,
            "q": q,
            "statuses": [*ServiceItem.Status.choices, ("review", _("待审核"))],
            "is_manager": _is_manager(request.user),
            "querystring": querystring,
        },
    )


def _form_page(request, *, item, form: ItemForm, errors: dict, status: int = 200, organisations=None):
    organisation = item.organisation if item is not None else _chosen_organisation(request, form.organisation)
    return render(
        request,
        "catalog/workbench/edit.html",
        {
            "item": item,
            "form": form,
            "spec": form.spec,
            "errors": errors,
            "rows": form.rows(errors),
            "organisations": organisations,
            "window_groups": selectors.window_choices(organisation, form.spec.get("windows")),
            "window_organisation": organisation,
            **_choices(),
        },
        status=status,
    )


def _chosen_organisation(request, value: str):
    """The organisation picked on the new-item form, if it is one the user may choose."""
    return _organisations(request).filter(pk=value).first() if is_whole(value) else None


@_staff_only
def new_windows(request):
    """The window choices (htmx) for the organisation picked on the new-item form."""
    organisation = _chosen_organisation(request, request.GET.get("organisation", ""))
    return render(
        request,
        "catalog/workbench/_windows.html",
        {
            "window_groups": selectors.window_choices(organisation),
            "window_organisation": organisation,
            "errors": {},
        },
    )


def _organisations(request):
    return access.visible_organisations(request.user).order_by("name")


def _organisation_of(request):
    """The organisation posted with a new item, one the user sees (None when none is chosen yet)."""
    form = forms.OrganisationForm(request.POST, organisations=_organisations(request))
    if not form.is_valid():
        raise AccessDenied()
    return form.cleaned_data["organisation"]


@_staff_only
def new(request):
    """A new item: its first draft."""
    if request.method == "POST":
        form = ItemForm.from_post(request.POST)
        try:
            organisation = _organisation_of(request)
            if form.input_errors:  # the application form table's own mistakes: refused with the rest
                raise ValidationFailed(
                    _("申请表字段有误"),
                    errors=services.check_draft(spec=form.spec, organisation=organisation),
                )
            version = services.create_item(spec=form.spec, organisation=organisation, user=request.user)
        except DomainError as exc:
            errors = form.errors_at_inputs(getattr(exc, "errors", None) or [(exc.field, exc.message)])
            return _form_page(
                request,
                item=None,
                form=form,
                errors=errors,
                status=422,
                organisations=_organisations(request),
            )
        messages.success(request, _("已新建事项草稿"))
        return redirect("workbench_catalog:item", code=version.item.code)
    staff = access.staff_of(request.user)
    spec = specs.complete(
        {"target": ["person"], "steps": [{"name": "受理", "role": "window_clerk", "days": 1}]}
    )
    form = form_of_spec(spec)
    form.organisation = str(staff.organisation_id)
    return _form_page(request, item=None, form=form, errors={}, organisations=_organisations(request))


@_staff_only
def item_detail(request, code: str):
    """One item: its versions, the open draft's state and what may be done next, differences from its basic item."""
    return _item_page(request, _item(request, code))


def _item_page(
    request,
    item,
    *,
    errors: dict | None = None,
    values: dict | None = None,
    review_failed: dict | None = None,
    status: int = 200,
):
    versions = selectors.versions_of(request.user, item)
    draft = next((v for v in versions if v.status != ItemVersion.Status.PUBLISHED), None)
    return render(
        request,
        "catalog/workbench/item.html",
        {
            "item": item,
            "versions": versions,
            "draft": draft,
            "differences": selectors.differences_from_basic(item),
            "changes": selectors.change_log(code=item.code),
            "may": permissions.allowed_actions(request.user, item, draft),  # the services' own rules
            "transfer_refused": permissions.refusal(request.user, item, "transfer", draft),
            "today": clock.today(),
            "counterparts": _organisations(request).exclude(pk=item.organisation_id or 0),
            "transfer_kinds": [
                (k, label)
                for k, label in ChangeLogEntry.Kind.choices
                if k in (ChangeLogEntry.Kind.DELEGATED, ChangeLogEntry.Kind.TAKEN_BACK)
            ],
            "manage_errors": errors or {},
            "manage_values": values or {},
            "review_failed": review_failed,
        },
        status=status,
    )


@_staff_only
def edit(request, code: str):
    """Edit the open draft (a published item gets a new draft; the published version stays as it is)."""
    item = _item(request, code)
    if request.method == "GET":
        # the form only where the save would be accepted (a submitted version is returned first; editors only)
        draft = next(
            (
                v
                for v in selectors.versions_of(request.user, item)
                if v.status != ItemVersion.Status.PUBLISHED
            ),
            None,
        )
        if refused := permissions.refusal(request.user, item, "edit", draft):
            messages.error(request, refused.message)
            return redirect("workbench_catalog:item", code=item.code)
    if request.method == "POST":
        form = ItemForm.from_post(request.POST, item_type=item.item_type, basic_code=item.basic_code)
        try:
            if form.input_errors:  # the application form table's own mistakes: refused with the rest
                raise ValidationFailed(
                    _("申请表字段有误"), errors=services.check_draft(spec=form.spec, item=item)
                )
            services.edit_item(item=item, spec=form.spec, reason=form.reason, user=request.user)
        except DomainError as exc:
            errors = form.errors_at_inputs(getattr(exc, "errors", None) or [(exc.field, exc.message)])
            return _form_page(request, item=item, form=form, errors=errors, status=422)
        messages.success(request, _("草稿已保存"))
        return redirect("workbench_catalog:item", code=item.code)
    return _edit_page(request, item)


def _latest(request, item) -> ItemVersion:
    latest = selectors.versions_of(request.user, item).first()
    if latest is None:
        raise Http404()
    return selectors.version_of(request.user, item, latest.number)


def _edit_page(request, item, *, file_errors: dict | None = None, status: int = 200):
    version = _latest(request, item)
    # A published version's reason was for its own change; a new draft needs its own.
    form = form_of_spec(
        specs.from_version(version), "" if version.status == "published" else version.change_reason
    )
    return render(
        request,
        "catalog/workbench/edit.html",
        {
            "item": item,
            "form": form,
            "spec": form.spec,
            "errors": {},
            "rows": form.rows({}),
            "version": version,
            "window_groups": selectors.window_choices(item.organisation, form.spec.get("windows")),
            "window_organisation": item.organisation,
            "file_errors": file_errors or {},
            "file_rows": [
                (
                    m,
                    [
                        _slot(kind, m.position, m.name, getattr(m, kind), file_errors)
                        for kind in ("blank_form", "sample")
                    ],
                )
                for m in version.materials.all()
            ],
            "result_slot": _slot("result_sample", None, "", version.result_sample, file_errors),
            **_choices(),
        },
        status=status,
    )


def _slot(kind: str, material: int | None, name: str, current, file_errors: dict | None) -> dict:
    """One upload input of the edit page: its id (where its error is shown), the file it holds."""
    at = f"file-{kind}" if material is None else f"file-{kind}-{material}"
    labels = {"result_sample": _("结果样本"), "blank_form": _("空白表格"), "sample": _("示例样表")}
    return {
        "kind": kind,
        "material": material,
        "name": name,
        "label": labels[kind],
        "at": at,
        "current": bool(current),
        "filename": current.name.rsplit("/", 1)[-1] if current else "",
        "error": (file_errors or {}).get(at, ""),
    }


@_staff_only
@require_POST
def attach(request, code: str):
    """Upload a draft's result sample (结果样本), or a material's blank form (空白表格) or filled sample (示例样表);
    the file's type is read from its content. Errors are shown at the file's input."""
    item = _item(request, code)
    form = forms.AttachForm(request.POST, request.FILES)
    if not form.is_valid():
        raise Http404()  # not one of the page's upload slots
    field, material, upload = (form.cleaned_data[name] for name in ("field", "material", "file"))
    at = "file-result_sample" if field == "result_sample" else f"file-{field}-{material}"
    version = _latest(request, item)
    try:
        if upload is None:
            raise ValidationFailed(_("请选择要上传的文件"), field="file")
        if version.status != ItemVersion.Status.DRAFT:
            raise ValidationFailed(
                _("第%(n)d版状态为「%(s)s」,只能给草稿添加附件;请先保存草稿")
                % {"n": version.number, "s": version.get_status_display()},
                field="status",
            )
        services.check_attachment(upload)
        services.attach_file(
            version=version,
            field=field,
            upload=upload,
            material=material,
            user=request.user,
        )
    except DomainError as exc:
        return _edit_page(request, item, file_errors={at: exc.message}, status=422)
    messages.success(request, _("附件已上传"))
    return redirect("workbench_catalog:edit", code=item.code)


@_staff_only
@require_POST
def check(request, code: str | None = None):
    """Inline validation (htmx): every field's error as it stands, swapped in next to each field."""
    item = _item(request, code) if code else None
    if item is not None:
        form = ItemForm.from_post(request.POST, item_type=item.item_type, basic_code=item.basic_code)
        problems = services.check_draft(spec=form.spec, item=item)
    else:
        form = ItemForm.from_post(request.POST)
        problems = services.check_draft(spec=form.spec, organisation=_organisation_of(request))
    errors = form.errors_at_inputs(problems)
    places = [(at, errors.get(at, "")) for at in form.input_ids(new=item is None)]
    return render(request, "catalog/workbench/_errors_oob.html", {"places": places, "count": len(problems)})


def _act(request, code: str, action, done: str):
    item = _item(request, code)
    try:
        action(item)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("workbench_catalog:item", code=item.code)


@_staff_only
@require_POST
def submit(request, code: str):
    return _act(request, code, lambda item: services.submit(item=item, user=request.user), _("已提交审核"))


@_staff_only
@require_POST
def publish(request, code: str):
    return _review_act(
        request,
        code,
        "publish",
        forms.PublishForm(request.POST),
        lambda item, data: services.publish(item=item, user=request.user, **data),
        _("已发布,变更已记入事项变更公告"),
    )


@_staff_only
@require_POST
def return_draft(request, code: str):
    return _review_act(
        request,
        code,
        "return",
        forms.ReturnForm(request.POST),
        lambda item, data: services.return_to_draft(item=item, user=request.user, **data),
        _("已退回修改"),
    )


def _review_act(request, code: str, kind: str, form, action, done: str):
    """发布 or 退回 from the review queue or the item page. A refusal about one of the form's inputs comes back on the
    page it was clicked on, under that input, with what was typed (it was a message above the item page, reached
    from the queue, the date typed gone); any other refusal (not allowed, not the state) as before."""
    item = _item(request, code)
    if form.is_valid():
        try:
            action(item, {k: v for k, v in form.cleaned_data.items() if k != "back"})
        except ValidationFailed as exc:
            if exc.field not in form.fields:
                messages.error(request, exc.message)
                return redirect("workbench_catalog:item", code=item.code)
            form.fail(exc)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("workbench_catalog:item", code=item.code)
        else:
            messages.success(request, done)
            return redirect("workbench_catalog:item", code=item.code)
    failed = {"code": item.code, "kind": kind, "errors": form.error_map(), "values": form.data}
    if form.cleaned_data.get("back") == "review":
        return _review_page(request, failed=failed, status=422)
    return _item_page(request, item, review_failed=failed, status=422)


def _managed_item(request, code: str) -> ServiceItem:
    """The item to cancel or to record a delegation of (catalog.permissions: its reviewer, an item in force)."""
    item = _item(request, code)
    refused = permissions.refusal(request.user, item, "cancel")
    if isinstance(refused, AccessDenied):
        raise AccessDenied(_("只有政务服务中心管理人员可以取消事项或记录下放、收回"))
    if refused is not None:
        raise Http404()
    return item


def _placed(prefix: str, exc: DomainError, fields: tuple[str, ...]) -> dict:
    return {f"{prefix}-{exc.field if exc.field in fields else '__all__'}": exc.message}


def _manage_page(request, item, prefix: str, form, exc: DomainError | None = None):
    """The item page again with the cancel or transfer form's errors at its inputs (ids `<prefix>-<field>`) and
    what was typed in them."""
    if exc is not None:
        errors = _placed(prefix, exc, tuple(n for n in form.fields if n != "confirm"))
    else:
        errors = {f"{prefix}-{name}": str(messages_[0]) for name, messages_ in form.errors.items()}
    values = {f"{prefix}-{name}": form.data.get(name, "") for name in form.fields if name != "confirm"}
    return _item_page(request, item, errors=errors, values=values, status=422)


@_staff_only
@require_POST
def cancel(request, code: str):
    """The centre manager cancels a published item (取消): it leaves the public catalogue; the change log says so."""
    item = _managed_item(request, code)
    form = forms.CancelForm(request.POST)
    if not form.is_valid():
        return _manage_page(request, item, "cancel", form)
    data = form.cleaned_data
    try:
        services.cancel_item(
            item=item, reason=data["reason"], effective_on=data["effective_on"], user=request.user
        )
    except DomainError as exc:
        return _manage_page(
            request, item, "cancel", form, exc if isinstance(exc, ValidationFailed) else _whole(exc)
        )
    messages.success(request, _("事项已取消,已记入事项变更公告"))
    return redirect("workbench_catalog:item", code=item.code)


@_staff_only
@require_POST
def transfer(request, code: str):
    """The centre manager records that the item's power was delegated to a lower level (下放) or taken back (收回)."""
    item = _managed_item(request, code)
    form = forms.TransferForm(
        request.POST, counterparts=_organisations(request).exclude(pk=item.organisation_id or 0)
    )
    if not form.is_valid():
        return _manage_page(request, item, "transfer", form)
    data = form.cleaned_data
    try:
        services.record_transfer(
            item=item,
            kind=data["kind"],
            counterpart=data["counterpart"],
            reason=data["reason"],
            effective_on=data["effective_on"],
            user=request.user,
        )
    except DomainError as exc:
        return _manage_page(
            request, item, "transfer", form, exc if isinstance(exc, ValidationFailed) else _whole(exc)
        )
    messages.success(request, _("已记录,已记入事项变更公告"))
    return redirect("workbench_catalog:item", code=item.code)


def _whole(exc: DomainError) -> DomainError:
    """A refusal that is not about one input (not allowed, a conflict): shown above the form."""
    return DomainError(exc.message)


@_staff_only
def review(request):
    """The centre manager's queue: versions waiting to be published or returned."""
    return _review_page(request)


def _review_page(request, *, failed: dict | None = None, status: int = 200):
    return render(
        request,
        "catalog/workbench/review.html",
        {
            "versions": selectors.review_queue(request.user),
            "awaiting_another": selectors.awaiting_another_manager(request.user),
            "today": clock.today(),
            "is_manager": _is_manager(request.user),
            "review_failed": failed,
        },
        status=status,
    )


@_staff_only
def compare(request, code: str):
    """Two versions side by side, changed elements highlighted."""
    item = _item(request, code)
    numbers = list(selectors.versions_of(request.user, item).values_list("number", flat=True))
    if not numbers:
        raise Http404()
    try:
        old = int(request.GET.get("a") or (numbers[1] if len(numbers) > 1 else numbers[0]))
        new = int(request.GET.get("b") or numbers[0])
    except ValueError:
        raise Http404() from None
    a, b, rows = selectors.compare_versions(request.user, item, old, new)
    return render(
        request,
        "catalog/workbench/compare.html",
        {
            "item": item,
            "a": a,
            "b": b,
            "rows": rows,
            "numbers": numbers,
            "changed": sum(r.changed for r in rows),
        },
    )


@_staff_only
def excel_template(request):
    """The blank Excel template (sheets 事项, 材料, 步骤, 收费)."""
    buffer = io.BytesIO()
    excel.export_workbook(buffer, versions=[])
    return _download(buffer.getvalue(), XLSX, "catalogue-template.xlsx")


@_staff_only
def excel_export(request):
    """The published catalogue in the Excel template."""
    buffer = io.BytesIO()
    excel.export_workbook(buffer)
    return _download(buffer.getvalue(), XLSX, f"catalogue-{clock.today():%Y%m%d}.xlsx")


@_staff_only
def json_export(request):
    """The whole published catalogue as one JSON document."""
    buffer = io.StringIO()
    export.write_json(buffer)
    return _download(buffer.getvalue().encode(), "application/json", f"catalogue-{clock.today():%Y%m%d}.json")


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@_staff_only
def excel_import(request):
    """Upload a filled template: every error by sheet, row and column, or every item written (nothing if any is bad)."""
    context = {"problems": None, "report": None}
    if request.method == "POST":
        form = forms.ImportForm(request.POST, request.FILES)
        if not form.is_valid() or form.cleaned_data["file"] is None:
            context["problems"] = [excel.Problem("", 0, "", _("请选择要导入的Excel文件"))]
        else:
            try:
                context["report"] = excel.import_workbook(
                    form.cleaned_data.pop("file"), user=request.user, **form.cleaned_data
                )
            except excel.ImportRejected as exc:
                context["problems"] = exc.problems
    context["self_publish"] = _is_manager(request.user) and selectors.self_publish_allowed()
    return render(
        request, "catalog/workbench/import.html", context, status=422 if context["problems"] else 200
    )
