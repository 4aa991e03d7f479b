"""Official documents: HTML templates rendered to PDF by WeasyPrint with an embedded CJK font, and QR codes.

Every notice, letter, guide and report that leaves the system as a PDF goes through `render_pdf`, so they share one
page layout (A4, GB/T 9704-style margins) and one font set (Noto Serif/Sans CJK SC from Debian's fonts-noto-cjk).
"""

import io

import segno
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe


def render_pdf(template_name: str, context: dict, *, base_url: str | None = None) -> bytes:
    """Render a template (which should extend "documents/base.html") to PDF bytes."""
    return html_to_pdf(render_to_string(template_name, context), base_url=base_url)


def html_to_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """Turn an HTML document into PDF bytes."""
    from weasyprint import HTML  # imported here: loading Pango costs ~0.3 s and most requests never need it

    return HTML(string=html, base_url=base_url or ".").write_pdf()


def qr_svg(data: str, *, scale: int = 3) -> str:
    """A QR code as inline SVG markup (safe to put in a template), e.g. for a notice's verification link."""
    buffer = io.BytesIO()
    segno.make(data, error="m").save(buffer, kind="svg", scale=scale, xmldecl=False, svgns=True, nl=False)
    return mark_safe(buffer.getvalue().decode("utf-8"))  # noqa: S308 — segno's own SVG output, no user markup
