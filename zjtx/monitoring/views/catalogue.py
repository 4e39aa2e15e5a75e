"""Indicator catalogue pages for the city officer: list, create, edit, Excel export."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from zjtx.accounts.models import Role
from zjtx.accounts.permissions import role_required
from zjtx.core.audit import audit_export
from zjtx.core.errors import DomainError
from zjtx.core.http import AuthedRequest
from zjtx.core.xlsx import XLSX_CONTENT_TYPE, build_table_xlsx

from .. import selectors
from ..forms import COMMON_UNITS, IndicatorForm
from ..models import Indicator
from ..services.catalogue import FROZEN_WITH_VALUES, indicator_create, indicator_update


def _apply_error(form: IndicatorForm, error: DomainError) -> None:
    """Put a service error on the fields it names (or on the form as a whole)."""
    placed = False
    for field, message in error.fields.items():
        if field in form.fields and not form.fields[field].disabled:
            form.add_error(field, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


def _range(indicator: Indicator) -> str:
    if indicator.is_text:
        return _("at most %(length)s characters") % {"length": indicator.max_length}
    low, high = indicator.min_value, indicator.max_value
    if low is None and high is None:
        return _("no limit")
    if high is None:
        return _("at least %(low)s") % {"low": _number(low)}
    if low is None:
        return _("at most %(high)s") % {"high": _number(high)}
    return _("%(low)s to %(high)s") % {"low": _number(low), "high": _number(high)}


def _number(value: Any) -> str:
    return f"{value.normalize():,f}"


@role_required(Role.CITY_OFFICER)
def catalogue_list(request: AuthedRequest) -> HttpResponse:
    indicators = list(selectors.indicator_list_for(user=request.user))
    counts = selectors.indicator_value_counts()
    rows = [{"indicator": i, "range": _range(i), "values": counts.get(i.pk, 0)} for i in indicators]
    return render(
        request,
        "monitoring/catalogue_list.html",
        {"rows": rows, "active_count": sum(1 for i in indicators if i.active)},
    )


def _form_page(request: AuthedRequest, indicator: Indicator | None) -> HttpResponse:
    frozen: set[str] = set()
    has_values = False
    if indicator is not None:
        has_values = selectors.indicator_has_values(indicator=indicator)
        if has_values:
            frozen |= set(FROZEN_WITH_VALUES)
        if selectors.indicator_is_built_in(indicator):
            frozen.add("code")
    initial = {"sort_order": selectors.indicator_next_sort_order()} if indicator is None else {}
    form = IndicatorForm(
        request.POST or None, instance=indicator, initial=initial, frozen=frozenset(frozen)
    )
    if request.method == "POST" and form.is_valid():
        try:
            if indicator is None:
                saved = indicator_create(actor=request.user, **form.changes())
                messages.success(
                    request, _("Indicator “%(name)s” was added.") % {"name": saved.name}
                )
            else:
                saved = indicator_update(
                    actor=request.user, indicator=indicator, changes=form.changes()
                )
                messages.success(
                    request, _("Indicator “%(name)s” was saved.") % {"name": saved.name}
                )
        except DomainError as error:
            if error.status == 404:
                raise Http404 from error
            _apply_error(form, error)
        else:
            return redirect("monitoring:catalogue")
    context: dict[str, Any] = {
        "form": form,
        "indicator": indicator,
        "has_values": has_values,
        "built_in": indicator is not None and selectors.indicator_is_built_in(indicator),
        "units": COMMON_UNITS,
        "title": _("New indicator") if indicator is None else _("Edit indicator"),
    }
    if indicator is not None:
        context["value_count"] = selectors.indicator_value_counts().get(indicator.pk, 0)
    return render(request, "monitoring/catalogue_form.html", context)


@role_required(Role.CITY_OFFICER)
def catalogue_create(request: AuthedRequest) -> HttpResponse:
    return _form_page(request, None)


@role_required(Role.CITY_OFFICER)
def catalogue_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        indicator = selectors.indicator_get(pk=pk)
    except DomainError as exc:
        raise Http404 from exc
    return _form_page(request, indicator)


@role_required(Role.CITY_OFFICER)
def catalogue_export(request: AuthedRequest) -> HttpResponse:
    """The whole catalogue as the bureau's table (DOMAIN.md §9: title, unit row, 序号)."""
    counts = selectors.indicator_value_counts()
    rows = [
        (
            i.sort_order,
            i.code,
            i.name,
            i.unit,
            i.get_kind_display(),
            i.get_frequency_display(),
            i.get_accumulation_display(),
            None if i.is_text else i.decimal_places,
            i.min_value,
            i.max_value,
            i.max_length if i.is_text else None,
            pgettext("indicator status", "Active")
            if i.active
            else pgettext("indicator status", "Inactive"),
            counts.get(i.pk, 0),
        )
        for i in selectors.indicator_list_for(user=request.user)
    ]
    headers = [
        pgettext("indicator", "Order"),
        pgettext("indicator", "Code"),
        pgettext("indicator", "Name"),
        pgettext("indicator", "Unit"),
        pgettext("indicator", "Kind"),
        pgettext("indicator", "Frequency"),
        pgettext("indicator", "Current month or cumulative"),
        pgettext("indicator", "Decimal places"),
        pgettext("indicator", "Minimum"),
        pgettext("indicator", "Maximum"),
        pgettext("indicator", "Maximum text length"),
        pgettext("indicator", "Status"),
        pgettext("indicator", "Stored values"),
    ]
    today = timezone.localdate()
    audit_export(
        actor=request.user,
        action="monitoring.catalogue_export",
        object_type="monitoring.indicator",
        count=len(rows),
    )
    content = build_table_xlsx(
        title=_("Monitoring indicator catalogue"),
        unit_note=_("Ranges in each indicator's unit"),
        subtitle=_("%(department)s    exported on %(date)s")
        % {"department": settings.ZJTX_DEPARTMENT_NAME, "date": today.isoformat()},
        headers=headers,
        rows=rows,
        sheet_name=_("Indicator catalogue"),
        number_format="General",
    )
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    filename = _("indicator-catalogue-%(date)s.xlsx") % {"date": today.strftime("%Y%m%d")}
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    return response
