"""An enterprise's own report, filled in online."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from zjtx.accounts.models import Role
from zjtx.accounts.permissions import role_required
from zjtx.core.errors import DomainError

from .. import selectors, services
from ._common import _is_monthly, _period_label, last_month


@role_required(Role.ENTERPRISE)
def enterprise_report(request: Any) -> HttpResponse:
    """The enterprise's own monthly report: check (YTD, YoY, slips) first, then submit."""
    period_code = str(request.POST.get("period") or request.GET.get("period") or last_month())
    raw: dict[int, str] = {}
    store = False
    confirm = False
    if request.method == "POST":
        store = request.POST.get("action") == "submit"
        confirm = request.POST.get("confirm_flags") == "on"
        for key, value in request.POST.items():
            if key.startswith("ind-") and key[4:].isdigit():
                raw[int(key[4:])] = str(value)
    try:
        if request.method == "POST":
            outcome = services.enterprise_report_submit(
                actor=request.user,
                period_code=period_code,
                raw=raw,
                store=store,
                confirm_flags=confirm,
            )
        else:
            ref = services.parse_period(period_code)
            from ..selectors import enterprise_report as report_lines

            lines = report_lines(user=request.user, enterprise=request.user.enterprise, ref=ref)
            for line in lines:
                line.raw = (
                    line.text
                    if line.indicator.is_text
                    else ("" if line.value is None else str(line.value))
                )
            outcome = services.FormOutcome(lines, False, False)
    except DomainError as error:
        messages.error(request, error.message)
        return render(
            request,
            "monitoring/report.html",
            {
                "period": period_code,
                "lines": [],
                "blocked": True,
                "period_choices": selectors.period_choices(selected=period_code),
            },
        )
    if outcome.run is not None:
        messages.success(
            request, _("Your report for %(period)s has been stored.") % {"period": period_code}
        )
        return redirect(f"{reverse('monitoring:report')}?period={period_code}")
    if (
        request.method == "POST"
        and not outcome.has_errors
        and outcome.has_flags
        and store
        and not confirm
    ):
        messages.warning(
            request,
            _("Some values look unusual. Check them, tick the confirmation and submit again."),
        )
    return render(
        request,
        "monitoring/report.html",
        {
            "period": period_code,
            "period_label": _period_label(period_code),
            "monthly": _is_monthly(period_code),
            "lines": outcome.lines,
            "outcome": outcome,
            "blocked": False,
            "period_choices": selectors.period_choices(selected=period_code),
        },
    )
