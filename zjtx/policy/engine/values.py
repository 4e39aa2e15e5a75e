"""Engine values: the Unknown marker for missing facts, and how values read in Chinese text."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any, TypeAlias


class ExpressionError(Exception):
    """A rule expression is malformed, or failed at run time. `code` is stable:
    `expression_invalid` at load, `arithmetic_error` (overflow, division by zero) and
    `evaluation_failed` (anything else) at run time."""

    def __init__(self, message: str, code: str = "expression_invalid") -> None:
        super().__init__(message)
        self.code = code


class Unknown:
    """A value that cannot be computed because facts are missing."""

    __slots__ = ("missing",)

    def __init__(self, missing: frozenset[str]) -> None:
        self.missing = missing

    def __repr__(self) -> str:
        return f"Unknown({sorted(self.missing)})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Unknown) and other.missing == self.missing

    def __hash__(self) -> int:
        return hash(self.missing)


Value: TypeAlias = Any
Env: TypeAlias = Mapping[str, Value]
Compiled: TypeAlias = Callable[[Env], Value]

FEN = Decimal("0.01")
WAN = Decimal(10000)
HUNDRED = Decimal(100)


def merge_unknown(*values: Value) -> Unknown | None:
    """The union of the missing names of the unknown values, or None when all are known."""
    found: Unknown | None = None
    names: set[str] | None = None
    for value in values:
        if value.__class__ is Unknown:
            if found is None:
                found = value
            elif value is not found and not value.missing <= found.missing:
                if names is None:
                    names = set(found.missing)
                names |= value.missing
    if names is not None:
        return Unknown(frozenset(names))
    return found


def _num(value: Value, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal):
        raise ExpressionError(f"{what}: expected a number, got {value!r}")
    return value


def _bool(value: Value, what: str) -> bool:
    if not isinstance(value, bool):
        raise ExpressionError(f"{what}: expected true/false, got {value!r}")
    return value


def format_decimal(value: Decimal, places: int | None = None, group: bool = False) -> str:
    """Plain positional notation (never scientific); optional fixed places and 1,234 grouping."""
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        return f"{value:,.{places}f}" if group else f"{value:.{places}f}"
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    if not group:
        return text
    whole, _, frac = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = f"{int(whole.lstrip('-') or '0'):,}"
    return sign + whole + ("." + frac if frac else "")


def _two_places(value: Decimal) -> Decimal:
    """A computed figure (a ratio kept to 28 places) shown with at most two decimals, unless
    rounding would make it look round (5.999 as 6) and so contradict a threshold: then cut to as
    many decimals (at most 6) as show that it is not."""
    exponent = value.as_tuple().exponent
    if not value.is_finite() or not isinstance(exponent, int) or exponent >= -2:
        return value
    rounded = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if rounded != rounded.to_integral_value():
        return rounded
    for more in range(3, 7):
        cut = value.quantize(Decimal(1).scaleb(-more), rounding=ROUND_DOWN)
        if cut != cut.quantize(Decimal(1).scaleb(-(more - 1)), rounding=ROUND_DOWN):
            return cut
    return rounded


def format_value(value: Value) -> str:
    """How a value is shown inside a Chinese explanation text."""
    if isinstance(value, Unknown):
        return "（未知）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return format_decimal(_two_places(value))
    if value is None:
        return "无"
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value)
