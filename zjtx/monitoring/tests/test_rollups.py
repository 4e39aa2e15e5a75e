"""Roll-ups kept by load deltas equal a rebuild from the raw values."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zjtx.monitoring import services
from zjtx.monitoring.models import MonthlyRollup, ReportingPeriod, UnitPeriodStat
from zjtx.monitoring.rollups import rollup_rebuild

from . import xlsx_files as X
from .conftest import PERIOD

pytestmark = pytest.mark.django_db


def snapshot(period):
    rollups = sorted(
        MonthlyRollup.objects.filter(period=period).values_list(
            "unit_id", "indicator_id", "value_count", "total"
        )
    )
    stats = sorted(
        UnitPeriodStat.objects.filter(period=period).values_list("unit_id", "enterprises_reported")
    )
    return [r for r in rollups if r[2] or r[3]], [s for s in stats if s[1]]


def test_deltas_match_a_rebuild(city_officer, firms):
    a, b, w = (firms[k].credit_code for k in "abw")
    steps = [
        [X.row(a), X.row(w, 存在问题和诉求="缺电")],
        [X.row(a, 营业收入=2000, 利润总额="")],  # correction: one replaced, one removed
        [X.row(a, 营业收入=2000, 利润总额="")],  # identical
        [X.row(b), X.row(w, 用电量=5)],
        [X.row(w, values=["-"] * 13 + [""])],  # w reports nothing any more
    ]
    period = None
    for rows in steps:
        run = services.import_upload(
            actor=city_officer,
            period_code=PERIOD,
            data=X.workbook(rows),
            original_name="x.xlsx",
            clear_blanks=True,  # blanks here are meant as removals
        )
        assert run.status == "committed", run.errors
        period = ReportingPeriod.objects.get(code=PERIOD)
        incremental = snapshot(period)
        rollup_rebuild(period_id=period.pk)
        assert snapshot(period) == incremental
    revenue = MonthlyRollup.objects.get(
        period=period, unit=firms["a"].unit, indicator__code="operating_revenue"
    )
    assert revenue.value_count == 2 and revenue.total == Decimal(
        "30005000.00"
    )  # 2000 + 1000.5 万元
    stats = dict(
        UnitPeriodStat.objects.filter(period=period).values_list(
            "unit__name", "enterprises_reported"
        )
    )
    assert stats["镜湖区"] == 2 and stats.get("无为市", 0) == 0
