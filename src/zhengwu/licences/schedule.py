"""The licence library's periodic jobs for `zhengwu scheduled`."""

from zhengwu.licences import services


def remind_expiring() -> str:
    return f"证照到期提醒 {services.remind_expiring()} 件"


def mark_expired() -> str:
    return f"证照过期 {services.mark_expired()} 件"


def supervise() -> str:
    from zhengwu.licences import checks

    return f"证照监察新告警 {checks.scan()} 条"


JOBS = [
    ("licence_reminders", remind_expiring),
    ("licence_expiry", mark_expired),
    ("licence_supervision", supervise),
]
