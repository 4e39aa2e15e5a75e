"""What a proposed change of the scheme's parameters would do to the latest assessment, for the
policy module's two-officer parameter review (nothing is written)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from zjtx.policy.engine import Package

from . import scheme
from .models import AssessmentRun, UnitScore


def _ranks(scores: dict[int, Decimal]) -> dict[int, int]:
    ordered = sorted(scores.items(), key=lambda kv: -kv[1])
    ranks: dict[int, int] = {}
    previous: Decimal | None = None
    rank = 0
    for position, (uid, value) in enumerate(ordered, start=1):
        if value != previous:
            rank, previous = position, value
        ranks[uid] = rank
    return ranks


def scheme_whatif(old: Package, new: Package, as_of: date) -> dict[str, Any]:
    """Every unit of the latest run scored under the current and the proposed parameters."""
    result: dict[str, Any] = {
        "kind": "counts",
        "as_of": as_of.isoformat(),
        "metrics": [],
        "up_title": _("Units scoring higher"),
        "down_title": _("Units scoring lower"),
        "up": [],
        "down": [],
    }
    run = AssessmentRun.objects.filter(year__lte=as_of.year).order_by("-year").first()
    if run is None:
        result["basis"] = _("No assessment has been run yet, so there is nothing to measure.")
        return result
    rows = list(UnitScore.objects.filter(run=run).select_related("unit"))
    units = [r.unit for r in rows]
    adjustments = {r.unit_id: r.adjustment_points for r in rows}
    day = run.as_of
    totals: dict[str, dict[int, Decimal]] = {}
    for key, package in (("old", old), ("new", new)):
        facts = scheme.unit_facts(package, units, run.year, day)
        totals[key] = {
            u.pk: scheme.trace_total(scheme.score_unit(package, facts[u.pk], day))
            + adjustments[u.pk]
            for u in units
        }
    before, after = totals["old"], totals["new"]
    rank_before, rank_after = _ranks(before), _ranks(after)
    count = len(units) or 1
    result["metrics"] = [
        {
            "label": _("Average score"),
            "before": str((sum(before.values(), Decimal(0)) / count).quantize(Decimal("0.01"))),
            "after": str((sum(after.values(), Decimal(0)) / count).quantize(Decimal("0.01"))),
        },
        {
            "label": _("Units whose rank changes"),
            "before": 0,
            "after": sum(1 for u in units if rank_before[u.pk] != rank_after[u.pk]),
        },
    ]
    result["basis"] = _(
        "Measured on the %(year)s assessment's data, with the new value treated as already in "
        "force; adjustments kept."
    ) % {"year": run.year}
    for u in units:
        if before[u.pk] == after[u.pk]:
            continue
        detail = _("%(before)s → %(after)s points, rank %(r1)s → %(r2)s") % {
            "before": str(before[u.pk]),
            "after": str(after[u.pk]),
            "r1": rank_before[u.pk],
            "r2": rank_after[u.pk],
        }
        side = "up" if after[u.pk] > before[u.pk] else "down"
        result[side].append({"id": u.pk, "name": u.name, "detail": detail})
    return result
