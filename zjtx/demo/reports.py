"""Demo data for the annual report, benchmarks and dashboards.

The demo year is the last complete calendar year. Its twelve monthly reports and the previous
year's (for the year-on-year figures) are written for the demo's monitored firms; then the
roll-ups are refreshed and one annual report for the demo year is built (in this process) and
published through the reports services, so the portal has a report to offer. Idempotent: a
second run adds nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone


def demo_year(today: date | None = None) -> int:
    return (today or timezone.localdate()).year - 1


SEASON = (0.70, 0.78, 1.02, 0.98, 1.00, 1.04, 0.98, 0.96, 1.02, 1.05, 1.10, 1.37)


def _load_months(year: int, officer: Any, seed: int) -> int:
    """Twelve monthly reports of `year` for the demo's monitored firms (the first 400 by
    credit code, as programme.py), spread from their annual financials with a seasonal
    factor. Written in bulk with monitoring's own roll-up rebuild per period (they stand for
    past years' reports, so no import runs are recorded); warnings through warnings_run."""
    import random
    from decimal import ROUND_HALF_UP, Decimal

    from zjtx.enterprises.models import AnnualFinancial, Enterprise
    from zjtx.monitoring.models import Indicator, MonitoringValue, ReportingPeriod
    from zjtx.monitoring.rollups import rollup_rebuild
    from zjtx.monitoring.services.warnings import warnings_run

    firm_ids = list(
        Enterprise.objects.filter(status=Enterprise.Status.VERIFIED, financials__year=year)
        .order_by("credit_code")
        .values_list("id", flat=True)[:400]
    )
    fins = AnnualFinancial.objects.filter(year=year, enterprise_id__in=firm_ids)
    ind = dict(Indicator.objects.values_list("code", "pk"))
    rng = random.Random(f"{seed}-{year}")
    cent = Decimal("0.01")
    loaded = 0
    for month in range(1, 13):
        if ReportingPeriod.objects.filter(code=f"{year}-{month:02d}").exists():
            continue  # loaded already (or by programme.py's recent months)
        period = ReportingPeriod.objects.create(
            code=f"{year}-{month:02d}",
            year=year,
            month=month,
            due_date=date(year + (month == 12), month % 12 + 1, 8),
            status=ReportingPeriod.Status.LOCKED,
        )
        rows: list[Any] = []
        for f in fins:
            if f.operating_revenue is None:
                continue
            share = Decimal(str(round(SEASON[month - 1] * rng.uniform(0.9, 1.1) / 12, 6)))
            revenue = (f.operating_revenue * share).quantize(cent, ROUND_HALF_UP)
            values = {
                "operating_revenue": revenue,
                "total_profit": ((f.net_profit or 0) * Decimal("1.15") * share).quantize(cent),
                "taxes": (revenue * Decimal(str(round(rng.uniform(0.02, 0.05), 4)))).quantize(cent),
                "export_delivery": ((f.export_value or 0) * share).quantize(cent),
                "rd_spending": ((f.rd_expense or 0) * share).quantize(cent),
                "employees": Decimal(f.employees or 20),
            }
            rows.extend(
                MonitoringValue(
                    enterprise_id=f.enterprise_id,
                    period_id=period.pk,
                    indicator_id=ind[code],
                    value=value,
                )
                for code, value in values.items()
                if code in ind
            )
        MonitoringValue.objects.bulk_create(rows, batch_size=2000)
        rollup_rebuild(period_id=period.pk)
        if month in (6, 12):
            warnings_run(actor=officer, period=period)
        loaded += 1
    return loaded


def ensure_reports_data(seed: int = 2026) -> dict[str, int]:
    from zjtx.accounts.models import User
    from zjtx.reports.models import AnnualReport
    from zjtx.reports.rollups import rollup_years, rollups_refresh
    from zjtx.reports.services import annual_report_publication, annual_report_start

    officer = User.objects.filter(username="city_admin").first()
    if officer is None:
        return {}
    year = demo_year()
    months = _load_months(year - 1, officer, seed) + _load_months(year, officer, seed)
    report = AnnualReport.objects.filter(year=year, status=AnnualReport.Status.DONE).first()
    built = 0
    if report is None:
        # Every year's roll-ups for the dashboards; the report refreshes its own two again.
        rollups_refresh(years=[y for y in rollup_years() if y not in (year - 1, year)])
        report = annual_report_start(year=year, actor=officer, background=False)
        report.refresh_from_db()
        built = 1
    if report.status == AnnualReport.Status.DONE and report.publication == "draft":
        annual_report_publication(report=report, action="publish", actor=officer)
    return {"months": months, "reports": built}
