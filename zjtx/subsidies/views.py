"""Subsidy pages: apply (pre-filled from the calculator), check, approve, ledger and budgets."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zjtx.core.audit import audit_export, audit_record
from zjtx.core.errors import DomainError
from zjtx.core.files import serve_upload
from zjtx.core.http import AuthedRequest
from zjtx.core.money import wan_to_yuan, yuan_to_wan
from zjtx.core.timeline import timeline_build
from zjtx.core.workflow import actions_for
from zjtx.core.xlsx import XLSX_CONTENT_TYPE, build_table_xlsx
from zjtx.enterprises import selectors as enterprise_selectors
from zjtx.policy.forms import FactsForm
from zjtx.policy.selectors import packages_current

from . import selectors, services
from .forms import ApproveForm, BudgetForm, EvidenceForm, ReasonForm
from .models import Application, Evidence
from .permissions import can_apply, can_manage_budgets, can_see_ledger
from .workflow import SUBSIDY_APPLICATION


def _award_choices() -> list[tuple[str, str]]:
    today = timezone.localdate()
    return [
        (p.id, p.title)
        for p in sorted(packages_current().values(), key=lambda p: p.id)
        if p.kind == "award" and p.in_force(today)
    ]


@login_required
def application_list(request: AuthedRequest) -> HttpResponse:
    if not selectors.is_business(request.user):
        raise Http404
    status = request.GET.get("status") or None
    return render(
        request,
        "subsidies/list.html",
        {
            "applications": selectors.application_list_for(user=request.user, status=status)[:200],
            "status": status or "",
            "statuses": Application.Status.choices,
            "can_apply": can_apply(request.user),
            "awards": _award_choices() if can_apply(request.user) else [],
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def application_create(request: AuthedRequest) -> HttpResponse:
    """Apply for a program: the facts it reads, pre-filled from the registry, then evidence."""
    if not can_apply(request.user):
        raise Http404
    enterprise = enterprise_selectors.enterprise_for_user(user=request.user)
    program_id = request.GET.get("program") or request.POST.get("program") or ""
    if program_id not in dict(_award_choices()):
        raise Http404
    today = timezone.localdate()
    prefill = services.application_prefill(
        enterprise=enterprise, program_id=program_id, as_of=today
    )
    package = prefill["package"]
    if request.method == "POST":
        form = FactsForm(package.facts.values(), request.POST)
        if form.is_valid():
            try:
                application = services.application_create(
                    enterprise=enterprise,
                    program_id=program_id,
                    facts=form.facts(),
                    as_of=today,
                    actor=request.user,
                )
            except DomainError as error:
                form.apply_errors(error.fields or {"": error.message})
            else:
                messages.success(
                    request,
                    _("The draft application was saved; attach the evidence and submit it."),
                )
                return redirect("subsidies:detail", pk=application.pk)
    else:
        initial = _initial(package, prefill["values"])
        # Figures tried in the calculator come along in the query string.
        initial.update({k: v for k, v in request.GET.items() if k.startswith("fact__")})
        form = FactsForm(package.facts.values(), initial=initial)
    return render(
        request,
        "subsidies/create.html",
        {"form": form, "package": package, "sources": prefill["sources"], "program_id": program_id},
    )


@require_http_methods(["GET", "POST"])
@login_required
def application_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """The enterprise corrects the declared figures of its draft or returned application."""
    application = selectors.application_get(user=request.user, pk=pk)
    if not (can_apply(request.user) and application.status in services.EDITABLE):
        messages.error(request, _("The application can no longer be changed."))
        return redirect("subsidies:detail", pk=application.pk)
    package = services.application_prefill(
        enterprise=application.enterprise,
        program_id=application.program_id,
        as_of=application.as_of,
    )["package"]
    if request.method == "POST":
        form = FactsForm(package.facts.values(), request.POST)
        if form.is_valid():
            try:
                services.application_update(
                    application=application, facts=form.facts(), actor=request.user
                )
            except DomainError as error:
                form.apply_errors(error.fields or {"": error.message})
            else:
                messages.success(request, _("Saved. The rules were evaluated again."))
                return redirect("subsidies:detail", pk=application.pk)
    else:
        form = FactsForm(package.facts.values(), initial=_initial(package, application.facts))
    return render(
        request,
        "subsidies/create.html",
        {
            "form": form,
            "package": package,
            "sources": {},
            "program_id": application.program_id,
            "editing": application,
        },
    )


@require_POST
@login_required
def application_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    application = selectors.application_get(user=request.user, pk=pk)
    try:
        services.application_delete(application=application, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("subsidies:detail", pk=application.pk)
    messages.success(request, _("The draft was deleted."))
    return redirect("subsidies:list")


def _initial(package: Any, values: dict[str, Any]) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    for name, spec in package.facts.items():
        value = values.get(name)
        if value is None:
            continue
        if spec.type == "decimal_yuan":
            wan = yuan_to_wan(Decimal(str(value)), 6)
            value = wan.normalize() if wan is not None else None
        elif spec.type == "bool":
            value = "true" if value else "false"
        initial[f"fact__{name}"] = value
    return initial


@login_required
def application_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    application = selectors.application_get(user=request.user, pk=pk)
    return render(request, "subsidies/detail.html", _detail_context(request, application))


def _detail_context(
    request: AuthedRequest, application: Application, **extra: Any
) -> dict[str, Any]:
    role = getattr(request.user, "role", "")
    result = application.evaluation.result if application.evaluation else {}
    offered = actions_for(SUBSIDY_APPLICATION, state=application.status, role=role)
    context = {
        "application": application,
        "actions": [(n, t) for n, t in offered if n != "approve"],
        "can_approve": any(n == "approve" for n, _t in offered),
        "trace": result.get("trace", []),
        "missing": result.get("missing", []),
        "evidence": application.evidence.all(),
        "events": application.events.select_related("actor"),
        "is_owner": role == "enterprise",
        "editable": application.status in services.EDITABLE and role == "enterprise",
        "problems": selectors.submission_problems(application=application)
        if application.status in services.EDITABLE and role == "enterprise"
        else [],
        "timeline": timeline_build(application),
        "evidence_form": EvidenceForm(),
        "approve_form": extra.pop("approve_form", None) or ApproveForm(),
        "facts": _facts_display(application),
    }
    context.update(extra)
    return context


def _facts_display(application: Application) -> list[dict[str, str]]:
    from zjtx.policy.calculator import display_fact

    package = packages_current().get(application.program_id)
    if package is None:
        return []
    facts = application.evaluation.facts if application.evaluation else application.facts
    return [
        {"label": spec.description, "value": display_fact(spec, facts.get(name))}
        for name, spec in package.facts.items()
    ]


@require_POST
@login_required
def evidence_upload(request: AuthedRequest, pk: int) -> HttpResponse:
    application = selectors.application_get(user=request.user, pk=pk)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > services.MAX_EVIDENCE_BYTES:
            messages.error(request, _("The file is larger than %(mb)s MB.") % {"mb": 10})
        else:
            try:
                services.evidence_add(
                    application=application,
                    name=upload.name,
                    data=upload.read(),
                    actor=request.user,
                )
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("The file was attached."))
    else:
        messages.error(request, _("Choose a file."))
    return redirect("subsidies:detail", pk=application.pk)


@login_required
def evidence_download(request: AuthedRequest, pk: int, evidence_id: int) -> FileResponse:
    application = selectors.application_get(user=request.user, pk=pk)
    evidence = Evidence.objects.filter(application=application, pk=evidence_id).first()
    if evidence is None:
        raise Http404
    audit_record(
        actor=request.user,
        action="subsidies.evidence_download",
        obj=evidence,
        after={"application": application.pk, "sha256": evidence.sha256},
    )
    return serve_upload(
        evidence.file, download_stem=f"subsidy-evidence-{application.pk}-{evidence.pk}"
    )


@require_POST
@login_required
def application_transition(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    application = selectors.application_get(user=request.user, pk=pk)
    form = ReasonForm(request.POST)
    reason = form.data.get("reason", "") if form.is_valid() else ""
    try:
        services.application_transition(
            application=application, action=action, actor=request.user, reason=str(reason)
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Done."))
    return redirect("subsidies:detail", pk=application.pk)


@require_POST
@login_required
def application_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    application = selectors.application_get(user=request.user, pk=pk)
    form = ApproveForm(request.POST)
    if form.is_valid():
        try:
            services.application_approve(
                application=application,
                actor=request.user,
                amount_yuan=form.amount_yuan(),
                override_reason=form.cleaned_data.get("override_reason") or "",
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Approved and recorded in the ledger."))
            return redirect("subsidies:detail", pk=application.pk)
    application.refresh_from_db()
    return render(
        request, "subsidies/detail.html", _detail_context(request, application, approve_form=form)
    )


def _year(request: AuthedRequest) -> int:
    try:
        return int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        return timezone.localdate().year


@login_required
def ledger(request: AuthedRequest) -> HttpResponse:
    if not can_see_ledger(request.user):
        raise Http404
    year = _year(request)
    rows = selectors.ledger_for(user=request.user, year=year)
    if request.GET.get("format") == "xlsx":
        data = build_table_xlsx(
            title=_("Subsidy payout ledger %(year)s") % {"year": year},
            unit_note=_("Unit: 10k yuan"),
            headers=[
                _("Enterprise"),
                _("Unified social credit code"),
                _("Assessment unit"),
                _("Program"),
                _("Amount"),
                _("Approved at"),
                _("Approved by"),
            ],
            rows=(
                [
                    p.enterprise.name,
                    p.enterprise.credit_code,
                    p.enterprise.unit.name if p.enterprise.unit else "",
                    p.program.title,
                    yuan_to_wan(p.amount_yuan),
                    timezone.localtime(p.recorded_at).date(),
                    p.recorded_by.display_name if p.recorded_by else "",
                ]
                for p in rows
            ),
            sheet_name=_("Ledger"),
            total_columns=(4,),
        )
        audit_export(
            actor=request.user,
            action="subsidies.ledger_export",
            object_type="subsidies.payout",
            count=len(rows),
            filters={"year": year},
        )
        response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="ledger-{year}.xlsx"'
        return response
    return render(request, "subsidies/ledger.html", {"rows": rows, "year": year})


@require_http_methods(["GET", "POST"])
@login_required
def budgets(request: AuthedRequest) -> HttpResponse:
    if not can_see_ledger(request.user):
        raise Http404
    programs = _award_choices()
    form = BudgetForm(
        request.POST or None, programs=programs, initial={"year": timezone.localdate().year}
    )
    if request.method == "POST":
        if not can_manage_budgets(request.user):
            raise Http404
        if form.is_valid():
            try:
                services.budget_set(
                    program_id=form.cleaned_data["program"],
                    year=form.cleaned_data["year"],
                    amount_yuan=wan_to_yuan(form.cleaned_data["amount_wan"]) or Decimal(0),
                    actor=request.user,
                    note=form.cleaned_data["note"],
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The budget was saved."))
                return redirect("subsidies:budgets")
    rows = list(selectors.budget_list())
    if request.GET.get("format") == "xlsx":
        data = build_table_xlsx(
            title=_("Subsidy budgets"),
            unit_note=_("Unit: 10k yuan"),
            headers=[_("Budget year"), _("Program"), _("Budget"), _("Approved"), _("Remaining")],
            rows=(
                [
                    b.year,
                    b.program.title,
                    yuan_to_wan(b.amount_yuan),
                    yuan_to_wan(getattr(b, "spent", None) or 0),
                    yuan_to_wan(b.amount_yuan - (getattr(b, "spent", None) or 0)),
                ]
                for b in rows
            ),
            sheet_name=_("Budgets"),
            integer_columns=(0,),
            total_columns=(2, 3, 4),
        )
        audit_export(
            actor=request.user,
            action="subsidies.budget_export",
            object_type="subsidies.budget",
            count=len(rows),
        )
        response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = 'attachment; filename="budgets.xlsx"'
        return response
    for b in rows:
        b.remaining = b.amount_yuan - (b.spent or 0)  # type: ignore[attr-defined]
    return render(
        request,
        "subsidies/budgets.html",
        {"rows": rows, "form": form, "can_manage": can_manage_budgets(request.user)},
    )
