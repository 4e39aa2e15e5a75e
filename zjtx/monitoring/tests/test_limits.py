"""Values the database cannot hold are refused with a row error, never a 500."""

from __future__ import annotations

import pytest

from zjtx.monitoring import services
from zjtx.monitoring.models import Indicator, MonitoringValue

from . import xlsx_files as X
from .conftest import PERIOD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", [1e30, "1" + "0" * 40, 1e300, -1e30])
def test_a_number_too_large_to_store_is_a_row_error(unit_officer, firms, value):
    # a city may remove an indicator's own range; the column's capacity still applies
    Indicator.objects.filter(code="operating_revenue").update(min_value=None, max_value=None)
    run = services.import_upload(
        actor=unit_officer,
        period_code=PERIOD,
        data=X.workbook([X.row(firms["a"].credit_code, 营业收入=value)]),
        original_name="x.xlsx",
    )
    assert run.status == "rejected"
    assert [e["code"] for e in run.errors] in (["above_maximum"], ["below_minimum"])
    assert "营业收入" in run.errors[0]["message"]
    assert not MonitoringValue.objects.exists()


def test_nul_characters_are_dropped_from_text(unit_officer, firms):
    run = services.import_upload(
        actor=unit_officer,
        period_code=PERIOD,
        data=X.workbook([X.row(firms["a"].credit_code, 存在问题和诉求="融资\x00需求")]),
        original_name="x.xlsx",
    )
    assert run.status == "committed", run.errors
    stored = MonitoringValue.objects.get(indicator__code="problems_and_demands")
    assert stored.text_value == "融资需求"
