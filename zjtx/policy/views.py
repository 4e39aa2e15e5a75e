"""Policy pages: the calculator, the 免申即享 scan and the enterprise's policy notices."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zjtx.accounts.models import Role
from zjtx.accounts.scoping import require_role
from zjtx.core.errors import DomainError
from zjtx.core.money import format_wan, wan_to_yuan
from zjtx.enterprises import selectors as enterprise_selectors
from zjtx.enterprises.models import Enterprise

from . import governance, scan, services
from .calculator import calculator_run
from .forms import FactsForm, tried_specs
from .models import PolicyProgram
from .permissions import can_scan, can_use_calculator
from .selectors import fact_specs, package_for, packages_current, packages_for_enterprises
from .workflow import can_decide


def _as_of(request: HttpRequest) -> date:
    text = request.GET.get("as_of") or request.POST.get("as_of") or ""
    try:
        return date.fromisoformat(text) if len(text) == 10 else timezone.localdate()
    except ValueError:
        return timezone.localdate()


def _calculator_enterprise(request: HttpRequest, credit_code: str | None) -> Enterprise:
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
def calculator_home(request: HttpRequest) -> HttpResponse:
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
def calculator(request: HttpRequest, credit_code: str | None = None) -> HttpResponse:
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
def calculator_try(request: HttpRequest, credit_code: str | None = None) -> HttpResponse:
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


# ------------------------------------------------------------------ 免申即享 scan


def _require_scanner(request: HttpRequest) -> None:
    if not can_scan(request.user):
        raise Http404


@require_http_methods(["GET", "POST"])
@login_required
def scans(request: HttpRequest) -> HttpResponse:
    """List scans; POST runs a new one over every enterprise against the award programs."""
    _require_scanner(request)
    awards = [p for p in packages_current().values() if p.kind == "award"]
    if request.method == "POST":
        try:
            as_of = date.fromisoformat(request.POST.get("as_of", ""))
        except ValueError:
            messages.error(request, _("Enter the scan date as YYYY-MM-DD."))
            return redirect("policy:scans")
        chosen = request.POST.getlist("programs") or None
        try:
            run = scan.scan_run(actor=request.user, as_of=as_of, program_ids=chosen)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("policy:scans")
        return redirect("policy:scan-detail", pk=run.pk)
    context = {
        "runs": scan.scan_list_for(user=request.user)[:50],
        "awards": sorted(awards, key=lambda p: p.id),
        "today": timezone.localdate(),
    }
    return render(request, "policy/scans.html", context)


@login_required
def scan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = scan.scan_get(user=request.user, pk=pk)
    hits = scan.scan_hits(run=run)
    program = request.GET.get("program") or ""
    if program:
        hits = hits.filter(program_id=program)
    page = Paginator(hits, 50).get_page(request.GET.get("page"))
    titles = dict(PolicyProgram.objects.values_list("id", "title"))
    return render(
        request,
        "policy/scan_detail.html",
        {
            "run": run,
            "page": page,
            "program": program,
            "programs": [(pid, titles.get(pid, pid)) for pid in run.programs],
        },
    )


@require_POST
@login_required
def scan_notify(request: HttpRequest, pk: int) -> HttpResponse:
    run = scan.scan_get(user=request.user, pk=pk)
    try:
        count = scan.scan_notify(run=run, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("%(count)s notifications were sent to the enterprises.") % {"count": count}
        )
    return redirect("policy:scan-detail", pk=run.pk)


# ------------------------------------------------------------------ enterprise: policy calendar


@login_required
def notices(request: HttpRequest) -> HttpResponse:
    """The enterprise's policy calendar: 您可能符合以下政策, and the programs with their dates."""
    if getattr(request.user, "role", None) != Role.ENTERPRISE:
        raise Http404
    enterprise = enterprise_selectors.enterprise_for_user(user=request.user)
    today = timezone.localdate()
    programs = sorted(
        (p for p in packages_current().values() if p.kind == "award" and p.in_force(today)),
        key=lambda p: p.id,
    )
    return render(
        request,
        "policy/notices.html",
        {
            "enterprise": enterprise,
            "notifications": scan.notifications_for(user=request.user)[:100],
            "programs": programs,
        },
    )


