"""Compare validated values with the stored ones and write the difference in bulk.

The ORM is right for single forms and wrong for a 280,000-value monthly load: `bulk_create`
costs 16-17× the raw path (perf-floors-security.md A.4). So: PostgreSQL gets COPY through
Django's own connection, its text formatted here in large chunks; SQLite gets `executemany`
of multi-row INSERTs; both run inside the caller's transaction. Unchanged values are not
touched, so re-uploading the same file writes nothing, and a period with nothing stored yet
is recognised by one index probe.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from itertools import chain
from operator import itemgetter
from typing import Any

from django.db import IntegrityError, connection

from zjtx.enterprises.models import Enterprise

from ..models import Indicator, MonitoringValue, MonitoringValueHistory
from .rows import ValueRows

DELETE_CHUNK = 400  # pairs: 800 parameters, under SQLite's oldest limit of 999
IN_CLAUSE_LIMIT = 500
SQLITE_ROWS_PER_INSERT = 200  # × 4 parameters: under SQLite's oldest limit of 999
# Rows per COPY message: the server parses one chunk while the next is formatted.
COPY_CHUNK = 16384
# COPY text format: these four characters need a backslash escape in a field.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_COPY_NULL = "\\N"

# (enterprise, indicator) -> (value, text) as the database returns them
Existing = dict[tuple[int, int], tuple[Any, str]]


@dataclass
class Diff:
    inserts: ValueRows  # new and changed values
    moved: list[tuple[int, int]]  # (enterprise, indicator) replaced or removed: to history
    replaced: int
    removed: int
    unchanged: int
    # Stored values of the file's enterprises and columns whose cell is blank this time.
    blanks: list[tuple[int, int]] = field(default_factory=list)
    # Stored values of the file's enterprises that stay: blanks not cleared, columns not in it.
    kept: list[tuple[int, int]] = field(default_factory=list)

    @property
    def new_count(self) -> int:
        return len(self.inserts) - self.replaced


@dataclass(frozen=True)
class Columns:
    """The columns of a value insert: `per_row` come from each (enterprise, indicator, value,
    text) row, in that order; `fixed` are the same for every row and are written once."""

    per_row: tuple[str, str, str, str]
    fixed: tuple[tuple[str, int | str], ...]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Hold the cyclic garbage collector for the length of one import (about a second).

    A monthly load makes some 300,000 short-lived objects without cycles (cells, values, value
    tuples) that reference counting frees. The collector would still scan them hundreds of
    times (about 0.1 s of CPU), and promote the sheet's 20,000 row lists to its oldest
    generation, from where they set off full collections of the whole process (another
    0.1-0.2 s) in the middle of every second or third load. The previous state comes back
    afterwards, so nesting and a process running without the collector are safe.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def existing_values(period_id: int, enterprise_ids: set[int]) -> Existing:
    """The current values of these enterprises for the period (raw rows: no ORM converters)."""
    if not enterprise_ids:
        return {}
    table = _table(MonitoringValue)
    with connection.cursor() as cursor:
        # A new period has nothing stored: one index probe instead of reading and comparing.
        cursor.execute(f"SELECT 1 FROM {table} WHERE period_id = %s LIMIT 1", [period_id])
        if cursor.fetchone() is None:
            return {}
        sql = (
            f"SELECT enterprise_id, indicator_id, value, text_value FROM {table} "
            "WHERE period_id = %s"
        )
        params: list[Any] = [period_id]
        if connection.vendor == "postgresql":
            sql += " AND enterprise_id = ANY(%s::bigint[])"
            params.append(_pg_array(enterprise_ids))
        elif len(enterprise_ids) <= IN_CLAUSE_LIMIT:
            sql += f" AND enterprise_id IN ({', '.join(['%s'] * len(enterprise_ids))})"
            params.extend(sorted(enterprise_ids))
        cursor.execute(sql, params)
        return {
            (e, i): (value, text) for e, i, value, text in cursor.fetchall() if e in enterprise_ids
        }


def _pg_array(ids: Iterable[int]) -> str:
    """Integer ids as one array literal: adapting a 20,000-item list costs more than the query."""
    return "{" + ",".join(map(str, map(int, ids))) + "}"


def _same(new: Decimal | None, old: Any) -> bool:
    if new is None or old is None:
        return new is old
    if type(old) is float or type(old) is int:
        # SQLite hands NUMERIC back as REAL/INTEGER; 2-decimal values below 10^13 round-trip.
        return float(new) == old
    return bool(new == old)


def diff_values(
    new: ValueRows,
    enterprise_ids: set[int],
    old: Existing,
    *,
    clear_blanks: bool = True,
    indicator_ids: set[int] | None = None,
) -> Diff:
    """What to insert and what to move to history; a value equal to the stored one stays.

    A stored value of a listed enterprise with no new value is a blank: removed only with
    `clear_blanks` (the online form), else kept and listed. Indicators outside
    `indicator_ids` (columns the file does not have) are never touched.
    """
    if not old:
        return Diff(new, [], 0, 0, 0)
    inserts: ValueRows = []
    moved: list[tuple[int, int]] = []
    replaced = unchanged = 0
    seen: set[tuple[int, int]] = set()
    for row in new:
        key = (row[0], row[1])
        seen.add(key)
        current = old.get(key)
        if current is not None:
            if _same(row[2], current[0]) and row[3] == (current[1] or ""):
                unchanged += 1
                continue
            moved.append(key)
            replaced += 1
        inserts.append(row)
    blanks: list[tuple[int, int]] = []
    kept: list[tuple[int, int]] = []
    for key in old:
        if key not in seen and key[0] in enterprise_ids:
            if indicator_ids is not None and key[1] not in indicator_ids:
                kept.append(key)
            else:
                blanks.append(key)
    if clear_blanks:
        moved.extend(blanks)
    else:
        kept.extend(blanks)
    removed = len(blanks) if clear_blanks else 0
    return Diff(inserts, moved, replaced, removed, unchanged, blanks, kept)


def _table(model: Any) -> str:
    return str(connection.ops.quote_name(model._meta.db_table))


def _sql_literal(value: int | str) -> str:
    if isinstance(value, int):
        return str(value)
    return "'" + value.replace("'", "''") + "'"


def _copy_chunks(rows: ValueRows, tail: str) -> Iterator[str]:
    """COPY text of (enterprise, indicator, value, text) rows, `tail` ending every line.

    Formatted in Python and sent as large messages: psycopg's `write_row` costs more per
    row than the server's parse, above all for Decimal values. `!s` because a Decimal's
    `__format__` takes half as long again as its `__str__`.
    """
    null, escapes = _COPY_NULL, _COPY_ESCAPES
    for start in range(0, len(rows), COPY_CHUNK):
        yield "".join(
            [
                f"{e}\t{i}\t{null if v is None else v!s}\t{t.translate(escapes) if t else ''}{tail}"
                for e, i, v, t in rows[start : start + COPY_CHUNK]
            ]
        )


def _bulk_insert(model: Any, columns: Columns, rows: ValueRows) -> None:
    """Insert (enterprise, indicator, value, text) rows with the database's bulk path."""
    table = _table(model)
    names = (*columns.per_row, *(name for name, _value in columns.fixed))
    quoted = ", ".join(connection.ops.quote_name(c) for c in names)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            tail = "".join(f"\t{str(v).translate(_COPY_ESCAPES)}" for _n, v in columns.fixed)
            tail += "\n"
            with cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for chunk in _copy_chunks(rows, tail):
                    copy.write(chunk)
        else:
            # Many rows per statement: SQLite's per-statement cost is most of a one-row insert
            # (half the time of one row per statement). The fixed values are literals, so each
            # row binds only its own four. A Decimal binds as its text (Django's adapter), and
            # NUMERIC affinity stores the same REAL or INTEGER as float() would: exactly so for
            # 2-decimal values below 10^13.
            marks = ["%s"] * len(columns.per_row) + [_sql_literal(v) for _n, v in columns.fixed]
            one = f"({', '.join(marks)})"
            head = f"INSERT INTO {table} ({quoted}) VALUES "
            full = len(rows) - len(rows) % SQLITE_ROWS_PER_INSERT
            if full:
                cursor.executemany(
                    head + ", ".join([one] * SQLITE_ROWS_PER_INSERT),
                    [
                        tuple(chain.from_iterable(rows[start : start + SQLITE_ROWS_PER_INSERT]))
                        for start in range(0, full, SQLITE_ROWS_PER_INSERT)
                    ],
                )
            if full < len(rows):
                rest = rows[full:]
                cursor.execute(
                    head + ", ".join([one] * len(rest)), tuple(chain.from_iterable(rest))
                )


