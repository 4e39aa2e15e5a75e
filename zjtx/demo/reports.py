"""Demo data for the annual report, benchmarks and dashboards.

The demo year is the last complete calendar year the demo's registry has annual financial
statements for. Its twelve monthly reports and the previous year's (for the year-on-year
figures) are written for the demo's monitored firms. The rest of the demo (budgets, the
certification round, financing demands) is dated around the seeding day, that is in the
current year, and no award is ever approved there: so the demo year's own programme activity is
written here, through the services with the dates of that year: its award budgets, the awards
paid to the firms the tier history shows newly certified that year (市级 one-off award,
省级 top-up), and financing demands served by the demo's lenders. Then the roll-ups are
refreshed and one annual report for the demo year is built (in this process) and published
through the reports services, so the portal has a report to offer. Idempotent: a second run
adds nothing.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone


def demo_year(today: date | None = None) -> int:
    """The last complete calendar year, or the last year of the demo's annual statements if
    that is earlier (a report needs the year's statements and monitoring spread from them)."""
    from zjtx.enterprises.models import AnnualFinancial

    last_complete = (today or timezone.localdate()).year - 1
    latest = AnnualFinancial.objects.order_by("-year").values_list("year", flat=True).first()
    return min(last_complete, latest) if latest else last_complete


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


# The demo year's award programmes: (programme, budget 元). The 省级 award the top-up is
# based on is the province's (the demo's province pays 30万元 per newly certified firm).
YEAR_BUDGETS = {
    "wuhu.municipal_zjtx": Decimal("5000000"),
    "wuhu.provincial_zjtx": Decimal("3000000"),
}
PROVINCIAL_AWARD_YUAN = Decimal("300000")


def _newly_granted(tier: str, year: int) -> list[tuple[Any, date]]:
    """Enterprises whose first grant of `tier` in the tier history falls in `year`."""
    from zjtx.cultivation.models import TierRecord
    from zjtx.enterprises.models import Enterprise

    first: dict[int, date] = {}
    for eid, on in (
        TierRecord.objects.filter(track="certified", tier=tier, action="grant")
        .order_by("enterprise_id", "on", "id")
        .values_list("enterprise_id", "on")
    ):
        first.setdefault(eid, on)
    ids = {eid: on for eid, on in first.items() if on.year == year}
    firms = Enterprise.objects.filter(pk__in=list(ids)).order_by("credit_code")
    return [(firm, ids[firm.pk]) for firm in firms]


def _year_awards(year: int, officer: Any) -> int:
    """The demo year's budgets and its award payouts, approved by the city in December of that
    year through the subsidy workflow (application_approve always approves today, so the demo
    runs the same workflow table with the year's date)."""
    from zjtx.core.errors import DomainError
    from zjtx.core.workflow import run
    from zjtx.policy.models import PolicyProgram
    from zjtx.subsidies.models import Budget, Payout
    from zjtx.subsidies.services import application_propose, budget_set
    from zjtx.subsidies.workflow import SUBSIDY_APPLICATION

    if Payout.objects.filter(year=year).exists():
        return 0
    for program_id, amount in YEAR_BUDGETS.items():
        if PolicyProgram.objects.filter(pk=program_id).exists() and not (
            Budget.objects.filter(program_id=program_id, year=year).exists()
        ):
            budget_set(
                program_id=program_id,
                year=year,
                amount_yuan=amount,
                actor=officer,
                note=f"演示数据：{year}年度预算",
            )
    proposals: list[tuple[str, Any, date, dict[str, Any], str]] = []
    for firm, on in _newly_granted("municipal", year)[:40]:
        proposals.append(
            (
                "wuhu.municipal_zjtx",
                firm,
                on,
                {"municipal_zjtx_newly_certified": True, "municipal_zjtx_award_received": False},
                f"{year}年度认定为市级专精特新中小企业",
            )
        )
    for firm, on in _newly_granted("provincial", year)[:20]:
        received = Payout.objects.filter(enterprise=firm, program_id="wuhu.municipal_zjtx").exists()
        proposals.append(
            (
                "wuhu.provincial_zjtx",
                firm,
                on,
                {
                    "provincial_zjtx_newly_certified": True,
                    "provincial_zjtx_award_yuan": PROVINCIAL_AWARD_YUAN,
                    "municipal_zjtx_award_received": received,
                },
                f"{year}年度认定为省级专精特新中小企业，省级奖励30万元",
            )
        )
    paid = 0
    approve_on = date(year, 12, 10)
    for program_id, firm, on, facts, source in proposals:
        if not PolicyProgram.objects.filter(pk=program_id).exists():
            continue
        try:
            with transaction.atomic():
                application = application_propose(
                    enterprise=firm,
                    program_id=program_id,
                    facts=facts,
                    as_of=on,
                    actor=officer,
                    source=source,
                )
                run(
                    SUBSIDY_APPLICATION,
                    application,
                    "approve",
                    actor=officer,
                    data={"amount_yuan": None, "override_reason": ""},
                    today=max(on, approve_on),
                )
        except DomainError:
            continue  # not eligible by the rules, or the budget is spent: as in real life
        paid += 1
    return paid


def _year_financing(year: int, seed: int) -> int:
    """Financing demands published through the demo year and served by the demo's lenders
    (taken up, granted and disbursed, some declined), each step dated in that year."""
    from zjtx.demo import financing as fin
    from zjtx.enterprises.models import Enterprise
    from zjtx.financing import services
    from zjtx.financing.models import Demand, Engagement

    if Engagement.objects.filter(disbursed_on__year=year).exists():
        return 0
    if not Demand.objects.exists():
        return 0  # the financing demo did not run (no lenders, no products)
    rng = random.Random(f"{seed}-financing-{year}")
    lenders = fin._lenders()
    firms = list(Enterprise.objects.filter(status=Enterprise.Status.VERIFIED).order_by("id")[30:54])
    year_end = date(year, 12, 31)
    paths = (3, 3, 5, 3, 4, 3)  # disbursed, declined at take-up, declined at credit review
    made = 0
    for i, firm in enumerate(firms):
        day = date(year, 1, 8) + timedelta(days=15 * i)
        lender = lenders[i % len(lenders)]
        demand = services.demand_publish(
            enterprise=firm,
            fields={
                "amount_yuan": Decimal(rng.choice([100, 200, 300, 500, 800])) * 10000,
                "term_months": rng.choice([12, 12, 24, 36]),
                "purpose": fin.PURPOSES[i % len(fin.PURPOSES)],
                "guarantees": fin.GUARANTEES[i % 4],
                "needed_by": (day + timedelta(days=45)).isoformat(),
                "tax_grade": fin.GRADES[i % len(fin.GRADES)],
                "note": "",
            },
            consents=[
                {
                    "institution_id": lender[0].pk,
                    "scopes": ["financials", "certification", "monitoring", "tax_grade"],
                    # Two years: the lender still sees the data today (its steps check the
                    # consent on the server's date) and over the loan's first year.
                    "until": (day + timedelta(days=730)).isoformat(),
                }
            ],
            actor=fin._firm_user(firm),
            today=day,
        )
        Demand.objects.filter(pk=demand.pk).update(
            published_at=timezone.make_aware(datetime.combine(day, time(9, 0)))
        )
        fin._outcome(
            rng, demand, lender, paths[i % len(paths)], day, year_end, fin._firm_user(firm)
        )
        made += 1
    return made


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
    from zjtx.core.notifications import notices_batched

    with notices_batched():
        awards = _year_awards(year, officer)
        demands = _year_financing(year, seed)
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
    return {"months": months, "awards": awards, "demands": demands, "reports": built}
