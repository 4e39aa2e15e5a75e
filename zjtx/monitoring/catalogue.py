"""The default indicator catalogue: the monthly indicators of DOMAIN.md §8.

Names and units are data (Chinese allowed): they are the column headers of the bureau's
template. Ranges are in the template unit and catch slips such as 元 typed into a 万元 column.
The rows are data, in data/indicators.yaml; DEFAULT_INDICATORS and PERIODIC_INDICATORS hold
them as read.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

DATA_FILE = Path(__file__).resolve().parent / "data" / "indicators.yaml"

Monthly = tuple[str, str, str, str, str, int, Decimal | None, Decimal | None]
Periodic = tuple[str, str, str, str, str, str, int, Decimal | None, Decimal | None]


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def indicators_read(path: Path = DATA_FILE) -> tuple[list[Monthly], list[Periodic]]:
    """The built-in catalogue from its data file: the monthly rows and the quarterly/annual rows."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    monthly: list[Monthly] = [
        (r["code"], r["name"], r["unit"], r["kind"], r["accumulation"], r["decimal_places"],
         _decimal(r["min"]), _decimal(r["max"]))
        for r in data["monthly"]
    ]  # fmt: skip
    periodic: list[Periodic] = [
        (r["code"], r["name"], r["unit"], r["kind"], r["frequency"], r["accumulation"],
         r["decimal_places"], _decimal(r["min"]), _decimal(r["max"]))
        for r in data["periodic"]
    ]  # fmt: skip
    return monthly, periodic


# The monthly form: code, name, unit, kind, accumulation, decimal_places, min, max.
# The quarterly (季报) and annual (年报) forms (DOMAIN.md §8 "quarterly and annual reports exist
# as well"), figures the monthly form does not carry: code, name, unit, kind, frequency,
# accumulation, decimal_places, min, max.
DEFAULT_INDICATORS, PERIODIC_INDICATORS = indicators_read()


def load_default_indicators(indicator_model: Any) -> tuple[int, int]:
    """Create missing catalogue rows; never overwrite what the city officer changed."""
    created = existing = 0
    for order, (code, name, unit, kind, accumulation, places, low, high) in enumerate(
        DEFAULT_INDICATORS, start=1
    ):
        _obj, was_created = indicator_model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "unit": unit,
                "kind": kind,
                "frequency": "monthly",
                "accumulation": accumulation,
                "decimal_places": places,
                "min_value": low,
                "max_value": high,
                "sort_order": order * 10,
                "active": True,
            },
        )
        if was_created:
            created += 1
        else:
            existing += 1
    return created, existing


def load_periodic_indicators(indicator_model: Any) -> int:
    """Create the quarterly and annual catalogue rows that are missing; never overwrite."""
    created = 0
    for order, (code, name, unit, kind, frequency, accumulation, places, low, high) in enumerate(
        PERIODIC_INDICATORS, start=1
    ):
        if indicator_model.objects.filter(name=name).exclude(code=code).exists():
            continue  # the city already uses this name for an indicator of its own
        _obj, was_created = indicator_model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "unit": unit,
                "kind": kind,
                "frequency": frequency,
                "accumulation": accumulation,
                "decimal_places": places,
                "min_value": low,
                "max_value": high,
                "sort_order": 500 + order * 10,
                "active": True,
            },
        )
        created += int(was_created)
    return created
