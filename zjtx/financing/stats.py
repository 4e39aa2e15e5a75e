"""Figures for the bureau: demands, take-up, service and amounts per bank, unit or month.

Amounts are Decimal 元 in the data and 万元 (two decimals, as strings) in what is returned.
Working days to take-up and to credit count from the consent on the official calendar.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from statistics import median
from typing import Any

from zjtx.core.money import yuan_to_wan
from zjtx.core.workdays import working_days_between

from .selectors import engagement_list_for, takeup_working_days

STATS_GROUPS = ("bank", "unit", "month")
ZERO = Decimal(0)


def _key(e: Any, group_by: str) -> tuple[str, str]:
    if group_by == "bank":
        return str(e.institution_id), e.institution.name
    if group_by == "unit":
        unit = e.demand.enterprise.unit
        return str(unit.pk if unit else ""), unit.name if unit else "—"
    month = e.demand.published_at.date().strftime("%Y-%m")
    return month, month


def _rate(part: int, whole: int) -> str | None:
    if not whole:
        return None
    return str((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1")))


def _median(values: list[int]) -> str | None:
    return None if not values else str(Decimal(str(median(values))).quantize(Decimal("0.1")))


def financing_stats(
    *, user: Any, start: date | None, end: date | None, group_by: str
) -> dict[str, Any]:
    """Per group: demands, taken up, served, 万元 granted and disbursed, rates and medians."""
    qs = engagement_list_for(user=user).select_related("demand__enterprise__unit")
    if start:
        qs = qs.filter(demand__published_at__date__gte=start)
    if end:
        qs = qs.filter(demand__published_at__date__lte=end)
    groups: dict[tuple[str, str], dict[str, Any]] = defaultdict(
        lambda: {
            "demands": set(),
            "taken_up": 0,
            "served": 0,
            "granted": ZERO,
            "disbursed": ZERO,
            "to_take_up": [],
            "to_credit": [],
            "late": 0,
        }
    )
    clock = takeup_working_days()
    for e in qs:
        g = groups[_key(e, group_by)]
        g["demands"].add(e.demand_id)
        if e.taken_up_on:
            g["taken_up"] += 1
            days = working_days_between(e.consented_on + timedelta(days=1), e.taken_up_on)
            g["to_take_up"].append(days)
            g["late"] += int(days > clock)
        if e.granted_yuan is not None:
            g["served"] += 1
            g["granted"] += e.granted_yuan
            if e.granted_on:
                g["to_credit"].append(
                    working_days_between(e.consented_on + timedelta(days=1), e.granted_on)
                )
        if e.disbursed_yuan is not None:
            g["disbursed"] += e.disbursed_yuan
    rows = []
    for (key, label), g in sorted(groups.items()):
        n = len(g["demands"])
        rows.append(
            {
                "key": key,
                "label": label,
                "demands": n,
                "taken_up": g["taken_up"],
                "served": g["served"],
                "granted_wan": str(yuan_to_wan(g["granted"])),
                "disbursed_wan": str(yuan_to_wan(g["disbursed"])),
                "take_up_rate_pct": _rate(g["taken_up"], n),
                "service_rate_pct": _rate(g["served"], n),
                "median_days_to_take_up": _median(g["to_take_up"]),
                "median_days_to_credit": _median(g["to_credit"]),
                "take_ups_after_clock": g["late"],
            }
        )
    return {
        "group_by": group_by,
        "from": start.isoformat() if start else None,
        "to": end.isoformat() if end else None,
        "takeup_clock_working_days": clock,
        "unit": "万元",
        "rows": rows,
    }
