"""Take the frozen snapshot of a year: every figure (with its reference), table, chart series
and case study the annual report shows, read from the roll-ups (rollups.py).

All text is produced here, in Chinese, so that rendering (documents.py) reads nothing but the
snapshot: the same snapshot always renders the same document.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from statistics import median
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from zjtx.core.money import format_wan
from zjtx.enterprises.models import Enterprise
from zjtx.reference.models import AssessmentUnit, IndustryCode

from .models import DashboardRollup, EnterpriseYear, ReportFigure, ReportSnapshot
from .tiers import TIER_ORDER, tier_label, tiers_as_of

PCT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal(0)


def pct(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    """numerator / denominator in %, 2 decimals; None when either is missing or zero."""
    if numerator is None or not denominator:
        return None
    return (Decimal(numerator) * HUNDRED / Decimal(denominator)).quantize(PCT, ROUND_HALF_UP)


def yoy(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    """Year-on-year change in %, 2 decimals; None without a positive previous value."""
    if current is None or previous is None or previous <= 0:
        return None
    return ((Decimal(current) - previous) * HUNDRED / previous).quantize(PCT, ROUND_HALF_UP)


def show_pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.2f}%"


def show_yoy(value: Decimal | None) -> str:
    if value is None:
        return "—"
    if value >= 0:
        return _("up %(v)s%%") % {"v": f"{value:.2f}"}
    return _("down %(v)s%%") % {"v": f"{-value:.2f}"}


def show_count(value: Decimal | int | None) -> str:
    return "—" if value is None else f"{int(value):,}"


@dataclass
class Builder:
    year: int
    figures: list[dict[str, Any]] = field(default_factory=list)
    chapters: list[dict[str, Any]] = field(default_factory=list)

    def fig(
        self,
        key: str,
        chapter: str,
        label: str,
        value: Decimal | int | None,
        *,
        unit: str,
        definition: str,
        source: str,
        records: int,
        places: int = 0,
    ) -> str:
        if value is None:
            text, shown = "", "—"
        elif unit == "元":
            text = f"{Decimal(value).quantize(PCT, ROUND_HALF_UP)}"
            shown = _("%(v)s 万元") % {"v": format_wan(Decimal(value))}
        elif unit == "%":
            text = f"{Decimal(value).quantize(PCT, ROUND_HALF_UP)}"
            shown = show_pct(Decimal(value))
        elif places:
            text = f"{Decimal(value).quantize(PCT, ROUND_HALF_UP)}"
            shown = f"{text} {unit}" if unit.isascii() else f"{text}{unit}"
        else:
            text = str(int(value))
            shown = f"{int(value):,} {unit}" if unit.isascii() else f"{int(value):,}{unit}"
        self.figures.append(
            {
                "key": key,
                "chapter": chapter,
                "label": label,
                "value": text,
                "unit": unit,
                "display": shown,
                "definition": definition,
                "source": source,
                "records": int(records),
            }
        )
        return shown


class Rollups:
    """The DashboardRollup rows of two years, city-wide (unit 0) and per unit."""

    def __init__(self, year: int) -> None:
        self.cells: dict[tuple[int, int, int, str, str], tuple[Decimal, int]] = {}
        rows = DashboardRollup.objects.filter(year__in=[year - 1, year]).values_list(
            "year", "month", "unit_id_at", "metric", "breakdown", "value", "records"
        )
        for y, m, u, metric, breakdown, value, records in rows:
            self.cells[(y, m, u, metric, breakdown)] = (value, records)

    def get(
        self, year: int, metric: str, *, unit: int = 0, breakdown: str = "", month: int = 0
    ) -> tuple[Decimal | None, int]:
        cell = self.cells.get((year, month, unit, metric, breakdown))
        return (cell[0], cell[1]) if cell else (None, 0)

    def value(self, year: int, metric: str, **kw: Any) -> Decimal | None:
        return self.get(year, metric, **kw)[0]

    def breakdowns(self, year: int, metric: str, *, unit: int = 0) -> dict[str, Decimal]:
        return {
            b: v
            for (y, m, u, mt, b), (v, _r) in self.cells.items()
            if y == year and m == 0 and u == unit and mt == metric and b
        }


def _units() -> list[AssessmentUnit]:
    return list(AssessmentUnit.objects.order_by("sort_order", "code"))


def _division_names(codes: set[str]) -> dict[str, str]:
    names = dict(IndustryCode.objects.filter(code__in=codes).values_list("code", "name"))
    return {c: f"{c} {names.get(c, '')}".strip() for c in codes}


# ------------------------------------------------------------------ chapters


def _overview(b: Builder, r: Rollups, units: list[AssessmentUnit]) -> None:
    y = b.year
    ch = "overview"
    firms, n = r.get(y, "zjtx.firms")
    prev, _n = r.get(y - 1, "zjtx.firms")
    src = _(
        "Enterprises holding a municipal or higher SRDI tier on 31 December: city certifications "
        "(certification applications certified, certified on or before and valid on that day) "
        "and higher tiers recorded in cultivation"
    )
    shown = b.fig(
        "overview.zjtx_firms",
        ch,
        _("SRDI enterprises at year end"),
        firms or 0,
        unit=pgettext("unit", "firms"),
        definition=_("Enterprises holding the municipal SRDI tier or higher on 31 December %(y)s")
        % {"y": y},
        source=src,
        records=n,
    )
    b.fig(
        "overview.zjtx_firms_prev",
        ch,
        _("SRDI enterprises a year earlier"),
        prev or 0,
        unit=pgettext("unit", "firms"),
        definition=_("The same count on 31 December %(y)s") % {"y": y - 1},
        source=src,
        records=_n,
    )
    paragraphs = [
        _(
            "At the end of %(y)s the city had %(n)s SRDI enterprises (municipal tier or higher), "
            "%(prev)s a year earlier."
        )
        % {"y": y, "n": shown, "prev": show_count(prev or 0)}
    ]
    tiers = r.breakdowns(y, "tier.firms")
    tier_rows = []
    for key in TIER_ORDER:
        count = tiers.get(key, ZERO)
        b.fig(
            f"overview.tier.{key}",
            ch,
            _("Enterprises in tier: %(t)s") % {"t": tier_label(key)},
            count,
            unit=pgettext("unit", "firms"),
            definition=_("Enterprises whose highest tier on 31 December %(y)s is %(t)s")
            % {"y": y, "t": tier_label(key)},
            source=_("Roll-up of enterprises by tier, tier %(t)s") % {"t": tier_label(key)},
            records=int(count),
        )
        tier_rows.append(
            [
                tier_label(key),
                show_count(count),
                show_count(r.value(y - 1, "tier.firms", breakdown=key) or 0),
            ]
        )
    by_unit = [[u.name, show_count(r.value(y, "zjtx.firms", unit=u.pk) or 0)] for u in units]
    divisions = r.breakdowns(y, "zjtx.by_division")
    names = _division_names(set(divisions))
    by_division = [
        [
            names.get(code, code) if code != "-" else pgettext("industry", "Not classified"),
            show_count(v),
        ]
        for code, v in sorted(divisions.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    b.chapters.append(
        {
            "key": ch,
            "title": _("1. Overview and gradient"),
            "paragraphs": paragraphs,
            "tables": [
                {
                    "title": _("SRDI enterprises by tier"),
                    "columns": [_("Tier"), str(y), str(y - 1)],
                    "rows": tier_rows,
                },
                {
                    "title": _("SRDI enterprises by assessment unit"),
                    "columns": [_("Assessment unit"), _("Enterprises")],
                    "rows": by_unit,
                },
                {
                    "title": _("SRDI enterprises by industry division (GB/T 4754)"),
                    "columns": [_("Industry division"), _("Enterprises")],
                    "rows": by_division or [[_("None"), "0"]],
                },
            ],
            "charts": [
                {
                    "kind": "bar",
                    "title": _("SRDI enterprises by assessment unit"),
                    "categories": [u.name for u in units],
                    "series": [
                        {
                            "name": str(y),
                            "data": [
                                float(r.value(y, "zjtx.firms", unit=u.pk) or 0) for u in units
                            ],
                        }
                    ],
                    "unit": pgettext("unit", "firms"),
                }
            ],
        }
    )


ECON = [
    ("revenue", "元"),
    ("profit", "元"),
    ("net_profit", "元"),
    ("taxes", "元"),
    ("exports", "元"),
    ("employees", "人"),
]


def _econ_labels() -> dict[str, str]:
    return {
        "revenue": _("Operating revenue"),
        "profit": _("Total profit"),
        "net_profit": _("Net profit"),
        "taxes": _("Taxes"),
        "exports": _("Export delivery value"),
        "employees": _("Employees"),
        "rd": _("R&D spending"),
    }


def _by_source(r: Rollups, year: int, metric: str, unit: int = 0) -> tuple[int, int]:
    """How many enterprises a figure came from: (annual statements, monthly monitoring)."""
    return (
        int(r.value(year, metric, breakdown="annual", unit=unit) or 0),
        int(r.value(year, metric, breakdown="monitoring", unit=unit) or 0),
    )


def _source_sentence(field: str, label: str, y: int, annual: int, monitoring: int) -> str:
    """Which source a figure was taken from, for its definition."""
    if field in ("profit", "taxes"):
        return _(
            "Source: monthly monitoring of %(m)s enterprises, January to December %(y)s summed; "
            "the annual financial statements in the registry carry no %(ind)s."
        ) % {"m": monitoring, "y": y, "ind": label}
    if field == "net_profit":
        return _(
            "Source: the %(y)s annual financial statements of %(a)s enterprises in the registry "
            "(audited, or declared and checked by an officer); monthly monitoring reports total "
            "profit, not net profit."
        ) % {"a": annual, "y": y}
    return _(
        "Source: the %(y)s annual financial statements in the registry (audited, or declared "
        "and checked by an officer) for %(a)s enterprises; monthly monitoring for the %(m)s "
        "enterprises without such a statement (amounts: January to December summed; "
        "employees: the last month reported)."
    ) % {"a": annual, "m": monitoring, "y": y}


def _source_query(field: str, label: str, y: int) -> str:
    if field in ("profit", "taxes"):
        return _(
            "Yearly roll-up of %(y)s, each enterprise's %(ind)s: its monthly monitoring values "
            "of %(y)s summed; summed over the city"
        ) % {"y": y, "ind": label}
    return _(
        "Yearly roll-up of %(y)s, each enterprise's %(ind)s: from its %(y)s annual financial "
        "statement where there is one (not an unchecked declaration), otherwise from its monthly "
        "monitoring values of %(y)s; summed over the city"
    ) % {"y": y, "ind": label}


def panel_change(r: Rollups, year: int, field: str, unit: int = 0) -> tuple[Decimal | None, int]:
    """Year-on-year change of `field` over its fixed panel, and the panel's size."""
    current, n = r.get(year, f"panel.{field}", breakdown="cur", unit=unit)
    previous = r.value(year, f"panel.{field}", breakdown="prev", unit=unit)
    return yoy(current, previous), n


