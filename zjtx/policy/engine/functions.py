"""The functions an expression may call. Each propagates Unknown unless it is listed as aware."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from .values import (
    HUNDRED,
    WAN,
    ExpressionError,
    Unknown,
    Value,
    _bool,
    _num,
    format_decimal,
    merge_unknown,
)


def _fn_min(*args: Value) -> Value:
    if not args:
        raise ExpressionError("min() needs arguments")
    unknown = merge_unknown(*args)
    if unknown:
        return unknown
    return min(_num(a, "min") for a in args)


def _fn_max(*args: Value) -> Value:
    if not args:
        raise ExpressionError("max() needs arguments")
    unknown = merge_unknown(*args)
    if unknown:
        return unknown
    return max(_num(a, "max") for a in args)


def _fn_abs(x: Value) -> Value:
    return merge_unknown(x) or abs(_num(x, "abs"))


def _fn_floor(x: Value) -> Value:
    return merge_unknown(x) or _num(x, "floor").to_integral_value(rounding=ROUND_FLOOR)


def _fn_round(x: Value, places: Value = Decimal(2)) -> Value:
    unknown = merge_unknown(x, places)
    if unknown:
        return unknown
    q = Decimal(1).scaleb(-int(_num(places, "round")))
    return _num(x, "round").quantize(q, rounding=ROUND_HALF_UP)


def _fn_count(*args: Value) -> Value:
    """How many of the arguments are true; unknown if any of them is unknown."""
    unknown = merge_unknown(*args)
    if unknown:
        return unknown
    return Decimal(sum(1 for a in args if _bool(a, "count")))


def _fn_pct(part: Value, whole: Value) -> Value:
    """part / whole in percent; a zero or negative whole gives 0 % (nothing to divide)."""
    unknown = merge_unknown(part, whole)
    if unknown:
        return unknown
    p, w = _num(part, "pct"), _num(whole, "pct")
    if w <= 0:
        return Decimal(0)
    return p * HUNDRED / w


def _fn_growth(current: Value, previous: Value) -> Value:
    """Growth of current over previous in percent; a zero or negative base gives 0 %."""
    unknown = merge_unknown(current, previous)
    if unknown:
        return unknown
    c, p = _num(current, "growth"), _num(previous, "growth")
    if p <= 0:
        return Decimal(0)
    return (c - p) * HUNDRED / p


def _fn_year(d: Value) -> Value:
    unknown = merge_unknown(d)
    if unknown:
        return unknown
    if not isinstance(d, date):
        raise ExpressionError(f"year(): expected a date, got {d!r}")
    return Decimal(d.year)


def shown(value: Decimal, places: int = 2, most: int = 6) -> str:
    """A figure for an explanation: `places` decimals with trailing zeros dropped, unless rounding
    would make a value that is not round look round (9,999,999.99 元 as "1,000万元", 5.999% as
    "6%"), which would contradict a threshold it is compared with: then as many decimals (up to
    `most`, cut, never rounded up) as show it is not."""
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if rounded != value and rounded == rounded.to_integral_value():
        for more in range(places + 1, most + 1):
            cut = value.quantize(Decimal(1).scaleb(-more), rounding=ROUND_DOWN)
            if cut != cut.quantize(Decimal(1).scaleb(-(more - 1))):
                return format_decimal(cut, group=True)
        return format_decimal(
            value.quantize(Decimal(1).scaleb(-most), rounding=ROUND_DOWN), group=True
        )
    return format_decimal(rounded, group=True)


def _fn_wan(x: Value) -> Value:
    """元 → '300万元' text for explanations (at most two decimals, see `shown`)."""
    if isinstance(x, Unknown):
        return "（未知）"
    return shown(_num(x, "wan") / WAN) + "万元"


def _fn_yuan(x: Value) -> Value:
    if isinstance(x, Unknown):
        return "（未知）"
    return format_decimal(_num(x, "yuan"), 2, group=True) + "元"


def _fn_percent(x: Value) -> Value:
    if isinstance(x, Unknown):
        return "（未知）"
    return shown(_num(x, "percent"), most=4) + "%"


def _fn_sqrt(x: Value) -> Value:
    number = _num(x, "sqrt")
    if number < 0:
        raise ExpressionError("sqrt() of a negative number")
    return number.sqrt()


def _fn_known(x: Value) -> Value:
    return not isinstance(x, Unknown)


FUNCTIONS: dict[str, Callable[..., Value]] = {
    "min": _fn_min,
    "max": _fn_max,
    "abs": _fn_abs,
    "floor": _fn_floor,
    "round": _fn_round,
    "count": _fn_count,
    "pct": _fn_pct,
    "growth": _fn_growth,
    "year": _fn_year,
    "wan": _fn_wan,
    "yuan": _fn_yuan,
    "percent": _fn_percent,
    "known": _fn_known,
    "sqrt": _fn_sqrt,
}
# Functions that see Unknown arguments themselves instead of short-circuiting.
_UNKNOWN_AWARE = frozenset({"wan", "yuan", "percent", "known", "min", "max", "count"})
