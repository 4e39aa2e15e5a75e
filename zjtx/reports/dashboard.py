"""Leadership dashboards: the city or one unit, read from DashboardRollup rows only.

One indexed query per page (unit, years, every metric), never a scan of raw rows, so the
page stays fast over 5 years × 20,000 enterprises (bench/bench_dashboard.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from zjtx.accounts.models import Role
from zjtx.core.errors import ErrorCode, NotFound
from zjtx.core.money import format_wan
from zjtx.reference.models import AssessmentUnit

from .models import DashboardRollup, RollupRefresh
from .snapshot import pct, show_pct, yoy
from .tiers import TIER_ORDER, tier_label

YEARS_SHOWN = 5
ZERO = Decimal(0)
WAN = Decimal(10000)


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    value: Decimal | None
    display: str
    change: Decimal | None = None
    section: str = ""


def dashboard_unit_for(*, user: Any, unit_id: int | None = None) -> AssessmentUnit | None:
    """The unit a dashboard shows: None is the whole city (city officer only); a unit officer
    always sees their own unit; another unit is 404."""
    role = getattr(user, "role", "")
    if role == Role.CITY_OFFICER:
        if not unit_id:
            return None
        unit = AssessmentUnit.objects.filter(pk=unit_id).first()
        if unit is None:
            raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
        return unit
    if role == Role.UNIT_OFFICER and user.unit_id:
        if unit_id and int(unit_id) != user.unit_id:
            raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
        return AssessmentUnit.objects.get(pk=user.unit_id)
    raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))


def dashboard_years() -> list[int]:
    years = sorted(
        set(DashboardRollup.objects.filter(unit_id_at=0).values_list("year", flat=True).distinct())
    )
    return years or [timezone.localdate().year]


class Cells:
    def __init__(self, unit_id: int, years: list[int]) -> None:
        self.data: dict[tuple[int, int, str, str], tuple[Decimal, int]] = {}
        rows = DashboardRollup.objects.filter(unit_id_at=unit_id, year__in=years).values_list(
            "year", "month", "metric", "breakdown", "value", "records"
        )
        for y, m, metric, breakdown, value, records in rows:
            self.data[(y, m, metric, breakdown)] = (value, records)

    def v(self, year: int, metric: str, breakdown: str = "", month: int = 0) -> Decimal | None:
        cell = self.data.get((year, month, metric, breakdown))
        return cell[0] if cell else None

    def breakdowns(self, year: int, metric: str) -> dict[str, Decimal]:
        return {
            b: v
            for (y, m, mt, b), (v, _r) in self.data.items()
            if y == year and m == 0 and mt == metric and b
        }

    def prefixed(self, year: int, prefix: str) -> dict[tuple[str, str], Decimal]:
        return {
            (mt, b): v
            for (y, m, mt, b), (v, _r) in self.data.items()
            if y == year and m == 0 and mt.startswith(prefix)
        }


def _money(v: Decimal | None) -> str:
    return _("%(v)s 万元") % {"v": format_wan(v)} if v is not None else "—"


def _count(v: Decimal | None, unit: str) -> str:
    return f"{int(v or 0):,}{unit}"


def dashboard_data(*, unit: AssessmentUnit | None, year: int | None = None) -> dict[str, Any]:
    """Every figure and chart series of the dashboard of `unit` (None: the city) for `year`."""
    all_years = dashboard_years()
    year = year if year in all_years else all_years[-1]
    years = [y for y in all_years if y <= year][-YEARS_SHOWN:]
    unit_id = unit.pk if unit else 0
    c = Cells(unit_id, sorted({*years, year - 1}))
    firms_u = pgettext("unit", "firms")

    def kpi(key: str, label: str, metric: str, kind: str, section: str) -> Kpi:
        value = c.v(year, metric)
        prev = c.v(year - 1, metric)
        if kind == "money":
            display = _money(value or ZERO)
        elif kind == "people":
            display = _count(value, pgettext("unit", "people"))
        else:
            display = _count(value, kind)
        if metric.startswith("econ."):
            # As the report: economic figures change over the fixed panel of the same firms.
            field = metric.removeprefix("econ.")
            change = yoy(c.v(year, f"panel.{field}", "cur"), c.v(year, f"panel.{field}", "prev"))
        else:
            change = yoy(value, prev)
        return Kpi(key, label, value or ZERO, display, change, section)

    k = [
        kpi("zjtx_firms", _("SRDI enterprises at year end"), "zjtx.firms", firms_u, "overview"),
        kpi("econ_revenue", _("Operating revenue"), "econ.revenue", "money", "economics"),
        kpi("econ_profit", _("Total profit"), "econ.profit", "money", "economics"),
        kpi("econ_taxes", _("Taxes"), "econ.taxes", "money", "economics"),
        kpi("econ_exports", _("Export delivery value"), "econ.exports", "money", "economics"),
        kpi("econ_employees", _("Employees"), "econ.employees", "people", "economics"),
        kpi(
            "cert_certified", _("Enterprises certified"), "cert.certified", firms_u, "certification"
        ),
        kpi("awards_paid", _("Awards paid"), "awards.paid", "money", "awards"),
        kpi("fin_granted", _("Credit granted"), "fin.granted", "money", "financing"),
        kpi("fin_disbursed", _("Loans disbursed"), "fin.disbursed", "money", "financing"),
        kpi("fin_firms", _("Enterprises financed"), "fin.firms_served", firms_u, "financing"),
        kpi(
            "svc_filed",
            _("Service requests filed"),
            "svc.filed",
            pgettext("unit", "requests"),
            "services",
        ),
        kpi(
            "svc_closed",
            _("Service requests answered"),
            "svc.closed",
            pgettext("unit", "requests"),
            "services",
        ),
        kpi(
            "warn_raised",
            _("Early warnings raised"),
            "warn.raised",
            pgettext("unit", "warnings"),
            "warnings",
        ),
        kpi(
            "warn_open",
            _("Early warnings still open"),
            "warn.open",
            pgettext("unit", "warnings"),
            "warnings",
        ),
    ]
    intensity = pct(c.v(year, "econ.rd_paired"), c.v(year, "econ.rd_base"))
    k.insert(
        6,
        Kpi(
            "econ_rd_intensity",
            _("R&D intensity"),
            intensity,
            show_pct(intensity),
            None,
            "economics",
        ),
    )
    budget = c.v(year, "awards.budget")
    paid = c.v(year, "awards.paid")
    execution = pct(paid or ZERO, budget)
    k.append(
        Kpi("awards_execution", _("Budget used"), execution, show_pct(execution), None, "awards")
    )
    filed, closed = c.v(year, "svc.filed"), c.v(year, "svc.closed")
    k.append(
        Kpi(
            "svc_rate",
            _("Answered share"),
            pct(closed or ZERO, filed),
            show_pct(pct(closed or ZERO, filed)),
            None,
            "services",
        )
    )
    pools = _pools(c.breakdowns(year, "pool.firms"))
    assessment = _assessment(year, unit)
    tiers = c.breakdowns(year, "tier.firms")
    levels = c.breakdowns(year, "warn.raised")
    divisions = c.breakdowns(year, "econ.revenue")
    top_divisions = sorted(divisions.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    division_names = _division_names({code for code, _v in top_divisions})
    units = list(AssessmentUnit.objects.order_by("sort_order", "code")) if unit is None else []
    by_unit: list[dict[str, Any]] = []
    if units:
        unit_cells = {
            (u, metric): v
            for u, metric, v in DashboardRollup.objects.filter(
                year=year,
                month=0,
                breakdown="",
                metric__in=["econ.revenue", "zjtx.firms", "warn.raised"],
            )
            .exclude(unit_id_at=0)
            .values_list("unit_id_at", "metric", "value")
        }
        by_unit = [
            {
                "unit": u.name,
                "revenue": float((unit_cells.get((u.pk, "econ.revenue")) or ZERO) / WAN),
                "firms": int(unit_cells.get((u.pk, "zjtx.firms")) or 0),
                "warnings": int(unit_cells.get((u.pk, "warn.raised")) or 0),
            }
            for u in units
        ]
    refreshed = (
        RollupRefresh.objects.order_by("-finished_at").values_list("finished_at", flat=True).first()
    )
    return {
        "year": year,
        "years": all_years,
        "unit": unit.name if unit else _("Whole city"),
        "kpis": k,
        "pools": pools,
        "assessment": assessment,
        "refreshed_at": refreshed,
        "charts": {
            "labels": {
                "annual": _("Operating revenue by year (10k yuan)"),
                "monthly": _("Monthly operating revenue (10k yuan)"),
                "tiers": _("SRDI enterprises by tier"),
                "warnings": _("Early warnings by level"),
                "by_unit": _("Operating revenue by assessment unit (10k yuan)"),
                "divisions": _("Operating revenue by industry division (10k yuan)"),
                "revenue": _("Operating revenue"),
                "firms": _("SRDI enterprises"),
            },
            "years": [str(y) for y in years],
            "annual": [float((c.v(y, "econ.revenue") or ZERO) / WAN) for y in years],
            "months": [_("%(m)s月") % {"m": m} for m in range(1, 13)],
            "monthly": [
                {
                    "name": str(y),
                    "data": [
                        float((c.v(y, "month.operating_revenue", month=m) or ZERO) / WAN)
                        for m in range(1, 13)
                    ],
                }
                for y in (year - 1, year)
            ],
            "tiers": [
                {"name": tier_label(t), "value": int(tiers.get(t, 0))}
                for t in TIER_ORDER
                if tiers.get(t)
            ],
            "warnings": [
                {"name": str(n), "level": lv, "value": int(levels.get(lv, 0))}
                for lv, n in (("red", _("Red")), ("orange", _("Orange")), ("yellow", _("Yellow")))
            ],
            "by_unit": by_unit,
            "divisions": [
                {"name": division_names.get(code, code), "value": float(v / WAN)}
                for code, v in top_divisions
            ],
        },
    }


def _division_names(codes: set[str]) -> dict[str, str]:
    """Chart labels of industry divisions: the GB/T 4754 name, never the bare code."""
    from zjtx.reference.models import IndustryCode

    names = dict(IndustryCode.objects.filter(code__in=codes).values_list("code", "name"))
    out = {code: names.get(code) or code for code in codes}
    if "-" in out:
        out["-"] = pgettext("industry", "Not classified")
    return out


def _pools(counts: dict[str, Decimal]) -> list[dict[str, Any]]:
    """Gradient pool sizes at year end with the cultivation app's labels."""
    try:
        from zjtx.cultivation.models import Pool
    except ImportError:
        return []
    return [
        {"key": key, "label": str(label), "value": int(counts.get(key, 0))}
        for key, label in Pool.choices
        if key != Pool.NONE
    ]


def _assessment(year: int, unit: AssessmentUnit | None) -> list[dict[str, Any]]:
    """Published assessment ranks and scores (all units for the city, its own for a unit)."""
    rows = DashboardRollup.objects.filter(
        year=year, month=0, metric__in=["assess.score", "assess.rank"]
    ).exclude(unit_id_at=0)
    if unit is not None:
        rows = rows.filter(unit_id_at=unit.pk)
    cells: dict[int, dict[str, Decimal]] = {}
    for unit_id, metric, value in rows.values_list("unit_id_at", "metric", "value"):
        cells.setdefault(unit_id, {})[metric] = value
    names = dict(AssessmentUnit.objects.filter(pk__in=list(cells)).values_list("pk", "name"))
    out = [
        {
            "unit": names.get(uid, ""),
            "rank": int(v.get("assess.rank", 0)),
            "score": v.get("assess.score"),
        }
        for uid, v in cells.items()
    ]
    return sorted(out, key=lambda row: (row["rank"], row["unit"]))


def kpi_map(data: dict[str, Any]) -> dict[str, Kpi]:
    return {kpi.key: kpi for kpi in data["kpis"]}
