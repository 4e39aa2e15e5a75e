"""Validate every data row and collect every error (never stop at the first).

Normalised on the way in (issue 5): full-width digits and punctuation (NFKC), thousands
separators, numbers typed as text, surrounding spaces, lower-case credit codes, blank rows.
A row with any error is rejected as a whole; its values are never half-stored.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from zjtx.core import credit_code

from .headers import CODE_HEADER, ColumnMap
from .messages import at_cell, column_letter, problem_text

FEN = Decimal("0.01")
_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_GROUPED_RE = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
_PLACEHOLDERS = frozenset({"-", "--", "—", "——", "/", "\\"})
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class EnterpriseRef:
    id: int
    unit_id: int


# (enterprise_id, indicator_id, value in the stored unit or None, text), in file order
ValueRows = list[tuple[int, int, Decimal | None, str]]


@dataclass
class RowOutcome:
    rows_total: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    rows_blank: int = 0
    values: ValueRows = field(default_factory=list)
    enterprise_ids: set[int] = field(default_factory=set)
    errors: list[dict[str, Any]] = field(default_factory=list)
    row_of: dict[int, int] = field(default_factory=dict)  # enterprise id -> Excel row


def _shown(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _is_blank(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, str) and not value.strip())


def parse_number(value: Any, unit: str = "") -> Decimal | None:
    """A cell as Decimal; None when blank or a placeholder dash; ValueError when not a number."""
    kind = type(value)
    if kind is float or kind is int:
        number = Decimal(repr(value)) if kind is float else Decimal(value)
        if not number.is_finite():
            raise ValueError(value)
        return number
    if kind is not str:
        raise ValueError(value)  # bool, dates, times: typed into a number column by mistake
    text = _SPACES.sub("", unicodedata.normalize("NFKC", value)).replace("−", "-")
    if not text or text in _PLACEHOLDERS:
        return None
    if unit and text.endswith(unit):
        text = text[: -len(unit)]
    negative = text.startswith("(") and text.endswith(")")  # accounting style (123.45)
    if negative:
        text = text[1:-1]
    if "," in text:
        if not _GROUPED_RE.match(text):
            raise ValueError(value)
        text = text.replace(",", "")
    if not _NUMBER_RE.match(text):
        raise ValueError(value)
    number = Decimal(text)
    return -number if negative else number


def _limit(value: Decimal) -> str:
    return f"{value.normalize():f}"


def validate_rows(
    rows: Sequence[Sequence[Any]],
    columns: ColumnMap,
    *,
    in_scope: dict[str, EnterpriseRef],
    classify_missing: Callable[[set[str]], set[str]],
) -> RowOutcome:
    """Check every row; `classify_missing` returns which codes exist outside the scope.

    The common cell (a float from calamine) takes the short path; text cells go through
    `parse_number`. An enterprise already registered is accepted by its code even when the
    code fails the GB 32100 check (staff may have accepted such a real code).
    """
    out = RowOutcome()
    code_col = columns.code_col
    code_letter = column_letter(code_col)
    specs = []
    for c in columns.columns:
        ind = c.indicator
        specs.append(
            (
                c.col,
                ind.pk,
                ind.is_text,
                None if ind.factor == 1 else ind.factor,
                *value_bounds(ind),
                ind.decimal_places == 0,
                # for messages and the slow path only
                (c.header, column_letter(c.col), ind.max_length, "" if ind.is_text else ind.unit),
            )
        )
    value_cols = [spec[0] for spec in specs]
    needed = max([code_col, *value_cols]) + 1
    padding = [""] * needed
    seen: dict[str, int] = {}
    pending: list[tuple[int, str]] = []
    values = out.values
    for index in range(columns.header_index + 1, len(rows)):
        row = rows[index]
        if len(row) < needed:  # calamine rows are rectangular; a short row reads as blanks
            row = [*row, *padding[len(row) :]]
        excel_row = index + 1
        raw_code = row[code_col]
        has_values = False
        for col in value_cols:
            cell = row[col]
            if cell != "" and cell is not None and not (type(cell) is str and not cell.strip()):
                has_values = True
                break
        if not has_values:
            if not _is_blank(raw_code):
                out.rows_blank += 1
            continue
        out.rows_total += 1
        errors: list[dict[str, Any]] = []
        enterprise: EnterpriseRef | None = None
        code = ""
        if type(raw_code) is str and raw_code in in_scope:
            code = raw_code  # the exact code the template listed
        elif _is_blank(raw_code):
            errors.append(_cell_error(excel_row, code_letter, CODE_HEADER, "credit_code_missing"))
        else:
            normalized = credit_code.normalize(_shown(raw_code))
            if normalized in in_scope:
                code = normalized
            else:
                checked = credit_code.check(normalized)
                if checked.valid:
                    code = normalized
                else:
                    errors.append(
                        _cell_error(
                            excel_row,
                            code_letter,
                            CODE_HEADER,
                            "credit_code_invalid",
                            value=_shown(raw_code),
                            reason=credit_code.first_error_message(checked),
                        )
                    )
        if code:
            first = seen.get(code)
            if first is not None:
                errors.append(
                    _cell_error(
                        excel_row,
                        code_letter,
                        CODE_HEADER,
                        "duplicate_enterprise",
                        value=code,
                        first=first,
                    )
                )
                code = ""
            else:
                seen[code] = excel_row
                enterprise = in_scope.get(code)
        enterprise_id = enterprise.id if enterprise is not None else 0
        row_values: list[tuple[int, int, Decimal | None, str]] = []
        for col, ind_id, is_text, factor, low, high, whole, detail in specs:
            raw = row[col]
            if type(raw) is float and not is_text:
                # The common cell (a number, as calamine gives it), when it passes every
                # check: the same tests as below, without building any message.
                number = Decimal(repr(raw))
                if (
                    number.is_finite()
                    and (not whole or number == number.to_integral_value())
                    and (low is None or number >= low)
                    and (high is None or number <= high)
                ):
                    if factor is not None:
                        number = number * factor
                    row_values.append((enterprise_id, ind_id, number.quantize(FEN), ""))
                    continue
            header, letter, max_len, unit = detail
            kind = type(raw)
            if is_text:
                text = "" if _is_blank(raw) else _shown(raw).replace("\x00", "")
                if len(text) > max_len:
                    errors.append(
                        _cell_error(
                            excel_row,
                            letter,
                            header,
                            "text_too_long",
                            length=len(text),
                            limit=max_len,
                        )
                    )
                elif text:
                    row_values.append((enterprise_id, ind_id, None, text))
                continue
            if kind is float:
                number = Decimal(repr(raw))
            elif raw == "":
                continue
            else:
                try:
                    parsed = parse_number(raw, unit)
                except (ValueError, InvalidOperation):
                    errors.append(
                        _cell_error(excel_row, letter, header, "not_a_number", value=_shown(raw))
                    )
                    continue
                if parsed is None:
                    continue
                number = parsed
            if not number.is_finite():
                errors.append(
                    _cell_error(excel_row, letter, header, "not_a_number", value=_shown(raw))
                )
                continue
            if whole and number != number.to_integral_value():
                errors.append(
                    _cell_error(excel_row, letter, header, "not_an_integer", value=_shown(raw))
                )
                continue
            if low is not None and number < low:
                errors.append(
                    _cell_error(
                        excel_row,
                        letter,
                        header,
                        "below_minimum",
                        value=_shown(raw),
                        limit=_limit(low),
                    )
                )
                continue
            if high is not None and number > high:
                errors.append(
                    _cell_error(
                        excel_row,
                        letter,
                        header,
                        "above_maximum",
                        value=_shown(raw),
                        limit=_limit(high),
                        unit=unit,
                    )
                )
                continue
            if factor is not None:
                number = number * factor
            row_values.append((enterprise_id, ind_id, number.quantize(FEN), ""))
        if errors:
            out.errors.extend(errors)
        if code and enterprise is None:
            pending.append((excel_row, code))  # unknown or out of scope: one query after the loop
            continue
        if errors or enterprise is None:
            out.rows_rejected += 1
            continue
        out.rows_accepted += 1
        out.enterprise_ids.add(enterprise_id)
        out.row_of[enterprise_id] = excel_row
        values.extend(row_values)
    if pending:
        outside = classify_missing({code for _, code in pending})
        for excel_row, code in pending:
            reason = "enterprise_out_of_scope" if code in outside else "enterprise_unknown"
            out.errors.append(_cell_error(excel_row, code_letter, CODE_HEADER, reason, value=code))
            out.rows_rejected += 1
        out.errors.sort(key=lambda e: (e["row"] or 0, len(e["cell"]), e["cell"]))
    return out


def _cell_error(
    excel_row: int, col_letter: str, column: str, code: str, **params: Any
) -> dict[str, Any]:
    cell = f"{col_letter}{excel_row}"
    return {
        "row": excel_row,
        "column": column,
        "cell": cell,
        "code": code,
        "message": at_cell(excel_row, column, cell, problem_text(code, **params)),
    }


# MonitoringValue.value holds 20 digits with 2 decimals (元): the widest range any
# indicator can accept, whatever its own range says (a catalogue entry may have none).
STORED_MAX = Decimal(10) ** 18 - 1


def value_bounds(indicator: Any) -> tuple[Decimal | None, Decimal | None]:
    """The indicator's range in the entry unit, narrowed to what the value column can hold."""
    if indicator.is_text:
        return indicator.min_value, indicator.max_value
    cap = (STORED_MAX / indicator.factor).to_integral_value(rounding="ROUND_FLOOR")
    low, high = indicator.min_value, indicator.max_value
    return (
        -cap if low is None or low < -cap else low,
        cap if high is None or high > cap else high,
    )


def check_cell(raw: Any, indicator: Any) -> tuple[Decimal | None, str, str]:
    """One value as the online form gets it: (number in the entry unit, error code, message).

    The same normalisation and rules as the Excel rows, for a single field.
    """
    if _is_blank(raw):
        return None, "", ""
    unit = "" if indicator.is_text else indicator.unit
    try:
        number = parse_number(raw, unit)
    except (ValueError, InvalidOperation):
        return None, "not_a_number", problem_text("not_a_number", value=_shown(raw))
    if number is None:
        return None, "", ""
    if not number.is_finite():
        return None, "not_a_number", problem_text("not_a_number", value=_shown(raw))
    if indicator.decimal_places == 0 and number != number.to_integral_value():
        return None, "not_an_integer", problem_text("not_an_integer", value=_shown(raw))
    low, high = value_bounds(indicator)
    if low is not None and number < low:
        return (
            None,
            "below_minimum",
            problem_text("below_minimum", value=_shown(raw), limit=_limit(low)),
        )
    if high is not None and number > high:
        return (
            None,
            "above_maximum",
            problem_text("above_maximum", value=_shown(raw), limit=_limit(high), unit=unit),
        )
    return number, "", ""
