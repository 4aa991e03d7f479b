"""The merged application form of a bundle as a Django form (the same fields, labels, types and choices as a single
item's form: cases.application), shared by the portal's bundle apply page and the front desk's 统一登记."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhengwu.cases.application import ApplicationForm

SHARED_HELP = _("各部门共用,填写一次")


def merged_schema(version) -> dict:
    """The bundle's merged form (rules.merged_form: each field once) as one JSON schema of an object."""
    fields = version.merged_form or []
    return {
        "type": "object",
        "properties": {f["key"]: {"title": f.get("title") or f["key"], **f["schema"]} for f in fields},
        "required": [f["key"] for f in fields if f.get("required")],
    }


class MergedForm(ApplicationForm):
    """The bundle's merged form; a field several members ask says so. Field names are `form.<key>`, matching the
    domain's error fields."""

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, schema=merged_schema(version), **kwargs)
        for f in version.merged_form or []:
            if f.get("shared"):
                field = self.fields[f"form.{f['key']}"]
                field.help_text = " ".join(str(t) for t in (field.help_text, SHARED_HELP) if t)
