"""Monitoring reads, every one scoped to the caller's jurisdiction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from zjtx.accounts.models import Role
from zjtx.accounts.scoping import scope_enterprise_qs
from zjtx.enterprises.models import Enterprise
from zjtx.reference.models import AssessmentUnit

from .errors import MonitoringNotFound
from .imports.rows import EnterpriseRef
from .models import (
    ImportRun,
    Indicator,
    MonitoringValue,
    MonitoringWarning,
    MonthlyRollup,
    ReportingPeriod,
    UnitPeriodConfirmation,
    UnitPeriodStat,
)

CHUNK = 500


def indicators_active() -> list[Indicator]:
    return list(Indicator.objects.filter(active=True).order_by("sort_order", "id"))


def enterprise_list_for_template(user: Any) -> list[tuple[str, str]]:
    """(credit code, name) of the enterprises the user reports for, by unit then name."""
    qs = scope_enterprise_qs(Enterprise.objects.all(), user)
    return list(
        qs.order_by("unit__sort_order", "unit_id", "name").values_list("credit_code", "name")
    )


def enterprise_index(user: Any) -> dict[str, EnterpriseRef]:
    """credit code → (id, unit) for every enterprise in the user's scope (one query)."""
    qs = scope_enterprise_qs(Enterprise.objects.all(), user)
    return {
        code: EnterpriseRef(pk, unit_id)
        for code, pk, unit_id in qs.values_list("credit_code", "id", "unit_id").iterator(5000)
    }


def enterprises_outside_scope(user: Any, codes: Iterable[str]) -> set[str]:
    """Which of these codes are registered at all (the caller knows they are out of scope)."""
    wanted = sorted(set(codes))
    found: set[str] = set()
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        found.update(
            Enterprise.objects.filter(credit_code__in=chunk).values_list("credit_code", flat=True)
        )
    return found


def import_run_list_for(user: Any) -> QuerySet[ImportRun]:
    qs = ImportRun.objects.select_related("uploader", "period", "uploader_unit")
    if user.has_role(Role.CITY_OFFICER):
        return qs
    if user.has_role(Role.UNIT_OFFICER):
        return qs.filter(uploader_unit_id=user.unit_id)
    return qs.none()


def import_run_get(*, pk: int, user: Any) -> ImportRun:
    run = import_run_list_for(user).filter(pk=pk).first()
    if run is None:
        raise MonitoringNotFound("not_found", _("Not found."))
    return run


def period_list() -> QuerySet[ReportingPeriod]:
    return ReportingPeriod.objects.select_related("locked_by").order_by("-code")


def period_get(*, code: str) -> ReportingPeriod:
    period = ReportingPeriod.objects.filter(code=code).first()
    if period is None:
        raise MonitoringNotFound("not_found", _("Not found."))
    return period


@dataclass(frozen=True)
class StoredValue:
    indicator: Indicator
    value: Decimal | None
    text: str
    updated_at: datetime
    import_run_id: int | None

    @property
    def display(self) -> Decimal | str | None:
        """In the template unit (万元 for money), as the officer entered it."""
        if self.indicator.is_text:
            return self.text
        if self.value is None:
            return None
        return self.value / self.indicator.factor


def values_for(
    *, user: Any, period_code: str, credit_code: str
) -> tuple[Enterprise, list[StoredValue]]:
    """The stored values of one enterprise for one period; 404 outside the user's scope."""
    from zjtx.core.credit_code import normalize

    enterprise = (
        scope_enterprise_qs(Enterprise.objects.all(), user)
        .filter(credit_code=normalize(credit_code))
        .first()
    )
    if enterprise is None:
        raise MonitoringNotFound("not_found", _("Not found."))
    indicators = {i.pk: i for i in Indicator.objects.all()}
    rows = MonitoringValue.objects.filter(
        enterprise=enterprise, period__code=period_code
    ).values_list("indicator_id", "value", "text_value", "updated_at", "import_run_id")
    values = [StoredValue(indicators[i], v, t, at, run) for i, v, t, at, run in rows]
    values.sort(key=lambda s: (s.indicator.sort_order, s.indicator.pk))
    return enterprise, values


