"""The import pipeline end to end through the service, with real xlsx files."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zjtx.core.models import AuditEvent
from zjtx.monitoring import services
from zjtx.monitoring.models import ImportRun, Indicator, MonitoringValue, MonitoringValueHistory

from . import xlsx_files as X
from .conftest import PERIOD

pytestmark = pytest.mark.django_db


def upload(actor, data, **kw):
    return services.import_upload(
        actor=actor,
        period_code=kw.pop("period", PERIOD),
        data=data,
        original_name="填报.xlsx",
        **kw,
    )


def codes(run):
    return [e["code"] for e in run.errors]


def test_clean_file_commits_all_values_in_yuan(unit_officer, firms):
    data = X.workbook(
        [X.row(firms["a"].credit_code), X.row(firms["b"].credit_code, 存在问题和诉求="用工难")]
    )
    run = upload(unit_officer, data)
    assert run.status == "committed", run.errors
    assert (run.rows_total, run.rows_accepted, run.rows_rejected) == (2, 2, 0)
    revenue = Indicator.objects.get(code="operating_revenue")
    stored = MonitoringValue.objects.get(enterprise=firms["a"], indicator=revenue)
    assert stored.value == Decimal("10005000.00")  # 1000.5 万元
    people = MonitoringValue.objects.get(enterprise=firms["a"], indicator__code="employees")
    assert people.value == Decimal("85")
    text = MonitoringValue.objects.get(
        enterprise=firms["b"], indicator__code="problems_and_demands"
    )
    assert text.text_value == "用工难"
    assert MonitoringValue.objects.count() == 13 * 2 + 1
    event = AuditEvent.objects.get(action="monitoring.import.committed")
    assert event.after["sha256"] == run.sha256 and event.after["rows_accepted"] == 2


def test_dry_run_writes_no_values(unit_officer, firms):
    run = upload(unit_officer, X.workbook([X.row(firms["a"].credit_code)]), dry_run=True)
    assert run.status == "validated"
    assert run.values_inserted == 13
    assert MonitoringValue.objects.count() == 0


def test_reupload_identical_changes_nothing(unit_officer, firms):
    data = X.workbook([X.row(firms["a"].credit_code)])
    upload(unit_officer, data)
    fields = ("enterprise_id", "indicator_id", "value", "updated_at", "import_run_id")
    before = list(MonitoringValue.objects.order_by("indicator_id").values_list(*fields))
    run = upload(unit_officer, data)
    assert run.status == "committed"
    assert (run.values_inserted, run.values_replaced, run.values_removed) == (0, 0, 0)
    assert run.values_unchanged == 13
    after = list(MonitoringValue.objects.order_by("indicator_id").values_list(*fields))
    assert before == after
    assert MonitoringValueHistory.objects.count() == 0


def test_correction_replaces_and_keeps_history(unit_officer, firms):
    first = upload(unit_officer, X.workbook([X.row(firms["a"].credit_code)]))
    second = upload(
        unit_officer,
        X.workbook([X.row(firms["a"].credit_code, 营业收入=1200, 利润总额="")]),
        clear_blanks=True,  # the blank clears the stored profit only when asked to
    )
    assert (second.values_replaced, second.values_removed, second.values_unchanged) == (1, 1, 11)
    revenue = MonitoringValue.objects.get(
        enterprise=firms["a"], indicator__code="operating_revenue"
    )
    assert revenue.value == Decimal("12000000.00") and revenue.import_run_id == second.pk
    assert not MonitoringValue.objects.filter(indicator__code="total_profit").exists()
    history = {
        h.indicator.code: h for h in MonitoringValueHistory.objects.select_related("indicator")
    }
    assert set(history) == {"operating_revenue", "total_profit"}
    assert history["operating_revenue"].value == Decimal("10005000.00")
    assert history["operating_revenue"].import_run_id == first.pk
    assert history["operating_revenue"].replaced_by_id == second.pk


def test_other_enterprises_keep_their_values(unit_officer, firms):
    upload(unit_officer, X.workbook([X.row(firms["a"].credit_code), X.row(firms["b"].credit_code)]))
    upload(unit_officer, X.workbook([X.row(firms["a"].credit_code, 营业收入=1)]))
    assert MonitoringValue.objects.filter(enterprise=firms["b"]).count() == 13


def test_normalisation_of_text_cells(unit_officer, firms):
    code = firms["a"].credit_code.lower()
    cells = [
        "１，２３４．５",
        " 900 ",
        "(50)",
        "12.30",
        "-",
        "100,000",
        "８５",
        "30万元",
        "",
        "",
        "",
        "",
        "",
        "  有诉求  ",
    ]
    run = upload(
        unit_officer,
        X.workbook([["", f"  {code} ", "名", *cells], ["", "", "", *([""] * 14)]], as_strings=True),
    )
    assert run.status == "committed", run.errors
    got = {
        code: value
        for code, value in MonitoringValue.objects.filter(enterprise=firms["a"]).values_list(
            "indicator__code", "value"
        )
    }
    assert got["operating_revenue"] == Decimal("12345000")
    assert got["main_business_revenue"] == Decimal("9000000")
    assert got["total_profit"] == Decimal("-500000")
    assert got["electricity"] == Decimal("100000")
    assert got["employees"] == Decimal("85")
    assert got["rd_spending"] == Decimal("300000")
    assert "export_delivery" not in got  # "-" means not reported
    text = MonitoringValue.objects.get(
        enterprise=firms["a"], indicator__code="problems_and_demands"
    )
    assert text.text_value == "有诉求"


def test_blank_and_unfilled_rows_are_skipped(unit_officer, firms):
    rows = [
        X.row(firms["a"].credit_code),
        ["", "", "", *X.blank_values()],
        ["2", firms["b"].credit_code, "乙", *X.blank_values()],
    ]
    run = upload(unit_officer, X.workbook(rows))
    assert run.status == "committed"
    assert (run.rows_total, run.rows_blank) == (1, 1)


@pytest.mark.parametrize(
    ("cells", "code", "cell"),
    [
        ({"营业收入": "abc"}, "not_a_number", "D4"),
        ({"营业收入": "1.234,5"}, "not_a_number", "D4"),
        ({"营业收入": -5}, "below_minimum", "D4"),
        ({"营业收入": 99999999999}, "above_maximum", "D4"),
        ({"从业人员": 85.5}, "not_an_integer", "J4"),
        ({"存在问题和诉求": "很" * 2001}, "text_too_long", "Q4"),
    ],
)
def test_bad_values_are_named_by_cell(unit_officer, firms, cells, code, cell):
    run = upload(unit_officer, X.workbook([X.row(firms["a"].credit_code, **cells)]))
    assert run.status == "rejected"
    assert codes(run) == [code]
    error = run.errors[0]
    assert error["row"] == 4 and error["cell"] == cell
    assert "第4行" in error["message"] and cell in error["message"]
    assert MonitoringValue.objects.count() == 0


def test_credit_code_problems(unit_officer, firms, make_enterprise):
    from zjtx.core.credit_code import make_valid_code

    unknown = make_valid_code("91340202MA2WYYYY9")
    bad = firms["a"].credit_code[:-1] + ("0" if firms["a"].credit_code[-1] != "0" else "1")
    rows = [
        X.row(firms["a"].credit_code),
        X.row(bad),
        X.row(unknown),
        X.row(firms["w"].credit_code),
        X.row(firms["a"].credit_code),
        X.row(""),
    ]
    run = upload(unit_officer, X.workbook(rows))
    assert run.status == "rejected"
    assert [(e["row"], e["code"]) for e in run.errors] == [
        (5, "credit_code_invalid"),
        (6, "enterprise_unknown"),
        (7, "enterprise_out_of_scope"),
        (8, "duplicate_enterprise"),
        (9, "credit_code_missing"),
    ]
    assert "第4行" in run.errors[3]["message"]  # names the first occurrence
    assert (run.rows_total, run.rows_accepted, run.rows_rejected) == (6, 1, 5)
    assert MonitoringValue.objects.count() == 0


def test_accept_valid_rows_stores_the_good_ones(unit_officer, firms):
    rows = [X.row(firms["a"].credit_code), X.row(firms["b"].credit_code, 营业收入="x")]
    run = upload(unit_officer, X.workbook(rows), accept_valid_rows=True)
    assert run.status == "committed"
    assert codes(run) == ["not_a_number"]
    assert set(MonitoringValue.objects.values_list("enterprise_id", flat=True)) == {firms["a"].pk}


def test_city_officer_may_report_every_unit(city_officer, firms):
    run = upload(
        city_officer, X.workbook([X.row(firms["a"].credit_code), X.row(firms["w"].credit_code)])
    )
    assert run.status == "committed"


def test_wrong_headers_are_listed_expected_vs_found(unit_officer, firms):
    header = X.headers()
    header[3] = "营业收入（元）"
    header[4] = "主营收入（万元）"
    header.pop()  # 存在问题和诉求 missing
    run = upload(unit_officer, X.workbook([X.row(firms["a"].credit_code)[:-1]], header=header))
    assert run.status == "rejected" and run.error_code == "header_mismatch"
    found = {(e["code"], e["column"]) for e in run.errors}
    assert ("header_unit_mismatch", "营业收入（元）") in found
    assert ("unknown_header", "主营收入（万元）") in found
    assert ("missing_header", "主营业务收入（万元）") in found
    assert ("missing_header", "存在问题和诉求") in found
    assert ("missing_header", "营业收入（万元）") not in found
    assert run.errors[-1]["code"] == "headers_expected"


def test_headers_without_title_rows_and_in_ascii_brackets(unit_officer, firms):
    header = [h.replace("（", " (").replace("）", ")") for h in X.headers()]
    run = upload(
        unit_officer, X.workbook([X.row(firms["a"].credit_code)], header=header, title=False)
    )
    assert run.status == "committed", run.errors


def test_no_header_row(unit_officer):
    run = upload(unit_officer, X.workbook([["a", "b"]], header=["x", "y"]))
    assert codes(run)[0] == "header_row_not_found"


def test_locked_period_is_refused(unit_officer, city_officer, firms):
    period = services.period_open(actor=city_officer, code=PERIOD)
    services.period_lock(actor=city_officer, period=period)
    run = upload(unit_officer, X.workbook([X.row(firms["a"].credit_code)]))
    assert run.status == "rejected" and codes(run) == ["period_locked"]
    assert MonitoringValue.objects.count() == 0
    services.period_unlock(actor=city_officer, period=period, reason="企业更正数据")
    assert upload(unit_officer, X.workbook([X.row(firms["a"].credit_code)])).status == "committed"


def test_future_and_malformed_periods(unit_officer, firms):
    run = upload(unit_officer, X.workbook([X.row(firms["a"].credit_code)]), period="2099-01")
    assert codes(run) == ["period_in_future"]
    with pytest.raises(services.MonitoringError) as exc:
        upload(unit_officer, X.workbook([X.row(firms["a"].credit_code)]), period="2026-13")
    assert exc.value.code == "invalid_period"


def test_january_combined_into_february(unit_officer, city_officer, firms):
    services.period_open(actor=city_officer, code="2026-02", combines_january=True)
    run = upload(unit_officer, X.workbook([X.row(firms["a"].credit_code)]), period="2026-01")
    assert codes(run) == ["period_combined"]


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda good: b"", "file_empty"),
        (lambda good: "统一社会信用代码,企业名称\n".encode(), "not_xlsx"),
        (lambda good: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "xls_not_supported"),
        (lambda good: b"PK\x03\x04" + b"\x00" * 100, "not_xlsx"),
        (lambda good: X.rezip(good, replace={"[Content_Types].xml": b"<Types/>"}), "not_xlsx"),
        (lambda good: X.xlsm(good), "macro_enabled"),
        (lambda good: X.rezip(good, add={"xl/vbaProject.bin": b"x"}), "macro_enabled"),
        (lambda good: X.zip_bomb(good), "zip_bomb"),
        (lambda good: good[: len(good) // 2], "not_xlsx"),
        (
            lambda good: X.rezip(good, replace={"xl/worksheets/sheet1.xml": b"<not-xml"}),
            "file_unreadable",
        ),
    ],
)
def test_bad_files_are_refused_before_parsing(unit_officer, firms, make, code):
    good = X.workbook([X.row(firms["a"].credit_code)])
    with pytest.raises(services.MonitoringError) as exc:
        upload(unit_officer, make(good))
    assert exc.value.code == code
    run = ImportRun.objects.get(pk=exc.value.fields["import_id"])
    assert run.status == "rejected" and run.error_code == code
    assert MonitoringValue.objects.count() == 0


def test_oversized_file(unit_officer, firms, monkeypatch):
    from zjtx.monitoring.imports import filecheck

    monkeypatch.setattr(filecheck, "MAX_UPLOAD_BYTES", 1000)
    with pytest.raises(services.MonitoringError) as exc:
        upload(unit_officer, X.workbook([X.row(firms["a"].credit_code)]))
    assert exc.value.code == "file_too_large"


def test_failure_midway_stores_nothing(unit_officer, firms, monkeypatch):
    upload(unit_officer, X.workbook([X.row(firms["a"].credit_code)]))
    before = list(
        MonitoringValue.objects.order_by("indicator_id").values_list("indicator_id", "value")
    )
    runs = ImportRun.objects.count()
    from zjtx.monitoring.imports import load

    moved = []

    def failing(model, columns, rows):
        # By now the old value is in history and deleted from the current table.
        moved.append(MonitoringValueHistory.objects.count())
        raise RuntimeError("disk full")

    monkeypatch.setattr(load, "_bulk_insert", failing)
    with pytest.raises(RuntimeError):
        upload(unit_officer, X.workbook([X.row(firms["a"].credit_code, 营业收入=1)]))
    assert moved == [1]
    assert (
        list(MonitoringValue.objects.order_by("indicator_id").values_list("indicator_id", "value"))
        == before
    )
    assert MonitoringValueHistory.objects.count() == 0
    assert ImportRun.objects.count() == runs


def test_other_roles_cannot_import(make_user, firms):
    from zjtx.accounts.models import Role

    user = make_user(Role.ENTERPRISE, enterprise=firms["a"])
    with pytest.raises(services.MonitoringForbidden):
        upload(user, X.workbook([X.row(firms["a"].credit_code)]))


def test_confirm_commits_the_stored_dry_run(unit_officer, firms):
    dry = upload(unit_officer, X.workbook([X.row(firms["a"].credit_code)]), dry_run=True)
    run = services.import_confirm(actor=unit_officer, run=dry)
    assert run.status == "committed" and run.source_run_id == dry.pk and run.sha256 == dry.sha256
    assert MonitoringValue.objects.count() == 13
    with pytest.raises(services.MonitoringConflict):
        services.import_confirm(actor=unit_officer, run=dry)


def test_only_the_uploader_confirms(unit_officer, other_unit_officer, firms):
    dry = upload(unit_officer, X.workbook([X.row(firms["a"].credit_code)]), dry_run=True)
    with pytest.raises(services.MonitoringNotFound):
        services.import_confirm(actor=other_unit_officer, run=dry)


def test_enterprise_deleted_during_the_load_stores_nothing(unit_officer, firms, monkeypatch):
    from zjtx.enterprises.models import Enterprise
    from zjtx.monitoring.imports import load

    real = load.existing_values

    def vanish(period_id, enterprise_ids):
        Enterprise.objects.filter(pk=firms["b"].pk)._raw_delete("default")
        return real(period_id, enterprise_ids)

    monkeypatch.setattr(services.imports, "existing_values", vanish)
    rows = [X.row(firms["a"].credit_code), X.row(firms["b"].credit_code)]
    with pytest.raises(services.MonitoringConflict) as exc:
        upload(unit_officer, X.workbook(rows))
    assert exc.value.code == "concurrent_import"
    assert MonitoringValue.objects.count() == 0


from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from zjtx.monitoring.imports.rows import parse_number  # noqa: E402

FULL_WIDTH = str.maketrans("0123456789.,-", "０１２３４５６７８９．，－")


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False))
def test_parse_number_reads_every_written_form(value):
    plain = f"{value:f}"
    grouped = f"{value:,.2f}"
    for text in (plain, grouped, f"  {grouped} ", grouped.translate(FULL_WIDTH)):
        assert parse_number(text) == value
    assert parse_number(float(value)) == Decimal(repr(float(value)))


def test_a_parser_panic_is_a_400_not_a_500(unit_officer, firms, monkeypatch):
    from zjtx.monitoring.imports import reader

    class PanicException(BaseException):  # what pyo3 raises when Rust code panics
        pass

    def panic(_stream):
        raise PanicException("index out of bounds")

    monkeypatch.setattr(reader.CalamineWorkbook, "from_filelike", panic)
    with pytest.raises(services.MonitoringError) as exc:
        upload(unit_officer, X.workbook([X.row(firms["a"].credit_code)]))
    assert exc.value.code == "file_unreadable"
