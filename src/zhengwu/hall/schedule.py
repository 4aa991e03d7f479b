"""The hall's periodic jobs for `zhengwu scheduled`: slots for the booking horizon, reminders, no-shows."""

from zhengwu.core.models import ServiceCentre
from zhengwu.hall import services
from zhengwu.hall.models import SlotRule


def generate_slots() -> str:
    centres = ServiceCentre.objects.filter(
        pk__in=SlotRule.objects.filter(is_active=True).values("group__centre")
    )
    added = sum(services.generate_slots(centre=centre) for centre in centres)
    return f"新增预约时段 {added} 个"


def remind() -> str:
    return f"发送预约提醒 {services.remind_tomorrow()} 条"


def no_shows() -> str:
    return f"记录爽约 {services.mark_no_shows()} 个"


def waits() -> str:
    from zhengwu.hall import measures

    return f"等候超时预警 {len(measures.warn_long_waits())} 条"


JOBS = [("generate_slots", generate_slots), ("remind", remind), ("no_shows", no_shows), ("waits", waits)]
