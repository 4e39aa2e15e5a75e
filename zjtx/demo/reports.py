"""Demo data for the annual report, benchmarks and dashboards.

The demo year is the last complete calendar year. Its twelve monthly reports and the previous
year's (for the year-on-year figures) are loaded through the monitoring import service for
the demo's monitored firms, like the recent months programme.py loads; then the roll-ups are
refreshed and one annual report for the demo year is built and published, so the portal has
a report to offer. Idempotent: a second run adds nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone


def demo_year(today: date | None = None) -> int:
    return (today or timezone.localdate()).year - 1


def _load_months(year: int, officer: Any) -> int:
    from zjtx.demo.programme import _report_xlsx
    from zjtx.enterprises.models import AnnualFinancial, Enterprise
    from zjtx.monitoring.models import ImportRun
    from zjtx.monitoring.services.imports import import_upload
    from zjtx.monitoring.services.warnings import warnings_run

    firms = list(
        Enterprise.objects.filter(status=Enterprise.Status.VERIFIED, financials__year=year)
        .order_by("credit_code")
        .values_list("credit_code", "name", "id")[:400]
    )
    fins = {
        f.enterprise_id: f
        for f in AnnualFinancial.objects.filter(year=year, enterprise_id__in=[f[2] for f in firms])
    }
    loaded = 0
    for month in range(1, 13):
        code = f"{year}-{month:02d}"
        if ImportRun.objects.filter(period__code=code, status=ImportRun.Status.COMMITTED).exists():
            continue
        rows = [(c, n, fins[i]) for c, n, i in firms if i in fins]
        run = import_upload(
            actor=officer,
            period_code=code,
            data=_report_xlsx(code, month, rows),
            original_name=f"演示月报-{code}.xlsx",
            accept_valid_rows=True,
        )
        if run.period is not None and month in (3, 6, 9, 12):
            warnings_run(actor=officer, period=run.period)
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
    months = _load_months(year - 1, officer) + _load_months(year, officer)
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
