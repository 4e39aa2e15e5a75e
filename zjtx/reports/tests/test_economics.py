"""Economic figures: annual financial statements where the registry holds them (audited, or
checked by an officer), monthly monitoring otherwise; year-on-year change over a fixed panel of
the same enterprises from the same source, its size in the figure's definition."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from zjtx.reports.dashboard import dashboard_data, kpi_map
from zjtx.reports.models import AnnualReport, EnterpriseYear, ReportFigure
from zjtx.reports.services import annual_report_start
from zjtx.reports.snapshot import figures_by_key, snapshot_take

pytestmark = pytest.mark.django_db

WAN = Decimal(10000)


def _statement(firm, year, revenue, **extra):
    from zjtx.enterprises.models import AnnualFinancial

    return AnnualFinancial.objects.create(
        enterprise=firm,
        year=year,
        operating_revenue=Decimal(revenue) * WAN,
        net_profit=Decimal(revenue) * WAN / 10,
        rd_expense=Decimal(revenue) * WAN / 20,
        export_value=Decimal(revenue) * WAN / 5,
        employees=int(revenue),
        **extra,
    )


@pytest.fixture
def statements(city_data, make_enterprise, make_user):
    """Firms 0-2: statements in both years; firm 3: this year only (last year monitoring);
    firm 4: an unchecked declaration (ignored); a firm without monitoring that joins with a
    statement this year, and one whose statement is last year's only."""
    firms, year = city_data["firms"], city_data["year"]
    for n in (0, 1, 2):
        _statement(firms[n], year - 1, 900 + 100 * n)
        _statement(firms[n], year, 1000 + 100 * n)
    _statement(firms[3], year, 5000)
    _statement(firms[4], year, 99999, declared_by_enterprise=True)
    checked = make_enterprise(name="芜湖报告核实申报有限公司", unit=city_data["units"]["镜湖区"])
    _statement(
        checked,
        year,
        700,
        declared_by_enterprise=True,
        verified_at=timezone.now(),
        verified_by=city_data["city"],
    )
    leaver = make_enterprise(name="芜湖报告去年报表有限公司", unit=city_data["units"]["无为市"])
    _statement(leaver, year - 1, 800)
    return {"checked": checked, "leaver": leaver}


@pytest.fixture
def figures(city_data, statements):
    report = annual_report_start(year=city_data["year"], actor=city_data["city"])
    assert report.status == AnnualReport.Status.DONE, report.error
    return {f.key: f for f in ReportFigure.objects.filter(snapshot=report.snapshot)}


def _monthly(firm_ids, year, code):
    from zjtx.monitoring.models import MonitoringValue

    return MonitoringValue.objects.filter(
        enterprise_id__in=firm_ids,
        period__year=year,
        period__frequency="monthly",
        indicator__code=code,
    ).aggregate(s=Sum("value"))["s"] or Decimal(0)


def _statements(firm_ids, year, field):
    from zjtx.enterprises.models import AnnualFinancial

    return AnnualFinancial.objects.filter(enterprise_id__in=firm_ids, year=year).aggregate(
        s=Sum(field)
    )["s"] or Decimal(0)


def test_revenue_takes_the_statements_and_monitoring_only_where_there_is_none(
    city_data, statements, figures
):
    year, ids = city_data["year"], [f.pk for f in city_data["firms"]]
    by_statement = [*ids[:4], statements["checked"].pk]
    by_monitoring = ids[4:]  # firm 4's unchecked declaration does not count
    expected = _statements(by_statement, year, "operating_revenue") + _monthly(
        by_monitoring, year, "operating_revenue"
    )
    figure = figures["economics.revenue"]
    assert Decimal(figure.value) == expected
    assert figure.records == 15
    assert "5" in figure.definition and "10" in figure.definition
    rows = dict(EnterpriseYear.objects.filter(year=year).values_list("enterprise_id", "source"))
    assert rows[ids[0]] == rows[statements["checked"].pk] == "annual"
    assert rows[ids[4]] == "monitoring"


