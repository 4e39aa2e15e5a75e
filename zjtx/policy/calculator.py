"""政策计算器 (policy calculator): every program in force, evaluated on an enterprise's facts.

Facts come from the registry (`facts_from_registry`); the enterprise may fill gaps or try other
values ("what if") without touching its records. Reads only; storing the registry-based result
is `services.calculator_record`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from zjtx.core import formatting
from zjtx.core.money import format_wan, yuan_to_wan
from zjtx.enterprises.models import Enterprise

from .engine import FactSpec, Package, Result, prepare_facts
from .facts_from_registry import FactSheet, enterprise_facts
from .selectors import evaluate_checked, fact_specs, facts_validate, packages_for_enterprises

STATUS_ELIGIBLE, STATUS_NOT_ELIGIBLE, STATUS_INSUFFICIENT = (
    "eligible",
    "not_eligible",
    "insufficient",
)


@dataclass
class FactRow:
    spec: FactSpec
    value: Any
    display: str
    source: str
    tried: bool = False  # filled in the calculator, not from the records


@dataclass
class ProgramRow:
    package: Package
    result: Result
    facts: list[FactRow]
    missing: list[FactSpec]
    apply_query: str = ""

    @property
    def status(self) -> str:
        if self.result.eligible is None:
            return STATUS_INSUFFICIENT
        return STATUS_ELIGIBLE if self.result.eligible else STATUS_NOT_ELIGIBLE

    @property
    def amount_wan(self) -> str:
        return format_wan(self.result.amount_yuan) if self.result.amount_yuan is not None else ""

    @property
    def conditions(self) -> list[dict[str, Any]]:
        return [
            {"id": s.condition, "outcome": s.outcome, "text": s.text, "source": s.source}
            for s in self.result.trace
            if s.condition
        ]

    @property
    def other_steps(self) -> list[dict[str, str]]:
        return [{"text": s.text, "source": s.source} for s in self.result.trace if not s.condition]

    @property
    def score(self) -> Any:
        value = self.result.value
        return value.get("score") if isinstance(value, dict) else None


def apply_query(row: ProgramRow, tried: Mapping[str, Any]) -> str:
    """Query string for the subsidy application form: the program plus the figures tried here."""
    params: dict[str, Any] = {"program": row.package.id}
    for name, spec in row.package.facts.items():
        if name not in tried:
            continue
        value = tried[name]
        if spec.type == "decimal_yuan":
            wan = yuan_to_wan(Decimal(str(value)), 6)
            value = "" if wan is None else format(wan.normalize(), "f")
        elif spec.type == "bool":
            value = "true" if value else "false"
        params[f"fact__{name}"] = value
    return urlencode(params)


@dataclass
class CalculatorReport:
    enterprise: Enterprise
    as_of: date
    rows: list[ProgramRow]
    sheet: FactSheet
    tried: dict[str, Any] = field(default_factory=dict)

    @property
    def awards(self) -> list[ProgramRow]:
        rows = [r for r in self.rows if r.package.kind == "award"]
        for row in rows:
            row.apply_query = apply_query(row, self.tried)
        return rows

    @property
    def criteria(self) -> list[ProgramRow]:
        return [r for r in self.rows if r.package.kind != "award"]

    @property
    def eligible_total_wan(self) -> str:
        total = sum(
            (r.result.amount_yuan for r in self.awards if r.result.amount_yuan is not None),
            Decimal(0),
        )
        return format_wan(total)

    @property
    def missing_specs(self) -> list[FactSpec]:
        """Every fact still missing for some program, once, in program order."""
        seen: dict[str, FactSpec] = {}
        for row in self.rows:
            for spec in row.missing:
                seen.setdefault(spec.name, spec)
        return list(seen.values())


def display_fact(spec: FactSpec, value: Any) -> str:
    """A fact value for people: 万元 for amounts, 是/否, enum labels, 2-decimal percentages."""
    if value is None:
        return "—"
    if spec.type == "bool":
        return _("Yes") if value else _("No")
    if spec.type == "enum":
        return spec.values.get(str(value), str(value))
    if spec.type == "decimal_yuan":
        return _("%(amount)s 10k yuan") % {"amount": format_wan(Decimal(str(value)))}
    if spec.type == "percent":
        return formatting.percent(value)
    if isinstance(value, Decimal | float | int) and not isinstance(value, bool):
        # At most two decimals (a ratio kept to 28 places reads 6.82, never 6.8151042358…).
        number = Decimal(str(value))
        text = (
            str(int(number))  # counts and years: 28, 2025 (no separator in a year)
            if number == number.to_integral_value()
            else formatting.number(number, 2)
        )
        return f"{text}{spec.unit}" if spec.unit and spec.unit not in ("元",) else text
    return f"{value}{spec.unit}" if spec.unit and spec.unit not in ("元",) else str(value)


def calculator_run(
    *,
    enterprise: Enterprise,
    as_of: date,
    tried: Mapping[str, Any] | None = None,
    sheet: FactSheet | None = None,
) -> CalculatorReport:
    """Evaluate every program in force on `as_of` for the enterprise (no writes).

    `tried` holds facts typed into the calculator; they override the records for this run only.
    Raises DomainError (invalid_facts) naming any badly typed tried fact.
    """
    packages = packages_for_enterprises()
    specs = fact_specs(packages)
    tried = {k: v for k, v in (tried or {}).items() if v is not None and v != ""}
    facts_validate(tried, specs)
    sheet = sheet or enterprise_facts(enterprise, as_of=as_of)
    merged = {**sheet.values, **tried}
    prepared = prepare_facts(specs, merged)
    tried_label = _("Entered in the calculator (records unchanged)")
    rows: list[ProgramRow] = []
    for package in sorted(packages.values(), key=lambda p: (p.kind != "award", p.id)):
        if package.kind == "parameters" or not package.in_force(as_of):
            continue  # a parameter set decides nothing for an enterprise
        result = evaluate_checked(package, prepared, as_of)
        facts = [
            FactRow(
                spec,
                merged.get(name),
                display_fact(spec, merged.get(name)),
                tried_label if name in tried else sheet.sources.get(name, ""),
                name in tried,
            )
            for name, spec in package.facts.items()
            if merged.get(name) is not None
        ]
        missing = [package.facts[name] for name in result.missing if name in package.facts]
        rows.append(ProgramRow(package, result, facts, missing))
    return CalculatorReport(enterprise, as_of, rows, sheet, dict(tried))
