"""Money is Decimal 元 inside, 万元 with two decimals outside (DOMAIN.md §9)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

WAN = Decimal(10000)
FEN = Decimal("0.01")


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
    except InvalidOperation as exc:
        raise ValueError(value) from exc


def format_wan(value: Decimal | int | None, places: int = 2) -> str:
    """1234567 元 -> '123.46' (万元), grouped with commas; '—' for unknown."""
    wan = yuan_to_wan(value, places)
    if wan is None:
        return "—"
    return f"{wan:,.{places}f}"
