"""The kernel's periodic jobs for `zhengwu scheduled`."""

from zhengwu.core import audit


def seal_audit() -> str:
    """Seal what the task worker has not (it was down, or ZHENGWU_AUDIT_SEAL=scheduled)."""
    return f"已封链 {audit.seal()} 条审计记录"


JOBS = [("audit_seal", seal_audit), ("audit_anchor", audit.anchor_daily)]
