"""The supervision domain's periodic jobs, run by `zhengwu scheduled`."""

from zhengwu.supervision import services


def scan() -> str:
    """Breaches that time alone makes (overdue, intake past 5 working days), order escalation, warning pushes."""
    done = services.scan()
    return f"新增异常 {done['alerts']} 条,督办升级 {done['escalated']} 件,推送预警 {done['warnings']} 条"


JOBS = [("scan", scan)]
