"""A workbook saved by LibreOffice (as WPS/Excel users' files differ from xlsxwriter's)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from zjtx.monitoring import services

from . import xlsx_files as X
from .conftest import PERIOD

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed"),
]


def test_file_resaved_by_libreoffice_imports(tmp_path, unit_officer, firms):
    source = tmp_path / "in.xlsx"
    source.write_bytes(X.workbook([X.row(firms["a"].credit_code, 营业收入="1,234.5")]))
    out = tmp_path / "out"
    subprocess.run(
        [SOFFICE, "--headless", "--convert-to", "xlsx", "--outdir", str(out), str(source)],
        check=True,
        timeout=120,
        capture_output=True,
    )
    data = (out / "in.xlsx").read_bytes()
    run = services.import_upload(
        actor=unit_officer, period_code=PERIOD, data=data, original_name="lo.xlsx"
    )
    assert run.status == "committed", run.errors
