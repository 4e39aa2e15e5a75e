"""Map the header row of an upload to the indicator catalogue and report what does not fit.

Headers are compared after NFKC (full-width brackets become ASCII) and without spaces or
line breaks, so "营业收入 (万元)", "营业收入（万元）" and "营业收入\n（万元）" are one column.
A stated unit must match the catalogue: "营业收入（元）" would store values 10,000× too large.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..models import Indicator
from .messages import at_cell, at_row, cell_ref, problem_text

CODE_HEADERS = frozenset({"统一社会信用代码", "社会信用代码", "信用代码"})
NAME_HEADERS = frozenset({"企业名称", "单位名称", "企业(单位)名称"})
SERIAL_HEADERS = frozenset({"序号"})
CODE_HEADER = "统一社会信用代码"
NAME_HEADER = "企业名称"
SERIAL_HEADER = "序号"
HEADER_SEARCH_ROWS = 10
_UNIT_RE = re.compile(r"^(.*?)\(([^()]*)\)$")
_SPACE_RE = re.compile(r"\s+")


def normalize_header(value: Any) -> str:
    if value is None:
        return ""
    return _SPACE_RE.sub("", unicodedata.normalize("NFKC", str(value)))


def split_unit(header: str) -> tuple[str, str]:
    match = _UNIT_RE.match(header)
    if match:
        return match.group(1), match.group(2)
    return header, ""


@dataclass
class IndicatorColumn:
    col: int
    indicator: Indicator
    header: str  # as the file has it, for messages


@dataclass
class ColumnMap:
    header_index: int = -1  # 0-based index of the header row in the sheet
    code_col: int = -1
    name_col: int | None = None
    columns: list[IndicatorColumn] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)


def _error(row: int | None, col: int | None, column: str, code: str, **params: Any) -> dict:
    problem = problem_text(code, **params)
    if row is None:
        return {"row": None, "column": column, "cell": "", "code": code, "message": problem}
    if col is None:
        return {
            "row": row,
            "column": column,
            "cell": "",
            "code": code,
            "message": at_row(row, problem),
        }
    cell = cell_ref(row, col)
    return {
        "row": row,
        "column": column,
        "cell": cell,
        "code": code,
        "message": at_cell(row, column, cell, problem),
    }


def map_headers(rows: Sequence[Sequence[Any]], indicators: Sequence[Indicator]) -> ColumnMap:
    """Find the header row, map every column, list missing, unknown and doubled columns."""
    result = ColumnMap()
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if any(normalize_header(v) in CODE_HEADERS for v in row):
            result.header_index = index
            break
    if result.header_index < 0:
        result.errors.append(
            _error(
                None,
                None,
                CODE_HEADER,
                "header_row_not_found",
                header=CODE_HEADER,
                rows=HEADER_SEARCH_ROWS,
            )
        )
        return result
    excel_row = result.header_index + 1
    by_name = {normalize_header(ind.name): ind for ind in indicators}
    seen: dict[int, int] = {}
    found: list[str] = []
    for col, raw in enumerate(rows[result.header_index]):
        header = normalize_header(raw)
        if not header:
            continue
        shown = str(raw).strip()
        found.append(shown)
        if header in SERIAL_HEADERS:
            continue
        if header in CODE_HEADERS:
            if result.code_col >= 0:
                result.errors.append(
                    _error(excel_row, col, shown, "duplicate_header", header=shown)
                )
            result.code_col = col
            continue
        if header in NAME_HEADERS:
            result.name_col = col
            continue
        name, unit = split_unit(header)
        indicator = by_name.get(name) or by_name.get(header)
        if indicator is None:
            result.errors.append(_error(excel_row, col, shown, "unknown_header", header=shown))
            continue
        if unit and name in by_name and not indicator.is_text:
            if unit != normalize_header(indicator.unit):
                result.errors.append(
                    _error(
                        excel_row,
                        col,
                        shown,
                        "header_unit_mismatch",
                        header=shown,
                        expected=indicator.header,
                    )
                )
                continue
        if indicator.pk in seen:
            result.errors.append(_error(excel_row, col, shown, "duplicate_header", header=shown))
            continue
        seen[indicator.pk] = col
        result.columns.append(IndicatorColumn(col, indicator, shown))
    mapped = set(seen)
    for indicator in indicators:
        if indicator.pk not in mapped and not any(
            e["code"] in ("header_unit_mismatch", "duplicate_header")
            and e["column"]
            and split_unit(normalize_header(e["column"]))[0] == normalize_header(indicator.name)
            for e in result.errors
        ):
            result.errors.append(
                _error(excel_row, None, indicator.header, "missing_header", header=indicator.header)
            )
    if result.errors:
        expected = [SERIAL_HEADER, CODE_HEADER, NAME_HEADER, *(i.header for i in indicators)]
        result.errors.append(
            _error(
                None,
                None,
                "",
                "headers_expected",
                expected="、".join(expected),
                found="、".join(found),
            )
        )
    return result
