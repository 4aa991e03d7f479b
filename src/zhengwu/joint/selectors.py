"""What bundle pages show: the guide of one bundle, the 并联审批目录 of all published bundles and the 实施手册 of
one (basis, documents, authority, procedure, limits and commitments per department, by stage)."""

from __future__ import annotations

from django.db.models import QuerySet

from zhengwu.catalog import rules as catalog_rules
from zhengwu.joint import rules
from zhengwu.joint.models import Bundle, BundleVersion


def published_bundles() -> QuerySet[Bundle]:
    return (
        Bundle.objects.filter(current_version__isnull=False)
        .select_related("current_version", "lead_organisation")
        .order_by("current_version__category", "code")
    )


def _members(version: BundleVersion) -> list[dict]:
    members = list(
        version.members.select_related("item__current_version", "item__organisation").prefetch_related(
            "item__current_version__materials", "item__current_version__steps"
        )
    )
    finish = rules.finish_days(
        [
            rules.Member(
                m.position,
                m.stage,
                m.item.current_version.legal_limit,
                m.item.current_version.promised_limit,
                m.needs,
            )
            for m in members
        ]
    )
    names = {m.position: m.item.current_version.name for m in members}
    rows = []
    for m in members:
        current = m.item.current_version
        rows.append(
            {
                "position": m.position,
                "stage": m.stage,
                "item": m.item,
                "version": current,
                "name": current.name + (f"({current.sub_name})" if current.sub_name else ""),
                "organisation": m.item.organisation,
                "lead": m.item.organisation_id == version.bundle.lead_organisation_id,
                "needs": [names[n] for n in m.needs if n in names],
                "legal_limit": current.legal_limit,
                "promised_limit": current.promised_limit,
                "due_in": finish.get(m.position, 0),
                "type_label": catalog_rules.ITEM_TYPES.get(m.item.item_type, ""),
                "result_name": current.result_name,
                "legal_basis": current.legal_basis,
                "materials": list(current.materials.all()),
                "steps": [
                    {"name": s.name, "days": s.days, "role": catalog_rules.STEP_ROLES.get(s.role, s.role)}
                    for s in current.steps.all()
                ],
            }
        )
    return rows


def stages(version: BundleVersion, members: list[dict] | None = None) -> list[dict]:
    members = members if members is not None else _members(version)
    out = []
    for number, name in enumerate(version.stage_names, start=1):
        rows = [m for m in members if m["stage"] == number]
        out.append({"number": number, "name": name, "members": rows, "parallel": len(rows) > 1})
    return out


def guide_context(version: BundleVersion) -> dict:
    members = _members(version)
    return {
        "bundle": version.bundle,
        "version": version,
        "members": members,
        "stages": stages(version, members),
        "organisations": sorted({m["organisation"].name for m in members if m["organisation"]}),
        "materials": version.merged_materials,
        "shared_materials": sum(1 for m in version.merged_materials if m.get("shared")),
        "from_results": sum(1 for m in version.merged_materials if m.get("from_member")),
        "form": version.merged_form,
        "cap_citation": rules.CAP_CITATION,
        "cap_text": rules.CAP_TEXT,
        "cap": rules.JOINT_CAP + (rules.JOINT_EXTENSION if version.extension_approval else 0),
    }


def directory() -> list[dict]:
    """The 并联审批目录: every published bundle, its stages and the departments and items in each."""
    rows = []
    for bundle in published_bundles():
        version = bundle.current_version
        members = _members(version)
        rows.append(
            {"bundle": bundle, "version": version, "stages": stages(version, members), "members": members}
        )
    return rows
