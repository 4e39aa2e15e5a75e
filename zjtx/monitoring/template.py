"""The monthly xlsx template: title row, note row, Chinese headers with units, the caller's
enterprises pre-listed (DOMAIN.md §9). The import maps exactly these headers back."""

from __future__ import annotations

import io
from collections.abc import Sequence

import xlsxwriter
from django.conf import settings
from django.utils.translation import gettext as _

from .imports.headers import CODE_HEADER, NAME_HEADER, SERIAL_HEADER
from .models import Indicator

FIRST_DATA_ROW = 3  # 0-based: title, note, headers, then data


def build_template(
    *,
    period_label: str,
    period_code: str,
    reporting_unit: str,
    indicators: Sequence[Indicator],
    enterprises: Sequence[tuple[str, str]],
) -> bytes:
    """xlsx bytes of the template for one period and scope."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False})
    ws = wb.add_worksheet(period_code)
    title_fmt = wb.add_format({"bold": True, "font_size": 16, "align": "center"})
    note_fmt = wb.add_format({"align": "left"})
    head_fmt = wb.add_format(
        {
            "bold": True,
            "border": 1,
            "bg_color": "#DDEBF7",
            "align": "center",
            "valign": "vcenter",
            "text_wrap": True,
        }
    )
    text_fmt = wb.add_format({"border": 1, "num_format": "@"})
    money_fmt = wb.add_format({"border": 1, "num_format": "#,##0.00"})
    whole_fmt = wb.add_format({"border": 1, "num_format": "#,##0"})
    free_fmt = wb.add_format({"border": 1, "text_wrap": True})
    headers = [SERIAL_HEADER, CODE_HEADER, NAME_HEADER, *(i.header for i in indicators)]
    last_col = len(headers) - 1
    title = _("%(department)s SRDI enterprise operations monitoring report, %(period)s") % {
        "department": settings.ZJTX_DEPARTMENT_NAME,
        "period": period_label,
    }
    ws.merge_range(0, 0, 0, last_col, title, title_fmt)
    note = _(
        "Reporting unit (seal): %(unit)s        Unit: 10,000 yuan unless stated        Period: %(period)s"
    ) % {"unit": reporting_unit, "period": period_code}
    ws.merge_range(1, 0, 1, last_col, note, note_fmt)
    ws.set_row(2, 36)
    ws.write_row(2, 0, headers, head_fmt)
    ws.set_column(0, 0, 6)
    ws.set_column(1, 1, 22, text_fmt)
    ws.set_column(2, 2, 34)
    last_row = FIRST_DATA_ROW + max(len(enterprises), 1) + 200  # room for added rows
    for offset, indicator in enumerate(indicators):
        col = 3 + offset
        if indicator.is_text:
            ws.set_column(col, col, 40, free_fmt)
            continue
        fmt = whole_fmt if indicator.decimal_places == 0 else money_fmt
        ws.set_column(col, col, max(12, len(indicator.header) * 2), fmt)
        if indicator.min_value is not None and indicator.max_value is not None:
            ws.data_validation(
                FIRST_DATA_ROW,
                col,
                last_row,
                col,
                {
                    "validate": "integer" if indicator.decimal_places == 0 else "decimal",
                    "criteria": "between",
                    "minimum": float(indicator.min_value),
                    "maximum": float(indicator.max_value),
                    "error_title": indicator.name,
                    "error_message": (
                        _("Enter a number between %(low)s and %(high)s (%(unit)s).")
                        % {
                            "low": f"{indicator.min_value.normalize():f}",
                            "high": f"{indicator.max_value.normalize():f}",
                            "unit": indicator.unit,
                        }
                    )[:255],
                },
            )
    for index, (code, name) in enumerate(enterprises, start=1):
        row = FIRST_DATA_ROW + index - 1
        ws.write_number(row, 0, index)
        ws.write_string(row, 1, code, text_fmt)
        ws.write_string(row, 2, name)
    ws.freeze_panes(FIRST_DATA_ROW, 3)
    wb.close()
    return buf.getvalue()
