"""Reference pages: assessment units, divisions, industry codes, the SME size standard."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from zjtx.core.errors import DomainError

from . import selectors
from .forms import FORM_FIELD_FOR_INPUT, SizeCalculatorForm
from .models import IndustryCode
from .sizing import SizeInputMissing, SizeResult, format_wan, needed_inputs


def _indicator_label(key: str) -> str:
    return {
        "employees": _("Employees"),
        "revenue": _("Operating revenue"),
        "total_assets": _("Total assets"),
    }[key]


def _amount(key: str, value: Any) -> str:
    if key == "employees":
        return _("%(count)s persons") % {"count": f"{int(value):,}"}
    return _("%(amount)s 10k yuan") % {"amount": format_wan(Decimal(str(value)), grouping=True)}


def _conditions(limits: dict[str, Any], op: str, joiner: str) -> str:
    parts = [f"{_indicator_label(key)} {op} {_amount(key, value)}" for key, value in limits.items()]
    return f" {joiner} ".join(parts)


def standard_rows(rules: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per sector of the standard, every threshold spelled out in 万元 / persons."""
    rows = []
    for key, sector in rules["sectors"].items():
        rows.append(
            {
                "key": key,
                "name": sector["name"],
                "clause": sector["clause"],
                "industries": sector.get("industries", ""),
                "indicators": "、".join(_indicator_label(i) for i in sector["indicators"]),
                "large": _conditions(sector["sme_ceiling"], "≥", _("and")),
                "medium": _conditions(sector["medium"], "≥", _("and")),
                "small": _conditions(sector["small"], "≥", _("and")),
                "micro": _conditions(sector["small"], "<", _("or")),
            }
        )
    return rows


def _size_label(size: str) -> str:
    return {
        "large": _("Large enterprise"),
        "medium": _("Medium enterprise"),
        "small": _("Small enterprise"),
        "micro": _("Micro enterprise"),
    }[size]


@login_required
def units_view(request: HttpRequest) -> HttpResponse:
    names = selectors.division_names()
    units = [
        {"unit": unit, "division_name": names.get(unit.division_code, "")}
        for unit in selectors.unit_list()
    ]
    return render(request, "reference/units.html", {"units": units})


@login_required
def divisions_view(request: HttpRequest) -> HttpResponse:
    names = selectors.division_names()
    current: list[dict[str, Any]] = []
    retired: list[dict[str, Any]] = []
    for division in selectors.division_list():
        row = {"division": division, "successor_name": names.get(division.successor_code, "")}
        (current if division.valid_to is None else retired).append(row)
    return render(request, "reference/divisions.html", {"current": current, "retired": retired})


@login_required
def industries_view(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:50]
    level = request.GET.get("level", "")
    if level not in IndustryCode.Level.values:
        level = ""
    context = {
        "q": q,
        "level": level,
        "levels": IndustryCode.Level.choices,
        "industries": selectors.industry_search(q=q, level=level or None),
        "total": selectors.industry_count(q=q, level=level or None),
        "limit": selectors.INDUSTRY_SEARCH_LIMIT,
    }
    template = "reference/industries.html"
    if getattr(request, "htmx", False):
        template += "#results"
    return render(request, template, context)


def _calculate(form: SizeCalculatorForm) -> SizeResult | None:
    """Run the classifier for a valid form; errors go onto the form's fields."""
    code = form.cleaned_data["industry_code"]
    try:
        return selectors.size_class_for(
            industry_code=code,
            employees=form.cleaned_data.get("employees"),
            revenue_yuan=form.yuan("revenue_wan"),
            total_assets_yuan=form.yuan("total_assets_wan"),
        )
    except SizeInputMissing as missing:
        error = selectors.missing_input_error(
            missing, sector_name=selectors.sector_name_for(industry_code=code)
        )
        form.add_error(None, error.message)
        for name in missing.missing:
            form.add_error(FORM_FIELD_FOR_INPUT[name], error.fields[name])
    except DomainError as error:
        form.add_error(None, error.message)
        for name, message in error.fields.items():
            field = FORM_FIELD_FOR_INPUT.get(name)
            if field:
                form.add_error(field, message)
    return None


@login_required
@require_http_methods(["GET", "POST"])
def size_view(request: HttpRequest) -> HttpResponse:
    standard = selectors.size_standard_in_force()
    result = None
    if request.method == "POST":
        form = SizeCalculatorForm(request.POST)
        if form.is_valid():
            result = _calculate(form)
    else:
        form = SizeCalculatorForm()
    context = {
        "standard": standard,
        "rows": standard_rows(standard.rules),
        "form": form,
        "result": result,
        "result_label": _size_label(result.size) if result else "",
        "inputs": _inputs_summary(form, result),
        "industry_options": _industry_options(),
    }
    template = "reference/size.html"
    if request.method == "POST" and getattr(request, "htmx", False):
        template += "#calculator"
    return render(request, template, context)


def _industry_options() -> list[IndustryCode]:
    """Divisions plus the two K70 classes the standard names (K70 alone is too coarse)."""
    options = list(selectors.industry_search(level=IndustryCode.Level.DIVISION))
    for code in ("K7010", "K7020"):
        industry = selectors.industry_get(code=code)
        if industry is not None:
            options.append(industry)
    return options


def _inputs_summary(form: SizeCalculatorForm, result: SizeResult | None) -> list[dict[str, str]]:
    """The figures the result used, as the officer typed them (万元, two decimals)."""
    if result is None:
        return []
    data = form.cleaned_data
    code = data["industry_code"]
    rows = [{"label": _("Industry"), "value": f"{code} {selectors.industry_name(code=code)}"}]
    typed = {
        "employees": ("employees", data.get("employees")),
        "revenue_yuan": ("revenue", data.get("revenue_wan")),
        "total_assets_yuan": ("total_assets", data.get("total_assets_wan")),
    }
    for name in needed_inputs(selectors.size_standard_in_force().rules, result.sector):
        key, value = typed[name]
        rows.append({"label": _indicator_label(key), "value": _amount(key, value)})
    return rows
