"""The policy calculator: what an enterprise qualifies for, and what-if with tried facts."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zjtx.accounts.models import Role
from zjtx.core.errors import DomainError
from zjtx.core.http import AuthedRequest
from zjtx.enterprises import selectors as enterprise_selectors
from zjtx.enterprises.models import Enterprise

from .. import services
from ..calculator import calculator_run
from ..forms import FactsForm, tried_specs
from ..permissions import can_use_calculator
from ..selectors import fact_specs, packages_for_enterprises


def _as_of(request: AuthedRequest) -> date:
    text = request.GET.get("as_of") or request.POST.get("as_of") or ""
    try:
        return date.fromisoformat(text) if len(text) == 10 else timezone.localdate()
    except ValueError:
        return timezone.localdate()


def _calculator_enterprise(request: AuthedRequest, credit_code: str | None) -> Enterprise:
    user = request.user
    if not can_use_calculator(user):
        raise Http404
    if credit_code is None:
        return enterprise_selectors.enterprise_for_user(user=user)
    return enterprise_selectors.enterprise_get_for(user=user, credit_code=credit_code)


def _form_groups(report: Any, form: FactsForm) -> dict[str, Any]:
    """Split the gap-filling fields: those the awards need first, the criteria's behind a fold."""
    award = {f"fact__{spec.name}" for row in report.awards for spec in row.missing}
    award |= {
        f"fact__{name}"
        for name in report.tried
        if any(name in r.package.facts for r in report.awards)
    }
    more = [name for name in form.fields if name not in award]
    more_open = any(form.data.get(name) for name in more) or any(
        name in form.errors for name in more
    )
    return {"award_fields": award, "more_fields": more, "more_open": more_open}


@login_required
def calculator_home(request: AuthedRequest) -> HttpResponse:
    """An enterprise user lands on its own calculator; an officer picks an enterprise first."""
    if not can_use_calculator(request.user):
        raise Http404
    if getattr(request.user, "role", None) == Role.ENTERPRISE:
        return calculator(request, None)
    code = (request.GET.get("credit_code") or "").strip()
    if code:
        enterprise = enterprise_selectors.enterprise_get_for(user=request.user, credit_code=code)
        return redirect("policy:calculator-for", credit_code=enterprise.credit_code)
    return render(request, "policy/calculator_pick.html", {})


@login_required
def calculator(request: AuthedRequest, credit_code: str | None = None) -> HttpResponse:
    enterprise = _calculator_enterprise(request, credit_code)
    as_of = _as_of(request)
    services.calculator_record(enterprise=enterprise, as_of=as_of, actor=request.user)
    report = calculator_run(enterprise=enterprise, as_of=as_of)
    form = FactsForm(report.missing_specs)
    return render(
        request,
        "policy/calculator.html",
        {
            "report": report,
            "form": form,
            "credit_code": credit_code,
            "as_of": as_of,
            "can_apply": credit_code is None,
            **_form_groups(report, form),
        },
    )


@require_POST
@login_required
def calculator_try(request: AuthedRequest, credit_code: str | None = None) -> HttpResponse:
    """Fill gaps or try other values: re-evaluate without storing anything."""
    enterprise = _calculator_enterprise(request, credit_code)
    as_of = _as_of(request)
    specs = fact_specs(packages_for_enterprises())
    base = calculator_run(enterprise=enterprise, as_of=as_of)
    shown = {s.name: s for s in base.missing_specs}
    for spec in tried_specs(request.POST, specs):
        shown.setdefault(spec.name, spec)
    form = FactsForm(shown.values(), request.POST)
    report = base
    if form.is_valid():
        try:
            report = calculator_run(
                enterprise=enterprise, as_of=as_of, tried=form.facts(), sheet=base.sheet
            )
        except DomainError as error:
            form.apply_errors(error.fields)
    context: dict[str, Any] = {
        "report": report,
        "form": form,
        "credit_code": credit_code,
        "as_of": as_of,
        "can_apply": credit_code is None,
        **_form_groups(report, form),
    }
    template = "policy/calculator.html"
    if getattr(request, "htmx", False):
        template += "#results"
    return render(request, template, context)
