"""Demo data for the programmes, written through each app's own services: subsidy budgets,
this year's certification round, and monthly monitoring reports loaded through the real
xlsx import pipeline (so the dashboard, reporting rates and warnings have something to show)."""

from __future__ import annotations

import io
import random
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import xlsxwriter
from django.utils import timezone

from zjtx.accounts.models import Role, User
from zjtx.enterprises.models import AnnualFinancial, Enterprise

# Budgets a city would plausibly set for the seed's awards (元).
BUDGETS = {
    "wuhu.tech_upgrade": Decimal("30000000"),
    "wuhu.first_set": Decimal("5000000"),
    "wuhu.integration_pilot": Decimal("2000000"),
    "wuhu.municipal_zjtx": Decimal("5000000"),
    "wuhu.provincial_zjtx": Decimal("3000000"),
}
# Months a demo city has reported (the two before the current one).
MONTHS_BACK = (2, 1)
SEASONAL = {
    1: 0.7,
    2: 0.6,
    3: 0.95,
    4: 1.0,
    5: 1.0,
    6: 1.05,
    7: 0.95,
    8: 0.95,
    9: 1.05,
    10: 1.0,
    11: 1.1,
    12: 1.25,
}


def _city_officer() -> User | None:
    return User.objects.filter(role=Role.CITY_OFFICER, username="city_admin").first()


def ensure_budgets(today: date) -> int:
    from zjtx.policy.models import PolicyProgram
    from zjtx.subsidies.models import Budget
    from zjtx.subsidies.services import budget_set

    officer = _city_officer()
    if officer is None:
        return 0
    created = 0
    for program_id, amount in BUDGETS.items():
        if not PolicyProgram.objects.filter(pk=program_id).exists():
            continue
        if Budget.objects.filter(program_id=program_id, year=today.year).exists():
            continue
        budget_set(
            program_id=program_id,
            year=today.year,
            amount_yuan=amount,
            actor=officer,
            note="演示数据：年度预算",
        )
        created += 1
    return created


def ensure_round(today: date) -> bool:
    from zjtx.certification.models import Round
    from zjtx.certification.services.rounds import round_create, round_set_status
    from zjtx.policy.models import PolicyProgram

    if Round.objects.filter(year=today.year).exists():
        return False
    program = "miit2026.zjtx_sme"
    if not PolicyProgram.objects.filter(pk=program).exists():
        return False
    officer = _city_officer()
    if officer is None:
        return False
    rnd = round_create(
        actor=officer,
        year=today.year,
        title=f"{today.year}年度芜湖市专精特新中小企业认定",
        program_id=program,
        opens_on=today.replace(day=1),
        closes_on=date(today.year, 12, 31),
        announcement=(
            "根据《芜湖市人民政府关于进一步推进中小企业“专精特新”发展的实施意见》，"
            f"现启动{today.year}年度市级专精特新中小企业认定工作，全年认定 50 户。"
            "请符合条件的企业在申报期内在线填报并上传盖章承诺书。"
        ),
    )
    round_set_status(round=rnd, status=Round.Status.OPEN, actor=officer)
    return True


def _month(today: date, back: int) -> tuple[int, int]:
    y, m = today.year, today.month - back
    while m < 1:
        y, m = y - 1, m + 12
    return y, m


def _report_xlsx(
    period_code: str, month: int, rows: list[tuple[str, str, AnnualFinancial]]
) -> bytes:
    from zjtx.monitoring.imports.headers import CODE_HEADER, NAME_HEADER, SERIAL_HEADER
    from zjtx.monitoring.selectors import indicators_active

    indicators = indicators_active()  # the monthly form
    rng = random.Random(f"demo-{period_code}")
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet(period_code)
    ws.write(0, 0, f"专精特新企业运行监测月报（{period_code}）")
    ws.write(1, 0, "填报单位（盖章）：芜湖市经济和信息化局")
    ws.write_row(2, 0, [SERIAL_HEADER, CODE_HEADER, NAME_HEADER, *(i.header for i in indicators)])
    for n, (code, name, fin) in enumerate(rows, start=1):
        season = SEASONAL[month] * rng.uniform(0.85, 1.12)

        def wan(value: Decimal | None, share: float = 1.0, season: float = season) -> float:
            """One month's share of a yearly 元 figure, in 万元."""
            if value is None:
                return 0.0
            monthly = Decimal(str(share * season / 12)) * value / Decimal(10000)
            return float(monthly.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))

        revenue = wan(fin.operating_revenue)
        values: dict[str, Any] = {
            "operating_revenue": revenue,
            "main_business_revenue": wan(fin.main_business_revenue),
            "total_profit": wan(fin.net_profit, 1.15),
            "taxes": round(revenue * rng.uniform(0.02, 0.05), 2),
            "export_delivery": wan(fin.export_value),
            "electricity": int(revenue * rng.uniform(250, 900)),
            "employees": fin.employees or 0,
            "rd_spending": wan(fin.rd_expense),
            "receivables": round(revenue * rng.uniform(1.2, 3.0), 2),
            "finished_inventory": round(revenue * rng.uniform(0.3, 1.2), 2),
            "new_orders": round(revenue * rng.uniform(0.8, 1.3), 2),
            "total_assets": float((fin.total_assets or 0) / 10000),
            "total_liabilities": float((fin.total_liabilities or 0) / 10000),
            "problems_and_demands": rng.choice(
                ["", "", "", "原材料价格上涨", "用工缺口较大", "融资需求 500 万元"]
            ),
        }
        ws.write_row(2 + n, 0, [n, code, name, *(values.get(i.code, "") for i in indicators)])
    wb.close()
    return buf.getvalue()


