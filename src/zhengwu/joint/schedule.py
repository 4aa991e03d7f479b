"""The joint domain's periodic job, run by `zhengwu scheduled`."""

from zhengwu.joint import supervision


def member_late() -> str:
    return f"联办成员超期 {supervision.scan_open_members()} 件"


JOBS = [("joint_member_late", member_late)]