def _move_to_history(period_id: int, keys: list[tuple[int, int]], run_id: int, at: Any) -> None:
    """Copy the replaced rows into history and delete them, set-wise in SQL."""
    values = _table(MonitoringValue)
    history = _table(MonitoringValueHistory)
    with connection.cursor() as cursor:
        for start in range(0, len(keys), DELETE_CHUNK):
            chunk = keys[start : start + DELETE_CHUNK]
            pairs = ", ".join(["(%s, %s)"] * len(chunk))
            where = f"period_id = %s AND (enterprise_id, indicator_id) IN (VALUES {pairs})"
            flat = [period_id, *(x for key in chunk for x in key)]
            cursor.execute(
                f"INSERT INTO {history} (enterprise_id, period_id, indicator_id, value, text_value, "
                "import_run_id, replaced_by_id, valid_from, replaced_at) "
                "SELECT enterprise_id, period_id, indicator_id, value, text_value, import_run_id, "
                f"%s, updated_at, %s FROM {values} WHERE {where}",
                [run_id, at, *flat],
            )
            cursor.execute(f"DELETE FROM {values} WHERE {where}", flat)


def _db_datetime(value: datetime) -> Any:
    """The timestamp as the database's text, adapted once instead of once per row."""
    if connection.vendor == "postgresql":
        return value.isoformat()
    return connection.ops.adapt_datetimefield_value(value)


