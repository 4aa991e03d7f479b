"""Personal data in replies published in the public mailbox is masked automatically."""

import pytest

from zhengwu.tickets.masking import mask_free_text


@pytest.mark.parametrize(
    ("text", "gone", "shown"),
    [
        ("市民张伟来电反映噪音问题", ["张伟"], ["张*", "噪音"]),
        ("经核实,已联系欧阳娜娜女士并当面说明", ["欧阳娜娜"], ["欧***女士"]),
        ("联系人:刘建国,请于三日内到场", ["刘建国"], ["刘**"]),
        # published: nothing of an identifier is kept (法释〔2016〕19号 第十条), only a landline's area code
        ("身份证号360781199003154517已核验", ["360781", "4517"], ["身份证号******************已核验"]),
        ("证件号码11010519491231002X", ["110105", "002X"], ["******************"]),
        ("请拨打13979712345或0797-2512345联系", ["13979712345", "2512345"], ["***********或0797-*******"]),
        ("手机号 139 7971 2345", ["139", "7971", "2345"], ["*** **** ****"]),
        # the road, estate or village stays; the numbers of the house, building, unit and room go
        ("家住瑞金市象湖镇红都大道18号3栋2单元501室", ["18号", "501室"], ["红都大道**号*栋*单元***室"]),
        ("地点在沙洲坝镇洁源村3组", ["3组"], ["沙洲坝镇洁源村*组"]),
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


def test_the_issue_example_a_report_keeps_no_email_plate_id_or_officials_surname():
    masked = mask_free_text(
        "举报城管局王科长收受商户好处费,他开赣B12345的车。举报人邮箱jubao2026@163.com,"
        "身份证360781199003154517,电话13979712345。"
    )
    for secret in ("jubao2026", "163.com", "B12345", "王科长", "360781", "4517", "13979712345"):
        assert secret not in masked, (secret, masked)
