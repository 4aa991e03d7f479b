"""The one Chinese text toolkit every search uses: what people type folds to what the index holds."""

import pytest

from zhengwu.core import text


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("營業執照", "营业执照"),  # Traditional → Simplified
        ("ＡＢＣ１２３", "abc123"),  # full-width → half-width, lower case
        ("戶口 遷移!", "户口 迁移!"),  # spaces and punctuation kept
    ],
)
def test_fold(typed, folded):
    assert text.fold(typed) == folded


def test_normalise_keeps_only_letters_digits_and_characters():
    assert text.normalise("營業執照(副本) No_1") == "营业执照副本no1"


def test_segmentation_and_pieces():
    assert "营业执照" in text.cut("申请营业执照")
    assert {"营业", "执照"} <= set(text.cut_for_search("营业执照"))
    assert text.pieces("营业执照", 2) == {"营业", "业执", "执照"}
    assert text.pieces("营", 2) == set()


def test_pinyin_and_initials():
    assert text.pinyin("营业执照") == ("yingyezhizhao", "yyzz")
    assert text.pinyin("12345热线") == ("rexian", "rx")
    assert text.pinyin("12345热线", keep_other=True) == ("12345rexian", "12345rx")


def test_find_folded_gives_the_original_span():
    assert text.find_folded("需提交營業執照(副本)", "执照副本") == (5, 10)  # 執照(副本
    assert text.find_folded("取水许可申请书", "营业执照") is None
