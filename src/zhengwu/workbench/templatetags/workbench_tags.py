from django import template

from zhengwu.workbench.navigation import sections_for

register = template.Library()


@register.simple_tag(takes_context=True)
def workbench_sections(context):
    """{% workbench_sections as sections %}: the side navigation for the signed-in staff member."""
    request = context["request"]
    return sections_for(request.user, request.path)
