"""The public portal's main navigation. Sections light up by themselves once their pages exist."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from zhengwu.core.navigation import is_current, url_if_built


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str | None  # None: not built yet, shown as a disabled placeholder
    active: bool = False
    icon: str = ""


# (label, candidate route names): the first route that exists is used.
PORTAL_SECTIONS = [
    (_("首页"), ("portal:home",)),
    (_("办事服务"), ("portal_catalog:index",)),
    (_("政务公开"), ("portal_disclosure:index",)),
    (_("互动交流"), ("portal_tickets:index",)),
    (_("办件查询"), ("portal_cases:lookup", "portal_cases:index")),
    (_("好差评"), ("portal_evaluation:index",)),
    (_("一件事一次办"), ("portal_joint:index",)),
    (_("预约取号"), ("portal_hall:index", "portal_hall:book")),
    (_("我的预约"), ("portal_hall:mine",)),
    (_("收费公示"), ("fees_portal:index",)),
]


def portal_nav(path: str) -> list[NavItem]:
    """The portal's sections for a page at `path`, with the current one marked."""
    items = []
    for label, names in PORTAL_SECTIONS:
        url = url_if_built(*names)
        items.append(NavItem(label=str(label), url=url, active=is_current(path, url)))
    return items
