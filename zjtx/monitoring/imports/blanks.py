"""Blank cells over stored values: listed in the run so the officer sees what a blank would clear.

A blank means "not reported" by default; the list says which stored values a load keeps (or,
with clear_blanks, removes). Built from the values already read for the comparison plus one
query for the names of the enterprises concerned: nothing per row.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from zjtx.enterprises.models import Enterprise

from .headers import ColumnMap
from .load import Existing

# The run keeps this many cells for the page and the API; the count covers all of them.
BLANK_LIST_LIMIT = 1000


def _entry_value(value: Any, text: str, factor: Decimal, is_text: bool) -> str:
    """The stored value as the template asks for it (万元 for money), e.g. 1000.5."""
    if is_text or value is None:
        return text or ""
    number = Decimal(str(value)) / factor
    shown = format(number.normalize(), "f")
    return shown


def blank_cells(
    blanks: list[tuple[int, int]],
    old: Existing,
    row_of: dict[int, int],
    columns: ColumnMap,
) -> list[dict[str, Any]]:
    """One entry per blank cell over a stored value, in row then column order (capped)."""
    if not blanks:
        return []
    by_indicator = {c.indicator.pk: c for c in columns.columns}
    order = {c.indicator.pk: n for n, c in enumerate(columns.columns)}
    keys = sorted(blanks, key=lambda k: (row_of.get(k[0], 0), order.get(k[1], 0)))
    keys = keys[:BLANK_LIST_LIMIT]
    names = dict(Enterprise.objects.filter(pk__in={e for e, _i in keys}).values_list("pk", "name"))
    template = _("Row %(row)s %(enterprise)s %(indicator)s: %(old)s on file, blank this time")
    cells = []
    for e, i in keys:
        column = by_indicator[i]
        indicator = column.indicator
        value, text = old[(e, i)]
        shown = _entry_value(value, text, indicator.factor, indicator.is_text)
        if not indicator.is_text and indicator.unit:
            shown = f"{shown} {indicator.unit}"
        row = row_of.get(e)
        cells.append(
            {
                "row": row,
                "enterprise": names.get(e, ""),
                "indicator": indicator.code,
                "column": column.header,
                "old": shown,
                "message": template
                % {
                    "row": row,
                    "enterprise": names.get(e, ""),
                    "indicator": indicator.name,
                    "old": shown,
                },
            }
        )
    return cells
