"""Roll-ups behind the dashboards and the annual report (precomputed, never per request).

`rollups_refresh(years=...)` rebuilds, in one transaction per year:

- EnterpriseYear: per enterprise and year, its economic figures. Where the registry holds the
  enterprise's annual financial statement for the year (audited, or checked by an officer),
  revenue, net profit, R&D, exports and employees are the statement's; otherwise the sums of
  its monthly monitoring values and its headcount at the last month reported (one GROUP BY
  over the monthly values of that year). Total profit and taxes are always the monitoring
  sums: the statements carry neither.
- DashboardRollup: per year (month 0) or month, unit (0 = city) and breakdown, every figure
  the dashboards show: economics, tiers, certifications, awards and budgets, financing,
  service requests, warnings, pools and targets, assessment.

The annual report refreshes its two years first and then reads these rows, so the report and
the dashboards show the same numbers by construction.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from zjtx.enterprises.models import Enterprise

from .models import DashboardRollup, EnterpriseYear, RollupRefresh
from .tiers import tiers_as_of


def benchmark_stats_refresh(year: int) -> int:
    from .benchmark import benchmark_stats_refresh as refresh

    return refresh(year)


ProgressFn = Callable[[int, int, str], None]

# Monthly indicator code → EnterpriseYear field (money in 元, summed over the months).
SUMMED = {
    "operating_revenue": "revenue",
    "total_profit": "profit",
    "taxes": "taxes",
    "export_delivery": "exports",
    "rd_spending": "rd",
}
HEADCOUNT = "employees"
# AnnualFinancial field → EnterpriseYear field, taken from the statement where there is one.
FROM_STATEMENT = {
    "operating_revenue": "revenue",
    "net_profit": "net_profit",
    "rd_expense": "rd",
    "export_value": "exports",
    "employees": "employees",
}
STATEMENT_FIELDS = frozenset(FROM_STATEMENT.values())
ECON_FIELDS = ("revenue", "profit", "net_profit", "taxes", "exports", "rd", "employees")


def field_source(row_source: str, field: str) -> str:
    """Where a figure of an EnterpriseYear row came from: the statement (annual) only for
    the fields statements carry, monitoring for the rest."""
    if row_source == "annual" and field in STATEMENT_FIELDS:
        return "annual"
    return "monitoring"


def statements_of(year: int) -> dict[int, dict[str, Any]]:
    """Enterprise id → the figures of its annual financial statement for `year`: audited ones,
    and enterprise declarations only once an officer has checked them."""
    from django.db.models import Q

    from zjtx.enterprises.models import AnnualFinancial

    rows = AnnualFinancial.objects.filter(year=year).filter(
        Q(declared_by_enterprise=False) | Q(verified_at__isnull=False)
    )
    return {
        row[0]: dict(zip(FROM_STATEMENT.values(), row[1:], strict=True))
        for row in rows.values_list("enterprise_id", *FROM_STATEMENT)
    }


CENT = Decimal("0.01")
ZERO = Decimal(0)


def division_of(industry_code: str | None) -> str:
    """GB/T 4754 大类 (e.g. C36) of a class code such as C3670."""
    code = (industry_code or "").strip().upper()
    return code[:3] if len(code) >= 3 and code[0].isalpha() else ""


def _noop(done: int, total: int, message: str = "") -> None:
    return None


# ------------------------------------------------------------------ enterprise years


def enterprise_years_refresh(year: int) -> int:
    """Rebuild the EnterpriseYear rows of `year` from the annual financial statements and the
    monthly monitoring values (module docstring).

    Two plain SQL reads over a range of the values' primary key (period, enterprise,
    indicator): the sums per enterprise and money indicator, and the headcounts (the last
    month each enterprise reported is kept). Raw SQL because the ORM's CASE-per-indicator
    form took five times as long at city scale (bench/bench_annual_report.py).
    """
    from zjtx.monitoring.models import Indicator, MonitoringValue, ReportingPeriod

    ids = dict(Indicator.objects.filter(code__in=[*SUMMED, HEADCOUNT]).values_list("code", "pk"))
    months = dict(
        ReportingPeriod.objects.filter(
            year=year, frequency=Indicator.Frequency.MONTHLY
        ).values_list("pk", "month")
    )
    field_of = {ids[code]: field for code, field in SUMMED.items() if code in ids}
    facts: dict[int, dict[str, Any]] = defaultdict(dict)
    if months and field_of:
        table = MonitoringValue._meta.db_table
        period_marks = ",".join(["%s"] * len(months))
        indicator_marks = ",".join(["%s"] * len(field_of))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT enterprise_id, indicator_id, SUM(value), COUNT(*) FROM {table} "
                f"WHERE period_id IN ({period_marks}) AND indicator_id IN ({indicator_marks}) "
                "AND value IS NOT NULL GROUP BY enterprise_id, indicator_id",
                [*months, *field_of],
            )
            for enterprise_id, indicator_id, total, count in cursor.fetchall():
                row = facts[enterprise_id]
                row[field_of[indicator_id]] = Decimal(str(total)).quantize(CENT, ROUND_HALF_UP)
                row["months"] = max(row.get("months", 0), int(count))
            if HEADCOUNT in ids:
                cursor.execute(
                    f"SELECT enterprise_id, period_id, value FROM {table} "
                    f"WHERE period_id IN ({period_marks}) AND indicator_id = %s "
                    "AND value IS NOT NULL",
                    [*months, ids[HEADCOUNT]],
                )
                latest: dict[int, int] = {}
                for enterprise_id, period_id, value in cursor.fetchall():
                    month = months[period_id]
                    if month >= latest.get(enterprise_id, 0):
                        latest[enterprise_id] = month
                        facts[enterprise_id]["employees"] = int(Decimal(str(value)))
    firms = {
        pk: (unit_id, industry_id or "", size or "")
        for pk, unit_id, industry_id, size in Enterprise.objects.values_list(
            "pk", "unit_id", "industry_id", "size_class"
        )
    }
    statements = statements_of(year)
    objs: list[EnterpriseYear] = []
    for enterprise_id in sorted(set(facts) | set(statements)):
        firm = firms.get(enterprise_id)
        if firm is None:
            continue
        unit_id, industry, size = firm
        row = facts.get(enterprise_id, {})
        statement = statements.get(enterprise_id)
        # A statement replaces the monitoring figures it carries (even an empty one: unknown).
        figures = statement if statement is not None else row
        objs.append(
            EnterpriseYear(
                enterprise_id=enterprise_id,
                year=year,
                unit_id_at=unit_id,
                division=division_of(str(industry)),
                section=str(industry)[:1].upper(),
                size_class=size,
                months=row.get("months", 0),
                source=EnterpriseYear.Source.ANNUAL
                if statement is not None
                else EnterpriseYear.Source.MONITORING,
                revenue=figures.get("revenue"),
                net_profit=figures.get("net_profit"),
                rd=figures.get("rd"),
                exports=figures.get("exports"),
                employees=figures.get("employees"),
                profit=row.get("profit"),
                taxes=row.get("taxes"),
            )
        )
    with transaction.atomic():
        EnterpriseYear.objects.filter(year=year).delete()
        EnterpriseYear.objects.bulk_create(objs, batch_size=2000)
    return len(objs)


# ------------------------------------------------------------------ dashboard roll-ups


class _Acc:
    """Collects (year, month, unit, metric, breakdown) → [value, records]; unit 0 is the city."""

    def __init__(self, year: int) -> None:
        self.year = year
        self.cells: dict[tuple[int, int, str, str], list[Any]] = defaultdict(lambda: [ZERO, 0])

    def add(
        self,
        metric: str,
        value: Decimal | int | None,
        *,
        unit_id: int | None,
        breakdown: str = "",
        month: int = 0,
        records: int = 1,
    ) -> None:
        v = Decimal(value) if value is not None else ZERO
        for u in {0, int(unit_id or 0)}:
            cell = self.cells[(month, u, metric, breakdown)]
            cell[0] += v
            cell[1] += records

    def rows(self) -> list[DashboardRollup]:
        return [
            DashboardRollup(
                year=self.year,
                month=month,
                unit_id_at=unit,
                metric=metric,
                breakdown=breakdown,
                value=value,
                records=records,
            )
            for (month, unit, metric, breakdown), (value, records) in sorted(self.cells.items())
        ]


def _economics(acc: _Acc, year: int) -> None:
    """The year's totals, how many enterprises each came from by source (econsrc.*), R&D
    intensity's pairs (econ.rd_paired ÷ econ.rd_base: enterprises reporting both), and the
    fixed panel of each figure (panel.*: the enterprises with it in both years from the same
    source; breakdown cur/prev the two years' sums, panelsrc.* the panel's sources)."""
    previous = {
        ey.enterprise_id: ey
        for ey in EnterpriseYear.objects.filter(year=year - 1).iterator(chunk_size=5000)
    }
    for ey in EnterpriseYear.objects.filter(year=year).iterator(chunk_size=5000):
        unit = ey.unit_id_at
        acc.add("econ.firms", 1, unit_id=unit)
        acc.add("econsrc.firms", 1, unit_id=unit, breakdown=ey.source)
        before = previous.get(ey.enterprise_id)
        for field in ECON_FIELDS:
            value = getattr(ey, field)
            if value is None:
                continue
            source = field_source(ey.source, field)
            acc.add(f"econ.{field}", value, unit_id=unit)
            acc.add(f"econsrc.{field}", 1, unit_id=unit, breakdown=source)
            if field == "revenue":
                acc.add("econ.revenue", value, unit_id=unit, breakdown=ey.division or "-")
            if before is None:
                continue
            old = getattr(before, field)
            if old is None or field_source(before.source, field) != source:
                continue
            acc.add(f"panel.{field}", value, unit_id=unit, breakdown="cur")
            acc.add(f"panel.{field}", old, unit_id=unit, breakdown="prev")
            acc.add(f"panelsrc.{field}", 1, unit_id=unit, breakdown=source)
        if ey.rd is not None and ey.revenue is not None:
            acc.add("econ.rd_paired", ey.rd, unit_id=unit)
            acc.add("econ.rd_base", ey.revenue, unit_id=unit)


def _monthly(acc: _Acc, year: int) -> None:
    from zjtx.monitoring.models import Indicator, MonthlyRollup

    codes = [*SUMMED, HEADCOUNT]
    rows = (
        MonthlyRollup.objects.filter(
            period__year=year,
            period__frequency=Indicator.Frequency.MONTHLY,
            indicator__code__in=codes,
        )
        .values_list("period__month", "unit_id", "indicator__code")
        .annotate(total=Sum("total"), n=Sum("value_count"))
        .order_by()
    )
    for month, unit_id, code, total, n in rows:
        acc.add(f"month.{code}", total, unit_id=unit_id, month=month, records=int(n or 0))


def _tiers(acc: _Acc, year: int) -> None:
    as_of = date(year, 12, 31)
    tiers = tiers_as_of(as_of)
    if not tiers:
        return
    units = dict(Enterprise.objects.filter(pk__in=list(tiers)).values_list("pk", "unit_id"))
    divisions = dict(Enterprise.objects.filter(pk__in=list(tiers)).values_list("pk", "industry_id"))
    for eid, tier in tiers.items():
        unit_id = units.get(eid)
        acc.add("tier.firms", 1, unit_id=unit_id, breakdown=tier)
        if tier != "innovative":
            acc.add("zjtx.firms", 1, unit_id=unit_id)
            acc.add(
                "zjtx.by_division",
                1,
                unit_id=unit_id,
                breakdown=division_of(str(divisions.get(eid) or "")) or "-",
            )


def _certifications(acc: _Acc, year: int) -> None:
    from zjtx.certification.models import Application as CertApplication

    rows = CertApplication.objects.filter(certified_on__year=year).values_list("unit_id", "status")
    for unit_id, status in rows:
        acc.add("cert.certified", 1, unit_id=unit_id)
        if status == CertApplication.Status.REVOKED:
            acc.add("cert.revoked_later", 1, unit_id=unit_id)
    applied = CertApplication.objects.filter(round__year=year).exclude(
        status=CertApplication.Status.DRAFT
    )
    for (unit_id,) in applied.values_list("unit_id"):
        acc.add("cert.applications", 1, unit_id=unit_id)


def _awards(acc: _Acc, year: int) -> None:
    from zjtx.subsidies.models import Budget, Payout

    rows = Payout.objects.filter(year=year).values_list(
        "enterprise__unit_id", "program_id", "amount_yuan"
    )
    for unit_id, program_id, amount in rows:
        acc.add("awards.paid", amount, unit_id=unit_id)
        acc.add("awards.paid", amount, unit_id=unit_id, breakdown=program_id)
    for program_id, amount in Budget.objects.filter(year=year).values_list(
        "program_id", "amount_yuan"
    ):
        acc.add("awards.budget", amount, unit_id=None)
        acc.add("awards.budget", amount, unit_id=None, breakdown=program_id)


def _financing(acc: _Acc, year: int) -> None:
    from zjtx.financing.models import Demand, Engagement

    for unit_id, amount in Demand.objects.filter(published_at__year=year).values_list(
        "enterprise__unit_id", "amount_yuan"
    ):
        acc.add("fin.demands", 1, unit_id=unit_id)
        acc.add("fin.demanded", amount, unit_id=unit_id)
    granted = Engagement.objects.filter(granted_on__year=year, granted_yuan__isnull=False)
    for unit_id, granted_yuan in granted.values_list("demand__enterprise__unit_id", "granted_yuan"):
        acc.add("fin.granted", granted_yuan, unit_id=unit_id)
    disbursed = Engagement.objects.filter(disbursed_on__year=year, disbursed_yuan__isnull=False)
    served: set[int] = set()
    for unit_id, disbursed_yuan, eid in disbursed.values_list(
        "demand__enterprise__unit_id", "disbursed_yuan", "demand__enterprise_id"
    ):
        acc.add("fin.disbursed", disbursed_yuan, unit_id=unit_id)
        if eid not in served:
            served.add(eid)
            acc.add("fin.firms_served", 1, unit_id=unit_id)


def _servicedesk(acc: _Acc, year: int) -> None:
    from zjtx.servicedesk.models import ServiceRequest

    Status = ServiceRequest.Status
    for unit_id, category in ServiceRequest.objects.filter(filed_on__year=year).values_list(
        "unit_id", "category"
    ):
        acc.add("svc.filed", 1, unit_id=unit_id)
        acc.add("svc.filed", 1, unit_id=unit_id, breakdown=category)
    closed = ServiceRequest.objects.filter(
        closed_on__year=year, status__in=[Status.ANSWERED, Status.CONFIRMED, Status.RATED]
    )
    for (unit_id,) in closed.values_list("unit_id"):
        acc.add("svc.closed", 1, unit_id=unit_id)


def _warnings(acc: _Acc, year: int) -> None:
    from zjtx.monitoring.models import MonitoringWarning

    rows = (
        MonitoringWarning.objects.filter(period__year=year)
        .values_list("unit_id", "level", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for unit_id, level, status, n in rows:
        acc.add("warn.raised", n, unit_id=unit_id, records=n)
        acc.add("warn.raised", n, unit_id=unit_id, breakdown=level, records=n)
        if status == MonitoringWarning.Status.OPEN:
            acc.add("warn.open", n, unit_id=unit_id, records=n)


def _cultivation(acc: _Acc, year: int) -> None:
    """Gradient pool sizes at the end of the year (cultivation app)."""
    try:
        from zjtx.cultivation.selectors import pool_counts_by_unit
    except ImportError:
        return
    for unit_id, counts in pool_counts_by_unit(on=date(year, 12, 31)).items():
        for pool, n in counts.items():
            if pool != "total":
                acc.add("pool.firms", n, unit_id=unit_id, breakdown=pool, records=n)


def _assessment(acc: _Acc, year: int) -> None:
    """Each unit's published assessment score and rank for the year (assessment app)."""
    try:
        from zjtx.assessment.models import AssessmentRun
        from zjtx.assessment.selectors import ranking
    except ImportError:
        return
    run = AssessmentRun.objects.filter(
        year=year, status__in=[AssessmentRun.Status.PUBLISHED, AssessmentRun.Status.FINAL]
    ).first()
    if run is None:
        return
    for score in ranking(run):
        cell_score = acc.cells[(0, score.unit_id, "assess.score", "")]
        cell_score[0], cell_score[1] = Decimal(score.score), 1
        cell_rank = acc.cells[(0, score.unit_id, "assess.rank", "")]
        cell_rank[0], cell_rank[1] = Decimal(score.rank), 1
        acc.add("assess.units", 1, unit_id=None)


