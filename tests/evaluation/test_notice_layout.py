"""The printed 一次性告知书 gives each column of its material table room: the 序号 and 情况 columns were squeezed to
one or two characters a line (序/号, 已具/备) beside long material names."""

import shutil
import subprocess

import pytest

from zhengwu.evaluation.models import OneTimeNotice
from zhengwu.evaluation.notices import render_notice_pdf

NAMES = [
    ("营业执照复印件", ""),
    ("法定代表人身份证明", ""),
    ("经营场所平面布局图及设备布局图", "涉及食品生产加工的"),
    ("委托书", "委托他人代为办理的"),
]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_one_time_notice_table_keeps_number_name_and_state_whole():
    materials = [
        {
            "position": position,
            "name": name,
            "condition": condition,
            "required": True,
            "form": "原件",
            "copies": 1,
            "medium": "纸质",
            "lacking": position % 2 == 1,
        }
        for position, (name, condition) in enumerate(NAMES, start=1)
    ]
    essentials = {
        "person_name": "饶亚芬",
        "item_name": "食品经营许可",
        "materials": materials,
        "legal_limit": 20,
        "promised_limit": 10,
        "organisation": "贵溪市市场监督管理局",
        "issuer_organisation": "贵溪市市场监督管理局",
        "issued_by": "李文",
        "issued_on": "2026-12-02",
    }
    pdf = render_notice_pdf(OneTimeNotice(number="一次告〔2026〕000001号", essentials=essentials))
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for header in ("序号", "材料名称", "要求", "情况"):
        assert header in lines, header
    assert "营业执照复印件" in lines and "法定代表人身份证明" in lines
    assert lines.count("已具备") == 2 and lines.count("尚缺") == 2
    assert "必需,原件 1 份,纸质" in lines
