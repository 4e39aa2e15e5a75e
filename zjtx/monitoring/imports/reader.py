"""Read the first visible worksheet with python-calamine (Rust), 6-7× faster than openpyxl
for a 20,000-row sheet (perf-floors-security.md A.2). Rows keep their sheet positions, so
row index + 1 is the row number Excel shows."""

from __future__ import annotations

import io
import logging
from typing import Any

from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from zjtx.monitoring.errors import MonitoringErrorCode

from .filecheck import FileProblem

log = logging.getLogger(__name__)


def read_first_sheet(data: bytes) -> list[list[Any]]:
    """All rows of the first visible worksheet, from A1; raise FileProblem when unreadable."""
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        index = None
        for i, meta in enumerate(workbook.sheets_metadata):
            if meta.typ == SheetTypeEnum.WorkSheet and meta.visible == SheetVisibleEnum.Visible:
                index = i
                break
        if index is None:
            raise FileProblem(MonitoringErrorCode.NO_WORKSHEET)
        rows: list[list[Any]] = workbook.get_sheet_by_index(index).to_python(skip_empty_area=False)
    except FileProblem:
        raise
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as exc:
        # calamine raises several types for damaged files, and a Rust panic surfaces as
        # pyo3's PanicException (a BaseException): all of them mean "unreadable", never a 500.
        log.info("calamine could not read an upload: %r", exc)
        raise FileProblem(MonitoringErrorCode.FILE_UNREADABLE, type(exc).__name__) from exc
    return rows
