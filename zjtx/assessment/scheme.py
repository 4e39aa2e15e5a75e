"""The assessment scheme: a dated rule package (policies/wuhu.unit_assessment.yaml) on the policy
engine, its indicators with weights and targets, and each unit's score with a trace.

Each indicator's weight is its `max` in the package (the published 满分), its formula an
expression over the facts gathered in `measures`, its targets dated parameters. A unit's score
is the sum of its indicator points, each rounded to the fen of a point by the package, so the
trace adds up to the score exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from zjtx.core.errors import NotFound
from zjtx.policy.engine import Package
from zjtx.policy.engine.evaluate import evaluate
from zjtx.policy.selectors import package_for, program_get

from . import measures
from .errors import AssessmentConflict, AssessmentErrorCode

SCHEME_ID = "wuhu.unit_assessment"
ZERO = Decimal(0)
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Measure:
    """How an indicator's facts read: numerator over denominator against a target."""

    numerator: str
    denominator: str
    target: str  # a parameter name, or "" when the target is the denominator itself
    records: str  # the fact that counts the source records read
    source: Any  # where the records come from (shown with the count)
    unit: Any  # what is counted


MEASURES: dict[str, Measure] = {
    "certifications": Measure(
        "certified_new",
        "certification_share",
        "",
        "certified_new",
        gettext_lazy("municipal tiers granted (tier history)"),
        pgettext_lazy("counted", "enterprises"),
    ),
    "pool_growth": Measure(
        "pool_end",
        "pool_start",
        "pool_growth_target_pct",
        "pool_end",
        gettext_lazy("gradient pool records"),
        pgettext_lazy("counted", "enterprises"),
    ),
    "reporting_rate": Measure(
        "reports_filed",
        "reports_expected",
        "reporting_rate_target_pct",
        "reports_expected",
        gettext_lazy("monthly monitoring reports"),
        pgettext_lazy("counted", "enterprise-months"),
    ),
    "reporting_timeliness": Measure(
        "periods_confirmed_on_time",
        "periods_due",
        "reporting_timeliness_target_pct",
        "periods_due",
        gettext_lazy("unit confirmations of monthly data"),
        pgettext_lazy("counted", "months"),
    ),
    "warning_followup": Measure(
        "warnings_closed_in_time",
        "warnings_raised",
        "warning_followup_target_pct",
        "warnings_raised",
        gettext_lazy("early warnings"),
        pgettext_lazy("counted", "warnings"),
    ),
    "service_on_time": Measure(
        "requests_on_time",
        "requests_due",
        "service_on_time_target_pct",
        "requests_due",
        gettext_lazy("service requests' resolve clocks"),
        pgettext_lazy("counted", "requests"),
    ),
    "subsidy_on_time": Measure(
        "payouts_on_time",
        "payouts_total",
        "subsidy_on_time_target_pct",
        "payouts_total",
        gettext_lazy("subsidy payouts"),
        pgettext_lazy("counted", "payouts"),
    ),
    "financing_served": Measure(
        "demands_served",
        "demands_total",
        "financing_served_target_pct",
        "demands_total",
        gettext_lazy("financing demands"),
        pgettext_lazy("counted", "demands"),
    ),
}


def scheme_package() -> Package:
    """The scheme's current package version, compiled; 409 when it was never loaded."""
    try:
        program = program_get(program_id=SCHEME_ID)
    except NotFound as exc:
        raise AssessmentConflict(
            AssessmentErrorCode.SCHEME_MISSING,
            _("The assessment scheme is not loaded; load the policy packages first."),
        ) from exc
    assert program.current_version is not None
    return package_for(version=program.current_version)


def parameter_value(package: Package, name: str, day: date) -> Any:
    param = package.parameters[name]
    current = param.at(day)
    if current is None:
        raise AssessmentConflict(
            AssessmentErrorCode.SCHEME_NOT_IN_FORCE,
            _("The assessment scheme has no value for %(name)s on %(day)s.")
            % {"name": param.description, "day": day.isoformat()},
        )
    return current.value


def _indicator_rows(package: Package) -> list[dict[str, Any]]:
    content = package.content.get("scoring", {}).get("indicators", [])
    formulas = {str(item.get("id")): str(item.get("formula") or "") for item in content}
    assert package.scoring is not None
    dims = package.scoring.dimensions
    return [
        {
            "id": ind.id,
            "title": ind.title,
            "dimension": dims.get(ind.dimension, ind.dimension),
            "weight": ind.max_points,
            "formula": formulas.get(ind.id, ""),
        }
        for ind in package.scoring.indicators
    ]


