"""Reads of the reporting calendar: periods and the periods that can be reported now."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from zjtx.core.errors import DomainError, ErrorCode

from ..errors import MonitoringNotFound
from ..models import Indicator, ReportingPeriod


def period_list(*, frequency: str | None = None) -> QuerySet[ReportingPeriod]:
    """Newest first; months, quarters and years of the same year-end side by side."""
    qs = ReportingPeriod.objects.select_related("locked_by")
    if frequency:
        qs = qs.filter(frequency=frequency)
    return qs.order_by("-year", "-month", "frequency")


def period_get(*, code: str) -> ReportingPeriod:
    period = ReportingPeriod.objects.filter(code=code).first()
    if period is None:
        raise MonitoringNotFound(ErrorCode.NOT_FOUND, _("Not found."))
    return period


def period_choices(*, selected: str = "", today: date | None = None) -> list[tuple[str, list]]:
    """Periods that can be reported now, for a select box grouped by form: the last 24
    months, the last 8 quarters and the last 3 years that have ended (or end this month)."""
    from ..services.periods import PeriodRef, parse_period

    today = today or timezone.localdate()
    freq = Indicator.Frequency
    month = PeriodRef(today.year, today.month)
    quarter_end = today.month - (today.month % 3) if today.month % 3 else today.month
    quarter = (
        PeriodRef(today.year, quarter_end, freq.QUARTERLY)
        if quarter_end
        else PeriodRef(today.year - 1, 12, freq.QUARTERLY)
    )
    year = PeriodRef(today.year if today.month == 12 else today.year - 1, 12, freq.ANNUAL)
    groups = [
        (str(_("Monthly form")), [month, *month.earlier(23)]),
        (str(_("Quarterly form")), [quarter, *quarter.earlier(7)]),
        (str(_("Annual form")), [year, *year.earlier(2)]),
    ]
    out = [(label, [(r.code, r.label) for r in refs]) for label, refs in groups]
    known = {code for _label, refs in out for code, _l in refs}
    if selected and selected not in known:
        try:
            ref = parse_period(selected)
        except DomainError:
            return out
        index = {"monthly": 0, "quarterly": 1, "annual": 2}[str(ref.frequency)]
        out[index][1].insert(0, (ref.code, ref.label))
    return out
