import shutil
import subprocess

import pytest
from django.template import Context, Template

from zhengwu.core.documents import html_to_pdf, qr_svg


def test_qr_code_is_inline_svg():
    svg = qr_svg("https://example.org/verify/abc")
    assert svg.startswith("<svg") and "</svg>" in svg


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed")
def test_pdf_embeds_a_cjk_font(tmp_path):
    html = Template(
        '{% extends "documents/base.html" %}{% block body %}<h1>受理通知书</h1><p>贵溪市政务服务中心</p>{% endblock %}'
    ).render(Context())
    pdf = html_to_pdf(html)
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "notice.pdf"
    path.write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "CJK" in fonts and " yes " in fonts  # a Noto CJK font, embedded


def test_fonts_are_subset_by_harfbuzz_not_in_python():
    """A certificate in Noto Serif and Sans CJK takes ~0.1 s to make with HarfBuzz's subsetter (Debian
    libharfbuzz-subset0, installed by scripts/system-deps.sh) and 8–9 s of CPU with WeasyPrint's fallback to fontTools,
    which walks every glyph of the CJK fonts in Python: a person waits at the counter, and the suite spends minutes."""
    from weasyprint.pdf import fonts

    assert fonts.harfbuzz_subset is not None, "HarfBuzz-Subset missing: apt-get install libharfbuzz-subset0"
