"""Compare validated values with the stored ones and write the difference in bulk.

The ORM is right for single forms and wrong for a 280,000-value monthly load: `bulk_create`
costs 16-17× the raw path (perf-floors-security.md A.4). So: PostgreSQL gets COPY through
Django's own connection, SQLite gets `executemany`; both run inside the caller's
transaction. Unchanged values are not touched, so re-uploading the same file writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection

from zjtx.enterprises.models import Enterprise

from ..models import Indicator, MonitoringValue, MonitoringValueHistory
from .rows import ValueRows

DELETE_CHUNK = 400  # pairs: 800 parameters, under SQLite's oldest limit of 999
IN_CLAUSE_LIMIT = 500

# (enterprise, indicator) -> (value, text) as the database returns them
Existing = dict[tuple[int, int], tuple[Any, str]]


@dataclass
class Diff:
    inserts: ValueRows  # new and changed values
    moved: list[tuple[int, int]]  # (enterprise, indicator) replaced or removed: to history
    replaced: int
    removed: int
    unchanged: int

    @property
    def new_count(self) -> int:
        return len(self.inserts) - self.replaced


def existing_values(period_id: int, enterprise_ids: set[int]) -> Existing:
    """The current values of these enterprises for the period (raw rows: no ORM converters)."""
    table = _table(MonitoringValue)
    sql = f"SELECT enterprise_id, indicator_id, value, text_value FROM {table} WHERE period_id = %s"
    params: list[Any] = [period_id]
    if len(enterprise_ids) <= IN_CLAUSE_LIMIT:
        if not enterprise_ids:
            return {}
        sql += f" AND enterprise_id IN ({', '.join(['%s'] * len(enterprise_ids))})"
        params.extend(sorted(enterprise_ids))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {
            (e, i): (value, text) for e, i, value, text in cursor.fetchall() if e in enterprise_ids
        }


def _same(new: Decimal | None, old: Any) -> bool:
    if new is None or old is None:
        return new is old
    if type(old) is float or type(old) is int:
        # SQLite hands NUMERIC back as REAL/INTEGER; 2-decimal values below 10^13 round-trip.
        return float(new) == old
    return bool(new == old)


def diff_values(new: ValueRows, enterprise_ids: set[int], old: Existing) -> Diff:
    """What to insert and what to move to history; a value equal to the stored one stays."""
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
    removed = 0
    for key in old:
        if key not in seen and key[0] in enterprise_ids:
            moved.append(key)
            removed += 1
    return Diff(inserts, moved, replaced, removed, unchanged)


def _table(model: Any) -> str:
    return str(connection.ops.quote_name(model._meta.db_table))


def _bulk_insert(model: Any, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    table = _table(model)
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})", rows)  # type: ignore[arg-type]


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
        # In primary-key order (period, enterprise, indicator): B-tree appends. updated_at is
        # the column default (the database clock).
        rows = sorted(diff.inserts)  # (enterprise, indicator) is unique: never compares values
        columns = (
            "enterprise_id",
            "period_id",
            "indicator_id",
            "value",
            "text_value",
            "import_run_id",
        )
        data: list[tuple[Any, ...]]
        if connection.vendor == "postgresql":
            data = [(e, period_id, i, value, text, run_id) for e, i, value, text in rows]
        else:
            # SQLite's NUMERIC affinity turns the text of a Decimal into the same REAL (or
            # INTEGER) that float() gives; passing the float skips a text round trip.
            data = [
                (e, period_id, i, None if value is None else float(value), text, run_id)
                for e, i, value, text in rows
            ]
        _bulk_insert(MonitoringValue, columns, data)
        check_references({row[0] for row in rows}, {row[1] for row in rows})


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
                cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE id = ANY(%s)", [wanted])
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
