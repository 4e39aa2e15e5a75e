"""The demo's annual report has awards paid by programme and financing served in its year.

The rest of the demo is dated around the seeding day (the current year) while the report is
for the last complete year, so the report's own year gets its programme activity here."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

pytestmark = pytest.mark.django_db


def _grant(firm, tier, on):
    from zjtx.cultivation.models import TierRecord

    TierRecord.objects.create(
        enterprise=firm,
        unit=firm.unit,
        track="certified",
        tier=tier,
        action="grant",
        on=on,
        reason="据名单录入",
        source="backfill",
    )


def test_demo_year_is_the_last_complete_year_with_statements(make_enterprise):
    from zjtx.demo.reports import demo_year
    from zjtx.enterprises.models import AnnualFinancial

    firm = make_enterprise()
    AnnualFinancial.objects.create(enterprise=firm, year=2025)
    assert demo_year(date(2026, 12, 6)) == 2025
    assert demo_year(date(2026, 1, 2)) == 2025
    # A later seeding day does not pick a year the demo's registry has no statements for.
    assert demo_year(date(2028, 3, 1)) == 2025


def test_the_demo_year_gets_awards_paid_by_programme(make_enterprise, make_user):
    from zjtx.demo.reports import _year_awards
    from zjtx.policy.services import policies_load
    from zjtx.reports.rollups import rollups_refresh
    from zjtx.reports.snapshot import snapshot_take
    from zjtx.subsidies.models import Payout

    policies_load()
    city = make_user("city_officer")
    year = timezone.localdate().year - 1
    newly = make_enterprise(name="芜湖新认定市级有限公司")
    _grant(newly, "municipal", date(year, 9, 1))
    renewed = make_enterprise(name="芜湖早已认定有限公司")
    _grant(renewed, "municipal", date(year - 3, 9, 1))
    _grant(renewed, "municipal", date(year, 9, 1))  # renewal: no new award
    provincial = make_enterprise(name="芜湖新认定省级有限公司")
    _grant(provincial, "provincial", date(year, 6, 1))

    assert _year_awards(year, city) == 2
    assert _year_awards(year, city) == 0  # once
    paid = {p.enterprise_id: p for p in Payout.objects.filter(year=year)}
    assert paid[newly.pk].program_id == "wuhu.municipal_zjtx"
    assert paid[newly.pk].amount_yuan == Decimal("100000.00")
    assert paid[provincial.pk].program_id == "wuhu.provincial_zjtx"
    assert paid[provincial.pk].amount_yuan == Decimal("60000.00")  # 20 % of the 30万 award
    assert renewed.pk not in paid

    rollups_refresh(years=[year - 1, year])
    snap = snapshot_take(year=year)
    awards = next(c for c in snap.data["chapters"] if c["key"] == "awards")
    by_programme = awards["tables"][1]["rows"]
    assert [row[:3] for row in by_programme] == [
        ["市级专精特新中小企业一次性奖补", "1", "10.00"],
        ["省级专精特新中小企业配套奖补", "1", "6.00"],
    ]
    keys = {f["key"]: f for f in snap.data["figures"]}
    assert Decimal(keys["awards.paid"]["value"]) == Decimal("160000.00")
    assert Decimal(keys["awards.paid.wuhu.municipal_zjtx"]["value"]) == Decimal("100000.00")
    assert keys["awards.paid.wuhu.municipal_zjtx"]["records"] == 1


def test_seeded_demo_report_has_financing_served_and_award_budgets_in_its_year(monkeypatch):
    from zjtx.demo import seeding
    from zjtx.demo.reports import demo_year
    from zjtx.reports.models import AnnualReport, ReportFigure

    monkeypatch.setattr(seeding, "SMALL_SCALE", 40)
    call_command("load_reference", stdout=StringIO())
    call_command("load_policies", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    report = AnnualReport.objects.get(status=AnnualReport.Status.DONE)
    assert report.year == demo_year()
    figures = {f.key: f for f in ReportFigure.objects.filter(snapshot=report.snapshot)}
    for key in ("financing.demands", "financing.granted", "financing.disbursed"):
        assert Decimal(figures[key].value) > 0, key
        assert figures[key].records > 0, key
    assert Decimal(figures["awards.budget"].value) > 0
    assert report.publication == "published"