def ensure_monitoring(today: date) -> int:
    from zjtx.monitoring.models import ImportRun
    from zjtx.monitoring.services.imports import import_upload
    from zjtx.monitoring.services.warnings import warnings_run

    officer = _city_officer()
    latest_year = AnnualFinancial.objects.order_by("-year").values_list("year", flat=True).first()
    if officer is None or latest_year is None:
        return 0
    firms = list(
        Enterprise.objects.filter(status=Enterprise.Status.VERIFIED, financials__year=latest_year)
        .order_by("credit_code")
        .values_list("credit_code", "name", "id")[:400]
    )
    fins = {
        f.enterprise_id: f
        for f in AnnualFinancial.objects.filter(
            year=latest_year, enterprise_id__in=[f[2] for f in firms]
        )
    }
    loaded = 0
    for back in MONTHS_BACK:
        year, month = _month(today, back)
        code = f"{year}-{month:02d}"
        if ImportRun.objects.filter(period__code=code, status=ImportRun.Status.COMMITTED).exists():
            continue
        rows = [(c, n, fins[i]) for c, n, i in firms]
        data = _report_xlsx(code, month, rows)
        run = import_upload(
            actor=officer,
            period_code=code,
            data=data,
            original_name=f"演示月报-{code}.xlsx",
            accept_valid_rows=True,
        )
        if run.period is not None:
            warnings_run(actor=officer, period=run.period)
        loaded += 1
    loaded += _ensure_quarter(today, officer, firms, fins)
    return loaded


def _quarter_xlsx(ref: Any, rows: list[tuple[str, str, AnnualFinancial]]) -> bytes:
    """The quarterly form (季报) of the last quarter that has ended, filled for the demo."""
    from zjtx.monitoring.imports.headers import CODE_HEADER, NAME_HEADER, SERIAL_HEADER
    from zjtx.monitoring.selectors import indicators_active

    indicators = indicators_active(frequency=ref.frequency)
    rng = random.Random(f"demo-{ref.code}")
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet(ref.code)
    ws.write(0, 0, f"专精特新企业运行监测季报（{ref.label}）")
    ws.write_row(1, 0, [SERIAL_HEADER, CODE_HEADER, NAME_HEADER, *(i.header for i in indicators)])
    for n, (code, name, fin) in enumerate(rows, start=1):
        revenue = float((fin.operating_revenue or 0) / 10000) / 4 * rng.uniform(0.9, 1.1)
        values = {
            "gross_output": round(revenue * rng.uniform(0.95, 1.1), 2),
            "value_added": round(revenue * rng.uniform(0.2, 0.35), 2),
            "rd_staff": max(1, int((fin.employees or 10) * rng.uniform(0.1, 0.25))),
        }
        ws.write_row(1 + n, 0, [n, code, name, *(values.get(i.code, "") for i in indicators)])
    wb.close()
    return buf.getvalue()


def _ensure_quarter(
    today: date, officer: Any, firms: list[tuple[str, str, int]], fins: dict[int, Any]
) -> int:
    from zjtx.monitoring.models import ImportRun
    from zjtx.monitoring.services.imports import import_upload
    from zjtx.monitoring.services.periods import PeriodRef

    quarter_end = (today.month - 1) // 3 * 3  # the last quarter that has ended
    ref = (
        PeriodRef(today.year, quarter_end, "quarterly")
        if quarter_end
        else PeriodRef(today.year - 1, 12, "quarterly")
    )
    if ImportRun.objects.filter(period__code=ref.code, status=ImportRun.Status.COMMITTED).exists():
        return 0
    rows = [(c, n, fins[i]) for c, n, i in firms]
    import_upload(
        actor=officer,
        period_code=ref.code,
        data=_quarter_xlsx(ref, rows),
        original_name=f"演示季报-{ref.code}.xlsx",
        accept_valid_rows=True,
    )
    return 1


def ensure_programme_data() -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "budgets": ensure_budgets(today),
        "round": ensure_round(today),
        "monitoring_months": ensure_monitoring(today),
    }
