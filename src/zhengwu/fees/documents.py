"""The payment notice (缴款通知书) and the electronic receipt (财政电子票据) as PDFs, through core.documents (one
layout, the embedded Noto CJK fonts), each with a QR code: the notice's to its payment page, the receipt's to its
public check page."""

from decimal import Decimal

from django.conf import settings
from django.urls import reverse

from zhengwu.core.documents import qr_svg, render_pdf
from zhengwu.fees.models import Notice, Receipt

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ["", "拾", "佰", "仟"]
_SECTIONS = ["", "万", "亿", "万亿"]


def rmb_upper(amount: Decimal) -> str:
    """人民币大写, as receipts print it: 80.00 → 捌拾元整; 1010.50 → 壹仟零壹拾元伍角."""
    amount = Decimal(amount).quantize(Decimal("0.01"))
    if amount == 0:
        return "零元整"
    fen = int(amount * 100)
    yuan, jiao, cent = fen // 100, fen // 10 % 10, fen % 10
    out = ""
    if yuan:
        sections, section_index, need_zero = [], 0, False
        while yuan:
            part, yuan = yuan % 10000, yuan // 10000
            text, zero = "", False
            for i in range(4):
                d = part // (10**i) % 10
                if d == 0:
                    zero = bool(text)
                    continue
                text = _DIGITS[d] + _UNITS[i] + ("零" if zero else "") + text
                zero = False
            if part:
                prefix = "零" if need_zero else ""
                sections.insert(0, text + _SECTIONS[section_index] + prefix)
            need_zero = 0 < part < 1000 or (part == 0 and bool(sections))
            section_index += 1
        out = "".join(sections).rstrip("零") + "元"
    if jiao:
        out += _DIGITS[jiao] + "角"
    elif cent and out:
        out += "零"
    if cent:
        out += _DIGITS[cent] + "分"
    return out if (jiao or cent) else out + "整"  # 整 after 元 only (正确填写票据和结算凭证的基本规定)


def _absolute(path: str, base_url: str) -> str:
    base = base_url or getattr(settings, "ZHENGWU_PUBLIC_URL", "")
    return f"{base.rstrip('/')}{path}"


def pay_url(notice: Notice, *, base_url: str = "") -> str:
    return _absolute(reverse("fees_portal:pay", args=[notice.code]), base_url)


def receipt_check_url(receipt: Receipt, *, base_url: str = "") -> str:
    return _absolute(reverse("fees_portal:check_receipt", args=[receipt.number]), base_url)


def notice_pdf(notice: Notice, *, base_url: str = "") -> bytes:
    url = pay_url(notice, base_url=base_url)
    return render_pdf(
        "fees/documents/notice.html",
        {
            "n": notice,
            "case": notice.case,
            "lines": list(notice.lines.all()),
            "upper": rmb_upper(notice.total),
            "qr": qr_svg(url),
            "url": url,
        },
    )


def collectors(notice: Notice) -> str:
    """收款单位 on the receipt: the collecting organisation(s) the fee catalogue names (执收单位) for the notice's
    lines, whatever the channel the money came through."""
    names = []
    for line in notice.lines.select_related("fee__organisation"):
        if line.fee.organisation.name not in names:
            names.append(line.fee.organisation.name)
    return "、".join(names) or notice.organisation.name


def receipt_pdf(receipt: Receipt, *, base_url: str = "") -> bytes:
    url = receipt_check_url(receipt, base_url=base_url)
    notice = receipt.payment.notice
    return render_pdf(
        "fees/documents/receipt.html",
        {
            "r": receipt,
            "p": receipt.payment,
            "n": notice,
            "lines": list(notice.lines.all()),
            "collectors": collectors(notice),
            "upper": rmb_upper(receipt.amount),
            "qr": qr_svg(url),
            "url": url,
        },
    )
