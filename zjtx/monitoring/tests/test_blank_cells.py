"""A blank cell means "not reported": it keeps the stored value unless clearing is confirmed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zjtx.core.models import AuditEvent
from zjtx.monitoring import services
from zjtx.monitoring.models import ImportRun, MonitoringValue, MonitoringValueHistory
from zjtx.monitoring.rollups import rollup_rebuild

from . import xlsx_files as X
from .conftest import PERIOD
from .test_api import URL, bearer, post
from .test_rollups import snapshot

pytestmark = pytest.mark.django_db


def upload(actor, data, **kw):
    return services.import_upload(
        actor=actor, period_code=PERIOD, data=data, original_name="填报.xlsx", **kw
    )


def profit(firm):
    return MonitoringValue.objects.filter(enterprise=firm, indicator__code="total_profit").first()


def test_blank_cell_keeps_the_stored_value_by_default(unit_officer, firms):
    upload(unit_officer, X.workbook([X.row(firms["a"].credit_code)]))
    run = upload(unit_officer, X.workbook([X.row(firms["a"].credit_code, 利润总额="")]))
    assert run.status == "committed"
    assert (run.values_removed, run.values_blank, run.values_unchanged) == (0, 1, 12)
    assert profit(firms["a"]).value == Decimal("500000.00")  # 50 万元, still there
    assert MonitoringValueHistory.objects.count() == 0
    (cell,) = run.blank_cells
    assert cell["row"] == 4 and cell["indicator"] == "total_profit"
    assert cell["message"] == "第4行 芜湖甲精密机械有限公司 利润总额：已有值 50 万元，本次为空"


def test_dry_run_lists_blank_cells_over_stored_values(unit_officer, firms):
    a, b = firms["a"].credit_code, firms["b"].credit_code
    upload(unit_officer, X.workbook([X.row(a), X.row(b)]))
    dry = upload(
        unit_officer,
        X.workbook([X.row(a), X.row(b, 利润总额="", 从业人员="-")]),
        dry_run=True,
    )
    assert dry.status == "validated" and dry.values_blank == 2 and dry.values_removed == 0
    messages = [c["message"] for c in dry.blank_cells]
    assert messages == [
        "第5行 芜湖乙新材料有限公司 利润总额：已有值 50 万元，本次为空",
        "第5行 芜湖乙新材料有限公司 从业人员：已有值 85 人，本次为空",
    ]


def test_clear_blanks_removes_them_into_history(unit_officer, firms):
    first = upload(unit_officer, X.workbook([X.row(firms["a"].credit_code)]))
    run = upload(
        unit_officer, X.workbook([X.row(firms["a"].credit_code, 利润总额="")]), clear_blanks=True
    )
    assert (run.values_removed, run.values_blank) == (1, 1)
    assert profit(firms["a"]) is None
    history = MonitoringValueHistory.objects.get(indicator__code="total_profit")
    assert history.import_run_id == first.pk and history.replaced_by_id == run.pk
    event = AuditEvent.objects.get(action="monitoring.import.committed", object_id=str(run.pk))
    assert event.after["clear_blanks"] is True and event.after["values_removed"] == 1


def test_page_confirm_clears_only_when_ticked(login, unit_officer, firms):
    upload(unit_officer, X.workbook([X.row(firms["a"].credit_code)]))
    client = login(unit_officer)
    data = X.workbook([X.row(firms["a"].credit_code, 利润总额="")])
    response = client.post(
        reverse("monitoring:upload"),
        {"period": PERIOD, "dry_run": "on", "file": SimpleUploadedFile("九月.xlsx", data)},
        follow=True,
    )
    page = response.content.decode()
    assert "已有值 50 万元，本次为空" in page and 'name="clear_blanks"' in page
    dry = ImportRun.objects.get(status="validated")
    client.post(reverse("monitoring:import-confirm", args=[dry.pk]), {"clear_blanks": "on"})
    assert profit(firms["a"]) is None


def test_page_confirm_without_ticking_keeps_values(login, unit_officer, firms):
    upload(unit_officer, X.workbook([X.row(firms["a"].credit_code)]))
    dry = upload(
        unit_officer, X.workbook([X.row(firms["a"].credit_code, 利润总额="")]), dry_run=True
    )
    login(unit_officer).post(reverse("monitoring:import-confirm", args=[dry.pk]))
    assert profit(firms["a"]).value == Decimal("500000.00")


def test_api_lists_blank_cells_and_takes_clear_blanks(client, unit_officer, firms):
    auth = bearer(unit_officer)
    post(client, auth, X.workbook([X.row(firms["a"].credit_code)]))
    blank = X.workbook([X.row(firms["a"].credit_code, 利润总额="")])
    dry = post(client, auth, blank, dry_run="true").json()
    assert dry["values_blank"] == 1 and dry["blank_cells"][0]["indicator"] == "total_profit"
    kept = client.post(f"{URL}/{dry['id']}/commit", **auth).json()
    assert kept["values_removed"] == 0 and profit(firms["a"]) is not None
    cleared = post(client, auth, blank, clear_blanks="true").json()
    assert cleared["values_removed"] == 1 and profit(firms["a"]) is None


def test_blank_check_adds_no_query_per_row(unit_officer, firms):
    a, b = firms["a"].credit_code, firms["b"].credit_code
    upload(unit_officer, X.workbook([X.row(a), X.row(b)]))

    def queries(rows):
        with CaptureQueriesContext(connection) as ctx:
            upload(unit_officer, X.workbook(rows), dry_run=True)
        return len(ctx.captured_queries)

    one = queries([X.row(a, 利润总额=""), X.row(b)])
    two = queries([X.row(a, 利润总额=""), X.row(b, 利润总额="", 税金总额="")])
    assert one == two


def test_kept_values_keep_roll_ups_true(city_officer, firms):
    w = firms["w"].credit_code
    upload(city_officer, X.workbook([X.row(w)]))
    run = upload(city_officer, X.workbook([X.row(w, values=["-"] * 13 + [""])]))
    assert run.values_blank == 13 and run.values_removed == 0
    period = run.period
    incremental = snapshot(period)
    rollup_rebuild(period_id=period.pk)
    assert snapshot(period) == incremental
