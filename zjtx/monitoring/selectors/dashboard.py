"""The city dashboard's figures."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from zjtx.accounts.scoping import scope_unit_qs
from zjtx.reference.models import AssessmentUnit

from ..models import Indicator, Level, MonitoringWarning, MonthlyRollup, ReportingPeriod
from .reporting import reporting_rates

if TYPE_CHECKING:
    from zjtx.accounts.models import User


DASHBOARD_INDICATORS = ("operating_revenue", "total_profit", "taxes", "electricity")


def dashboard_data(*, user: User, period: ReportingPeriod | None) -> dict[str, Any]:
    """Chart series from the roll-up tables only (never the raw values), in display units."""
    units = list(scope_unit_qs(AssessmentUnit.objects.order_by("sort_order", "code"), user, "pk"))
    unit_ids = [u.pk for u in units]
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=DASHBOARD_INDICATORS)}
    periods = list(
        ReportingPeriod.objects.filter(frequency=Indicator.Frequency.MONTHLY).order_by(
            "-year", "-month"
        )[:13]
    )[::-1]
    sums = (
        MonthlyRollup.objects.filter(
            period__in=periods, unit_id__in=unit_ids, indicator__code__in=DASHBOARD_INDICATORS
        )
        .values_list("period__code", "indicator__code")
        .annotate(total=Sum("total"))
    )
    by_key = {(p, c): t for p, c, t in sums}
    trend = []
    for code in DASHBOARD_INDICATORS:
        indicator = indicators.get(code)
        if indicator is None:
            continue
        trend.append(
            {
                "name": indicator.header,
                "unit": indicator.unit,
                "axis": 0 if indicator.is_money else 1,  # 万元 left, physical units right
                "data": [_display(by_key.get((p.code, code)), indicator) for p in periods],
            }
        )
    by_unit: list[dict[str, Any]] = []
    by_industry: list[dict[str, Any]] = []
    rates: list[dict[str, Any]] = []
    if period is not None:
        revenue = indicators.get("operating_revenue")
        revenue_rows = MonthlyRollup.objects.filter(
            period=period, unit_id__in=unit_ids, indicator__code="operating_revenue"
        )
        totals = dict(
            revenue_rows.values("unit_id").annotate(t=Sum("total")).values_list("unit_id", "t")
        )
        by_industry = _by_industry(
            revenue_rows.values("industry_division")
            .annotate(t=Sum("total"))
            .values_list("industry_division", "t"),
            revenue,
        )
        by_unit = [
            {"unit": u.name, "value": _display(totals.get(u.pk), revenue) if revenue else None}
            for u in units
        ]
        rates = [
            {
                "unit": r.unit.name,
                "rate": round(r.rate, 2),
                "reported": r.reported,
                "expected": r.expected,
            }
            for r in reporting_rates(user=user, period=period)
        ]
    warnings: list[dict[str, Any]] = []
    if period is not None:
        counts = {
            (u, lv): n
            for u, lv, n in MonitoringWarning.objects.filter(period=period, unit_id__in=unit_ids)
            .values_list("unit_id", "level")
            .annotate(n=Count("id"))
        }
        warnings = [
            {
                "level": str(level),
                "name": str(label),
                "data": [counts.get((u.pk, level), 0) for u in units],
            }
            for level, label in reversed(Level.choices)
        ]
    return {
        "periods": [p.code for p in periods],
        "trend": trend,
        "by_unit": by_unit,
        "by_industry": by_industry,
        "rates": rates,
        "units": [u.name for u in units],
        "warnings": warnings,
    }


INDUSTRY_TOP = 10


def _by_industry(
    rows: Iterable[tuple[str, Decimal | None]], revenue: Indicator | None
) -> list[dict[str, Any]]:
    """Operating revenue by GB/T 4754 division (大类), the largest ten and the rest."""
    from zjtx.reference.models import IndustryCode

    if revenue is None:
        return []
    totals = sorted(
        ((code, total or Decimal(0)) for code, total in rows), key=lambda r: r[1], reverse=True
    )
    names = dict(
        IndustryCode.objects.filter(code__in=[c for c, _t in totals if c]).values_list(
            "code", "name"
        )
    )
    out = [
        {
            "code": code,
            "name": f"{code} {names.get(code, '')}".strip() if code else _("Industry not set"),
            "value": _display(total, revenue),
        }
        for code, total in totals[:INDUSTRY_TOP]
    ]
    rest = sum((t for _c, t in totals[INDUSTRY_TOP:]), Decimal(0))
    if len(totals) > INDUSTRY_TOP:
        out.append({"code": "", "name": _("Other industries"), "value": _display(rest, revenue)})
    return out


def _display(total: Decimal | None, indicator: Indicator) -> float | None:
    if total is None:
        return None
    return round(float(total / indicator.factor), 2)
