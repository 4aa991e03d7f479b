"""The tickets domain's periodic jobs, run by `zhengwu scheduled`."""

from zhengwu.tickets import services


def deem_acknowledged() -> str:
    """Tickets not acknowledged or returned in time are taken as acknowledged by their lead organisation."""
    return f"逾期视为签收 {services.deem_overdue_acknowledged()} 件"


def first_answer_warnings() -> str:
    """政民互动 messages near or past their 24-hour first answer get one warning event per level."""
    done = services.flag_first_answers()
    return f"首次答复临期预警 {done['due_soon']} 件,超时 {done['overdue']} 件"


JOBS = [("deem_acknowledged", deem_acknowledged), ("first_answer_warnings", first_answer_warnings)]
