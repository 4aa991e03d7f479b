"""The fee domain's periodic jobs, run by `zhengwu scheduled`."""

from zhengwu.fees import rules


def unreconciled() -> str:
    """Payments not reconciled within 3 working days raise fee.unreconciled (once per payment)."""
    return f"逾期未对账缴款新增异常 {rules.scan_unreconciled()} 条"


JOBS = [("unreconciled", unreconciled)]