def _economics(b: Builder, r: Rollups, units: list[AssessmentUnit]) -> None:
    y = b.year
    ch = "economics"
    labels = _econ_labels()
    firms, n_firms = r.get(y, "econ.firms")
    by_statement, by_monitoring = _by_source(r, y, "econsrc.firms")
    firms_shown = b.fig(
        "economics.firms",
        ch,
        _("Enterprises with economic figures"),
        firms or 0,
        unit=pgettext("unit", "firms"),
        definition=_(
            "Enterprises with an annual financial statement in the registry or monthly "
            "monitoring values for %(y)s: %(a)s by their statement, %(m)s by monitoring only"
        )
        % {"y": y, "a": by_statement, "m": by_monitoring},
        source=_(
            "Yearly roll-up of the year (one row per enterprise with a statement or monthly values)"
        ),
        records=n_firms,
    )
    table = []
    sentences = []
    for field_name, unit in ECON:
        value, n = r.get(y, f"econ.{field_name}")
        prev = r.value(y - 1, f"econ.{field_name}")
        label = labels[field_name]
        annual, monitoring = _by_source(r, y, f"econsrc.{field_name}")
        where = _source_sentence(field_name, label, y, annual, monitoring)
        if unit == "元":
            definition = _("Sum over enterprises of their %(ind)s for %(y)s. %(src)s") % {
                "ind": label,
                "y": y,
                "src": where,
            }
        else:
            definition = _("Sum over enterprises of their employees in %(y)s. %(src)s") % {
                "y": y,
                "src": where,
            }
        shown = b.fig(
            f"economics.{field_name}",
            ch,
            label,
            value,
            unit=unit if unit == "元" else pgettext("unit", "people"),
            definition=definition,
            source=_source_query(field_name, label, y),
            records=n,
        )
        change, panel = panel_change(r, y, field_name)
        p_annual, p_monitoring = _by_source(r, y, f"panelsrc.{field_name}")
        b.fig(
            f"economics.{field_name}_yoy",
            ch,
            _("%(ind)s, year-on-year change") % {"ind": label},
            change,
            unit="%",
            definition=_(
                "(%(y)s − %(p)s) ÷ %(p)s of the sum over a fixed panel: the %(n)s enterprises "
                "with this figure in both years from the same source (%(a)s by annual "
                "statements, %(m)s by monthly monitoring)"
            )
            % {"y": y, "p": y - 1, "n": panel, "a": p_annual, "m": p_monitoring},
            source=_(
                "Roll-up of the fixed panel of %(ind)s: the yearly roll-up rows of %(y)s and "
                "%(p)s of the same enterprises, from the same source"
            )
            % {"ind": label, "y": y, "p": y - 1},
            records=2 * panel,
        )
        table.append(
            [
                label + (_(" (10k yuan)") if unit == "元" else _(" (people)")),
                format_wan(value) if unit == "元" else show_count(value),
                format_wan(prev) if unit == "元" else show_count(prev),
                show_yoy(change),
                show_count(panel),
            ]
        )
        sentences.append(
            _("%(ind)s %(v)s, %(chg)s year on year")
            % {"ind": label, "v": shown, "chg": show_yoy(change)}
        )
    rd, n_rd = r.get(y, "econ.rd")
    rd_annual, rd_monitoring = _by_source(r, y, "econsrc.rd")
    paired, n_paired = r.get(y, "econ.rd_paired")
    intensity = pct(paired, r.value(y, "econ.rd_base"))
    b.fig(
        "economics.rd",
        ch,
        labels["rd"],
        rd,
        unit="元",
        definition=_("Sum over enterprises of their R&D spending for %(y)s. %(src)s")
        % {"y": y, "src": _source_sentence("rd", labels["rd"], y, rd_annual, rd_monitoring)},
        source=_source_query("rd", labels["rd"], y),
        records=n_rd,
    )
    b.fig(
        "economics.rd_intensity",
        ch,
        _("R&D intensity"),
        intensity,
        unit="%",
        definition=_(
            "R&D spending ÷ operating revenue of the %(n)s enterprises with both figures for "
            "%(y)s, each enterprise's pair from one source (its annual statement, else monthly "
            "monitoring)"
        )
        % {"y": y, "n": n_paired},
        source=_("Yearly roll-up rows of %(y)s with R&D and revenue: sum of R&D ÷ sum of revenue")
        % {"y": y},
        records=n_paired,
    )
    ratios = sorted(
        pct(rdv, rev) or ZERO
        for rdv, rev in EnterpriseYear.objects.filter(
            year=y, revenue__gt=0, rd__isnull=False
        ).values_list("rd", "revenue")
    )
    med = Decimal(median(ratios)).quantize(PCT, ROUND_HALF_UP) if ratios else None
    b.fig(
        "economics.rd_intensity_median",
        ch,
        _("Median R&D intensity of enterprises"),
        med,
        unit="%",
        definition=_(
            "Median over enterprises with revenue of their own R&D ÷ revenue, %(y)s (annual "
            "statement where present, else monthly monitoring)"
        )
        % {"y": y},
        source=_("EnterpriseYear rows of the year with revenue > 0 and R&D reported"),
        records=len(ratios),
    )
    table.append(
        [
            _("R&D intensity"),
            show_pct(intensity),
            show_pct(pct(r.value(y - 1, "econ.rd_paired"), r.value(y - 1, "econ.rd_base"))),
            "—",
            show_count(n_paired),
        ]
    )
    unit_rows = []
    for u in units:
        rev = r.value(y, "econ.revenue", unit=u.pk)
        unit_rows.append(
            [
                u.name,
                show_count(r.value(y, "econ.firms", unit=u.pk) or 0),
                format_wan(rev),
                format_wan(r.value(y, "econ.profit", unit=u.pk)),
                format_wan(r.value(y, "econ.taxes", unit=u.pk)),
                show_yoy(panel_change(r, y, "revenue", unit=u.pk)[0]),
            ]
        )
    months = list(range(1, 13))

    def month_series(year: int) -> list[float]:
        return [
            float((r.value(year, "month.operating_revenue", month=m) or ZERO) / Decimal(10000))
            for m in months
        ]

    b.chapters.append(
        {
            "key": ch,
            "title": _("2. Economic performance"),
            "paragraphs": [
                _(
                    "In %(y)s, %(n)s enterprises had economic figures: %(a)s filed an annual "
                    "financial statement in the registry, whose figures are used; the figures "
                    "of the other %(m)s come from their monthly monitoring reports."
                )
                % {"y": y, "n": firms_shown, "a": by_statement, "m": by_monitoring},
                "；".join(sentences) + "。",
                _(
                    "Year-on-year changes compare the same enterprises in both years (a fixed "
                    "panel, from the same source in both years), so enterprises joining or "
                    "leaving do not count as growth or decline."
                ),
                _(
                    "R&D intensity was %(i)s overall; the median enterprise spent %(m)s of its revenue on R&D."
                )
                % {"i": show_pct(intensity), "m": show_pct(med)},
            ],
            "tables": [
                {
                    "title": _("Main indicators"),
                    "columns": [
                        _("Indicator"),
                        str(y),
                        str(y - 1),
                        _("Year on year (fixed panel)"),
                        _("Panel enterprises"),
                    ],
                    "rows": table,
                },
                {
                    "title": _("Main indicators by assessment unit (10k yuan)"),
                    "columns": [
                        _("Assessment unit"),
                        _("Enterprises"),
                        _("Operating revenue"),
                        _("Total profit"),
                        _("Taxes"),
                        _("Revenue year on year"),
                    ],
                    "rows": unit_rows,
                },
            ],
            "charts": [
                {
                    "kind": "line",
                    "title": _("Monthly operating revenue from monitoring (10k yuan)"),
                    "categories": [_("%(m)s月") % {"m": m} for m in months],
                    "series": [
                        {"name": str(y - 1), "data": month_series(y - 1)},
                        {"name": str(y), "data": month_series(y)},
                    ],
                    "unit": _("10k yuan"),
                },
                {
                    "kind": "bar",
                    "title": _("Operating revenue by assessment unit (10k yuan)"),
                    "categories": [u.name for u in units],
                    "series": [
                        {
                            "name": str(y),
                            "data": [
                                float(
                                    (r.value(y, "econ.revenue", unit=u.pk) or ZERO) / Decimal(10000)
                                )
                                for u in units
                            ],
                        }
                    ],
                    "unit": _("10k yuan"),
                },
            ],
        }
    )


