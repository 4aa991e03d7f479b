"""The workbench's side navigation: the sections a staff member's roles call for, in a fixed order.

Whether the person may open a section is decided again by the section's own views (core.access.require_role);
this only keeps the menu to what each role needs. Sections whose pages are not built yet show as placeholders.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from zhengwu.core import access
from zhengwu.core.models import Role
from zhengwu.core.navigation import is_current, url_if_built
from zhengwu.hall import permissions as hall_permissions
from zhengwu.tickets import permissions as ticket_permissions

ALL = None  # every signed-in staff member

# (key, label, icon, roles that need it or ALL or a rule of the user, candidate route names)
SECTIONS = [
    ("home", _("工作台首页"), "bi-house", ALL, ("workbench:home",)),
    (
        "cases",
        _("办件"),
        "bi-folder2-open",
        (Role.WINDOW_CLERK, Role.APPROVER, Role.DEPARTMENT_HEAD, Role.CENTRE_MANAGER),
        ("workbench_cases:index",),
    ),
    (
        "catalog",
        _("事项"),
        "bi-journal-text",
        (Role.APPROVER, Role.DEPARTMENT_HEAD, Role.CENTRE_MANAGER),
        ("workbench_catalog:index",),
    ),
    (
        "supervision",
        _("监察"),
        "bi-shield-exclamation",
        (Role.SUPERVISOR, Role.CENTRE_MANAGER, Role.DEPARTMENT_HEAD),
        ("workbench_supervision:index",),
    ),
    ("disclosure", _("公开"), "bi-megaphone", (Role.DISCLOSURE_OFFICER,), ("workbench_disclosure:index",)),
    (
        "tickets",
        _("热线"),
        "bi-headset",
        # the desk by its roles; everyone else who may sign for and answer tickets by the tickets' own rule
        lambda user: (
            access.has_role(user, Role.HOTLINE_OPERATOR, Role.CENTRE_MANAGER)
            or ticket_permissions.handles_tickets(user)
        ),
        ("workbench_tickets:index",),
    ),
    (
        "evaluation",
        _("评价"),
        "bi-star-half",
        (Role.CENTRE_MANAGER, Role.DEPARTMENT_HEAD, Role.SUPERVISOR, Role.WINDOW_CLERK),
        ("workbench_evaluation:index",),
    ),
    ("profile", _("个人资料"), "bi-person-gear", ALL, ("workbench:profile",)),
    (
        "joint",
        _("并联审批"),
        "bi-diagram-3",
        # the inspectorate supervises the whole joint case (the seeds: 监察 watches each department's part)
        (Role.WINDOW_CLERK, Role.APPROVER, Role.DEPARTMENT_HEAD, Role.CENTRE_MANAGER, Role.SUPERVISOR),
        ("workbench_joint:index",),
    ),
    (
        "hall",
        _("大厅"),
        "bi-people",
        hall_permissions.HALL_VIEWERS,  # supervisors watch the hall read-only
        ("workbench_hall:index",),
    ),
    (
        "fees",
        _("收费"),
        "bi-cash-coin",
        (Role.WINDOW_CLERK, Role.DEPARTMENT_HEAD, Role.CENTRE_MANAGER, Role.SUPERVISOR),
        ("fees_workbench:index",),
    ),
    (
        "licences",
        _("电子证照"),
        "bi-patch-check",
        (Role.WINDOW_CLERK, Role.APPROVER, Role.DEPARTMENT_HEAD, Role.CENTRE_MANAGER, Role.SUPERVISOR),
        ("workbench_licences:index",),
    ),
]


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    icon: str
    url: str | None  # None: not built yet
    active: bool = False


def wanted(user, roles) -> bool:
    """Does the user need what `roles` (a tuple of roles, or a rule of the user) calls for?"""
    return roles(user) if callable(roles) else access.has_role(user, *roles)


def sections_for(user, path: str) -> list[Section]:
    """The sections the user's roles call for (administrators see all), the current one marked."""
    home = url_if_built("workbench:home") or "/workbench/"
    everything = access.is_administrator(user)
    result = []
    for key, label, icon, roles, names in SECTIONS:
        if roles is not ALL and not everything and not wanted(user, roles):
            continue
        url = url_if_built(*names)
        result.append(Section(key, str(label), icon, url, is_current(path, url, home=home)))
    if access.can_use_admin(user):
        result.append(Section("admin", str(_("系统管理")), "bi-gear", url_if_built("admin:index")))
    return result