# ------------------------------------------------------------------ governance (maker-checker)


def _require_city(request: HttpRequest) -> None:
    require_role(request.user, Role.CITY_OFFICER, hide=True)


def _parameters() -> list[dict[str, Any]]:
    rows = []
    for package in sorted(packages_current().values(), key=lambda p: p.id):
        for name, param in package.parameters.items():
            rows.append(
                {
                    "key": f"{package.id}:{name}",
                    "program": package,
                    "name": name,
                    "param": param,
                    "values": [
                        {
                            "from": v.effective_from,
                            "value": display_parameter(param.type, v.value),
                            "source": v.source,
                        }
                        for v in param.values
                    ],
                }
            )
    return rows


def display_parameter(param_type: str, value: Any) -> str:
    if value is None:
        return "—"
    if param_type == "decimal_yuan":
        return _("%(amount)s 10k yuan") % {"amount": format_wan(Decimal(str(value)))}
    if isinstance(value, dict):
        return "；".join(f"{k}: {display_parameter(param_type, v)}" for k, v in value.items())
    return str(value)


@require_http_methods(["GET", "POST"])
@login_required
def governance_home(request: HttpRequest) -> HttpResponse:
    """Parameters with their dated values, proposals, and the form to propose a change."""
    _require_city(request)
    rows = _parameters()
    types = {row["key"]: row["param"].type for row in rows}
    error: DomainError | None = None
    if request.method == "POST":
        key = request.POST.get("target") or ""
        program_id, _sep, parameter = key.partition(":")
        if not program_id:
            program_id = request.POST.get("program", "")
            parameter = request.POST.get("parameter", "")
            key = f"{program_id}:{parameter}"
        try:
            if key not in types:
                raise DomainError("unknown_parameter", _("The program has no such parameter."))
            text = request.POST.get("value", "")
            if types[key] == "decimal_yuan":
                try:
                    text = str(wan_to_yuan(text))
                except ValueError:
                    text = "x"
            effective = date.fromisoformat(request.POST.get("effective_from", ""))
            whatif_text = request.POST.get("whatif_as_of") or ""
            change = governance.change_propose(
                program_id=program_id,
                parameter=parameter,
                value=governance.parse_value(types[key], text),
                effective_from=effective,
                reason=request.POST.get("reason", ""),
                actor=request.user,
                whatif_as_of=date.fromisoformat(whatif_text) if whatif_text else None,
            )
        except ValueError:
            error = DomainError("invalid_input", _("Enter the dates as YYYY-MM-DD."))
        except DomainError as exc:
            error = exc
        else:
            return redirect("policy:change-detail", pk=change.pk)
    return render(
        request,
        "policy/governance.html",
        {
            "rows": rows,
            "changes": governance.change_list_for(user=request.user)[:50],
            "error": error,
            "post": request.POST,
            "today": timezone.localdate(),
        },
    )


@login_required
def change_detail(request: HttpRequest, pk: int) -> HttpResponse:
    change = governance.change_get(user=request.user, pk=pk)
    package = package_for(change.base_version)
    param = package.parameters.get(change.parameter)
    whatif = change.whatif or {}
    return render(
        request,
        "policy/change_detail.html",
        {
            "change": change,
            "package": package,
            "param": param,
            "new_value": display_parameter(param.type if param else "", change.value),
            "whatif": whatif,
            "budget_effect": Decimal(whatif.get("budget_effect_yuan") or 0),
            "can_decide": can_decide(change, request.user),
        },
    )


@require_POST
@login_required
def change_approve(request: HttpRequest, pk: int) -> HttpResponse:
    change = governance.change_get(user=request.user, pk=pk)
    try:
        version = governance.change_approve(change=change, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Approved: version %(version)s is now current.") % {"version": version.version},
        )
    return redirect("policy:change-detail", pk=change.pk)


@require_POST
@login_required
def change_reject(request: HttpRequest, pk: int) -> HttpResponse:
    change = governance.change_get(user=request.user, pk=pk)
    try:
        governance.change_reject(
            change=change, actor=request.user, reason=request.POST.get("reason", "")
        )
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("policy:change-detail", pk=change.pk)
