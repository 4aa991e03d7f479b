"""The application form of an item version as a Django form: the fields of its JSON Schema (cases.forms) and one
file input per material of its list. Shared by the portal (an applicant applying) and the workbench (窗口收件, a
clerk registering a walk-in applicant). Fields only parse; the domain checks the values."""

from __future__ import annotations

import datetime as dt

from django import forms

from zhengwu.catalog.models import Material
from zhengwu.core import clock
from zhengwu.core.forms import CHOOSE, AccessibleForm

# What a material's file input offers to pick (the server checks the content: core.files).
ACCEPTED_TYPES = ".pdf,.jpg,.jpeg,.png,.ofd,application/pdf,image/jpeg,image/png"


def _schema_field(key: str, rule: dict, required: bool) -> forms.Field:
    label = rule.get("title", key) + ("" if not required else " *")
    kind = rule.get("type", "string")
    common = {"label": label, "required": False, "help_text": rule.get("description", "")}
    if "enum" in rule:
        return forms.ChoiceField(choices=[("", CHOOSE)] + [(v, v) for v in rule["enum"]], **common)
    if kind == "boolean":
        return forms.BooleanField(**common)
    if kind == "integer":
        return forms.IntegerField(**common)
    if kind == "number":
        return forms.FloatField(**common)
    if rule.get("format") == "date":
        attrs = {"type": "date"}
        if rule.get("x-not-before") == "today":  # the browser's date picker starts today too
            attrs["min"] = clock.today().isoformat()
        return forms.DateField(widget=forms.DateInput(attrs=attrs), **common)
    # the length is the browser's hint (maxlength) and the domain's rule (cases.forms), not a check of this form:
    # a check here would answer alone, in Django's words, before the domain named every bad field at once
    limit = {"maxlength": str(rule["maxLength"])} if rule.get("maxLength") else {}
    if rule.get("format") == "phone":
        return forms.CharField(
            widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel", **limit}),
            **common,
        )
    long = rule.get("maxLength", 0) > 200
    widget = forms.Textarea(attrs={"rows": 3, **limit}) if long else forms.TextInput(attrs=limit)
    return forms.CharField(widget=widget, **common)


class ApplicationForm(AccessibleForm):
    """The item's application form (fields from its JSON Schema) and one file input per material of its list.
    Field names are `form.<key>` and `material_<position>`, matching the domain's error fields."""

    def __init__(self, *args, schema: dict, materials=(), at_window: dict[int, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        required = set(schema.get("required", []))
        self.schema_keys = list(schema.get("properties", {}))
        for key, rule in schema.get("properties", {}).items():
            field = _schema_field(key, rule, key in required)
            css = (
                "form-check-input"
                if isinstance(field, forms.BooleanField)
                else ("form-select" if isinstance(field, forms.ChoiceField) else "form-control")
            )
            field.widget.attrs["class"] = css
            if key in required:
                field.widget.attrs["aria-required"] = "true"
            self.fields[f"form.{key}"] = field
        self.material_fields = []
        # the materials the department obtains itself by data sharing (部门共享获取): no file input, said beside
        self.shared_materials = []
        # the materials handed in at the window on paper only (`at_window`: position → what the applicant does
        # instead, handling.at_window_only): shown with that text and no file input. The field stays, so that a
        # file posted for one anyway reaches the domain, which refuses it at that material
        self.at_window = {}
        for m in materials:
            if m.source == Material.Source.SHARED:
                self.shared_materials.append(m)
                continue
            name = f"material_{m.position}"
            self.fields[name] = forms.FileField(
                label=f"{m.position}. {m.name}" + (" *" if m.required else ""),
                required=False,
                widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_TYPES, "class": "form-control"}),
                help_text=m.rules or "",
            )
            self.material_fields.append(name)
            if at_window and m.position in at_window:
                self.at_window[name] = at_window[m.position]

    def form_fields(self):
        return [self[f"form.{key}"] for key in self.schema_keys]

    def file_fields(self):
        return [self[name] for name in self.material_fields]

    def form_data(self) -> dict:
        """The typed values as the domain's form expects them (dates as YYYY-MM-DD, blanks left out)."""
        out = {}
        for key in self.schema_keys:
            value = self.cleaned_data.get(f"form.{key}")
            if isinstance(value, dt.date):
                value = value.isoformat()
            if isinstance(value, float) and value.is_integer():
                value = int(value)  # 120 typed is kept and shown as 120, not 120.0
            if value in (None, "") or (value is False and key not in self.data):
                continue
            out[key] = value
        return out

    def files_by_position(self) -> dict[int, object]:
        return {
            int(name.split("_", 1)[1]): self.cleaned_data[name]
            for name in self.material_fields
            if self.cleaned_data.get(name)
        }

    def show_error(self, err, *, power_of_attorney: int | None = None) -> None:
        """Show a domain error at its fields (form.<key>, material_<n>; every field a form check found) or above the
        form; the power of attorney at the item's own 委托书 material when it lists one (`power_of_attorney`). A
        field that already shows an error of this form (a value it could not read) keeps that one."""
        for field, message in err.errors:
            if field == "power_of_attorney" and power_of_attorney is not None:
                field = f"material_{power_of_attorney}"
            if field in self.fields and field in self.errors:
                continue
            self.add_error(field if field in self.fields else None, message)


def initial_from(form_values: dict) -> dict:
    return {f"form.{k}": v for k, v in (form_values or {}).items()}
