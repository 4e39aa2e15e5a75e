"""Fact types and the strict conversion of input values into engine values.

Input may come from JSON (integers, strings, booleans) or from YAML/Python (Decimal, date).
A binary float is refused for a fact: numbers with a fraction travel as decimal strings
("12.5"), as in the enterprise API. ``None`` means "not known" and is never a zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

FACT_TYPES = ("decimal_yuan", "int", "bool", "enum", "date", "year", "percent", "decimal")
DEFAULT_UNITS = {"decimal_yuan": "元", "percent": "%", "year": "年"}
# Bounds on a numeric fact, so that any rule's arithmetic stays far inside Decimal's range.
MAX_NUMBER = Decimal(10) ** 18
MAX_PLACES = 12
# A numeric fact's text is at most this long (refused before it is parsed).
MAX_NUMBER_TEXT = 100


class FactError(Exception):
    """A fact value has the wrong type or is out of range. `code` is stable, `detail` English."""

    def __init__(self, name: str, code: str, detail: str) -> None:
        super().__init__(f"{name}: {detail}")
        self.name = name
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class FactSpec:
    name: str
    type: str
    description: str
    unit: str = ""
    values: dict[str, str] = field(default_factory=dict)  # enum value -> Chinese label
    signed: bool = False  # amounts may be negative (e.g. net profit)
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "type": self.type,
            "unit": self.unit,
            "description": self.description,
        }
        if self.type == "enum":
            data["values"] = [{"value": k, "label": v} for k, v in self.values.items()]
        if self.signed:
            data["signed"] = True
        if self.note:
            data["note"] = self.note
        return data


def to_decimal(raw: Any) -> Decimal:
    """Decimal from int/str/Decimal/float (floats via their shortest repr); raises ValueError."""
    if isinstance(raw, bool):
        raise ValueError("bool")
    if isinstance(raw, Decimal):
        number = raw
    elif isinstance(raw, int):
        number = Decimal(raw)
    elif isinstance(raw, float):
        number = Decimal(repr(raw))
    elif isinstance(raw, str):
        if len(raw) > MAX_NUMBER_TEXT:
            raise ValueError("too long")
        try:
            number = Decimal(raw.strip().replace(",", ""))
        except InvalidOperation as exc:
            raise ValueError(raw) from exc
    else:
        raise ValueError(repr(raw))
    if not number.is_finite():
        raise ValueError("not finite")
    return number


def coerce_fact(spec: FactSpec, raw: Any) -> Any:
    """The engine value for `raw`, or FactError. `None` must be handled by the caller."""
    name, kind = spec.name, spec.type
    if kind == "bool":
        if not isinstance(raw, bool):
            raise FactError(name, "expected_bool", "expected true or false")
        return raw
    if kind == "enum":
        if not isinstance(raw, str) or raw not in spec.values:
            raise FactError(
                name, "bad_choice", "expected one of: " + ", ".join(sorted(spec.values))
            )
        return raw
    if kind == "date":
        if isinstance(raw, date):
            return raw
        try:
            return date.fromisoformat(str(raw))
        except ValueError as exc:
            raise FactError(name, "expected_date", "expected a date YYYY-MM-DD") from exc
    if isinstance(raw, float):
        # A binary float has already lost exactness; amounts travel as strings or integers.
        raise FactError(name, "float_not_allowed", "send a decimal string or an integer")
    try:
        number = to_decimal(raw)
    except ValueError as exc:
        raise FactError(name, "expected_number", "expected a number") from exc
    if abs(number) >= MAX_NUMBER:
        raise FactError(name, "out_of_range", "the number is out of range")
    if number and number.normalize().as_tuple().exponent < -MAX_PLACES:  # type: ignore[operator]
        raise FactError(name, "too_precise", f"at most {MAX_PLACES} decimal places")
    if kind in ("int", "year"):
        if number != number.to_integral_value():
            raise FactError(name, "expected_integer", "expected a whole number")
        number = number.quantize(Decimal(1))
        if kind == "year" and not 1900 <= number <= 2200:
            raise FactError(name, "bad_year", "expected a year such as 2025")
    if kind == "decimal_yuan" and number.as_tuple().exponent < -2:  # type: ignore[operator]
        raise FactError(name, "too_many_decimals", "amounts in yuan have at most 2 decimals")
    if kind in ("decimal_yuan", "int", "decimal") and number < 0 and not spec.signed:
        raise FactError(name, "negative", "must not be negative")
    return number