STEPS = (
    _economics,
    _monthly,
    _tiers,
    _certifications,
    _awards,
    _financing,
    _servicedesk,
    _warnings,
    _cultivation,
    _assessment,
)


def dashboard_rollups_refresh(year: int) -> int:
    acc = _Acc(year)
    for step in STEPS:
        step(acc, year)
    rows = acc.rows()
    with transaction.atomic():
        DashboardRollup.objects.filter(year=year).delete()
        DashboardRollup.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def rollup_years() -> list[int]:
    """Every year that has monthly monitoring periods or annual financial statements, plus the
    current year."""
    from zjtx.enterprises.models import AnnualFinancial
    from zjtx.monitoring.models import ReportingPeriod

    years = set(ReportingPeriod.objects.values_list("year", flat=True).distinct())
    years |= set(AnnualFinancial.objects.values_list("year", flat=True).distinct())
    years.add(timezone.localdate().year)
    return sorted(years)


def rollups_refresh(*, years: Iterable[int] | None = None, progress: ProgressFn = _noop) -> int:
    """Rebuild the roll-ups of `years` (default: every year with data); returns rows written."""
    started = time.perf_counter()
    todo = sorted(set(years)) if years is not None else rollup_years()
    total = len(todo) * 2
    written = 0
    for n, year in enumerate(todo):
        progress(2 * n, total, f"{year}")
        written += enterprise_years_refresh(year)
        progress(2 * n + 1, total, f"{year}")
        written += dashboard_rollups_refresh(year)
        written += benchmark_stats_refresh(year)
    RollupRefresh.objects.create(
        finished_at=timezone.now(),
        duration_ms=int((time.perf_counter() - started) * 1000),
        rows=written,
    )
    progress(total, total, "")
    return written
