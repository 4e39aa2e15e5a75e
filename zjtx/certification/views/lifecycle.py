"""Objections, certificates, the working-day calendar and dynamic management."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zjtx.accounts.models import Role
from zjtx.accounts.permissions import role_required
from zjtx.core import workdays
from zjtx.core.audit import audit_record
from zjtx.core.errors import DomainError
from zjtx.core.files import serve_upload
from zjtx.core.http import AuthedRequest
from zjtx.core.models import WorkingDayOverride
from zjtx.core.pii import reveal_response

from .. import documents, selectors, services
from ._common import (
    BUSINESS,
    _date,
    _error,
    _get_or_404,
    _int,
)


@role_required(Role.CITY_OFFICER)
def objection_list(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "certification/objections.html",
        {"objections": selectors.objection_list_for(user=request.user)},
    )


@require_POST
@role_required(Role.CITY_OFFICER)
def objection_handle(request: AuthedRequest, pk: int) -> HttpResponse:
    objection = _get_or_404(selectors.objection_get_for, user=request.user, pk=pk)
    try:
        services.objection_handle(
            objection=objection,
            upheld=request.POST.get("outcome_kind") == "upheld",
            outcome=request.POST.get("outcome", ""),
            actor=request.user,
        )
    except DomainError as error:
        _error(request, error)
    return redirect("certification:objections")


@require_POST
@role_required(Role.CITY_OFFICER)
def objection_reveal_phone(request: AuthedRequest, pk: int) -> HttpResponse:
    """The city officer calls the objector back: the full phone, audited (ADR 0017)."""
    objection = _get_or_404(selectors.objection_get_for, user=request.user, pk=pk)
    return reveal_response(request, objection, "phone")


@role_required(Role.CITY_OFFICER)
def objection_evidence(request: AuthedRequest, pk: int) -> FileResponse:
    objection = _get_or_404(selectors.objection_get_for, user=request.user, pk=pk)
    if not objection.evidence:
        raise Http404
    audit_record(
        actor=request.user,
        action="certification.objection_evidence_download",
        obj=objection,
        after={"application": objection.application_id},
    )
    return serve_upload(objection.evidence, download_stem=f"objection-evidence-{objection.pk}")


def verify_url(request: AuthedRequest, number: str) -> str:
    return request.build_absolute_uri(reverse("certification_public:certificate", args=[number]))


@role_required(*BUSINESS)
def certificate(request: AuthedRequest, pk: int) -> HttpResponse:
    app = _get_or_404(selectors.application_get, pk=pk, user=request.user)
    if not app.certificate_number:
        raise Http404
    url = verify_url(request, app.certificate_number)
    if request.GET.get("format") == "docx":
        response = HttpResponse(
            documents.certificate_docx(app, url),
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
        response["Content-Disposition"] = f'attachment; filename="{app.certificate_number}.docx"'
        return response
    if request.GET.get("format") == "pdf":
        response = HttpResponse(documents.certificate_pdf(app, url), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{app.certificate_number}.pdf"'
        return response
    return render(
        request,
        "certification/certificate.html",
        {"app": app, "qr": documents.qr_data_uri(url), "verify_url": url},
    )


@role_required(Role.SYSADMIN)
def calendar(request: AuthedRequest) -> HttpResponse:
    year = _int(request.GET.get("year")) or timezone.localdate().year + 1
    if request.method == "POST":
        try:
            if request.POST.get("op") == "delete":
                workdays.override_delete(pk=_int(request.POST.get("pk")) or 0, actor=request.user)
            else:
                day = _date(request.POST.get("day"))
                if day is None:
                    messages.error(request, _("Enter a date."))
                else:
                    workdays.override_set(
                        day=day,
                        kind=request.POST.get("kind", ""),
                        name=request.POST.get("name", ""),
                        actor=request.user,
                    )
                    year = day.year
        except DomainError as error:
            _error(request, error)
        return redirect(f"{reverse('certification:calendar')}?year={year}")
    return render(
        request,
        "certification/calendar.html",
        {
            "year": year,
            "overrides": workdays.override_list(year=year),
            "known": workdays.package_knows(year),
            "kinds": WorkingDayOverride.Kind.choices,
        },
    )


@role_required(Role.CITY_OFFICER, Role.UNIT_OFFICER)
def management(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "certification/management.html",
        {
            "rows": selectors.managed_list_for(user=request.user),
            "reports": selectors.change_reports_for(user=request.user)[:200],
        },
    )


@require_POST
@role_required(Role.ENTERPRISE)
def annual_update(request: AuthedRequest, pk: int) -> HttpResponse:
    app = _get_or_404(selectors.application_get, pk=pk, user=request.user)
    try:
        update = services.annual_update_submit(application=app, actor=request.user)
    except DomainError as error:
        _error(request, error)
    else:
        messages.success(
            request, _("Annual update for %(year)s submitted.") % {"year": update.year}
        )
    return redirect("certification:application-detail", app.pk)


@require_POST
@role_required(Role.ENTERPRISE)
def change_report(request: AuthedRequest, pk: int) -> HttpResponse:
    app = _get_or_404(selectors.application_get, pk=pk, user=request.user)
    occurred = _date(request.POST.get("occurred_on"))
    if occurred is None:
        messages.error(request, _("Enter a date."))
        return redirect("certification:application-detail", app.pk)
    try:
        services.change_report_submit(
            application=app,
            actor=request.user,
            kind=request.POST.get("kind", ""),
            occurred_on=occurred,
            description=request.POST.get("description", ""),
        )
    except DomainError as error:
        _error(request, error)
    else:
        messages.success(request, _("Change reported."))
    return redirect("certification:application-detail", app.pk)


@require_POST
@role_required(Role.CITY_OFFICER)
def change_report_handle(request: AuthedRequest, pk: int) -> HttpResponse:
    report = selectors.change_reports_for(user=request.user).filter(pk=pk).first()
    if report is None:
        raise Http404
    try:
        services.change_report_handle(
            report=report,
            actor=request.user,
            needs_review=request.POST.get("needs_review") == "1",
            outcome=request.POST.get("outcome", ""),
        )
    except DomainError as error:
        _error(request, error)
    return redirect("certification:management")