@dataclass(frozen=True)
class UnitRate:
    unit: AssessmentUnit
    expected: int
    reported: int
    confirmed: UnitPeriodConfirmation | None
    last_upload: datetime | None
    on_time: bool | None

    @property
    def missing(self) -> int:
        return self.expected - self.reported

    @property
    def rate(self) -> float:
        return 100.0 * self.reported / self.expected if self.expected else 0.0


def reporting_rates(*, user: Any, period: ReportingPeriod) -> list[UnitRate]:
    """Reported / expected enterprises per unit, with confirmation and timeliness."""
    units = AssessmentUnit.objects.order_by("sort_order", "code")
    if not user.has_role(Role.CITY_OFFICER):
        units = units.filter(pk=user.unit_id) if user.has_role(Role.UNIT_OFFICER) else units.none()
    expected = dict(
        Enterprise.objects.filter(status=Enterprise.Status.VERIFIED)
        .values_list("unit_id")
        .annotate(n=Count("id"))
        .values_list("unit_id", "n")
    )
    reported = dict(
        UnitPeriodStat.objects.filter(period=period).values_list("unit_id", "enterprises_reported")
    )
    confirmations = {c.unit_id: c for c in UnitPeriodConfirmation.objects.filter(period=period)}
    last: dict[int | None, datetime] = dict(
        ImportRun.objects.filter(period=period, status=ImportRun.Status.COMMITTED)
        .values_list("uploader_unit_id")
        .annotate(at=Max("created_at"))
        .values_list("uploader_unit_id", "at")
    )
    city_last = last.get(None)
    result = []
    for unit in units:
        at = last.get(unit.pk) or city_last
        on_time = None if at is None else at.date() <= period.due_date
        result.append(
            UnitRate(
                unit,
                expected.get(unit.pk, 0),
                reported.get(unit.pk, 0),
                confirmations.get(unit.pk),
                at,
                on_time,
            )
        )
    return result


def enterprises_not_reported(
    *, user: Any, period: ReportingPeriod, unit_id: int
) -> QuerySet[Enterprise]:
    """Who in the unit has no value for the period (for reminders)."""
    reported_ids = MonitoringValue.objects.filter(period=period).values("enterprise_id")
    qs = scope_enterprise_qs(Enterprise.objects.all(), user).filter(
        Q(unit_id=unit_id) & Q(status=Enterprise.Status.VERIFIED)
    )
    return qs.exclude(pk__in=reported_ids).order_by("name")


DASHBOARD_INDICATORS = ("operating_revenue", "total_profit", "taxes", "electricity")


