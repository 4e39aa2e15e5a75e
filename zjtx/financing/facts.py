"""Facts about enterprises for financing: what a bank may see under a consent, and the facts
the products' eligibility rule packages read, gathered in bulk (one pass for many firms)."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum

from zjtx.certification.selectors import certified_enterprise_ids
from zjtx.enterprises.models import Enterprise
from zjtx.monitoring.selectors import red_warning_enterprise_ids
from zjtx.policy.facts_from_registry import registry_facts

from .models import DataScope, Receivable

FINANCIAL_FACT_NAMES = (
    "operating_revenue_y1_yuan",
    "net_profit_y1_yuan",
    "total_assets_yuan",
    "debt_asset_ratio_pct",
    "employees",
)
# Facts this app adds to the registry's for the products' eligibility rules. The tax grade is
# the one the enterprise gives on its demand, so it is added per demand (see matching).
FIN_FACTS = frozenset(
    {
        "fin_zjtx_certified",
        "fin_years_in_business",
        "fin_red_warning_open",
        "fin_confirmed_receivables_yuan",
        "fin_tax_grade",
    }
)
DEMAND_FACTS = frozenset({"fin_tax_grade"})


def _confirmed_receivables(ids: Collection[int], as_of: date) -> dict[int, Decimal]:
    """Receivables the debtor has confirmed, not yet due, summed per creditor."""
    rows = (
        Receivable.objects.filter(
            creditor_id__in=list(ids), status=Receivable.Status.CONFIRMED, due_on__gte=as_of
        )
        .order_by()
        .values("creditor_id")
        .annotate(total=Sum("amount_yuan"))
        .values_list("creditor_id", "total")
    )
    return {pk: total for pk, total in rows}


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
        certified = certified_enterprise_ids(enterprise_ids=ids, as_of=as_of)
        for pk in ids:
            out[pk]["fin_zjtx_certified"] = pk in certified
    if "fin_red_warning_open" in wanted:
        red = red_warning_enterprise_ids(enterprise_ids=ids)
        for pk in ids:
            out[pk]["fin_red_warning_open"] = pk in red
    if "fin_confirmed_receivables_yuan" in wanted:
        # No confirmed receivable is a known zero, not missing data: the registry knows them all.
        owed = _confirmed_receivables(ids, as_of)
        for pk in ids:
            out[pk]["fin_confirmed_receivables_yuan"] = owed.get(pk, Decimal(0))
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
