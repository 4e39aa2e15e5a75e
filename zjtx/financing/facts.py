"""Facts about enterprises for financing: what a bank may see under a consent, and the facts
the products' eligibility rule packages read, gathered in bulk (one pass for many firms)."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date
from typing import Any

from django.db.models import QuerySet

from zjtx.enterprises.models import Enterprise
from zjtx.policy.facts_from_registry import registry_facts

from .models import DataScope

FINANCIAL_FACT_NAMES = (
    "operating_revenue_y1_yuan",
    "net_profit_y1_yuan",
    "total_assets_yuan",
    "debt_asset_ratio_pct",
    "employees",
)
# Facts this app adds to the registry's for the products' eligibility rules.
FIN_FACTS = frozenset({"fin_zjtx_certified", "fin_years_in_business", "fin_red_warning_open"})


def _certified(ids: Collection[int], as_of: date) -> set[int]:
    from zjtx.certification.models import Application

    return set(
        Application.objects.filter(
            enterprise_id__in=ids,
            status=Application.Status.CERTIFIED,
            valid_until__gte=as_of,
        ).values_list("enterprise_id", flat=True)
    )


def _red_warnings(ids: Collection[int]) -> set[int]:
    from zjtx.monitoring.models import Level, MonitoringWarning

    return set(
        MonitoringWarning.objects.filter(
            enterprise_id__in=ids, level=Level.RED, status=MonitoringWarning.Status.OPEN
        ).values_list("enterprise_id", flat=True)
    )


def financing_facts(
    enterprises: QuerySet[Enterprise], *, as_of: date, names: Collection[str]
) -> dict[int, dict[str, Any]]:
    """Engine facts per enterprise id: the registry's plus this app's (unknown stays absent)."""
    wanted = set(names)
    ids = list(enterprises.order_by().values_list("pk", flat=True))
    if not ids:
        return {}
    out: dict[int, dict[str, Any]] = {pk: {} for pk in ids}
    if wanted - FIN_FACTS:
        sheets = registry_facts(
            Enterprise.objects.filter(pk__in=ids), as_of=as_of, names=wanted - FIN_FACTS
        )
        for pk, sheet in sheets.items():
            out[pk] = dict(sheet.values)
    if "fin_zjtx_certified" in wanted:
        certified = _certified(ids, as_of)
        for pk in ids:
            out[pk]["fin_zjtx_certified"] = pk in certified
    if "fin_red_warning_open" in wanted:
        red = _red_warnings(ids)
        for pk in ids:
            out[pk]["fin_red_warning_open"] = pk in red
    if "fin_years_in_business" in wanted:
        for pk, established in enterprises.order_by().values_list("pk", "established_on"):
            if established is not None:
                years = (
                    as_of.year
                    - established.year
                    - ((as_of.month, as_of.day) < (established.month, established.day))
                )
                out.setdefault(pk, {})["fin_years_in_business"] = max(years, 0)
    return out


def shared_data(demand: Any, scopes: Iterable[str], *, as_of: date) -> dict[str, Any]:
    """What the consent lets a bank see about the demand's enterprise, by kind of data."""
    scopes = set(scopes)
    data: dict[str, Any] = {}
    enterprise_qs = Enterprise.objects.filter(pk=demand.enterprise_id)
    names: set[str] = set()
    if DataScope.FINANCIALS in scopes:
        names |= set(FINANCIAL_FACT_NAMES) | {"fin_years_in_business"}
    if DataScope.CERTIFICATION in scopes:
        names.add("fin_zjtx_certified")
    if DataScope.MONITORING in scopes:
        names.add("fin_red_warning_open")
    facts = financing_facts(enterprise_qs, as_of=as_of, names=names).get(demand.enterprise_id, {})
    if DataScope.FINANCIALS in scopes:
        data["financials"] = {
            n: (None if facts.get(n) is None else str(facts[n]))
            for n in (*FINANCIAL_FACT_NAMES, "fin_years_in_business")
        }
    if DataScope.CERTIFICATION in scopes:
        data["certification"] = {"zjtx_certified": facts.get("fin_zjtx_certified", False)}
    if DataScope.MONITORING in scopes:
        data["monitoring"] = {"red_warning_open": facts.get("fin_red_warning_open", False)}
    if DataScope.TAX_GRADE in scopes:
        data["tax_grade"] = demand.tax_grade or None
    return data
