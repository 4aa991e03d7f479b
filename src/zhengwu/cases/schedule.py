"""The cases domain's periodic jobs, run by `zhengwu scheduled`."""

from zhengwu.cases import notify, services


def deem_accepted() -> str:
    """行政许可法 第三十二条: cases without an intake decision after 5 working days are deemed accepted."""
    return f"视为受理 {len(services.deem_accepted())} 件"


def send_outbox() -> str:
    """Send notifications the task worker has not sent (retries included)."""
    sent, failed = notify.send_due()
    return f"通知已发送 {sent} 条,失败 {failed} 条"


JOBS = [("deem_accepted", deem_accepted), ("send_outbox", send_outbox)]
