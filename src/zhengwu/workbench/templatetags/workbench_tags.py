from django import template

from zhengwu.core import access
from zhengwu.core.models import Role
from zhengwu.tickets import selectors as tickets
from zhengwu.workbench.navigation import sections_for

register = template.Library()


@register.simple_tag(takes_context=True)
def workbench_sections(context):
    """{% workbench_sections as sections %}: the side navigation for the signed-in staff member."""
    request = context["request"]
    return sections_for(request.user, request.path)


@register.filter
def may_act_as(user, roles: str) -> bool:
    """{% if request.user|may_act_as:"window_clerk,approver" %}: whether the views' `access.require_role` would let
    the user act in one of the roles, so a page shows only the links its reader may follow."""
    wanted = [r.strip() for r in roles.split(",") if r.strip()]
    unknown = set(wanted) - set(Role.values)
    if unknown:
        raise template.TemplateSyntaxError(f"may_act_as: unknown roles {sorted(unknown)}")
    return access.may_act_as(user, *wanted)


@register.filter
def works_for_hotline_centre(user) -> bool:
    """{% if request.user|works_for_hotline_centre %}: the hotline centre's pages (call, dispatch, hot topics)."""
    return tickets.is_centre(user)
