"""Facts for the rule packages, built from what the registry already holds.

One pass serves many enterprises: a handful of queries (enterprises, financial years, IP
assets, honours, declared facts), each over the whole scoped queryset, and only those the
requested facts need. Every fact carries a source marker ("企业库：2025年度财务数据"). A fact
the registry cannot know (a 技改 project's equipment investment, a province's award amount)
stays missing unless the enterprise declared it; it is never filled with zero. Registry
figures take precedence over declarations.

Years are relative to `as_of`: y1 is the last complete calendar year (as_of.year - 1), y2 the
one before, y3 the one before that.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connections
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from zjtx.enterprises.models import AnnualFinancial, Enterprise, Honour, IPAsset
from zjtx.reference.sizing import sector_for_industry

from .engine.facts import MAX_PLACES
from .models import DeclaredFact

HUNDRED = Decimal(100)
RATIO_PLACES = Decimal(1).scaleb(-MAX_PLACES)

# fact name -> (AnnualFinancial field, years before as_of)
FINANCIAL_FACTS: dict[str, tuple[str, int]] = {
    "operating_revenue_y1_yuan": ("operating_revenue", 1),
    "operating_revenue_y2_yuan": ("operating_revenue", 2),
    "operating_revenue_y3_yuan": ("operating_revenue", 3),
    "main_business_revenue_y1_yuan": ("main_business_revenue", 1),
    "main_business_revenue_y2_yuan": ("main_business_revenue", 2),
    "main_business_revenue_y3_yuan": ("main_business_revenue", 3),
    "rd_expense_y1_yuan": ("rd_expense", 1),
    "rd_expense_y2_yuan": ("rd_expense", 2),
    "net_profit_y1_yuan": ("net_profit", 1),
    "total_assets_yuan": ("total_assets", 1),
    "employees": ("employees", 1),
    "rd_staff_count": ("rd_staff", 1),
}
DERIVED_FINANCIAL_FACTS = frozenset({"debt_asset_ratio_pct"})
ENTERPRISE_FACTS = frozenset({"size_sector", "is_sme", "developer_in_city"})
IP_FACTS = frozenset({"ip_best_class", "class1_ip_count"})
HONOUR_FACTS = frozenset(
    {
        "innovation_title_valid",
        "rd_institution_level",
        "digital_level",
        "quality_cert_iso9001",
        "quality_award_provincial",
        "own_brand",
        "standard_drafting",
        "first_set_province_certified",
        "integration_pilot_level",
        "integration_pilot_new",
    }
)
HONOUR_KIND = {
    "innovation_title_valid": "high_tech",
    "rd_institution_level": "tech_centre",
    "digital_level": "digital_level",
    "quality_cert_iso9001": "quality_cert",
    "quality_award_provincial": "quality_award",
    "own_brand": "brand",
    "standard_drafting": "standard",
    "first_set_province_certified": "first_set",
    "integration_pilot_level": "integration_pilot",
    "integration_pilot_new": "integration_pilot",
}
REGISTRY_FACTS = (
    frozenset(FINANCIAL_FACTS)
    | DERIVED_FINANCIAL_FACTS
    | ENTERPRISE_FACTS
    | IP_FACTS
    | HONOUR_FACTS
)
_FIN_FIELDS = (
    "operating_revenue",
    "main_business_revenue",
    "rd_expense",
    "net_profit",
    "total_assets",
    "total_liabilities",
    "employees",
    "rd_staff",
)
_LEVEL_RANK = {"national": 3, "provincial": 2, "municipal": 1}
_TECH_CENTRE_LEVEL = {"national": "national", "provincial": "provincial", "municipal": "city"}
_IP_RANK = {"high_value_class1": 4, "self_developed_class1": 3, "class1": 2, "class2": 1}


@dataclass
class FactSheet:
    """An enterprise's facts (engine input values) and where each came from."""

    enterprise_id: int
    values: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    # Facts taken from figures the enterprise declared and no officer has verified yet.
    unverified: set[str] = field(default_factory=set)

    def put(self, name: str, value: Any, source: str, unverified: bool = False) -> None:
        if value is not None:
            self.values[name] = value
            self.sources[name] = source
            if unverified:
                self.unverified.add(name)
            else:
                self.unverified.discard(name)


