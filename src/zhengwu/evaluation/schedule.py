"""The evaluation domain's periodic jobs, run by `zhengwu scheduled`."""

from zhengwu.evaluation import services


def apply_unrated_policy() -> str:
    """Where a region counts cases unrated after N working days as satisfied, rate them so (default: leave unrated)."""
    return f"逾期未评按满意计 {services.apply_unrated_policy()} 件"


JOBS = [("apply_unrated_policy", apply_unrated_policy)]
