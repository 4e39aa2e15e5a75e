"""A run's scores and ranks kept consistent with its indicator points and adjustments."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from .models import Adjustment, AssessmentRun, UnitScore


def score_refresh(score: UnitScore) -> UnitScore:
    """score = indicator points + the sum of the recorded adjustments."""
    total = Adjustment.objects.filter(score=score).aggregate(s=Sum("points"))["s"] or Decimal(0)
    score.adjustment_points = total
    score.score = score.computed_points + total
    score.save(update_fields=["adjustment_points", "score"])
    return score


def ranks_refresh(run: AssessmentRun) -> None:
    """Competition ranking (1, 2, 2, 4) by score, highest first."""
    rows = list(UnitScore.objects.filter(run=run).order_by("-score", "unit__sort_order", "unit_id"))
    previous: Decimal | None = None
    rank = 0
    for position, row in enumerate(rows, start=1):
        if row.score != previous:
            rank = position
            previous = row.score
        row.rank = rank
    UnitScore.objects.bulk_update(rows, ["rank"])