def test_year_on_year_change_is_over_the_fixed_panel_with_its_size_stated(
    city_data, statements, figures
):
    year, ids = city_data["year"], [f.pk for f in city_data["firms"]]
    # Panel: firms 0-2 by statement in both years and firms 4-13 by monitoring in both; firm 3
    # (statement now, monitoring then), the newcomer and the leaver are outside it.
    current = _statements(ids[:3], year, "operating_revenue") + _monthly(
        ids[4:], year, "operating_revenue"
    )
    previous = _statements(ids[:3], year - 1, "operating_revenue") + _monthly(
        ids[4:], year - 1, "operating_revenue"
    )
    expected = ((current - previous) * 100 / previous).quantize(Decimal("0.01"))
    change = figures["economics.revenue_yoy"]
    assert Decimal(change.value) == expected
    assert change.records == 2 * 13
    assert "13" in change.definition and str(year - 1) in change.definition
    # Total profit comes from monitoring alone: every monitored firm is in its panel.
    profit = figures["economics.profit_yoy"]
    assert profit.records == 2 * 14
    p_now, p_then = _monthly(ids, year, "total_profit"), _monthly(ids, year - 1, "total_profit")
    assert Decimal(profit.value) == ((p_now - p_then) * 100 / p_then).quantize(Decimal("0.01"))
    # Net profit only from statements: firms 0-2 in both years.
    net = figures["economics.net_profit_yoy"]
    assert net.records == 2 * 3
    n_now = _statements(ids[:3], year, "net_profit")
    n_then = _statements(ids[:3], year - 1, "net_profit")
    assert Decimal(net.value) == ((n_now - n_then) * 100 / n_then).quantize(Decimal("0.01"))
    assert Decimal(figures["economics.net_profit"].value) == _statements(
        [*ids[:4], statements["checked"].pk], year, "net_profit"
    )


def test_rd_intensity_pairs_each_firms_rd_and_revenue_from_one_source(
    city_data, statements, figures
):
    year, ids = city_data["year"], [f.pk for f in city_data["firms"]]
    by_statement = [*ids[:4], statements["checked"].pk]
    rd = _statements(by_statement, year, "rd_expense") + _monthly(ids[4:], year, "rd_spending")
    revenue = _statements(by_statement, year, "operating_revenue") + _monthly(
        ids[4:], year, "operating_revenue"
    )
    assert Decimal(figures["economics.rd"].value) == rd
    assert Decimal(figures["economics.rd_intensity"].value) == (rd * 100 / revenue).quantize(
        Decimal("0.01")
    )


def test_every_economic_figure_keeps_its_reference_and_names_its_source(figures):
    for key, f in figures.items():
        if key.startswith("economics."):
            assert f.definition and f.source, key
    assert "年度财务报表" in figures["economics.revenue"].definition
    assert "月度监测" in figures["economics.taxes"].definition
    assert "固定样本" in figures["economics.revenue_yoy"].definition


def test_the_dashboard_shows_the_same_figures_and_changes(city_data, statements, figures):
    kpis = kpi_map(dashboard_data(unit=None, year=city_data["year"]))
    for kpi_key, figure_key in {
        "econ_revenue": "economics.revenue",
        "econ_profit": "economics.profit",
        "econ_taxes": "economics.taxes",
        "econ_exports": "economics.exports",
        "econ_employees": "economics.employees",
    }.items():
        kpi, figure = kpis[kpi_key], figures[figure_key]
        assert Decimal(kpi.value) == Decimal(figure.value), kpi_key
        assert kpi.change == Decimal(figures[figure_key + "_yoy"].value), kpi_key
    assert kpis["econ_rd_intensity"].value == Decimal(figures["economics.rd_intensity"].value)


def test_the_same_data_gives_the_same_figures(city_data, statements, figures):
    again = snapshot_take(year=city_data["year"])
    assert figures_by_key(again) == {
        k: {
            "key": f.key,
            "chapter": f.chapter,
            "label": f.label,
            "value": f.value,
            "unit": f.unit,
            "display": f.display,
            "definition": f.definition,
            "source": f.source,
            "records": f.records,
        }
        for k, f in figures.items()
    }


def test_nightly_roll_ups_cover_years_with_statements_but_no_monitoring(make_enterprise):
    from zjtx.reports.rollups import rollup_years, rollups_refresh

    firm = make_enterprise()
    _statement(firm, 2019, 1000)
    assert 2019 in rollup_years()
    rollups_refresh()
    row = EnterpriseYear.objects.get(enterprise=firm, year=2019)
    assert row.source == "annual" and row.revenue == Decimal(1000) * WAN
