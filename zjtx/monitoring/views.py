"""Monitoring pages: upload with dry run and confirm, history, calendar, reporting rates."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zjtx.accounts.models import Role
from zjtx.accounts.permissions import role_required
from zjtx.core.audit import audit_export
from zjtx.core.errors import DomainError
from zjtx.core.xlsx import XLSX_CONTENT_TYPE

from . import selectors, services
from .imports.filecheck import MAX_UPLOAD_BYTES
from .imports.messages import file_message
from .models import ImportRun, Indicator, Level, MonitoringWarning
from .template import build_template

CITY, UNIT = Role.CITY_OFFICER, Role.UNIT_OFFICER


def last_month(today: date | None = None) -> str:
    today = today or timezone.localdate()
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return f"{year:04d}-{month:02d}"


def _period_label(code: str) -> str:
    try:
        return services.parse_period(code).label
    except DomainError:
        return code


def _is_monthly(code: str) -> bool:
    try:
        return services.parse_period(code).frequency == Indicator.Frequency.MONTHLY
    except DomainError:
        return True


def template_response(user: Any, period_code: str) -> HttpResponse:
    """The xlsx template for the user's scope (shared by the page and the API)."""
    ref = services.parse_period(period_code)
    unit_name = (
        user.unit.name if user.role == UNIT and user.unit_id else str(settings.ZJTX_DEPARTMENT_NAME)
    )
    enterprises = list(selectors.enterprise_list_for_template(user))
    data = build_template(
        period_label=ref.label,
        period_code=ref.code,
        reporting_unit=unit_name,
        indicators=selectors.indicators_active(ref.frequency),
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
def template_download(request: HttpRequest) -> HttpResponse:
    try:
        return template_response(request.user, request.GET.get("period") or last_month())
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("monitoring:upload")


@role_required(CITY, UNIT)
def upload(request: HttpRequest) -> HttpResponse:
    """Choose period and file; a dry run comes first by default, then a confirm button."""
    context: dict[str, Any] = {
        "period": str(request.POST.get("period") or request.GET.get("period") or last_month()),
        "dry_run": True,
        "accept_valid_rows": False,
        "clear_blanks": False,
        "max_mb": MAX_UPLOAD_BYTES // (1024 * 1024),
    }
    context["period_choices"] = selectors.period_choices(context["period"])
    if request.method == "POST":
        context["dry_run"] = request.POST.get("dry_run") == "on"
        context["accept_valid_rows"] = request.POST.get("accept_valid_rows") == "on"
        context["clear_blanks"] = request.POST.get("clear_blanks") == "on"
        upload_file = request.FILES.get("file")
        if upload_file is None:
            messages.error(request, _("Choose the filled template to upload."))
        elif upload_file.size and upload_file.size > MAX_UPLOAD_BYTES:
            messages.error(request, file_message("file_too_large"))
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
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
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
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
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
def import_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.import_run_list_for(request.user), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "monitoring/import_list.html", {"page": page})


@role_required(CITY, UNIT)
def period_list(request: Any) -> HttpResponse:
    periods = list(selectors.period_list()[:36])
    confirmed: set[int] = set()
    if request.user.role == UNIT:
        from .models import UnitPeriodConfirmation

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
            "period_choices": selectors.period_choices(last_month()),
        },
    )


def _period_action(request: HttpRequest, code: str, action: str) -> HttpResponse:
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
def period_confirm(request: HttpRequest, code: str) -> HttpResponse:
    return _period_action(request, code, "confirm")


@require_POST
@role_required(CITY)
def period_lock(request: HttpRequest, code: str) -> HttpResponse:
    return _period_action(request, code, "lock")


@require_POST
@role_required(CITY)
def period_unlock(request: HttpRequest, code: str) -> HttpResponse:
    return _period_action(request, code, "unlock")


@require_POST
@role_required(CITY)
def period_open(request: HttpRequest) -> HttpResponse:
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


@role_required(CITY, UNIT)
def reporting_rate(request: HttpRequest) -> HttpResponse:
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


@role_required(CITY, UNIT)
def dashboard(request: HttpRequest) -> HttpResponse:
    """Trend, distribution by unit and reporting rate, from the roll-up tables (ECharts)."""
    periods = list(selectors.period_list(Indicator.Frequency.MONTHLY)[:36])
    code = request.GET.get("period") or (periods[0].code if periods else "")
    period = next((p for p in periods if p.code == code), None)
    data = selectors.dashboard_data(user=request.user, period=period)
    data["labels"] = {
        "trend": _("Trend of key indicators (total of reporting enterprises)"),
        "by_unit": _("Operating revenue by unit (10,000 yuan)"),
        "rates": _("Reporting rate by unit (%)"),
        "warnings": _("Early warnings by unit and level"),
        "by_industry": _("Operating revenue by industry (GB/T 4754 division, 10,000 yuan)"),
        "revenue": _("Operating revenue"),
        "rate": _("Reporting rate"),
    }
    return render(
        request,
        "monitoring/dashboard.html",
        {"periods": periods, "period": period, "chart_data": data},
    )


@role_required(CITY, UNIT)
def warning_list(request: HttpRequest) -> HttpResponse:
    """Early warnings with their explanation and follow-up task, per period (monthly: the
    rules read monthly figures)."""
    periods = list(selectors.period_list(Indicator.Frequency.MONTHLY)[:36])
    code = request.GET.get("period") or (periods[0].code if periods else "")
    period = next((p for p in periods if p.code == code), None)
    level = request.GET.get("level", "")
    status = request.GET.get("status", "open")
    level = level if level in Level.values else ""
    status = status if status in MonitoringWarning.Status.values else ""
    qs = (
        selectors.warning_list_for(request.user, period=period, level=level, status=status)
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
def warnings_run(request: HttpRequest, code: str) -> HttpResponse:
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
def warning_close(request: HttpRequest, pk: int) -> HttpResponse:
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
            from .selectors import enterprise_report as report_lines

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
                "period_choices": selectors.period_choices(period_code),
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
            "period_choices": selectors.period_choices(period_code),
        },
    )


@require_POST
@role_required(CITY, UNIT)
def reminders_send(request: HttpRequest, code: str, unit_id: int) -> HttpResponse:
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
