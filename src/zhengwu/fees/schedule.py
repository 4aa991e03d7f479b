"""The fee domain's periodic jobs, run by `zhengwu scheduled`."""

from zhengwu.fees import rules


def unreconciled() -> str:
    return f"逾期未对账缴款新增异常 {rules.scan_unreconciled()} 条"


JOBS = [("fees-unreconciled", unreconciled)]
