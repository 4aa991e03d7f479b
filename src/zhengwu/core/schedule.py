"""The kernel's periodic jobs for `zhengwu scheduled`."""

from zhengwu.core import audit

JOBS = [("audit_anchor", audit.anchor_daily)]
