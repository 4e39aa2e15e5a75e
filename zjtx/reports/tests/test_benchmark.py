"""Benchmarking: quartiles of peer groups, groups under 5 peers hidden, scope (404)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zjtx.reports.benchmark import MIN_PEERS, benchmark_for, quartiles
from zjtx.reports.rollups import rollups_refresh

pytestmark = pytest.mark.django_db


def test_quartiles_interpolate_like_excel():
    values = [Decimal(v) for v in ("1", "2", "3", "4", "5")]
    assert quartiles(values) == (Decimal("2.00"), Decimal("3.00"), Decimal("4.00"))
    assert quartiles([Decimal("1"), Decimal("2")]) == (
        Decimal("1.25"),
        Decimal("1.50"),
        Decimal("1.75"),
    )


@pytest.fixture
def rolled(city_data, make_enterprise):
    # One C39 firm of a size class no other C39 firm has: its division+size group is tiny.
    from zjtx.monitoring.models import Indicator, MonitoringValue, ReportingPeriod

    lone = make_enterprise(
        name="芜湖独苗电子有限公司",
        unit=city_data["units"]["镜湖区"],
        industry_id="C3982",
        size_class="micro",
    )
    period = ReportingPeriod.objects.get(code=f"{city_data['year']}-03")
    MonitoringValue.objects.create(
        enterprise_id=lone.pk,
        period_id=period.pk,
        indicator_id=Indicator.objects.get(code="operating_revenue").pk,
        value=Decimal("50000.00"),
    )
    rollups_refresh(years=[city_data["year"] - 1, city_data["year"]])
    return {**city_data, "lone": lone}


def test_peer_groups_show_quartiles(rolled):
    firm = rolled["firms"][0]  # C36 small: 7 C36 small peers
    result = benchmark_for(firm=firm, year=rolled["year"])
    groups = {g.key: g for g in result["groups"]}
    assert set(groups) >= {"division_size", "division", "section"}
    margin = next(c for c in groups["division_size"].cells if c.indicator == "profit_margin")
    assert margin.peers == 7 and margin.shown
    assert margin.median == Decimal("8.00")  # every firm makes 8 % in the fixture
    growth = next(c for c in groups["division"].cells if c.indicator == "revenue_growth")
    assert growth.value == Decimal("10.00") and growth.shown


def test_groups_with_fewer_than_five_peers_are_hidden(rolled):
    result = benchmark_for(firm=rolled["lone"], year=rolled["year"])
    hidden = {g.key: g for g in result["hidden"]}
    assert "division_size" in hidden and hidden["division_size"].size < MIN_PEERS
    assert all(c.median is None and not c.shown for c in hidden["division_size"].cells)
    shown = {g.key for g in result["groups"]}
    assert "division" in shown  # the six other C39 firms


def test_enterprise_sees_only_its_own_benchmark(client, login, rolled, make_user):
    firm, other = rolled["firms"][0], rolled["firms"][1]
    user = make_user("enterprise", enterprise=firm)
    login(user)
    page = client.get("/reports/benchmark/")
    assert page.status_code == 200
    assert firm.name in page.content.decode()
    assert "同类企业" in page.content.decode()
    # the page ignores another code; the API refuses it
    assert (
        other.name
        not in client.get(f"/reports/benchmark/?code={other.credit_code}").content.decode()
    )
    assert client.get(f"/api/v1/benchmarks/{other.credit_code}").status_code == 404
    api = client.get(f"/api/v1/benchmarks/{firm.credit_code}")
    assert api.status_code == 200
    body = api.json()
    assert body["credit_code"] == firm.credit_code
    assert any(g["shown"] and g["cells"][0]["median"] for g in body["groups"])


def test_unit_officer_benchmarks_firms_of_their_unit_only(client, login, rolled, make_user):
    units = rolled["units"]
    officer = make_user("unit_officer", unit=units["镜湖区"])
    login(officer)
    mine = next(f for f in rolled["firms"] if f.unit_id == units["镜湖区"].pk)
    theirs = next(f for f in rolled["firms"] if f.unit_id == units["无为市"].pk)
    assert client.get(f"/reports/benchmark/?code={mine.credit_code}").status_code == 200
    assert client.get(f"/reports/benchmark/?code={theirs.credit_code}").status_code == 404
    assert client.get(f"/api/v1/benchmarks/{theirs.credit_code}").status_code == 404
    assert client.get(f"/api/v1/benchmarks/{mine.credit_code}").status_code == 200


def test_hidden_groups_give_no_quartiles_in_the_api(client, login, rolled, make_user):
    login(make_user("city_officer"))
    body = client.get(f"/api/v1/benchmarks/{rolled['lone'].credit_code}").json()
    hidden = [g for g in body["groups"] if not g["shown"]]
    assert hidden
    for group in hidden:
        assert all(c["median"] is None and c["p25"] is None for c in group["cells"])


def test_a_firm_outside_the_srdi_group_is_still_compared_with_it(rolled):
    firm = rolled["firms"][7]  # C36, not certified
    result = benchmark_for(firm=firm, year=rolled["year"])
    certified = next(g for g in result["groups"] if g.key == "certified")
    margin = next(c for c in certified.cells if c.indicator == "profit_margin")
    assert margin.peers == 7 and margin.shown  # the seven certified firms, none of them itself
