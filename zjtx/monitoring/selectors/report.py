"""An enterprise's own report form: stored values, year to date, last year and history."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from zjtx.accounts.scoping import scope_enterprise_qs
from zjtx.core.errors import ErrorCode
from zjtx.enterprises.models import Enterprise

from ..errors import MonitoringNotFound
from ..models import Indicator, MonitoringValue
from .catalogue import indicators_active

if TYPE_CHECKING:
    from zjtx.accounts.models import User


def previous_months(year: int, month: int, count: int) -> list[str]:
    codes = []
    for _i in range(count):
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        codes.append(f"{year:04d}-{month:02d}")
    return codes


@dataclass
class ReportLine:
    indicator: Indicator
    value: Decimal | None  # display unit
    text: str
    last_year: Decimal | None
    ytd: Decimal | None
    ytd_last_year: Decimal | None
    history: list[Decimal]
    raw: str = ""
    error: str = ""
    flag: str = ""

    @property
    def yoy(self) -> Decimal | None:
        return _growth(self.value, self.last_year)

    @property
    def ytd_yoy(self) -> Decimal | None:
        return _growth(self.ytd, self.ytd_last_year)


def _growth(now: Decimal | None, before: Decimal | None) -> Decimal | None:
    if now is None or before is None or before == 0:
        return None
    return ((now - before) / abs(before) * 100).quantize(Decimal("0.1"))


def enterprise_report(*, user: User, enterprise: Enterprise, ref: Any) -> list[ReportLine]:
    """The form lines of one period (a PeriodRef): stored value, year to date (1–N月累计, for
    monthly forms), the same period last year and the history of earlier periods.

    Only for an enterprise within `user`'s jurisdiction; anyone else gets 404.
    """
    if not scope_enterprise_qs(Enterprise.objects.filter(pk=enterprise.pk), user).exists():
        raise MonitoringNotFound(ErrorCode.NOT_FOUND, _("Not found."))
    indicators = indicators_active(frequency=ref.frequency)
    monthly = ref.frequency == Indicator.Frequency.MONTHLY
    months = range(1, ref.month + 1) if monthly else range(0)
    this_year = [f"{ref.year:04d}-{m:02d}" for m in months]
    last_year = [f"{ref.year - 1:04d}-{m:02d}" for m in months]
    current, same_last_year = ref.code, ref.years_back(1).code
    history_codes = [r.code for r in ref.earlier(12 if monthly else 8)]
    codes = {current, same_last_year, *this_year, *last_year, *history_codes}
    rows = MonitoringValue.objects.filter(
        enterprise=enterprise, period__code__in=codes
    ).values_list("period__code", "indicator_id", "value", "text_value")
    stored: dict[tuple[str, int], tuple[Decimal | None, str]] = {
        (p, i): (v, t) for p, i, v, t in rows
    }
    lines = []
    for ind in indicators:

        def shown(code: str, ind: Indicator = ind) -> Decimal | None:
            found = stored.get((code, ind.pk))
            if found is None or found[0] is None:
                return None
            return (found[0] / ind.factor).quantize(Decimal(1).scaleb(-ind.decimal_places))

        value = shown(current)
        text = stored.get((current, ind.pk), (None, ""))[1]
        ytd = ytd_last = None
        if monthly and ind.accumulation == Indicator.Accumulation.CURRENT_MONTH and not ind.is_text:
            ytd = _sum([shown(c) for c in this_year])
            ytd_last = _sum([shown(c) for c in last_year])
        elif monthly and ind.accumulation == Indicator.Accumulation.YEAR_TO_DATE:
            ytd, ytd_last = value, shown(same_last_year)
        history = [v for v in (shown(c) for c in reversed(history_codes)) if v is not None]
        lines.append(ReportLine(ind, value, text, shown(same_last_year), ytd, ytd_last, history))
    return lines


def _sum(values: list[Decimal | None]) -> Decimal | None:
    present = [v for v in values if v is not None]
    return sum(present, Decimal(0)) if present else None
