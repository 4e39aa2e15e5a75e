"""Monthly roll-ups, updated by the delta of each load (no aggregation over raw values).

The import already holds the old and the new values of every enterprise it touches, so the
roll-up change is computed in Python from those and written as at most units × indicators
rows. `rollup_rebuild` recomputes a period from the raw values (management command).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from operator import itemgetter
from typing import Any

from django.db.models import Count, Sum

from .imports.load import Existing
from .models import MonitoringValue, MonthlyRollup, UnitPeriodStat


def rollup_apply_load(
    *,
    period_id: int,
    unit_of: dict[int, int],
    enterprise_ids: set[int],
    old: Existing,
    new_rows: Iterable[tuple[int, int, Decimal | None, str]],
    inserted: Iterable[tuple[int, int, Decimal | None, str]],
    moved: Iterable[tuple[int, int]],
) -> None:
    """Apply one load: + inserted values, − replaced/removed ones; reporting counts per unit."""
    delta_total: dict[tuple[int, int], Decimal] = {}
    delta_count: dict[tuple[int, int], int] = {}
    zero = Decimal(0)
    count_get, total_get = delta_count.get, delta_total.get
    for e, i, value, _text in inserted:
        key = (unit_of[e], i)
        delta_count[key] = count_get(key, 0) + 1
        if value is not None:
            delta_total[key] = total_get(key, zero) + value
    for e, i in moved:
        key = (unit_of[e], i)
        delta_count[key] = count_get(key, 0) - 1
        old_value = old[(e, i)][0]
        if old_value is not None:
            delta_total[key] = total_get(key, zero) - Decimal(str(old_value))
    before = {e for e, _i in old}
    after = set(map(itemgetter(0), new_rows))
    delta_reported: dict[int, int] = defaultdict(int)
    for e in enterprise_ids:
        change = (e in after) - (e in before)
        if change:
            delta_reported[unit_of[e]] += change
    _write(period_id, delta_total, delta_count, delta_reported)


def _write(
    period_id: int,
    delta_total: dict[tuple[int, int], Decimal],
    delta_count: dict[tuple[int, int], int],
    delta_reported: dict[int, int],
) -> None:
    keys = set(delta_total) | set(delta_count)
    if keys:
        current = {
            (r.unit_id, r.indicator_id): r
            for r in MonthlyRollup.objects.filter(period_id=period_id)
        }
        create, update = [], []
        for unit_id, indicator_id in keys:
            row = current.get((unit_id, indicator_id))
            if row is None:
                row = MonthlyRollup(period_id=period_id, unit_id=unit_id, indicator_id=indicator_id)
                create.append(row)
            else:
                update.append(row)
            row.value_count += delta_count.get((unit_id, indicator_id), 0)
            row.total += delta_total.get((unit_id, indicator_id), Decimal(0))
        MonthlyRollup.objects.bulk_create(create)
        MonthlyRollup.objects.bulk_update(update, ["value_count", "total", "updated_at"])
    if delta_reported:
        stats = {s.unit_id: s for s in UnitPeriodStat.objects.filter(period_id=period_id)}
        create_s, update_s = [], []
        for unit_id, change in delta_reported.items():
            stat = stats.get(unit_id)
            if stat is None:
                stat = UnitPeriodStat(period_id=period_id, unit_id=unit_id)
                create_s.append(stat)
            else:
                update_s.append(stat)
            stat.enterprises_reported = max(0, stat.enterprises_reported + change)
        UnitPeriodStat.objects.bulk_create(create_s)
        UnitPeriodStat.objects.bulk_update(update_s, ["enterprises_reported", "updated_at"])


def rollup_rebuild(*, period_id: int) -> dict[str, Any]:
    """Recompute a period's roll-ups from the raw values (repairs drift; used by tests)."""
    values = MonitoringValue.objects.filter(period_id=period_id)
    sums = values.values("enterprise__unit_id", "indicator_id").annotate(
        n=Count("indicator_id"), s=Sum("value")
    )
    MonthlyRollup.objects.filter(period_id=period_id).delete()
    MonthlyRollup.objects.bulk_create(
        MonthlyRollup(
            period_id=period_id,
            unit_id=row["enterprise__unit_id"],
            indicator_id=row["indicator_id"],
            value_count=row["n"],
            total=row["s"] or Decimal(0),
        )
        for row in sums
    )
    reported = (
        values.values("enterprise__unit_id")
        .annotate(n=Count("enterprise_id", distinct=True))
        .values_list("enterprise__unit_id", "n")
    )
    UnitPeriodStat.objects.filter(period_id=period_id).delete()
    UnitPeriodStat.objects.bulk_create(
        UnitPeriodStat(period_id=period_id, unit_id=unit_id, enterprises_reported=n)
        for unit_id, n in reported
    )
    return {"rollups": len(sums), "units": len(reported)}
