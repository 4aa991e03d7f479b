"""Personal data in replies published in the public mailbox is masked automatically."""

import pytest

from zhengwu.tickets.masking import mask_free_text


@pytest.mark.parametrize(
    ("text", "gone", "shown"),
    [
        ("市民张伟来电反映噪音问题", ["张伟"], ["张*", "噪音"]),
        ("经核实,已联系欧阳娜娜女士并当面说明", ["欧阳娜娜"], ["欧***女士"]),
        ("联系人:刘建国,请于三日内到场", ["刘建国"], ["刘**"]),
        ("身份证号360781199003154517已核验", ["360781199003154517"], ["360781********4517"]),
        ("证件号码11010519491231002X", ["11010519491231002X"], ["110105********002X"]),
        ("请拨打13979712345或0797-2512345联系", ["13979712345", "2512345"], ["139****2345", "0797-"]),
        ("手机号 139 7971 2345", ["7971"], ["139****2345"]),
        ("家住瑞金市象湖镇红都大道18号3栋2单元501室", ["红都大道", "501室"], ["瑞金市象湖镇****"]),
        ("地点在沙洲坝镇洁源村3组", ["洁源村", "3组"], ["沙洲坝镇****"]),
        ("关于路灯不亮的问题,我局已安排维修。", [], ["关于路灯不亮的问题,我局已安排维修。"]),
    ],
)
def test_personal_data_is_masked_and_the_rest_kept(text, gone, shown):
    masked = mask_free_text(text)
    for secret in gone:
        assert secret not in masked, masked
    for visible in shown:
        assert visible in masked, masked


def test_the_callers_own_name_is_masked_even_when_segmentation_misses_it():
    masked = mask_free_text("来电人反映:凤英家门口积水", names=["凤英"])
    assert "凤英" not in masked and "积水" in masked


def test_masking_twice_changes_nothing_more():
    once = mask_free_text("张伟,电话13979712345,住红都大道18号")
    assert mask_free_text(once) == once
