"""Monitoring reads, every one scoped to the caller's jurisdiction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from zjtx.accounts.models import Role
from zjtx.accounts.scoping import scope_enterprise_qs, scope_unit_qs
from zjtx.core.errors import DomainError
from zjtx.enterprises.models import Enterprise
from zjtx.reference.models import AssessmentUnit

from .errors import MonitoringNotFound
from .imports.rows import EnterpriseRef
from .models import (
    ImportRun,
    Indicator,
    Level,
    MonitoringValue,
    MonitoringWarning,
    MonthlyRollup,
    ReportingPeriod,
    UnitPeriodConfirmation,
    UnitPeriodStat,
)

CHUNK = 500


def indicators_active(frequency: str = Indicator.Frequency.MONTHLY) -> list[Indicator]:
    """The active indicators of one form (monthly, quarterly or annual), in template order."""
    return list(
        Indicator.objects.filter(active=True, frequency=frequency).order_by("sort_order", "id")
    )


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
    return scope_unit_qs(qs, user, "uploader_unit_id")


def import_run_get(*, pk: int, user: Any) -> ImportRun:
    run = import_run_list_for(user).filter(pk=pk).first()
    if run is None:
        raise MonitoringNotFound("not_found", _("Not found."))
    return run


def period_list(frequency: str | None = None) -> QuerySet[ReportingPeriod]:
    """Newest first; months, quarters and years of the same year-end side by side."""
    qs = ReportingPeriod.objects.select_related("locked_by")
    if frequency:
        qs = qs.filter(frequency=frequency)
    return qs.order_by("-year", "-month", "frequency")


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
    units = scope_unit_qs(AssessmentUnit.objects.order_by("sort_order", "code"), user, "pk")
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


def red_warning_enterprise_ids(*, enterprise_ids: Iterable[int]) -> set[int]:
    """Of `enterprise_ids`, those with an open red warning (unscoped: for bulk rule facts)."""
    return set(
        MonitoringWarning.objects.filter(
            enterprise_id__in=list(enterprise_ids),
            level=Level.RED,
            status=MonitoringWarning.Status.OPEN,
        ).values_list("enterprise_id", flat=True)
    )


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


def enterprise_report(*, user: Any, enterprise: Enterprise, ref: Any) -> list[ReportLine]:
    """The form lines of one period (a PeriodRef): stored value, year to date (1–N月累计, for
    monthly forms), the same period last year and the history of earlier periods.

    Only for an enterprise within `user`'s jurisdiction; anyone else gets 404.
    """
    if not scope_enterprise_qs(Enterprise.objects.filter(pk=enterprise.pk), user).exists():
        raise MonitoringNotFound("not_found", _("Not found."))
    indicators = indicators_active(ref.frequency)
    monthly = ref.frequency == Indicator.Frequency.MONTHLY
    months = range(1, ref.month + 1) if monthly else range(0)
    this_year = [f"{ref.year:04d}-{m:02d}" for m in months]
    last_year = [f"{ref.year - 1:04d}-{m:02d}" for m in months]
    current, same_last_year = ref.code, ref.years_back(1).code
    history_codes = [r.code for r in ref.earlier(12 if monthly else 8)]
    codes = {current, same_last_year, *this_year, *last_year, *history_codes}
    rows = MonitoringValue.objects.filter(
        enterprise=enterprise, period__code__in=codes
    ).values_list("period__code", "indicator_id", "value", "text_value")
    stored: dict[tuple[str, int], tuple[Decimal | None, str]] = {
        (p, i): (v, t) for p, i, v, t in rows
    }
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
        if monthly and ind.accumulation == Indicator.Accumulation.CURRENT_MONTH and not ind.is_text:
            ytd = _sum([shown(c) for c in this_year])
            ytd_last = _sum([shown(c) for c in last_year])
        elif monthly and ind.accumulation == Indicator.Accumulation.YEAR_TO_DATE:
            ytd, ytd_last = value, shown(same_last_year)
        history = [v for v in (shown(c) for c in reversed(history_codes)) if v is not None]
        lines.append(ReportLine(ind, value, text, shown(same_last_year), ytd, ytd_last, history))
    return lines


def _sum(values: list[Decimal | None]) -> Decimal | None:
    present = [v for v in values if v is not None]
    return sum(present, Decimal(0)) if present else None


def period_choices(selected: str = "", today: date | None = None) -> list[tuple[str, list]]:
    """Periods that can be reported now, for a select box grouped by form: the last 24
    months, the last 8 quarters and the last 3 years that have ended (or end this month)."""
    from .services.periods import PeriodRef, parse_period

    today = today or timezone.localdate()
    freq = Indicator.Frequency
    month = PeriodRef(today.year, today.month)
    quarter_end = today.month - (today.month % 3) if today.month % 3 else today.month
    quarter = (
        PeriodRef(today.year, quarter_end, freq.QUARTERLY)
        if quarter_end
        else PeriodRef(today.year - 1, 12, freq.QUARTERLY)
    )
    year = PeriodRef(today.year if today.month == 12 else today.year - 1, 12, freq.ANNUAL)
    groups = [
        (str(_("Monthly form")), [month, *month.earlier(23)]),
        (str(_("Quarterly form")), [quarter, *quarter.earlier(7)]),
        (str(_("Annual form")), [year, *year.earlier(2)]),
    ]
    out = [(label, [(r.code, r.label) for r in refs]) for label, refs in groups]
    known = {code for _label, refs in out for code, _l in refs}
    if selected and selected not in known:
        try:
            ref = parse_period(selected)
        except DomainError:
            return out
        index = {"monthly": 0, "quarterly": 1, "annual": 2}[str(ref.frequency)]
        out[index][1].insert(0, (ref.code, ref.label))
    return out
