"""Obvious slips in an enterprise's own monthly figures, flagged before submission (issue 5 §2).

Pure functions: a value far from the firm's own history (beyond 3σ of up to 12 earlier
months), or — with too little history — a 10× jump against the previous month, the usual
sign of 元 typed into a 万元 field.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from decimal import Decimal

from django.utils.translation import gettext as _

MIN_HISTORY = 3
SIGMAS = 3
JUMP = Decimal(10)


def slip(value: Decimal | None, history: Sequence[Decimal]) -> str:
    """A Chinese warning for the value, or '' when it looks plausible."""
    if value is None:
        return ""
    if len(history) >= MIN_HISTORY:
        floats = [float(v) for v in history]
        mean = statistics.fmean(floats)
        sigma = statistics.pstdev(floats)
        if sigma > 0 and abs(float(value) - mean) > SIGMAS * sigma:
            return _(
                "Far from this enterprise's own history (average %(mean)s over %(n)s months); please check."
            ) % {"mean": f"{mean:,.2f}", "n": len(history)}
        return ""
    if history:
        previous = history[-1]
        if previous > 0 and (value > previous * JUMP or value * JUMP < previous):
            return _("More than ten times away from last month (%(previous)s); check the unit.") % {
                "previous": f"{previous:,.2f}"
            }
    return ""
