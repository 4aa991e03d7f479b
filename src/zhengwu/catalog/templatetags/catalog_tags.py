"""Labels of the catalogue's coded values for templates."""

from django import template

from zhengwu.catalog import rules

register = template.Library()

_LABELS = {
    "type": rules.ITEM_TYPES,
    "target": rules.TARGETS,
    "online": rules.ONLINE_DEPTHS,
    "form": rules.MATERIAL_FORMS,
    "medium": rules.MATERIAL_MEDIA,
    "source": rules.MATERIAL_SOURCES,
    "role": rules.STEP_ROLES,
    "delivery": rules.DELIVERIES,
    "result": rules.RESULT_KINDS,
}


@register.filter
def label(value, kind: str) -> str:
    """The Chinese label of a coded value: {{ entry.item_type|label:"type" }}."""
    return _LABELS[kind].get(value, value)


@register.filter
def get(mapping, key):
    """mapping[key] or "" (for error messages by field name)."""
    return mapping.get(key, "") if mapping else ""


@register.filter
def windows(version) -> list[dict]:
    """A version's windows (办理窗口) with their centres' address and hours: {{ version|windows }}."""
    from zhengwu.catalog import selectors

    return selectors.window_details(version)


@register.filter
def submitter(version) -> str:
    """Who submitted a version for review: {{ version|submitter }}."""
    from zhengwu.catalog import selectors

    return selectors.submitter_label(version)


@register.filter
def publishable_by(version, user) -> bool:
    """Is 发布 offered to this user (never to the manager who submitted it, unless the setting allows)?"""
    from zhengwu.catalog import selectors

    return selectors.may_publish(user, version)


@register.filter
def submitted_by(version, user) -> bool:
    """Did this user submit the version? {% if draft|submitted_by:request.user %}"""
    from zhengwu.catalog import selectors

    return selectors.submitted_by(user, version)


@register.filter
def review_failure(failed, version) -> dict:
    """The refused 发布 or 退回 of this version's item (workbench.catalog.views._review_act), by the form's kind
    (`publish`, `return`): its errors and what was typed; empty for every other version."""
    if not failed or failed.get("code") != version.item.code:
        return {}
    return {failed["kind"]: failed}
