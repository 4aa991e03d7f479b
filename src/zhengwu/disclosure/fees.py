"""The information processing fee (信息处理费) of 国办函〔2020〕109号: pure functions over counts, amounts in 元."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from zhengwu.core.errors import ValidationFailed

MAX_COUNT = 1_000_000


@dataclass(frozen=True)
class Fee:
    amount: int  # 元
    lines: tuple[str, ...]


def _check(n: int, field: str) -> None:
    if isinstance(n, bool) or not isinstance(n, int):
        raise ValidationFailed(_("数量必须是整数"), field=field)
    if n < 0:
        raise ValidationFailed(_("数量不能为负数"), field=field)
    if n > MAX_COUNT:
        raise ValidationFailed(_("数量过大(最多 %(n)d)") % {"n": MAX_COUNT}, field=field)


def _item_bands(n: int):
    """(first, last, price) bands up to n items: 1–10 free, 11–30 at 100, then bands of 10, each 100 more."""
    yield 1, 10, 0
    yield 11, 30, 100
    first, price = 31, 200
    while first <= n:
        yield first, first + 9, price
        first, price = first + 10, price + 100


# 国办函〔2020〕109号 第四条: by item, per requester per calendar month: 1–10 free, 11–30 at 100 元 each,
# from 31 each further band of 10 costs 100 元 more each.
def by_items(n: int) -> Fee:
    """The fee for a requester's first n requests (items) in one calendar month."""
    _check(n, "items")
    return _sum(n, _item_bands(n), _("件"))


# 国办函〔2020〕109号 第五条: by volume: pages 1–30 free, 31–100 at 10 元, 101–200 at 20 元, 201 and up at 40 元.
def by_pages(n: int) -> Fee:
    """The fee for providing n pages for one request."""
    _check(n, "pages")
    return _sum(n, iter([(1, 30, 0), (31, 100, 10), (101, 200, 20), (201, None, 40)]), _("页"))


def _sum(n: int, bands, unit: str) -> Fee:
    total, lines = 0, []
    for first, last, price in bands:
        if first > n:
            break
        upto = n if last is None else min(n, last)
        count = upto - first + 1
        subtotal = count * price
        total += subtotal
        span = f"{first}—{upto}" if upto != first else f"{first}"
        if price:
            lines.append(
                _("第%(span)s%(unit)s:%(c)d%(unit)s × %(p)d元 = %(s)d元")
                % {"span": span, "unit": unit, "c": count, "p": price, "s": subtotal}
            )
        else:
            lines.append(
                _("第%(span)s%(unit)s:%(c)d%(unit)s,不收费") % {"span": span, "unit": unit, "c": count}
            )
    if n == 0:
        lines.append(_("0%(unit)s,不收费") % {"unit": unit})
    lines.append(_("合计:%(t)d元(国办函〔2020〕109号,超额累进计算)") % {"t": total})
    return Fee(total, tuple(lines))


def for_nth_item(n: int) -> int:
    """What the n-th request of a requester in a calendar month costs on its own (by item)."""
    if n < 1:
        raise ValidationFailed(_("件数从1开始"), field="items")
    return by_items(n).amount - by_items(n - 1).amount
