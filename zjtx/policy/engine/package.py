"""Rule packages as compiled, immutable data: facts, dated parameters, conditions, scoring.

A package file is YAML (see policies/README.md); `yamlio` reads it with numbers as Decimal,
and `build.package_from_dict` validates it (naming the path of every problem) and compiles its
expressions into a `Package`. The JSON form (numbers as strings, dates as ISO text) is what the
database stores.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .expr import Compiled, Template, Unknown
from .facts import FactSpec

KINDS = ("award", "criteria", "classification", "parameters")
PARAMETER_TYPES = ("decimal_yuan", "rate", "percent", "decimal", "int", "text", "bool", "table")
BUILTIN_NAMES = frozenset({"as_of", "as_of_year"})
# Names the engine itself defines while evaluating; a fact or parameter may not take them.
RESERVED_NAMES = BUILTIN_NAMES | {
    "score", "direct_route", "size_class", "size_is_sme", "amount", "cap", "true", "false",
}  # fmt: skip
ID_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
ROUNDING_MODES = {"ROUND_HALF_UP": ROUND_HALF_UP}


class PackageError(Exception):
    """The package is malformed; `problems` lists every problem as (path, message)."""

    def __init__(self, package_id: str, problems: list[tuple[str, str]]) -> None:
        self.package_id = package_id
        self.problems = problems
        lines = "; ".join(f"{path}: {msg}" for path, msg in problems)
        super().__init__(f"package {package_id or '?'} is invalid: {lines}")


@dataclass(frozen=True)
class ParameterValue:
    effective_from: date
    value: Any
    source: str
    note: str = ""


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    description: str
    unit: str
    values: tuple[ParameterValue, ...]  # sorted by effective_from

    def at(self, day: date) -> ParameterValue | None:
        """The value in force on `day`: the latest one that started on or before it."""
        current = None
        for item in self.values:
            if item.effective_from <= day:
                current = item
            else:
                break
        return current


@dataclass(frozen=True)
class Condition:
    id: str
    when: Compiled
    when_text: str
    passed: Template
    failed: Template
    source: str


@dataclass(frozen=True)
class Route:
    id: str
    when: Compiled
    text: Template
    source: str


@dataclass(frozen=True)
class Band:
    points: Decimal
    thresholds: dict[str, Decimal]


@dataclass(frozen=True)
class Indicator:
    id: str
    title: str
    dimension: str
    max_points: Decimal
    source: str
    kind: str  # lookup | bands | expr
    value: Compiled | None = None  # lookup key or expression
    measures: dict[str, Compiled] = field(default_factory=dict)
    lookup: dict[str, Decimal] = field(default_factory=dict)
    bands: tuple[Band, ...] = ()
    direction: str = "at_least"
    inclusive: bool = True
    otherwise: Decimal = Decimal(0)
    dimension_label: str = ""
    points_key: str = ""
    reaches: Callable[[Any, Any], bool] = operator.ge  # value-vs-threshold test of a band

    def __post_init__(self) -> None:
        object.__setattr__(self, "points_key", f"points_{self.id}")
        if self.direction == "at_least":
            reach = operator.ge if self.inclusive else operator.gt
        else:
            reach = operator.le if self.inclusive else operator.lt
        object.__setattr__(self, "reaches", reach)


@dataclass(frozen=True)
class Scoring:
    dimensions: dict[str, str]
    indicators: tuple[Indicator, ...]
    band_edges: str


@dataclass(frozen=True)
class Cap:
    expr: Compiled
    text: Template


@dataclass(frozen=True)
class Amount:
    formula: Compiled
    text: Template
    caps: tuple[Cap, ...]
    places: int
    rounding: str


@dataclass(frozen=True)
class Classification:
    sector_fact: str
    table_parameter: str
    tiers: tuple[str, ...]
    otherwise: str
    labels: dict[str, str]
    sme_tiers: frozenset[str]


@dataclass(frozen=True)
class Derived:
    name: str
    expr: Compiled


@dataclass
class Package:
    id: str
    kind: str
    title: str
    document: str
    clause: str
    url: str
    effective_from: date
    effective_to: date | None
    once_only: bool
    notes: tuple[str, ...]
    facts: dict[str, FactSpec]
    parameters: dict[str, Parameter]
    derived: tuple[Derived, ...]
    scoring: Scoring | None
    routes: tuple[Route, ...]
    conditions: tuple[Condition, ...]
    classification: Classification | None
    amount: Amount | None
    value: Compiled | None
    content: dict[str, Any]  # the JSON form this package was built from
    version: int | None = None
    unknown_facts: dict[str, Unknown] = field(default_factory=dict)
    parameter_cache: dict[date, dict[str, Any]] = field(default_factory=dict, repr=False)
    enum_labels: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.unknown_facts = {name: Unknown(frozenset({name})) for name in self.facts}
        self.enum_labels = {
            value: label for spec in self.facts.values() for value, label in spec.values.items()
        }

    def in_force(self, day: date) -> bool:
        if day < self.effective_from:
            return False
        return self.effective_to is None or day <= self.effective_to

    @property
    def source_label(self) -> str:
        return self.clause

    def describe(self) -> dict[str, Any]:
        """Metadata for the API: facts, parameters with dated values, source."""
        return {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "version": self.version,
            "source": {"document": self.document, "clause": self.clause, "url": self.url},
            "effective_from": self.effective_from.isoformat(),
            "effective_to": self.effective_to.isoformat() if self.effective_to else None,
            "once_only": self.once_only,
            "notes": list(self.notes),
            "facts": [spec.as_dict() for spec in self.facts.values()],
            "parameters": [
                {
                    "name": p.name,
                    "type": p.type,
                    "unit": p.unit,
                    "description": p.description,
                    "values": [
                        {
                            "effective_from": v.effective_from.isoformat(),
                            "value": jsonable(v.value),
                            "source": v.source,
                            "note": v.note,
                        }
                        for v in p.values
                    ],
                }
                for p in self.parameters.values()
            ],
            "indicators": self._indicators(),
        }

    def _indicators(self) -> list[dict[str, str]]:
        if self.scoring is None:
            return []
        dims = self.scoring.dimensions
        return [
            {
                "id": i.id,
                "title": i.title,
                "dimension": dims.get(i.dimension, i.dimension),
                "max_points": str(i.max_points),
                "source": i.source,
            }
            for i in self.scoring.indicators
        ]


def jsonable(value: Any) -> Any:
    """The JSON form of YAML-native data: Decimal → str, date → ISO text, recursively."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value