def write_diff(*, diff: Diff, period_id: int, run_id: int, now: datetime) -> None:
    """Apply a diff; the caller holds the transaction (any failure stores nothing)."""
    at = _db_datetime(now)
    if diff.moved:
        _move_to_history(period_id, diff.moved, run_id, at)
    if diff.inserts:
        # By enterprise, so the primary key (period, enterprise, indicator) grows in order and
        # its B-tree takes appends; an enterprise's values stay together in file order.
        rows = sorted(diff.inserts, key=itemgetter(0))
        fixed: tuple[tuple[str, int | str], ...] = (
            ("period_id", int(period_id)),
            ("import_run_id", int(run_id)),
        )
        if connection.vendor != "postgresql":
            # SQLite would run the column default's STRFTIME for every row; the load's own
            # timestamp is one literal. PostgreSQL's default, statement_timestamp(), is cheap.
            fixed += (("updated_at", str(at)),)
        columns = Columns(("enterprise_id", "indicator_id", "value", "text_value"), fixed)
        _bulk_insert(MonitoringValue, columns, rows)
        check_references(set(map(itemgetter(0), rows)), set(map(itemgetter(1), rows)))


def check_references(enterprise_ids: set[int], indicator_ids: set[int]) -> None:
    """The foreign-key check, once per load for the distinct keys instead of a trigger per row.

    Raises IntegrityError (the caller's transaction then stores nothing) when an enterprise
    or indicator disappeared between validation and the write.
    """
    for model, ids in ((Enterprise, enterprise_ids), (Indicator, indicator_ids)):
        wanted = sorted(ids)
        table = _table(model)
        found = 0
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"SELECT COUNT(*) FROM {table} WHERE id = ANY(%s::bigint[])",
                    [_pg_array(wanted)],
                )
                found = cursor.fetchone()[0]
            else:
                for start in range(0, len(wanted), IN_CLAUSE_LIMIT):
                    chunk = wanted[start : start + IN_CLAUSE_LIMIT]
                    marks = ", ".join(["%s"] * len(chunk))
                    cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE id IN ({marks})", chunk)
                    found += cursor.fetchone()[0]
        if found != len(wanted):
            raise IntegrityError(
                f"{len(wanted) - found} {model.__name__} rows vanished during the load"
            )
