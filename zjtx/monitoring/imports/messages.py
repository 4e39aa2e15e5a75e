"""Every message the import shows an officer: English msgids, Chinese in the zh_Hans catalogue.

A row error always names the row, the column header as the template has it and the cell
reference, so that the officer can go straight to the cell (issue 5: "every error must tell
them exactly which cell to fix").
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .filecheck import MAX_UPLOAD_BYTES

FILE_MESSAGES: dict[str, Any] = {
    "file_empty": gettext_lazy("The uploaded file is empty."),
    "file_too_large": gettext_lazy(
        "The file is larger than %(limit)s MB. Split it by assessment unit and upload each part."
    ),
    "xls_not_supported": gettext_lazy(
        "This is an old .xls workbook. Open it in Excel or WPS and save it as .xlsx, then upload again."
    ),
    "not_xlsx": gettext_lazy(
        "The file is not an .xlsx workbook (its content was checked, not its name). Download the template and fill it in."
    ),
    "macro_enabled": gettext_lazy(
        "The workbook contains macros (.xlsm). Save it as a plain .xlsx workbook without macros."
    ),
    "zip_bomb": gettext_lazy(
        "The file expands to an unreasonable size when opened and was refused for safety."
    ),
    "file_unreadable": gettext_lazy(
        "The workbook could not be read. Open it in Excel or WPS, save it again as .xlsx and retry."
    ),
    "no_worksheet": gettext_lazy("The workbook has no visible worksheet."),
    "invalid_period": gettext_lazy(
        "The period must be a month (YYYY-MM, e.g. 2026-10), a quarter (e.g. 2026-Q3) or a "
        "year (e.g. 2026)."
    ),
    "period_in_future": gettext_lazy("Period %(period)s has not ended yet; it cannot be reported."),
    "period_combined": gettext_lazy(
        "January %(year)s is reported together with February: upload it for period %(year)s-02."
    ),
    "period_locked": gettext_lazy(
        "Period %(period)s has been locked by the city; data can change only after an audited unlock."
    ),
}


def file_message(code: str, **params: Any) -> str:
    params.setdefault("limit", MAX_UPLOAD_BYTES // (1024 * 1024))
    return str(FILE_MESSAGES[code]) % params


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_ref(row: int, col: int) -> str:
    return f"{column_letter(col)}{row}"


def at_cell(row: int, column: str, cell: str, problem: str) -> str:
    return _("Row %(row)s, column “%(column)s” (cell %(cell)s): %(problem)s") % {
        "row": row,
        "column": column,
        "cell": cell,
        "problem": problem,
    }


def at_row(row: int, problem: str) -> str:
    return _("Row %(row)s: %(problem)s") % {"row": row, "problem": problem}


def problem_text(code: str, **p: Any) -> str:
    """The Chinese problem description for a row- or header-level code."""
    texts: dict[str, Any] = {
        "credit_code_missing": gettext_lazy("the unified social credit code is empty"),
        "credit_code_invalid": gettext_lazy("“%(value)s” is not a valid credit code: %(reason)s"),
        "enterprise_unknown": gettext_lazy(
            "no enterprise with credit code %(value)s is registered on the platform"
        ),
        "enterprise_out_of_scope": gettext_lazy(
            "enterprise %(value)s is not in your jurisdiction; only the enterprises listed in your template can be reported"
        ),
        "duplicate_enterprise": gettext_lazy(
            "enterprise %(value)s already appears in row %(first)s; keep one row per enterprise"
        ),
        "not_a_number": gettext_lazy("“%(value)s” is not a number"),
        "not_an_integer": gettext_lazy("“%(value)s” must be a whole number"),
        "below_minimum": gettext_lazy("%(value)s is below the smallest allowed value %(limit)s"),
        "above_maximum": gettext_lazy(
            "%(value)s is above the largest allowed value %(limit)s; check the unit (%(unit)s)"
        ),
        "text_too_long": gettext_lazy(
            "the text has %(length)s characters; at most %(limit)s are allowed"
        ),
        "header_row_not_found": gettext_lazy(
            "no header row with the column “%(header)s” was found in the first %(rows)s rows"
        ),
        "missing_header": gettext_lazy("the column “%(header)s” is missing"),
        "unknown_header": gettext_lazy("the column “%(header)s” is not in the template"),
        "duplicate_header": gettext_lazy("the column “%(header)s” appears twice"),
        "header_unit_mismatch": gettext_lazy(
            "the column “%(header)s” is in a different unit; the template expects “%(expected)s”"
        ),
        "headers_expected": gettext_lazy("expected columns: %(expected)s; found: %(found)s"),
        "no_data_rows": gettext_lazy("the sheet has no filled enterprise rows below the header"),
    }
    return str(texts[code]) % p
