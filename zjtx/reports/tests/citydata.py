"""A small city with two years of monthly monitoring, certifications, awards, financing,
service requests and warnings: enough for every chapter of the report."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

YEAR = 2025
MONTHLY = {
    "operating_revenue": Decimal("100000.00"),
    "total_profit": Decimal("8000.00"),
    "taxes": Decimal("3000.00"),
    "export_delivery": Decimal("12000.00"),
    "rd_spending": Decimal("4000.00"),
}


def _period(year: int, month: int) -> Any:
    from zjtx.monitoring.models import ReportingPeriod

    return ReportingPeriod.objects.get_or_create(
        code=f"{year}-{month:02d}",
        defaults={"year": year, "month": month, "due_date": date(year, month, 28)},
    )[0]


def build_city(make_enterprise: Any, make_user: Any, units: dict[str, Any]) -> dict[str, Any]:
    from zjtx.certification.models import Application as CertApplication
    from zjtx.certification.models import Round
    from zjtx.monitoring.models import Indicator, MonitoringValue, MonitoringWarning, WarningRule
    from zjtx.monitoring.rollups import rollup_rebuild
    from zjtx.reference.models import IndustryCode

    for code, name, level in [
        ("C36", "汽车制造业", "division"),
        ("C3670", "汽车零部件及配件制造", "class"),
        ("C39", "计算机、通信和其他电子设备制造业", "division"),
        ("C3982", "电子电路制造", "class"),
    ]:
        IndustryCode.objects.get_or_create(code=code, defaults={"name": name, "level": level})
    # A browser test's transactional database is flushed between tests, data migrations
    # included: load the built-in indicator catalogue again (a no-op when present).
    from zjtx.monitoring.catalogue import load_default_indicators

    load_default_indicators(Indicator)
    indicators = dict(Indicator.objects.values_list("code", "pk"))
    firms = []
    unit_list = [units["镜湖区"], units["无为市"], units["经济技术开发区"]]
    # 14 firms: 8 in C36 small (the peer group of firm 0), 6 in C39 medium.
    for n in range(14):
        firms.append(
            make_enterprise(
                name=f"芜湖报告测试{n:02d}有限公司",
                unit=unit_list[n % 3],
                industry_id="C3670" if n < 8 else "C3982",
                size_class="small" if n < 8 else "medium",
                main_products="汽车零部件" if n < 8 else "印制电路板",
            )
        )
    values = []
    for year in (YEAR - 1, YEAR):
        growth = Decimal("1.10") if year == YEAR else Decimal(1)
        for month in range(1, 13):
            period = _period(year, month)
            for n, firm in enumerate(firms):
                scale = Decimal(n + 1) * growth
                for code, base in MONTHLY.items():
                    values.append(
                        MonitoringValue(
                            enterprise_id=firm.pk,
                            period_id=period.pk,
                            indicator_id=indicators[code],
                            value=(base * scale).quantize(Decimal("0.01")),
                        )
                    )
                values.append(
                    MonitoringValue(
                        enterprise_id=firm.pk,
                        period_id=period.pk,
                        indicator_id=indicators["employees"],
                        value=Decimal(50 + n + month),  # December counts
                    )
                )
    MonitoringValue.objects.bulk_create(values)
    from zjtx.monitoring.models import ReportingPeriod

    for period in ReportingPeriod.objects.filter(year__in=[YEAR - 1, YEAR]):
        rollup_rebuild(period_id=period.pk)
    city = make_user("city_officer")
    rnd = Round.objects.create(
        year=YEAR,
        title=f"{YEAR}年度认定",
        program_id="wuhu.municipal_zjtx",
        opens_on=date(YEAR, 3, 1),
        closes_on=date(YEAR, 4, 30),
    )
    # Firms 0-5 certified in YEAR, firm 13 certified earlier and still valid.
    for n in [0, 1, 2, 3, 4, 5, 13]:
        on = date(YEAR, 9, 1) if n != 13 else date(YEAR - 1, 9, 1)
        CertApplication.objects.create(
            round=rnd,
            enterprise=firms[n],
            unit=firms[n].unit,
            status=CertApplication.Status.CERTIFIED,
            certified_on=on,
            valid_until=on + timedelta(days=3 * 365),
            certificate_number=f"WH{YEAR}{n:03d}",
        )
    rule = WarningRule.objects.filter(code="revenue_yoy").first() or WarningRule.objects.create(
        code="revenue_yoy", yellow=-10, orange=-20, red=-30, valid_from=date(2020, 1, 1)
    )
    for n, level in [(0, "red"), (1, "yellow"), (4, "yellow")]:
        MonitoringWarning.objects.create(
            enterprise=firms[n],
            unit=firms[n].unit,
            period=_period(YEAR, 6),
            rule=rule,
            level=level,
            explanation="测试预警",
        )
    return {"firms": firms, "city": city, "units": units, "year": YEAR}
