"""The tickets domain's periodic jobs, run by `zhengwu scheduled`."""

from zhengwu.tickets import services


def deem_acknowledged() -> str:
    """Tickets not acknowledged or returned in time are taken as acknowledged by their lead organisation."""
    return f"逾期视为签收 {services.deem_overdue_acknowledged()} 件"


JOBS = [("deem_acknowledged", deem_acknowledged)]
