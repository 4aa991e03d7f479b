"""Staff pages of the catalogue: items in scope, drafting with inline validation, review and publication,
comparing versions, and the Excel / JSON exchange. Each view parses, calls one catalog service or selector, renders."""

from __future__ import annotations

import datetime as dt
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhengwu.catalog import excel, export, rules, selectors, services, specs
from zhengwu.catalog.models import ItemVersion, ServiceItem
from zhengwu.core import access, clock
from zhengwu.core.errors import AccessDenied, DomainError, NotFound
from zhengwu.core.models import Role
from zhengwu.workbench.catalog.forms import ItemForm, form_of_spec

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _staff_only(view):
    """Signed-in staff only; a domain refusal becomes a 403 page, a missing item a 404."""

    @login_required
    def wrapped(request, *args, **kwargs):
        if access.staff_of(request.user) is None:
            return render(request, "workbench/no_profile.html", status=403)
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            raise Http404() from None
        except AccessDenied as exc:
            return render(request, "catalog/workbench/denied.html", {"message": exc.message}, status=403)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


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
        "result_kinds": rules.RESULT_KINDS,
        "deliveries": rules.DELIVERIES,
        "required_options": {"yes": _("必需"), "no": _("非必需")},
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
            **_choices(),
        },
        status=status,
    )


def _organisations(request):
    return access.visible_organisations(request.user).order_by("name")


def _organisation_of(request):
    value = request.POST.get("organisation", "")
    if not value:
        return None
    organisation = _organisations(request).filter(pk=value if value.isdigit() else 0).first()
    if organisation is None:
        raise AccessDenied()
    return organisation


@_staff_only
def new(request):
    """A new item: its first draft."""
    if request.method == "POST":
        form = ItemForm.from_post(request.POST)
        try:
            version = services.create_item(
                spec=form.spec, organisation=_organisation_of(request), user=request.user
            )
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
    item = _item(request, code)
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
            "is_manager": _is_manager(request.user),
            "today": clock.today(),
        },
    )


@_staff_only
def edit(request, code: str):
    """Edit the open draft (a published item gets a new draft; the published version stays as it is)."""
    item = _item(request, code)
    if request.method == "POST":
        form = ItemForm.from_post(request.POST, item_type=item.item_type, basic_code=item.basic_code)
        try:
            services.edit_item(item=item, spec=form.spec, reason=form.reason, user=request.user)
        except DomainError as exc:
            errors = form.errors_at_inputs(getattr(exc, "errors", None) or [(exc.field, exc.message)])
            return _form_page(request, item=item, form=form, errors=errors, status=422)
        messages.success(request, _("草稿已保存"))
        return redirect("workbench_catalog:item", code=item.code)
    versions = selectors.versions_of(request.user, item)
    latest = versions.first()
    if latest is None:
        raise Http404()
    version = selectors.version_of(request.user, item, latest.number)
    return _form_page(
        request,
        item=item,
        # A published version's reason was for its own change; a new draft needs its own.
        form=form_of_spec(
            specs.from_version(version), "" if version.status == "published" else version.change_reason
        ),
        errors={},
    )


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
    places = [(at, errors.get(at, "")) for at in form.input_ids()]
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


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@_staff_only
@require_POST
def publish(request, code: str):
    effective_on = _date(request.POST.get("effective_on", ""))
    reason = request.POST.get("reason", "")
    return _act(
        request,
        code,
        lambda item: services.publish(item=item, effective_on=effective_on, reason=reason, user=request.user),
        _("已发布,变更已记入事项变更公告"),
    )


@_staff_only
@require_POST
def return_draft(request, code: str):
    note = request.POST.get("note", "")
    return _act(
        request,
        code,
        lambda item: services.return_to_draft(item=item, note=note, user=request.user),
        _("已退回修改"),
    )


@_staff_only
def review(request):
    """The centre manager's queue: versions waiting to be published or returned."""
    return render(
        request,
        "catalog/workbench/review.html",
        {
            "versions": selectors.review_queue(request.user),
            "today": clock.today(),
            "is_manager": _is_manager(request.user),
        },
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
        upload = request.FILES.get("file")
        if upload is None:
            context["problems"] = [excel.Problem("", 0, "", _("请选择要导入的Excel文件"))]
        else:
            try:
                context["report"] = excel.import_workbook(
                    upload,
                    publish=request.POST.get("publish") == "on",
                    reason=request.POST.get("reason", ""),
                    user=request.user,
                )
            except excel.ImportRejected as exc:
                context["problems"] = exc.problems
    return render(
        request, "catalog/workbench/import.html", context, status=422 if context["problems"] else 200
    )
