"""Data set for the dashboard and annual-report benchmarks: 20,000 firms × 5 years of months.

Run: `.venv/bin/python bench/datagen_5y.py` (the benches call `ensure()` themselves). Uses
var/bench_reports.sqlite3 unless DATABASE_URL is set. Idempotent: what exists is kept.

- Enterprises: the city-scale demo registry (zjtx/demo/seeding.py, CITY_SCALE = 20,000 firms
  with annual financials 2021–2025) and the demo users.
- Monthly monitoring values for YEARS (60 periods): operating revenue, total profit, taxes,
  export delivery value, R&D spending (元, the firm's annual figure spread over the months
  with a seasonal factor and noise) and employees (headcount, drifting by month). 6 values per
  firm and month = 7.2 million rows, written with executemany on one connection (the bench
  measures reads; the import pipeline has its own bench), then monitoring's own per-period
  roll-ups (MonthlyRollup) rebuilt through `rollup_rebuild`.
- City certifications for 1,500 firms spread over the years and 4,000 early warnings, so the
  tier, certification and warning figures are not empty.
- Finally the reports roll-ups for every year (`rollups_refresh`), timed.
"""

from __future__ import annotations

import os
import random
import sys
import time
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench_reports.sqlite3'}")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

YEARS = (2021, 2022, 2023, 2024, 2025)
FIRMS = int(os.environ.get("BENCH_FIRMS", "20000"))
CERTIFIED = 1500
WARNINGS = 4000
SEASON = [0.70, 0.78, 1.02, 0.98, 1.00, 1.04, 0.98, 0.96, 1.02, 1.05, 1.10, 1.37]
CENT = Decimal("0.01")


def log(message: str) -> None:
    print(message, flush=True)


def _periods() -> dict[tuple[int, int], int]:
    from zjtx.monitoring.models import ReportingPeriod

    ids = {}
    for year in YEARS:
        for month in range(1, 13):
            period, _ = ReportingPeriod.objects.get_or_create(
                code=f"{year}-{month:02d}",
                defaults={
                    "year": year,
                    "month": month,
                    "due_date": date(year + (month == 12), month % 12 + 1, 8),
                    "status": ReportingPeriod.Status.LOCKED,
                },
            )
            ids[(year, month)] = period.pk
    return ids


def ensure_registry() -> None:
    from zjtx.demo import seeding

    call_command("migrate", verbosity=0)
    call_command("load_reference", verbosity=0)
    with transaction.atomic():
        seeding.ensure_demo_users()
    started = time.perf_counter()
    added = seeding.ensure_enterprises(FIRMS, seed=2026)
    if added:
        log(f"  registry: {added} firms written in {time.perf_counter() - started:.1f} s")


def ensure_monthly_values() -> None:
    from zjtx.enterprises.models import AnnualFinancial
    from zjtx.monitoring.models import Indicator, MonitoringValue
    from zjtx.monitoring.rollups import rollup_rebuild

    periods = _periods()
    codes = ["operating_revenue", "total_profit", "taxes", "export_delivery", "rd_spending"]
    ind = dict(Indicator.objects.filter(code__in=[*codes, "employees"]).values_list("code", "pk"))
    table = MonitoringValue._meta.db_table
    sql = (
        f"INSERT INTO {table} (period_id, enterprise_id, indicator_id, value, text_value) "
        "VALUES (%s, %s, %s, %s, '')"
    )
    fins: dict[tuple[int, int], AnnualFinancial] = {
        (f.enterprise_id, f.year): f
        for f in AnnualFinancial.objects.filter(year__in=YEARS).only(
            "enterprise_id",
            "year",
            "operating_revenue",
            "net_profit",
            "export_value",
            "rd_expense",
            "employees",
        )
    }
    firms = sorted({eid for eid, _y in fins})
    for year in YEARS:
        done = MonitoringValue.objects.filter(period_id=periods[(year, 12)]).exists()
        if done:
            continue
        started = time.perf_counter()
        rng = random.Random(f"bench-{year}")
        for month in range(1, 13):
            rows = []
            pid = periods[(year, month)]
            for eid in firms:
                f = fins.get((eid, year))
                if f is None or f.operating_revenue is None:
                    continue
                share = Decimal(str(round(SEASON[month - 1] * rng.uniform(0.9, 1.1) / 12, 6)))
                revenue = (f.operating_revenue * share).quantize(CENT, ROUND_HALF_UP)
                rows.append((pid, eid, ind["operating_revenue"], str(revenue)))
                profit = ((f.net_profit or 0) * Decimal("1.15") * share).quantize(CENT)
                rows.append((pid, eid, ind["total_profit"], str(profit)))
                taxes = (revenue * Decimal(str(round(rng.uniform(0.02, 0.05), 4)))).quantize(CENT)
                rows.append((pid, eid, ind["taxes"], str(taxes)))
                exports = ((f.export_value or 0) * share).quantize(CENT)
                rows.append((pid, eid, ind["export_delivery"], str(exports)))
                rd = ((f.rd_expense or 0) * share).quantize(CENT)
                rows.append((pid, eid, ind["rd_spending"], str(rd)))
                staff = max(1, int((f.employees or 20) * rng.uniform(0.97, 1.03)))
                rows.append((pid, eid, ind["employees"], str(staff)))
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(sql, rows)
            rollup_rebuild(period_id=pid)
        log(
            f"  monthly values {year}: {len(firms)} firms × 12 months in {time.perf_counter() - started:.1f} s"
        )