def _wanted(names: Collection[str] | None) -> frozenset[str]:
    return REGISTRY_FACTS | {"*declared*"} if names is None else frozenset(names)


def registry_facts(
    enterprises: QuerySet[Enterprise],
    *,
    as_of: date,
    names: Collection[str] | None = None,
    declared: bool = True,
) -> dict[int, FactSheet]:
    """Fact sheets for every enterprise of the (already scoped) queryset, keyed by id.

    `names` limits the work to the facts a set of programs reads (None: everything known).
    """
    wanted = _wanted(names)
    sheets: dict[int, FactSheet] = {}
    rows = _raw_rows(
        enterprises.order_by().values_list(
            "pk", "unit_id", "unit__name", "industry__code", "size_class"
        )
    )
    ids = enterprises.order_by().values("pk")
    need_enterprise = bool(wanted & ENTERPRISE_FACTS)
    sector_cache: dict[str, str | None] = {}
    labels: dict[tuple[str, str], str] = {}
    for pk, unit_id, unit_name, industry_code, size_class in rows:
        sheet = sheets[pk] = FactSheet(pk)
        if need_enterprise:
            _enterprise_facts(
                sheet, wanted, unit_id, unit_name, industry_code, size_class, sector_cache, labels
            )
    if wanted & (set(FINANCIAL_FACTS) | DERIVED_FINANCIAL_FACTS):
        _financial_facts(sheets, ids, as_of, wanted)
    if wanted & IP_FACTS:
        _ip_facts(sheets, ids, as_of)
    if wanted & HONOUR_FACTS:
        _honour_facts(sheets, ids, as_of, wanted)
    if declared:
        _declared_facts(sheets, ids, None if names is None else wanted)
    if names is not None:
        for sheet in sheets.values():
            for name in [n for n in sheet.values if n not in wanted]:
                del sheet.values[name]
                del sheet.sources[name]
    return sheets


def enterprise_facts(
    enterprise: Enterprise,
    *,
    as_of: date,
    names: Collection[str] | None = None,
    declared: bool = True,
) -> FactSheet:
    """The fact sheet of one enterprise (the same code path as the bulk scan)."""
    qs = Enterprise.objects.filter(pk=enterprise.pk)
    return registry_facts(qs, as_of=as_of, names=names, declared=declared).get(
        enterprise.pk, FactSheet(enterprise.pk)
    )


def _enterprise_facts(
    sheet: FactSheet,
    wanted: frozenset[str],
    unit_id: int | None,
    unit_name: str | None,
    industry_code: str | None,
    size_class: str,
    sector_cache: dict[str, str | None],
    labels: dict[tuple[str, str], str],
) -> None:
    # Source texts are translated once per distinct value: gettext per row costs seconds.
    def label(kind: str, value: str) -> str:
        key = (kind, value)
        if key not in labels:
            if kind == "unit":
                labels[key] = _("Registry: registered in Wuhu (%(unit)s)") % {"unit": value}
            elif kind == "industry":
                labels[key] = _("Registry: industry %(code)s (GB/T 4754-2017)") % {"code": value}
            else:
                size = Enterprise.SizeClass(value).label
                labels[key] = _("Registry: enterprise size (%(size)s)") % {"size": size}
        return labels[key]

    if "developer_in_city" in wanted and unit_id is not None:
        sheet.put("developer_in_city", True, label("unit", unit_name or ""))
    if "size_sector" in wanted and industry_code:
        if industry_code not in sector_cache:
            try:
                sector_cache[industry_code] = sector_for_industry(industry_code)
            except ValueError:
                sector_cache[industry_code] = None
        sector = sector_cache[industry_code]
        if sector is not None:
            sheet.put("size_sector", sector, label("industry", industry_code))
    if "is_sme" in wanted and size_class:
        sheet.put("is_sme", size_class != Enterprise.SizeClass.LARGE, label("size", size_class))


