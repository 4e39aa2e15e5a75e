"""The reporting calendar: open, confirm, lock and unlock periods."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zjtx.accounts.permissions import role_required
from zjtx.core.errors import DomainError
from zjtx.core.http import AuthedRequest

from .. import selectors, services
from ._common import CITY, UNIT, last_month


@role_required(CITY, UNIT)
def period_list(request: Any) -> HttpResponse:
    periods = list(selectors.period_list()[:36])
    confirmed: set[int] = set()
    if request.user.role == UNIT:
        from ..models import UnitPeriodConfirmation

        confirmed = set(
            UnitPeriodConfirmation.objects.filter(unit_id=request.user.unit_id).values_list(
                "period_id", flat=True
            )
        )
    return render(
        request,
        "monitoring/periods.html",
        {
            "periods": periods,
            "confirmed": confirmed,
            "suggested": last_month(),
            "period_choices": selectors.period_choices(selected=last_month()),
        },
    )


def _period_action(request: AuthedRequest, code: str, action: str) -> HttpResponse:
    try:
        period = selectors.period_get(code=code)
    except DomainError as exc:
        raise Http404 from exc
    try:
        if action == "confirm":
            services.unit_confirm(actor=request.user, period=period)
            messages.success(
                request, _("Your unit's data for %(period)s is confirmed.") % {"period": code}
            )
        elif action == "lock":
            services.period_lock(actor=request.user, period=period)
            messages.success(request, _("Period %(period)s is locked.") % {"period": code})
        else:
            services.period_unlock(
                actor=request.user, period=period, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("Period %(period)s is unlocked.") % {"period": code})
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("monitoring:periods")


@require_POST
@role_required(UNIT)
def period_confirm(request: AuthedRequest, code: str) -> HttpResponse:
    return _period_action(request, code, "confirm")


@require_POST
@role_required(CITY)
def period_lock(request: AuthedRequest, code: str) -> HttpResponse:
    return _period_action(request, code, "lock")


@require_POST
@role_required(CITY)
def period_unlock(request: AuthedRequest, code: str) -> HttpResponse:
    return _period_action(request, code, "unlock")


@require_POST
@role_required(CITY)
def period_open(request: AuthedRequest) -> HttpResponse:
    try:
        period = services.period_open(
            actor=request.user,
            code=request.POST.get("code", ""),
            combines_january=request.POST.get("combines_january") == "on",
        )
        messages.success(request, _("Period %(period)s is open.") % {"period": period.code})
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("monitoring:periods")