def _simple_chapter(
    b: Builder,
    r: Rollups,
    *,
    key: str,
    title: str,
    items: list[tuple[str, str, str, str, str]],
    extra_tables: list[dict[str, Any]] | None = None,
    extra_paragraphs: list[str] | None = None,
) -> None:
    """items: (metric, figure key suffix, label, unit, definition)."""
    y = b.year
    rows = []
    sentences = []
    for metric, suffix, label, unit, definition in items:
        value, n = r.get(y, metric)
        prev = r.value(y - 1, metric)
        shown = b.fig(
            f"{key}.{suffix}",
            key,
            label,
            value or 0,
            unit=unit,
            definition=definition,
            source=_("Roll-up of %(ind)s for %(y)s") % {"ind": label, "y": y},
            records=n,
        )
        prev_shown = format_wan(prev or 0) if unit == "元" else show_count(prev or 0)
        rows.append(
            [
                label + (_(" (10k yuan)") if unit == "元" else ""),
                format_wan(value or 0) if unit == "元" else show_count(value or 0),
                prev_shown,
            ]
        )
        sentences.append(f"{label}{shown}")
    b.chapters.append(
        {
            "key": key,
            "title": title,
            "paragraphs": [
                _("In %(y)s: ") % {"y": y} + "；".join(sentences) + "。",
                *(extra_paragraphs or []),
            ],
            "tables": [
                {"title": _("Figures"), "columns": [_("Item"), str(y), str(y - 1)], "rows": rows},
                *(extra_tables or []),
            ],
            "charts": [],
        }
    )


