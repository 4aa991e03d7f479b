from django import template

from zhengwu.portal.navigation import portal_nav

register = template.Library()


@register.simple_tag(takes_context=True)
def portal_sections(context):
    """{% portal_sections as items %}: the portal's main navigation for the current page."""
    request = context.get("request")
    return portal_nav(request.path if request else "/")