def _financial_facts(
    sheets: dict[int, FactSheet], ids: Any, as_of: date, wanted: frozenset[str]
) -> None:
    years = {k: as_of.year - k for k in (1, 2, 3)}
    labels = {
        year: _("Registry: %(year)s annual financial statement") % {"year": year}
        for year in years.values()
    }
    declared_labels = {
        year: _("Declared by the enterprise (unverified): %(year)s annual financial statement")
        % {"year": year}
        for year in years.values()
    }
    by_year: dict[int, dict[int, tuple[Any, ...]]] = {}
    declared: set[tuple[int, int]] = set()
    rows = AnnualFinancial.objects.filter(
        enterprise_id__in=ids, year__in=list(years.values())
    ).values_list("enterprise_id", "year", "declared_by_enterprise", *_FIN_FIELDS)
    for row in rows:
        by_year.setdefault(row[0], {})[row[1]] = row[3:]
        if row[2]:
            declared.add((row[0], row[1]))
    index = {name: i for i, name in enumerate(_FIN_FIELDS)}
    selected = [(n, index[f], years[k]) for n, (f, k) in FINANCIAL_FACTS.items() if n in wanted]
    ratio = "debt_asset_ratio_pct" in wanted
    y1 = years[1]
    for pk, data in by_year.items():
        sheet = sheets.get(pk)
        if sheet is None:
            continue
        for name, position, year in selected:
            row = data.get(year)
            if row is not None and row[position] is not None:
                own = (pk, year) in declared
                label = declared_labels[year] if own else labels[year]
                sheet.put(name, row[position], label, unverified=own)
        if ratio and y1 in data:
            assets = data[y1][index["total_assets"]]
            liabilities = data[y1][index["total_liabilities"]]
            if assets and liabilities is not None and assets > 0:
                own = (pk, y1) in declared
                label = declared_labels[y1] if own else labels[y1]
                # A quotient has up to 28 digits; the engine takes at most 12 places.
                ratio_pct = (liabilities * HUNDRED / assets).quantize(RATIO_PLACES, ROUND_HALF_UP)
                sheet.put("debt_asset_ratio_pct", ratio_pct, label, own)


def _ip_facts(sheets: dict[int, FactSheet], ids: Any, as_of: date) -> None:
    best: dict[int, str] = {}
    class1: dict[int, int] = {}
    rows = IPAsset.objects.filter(enterprise_id__in=ids, related_to_main_product=True).values_list(
        "enterprise_id", "ip_class", "high_value", "self_developed", "grant_date"
    )
    for pk, ip_class, high_value, self_developed, granted in rows:
        if granted is not None and granted > as_of:
            continue
        if ip_class == IPAsset.IPClass.CLASS_I:
            kind = (
                "high_value_class1"
                if high_value
                else "self_developed_class1"
                if self_developed
                else "class1"
            )
            class1[pk] = class1.get(pk, 0) + 1
        else:
            kind = "class2"
            class1.setdefault(pk, 0)
        if _IP_RANK[kind] > _IP_RANK.get(best.get(pk, ""), 0):
            best[pk] = kind
    template = _("Registry: intellectual property (%(count)s class I items)")
    for pk, kind in best.items():
        sheet = sheets.get(pk)
        if sheet is None:
            continue
        count = class1.get(pk, 0)
        source = template % {"count": count}
        sheet.put("ip_best_class", kind, source)
        sheet.put("class1_ip_count", count, source)


def _honour_valid(awarded: date | None, valid_until: date | None, as_of: date) -> bool:
    return (awarded is None or awarded <= as_of) and (valid_until is None or valid_until >= as_of)