def _policy_chapters(b: Builder, r: Rollups) -> None:
    from zjtx.policy.models import PolicyProgram

    y = b.year
    _simple_chapter(
        b,
        r,
        key="certification",
        title=_("3. Certification"),
        items=[
            (
                "cert.applications",
                "applications",
                _("Applications submitted"),
                pgettext("unit", "applications"),
                _("Certification applications of the %(y)s round past the draft stage") % {"y": y},
            ),
            (
                "cert.certified",
                "certified",
                _("Enterprises certified"),
                pgettext("unit", "firms"),
                _("City certifications with a certification date in %(y)s") % {"y": y},
            ),
        ],
    )
    paid = r.breakdowns(y, "awards.paid")
    budgets = r.breakdowns(y, "awards.budget")
    titles = dict(PolicyProgram.objects.values_list("id", "title"))
    program_rows = []
    for program in sorted(set(paid) | set(budgets)):
        amount, n = r.get(y, "awards.paid", breakdown=program)
        b.fig(
            f"awards.paid.{program}",
            "awards",
            _("Awards paid: %(p)s") % {"p": titles.get(program, program)},
            amount or 0,
            unit="元",
            definition=_("Payout ledger entries of program %(p)s in budget year %(y)s")
            % {"p": titles.get(program, program), "y": y},
            source=_("Roll-up of awards paid, program %(p)s") % {"p": titles.get(program, program)},
            records=n,
        )
        budget = budgets.get(program)
        program_rows.append(
            [
                titles.get(program, program),
                show_count(n),
                format_wan(amount or 0),
                format_wan(budget),
                show_pct(pct(amount or ZERO, budget)),
            ]
        )
    total_paid, _n = r.get(y, "awards.paid")
    total_budget = r.value(y, "awards.budget")
    _simple_chapter(
        b,
        r,
        key="awards",
        title=_("4. Policy delivery"),
        items=[
            (
                "awards.paid",
                "paid",
                _("Awards paid"),
                "元",
                _("Sum of the payout ledger entries of budget year %(y)s") % {"y": y},
            ),
            (
                "awards.budget",
                "budget",
                _("Award budgets"),
                "元",
                _("Sum of the program budgets of %(y)s") % {"y": y},
            ),
        ],
        extra_tables=[
            {
                "title": _("Awards paid by program"),
                "columns": [
                    _("Program"),
                    _("Payouts"),
                    _("Paid (10k yuan)"),
                    _("Budget (10k yuan)"),
                    _("Budget used"),
                ],
                "rows": program_rows or [[_("None"), "0", "0.00", "—", "—"]],
            }
        ],
        extra_paragraphs=[
            _("Budget execution was %(p)s.")
            % {"p": show_pct(pct(total_paid or ZERO, total_budget))}
        ],
    )
    _simple_chapter(
        b,
        r,
        key="financing",
        title=_("5. Financing services"),
        items=[
            (
                "fin.demands",
                "demands",
                _("Financing demands published"),
                pgettext("unit", "demands"),
                _("Demands in the financing library published in %(y)s") % {"y": y},
            ),
            (
                "fin.demanded",
                "demanded",
                _("Amount demanded"),
                "元",
                _("Sum of the amounts of those demands"),
            ),
            (
                "fin.granted",
                "granted",
                _("Credit granted"),
                "元",
                _("Sum of bank credit granted on demands, grant date in %(y)s") % {"y": y},
            ),
            (
                "fin.disbursed",
                "disbursed",
                _("Loans disbursed"),
                "元",
                _("Sum of loans disbursed on demands, disbursement date in %(y)s") % {"y": y},
            ),
            (
                "fin.firms_served",
                "firms_served",
                _("Enterprises financed"),
                pgettext("unit", "firms"),
                _("Enterprises with at least one disbursement in %(y)s") % {"y": y},
            ),
        ],
    )
    _simple_chapter(
        b,
        r,
        key="services",
        title=_("6. Enterprise services"),
        items=[
            (
                "svc.filed",
                "filed",
                _("Service requests filed"),
                pgettext("unit", "requests"),
                _("Service requests (诉求) filed in %(y)s") % {"y": y},
            ),
            (
                "svc.closed",
                "closed",
                _("Service requests answered"),
                pgettext("unit", "requests"),
                _("Service requests answered, confirmed or rated with a closing date in %(y)s")
                % {"y": y},
            ),
        ],
    )
    levels = r.breakdowns(y, "warn.raised")
    level_names = {"red": _("Red"), "orange": _("Orange"), "yellow": _("Yellow")}
    _simple_chapter(
        b,
        r,
        key="warnings",
        title=_("7. Monitoring and early warning"),
        items=[
            (
                "warn.raised",
                "raised",
                _("Early warnings raised"),
                pgettext("unit", "warnings"),
                _("Early warnings for reporting periods of %(y)s") % {"y": y},
            ),
            (
                "warn.open",
                "open",
                _("Early warnings still open"),
                pgettext("unit", "warnings"),
                _("Of those, warnings whose follow-up was not closed when the snapshot was taken"),
            ),
        ],
        extra_tables=[
            {
                "title": _("Early warnings by level"),
                "columns": [pgettext("warning", "Level"), _("Warnings")],
                "rows": [
                    [str(level_names[k]), show_count(levels.get(k, 0))]
                    for k in ("red", "orange", "yellow")
                ],
            }
        ],
    )


