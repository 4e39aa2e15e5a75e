"""Money is Decimal 元 inside, 万元 with two decimals outside (DOMAIN.md §9).

Every amount the platform accepts passes `parse_yuan` (the API's `MoneyYuan` type and the forms'
`WanAmountField` both use it): finite, at most two decimals, at most `MAX_YUAN`. The maximum keeps
15 significant digits so that SQLite, which stores a NUMERIC column as a binary REAL keeping 15
digits, gives back exactly what PostgreSQL's numeric(18, 2) does.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Annotated, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import BeforeValidator, PlainSerializer

from .errors import ErrorCode

WAN = Decimal(10000)
FEN = Decimal("0.01")
MAX_YUAN = Decimal("9999999999999.99")
MAX_WAN = MAX_YUAN / WAN


class MoneyError(ValueError):
    """An amount that cannot be stored; `code` is stable, the message Chinese."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _limit_message() -> str:
    return _("Enter an amount of at most %(max)s 10k yuan with at most two decimals in yuan.") % {
        "max": f"{MAX_WAN:,.2f}"
    }


def to_exact_decimal(value: Any) -> Decimal:
    """A Decimal from a decimal string, an integer or a Decimal; floats and bools are refused."""
    if isinstance(value, bool) or isinstance(value, float):
        raise MoneyError(
            ErrorCode.INVALID_AMOUNT, _("Send amounts as a decimal string or an integer.")
        )
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except (InvalidOperation, ValueError) as exc:
            raise MoneyError(ErrorCode.INVALID_AMOUNT, _("Enter a number.")) from exc
    else:
        raise MoneyError(ErrorCode.INVALID_AMOUNT, _("Enter a number."))
    if not number.is_finite():
        raise MoneyError(ErrorCode.INVALID_AMOUNT, _("Enter a finite number."))
    return number


def parse_yuan(value: Any, *, allow_negative: bool = False) -> Decimal:
    """An amount in 元 that fits every money column exactly, or MoneyError."""
    number = to_exact_decimal(value)
    if abs(number) > MAX_YUAN:
        raise MoneyError(ErrorCode.AMOUNT_TOO_LARGE, _limit_message())
    if number != number.quantize(FEN):
        raise MoneyError(ErrorCode.INVALID_AMOUNT, _("Amounts in yuan have at most two decimals."))
    if number < 0 and not allow_negative:
        raise MoneyError(ErrorCode.NEGATIVE_AMOUNT, _("The amount cannot be negative."))
    return number


def _pydantic_yuan(allow_negative: bool) -> Any:
    def check(value: Any) -> Decimal:
        try:
            return parse_yuan(value, allow_negative=allow_negative)
        except MoneyError as exc:
            raise ValueError(exc.message) from exc

    return check


_AS_TEXT = PlainSerializer(lambda v: format(v, "f"), return_type=str, when_used="json")
# API input types: a decimal string or an integer in 元, checked by parse_yuan.
MoneyYuan = Annotated[Decimal, BeforeValidator(_pydantic_yuan(False)), _AS_TEXT]
SignedMoneyYuan = Annotated[Decimal, BeforeValidator(_pydantic_yuan(True)), _AS_TEXT]


class WanAmountField(forms.DecimalField):
    """An amount typed in 万元 (up to 6 decimals, so a yuan figure survives exactly), at most
    MAX_WAN; `clean` gives 万元, `to_yuan` the checked amount in 元."""

    def __init__(self, *, allow_negative: bool = False, **kwargs: Any) -> None:
        self.allow_negative = allow_negative
        kwargs.setdefault("max_digits", 15)
        kwargs.setdefault("decimal_places", 6)
        if not allow_negative:
            kwargs.setdefault("min_value", 0)
        messages = {
            "invalid": gettext_lazy("Enter a number in ten-thousand yuan."),
            "max_decimal_places": gettext_lazy("At most 6 decimal places (one fen is 0.000001)."),
            "max_digits": gettext_lazy("The amount is too large."),
            "max_whole_digits": gettext_lazy("The amount is too large."),
            "min_value": gettext_lazy("The amount cannot be negative."),
        }
        messages.update(kwargs.pop("error_messages", {}) or {})
        super().__init__(error_messages=messages, **kwargs)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value in self.empty_values:
            return
        if not value.is_finite() or abs(value) > MAX_WAN:
            raise ValidationError(_limit_message(), code="amount_too_large")
        try:
            parse_yuan(wan_to_yuan(value), allow_negative=self.allow_negative)
        except (MoneyError, ValueError) as exc:
            raise ValidationError(_limit_message(), code="amount_too_large") from exc


def yuan_to_wan(value: Decimal | int | None, places: int = 2) -> Decimal | None:
    if value is None:
        return None
    q = Decimal(1).scaleb(-places)
    return (Decimal(value) / WAN).quantize(q, rounding=ROUND_HALF_UP)


def wan_to_yuan(value: Decimal | str | int | None) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return (Decimal(str(value)) * WAN).quantize(FEN, rounding=ROUND_HALF_UP)
    except ArithmeticError as exc:  # InvalidOperation, Overflow
        raise ValueError(value) from exc


def format_wan(value: Decimal | int | None, places: int = 2) -> str:
    """1234567 元 -> '123.46' (万元), grouped with commas; '—' for unknown or unreadable."""
    if value is None:
        return "—"
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return "—"
    if not number.is_finite() or number.adjusted() > 30:
        return "—"
    try:
        wan = yuan_to_wan(number, places)
    except InvalidOperation:
        # Too many digits to round in the default context: show it unrounded, never fail.
        return f"{number / WAN:,.{places}f}"
    return f"{wan:,.{places}f}"
