"""The printed notices end as an official document must: the signature, the date, the phone line and the QR code stay
on the page of the last lines of the text, never on a page of their own (a stranger's pass found 17 of the demo's 111
notices ending on a page holding only the QR code and its verify line)."""

import re
import shutil
import subprocess

import pytest

from zhengwu.cases import notices
from zhengwu.cases.models import Notice

BASE = "https://zw.example.gov.cn/"
SIGNATURE = "贵溪市市场监督管理局2026年12月2日"
LINE = "申请材料经审查存在需要说明的情况本机关依法予以说明并告知"  # about one printed line (28 characters)


def _notice(kind: str, length: int) -> Notice:
    """A notice of `kind` whose text runs `length` lines longer than the shortest, the rest as issued notices say."""
    text = (LINE * length)[: 28 * length] or "无"
    essentials = {
        "case_number": "360681-2026-000009",
        "item_name": "食品经营许可",
        "organisation": "贵溪市市场监督管理局",
        "organisation_phone": "0701-3312401",
        "supervision_phone": "0701-3312315",
        "applicant_name": "饶亚芬",
        "agent_name": "",
        "received_on": "2026-12-02",
        "issued_on": "2026-12-02",
        "accepted_on": "2026-12-02",
        "promised_due": "2026-12-16",
        "legal_due": "2026-12-30",
        "result_name": "食品经营许可证",
        "reason": text,
        "reasons": text,
        "legal_basis": "《中华人民共和国行政许可法》第三十二条",
        "items": [{"name": "营业执照", "problem": text}],
    }
    if kind == Notice.Kind.ACCEPTANCE:  # no free text of its own: a long item name stands in
        essentials["item_name"] = f"食品经营许可({text})"
    return Notice(
        kind=kind,
        document_number=f"市场监管局字〔2026〕360681-2026-000009-{length}号",
        token=f"token{kind}{length}",
        essentials=essentials,
    )


def _pages(pdf: bytes) -> list[str]:
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return [re.sub(r"\s+", "", page) for page in text.split("\f") if page.strip()]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("kind", Notice.Kind.values)
def test_no_notice_ends_on_a_page_holding_only_its_qr_code(kind):
    # the text grows two lines at a time through the length at which the QR block (about 3 lines tall) used to be
    # pushed alone onto a second page
    seen_two_pages = False
    for length in range(0, 14, 2):
        notice = _notice(kind, length)
        url = notices.verify_url(notice, base_url=BASE)
        pages = _pages(notices.render(notice, base_url=BASE))
        seen_two_pages |= len(pages) > 1
        assert "扫码或访问" in pages[-1], "the QR block is on the last page"
        for number, page in enumerate(pages, start=1):
            rest = page.replace(f"扫码或访问{url}核验本文书的真实性。", "").replace(f"—{number}—", "")
            rest = rest.replace("咨询电话:0701-3312401监督电话:0701-3312315", "")
            assert rest, (
                f"{kind}, {length} lines more: page {number} holds only the QR code and its verify line"
            )
            assert number == 1 or not rest.startswith(SIGNATURE), (
                f"{kind}, {length} lines more: page {number} begins with the signature, not the text it signs"
            )
    assert seen_two_pages, "the lengths tried reach a second page"


def _lines(pdf: bytes) -> list[str]:
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return [line.strip() for line in text.splitlines() if line.strip()]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_supplement_table_gives_the_material_name_room_beside_a_long_problem():
    # beside a paragraph of 需要补正的内容 the 材料名称 column was squeezed to two characters a line (营业/执照)
    notice = _notice(Notice.Kind.SUPPLEMENT, 0)
    notice.essentials["items"] = [
        {"name": "营业执照复印件", "problem": LINE * 6},
        {"name": "法定代表人身份证明", "problem": "缺少"},
        {"name": "经营场所平面布局图及设备布局图", "problem": LINE * 3},
    ]
    lines = _lines(notices.render(notice, base_url=BASE))
    assert "序号" in lines and "材料名称" in lines
    assert "营业执照复印件" in lines
    assert "法定代表人身份证明" in lines
    long_name = "经营场所平面布局图及设备布局图"  # takes two lines, not six
    pieces = [line for line in lines if line in long_name]
    assert "".join(pieces) == long_name and len(pieces) <= 2, pieces
