"""Workbooks saved by LibreOffice Calc, whose bytes differ from xlsxwriter's (as WPS and
Excel users' files do): shared strings everywhere, its own styles, a docProps/app.xml.

The files in fixtures/libreoffice/ were written by LibreOffice; fixtures/
make_libreoffice_fixtures.py regenerates them. These tests need no LibreOffice, except the
live re-save at the end, which skips without soffice.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from zjtx.monitoring import services
from zjtx.monitoring.imports.filecheck import OLE2_SIGNATURE, check_xlsx
from zjtx.monitoring.models import ImportRun, MonitoringValue

from . import xlsx_files as X
from .conftest import PERIOD
from .fixtures import make_libreoffice_fixtures as lo

pytestmark = pytest.mark.django_db

FIXTURES = lo.OUT_DIR
CODE = "统一社会信用代码"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
# The live re-save needs Calc, not only the office core (Debian's Writer-only install has none).
HAS_CALC = SOFFICE is not None and (Path(os.path.realpath(SOFFICE)).parent / "libsclo.so").exists()


@pytest.fixture
def lo_firms(make_enterprise, units):
    """The enterprises the fixture files name, under their fixed credit codes."""
    return {
        "a": make_enterprise("芜湖甲精密机械有限公司", units["镜湖区"], credit_code=lo.FIRM_A),
        "b": make_enterprise("芜湖乙新材料有限公司", units["镜湖区"], credit_code=lo.FIRM_B),
        "w": make_enterprise("无为丙电缆有限公司", units["无为市"], credit_code=lo.FIRM_W),
    }


def upload(actor, name: str) -> ImportRun:
    return services.import_upload(
        actor=actor,
        period_code=PERIOD,
        data=(FIXTURES / name).read_bytes(),
        original_name=name,
    )


def test_every_fixture_was_written_by_libreoffice():
    names = sorted(path.name for path in FIXTURES.iterdir() if path.suffix in (".xlsx", ".xlsm"))
    assert names == sorted([*lo.CASES, lo.MACRO_CASE])
    for name in lo.CASES:
        data = (FIXTURES / name).read_bytes()
        assert lo.written_by_libreoffice(data), name
        check_xlsx(data)  # LibreOffice's packages pass the file check, inflation included
    assert lo.written_by_libreoffice((FIXTURES / lo.MACRO_CASE).read_bytes())


def test_normalisation_commits_the_right_values(unit_officer, lo_firms):
    run = upload(unit_officer, "normalisation.xlsx")
    assert run.status == "committed", run.errors
    assert (run.rows_total, run.rows_accepted, run.rows_rejected, run.rows_blank) == (2, 2, 0, 1)
    stored = {
        (firm, code): (value, text)
        for firm, code, value, text in MonitoringValue.objects.values_list(
            "enterprise__credit_code", "indicator__code", "value", "text_value"
        )
    }
    a, b = lo.FIRM_A, lo.FIRM_B
    assert stored == {
        (a, "operating_revenue"): (Decimal("12345000.00"), ""),  # １，２３４．５ 万元
        (a, "main_business_revenue"): (Decimal("9000000.00"), ""),  # " 900 "
        (a, "total_profit"): (Decimal("-500000.00"), ""),  # (50)
        (a, "taxes"): (Decimal("123000.00"), ""),  # 12.30
        (a, "electricity"): (Decimal("100000.00"), ""),  # 100,000 千瓦时
        (a, "employees"): (Decimal("85.00"), ""),  # ８５
        (a, "rd_spending"): (Decimal("300000.00"), ""),  # 30万元
        (a, "problems_and_demands"): (None, "有诉求"),  # spaces trimmed; "-" stored nothing
        (b, "operating_revenue"): (Decimal("12345600.00"), ""),  # 1,234.56
        (b, "main_business_revenue"): (Decimal("20000000.00"), ""),  # "  2,000 "
        (b, "total_profit"): (Decimal("888000.00"), ""),  # 88.8, a number cell
        (b, "taxes"): (Decimal("5000.00"), ""),  # ０．５
        (b, "electricity"): (Decimal("12345678.00"), ""),  # 12,345,678
        (b, "employees"): (Decimal("120.00"), ""),  # " 120 "
    }


# file: ((rows_total, rows_accepted, rows_rejected), [(row, cell, column, code), ...])
ROW_ERRORS = {
    "invalid_credit_code.xlsx": ((2, 1, 1), [(5, "B5", CODE, "credit_code_invalid")]),
    "unknown_enterprise.xlsx": ((2, 1, 1), [(5, "B5", CODE, "enterprise_unknown")]),
    "out_of_scope.xlsx": ((2, 1, 1), [(5, "B5", CODE, "enterprise_out_of_scope")]),
    "duplicate_enterprise.xlsx": ((3, 2, 1), [(6, "B6", CODE, "duplicate_enterprise")]),
    "not_a_number.xlsx": (
        (2, 0, 2),
        [
            (4, "D4", "营业收入（万元）", "not_a_number"),
            (5, "F5", "利润总额（万元）", "not_a_number"),
        ],
    ),
    "out_of_range.xlsx": (
        (2, 0, 2),
        [
            (4, "D4", "营业收入（万元）", "above_maximum"),
            (5, "J5", "从业人员（人）", "below_minimum"),
        ],
    ),
}


@pytest.mark.parametrize("name", ROW_ERRORS)
def test_row_errors_name_the_row_cell_and_column(unit_officer, lo_firms, name):
    counts, errors = ROW_ERRORS[name]
    run = upload(unit_officer, name)
    assert run.status == "rejected" and run.error_code == "row_errors"
    assert [(e["row"], e["cell"], e["column"], e["code"]) for e in run.errors] == errors
    for error in run.errors:
        assert f"第{error['row']}行" in error["message"] and error["cell"] in error["message"]
    assert (run.rows_total, run.rows_accepted, run.rows_rejected) == counts
    assert MonitoringValue.objects.count() == 0


def test_duplicate_enterprise_names_the_first_row(unit_officer, lo_firms):
    run = upload(unit_officer, "duplicate_enterprise.xlsx")
    assert "第4行" in run.errors[0]["message"]  # lower case and a leading space still match


def test_wrong_headers_list_expected_vs_found(unit_officer, lo_firms):
    run = upload(unit_officer, "wrong_headers.xlsx")
    assert run.status == "rejected" and run.error_code == "header_mismatch"
    assert [(e["code"], e["row"], e["cell"], e["column"]) for e in run.errors] == [
        ("header_unit_mismatch", 3, "D3", "营业收入（元）"),
        ("unknown_header", 3, "E3", "主营收入（万元）"),
        ("missing_header", 3, "", "主营业务收入（万元）"),
        ("missing_header", 3, "", "存在问题和诉求"),
        ("headers_expected", None, "", ""),
    ]
    assert "营业收入（万元）" in run.errors[-1]["message"]  # expected
    assert "营业收入（元）" in run.errors[-1]["message"]  # found
    assert MonitoringValue.objects.count() == 0


def test_macro_workbook_saved_by_libreoffice_is_refused(unit_officer, lo_firms):
    data = (FIXTURES / lo.MACRO_CASE).read_bytes()
    vba = zipfile.ZipFile(io.BytesIO(data)).read("xl/vbaProject.bin")
    assert vba.startswith(OLE2_SIGNATURE) and b"Module=Module1" in vba  # a real VBA project
    with pytest.raises(services.MonitoringError) as exc:
        upload(unit_officer, lo.MACRO_CASE)
    assert exc.value.code == "macro_enabled"
    run = ImportRun.objects.get(pk=exc.value.fields["import_id"])
    assert run.status == "rejected" and run.error_code == "macro_enabled"
    assert not run.file
    assert MonitoringValue.objects.count() == 0


def test_locked_period_refuses_the_file(unit_officer, city_officer, lo_firms):
    period = services.period_open(actor=city_officer, code=PERIOD)
    services.period_lock(actor=city_officer, period=period)
    run = upload(unit_officer, "locked_period.xlsx")
    assert run.status == "rejected" and run.error_code == "period_locked"
    assert [e["code"] for e in run.errors] == ["period_locked"]
    assert MonitoringValue.objects.count() == 0


@pytest.mark.skipif(not HAS_CALC, reason="LibreOffice Calc is not installed")
def test_file_resaved_by_libreoffice_imports(tmp_path, unit_officer, firms):
    source = tmp_path / "in.xlsx"
    source.write_bytes(X.workbook([X.row(firms["a"].credit_code, 营业收入="1,234.5")]))
    out = tmp_path / "out"
    subprocess.run(
        [
            str(SOFFICE),
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        timeout=120,
        capture_output=True,
    )
    data = (out / "in.xlsx").read_bytes()
    assert lo.written_by_libreoffice(data)
    run = services.import_upload(
        actor=unit_officer, period_code=PERIOD, data=data, original_name="lo.xlsx"
    )
    assert run.status == "committed", run.errors
    revenue = MonitoringValue.objects.get(indicator__code="operating_revenue")
    assert revenue.value == Decimal("12345000.00")
