"""Monthly roll-ups, updated by the delta of each load (no aggregation over raw values).

The import already holds the old and the new values of every enterprise it touches, so the
roll-up change is computed in Python from those and written as at most units × indicators
rows. `rollup_rebuild` recomputes a period from the raw values (management command).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from itertools import groupby
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
    """Apply one load: + inserted values, − replaced/removed ones; reporting counts per unit.

    Roll-ups are kept per unit and GB/T 4754 division (大类) of the enterprise's industry, so
    the dashboard shows both distributions without touching raw values."""
    division_of = _divisions(enterprise_ids)
    # (unit, division) -> indicator -> [change of the value count, change of the total]. A
    # load's values come enterprise by enterprise, so the group is looked up once per
    # enterprise and the inner loop only touches a small dict keyed by indicator.
    change: dict[tuple[int, str], dict[int, list[Any]]] = {}
    for e, values in groupby(inserted, itemgetter(0)):
        by_indicator = change.setdefault((unit_of[e], division_of.get(e, "")), {})
        for _e, i, value, _text in values:
            slot = by_indicator.get(i)
            if slot is None:
                slot = by_indicator[i] = [0, Decimal(0)]
            slot[0] += 1
            if value is not None:
                slot[1] += value
    for e, i in moved:
        group = (unit_of[e], division_of.get(e, ""))
        slot = change.setdefault(group, {}).setdefault(i, [0, Decimal(0)])
        slot[0] -= 1
        old_value = old[(e, i)][0]
        if old_value is not None:
            slot[1] -= Decimal(str(old_value))
    before = {e for e, _i in old}
    after = set(map(itemgetter(0), new_rows))
    delta_reported: dict[int, int] = defaultdict(int)
    for e in enterprise_ids:
        reported = (e in after) - (e in before)
        if reported:
            delta_reported[unit_of[e]] += reported
    deltas = {
        (unit_id, division, indicator_id): (count, total)
        for (unit_id, division), by_indicator in change.items()
        for indicator_id, (count, total) in by_indicator.items()
    }
    _write(period_id, deltas, delta_reported)


def _divisions(enterprise_ids: set[int]) -> dict[int, str]:
    """Enterprise id → GB/T 4754 division (e.g. C36; '' when no industry is recorded)."""
    from zjtx.enterprises.models import Enterprise

    if not enterprise_ids:
        return {}
    qs = Enterprise.objects.all()
    if len(enterprise_ids) <= 500:
        qs = qs.filter(pk__in=list(enterprise_ids))
    return {pk: str(code or "")[:3] for pk, code in qs.values_list("pk", "industry_id")}


def _write(
    period_id: int,
    deltas: dict[tuple[int, str, int], tuple[int, Decimal]],
    delta_reported: dict[int, int],
) -> None:
    if deltas:
        # Only the rows this load changes: a one-enterprise form would otherwise read every
        # roll-up row of the period (units × divisions × indicators) each time.
        current = {
            (r.unit_id, r.industry_division, r.indicator_id): r
            for r in MonthlyRollup.objects.filter(
                period_id=period_id,
                unit_id__in={unit_id for unit_id, _d, _i in deltas},
                industry_division__in={division for _u, division, _i in deltas},
                indicator_id__in={indicator_id for _u, _d, indicator_id in deltas},
            )
        }
        create, update = [], []
        for key, (count, total) in deltas.items():
            row = current.get(key)
            if row is None:
                unit_id, division, indicator_id = key
                row = MonthlyRollup(
                    period_id=period_id,
                    unit_id=unit_id,
                    industry_division=division,
                    indicator_id=indicator_id,
                )
                create.append(row)
            else:
                update.append(row)
            row.value_count += count
            row.total += total
        MonthlyRollup.objects.bulk_create(create)
        MonthlyRollup.objects.bulk_update(update, ["value_count", "total", "updated_at"])
    if delta_reported:
        stats = {
            s.unit_id: s
            for s in UnitPeriodStat.objects.filter(
                period_id=period_id, unit_id__in=list(delta_reported)
            )
        }
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
    sums = values.values_list(
        "enterprise__unit_id", "enterprise__industry_id", "indicator_id"
    ).annotate(n=Count("indicator_id"), s=Sum("value"))
    folded: dict[tuple[int, str, int], list[Any]] = {}
    for unit_id, industry, indicator_id, n, total in sums:
        slot = folded.setdefault((unit_id, (industry or "")[:3], indicator_id), [0, Decimal(0)])
        slot[0] += n
        slot[1] += total or Decimal(0)
    MonthlyRollup.objects.filter(period_id=period_id).delete()
    MonthlyRollup.objects.bulk_create(
        MonthlyRollup(
            period_id=period_id,
            unit_id=unit_id,
            industry_division=division,
            indicator_id=indicator_id,
            value_count=n,
            total=total,
        )
        for (unit_id, division, indicator_id), (n, total) in folded.items()
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
    return {"rollups": len(folded), "units": len(reported)}
