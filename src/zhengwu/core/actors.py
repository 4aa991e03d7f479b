"""Who did it, as a person reads it, when no person did: the system, its scheduled jobs, commands, the demo.

Services, commands and tasks record a technical label for these (`acting_as(label="zhengwu scheduled")`, the audit
chain's "system"): it says exactly which program acted and stays as stored. Pages, exports and API fields meant for
display show `actor_name(label)` — 系统, 系统定时任务, 演示数据 … — and a person's name unchanged.
"""

from django.utils.translation import gettext_lazy as _

SYSTEM = "system"

# The labels the platform's own programs act under (core.context.acting_as and the services' fallbacks).
NAMES = {
    SYSTEM: _("系统"),
    "zhengwu scheduled": _("系统定时任务"),
    "zhengwu demo": _("演示数据"),
    "zhengwu cases deem-accepted": _("系统定时任务"),
    "zhengwu cases import": _("历史数据导入"),
    "zhengwu disclosure import": _("历史数据导入"),
    "zhengwu disclosure expire": _("系统定时任务"),
    "zhengwu workdays load": _("节假日数据导入"),
    "catalog command": _("事项目录导入"),
    "command:evaluation": _("系统命令"),
    "command:supervision-scan": _("电子监察扫描"),
    "command:tickets": _("系统命令"),
    "deem-accepted task": _("系统后台任务"),
    "deem-acknowledged task": _("系统后台任务"),
    "first-answer warnings task": _("系统后台任务"),
    "supervision scan task": _("电子监察扫描"),
    "supervision warnings task": _("系统后台任务"),
}


def actor_name(label: str | None) -> str:
    """The name a person reads for a recorded actor label: a program's in Chinese, a person's as recorded, "" for
    none recorded."""
    label = (label or "").strip()
    name = NAMES.get(label)
    if name is not None:
        return str(name)
    # a command or task added later, under the same naming habits
    if label.startswith(("zhengwu ", "command:")):
        return str(_("系统命令"))
    if label.endswith(" task"):
        return str(_("系统后台任务"))
    return label


# ---- the acting person, as services record it (one definition for every domain's services)


def acting_user(by):
    """The account that acts, for a ForeignKey: a signed-in user, else None (a command, the system, a visitor)."""
    return by if by is not None and getattr(by, "is_authenticated", False) else None


def acting_label(
    by, *, anonymous: str, system: str | None = None, with_organisation: bool = False, applicant: bool = False
) -> str:
    """Who acted, as an event or a history stores it beside the account: a staff member's name (with their
    organisation, "张三(县市场监管局)", when `with_organisation`), an applicant's name (when `applicant`: the
    account's applicant record), else the account's user name. Nobody signed in: `system` when `by` is None (a
    command, a task) if given, else `anonymous` (the domain's word for the public: 申请人, 诉求人, 评价人 …)."""
    from zhengwu.core import access

    if by is None and system is not None:
        return system
    staff = access.staff_of(by) if by is not None else None
    if staff is not None:
        return f"{staff.name}({staff.organisation})" if with_organisation else staff.name
    user = acting_user(by)
    if user is None:
        return anonymous
    person = getattr(user, "applicant", None) if applicant else None
    return person.name if person else user.get_username()