def ensure_certifications_and_warnings() -> None:
    from zjtx.accounts.models import User
    from zjtx.certification.models import Application, Round
    from zjtx.enterprises.models import Enterprise
    from zjtx.monitoring.models import MonitoringWarning, ReportingPeriod, WarningRule

    if Application.objects.filter(certificate_number__startswith="BENCH").exists():
        return
    rng = random.Random(7)
    firms = list(Enterprise.objects.order_by("id").values_list("id", "unit_id"))
    city = User.objects.filter(role="city_officer").first()
    picks = rng.sample(firms, min(CERTIFIED, len(firms)))
    apps = []
    for n, (eid, unit_id) in enumerate(picks):
        year = YEARS[n % len(YEARS)]
        rnd, _ = Round.objects.get_or_create(
            year=year,
            defaults={
                "title": f"{year}年度芜湖市专精特新中小企业认定",
                "program_id": "wuhu.municipal_zjtx",
                "opens_on": date(year, 3, 1),
                "closes_on": date(year, 5, 31),
                "created_by": city,
            },
        )
        on = date(year, 9, 1) + timedelta(days=n % 60)
        apps.append(
            Application(
                round=rnd,
                enterprise_id=eid,
                unit_id=unit_id,
                status=Application.Status.CERTIFIED,
                certified_on=on,
                valid_until=date(on.year + 3, on.month, on.day),
                certificate_number=f"BENCH{year}{n:05d}",
            )
        )
    Application.objects.bulk_create(apps, batch_size=1000)
    rule = WarningRule.objects.filter(code="revenue_yoy").first()
    if rule is None:
        return
    periods = list(ReportingPeriod.objects.filter(year__in=YEARS).values_list("id", flat=True))
    seen = set()
    warnings = []
    for _ in range(WARNINGS):
        eid, unit_id = rng.choice(firms)
        pid = rng.choice(periods)
        if (eid, pid) in seen:
            continue
        seen.add((eid, pid))
        warnings.append(
            MonitoringWarning(
                enterprise_id=eid,
                unit_id=unit_id,
                period_id=pid,
                rule=rule,
                level=rng.choice(["yellow", "yellow", "orange", "red"]),
                explanation="营业收入同比下降（基准测试数据）",
                status=rng.choice(["open", "closed", "closed"]),
            )
        )
    MonitoringWarning.objects.bulk_create(warnings, batch_size=1000)


def ensure_rollups() -> None:
    from zjtx.reports.models import DashboardRollup
    from zjtx.reports.rollups import rollups_refresh

    if DashboardRollup.objects.filter(year=YEARS[-1], unit_id_at=0, metric="econ.revenue").exists():
        return
    started = time.perf_counter()
    rows = rollups_refresh(years=list(YEARS))
    log(
        f"  reports roll-ups: {rows} rows for {len(YEARS)} years in {time.perf_counter() - started:.1f} s"
    )


def ensure() -> None:
    """Build whatever part of the data set is missing."""
    started = time.perf_counter()
    ensure_registry()
    ensure_monthly_values()
    ensure_certifications_and_warnings()
    ensure_rollups()
    log(f"data set ready in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    ensure()