def _ranking(b: Builder, r: Rollups, units: list[AssessmentUnit]) -> None:
    """Unit ranking from the published assessment of the year (roll-ups assess.*)."""
    y = b.year
    scored = []
    for u in units:
        score, _n = r.get(y, "assess.score", unit=u.pk)
        place = r.value(y, "assess.rank", unit=u.pk)
        if score is not None and place is not None:
            scored.append((int(place), u, score))
    title = _("8. Assessment of counties, districts and zones")
    if not scored:
        b.chapters.append(
            {
                "key": "ranking",
                "title": title,
                "paragraphs": [
                    _(
                        "No unit assessment results exist for %(y)s in the platform yet, so this "
                        "report gives no ranking; it will appear once the assessment is published."
                    )
                    % {"y": y}
                ],
                "tables": [],
                "charts": [],
            }
        )
        return
    table: list[list[str]] = []
    for rank, u, score in sorted(scored, key=lambda t: (t[0], t[1].sort_order, t[1].code)):
        table.append([str(rank), u.name, f"{score:.2f}"])
        b.fig(
            f"ranking.{u.code}",
            "ranking",
            _("Assessment score: %(u)s") % {"u": u.name},
            score,
            unit=pgettext("unit", "points"),
            places=2,
            definition=_("Assessment score of %(u)s for %(y)s (rank %(n)s)")
            % {"u": u.name, "y": y, "n": rank},
            source=_("Published assessment run of %(y)s: roll-ups of assessment scores and ranks")
            % {"y": y},
            records=1,
        )
    b.chapters.append(
        {
            "key": "ranking",
            "title": title,
            "paragraphs": [_("Units ranked by their %(y)s assessment score.") % {"y": y}],
            "tables": [
                {
                    "title": _("Unit ranking"),
                    "columns": [_("Rank"), _("Assessment unit"), _("Score")],
                    "rows": table,
                }
            ],
            "charts": [],
        }
    )


