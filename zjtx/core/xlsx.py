"""Excel export in the shape bureaus expect: title row, unit row, Chinese headers (DOMAIN.md §9)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import xlsxwriter

FORMULA_PREFIXES = ("=", "+", "-", "@")


def _safe(value: Any) -> Any:
    # OWASP ASVS V1: a text cell that starts like a formula is written as text, never evaluated.
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    if isinstance(value, Decimal):
        return float(value)  # xlsx stores IEEE doubles; values are already rounded for display
    return value


def build_table_xlsx(
    *,
    title: str,
    unit_note: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    sheet_name: str = "Sheet1",
    number_format: str = "#,##0.00",
    subtitle: str = "",
    total_columns: Iterable[int] = (),
    integer_columns: Iterable[int] = (),
) -> bytes:
    """Return xlsx bytes: merged title, a right-aligned unit row, bold headers, 序号 column.

    `total_columns` (0-based, in `headers`) get a 合计 row under the data, summed exactly in
    Decimal; `integer_columns` (headcounts, counts) are written as whole numbers ("28", not
    "28.00"), in the table and in the total.
    """
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False})
    ws = wb.add_worksheet(sheet_name[:31])
    title_fmt = wb.add_format({"bold": True, "font_size": 16, "align": "center"})
    unit_fmt = wb.add_format({"align": "right"})
    head_fmt = wb.add_format(
        {"bold": True, "border": 1, "bg_color": "#DDEBF7", "align": "center", "text_wrap": True}
    )
    cell_fmt = wb.add_format({"border": 1})
    num_fmt = wb.add_format({"border": 1, "num_format": number_format})
    int_fmt = wb.add_format({"border": 1, "num_format": "#,##0"})
    total_label_fmt = wb.add_format({"border": 1, "bold": True, "align": "center"})
    total_num_fmt = wb.add_format({"border": 1, "bold": True, "num_format": number_format})
    total_int_fmt = wb.add_format({"border": 1, "bold": True, "num_format": "#,##0"})
    totals = {c: Decimal(0) for c in total_columns}
    integers = set(integer_columns)
    date_fmt = wb.add_format({"border": 1, "num_format": "yyyy-mm-dd"})
    ncols = len(headers) + 1
    ws.merge_range(0, 0, 0, ncols - 1, title, title_fmt)
    ws.merge_range(1, 0, 1, ncols - 1, f"{subtitle}    {unit_note}".strip(), unit_fmt)
    ws.write_row(2, 0, ["序号", *headers], head_fmt)
    widths = [6] + [max(10, min(40, len(h) * 2 + 2)) for h in headers]
    r = 3
    for i, row in enumerate(rows, start=1):
        ws.write_number(r, 0, i, cell_fmt)
        for c, value in enumerate(row, start=1):
            if value is None:
                ws.write_blank(r, c, None, cell_fmt)
            elif isinstance(value, Decimal | int | float) and not isinstance(value, bool):
                if c - 1 in integers:
                    ws.write_number(r, c, round(value), int_fmt)
                else:
                    ws.write_number(r, c, _safe(value), num_fmt)
                if c - 1 in totals:
                    totals[c - 1] += Decimal(str(value))
            elif isinstance(value, datetime | date):
                ws.write_datetime(r, c, value, date_fmt)
            else:
                text = _safe(str(value))
                ws.write_string(r, c, text, cell_fmt)
                widths[c] = max(widths[c], min(60, len(text) * 2))
        r += 1
    if totals:
        ws.write_string(r, 0, "合计", total_label_fmt)
        for c in range(1, ncols):
            if c - 1 in totals:
                if c - 1 in integers:
                    ws.write_number(r, c, round(totals[c - 1]), total_int_fmt)
                else:
                    ws.write_number(r, c, float(totals[c - 1]), total_num_fmt)
            else:
                ws.write_blank(r, c, None, total_label_fmt)
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    ws.freeze_panes(3, 0)
    wb.close()
    return buf.getvalue()


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
