"""Joint approval's efficiency indicators (supervision.indicators.add_metric): 联办件 and their member cases, counted
in the indicators' one grouped aggregate (by organisation: the 联办件 in which the organisation has a member case)."""

from django.db.models import Q

from zhengwu.supervision import indicators

MEMBER = Q(joint_member__isnull=False)
JOINT = "joint_member__joint_id"


def register() -> None:
    indicators.add_metric(
        "joint_cases", "联办件数", lambda p: indicators.received(p) & MEMBER, field=JOINT, distinct=True
    )
    indicators.add_metric("joint_members", "联办成员办件数", lambda p: indicators.received(p) & MEMBER)
    indicators.add_metric(
        "joint_members_completed", "联办成员办结数", lambda p: indicators.completed(p) & MEMBER
    )
    indicators.add_metric(
        "joint_members_overdue", "联办成员超期未办结", lambda p: indicators.overdue_open(p) & MEMBER
    )
    indicators.add_metric(
        "joint_cases_late",
        "因成员超期的联办件",
        lambda p: indicators.overdue_open(p) & MEMBER,
        field=JOINT,
        distinct=True,
    )
