"""Who acted, as a person reads it: the platform's own programs by a Chinese name, people as recorded."""

import pytest

from zhengwu.core.actors import actor_name


@pytest.mark.parametrize(
    ("recorded", "shown"),
    [
        ("system", "系统"),
        ("zhengwu scheduled", "系统定时任务"),
        ("zhengwu demo", "演示数据"),
        ("zhengwu cases import", "历史数据导入"),
        ("deem-accepted task", "系统后台任务"),
        ("zhengwu reports rebuild", "系统命令"),  # a command added later, by the same naming habit
        ("nightly cleanup task", "系统后台任务"),
        ("张丽华", "张丽华"),
        ("系统", "系统"),
        ("", ""),
        (None, ""),
    ],
)
def test_recorded_actor_labels_are_shown_by_name(recorded, shown):
    assert actor_name(recorded) == shown