def scheme_describe(package: Package, day: date) -> dict[str, Any]:
    """The published scheme on `day`: indicators with weight, formula and target."""
    rows = []
    for row in _indicator_rows(package):
        measure = MEASURES.get(row["id"])
        target = None
        if measure is not None and measure.target:
            target = parameter_value(package, measure.target, day)
        rows.append({**row, "target_pct": target})
    return {
        "id": package.id,
        "version": package.version,
        "title": package.title,
        "clause": package.clause,
        "document": package.document,
        "effective_from": package.effective_from,
        "effective_to": package.effective_to,
        "in_force": package.in_force(day),
        "notes": list(package.notes),
        "indicators": rows,
        "total_weight": sum((r["weight"] for r in rows), ZERO),
        "parameters": [
            {
                "name": p.name,
                "description": p.description,
                "value": p.at(day).value if p.at(day) is not None else None,  # type: ignore[union-attr]
                "since": p.at(day).effective_from if p.at(day) is not None else None,  # type: ignore[union-attr]
                "source": p.at(day).source if p.at(day) is not None else "",  # type: ignore[union-attr]
            }
            for p in package.parameters.values()
        ],
    }


def check_in_force(package: Package, day: date) -> None:
    if not package.in_force(day):
        raise AssessmentConflict(
            AssessmentErrorCode.SCHEME_NOT_IN_FORCE,
            _("The assessment scheme is not in force on %(day)s.") % {"day": day.isoformat()},
        )


def unit_facts(package: Package, units: list[Any], year: int, as_of: date) -> dict[int, dict]:
    """Every fact of the scheme for every unit, gathered with one query per source."""
    span = measures.Span.of(year, as_of)
    ids = [u.pk for u in units]
    warning_days = int(parameter_value(package, "warning_followup_days", as_of))
    payout_days = int(parameter_value(package, "subsidy_payout_days", as_of))
    index = measures.WorkingDayIndex(date(year - 1, 10, 1), span.end)
    shares = measures.certification_shares(units, year, as_of)
    out: dict[int, dict[str, Any]] = {uid: {"certification_share": shares[uid]} for uid in ids}
    for part in (
        measures.certification_facts(ids, span),
        measures.pool_facts(ids, span),
        measures.reporting_facts(ids, span),
        measures.warning_facts(ids, span, warning_days, index),
        measures.service_facts(ids, span),
        measures.subsidy_facts(ids, span, payout_days, index),
        measures.financing_facts(ids, span),
    ):
        for uid, facts in part.items():
            out[uid].update(facts)
    return out


def _fmt(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return format(value.normalize() if value == value.to_integral() else value, "f")
    return str(value)


def _rate(numerator: Any, denominator: Any) -> Decimal | None:
    if numerator is None or denominator is None:
        return None
    denominator = Decimal(str(denominator))
    if denominator <= 0:
        return None
    return (Decimal(str(numerator)) * HUNDRED / denominator).quantize(Decimal("0.01"))


def score_unit(package: Package, facts: Mapping[str, Any], as_of: date) -> list[dict[str, Any]]:
    """The trace of one unit: one entry per indicator with what it counted and the points."""
    prepared = {k: (str(v) if isinstance(v, Decimal) else v) for k, v in facts.items()}
    result = evaluate(package, prepared, as_of, explain=False)
    points = {p.id: p.points for p in result.points or []}
    trace = []
    for row in _indicator_rows(package):
        measure = MEASURES[row["id"]]
        numerator = facts.get(measure.numerator)
        denominator = facts.get(measure.denominator)
        got = points.get(row["id"])
        missing = [n for n in (measure.numerator, measure.denominator) if facts.get(n) is None]
        if missing:
            status = "insufficient"
        elif denominator == 0:
            status = "nothing_due"
        else:
            status = "scored"
        if row["id"] == "pool_growth":
            rate = (
                None
                if missing or not denominator
                else _rate(Decimal(str(numerator)) - Decimal(str(denominator)), denominator)
            )
        else:
            rate = _rate(numerator, denominator)
        target = parameter_value(package, measure.target, as_of) if measure.target else denominator
        trace.append(
            {
                "indicator": row["id"],
                "title": row["title"],
                "dimension": row["dimension"],
                "weight": _fmt(row["weight"]),
                "points": _fmt(got),
                "numerator": _fmt(numerator),
                "denominator": _fmt(denominator),
                "rate": _fmt(rate),
                "target": _fmt(target),
                "formula": row["formula"],
                "records": int(facts.get(measure.records) or 0),
                "status": status,
                "missing": missing,
                "missing_labels": [package.facts[n].description for n in missing],
            }
        )
    return trace


def trace_total(trace: list[dict[str, Any]]) -> Decimal:
    """The sum of the indicator points (an indicator without data counts 0, flagged)."""
    return sum((Decimal(e["points"]) for e in trace if e["points"] is not None), ZERO)
