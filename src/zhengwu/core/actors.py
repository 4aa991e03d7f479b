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
