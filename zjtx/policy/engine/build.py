"""Validate and compile the JSON/YAML form of a package into a `Package`.

Every problem is collected with its path (``conditions[1].when: unknown name 'x'``) and raised
together as one PackageError, so an official fixing a file sees everything at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from .expr import Compiled, ExpressionError, Template, compile_expression
from .facts import DEFAULT_UNITS, FACT_TYPES, MAX_NUMBER, FactSpec, to_decimal
from .package import (
    BUILTIN_NAMES,
    ID_RE,
    KINDS,
    NAME_RE,
    PARAMETER_TYPES,
    RESERVED_NAMES,
    ROUNDING_MODES,
    Amount,
    Band,
    Cap,
    Classification,
    Condition,
    Derived,
    Indicator,
    Package,
    PackageError,
    Parameter,
    ParameterValue,
    Route,
    Scoring,
    jsonable,
)


class _Builder:
    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.problems: list[tuple[str, str]] = []
        self.package_id = str(data.get("id", "")) if isinstance(data, Mapping) else ""

    def problem(self, path: str, message: str) -> None:
        self.problems.append((path, message))

    def text(self, obj: Mapping[str, Any], key: str, path: str, required: bool = True) -> str:
        value = obj.get(key)
        if value is None or value == "":
            if required:
                self.problem(f"{path}{key}", "is required")
            return ""
        if not isinstance(value, str):
            self.problem(f"{path}{key}", "must be text")
            return str(value)
        return value

    def day(self, value: Any, path: str) -> date | None:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.problem(path, "must be a date YYYY-MM-DD")
            return None

    def number(self, value: Any, path: str) -> Decimal:
        try:
            number = to_decimal(value)
        except ValueError:
            self.problem(path, "must be a number")
            return Decimal(0)
        if abs(number) >= MAX_NUMBER:
            self.problem(path, "is out of range")
            return Decimal(0)
        return number

    def same_keys(self, items: list[ParameterValue], path: str) -> None:
        """Every dated value of a table names the same keys: a rule looks keys up, and a key
        missing from a later value would fail at evaluation instead of at load."""
        if not items or not isinstance(items[0].value, Mapping):
            return
        first = set(items[0].value)
        for item in items[1:]:
            keys = set(item.value) if isinstance(item.value, Mapping) else set()
            missing, extra = sorted(first - keys), sorted(keys - first)
            if missing or extra:
                parts = []
                if missing:
                    parts.append("missing keys: " + ", ".join(missing))
                if extra:
                    parts.append("unexpected keys: " + ", ".join(extra))
                self.problem(
                    f"{path}[{item.effective_from.isoformat()}]",
                    "; ".join(parts) + " (every value of a table has the same keys)",
                )

    def compile(self, source: Any, names: set[str], path: str) -> Compiled:
        try:
            fn, _ = compile_expression(source, names)
            return fn
        except ExpressionError as exc:
            self.problem(path, str(exc))
            return lambda env: None

    def template(self, source: Any, names: set[str], path: str) -> Template:
        try:
            return Template(str(source or ""), names)
        except ExpressionError as exc:
            self.problem(path, str(exc))
            return Template("", set())

    def build(self) -> Package:
        d = self.data
        if not isinstance(d, Mapping):
            raise PackageError("", [("", "a package must be a mapping")])
        known = {
            "id", "kind", "title", "source", "effective_from", "effective_to", "once_only",
            "notes", "facts", "parameters", "let", "scoring", "routes", "conditions",
            "classification", "amount", "value", "cases",
        }  # fmt: skip
        for key in d:
            if key not in known:
                self.problem(str(key), "unknown key")
        pid = self.text(d, "id", "")
        if pid and not ID_RE.match(pid):
            self.problem("id", "must look like 'wuhu.first_set'")
        kind = self.text(d, "kind", "")
        if kind and kind not in KINDS:
            self.problem("kind", f"must be one of {', '.join(KINDS)}")
        title = self.text(d, "title", "")
        source = d.get("source") or {}
        if not isinstance(source, Mapping):
            self.problem("source", "must be a mapping")
            source = {}
        document = self.text(source, "document", "source.")
        clause = self.text(source, "clause", "source.")
        url = self.text(source, "url", "source.", required=False)
        eff_from = self.day(d.get("effective_from"), "effective_from") or date.min
        eff_to = None
        if d.get("effective_to") is not None:
            eff_to = self.day(d.get("effective_to"), "effective_to")
            if eff_to and eff_to < eff_from:
                self.problem("effective_to", "is before effective_from")
        once_only = d.get("once_only", False)
        if not isinstance(once_only, bool):
            self.problem("once_only", "must be true or false")
            once_only = False
        notes_raw = d.get("notes") or []
        if not isinstance(notes_raw, list) or not all(isinstance(n, str) for n in notes_raw):
            self.problem("notes", "must be a list of texts")
            notes_raw = []

        facts = self.facts(d.get("facts") or {})
        parameters = self.parameters(d.get("parameters") or {}, eff_from)
        names: set[str] = set(facts) | set(parameters) | set(BUILTIN_NAMES)
        for clash in set(facts) & set(parameters):
            self.problem(f"parameters.{clash}", "has the same name as a fact")
        for section, defined in (("facts", facts), ("parameters", parameters)):
            for name in set(defined) & RESERVED_NAMES:
                self.problem(f"{section}.{name}", "is a reserved name")

        derived = []
        for i, item in enumerate(d.get("let") or []):
            path = f"let[{i}]"
            if not isinstance(item, Mapping):
                self.problem(path, "must be a mapping with name and expr")
                continue
            name = self.text(item, "name", path + ".")
            if name in names:
                self.problem(path + ".name", f"{name!r} is already defined")
            derived.append(Derived(name, self.compile(item.get("expr"), names, path + ".expr")))
            names.add(name)

        scoring = None
        if d.get("scoring") is not None:
            scoring = self.scoring(d["scoring"], names, clause)
            generated = {f"score_{dim}" for dim in scoring.dimensions}
            generated |= {f"points_{i.id}" for i in scoring.indicators}
            for clash in generated & names:
                self.problem("scoring", f"{clash!r} is also defined as a fact, parameter or let")
            names |= {"score"} | generated

        classification = None
        if d.get("classification") is not None:
            classification = self.classification(d["classification"], facts, parameters)
            names |= {"size_class", "size_is_sme"}

        routes = []
        for i, item in enumerate(d.get("routes") or []):
            path = f"routes[{i}]"
            if not isinstance(item, Mapping):
                self.problem(path, "must be a mapping")
                continue
            routes.append(
                Route(
                    id=self.text(item, "id", path + "."),
                    when=self.compile(item.get("when"), names, path + ".when"),
                    text=self.template(item.get("text"), names, path + ".text"),
                    source=str(item.get("source") or clause),
                )
            )
        names.add("direct_route")

        conditions = []
        for i, item in enumerate(d.get("conditions") or []):
            path = f"conditions[{i}]"
            if not isinstance(item, Mapping):
                self.problem(path, "must be a mapping")
                continue
            conditions.append(
                Condition(
                    id=self.text(item, "id", path + "."),
                    when=self.compile(item.get("when"), names, path + ".when"),
                    when_text=str(item.get("when")),
                    passed=self.template(item.get("pass"), names, path + ".pass"),
                    failed=self.template(item.get("fail"), names, path + ".fail"),
                    source=str(item.get("source") or clause),
                )
            )
        if not conditions and kind != "classification":
            self.problem("conditions", "at least one condition is required")

        amount = None
        if d.get("amount") is not None:
            amount = self.amount(d["amount"], names)
        if kind == "award" and amount is None:
            self.problem("amount", "an award package needs an amount")

        value = None
        if d.get("value") is not None:
            value = self.compile(d["value"], names, "value")

        if self.problems:
            raise PackageError(self.package_id, self.problems)
        return Package(
            id=pid,
            kind=kind,
            title=title,
            document=document,
            clause=clause,
            url=url,
            effective_from=eff_from,
            effective_to=eff_to,
            once_only=once_only,
            notes=tuple(notes_raw),
            facts=facts,
            parameters=parameters,
            derived=tuple(derived),
            scoring=scoring,
            routes=tuple(routes),
            conditions=tuple(conditions),
            classification=classification,
            amount=amount,
            value=value,
            content={k: v for k, v in jsonable(dict(d)).items() if k != "cases"},
        )

    def facts(self, raw: Any) -> dict[str, FactSpec]:
        out: dict[str, FactSpec] = {}
        if not isinstance(raw, Mapping):
            self.problem("facts", "must be a mapping of fact name to its description")
            return out
        for name, spec in raw.items():
            path = f"facts.{name}."
            if not NAME_RE.match(str(name)):
                self.problem(path[:-1], "fact names are lower_snake_case")
            if not isinstance(spec, Mapping):
                self.problem(path[:-1], "must be a mapping")
                continue
            kind = self.text(spec, "type", path)
            if kind and kind not in FACT_TYPES:
                self.problem(path + "type", f"must be one of {', '.join(FACT_TYPES)}")
            values: dict[str, str] = {}
            if kind == "enum":
                raw_values = spec.get("values")
                if not isinstance(raw_values, Mapping) or not raw_values:
                    self.problem(path + "values", "an enum needs values: {value: 中文标签}")
                else:
                    values = {str(k): str(v) for k, v in raw_values.items()}
            out[str(name)] = FactSpec(
                name=str(name),
                type=kind,
                description=self.text(spec, "description", path),
                unit=str(spec.get("unit") or DEFAULT_UNITS.get(kind, "")),
                values=values,
                signed=bool(spec.get("signed", False)),
                note=str(spec.get("note") or ""),
            )
        return out

    def param_value(self, kind: str, value: Any, path: str) -> Any:
        if value is None:
            return None
        if kind == "text":
            if not isinstance(value, str):
                self.problem(path, "must be text")
            return str(value)
        if kind == "bool":
            if not isinstance(value, bool):
                self.problem(path, "must be true or false")
            return bool(value)
        if kind == "table":
            if not isinstance(value, Mapping):
                self.problem(path, "must be a table (mapping)")
                return {}
            return {
                str(k): self.param_value(
                    "table" if isinstance(v, Mapping) else "decimal", v, f"{path}.{k}"
                )
                for k, v in value.items()
            }
        return self.number(value, path)

    def parameters(self, raw: Any, eff_from: date) -> dict[str, Parameter]:
        out: dict[str, Parameter] = {}
        if not isinstance(raw, Mapping):
            self.problem("parameters", "must be a mapping")
            return out
        for name, spec in raw.items():
            path = f"parameters.{name}."
            if not NAME_RE.match(str(name)):
                self.problem(path[:-1], "parameter names are lower_snake_case")
            if not isinstance(spec, Mapping):
                self.problem(path[:-1], "must be a mapping")
                continue
            kind = self.text(spec, "type", path)
            if kind and kind not in PARAMETER_TYPES:
                self.problem(path + "type", f"must be one of {', '.join(PARAMETER_TYPES)}")
            items = []
            raw_values = spec.get("values")
            if not isinstance(raw_values, list) or not raw_values:
                self.problem(path + "values", "needs at least one dated value")
                raw_values = []
            for i, item in enumerate(raw_values):
                vpath = f"{path}values[{i}]"
                if not isinstance(item, Mapping) or "from" not in item or "value" not in item:
                    self.problem(vpath, "needs from, value and source")
                    continue
                day = self.day(item["from"], vpath + ".from")
                src = self.text(item, "source", vpath + ".")
                if day is not None:
                    items.append(
                        ParameterValue(
                            day,
                            self.param_value(kind, item["value"], vpath + ".value"),
                            src,
                            str(item.get("note") or ""),
                        )
                    )
            items.sort(key=lambda v: v.effective_from)
            if kind == "table":
                self.same_keys(items, path + "values")
            days = [v.effective_from for v in items]
            if len(set(days)) != len(days):
                self.problem(path + "values", "two values start on the same date")
            if items and items[0].effective_from > eff_from:
                self.problem(path + "values", "the first value starts after the package does")
            out[str(name)] = Parameter(
                name=str(name),
                type=kind,
                description=self.text(spec, "description", path),
                unit=str(spec.get("unit") or ""),
                values=tuple(items),
            )
        return out

    def scoring(self, raw: Any, names: set[str], clause: str) -> Scoring:
        if not isinstance(raw, Mapping):
            self.problem("scoring", "must be a mapping")
            return Scoring({}, (), "inclusive")
        edges = str(raw.get("band_edges", "inclusive"))
        if edges not in ("inclusive", "exclusive"):
            self.problem("scoring.band_edges", "must be inclusive or exclusive")
        dims = raw.get("dimensions") or {}
        if not isinstance(dims, Mapping):
            self.problem("scoring.dimensions", "must map id to Chinese name")
            dims = {}
        dimensions = {str(k): str(v) for k, v in dims.items()}
        indicators = []
        seen: set[str] = set()
        for i, item in enumerate(raw.get("indicators") or []):
            path = f"scoring.indicators[{i}]."
            if not isinstance(item, Mapping):
                self.problem(path[:-1], "must be a mapping")
                continue
            iid = self.text(item, "id", path)
            if iid in seen:
                self.problem(path + "id", "is used twice")
            seen.add(iid)
            dim = self.text(item, "dimension", path)
            if dim and dim not in dimensions:
                self.problem(path + "dimension", "is not one of scoring.dimensions")
            item_edges = str(item.get("band_edges", edges))
            common: dict[str, Any] = {
                "id": iid,
                "title": self.text(item, "title", path),
                "dimension": dim,
                "max_points": self.number(item.get("max"), path + "max"),
                "source": str(item.get("source") or clause),
                "inclusive": item_edges == "inclusive",
                "dimension_label": dimensions.get(dim, dim),
            }
            if "lookup" in item:
                lk = item["lookup"]
                if not isinstance(lk, Mapping) or not isinstance(lk.get("points"), Mapping):
                    self.problem(path + "lookup", "needs key and points")
                    continue
                indicators.append(
                    Indicator(
                        kind="lookup",
                        value=self.compile(lk.get("key"), names, path + "lookup.key"),
                        lookup={
                            str(k): self.number(v, f"{path}lookup.points.{k}")
                            for k, v in lk["points"].items()
                        },
                        **common,
                    )
                )
            elif "bands" in item:
                bd = item["bands"]
                if not isinstance(bd, Mapping) or not isinstance(bd.get("measures"), Mapping):
                    self.problem(path + "bands", "needs measures and table")
                    continue
                direction = str(bd.get("direction", "at_least"))
                if direction not in ("at_least", "at_most"):
                    self.problem(path + "bands.direction", "must be at_least or at_most")
                measures = {
                    str(k): self.compile(v, names, f"{path}bands.measures.{k}")
                    for k, v in bd["measures"].items()
                }
                bands = []
                for j, row in enumerate(bd.get("table") or []):
                    rpath = f"{path}bands.table[{j}]"
                    if not isinstance(row, Mapping) or "points" not in row:
                        self.problem(rpath, "needs points")
                        continue
                    thresholds = {
                        str(k): self.number(v, f"{rpath}.{k}")
                        for k, v in row.items()
                        if k != "points"
                    }
                    for k in thresholds:
                        if k not in measures:
                            self.problem(f"{rpath}.{k}", "is not one of the measures")
                    bands.append(Band(self.number(row["points"], rpath + ".points"), thresholds))
                if not bands:
                    self.problem(path + "bands.table", "needs at least one band")
                indicators.append(
                    Indicator(
                        kind="bands",
                        measures=measures,
                        bands=tuple(bands),
                        direction=direction,
                        otherwise=self.number(bd.get("otherwise", 0), path + "bands.otherwise"),
                        **common,
                    )
                )
            elif "expr" in item:
                indicators.append(
                    Indicator(
                        kind="expr",
                        value=self.compile(item["expr"], names, path + "expr"),
                        **common,
                    )
                )
            else:
                self.problem(path[:-1], "needs lookup, bands or expr")
        return Scoring(dimensions, tuple(indicators), edges)

    def classification(
        self, raw: Any, facts: dict[str, FactSpec], parameters: dict[str, Parameter]
    ) -> Classification | None:
        if not isinstance(raw, Mapping):
            self.problem("classification", "must be a mapping")
            return None
        sector = self.text(raw, "sector", "classification.")
        table = self.text(raw, "table", "classification.")
        if sector and sector not in facts:
            self.problem("classification.sector", "must name a fact")
        if table and (table not in parameters or parameters[table].type != "table"):
            self.problem("classification.table", "must name a table parameter")
        tiers = tuple(str(t) for t in raw.get("tiers") or [])
        labels = {str(k): str(v) for k, v in (raw.get("labels") or {}).items()}
        otherwise = self.text(raw, "otherwise", "classification.")
        for tier in (*tiers, otherwise):
            if tier not in labels:
                self.problem("classification.labels", f"no label for {tier!r}")
        if table in parameters:
            for pv in parameters[table].values:
                for sector_key, tier_map in (pv.value or {}).items():
                    if sector in facts and sector_key not in facts[sector].values:
                        self.problem(f"parameters.{table}", f"{sector_key!r} is not a sector")
                    for tier, limits in (tier_map or {}).items():
                        if tier not in tiers:
                            self.problem(f"parameters.{table}.{sector_key}", f"tier {tier!r}?")
                        for fact in limits or {}:
                            if fact not in facts:
                                self.problem(
                                    f"parameters.{table}.{sector_key}.{tier}",
                                    f"{fact!r} is not a fact",
                                )
        return Classification(
            sector_fact=sector,
            table_parameter=table,
            tiers=tiers,
            otherwise=otherwise,
            labels=labels,
            sme_tiers=frozenset(str(t) for t in raw.get("sme_tiers") or []),
        )

    def amount(self, raw: Any, names: set[str]) -> Amount | None:
        if not isinstance(raw, Mapping):
            self.problem("amount", "must be a mapping")
            return None
        caps = []
        for i, item in enumerate(raw.get("caps") or []):
            path = f"amount.caps[{i}]"
            if not isinstance(item, Mapping):
                self.problem(path, "must be a mapping with expr and text")
                continue
            caps.append(
                Cap(
                    self.compile(item.get("expr"), names, path + ".expr"),
                    self.template(item.get("text"), names | {"cap"}, path + ".text"),
                )
            )
        rounding = raw.get("rounding") or {}
        places = int(rounding.get("places", 2))
        mode = str(rounding.get("mode", "ROUND_HALF_UP"))
        if mode not in ROUNDING_MODES:
            self.problem("amount.rounding.mode", "only ROUND_HALF_UP is supported")
        return Amount(
            formula=self.compile(raw.get("formula"), names, "amount.formula"),
            text=self.template(raw.get("text"), names | {"amount"}, "amount.text"),
            caps=tuple(caps),
            places=places,
            rounding=mode,
        )


def package_from_dict(data: Mapping[str, Any], version: int | None = None) -> Package:
    """Validate and compile a package; raises PackageError listing every problem."""
    package = _Builder(data).build()
    package.version = version
    return package
