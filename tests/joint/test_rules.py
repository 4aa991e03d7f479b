"""The joint time limit and its cap (行政许可法 第二十六条、第四十二条第二款), as tables."""

import pytest

from zhengwu.joint import rules
from zhengwu.joint.rules import Member as M

LIMIT_TABLE = [
    # members (key, stage, legal, promised, needs), joint legal, joint promised
    ([M(1, 1, 3, 1), M(2, 2, 10, 5, [1]), M(3, 2, 20, 5, [1]), M(4, 2, 20, 5, [1])], 23, 6),
    ([M(1, 1, 20, 7), M(2, 1, 20, 8), M(3, 1, 15, 7), M(4, 2, 7, 3, [1, 3])], 27, 11),
    ([M(1, 1, 5, 2), M(2, 1, 10, 3, [1])], 15, 5),  # a prerequisite in the same stage runs after it
    ([M(1, 1, 0, 0), M(2, 1, 0, 0)], 0, 0),  # instant members
]


@pytest.mark.parametrize(("members", "legal", "promised"), LIMIT_TABLE)
def test_joint_limit_is_the_longest_path_through_the_stages(members, legal, promised):
    assert rules.joint_limit(members) == legal
    assert rules.joint_limit(members, promised=True) == promised


CAP_TABLE = [
    # stage limits (legal), extension approval, refused?
    ([[45]], "", False),
    ([[46]], "", True),
    ([[20, 30], [15]], "", False),  # 30 + 15 = 45: at the cap
    ([[20, 30], [16]], "", True),  # 46
    ([[20, 30], [16]], "贵府办字〔2026〕12号", False),  # 46 ≤ 45 + 15
    ([[40], [20]], "贵府办字〔2026〕12号", False),  # 60: the most with approval
    ([[40], [21]], "贵府办字〔2026〕12号", True),  # 61: beyond even the extension
    ([[60]], "", True),
]


@pytest.mark.parametrize(("stages", "approval", "refused"), CAP_TABLE)
def test_the_cap_of_article_42(stages, approval, refused):
    members, key = [], 0
    for number, limits in enumerate(stages, start=1):
        for limit in limits:
            key += 1
            members.append(M(key, number, limit, limit))
    errors = rules.check_cap(members, extension_approval=approval)
    assert bool(errors) is refused
    if refused:
        assert "第四十二条" in errors[0][1]


def test_shape_refuses_cycles_and_later_prerequisites():
    assert rules.check_shape([M(1, 1, 1, 1, [2]), M(2, 1, 1, 1, [1])], 1)[0][1] == "前置事项相互依赖,形成循环"
    assert "更后的阶段" in rules.check_shape([M(1, 1, 1, 1, [2]), M(2, 2, 1, 1)], 2)[0][1]
    assert "连续编号" in rules.check_shape([M(1, 1, 1, 1), M(2, 3, 1, 1)], 0)[0][1]
    assert rules.check_shape([M(1, 1, 1, 1)], 0)[0][0] == "members"


def test_merged_materials_ask_shared_ones_once_and_take_results_from_prerequisites():
    members = [
        {
            "key": 1,
            "name": "企业登记",
            "result_name": "营业执照",
            "needs": [],
            "materials": [{"position": 1, "name": "住所使用证明"}],
        },
        {
            "key": 2,
            "name": "食品经营许可",
            "result_name": "食品经营许可证",
            "needs": [1],
            "materials": [{"position": 1, "name": "营业执照"}, {"position": 2, "name": "住所使用证明"}],
        },
        {
            "key": 3,
            "name": "排水许可",
            "result_name": "排水许可证",
            "needs": [1],
            "materials": [{"position": 1, "name": "营业执照复印件"}],
        },
    ]
    merged = rules.merged_materials(members)
    assert [m["name"] for m in merged] == ["住所使用证明", "营业执照", "营业执照复印件"]
    assert merged[0]["shared"] and len(merged[0]["members"]) == 2
    assert merged[1]["from_member"] == 1 and merged[2]["from_member"] == 1