def _cases(b: Builder, units: list[AssessmentUnit]) -> None:
    """Typical cases (对标立杆): the SRDI enterprise with the highest revenue, the highest
    revenue growth and the highest R&D intensity (ties by credit code)."""
    y = b.year
    tiers = tiers_as_of(date(y, 12, 31))
    current = {
        e.enterprise_id: e
        for e in EnterpriseYear.objects.filter(year=y, enterprise_id__in=list(tiers), revenue__gt=0)
    }
    # Growth compares like with like: last year's revenue from the same source as this year's.
    previous = {
        eid: revenue
        for eid, revenue, source in EnterpriseYear.objects.filter(
            year=y - 1, enterprise_id__in=list(current)
        ).values_list("enterprise_id", "revenue", "source")
        if source == current[eid].source
    }
    firms = {
        e.pk: e
        for e in Enterprise.objects.filter(pk__in=list(current)).select_related("unit", "industry")
    }
    if not current:
        b.chapters.append(
            {
                "key": "cases",
                "title": _("9. Typical cases"),
                "paragraphs": [
                    _(
                        "No SRDI enterprise reported monitoring data for %(y)s, so no case is selected."
                    )
                    % {"y": y}
                ],
                "tables": [],
                "charts": [],
            }
        )
        return
    code = {eid: firms[eid].credit_code for eid in current if eid in firms}

    def best(metric: Any) -> int | None:
        scored = [(metric(eid), code.get(eid, ""), eid) for eid in current if eid in firms]
        scored = [s for s in scored if s[0] is not None]
        if not scored:
            return None
        scored.sort(key=lambda s: (-s[0], s[1]))
        return scored[0][2]

    picks = [
        (_("Largest by operating revenue"), best(lambda e: current[e].revenue)),
        (_("Fastest revenue growth"), best(lambda e: yoy(current[e].revenue, previous.get(e)))),
        (_("Highest R&D intensity"), best(lambda e: pct(current[e].rd, current[e].revenue))),
    ]
    paragraphs = []
    rows = []
    for why, eid in picks:
        if eid is None:
            continue
        firm, ey = firms[eid], current[eid]
        growth = yoy(ey.revenue, previous.get(eid))
        intensity = pct(ey.rd, ey.revenue)
        industry = firm.industry.name if firm.industry else pgettext("industry", "Not classified")
        paragraphs.append(
            _(
                "%(why)s: %(name)s (%(unit)s, %(industry)s, %(tier)s). Operating revenue "
                "%(rev)s 万元 in %(y)s, %(growth)s year on year; R&D intensity %(rd)s; "
                "%(emp)s employees. Main products: %(products)s."
            )
            % {
                "why": why,
                "name": firm.name,
                "unit": firm.unit.name,
                "industry": industry,
                "tier": tier_label(tiers[eid]),
                "rev": format_wan(ey.revenue),
                "y": y,
                "growth": show_yoy(growth),
                "rd": show_pct(intensity),
                "emp": show_count(ey.employees),
                "products": firm.main_products or "—",
            }
        )
        rows.append(
            [
                str(why),
                firm.name,
                firm.unit.name,
                format_wan(ey.revenue),
                show_yoy(growth),
                show_pct(intensity),
            ]
        )
    b.chapters.append(
        {
            "key": "cases",
            "title": _("9. Typical cases"),
            "paragraphs": paragraphs,
            "tables": [
                {
                    "title": _("Selected enterprises"),
                    "columns": [
                        _("Why selected"),
                        _("Enterprise"),
                        _("Assessment unit"),
                        _("Revenue (10k yuan)"),
                        _("Revenue year on year"),
                        _("R&D intensity"),
                    ],
                    "rows": rows,
                }
            ],
            "charts": [],
        }
    )


