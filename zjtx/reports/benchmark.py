"""Benchmarking (对标立杆): one enterprise's indicators against the quartiles of its peers.

Peer groups for a year: the same GB/T 4754 大类 and size class, the same 大类, the same 门类,
and the SRDI enterprises (municipal tier or higher) of the city. A group is shown only with at
least MIN_PEERS other enterprises that have the indicator; smaller groups are named and
hidden, so no single competitor's figure can be worked out. Figures come from the
EnterpriseYear roll-ups (the annual financial statement where the registry holds one, else
monthly monitoring summed over the year; growth only between years of the same source); the
groups' quartiles
(the enterprise itself included) are precomputed into BenchmarkStat with the other roll-ups,
so a benchmark page reads a few rows, not the whole city.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zjtx.accounts.scoping import scope_enterprise_qs
from zjtx.core.errors import ErrorCode, NotFound
from zjtx.enterprises.models import Enterprise
from zjtx.reference.models import IndustryCode

from .models import EnterpriseYear
from .tiers import tiers_as_of

MIN_PEERS = 5
HUNDRED = Decimal(100)
WAN = Decimal(10000)
Q2 = Decimal("0.01")


def _ratio(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    if a is None or not b:
        return None
    return (Decimal(a) * HUNDRED / Decimal(b)).quantize(Q2, ROUND_HALF_UP)


@dataclass(frozen=True)
class Indicator:
    key: str
    label: Any
    unit: str
    compute: Callable[[EnterpriseYear, EnterpriseYear | None], Decimal | None]
    higher_is_better: bool = True


def _growth(cur: EnterpriseYear, prev: EnterpriseYear | None) -> Decimal | None:
    if prev is None or cur.revenue is None or not prev.revenue or prev.revenue <= 0:
        return None
    return ((cur.revenue - prev.revenue) * HUNDRED / prev.revenue).quantize(Q2, ROUND_HALF_UP)


def _per_employee(cur: EnterpriseYear, prev: EnterpriseYear | None) -> Decimal | None:
    if cur.revenue is None or not cur.employees:
        return None
    return (cur.revenue / WAN / Decimal(cur.employees)).quantize(Q2, ROUND_HALF_UP)


INDICATORS: tuple[Indicator, ...] = (
    Indicator("revenue_growth", gettext_lazy("Revenue growth"), "%", _growth),
    Indicator(
        "profit_margin",
        gettext_lazy("Profit margin"),
        "%",
        lambda c, p: _ratio(c.profit, c.revenue),
    ),
    Indicator(
        "rd_intensity", gettext_lazy("R&D intensity"), "%", lambda c, p: _ratio(c.rd, c.revenue)
    ),
    Indicator(
        "revenue_per_employee", gettext_lazy("Revenue per employee"), "万元/人", _per_employee
    ),
    Indicator(
        "export_share", gettext_lazy("Export share"), "%", lambda c, p: _ratio(c.exports, c.revenue)
    ),
    Indicator(
        "tax_rate", gettext_lazy("Taxes to revenue"), "%", lambda c, p: _ratio(c.taxes, c.revenue)
    ),
)


def quartiles(values: list[Decimal]) -> tuple[Decimal, Decimal, Decimal]:
    """(P25, median, P75) by linear interpolation between closest ranks (Excel QUARTILE.INC)."""
    data = sorted(values)
    n = len(data)

    def at(p: Decimal) -> Decimal:
        pos = p * (n - 1)
        lo = int(pos)
        hi = min(lo + 1, n - 1)
        return (data[lo] + (data[hi] - data[lo]) * (pos - lo)).quantize(Q2, ROUND_HALF_UP)

    return at(Decimal("0.25")), at(Decimal("0.5")), at(Decimal("0.75"))


@dataclass
class Cell:
    indicator: str
    label: str
    unit: str
    value: Decimal | None
    peers: int
    shown: bool
    p25: Decimal | None = None
    median: Decimal | None = None
    p75: Decimal | None = None
    position: str = ""


@dataclass
class Group:
    key: str
    label: str
    size: int
    cells: list[Cell] = field(default_factory=list)

    @property
    def shown(self) -> bool:
        return any(c.shown for c in self.cells)


def benchmark_enterprise_get(*, credit_code: str, user: Any) -> Enterprise:
    """An enterprise the user may see (enterprise users: their own); otherwise 404."""
    qs = scope_enterprise_qs(Enterprise.objects.select_related("unit", "industry"), user)
    firm = qs.filter(credit_code=str(credit_code or "").strip().upper()).first()
    if firm is None:
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    return firm


def benchmark_years(firm: Enterprise) -> list[int]:
    return sorted(
        EnterpriseYear.objects.filter(enterprise_id=firm.pk).values_list("year", flat=True),
        reverse=True,
    )


def _position(value: Decimal, q: tuple[Decimal, Decimal, Decimal], better_high: bool) -> str:
    p25, med, p75 = q
    if value >= p75:
        band = "top" if better_high else "bottom"
    elif value >= med:
        band = "upper" if better_high else "lower"
    elif value >= p25:
        band = "lower" if better_high else "upper"
    else:
        band = "bottom" if better_high else "top"
    return {
        "top": _("Top quarter"),
        "upper": _("Above the median"),
        "lower": _("Below the median"),
        "bottom": _("Bottom quarter"),
    }[band]


GROUPS = ("division_size", "division", "section", "certified")


def _group_keys(ey: Any, certified: bool) -> dict[str, str | None]:
    """The peer groups an enterprise-year belongs to (None: not in that group)."""
    return {
        "division_size": f"{ey.division}|{ey.size_class}"
        if ey.division and ey.size_class
        else None,
        "division": ey.division or None,
        "section": ey.section or None,
        "certified": "" if certified else None,
    }


def benchmark_stats_refresh(year: int) -> int:
    """Rebuild the quartiles of every indicator in every peer group of `year` (roll-up)."""
    from collections import defaultdict

    from django.db import transaction

    from .models import BenchmarkStat

    # Growth compares like with like: last year's revenue only from the same source.
    previous = {
        eid: (revenue, source)
        for eid, revenue, source in EnterpriseYear.objects.filter(year=year - 1).values_list(
            "enterprise_id", "revenue", "source"
        )
    }
    certified = {
        eid for eid, tier in tiers_as_of(date(year, 12, 31)).items() if tier != "innovative"
    }
    buckets: dict[tuple[str, str, str], list[Decimal]] = defaultdict(list)
    for ey in EnterpriseYear.objects.filter(year=year).iterator(chunk_size=5000):
        revenue, source = previous.get(ey.enterprise_id, (None, ""))
        prev = _Prev(revenue if source == ey.source else None)
        keys = _group_keys(ey, ey.enterprise_id in certified)
        for ind in INDICATORS:
            value = ind.compute(ey, prev if prev.revenue is not None else None)  # type: ignore[arg-type]
            if value is None:
                continue
            for group, key in keys.items():
                if key is not None:
                    buckets[(group, key, ind.key)].append(value)
    rows = []
    for (group, key, indicator), values in sorted(buckets.items()):
        p25, med, p75 = quartiles(values)
        rows.append(
            BenchmarkStat(
                year=year,
                group=group,
                key=key,
                indicator=indicator,
                count=len(values),
                p25=p25,
                median=med,
                p75=p75,
            )
        )
    with transaction.atomic():
        BenchmarkStat.objects.filter(year=year).delete()
        BenchmarkStat.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


@dataclass
class _Prev:
    revenue: Decimal | None


def benchmark_for(*, firm: Enterprise, year: int | None = None) -> dict[str, Any]:
    """The firm's indicators and, per peer group, the group's quartiles from the roll-up, shown
    only when at least MIN_PEERS other enterprises have the figure."""
    from django.db.models import Q

    from .models import BenchmarkStat

    if year is None:
        year = EnterpriseYear.objects.filter(enterprise_id=firm.pk).aggregate(y=Max("year"))["y"]
    own = EnterpriseYear.objects.filter(enterprise_id=firm.pk, year=year).first() if year else None
    if own is None:
        return {
            "firm": firm,
            "year": year,
            "own": None,
            "groups": [],
            "hidden": [],
            "indicators": [],
            "min_peers": MIN_PEERS,
        }
    prev = EnterpriseYear.objects.filter(
        enterprise_id=firm.pk, year=year - 1, source=own.source
    ).first()
    own_values = {ind.key: ind.compute(own, prev) for ind in INDICATORS}
    tier = tiers_as_of(date(year, 12, 31)).get(firm.pk)
    keys = _group_keys(own, tier is not None and tier != "innovative")
    # Every firm is compared with the city's SRDI enterprises, member or not.
    wanted = Q(group="certified", key="")
    for group_name, key in keys.items():
        if key is not None:
            wanted |= Q(group=group_name, key=key)
    stats = {
        (row.group, row.indicator): row for row in BenchmarkStat.objects.filter(wanted, year=year)
    }
    division_name = (
        IndustryCode.objects.filter(code=own.division).values_list("name", flat=True).first()
        if own.division
        else None
    )
    section_name = (
        IndustryCode.objects.filter(code=own.section).values_list("name", flat=True).first()
        if own.section
        else None
    )
    size_label = dict(Enterprise.SizeClass.choices).get(own.size_class, "")
    div = f"{own.division} {division_name or ''}".strip()
    labels = {
        "division_size": _("Same industry division and size class: %(d)s, %(s)s")
        % {"d": div, "s": size_label},
        "division": _("Same industry division: %(d)s") % {"d": div},
        "section": _("Same industry section: %(s)s")
        % {"s": f"{own.section} {section_name or ''}".strip()},
        "certified": _("SRDI enterprises of the city"),
    }
    groups: list[Group] = []
    hidden: list[Group] = []
    for group_key in GROUPS:
        if keys[group_key] is None and group_key != "certified":
            continue
        member = keys[group_key] is not None
        size = 0
        grp = Group(key=group_key, label=str(labels[group_key]), size=0)
        for ind in INDICATORS:
            stat = stats.get((group_key, ind.key))
            value = own_values[ind.key]
            count = stat.count if stat else 0
            # Peers: the group's other enterprises with this figure.
            peers = count - (1 if member and value is not None else 0)
            size = max(size, peers)
            cell = Cell(
                indicator=ind.key,
                label=str(ind.label),
                unit=ind.unit,
                value=value,
                peers=peers,
                shown=stat is not None and peers >= MIN_PEERS,
            )
            if cell.shown and stat is not None:
                q = (stat.p25, stat.median, stat.p75)
                cell.p25, cell.median, cell.p75 = q
                if value is not None:
                    cell.position = _position(value, q, ind.higher_is_better)
            grp.cells.append(cell)
        grp.size = size
        (groups if grp.shown else hidden).append(grp)
    return {
        "firm": firm,
        "year": year,
        "own": own,
        "indicators": [
            {
                "key": ind.key,
                "label": str(ind.label),
                "unit": ind.unit,
                "value": own_values[ind.key],
            }
            for ind in INDICATORS
        ],
        "groups": groups,
        "hidden": hidden,
        "min_peers": MIN_PEERS,
    }
