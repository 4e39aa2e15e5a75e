"""Early warnings: the list, a run over a period and closing one."""

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
from ..models import Indicator, Level, MonitoringWarning
from ._common import CITY, UNIT


@role_required(CITY, UNIT)
def warning_list(request: AuthedRequest) -> HttpResponse:
    """Early warnings with their explanation and follow-up task, per period (monthly: the
    rules read monthly figures)."""
    periods = list(selectors.period_list(frequency=Indicator.Frequency.MONTHLY)[:36])
    code = request.GET.get("period") or (periods[0].code if periods else "")
    period = next((p for p in periods if p.code == code), None)
    level = request.GET.get("level", "")
    status = request.GET.get("status", "open")
    level = level if level in Level.values else ""
    status = status if status in MonitoringWarning.Status.values else ""
    qs = (
        selectors.warning_list_for(user=request.user, period=period, level=level, status=status)
        if period
        else None
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page")) if qs is not None else None
    thresholds, thresholds_source = (
        services.thresholds_on(services.month_end(period.year, period.month))
        if period
        else ([], "")
    )
    return render(
        request,
        "monitoring/warnings.html",
        {
            "thresholds": thresholds,
            "thresholds_source": thresholds_source,
            "periods": periods,
            "period": period,
            "page": page,
            "level": level,
            "status": status,
            "levels": Level.choices,
            "statuses": MonitoringWarning.Status.choices,
        },
    )


@require_POST
@role_required(CITY)
def warnings_run(request: AuthedRequest, code: str) -> HttpResponse:
    try:
        period = selectors.period_get(code=code)
    except DomainError as exc:
        raise Http404 from exc
    result = services.warnings_run(actor=request.user, period=period)
    messages.success(
        request,
        _("Early warnings evaluated: %(total)s in force, %(created)s new, %(withdrawn)s withdrawn.")
        % result,
    )
    return redirect(f"{reverse('monitoring:warnings')}?period={code}")


@require_POST
@role_required(CITY, UNIT)
def warning_close(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        warning = selectors.warning_get(pk=pk, user=request.user)
        services.warning_close(
            actor=request.user, warning=warning, note=request.POST.get("note", "")
        )
        messages.success(request, _("The follow-up task is closed."))
    except DomainError as error:
        if error.status == 404:
            raise Http404 from error
        messages.error(request, error.message)
        return redirect(f"{reverse('monitoring:warnings')}?period={warning.period.code}")
    return redirect(f"{reverse('monitoring:warnings')}?period={warning.period.code}")
