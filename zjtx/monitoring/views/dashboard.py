"""The city dashboard."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from zjtx.accounts.permissions import role_required
from zjtx.core.http import AuthedRequest

from .. import selectors
from ..models import Indicator
from ._common import CITY, UNIT


@role_required(CITY, UNIT)
def dashboard(request: AuthedRequest) -> HttpResponse:
    """Trend, distribution by unit and reporting rate, from the roll-up tables (ECharts)."""
    periods = list(selectors.period_list(frequency=Indicator.Frequency.MONTHLY)[:36])
    code = request.GET.get("period") or (periods[0].code if periods else "")
    period = next((p for p in periods if p.code == code), None)
    data = selectors.dashboard_data(user=request.user, period=period)
    data["labels"] = {
        "trend": _("Trend of key indicators (total of reporting enterprises)"),
        "by_unit": _("Operating revenue by unit (10,000 yuan)"),
        "rates": _("Reporting rate by unit (%)"),
        "warnings": _("Early warnings by unit and level"),
        "by_industry": _("Operating revenue by industry (GB/T 4754 division, 10,000 yuan)"),
        "revenue": _("Operating revenue"),
        "rate": _("Reporting rate"),
    }
    return render(
        request,
        "monitoring/dashboard.html",
        {"periods": periods, "period": period, "chart_data": data},
    )
