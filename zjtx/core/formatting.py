"""How numbers read on pages and in exports (DOMAIN.md §9, issue 10): one module for both.

- Amounts: Decimal 元 inside, 万元 with thousands separators and two decimals outside.
- Percentages: at most two decimals ("36.82%"), whatever precision the calculation kept.
- Headcounts and counts: integers with separators ("1,208"), never "28.00".
- A value compared with a threshold keeps enough decimals that the comparison reads true:
  9,999,999.99 元 against 1,000 万元 reads "999.999999万元", never "1,000.00万元达到1,000.00万元".
- Programme ids (miit2026.zjtx_sme) are shown as their Chinese titles only.

Template filters in zjtx/core/templatetags/zjtx.py and the xlsx writer in zjtx/core/xlsx.py
use these functions.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from .money import WAN, format_wan

__all__ = [
    "format_wan",
    "headcount",
    "number",
    "percent",
    "program_title",
    "wan_against",
    "wan_decimal",
]


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    if not number.is_finite():
        return None
    return number


def wan_decimal(value: Any, places: int = 2) -> Decimal | None:
    """元 -> 万元 as a Decimal rounded half up (for numeric spreadsheet cells)."""
    number = _decimal(value)
    if number is None:
        return None
    return (number / WAN).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def number(value: Any, places: int = 2) -> str:
    """A grouped number with `places` decimals; '—' when unknown."""
    n = _decimal(value)
    if n is None:
        return "—"
    q = n.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{q:,.{places}f}"


def percent(value: Any, places: int = 2, *, ratio: bool = False) -> str:
    """'36.82%': `value` in percent, or a ratio (0.3682) with ratio=True; at most `places`
    decimals, trailing zeros kept to the given places; '—' when unknown."""
    n = _decimal(value)
    if n is None:
        return "—"
    if ratio:
        n = n * 100
    return f"{number(n, places)}%"


def headcount(value: Any) -> str:
    """People and counts as integers with separators: 28.00 -> '28'."""
    n = _decimal(value)
    if n is None:
        return "—"
    return f"{n.quantize(Decimal(1), rounding=ROUND_HALF_UP):,.0f}"


def wan_against(value: Any, threshold: Any) -> tuple[str, str]:
    """Both amounts (元) in 万元, with as many decimals (2 up to 6, one fen) as it takes for
    the shown figures to compare the way the amounts do."""
    a, b = _decimal(value), _decimal(threshold)
    if a is None or b is None:
        return format_wan(a), format_wan(b)
    for places in range(2, 7):
        shown_a, shown_b = wan_decimal(a, places), wan_decimal(b, places)
        if (shown_a == shown_b) == (a == b) and (shown_a < shown_b) == (a < b):  # type: ignore[operator]
            return format_wan(a, places), format_wan(b, places)
    return format_wan(a, 6), format_wan(b, 6)


def program_title(program_id: Any) -> str:
    """The Chinese title of a policy programme, or '—'; the id itself is never shown."""
    if not program_id:
        return "—"
    from zjtx.policy.models import PolicyProgram

    title = PolicyProgram.objects.filter(pk=str(program_id)).values_list("title", flat=True).first()
    return str(title) if title else "—"


def figure(value: Any, places: int = 2, most: int = 6, *, grouping: bool = True) -> str:
    """A figure compared with a threshold in an explanation: `places` decimals, unless rounding
    would make a value that is not round look round (1,999.999999 as "2,000.00", contradicting
    "不足2,000"): then as many decimals (up to `most`, cut, never rounded up) as show it is not."""
    n = _decimal(value)
    if n is None:
        return "—"
    sep = "," if grouping else ""
    rounded = n.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if rounded != n and rounded == rounded.to_integral_value():
        for more in range(places + 1, most + 1):
            cut = n.quantize(Decimal(1).scaleb(-more), rounding=ROUND_DOWN)
            if cut != cut.quantize(Decimal(1).scaleb(-(more - 1)), rounding=ROUND_DOWN):
                return f"{cut:{sep}.{more}f}"
        return f"{n.quantize(Decimal(1).scaleb(-most), rounding=ROUND_DOWN):{sep}.{most}f}"
    return f"{rounded:{sep}.{places}f}"