def dashboard_data(*, user: Any, period: ReportingPeriod | None) -> dict[str, Any]:
    """Chart series from the roll-up tables only (never the raw values), in display units."""
    units = list(AssessmentUnit.objects.order_by("sort_order", "code"))
    if not user.has_role(Role.CITY_OFFICER):
        units = [u for u in units if user.has_role(Role.UNIT_OFFICER) and u.pk == user.unit_id]
    unit_ids = [u.pk for u in units]
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=DASHBOARD_INDICATORS)}
    periods = list(ReportingPeriod.objects.order_by("-code")[:13])[::-1]
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
    rates: list[dict[str, Any]] = []
    if period is not None:
        revenue = indicators.get("operating_revenue")
        totals = dict(
            MonthlyRollup.objects.filter(
                period=period, unit_id__in=unit_ids, indicator__code="operating_revenue"
            ).values_list("unit_id", "total")
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
    return {
        "periods": [p.code for p in periods],
        "trend": trend,
        "by_unit": by_unit,
        "rates": rates,
    }


def _display(total: Decimal | None, indicator: Indicator) -> float | None:
    if total is None:
        return None
    return round(float(total / indicator.factor), 2)


def warning_list_for(
    user: Any, *, period: ReportingPeriod | None = None, level: str = "", status: str = ""
) -> QuerySet[MonitoringWarning]:
    """Warnings in the user's jurisdiction: the city all, a unit its own, a firm its own."""
    qs = scope_enterprise_qs(
        MonitoringWarning.objects.select_related(
            "enterprise", "unit", "period", "rule", "closed_by"
        ),
        user,
        via="enterprise__",
    )
    if not user.has_role(Role.CITY_OFFICER, Role.UNIT_OFFICER, Role.ENTERPRISE):
        return qs.none()
    if period is not None:
        qs = qs.filter(period=period)
    if level:
        qs = qs.filter(level=level)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-period__code", "status", "-level", "enterprise__name")


def warning_get(*, pk: int, user: Any) -> MonitoringWarning:
    warning = warning_list_for(user).filter(pk=pk).first()
    if warning is None:
        raise MonitoringNotFound("not_found", _("Not found."))
    return warning


def previous_months(year: int, month: int, count: int) -> list[str]:
    codes = []
    for _i in range(count):
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        codes.append(f"{year:04d}-{month:02d}")
    return codes


@dataclass
class ReportLine:
    indicator: Indicator
    value: Decimal | None  # display unit
    text: str
    last_year: Decimal | None
    ytd: Decimal | None
    ytd_last_year: Decimal | None
    history: list[Decimal]
    raw: str = ""
    error: str = ""
    flag: str = ""

    @property
    def yoy(self) -> Decimal | None:
        return _growth(self.value, self.last_year)

    @property
    def ytd_yoy(self) -> Decimal | None:
        return _growth(self.ytd, self.ytd_last_year)


def _growth(now: Decimal | None, before: Decimal | None) -> Decimal | None:
    if now is None or before is None or before == 0:
        return None
    return ((now - before) / abs(before) * 100).quantize(Decimal("0.1"))


def enterprise_report(*, enterprise: Enterprise, year: int, month: int) -> list[ReportLine]:
    """The form lines: stored value, YTD (1–N月累计), same month last year and history."""
    indicators = indicators_active()
    this_year = [f"{year:04d}-{m:02d}" for m in range(1, month + 1)]
    last_year = [f"{year - 1:04d}-{m:02d}" for m in range(1, month + 1)]
    history_codes = previous_months(year, month, 12)
    codes = set(this_year) | set(last_year) | set(history_codes)
    rows = MonitoringValue.objects.filter(
        enterprise=enterprise, period__code__in=codes
    ).values_list("period__code", "indicator_id", "value", "text_value")
    stored: dict[tuple[str, int], tuple[Decimal | None, str]] = {
        (p, i): (v, t) for p, i, v, t in rows
    }
    current = f"{year:04d}-{month:02d}"
    lines = []
    for ind in indicators:

        def shown(code: str, ind: Indicator = ind) -> Decimal | None:
            found = stored.get((code, ind.pk))
            if found is None or found[0] is None:
                return None
            return (found[0] / ind.factor).quantize(Decimal(1).scaleb(-ind.decimal_places))

        value = shown(current)
        text = stored.get((current, ind.pk), (None, ""))[1]
        ytd = ytd_last = None
        if ind.accumulation == Indicator.Accumulation.CURRENT_MONTH and not ind.is_text:
            ytd = _sum([shown(c) for c in this_year])
            ytd_last = _sum([shown(c) for c in last_year])
        elif ind.accumulation == Indicator.Accumulation.YEAR_TO_DATE:
            ytd, ytd_last = value, shown(last_year[-1])
        history = [v for v in (shown(c) for c in reversed(history_codes)) if v is not None]
        lines.append(ReportLine(ind, value, text, shown(last_year[-1]), ytd, ytd_last, history))
    return lines


def _sum(values: list[Decimal | None]) -> Decimal | None:
    present = [v for v in values if v is not None]
    return sum(present, Decimal(0)) if present else None