def _honour_facts(
    sheets: dict[int, FactSheet], ids: Any, as_of: date, wanted: frozenset[str]
) -> None:
    kinds = {HONOUR_KIND[name] for name in wanted if name in HONOUR_KIND}
    rows = Honour.objects.filter(enterprise_id__in=ids, kind__in=sorted(kinds)).values_list(
        "enterprise_id", "kind", "level", "name", "awarded_on", "valid_until", "value"
    )
    K = Honour.Kind
    template = _("Registry: honour %(name)s (%(date)s)")
    for pk, kind, level, name, awarded, valid_until, value in rows:
        sheet = sheets.get(pk)
        if sheet is None or not _honour_valid(awarded, valid_until, as_of):
            continue
        when = awarded.isoformat() if awarded else "—"
        source = template % {"name": name, "date": when}
        if kind == K.HIGH_TECH:
            sheet.put("innovation_title_valid", True, source)
        elif kind == K.TECH_CENTRE and level in _TECH_CENTRE_LEVEL:
            mapped = _TECH_CENTRE_LEVEL[level]
            current = sheet.values.get("rd_institution_level")
            order = ["city", "provincial", "national"]
            if current is None or order.index(mapped) > order.index(current):
                sheet.put("rd_institution_level", mapped, source)
        elif kind == K.DIGITAL_LEVEL and value.strip().isdigit():
            level_no = int(value.strip())
            if 1 <= level_no <= 4 and level_no > sheet.values.get("digital_level", 0):
                sheet.put("digital_level", level_no, source)
        elif kind == K.QUALITY_CERT:
            sheet.put("quality_cert_iso9001", True, source)
        elif kind == K.QUALITY_AWARD and level in ("provincial", "national", "international"):
            sheet.put("quality_award_provincial", True, source)
        elif kind == K.BRAND:
            sheet.put("own_brand", True, source)
        elif kind == K.STANDARD:
            sheet.put("standard_drafting", True, source)
        elif kind == K.FIRST_SET and level in ("provincial", "national"):
            sheet.put("first_set_province_certified", True, source)
        elif kind == K.INTEGRATION_PILOT and level in ("national", "provincial"):
            current = sheet.values.get("integration_pilot_level")
            if current is None or _LEVEL_RANK[level] > _LEVEL_RANK[current]:
                sheet.put("integration_pilot_level", level, source)
                # 新认定: recognised in the previous or the current year (the award follows
                # the recognition); an undated honour leaves the question open.
                sheet.values.pop("integration_pilot_new", None)
                sheet.sources.pop("integration_pilot_new", None)
                if awarded is not None:
                    sheet.put("integration_pilot_new", awarded.year >= as_of.year - 1, source)


def _declared_facts(sheets: dict[int, FactSheet], ids: Any, wanted: frozenset[str] | None) -> None:
    qs = DeclaredFact.objects.filter(enterprise_id__in=ids)
    if wanted is not None:
        qs = qs.filter(name__in=sorted(wanted))
    rows = _raw_rows(
        qs.order_by("enterprise_id", "name", "declared_at", "id").values_list(
            "enterprise_id", "name", "value", "source"
        )
    )
    from_registry: dict[int, frozenset[str]] = {}
    template = _("Declared: %(source)s")
    for pk, name, value, source in rows:
        if isinstance(value, str):
            value = json.loads(value)
        sheet = sheets.get(pk)
        if sheet is None:
            continue
        if pk not in from_registry:
            from_registry[pk] = frozenset(sheet.values)
        if name in from_registry[pk]:
            continue  # a registry figure is never overridden by a declaration
        sheet.put(name, value, template % {"source": source})


def _raw_rows(qs: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of a values_list query straight from the cursor.

    Django's per-value converters (JSON decoding) cost more than the query for tens of
    thousands of declarations; the caller decodes the JSON text itself.
    """
    sql, params = qs.query.get_compiler(using=qs.db).as_sql()
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def facts_for_programs(packages: Iterable[Any]) -> frozenset[str]:
    """Every fact name the given engine packages read."""
    return frozenset(name for package in packages for name in package.facts)
