"""Pages of the reports app: thin, everything scoped in selectors."""

from __future__ import annotations

from typing import IO, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from zjtx.accounts.models import Role
from zjtx.accounts.scoping import require_role
from zjtx.core.errors import DomainError
from zjtx.core.http import AuthedRequest
from zjtx.core.workflow import actions_for

from . import selectors, services
from .benchmark import benchmark_enterprise_get, benchmark_for, benchmark_years
from .dashboard import dashboard_data, dashboard_unit_for
from .models import AnnualReport
from .workflow import PUBLICATION

OFFICERS = (Role.CITY_OFFICER, Role.UNIT_OFFICER)
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def _role(request: AuthedRequest) -> str:
    return str(getattr(request.user, "role", ""))


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def report_file_response(report: AnnualReport, kind: str) -> FileResponse:
    """A report's Word or PDF file as an attachment named by year (generated, never uploaded)."""
    if kind not in CONTENT_TYPES:
        raise Http404
    field = report.docx if kind == "docx" else report.pdf
    if not field:
        raise Http404
    try:
        handle: IO[bytes] = field.open("rb")
    except (OSError, ValueError) as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"zjtx-annual-report-{report.year}.{kind}",
        content_type=CONTENT_TYPES[kind],
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def public_file(request: AuthedRequest, pk: int, kind: str) -> FileResponse:
    """Anyone may download a published annual report; unpublished ones do not exist (404)."""
    report = selectors.published_report_get(pk=pk)
    return report_file_response(report, kind)


# ------------------------------------------------------------------ annual report


@login_required
def annual_list(request: AuthedRequest) -> HttpResponse:
    require_role(request.user, *OFFICERS, hide=True)
    if request.method == "POST":
        try:
            report = services.annual_report_start(year=request.POST.get("year"), actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("reports:annual")
        # The job's progress page; it links to the report when the build is done.
        return redirect(reverse("core:job", args=[report.job_id]) if report.job_id else report)
    reports = selectors.annual_reports_for(user=request.user)[:50]
    return render(
        request,
        "reports/annual_list.html",
        {
            "reports": reports,
            "can_start": _role(request) == Role.CITY_OFFICER,
            "years": selectors.report_year_choices(),
        },
    )


@login_required
def annual_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    report = selectors.annual_report_get(pk=pk, user=request.user)
    context = {
        "report": report,
        "figures": selectors.report_figures(report),
        "chapters": (report.snapshot.data.get("chapters", []) if report.snapshot else []),
        "actions": actions_for(PUBLICATION, state=report.publication, role=_role(request))
        if report.status == AnnualReport.Status.DONE
        else [],
        "can_rebuild": _role(request) == Role.CITY_OFFICER
        and report.status == AnnualReport.Status.DONE,
    }
    if getattr(request, "htmx", False) and request.GET.get("part") == "progress":
        return render(request, "reports/annual_detail.html#progress", context)
    return render(request, "reports/annual_detail.html", context)


@login_required
def annual_file(request: AuthedRequest, pk: int, kind: str) -> FileResponse:
    report = selectors.annual_report_get(pk=pk, user=request.user)
    return report_file_response(report, kind)


@require_POST
@login_required
def annual_action(request: AuthedRequest, pk: int) -> HttpResponse:
    report = selectors.annual_report_get(pk=pk, user=request.user)
    action = request.POST.get("action", "")
    try:
        if action == "rebuild":
            new = services.annual_report_rebuild(report=report, actor=request.user)
            return redirect(new)
        services.annual_report_publication(
            report=report, action=action, actor=request.user, reason=request.POST.get("reason", "")
        )
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(report)


# ------------------------------------------------------------------ dashboards


@login_required
def dashboard(request: AuthedRequest) -> HttpResponse:
    require_role(request.user, *OFFICERS, hide=True)
    unit = dashboard_unit_for(user=request.user, unit_id=_int(request.GET.get("unit")))
    data = dashboard_data(unit=unit, year=_int(request.GET.get("year")))
    return render(
        request,
        "reports/dashboard.html",
        {
            "data": data,
            "unit": unit,
            "units": selectors.units_for(user=request.user),
        },
    )


@login_required
def screen(request: AuthedRequest) -> HttpResponse:
    require_role(request.user, Role.CITY_OFFICER, hide=True)
    data = dashboard_data(unit=None, year=_int(request.GET.get("year")))
    return render(request, "reports/screen.html", {"data": data})


# ------------------------------------------------------------------ benchmarking


@login_required
def benchmark(request: AuthedRequest) -> HttpResponse:
    require_role(request.user, Role.CITY_OFFICER, Role.UNIT_OFFICER, Role.ENTERPRISE, hide=True)
    code = request.GET.get("code", "").strip()
    if _role(request) == Role.ENTERPRISE:
        firm = getattr(request.user, "enterprise", None)
        if firm is None:
            raise Http404
    elif code:
        firm = benchmark_enterprise_get(credit_code=code, user=request.user)
    else:
        return render(request, "reports/benchmark.html", {"result": None, "code": ""})
    result = benchmark_for(firm=firm, year=_int(request.GET.get("year")))
    return render(
        request,
        "reports/benchmark.html",
        {"result": result, "code": firm.credit_code, "years": benchmark_years(firm)},
    )
