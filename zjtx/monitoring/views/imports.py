"""The import template, the Excel upload and the list of import runs."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zjtx.accounts.permissions import role_required
from zjtx.core.audit import audit_export
from zjtx.core.errors import DomainError
from zjtx.core.http import AuthedRequest
from zjtx.core.xlsx import XLSX_CONTENT_TYPE

from .. import jobs, selectors, services
from ..imports.filecheck import MAX_UPLOAD_BYTES
from ..imports.messages import file_message
from ..models import ImportRun
from ..template import build_template
from ._common import CITY, UNIT, last_month


def template_response(user: Any, period_code: str) -> HttpResponse:
    """The xlsx template for the user's scope (shared by the page and the API)."""
    ref = services.parse_period(period_code)
    unit_name = (
        user.unit.name if user.role == UNIT and user.unit_id else str(settings.ZJTX_DEPARTMENT_NAME)
    )
    enterprises = list(selectors.enterprise_list_for_template(user=user))
    data = build_template(
        period_label=ref.label,
        period_code=ref.code,
        reporting_unit=unit_name,
        indicators=selectors.indicators_active(frequency=ref.frequency),
        enterprises=enterprises,
    )
    audit_export(
        actor=user,
        action="monitoring.template_download",
        object_type="enterprises.enterprise",
        count=len(enterprises),
        filters={"period": ref.code},
    )
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    filename = _("monitoring-template-%(period)s.xlsx") % {"period": ref.code}
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    return response


@role_required(CITY, UNIT)
def template_download(request: AuthedRequest) -> HttpResponse:
    try:
        return template_response(request.user, request.GET.get("period") or last_month())
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("monitoring:upload")


@role_required(CITY, UNIT)
def upload(request: AuthedRequest) -> HttpResponse:
    """Choose period and file; a dry run comes first by default, then a confirm button."""
    context: dict[str, Any] = {
        "period": str(request.POST.get("period") or request.GET.get("period") or last_month()),
        "dry_run": True,
        "accept_valid_rows": False,
        "clear_blanks": False,
        "max_mb": MAX_UPLOAD_BYTES // (1024 * 1024),
    }
    context["period_choices"] = selectors.period_choices(selected=context["period"])
    if request.method == "POST":
        context["dry_run"] = request.POST.get("dry_run") == "on"
        context["accept_valid_rows"] = request.POST.get("accept_valid_rows") == "on"
        context["clear_blanks"] = request.POST.get("clear_blanks") == "on"
        upload_file = request.FILES.get("file")
        if upload_file is None:
            messages.error(request, _("Choose the filled template to upload."))
        elif upload_file.size and upload_file.size > MAX_UPLOAD_BYTES:
            messages.error(request, file_message("file_too_large"))
        elif (upload_file.size or 0) > jobs.threshold_bytes():
            # A large workbook is imported by a task worker; the job page shows its progress.
            job = jobs.import_start(
                actor=request.user,
                period_code=context["period"],
                data=upload_file.read(),
                original_name=upload_file.name or "upload.xlsx",
                dry_run=context["dry_run"],
                accept_valid_rows=context["accept_valid_rows"],
                clear_blanks=context["clear_blanks"],
            )
            if job.status == job.Status.SUCCEEDED and job.result_url:
                return redirect(job.result_url)
            if job.status == job.Status.FAILED:
                messages.error(request, job.error)
            else:
                return redirect(job)
        else:
            try:
                run = services.import_upload(
                    actor=request.user,
                    period_code=context["period"],
                    data=upload_file.read(),
                    original_name=upload_file.name or "upload.xlsx",
                    dry_run=context["dry_run"],
                    accept_valid_rows=context["accept_valid_rows"],
                    clear_blanks=context["clear_blanks"],
                )
            except DomainError as error:
                messages.error(request, error.message)
            else:
                return redirect("monitoring:import-detail", pk=run.pk)
    return render(request, "monitoring/upload.html", context)


@role_required(CITY, UNIT)
def import_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        run = selectors.import_run_get(pk=pk, user=request.user)
    except DomainError as exc:
        raise Http404 from exc
    committed = ImportRun.objects.filter(source_run=run, status=ImportRun.Status.COMMITTED).first()
    can_confirm = (
        run.status == ImportRun.Status.VALIDATED
        and run.dry_run
        and run.uploader_id == request.user.pk
        and committed is None
    )
    return render(
        request,
        "monitoring/import_detail.html",
        {"run": run, "can_confirm": can_confirm, "committed": committed},
    )


@require_POST
@role_required(CITY, UNIT)
def import_confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        run = selectors.import_run_get(pk=pk, user=request.user)
    except DomainError as exc:
        raise Http404 from exc
    try:
        committed = services.import_confirm(
            actor=request.user, run=run, clear_blanks=request.POST.get("clear_blanks") == "on"
        )
    except DomainError as error:
        if error.status == 404:
            raise Http404 from error
        messages.error(request, error.message)
        return redirect("monitoring:import-detail", pk=run.pk)
    if committed.status == ImportRun.Status.COMMITTED:
        messages.success(request, _("The data has been stored."))
    return redirect("monitoring:import-detail", pk=committed.pk)


@role_required(CITY, UNIT)
def import_list(request: AuthedRequest) -> HttpResponse:
    page = Paginator(selectors.import_run_list_for(user=request.user), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "monitoring/import_list.html", {"page": page})
