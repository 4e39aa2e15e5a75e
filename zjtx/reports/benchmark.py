"""Benchmarking (对标立杆): one enterprise's indicators against the quartiles of its peers.

Peer groups for a year: the same GB/T 4754 大类 and size class, the same 大类, the same 门类,
and the SRDI enterprises (municipal tier or higher) of the city. A group is shown only with at
least MIN_PEERS other enterprises that have the indicator; smaller groups are named and
hidden, so no single competitor's figure can be worked out. Figures come from the
EnterpriseYear roll-ups (monthly monitoring summed over the year).
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
from zjtx.core.errors import NotFound
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
        raise NotFound("not_found", _("Not found."))
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


def benchmark_for(*, firm: Enterprise, year: int | None = None) -> dict[str, Any]:
    """The firm's indicators and, per peer group, quartiles of the peers (≥ MIN_PEERS)."""
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
        }
    prev_rows = {e.enterprise_id: e for e in EnterpriseYear.objects.filter(year=year - 1)}
    rows = list(EnterpriseYear.objects.filter(year=year))
    values: dict[str, dict[int, Decimal]] = {i.key: {} for i in INDICATORS}
    for row in rows:
        prev = prev_rows.get(row.enterprise_id)
        for ind in INDICATORS:
            v = ind.compute(row, prev)
            if v is not None:
                values[ind.key][row.enterprise_id] = v
    own_values = {ind.key: values[ind.key].get(firm.pk) for ind in INDICATORS}
    certified = {
        eid for eid, tier in tiers_as_of(date(year, 12, 31)).items() if tier != "innovative"
    }
    division_name = (
        IndustryCode.objects.filter(code=own.division).values_list("name", flat=True).first()
        if own.division
        else None
    )
    size_label = dict(Enterprise.SizeClass.choices).get(own.size_class, "")
    definitions: list[tuple[str, str, Callable[[EnterpriseYear], bool]]] = []
    if own.division:
        div = f"{own.division} {division_name or ''}".strip()
        if own.size_class:
            definitions.append(
                (
                    "division_size",
                    _("Same industry division and size class: %(d)s, %(s)s")
                    % {"d": div, "s": size_label},
                    lambda r: r.division == own.division and r.size_class == own.size_class,
                )
            )
        definitions.append(
            (
                "division",
                _("Same industry division: %(d)s") % {"d": div},
                lambda r: r.division == own.division,
            )
        )
    if own.section:
        section_name = (
            IndustryCode.objects.filter(code=own.section).values_list("name", flat=True).first()
        )
        section = f"{own.section} {section_name or ''}".strip()
        definitions.append(
            (
                "section",
                _("Same industry section: %(s)s") % {"s": section},
                lambda r: r.section == own.section,
            )
        )
    definitions.append(
        ("certified", _("SRDI enterprises of the city"), lambda r: r.enterprise_id in certified)
    )
    groups: list[Group] = []
    hidden: list[Group] = []
    for key, label, member in definitions:
        members = {r.enterprise_id for r in rows if member(r) and r.enterprise_id != firm.pk}
        group = Group(key=key, label=str(label), size=len(members))
        for ind in INDICATORS:
            peer_values = [v for eid, v in values[ind.key].items() if eid in members]
            cell = Cell(
                indicator=ind.key,
                label=str(ind.label),
                unit=ind.unit,
                value=own_values[ind.key],
                peers=len(peer_values),
                shown=len(peer_values) >= MIN_PEERS,
            )
            if cell.shown:
                q = quartiles(peer_values)
                cell.p25, cell.median, cell.p75 = q
                if cell.value is not None:
                    cell.position = _position(cell.value, q, ind.higher_is_better)
            group.cells.append(cell)
        (groups if group.shown else hidden).append(group)
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