# ------------------------------------------------------------------ entry point


def canonical(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def snapshot_take(*, year: int, actor: Any = None) -> ReportSnapshot:
    """Freeze the figures of `year` from the roll-ups (refresh them first) into rows and JSON."""
    with translation.override("zh-hans"):
        b = Builder(year=year)
        r = Rollups(year)
        units = _units()
        _overview(b, r, units)
        _economics(b, r, units)
        _policy_chapters(b, r)
        _ranking(b, r, units)
        _cases(b, units)
        taken_at = timezone.now()
        data = {
            "year": year,
            "taken_at": taken_at.isoformat(timespec="seconds"),
            "chapters": b.chapters,
            "figures": b.figures,
        }
    with transaction.atomic():
        snap = ReportSnapshot.objects.create(
            year=year,
            taken_at=taken_at,
            taken_by=actor if getattr(actor, "pk", None) else None,
            data=data,
            sha256=hashlib.sha256(canonical(data).encode()).hexdigest(),
        )
        ReportFigure.objects.bulk_create(
            [
                ReportFigure(
                    snapshot=snap,
                    order=n,
                    **{
                        k: f[k]
                        for k in (
                            "key",
                            "chapter",
                            "label",
                            "value",
                            "unit",
                            "display",
                            "definition",
                            "source",
                            "records",
                        )
                    },
                )
                for n, f in enumerate(b.figures)
            ]
        )
    return snap


def figures_by_key(snapshot: ReportSnapshot) -> dict[str, dict[str, Any]]:
    return {f["key"]: f for f in snapshot.data.get("figures", [])}
