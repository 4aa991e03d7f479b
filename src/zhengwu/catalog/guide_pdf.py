"""The printable guide (办事指南) of an item version as a PDF, through core.documents (CJK fonts embedded)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from zhengwu.catalog import fee_sources, flowchart, rules, selectors, specs
from zhengwu.catalog.models import ItemVersion
from zhengwu.core import clock
from zhengwu.core.documents import render_pdf


def guide_context(version: ItemVersion) -> dict:
    """What the guide page and the guide PDF both show: the version, its spec in plain values, its flowchart."""
    spec = specs.from_version(version)
    name = version.name + (f"({version.sub_name})" if version.sub_name else "")
    return {
        "version": version,
        "item": version.item,
        "spec": spec,
        "display_name": name,
        "type_label": rules.ITEM_TYPES.get(version.item.item_type, ""),
        "targets": [rules.TARGETS.get(t, t) for t in version.targets],
        "online_depth": [
            (key, label, key in version.online_depth) for key, label in rules.ONLINE_DEPTHS.items()
        ],
        "deliveries": [rules.DELIVERIES.get(d, d) for d in version.result_delivery],
        "result_kind": rules.RESULT_KINDS.get(version.result_kind, ""),
        "step_roles": rules.STEP_ROLES,
        # Where to go: each chosen window with its centre's address and hours; none chosen, the guide says the
        # centre's general windows and the version's own address and hours, as it always has.
        "windows": selectors.window_details(version),
        "steps": [
            {**s, "taker": step_taker(version, s), "kind_label": rules.STEP_KINDS.get(s["kind"], "")}
            for s in spec["steps"]
        ],
        "flowchart": flowchart.steps_svg(spec["steps"], title=_("%(name)s 办理流程图") % {"name": name}),
        "steps_text": flowchart.describe(spec["steps"]),
        "fees_in_force": fee_sources.in_force(version),
    }


def step_taker(version: ItemVersion, step: dict) -> str:
    """Who takes a step, as the guide says it: the implementing organisation's role (a centre manager's step — the
    一件事 dispatch — is the service centre's)."""
    role = rules.STEP_ROLES.get(step["role"], step["role"])
    if step["role"] == "centre_manager":
        return _("政务服务中心 · %(role)s") % {"role": role}
    organisation = version.item.organisation
    return f"{organisation.name} · {role}" if organisation else role


def render(version: ItemVersion, *, base_url: str | None = None) -> bytes:
    """The guide as PDF bytes."""
    return render_pdf(
        "catalog/portal/guide_pdf.html",
        {**guide_context(version), "printed_on": clock.today()},
        base_url=base_url,
    )
