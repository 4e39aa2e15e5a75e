"""Reporting rates by unit and reminders to the enterprises that have not reported."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zjtx.accounts.permissions import role_required
from zjtx.core.errors import DomainError
from zjtx.core.http import AuthedRequest

from .. import selectors, services
from ._common import CITY, UNIT


@role_required(CITY, UNIT)
def reporting_rate(request: AuthedRequest) -> HttpResponse:
    """Reported / expected enterprises per unit; who has not reported for one unit."""
    periods = list(selectors.period_list()[:36])
    code = request.GET.get("period") or (periods[0].code if periods else "")
    period = next((p for p in periods if p.code == code), None)
    rates = selectors.reporting_rates(user=request.user, period=period) if period else []
    missing_unit = None
    missing_page = None
    unit_param = request.GET.get("unit")
    if period and unit_param and unit_param.isdigit():
        missing_unit = next((r.unit for r in rates if r.unit.pk == int(unit_param)), None)
        if missing_unit is None:
            raise Http404
        missing_page = Paginator(
            selectors.enterprises_not_reported(
                user=request.user, period=period, unit_id=missing_unit.pk
            ),
            50,
        ).get_page(request.GET.get("page"))
    totals: dict[str, float] = {
        "expected": sum(r.expected for r in rates),
        "reported": sum(r.reported for r in rates),
    }
    totals["rate"] = 100.0 * totals["reported"] / totals["expected"] if totals["expected"] else 0.0
    return render(
        request,
        "monitoring/reporting_rate.html",
        {
            "periods": periods,
            "period": period,
            "rates": rates,
            "totals": totals,
            "missing_unit": missing_unit,
            "missing_page": missing_page,
        },
    )


@require_POST
@role_required(CITY, UNIT)
def reminders_send(request: AuthedRequest, code: str, unit_id: int) -> HttpResponse:
    try:
        period = selectors.period_get(code=code)
        result = services.reminders_send(actor=request.user, period=period, unit_id=unit_id)
    except DomainError as error:
        if error.status == 404:
            raise Http404 from error
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _(
                "Reminders sent to %(sent)s enterprises; %(without_email)s have no e-mail address on record."
            )
            % result,
        )
    return redirect(f"{reverse('monitoring:reporting')}?period={code}&unit={unit_id}")
