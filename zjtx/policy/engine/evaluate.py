"""Evaluate one package against facts on a date, with a Chinese trace citing clauses."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .expr import ARITHMETIC, EVALUATION, kleene_and, kleene_or
from .facts import FactError, FactSpec, coerce_fact
from .package import Band, Indicator, Package, jsonable
from .values import (
    Env,
    ExpressionError,
    Unknown,
    format_decimal,
    format_value,
    merge_unknown,
)


class UnknownFact(FactError):
    def __init__(self, name: str) -> None:
        super().__init__(name, "unknown_fact", "no program uses this fact")


@dataclass(frozen=True)
class TraceStep:
    text: str
    source: str
    condition: str = ""  # the condition id when this step states a condition's outcome
    outcome: bool | None = None  # that condition's outcome (None: not decidable)

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"text": self.text, "source": self.source}
        if self.condition:
            data["condition"] = self.condition
            data["outcome"] = self.outcome
        return data


@dataclass(slots=True)
class IndicatorPoints:
    id: str
    title: str
    dimension: str
    points: Decimal | None
    max_points: Decimal

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "dimension": self.dimension,
            "points": None if self.points is None else format_decimal(self.points),
            "max_points": format_decimal(self.max_points),
        }


@dataclass
class Result:
    program: str
    version: int | None
    in_force: bool
    eligible: bool | None
    amount_yuan: Decimal | None = None
    value: Any = None
    missing: list[str] = field(default_factory=list)
    trace: list[TraceStep] = field(default_factory=list)
    points: list[IndicatorPoints] | None = None
    conditions: dict[str, bool | None] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "program": self.program,
            "version": self.version,
            "in_force": self.in_force,
            "eligible": self.eligible,
            "amount_yuan": None if self.amount_yuan is None else str(self.amount_yuan),
            "value": jsonable(self.value),
            "missing": list(self.missing),
            "trace": [step.as_dict() for step in self.trace],
            "conditions": dict(self.conditions),
        }
        if self.points is not None:
            data["points"] = [p.as_dict() for p in self.points]
        return data


class PreparedFacts(dict[str, Any]):
    """Facts already converted to engine values (absent = unknown), shareable across packages."""


def prepare_facts(specs: Mapping[str, FactSpec], facts: Mapping[str, Any]) -> PreparedFacts:
    """Convert the facts named in `specs` once; raises FactError. Null or absent = unknown."""
    prepared = PreparedFacts()
    for name, spec in specs.items():
        raw = facts.get(name)
        if raw is not None:
            prepared[name] = coerce_fact(spec, raw)
    return prepared


def _fact_env(package: Package, facts: Mapping[str, Any]) -> dict[str, Any]:
    unknowns = package.unknown_facts
    if isinstance(facts, PreparedFacts):
        return {name: facts.get(name, unknowns[name]) for name in package.facts}
    env: dict[str, Any] = {}
    for name, spec in package.facts.items():
        raw = facts.get(name)
        env[name] = unknowns[name] if raw is None else coerce_fact(spec, raw)
    return env


def _render(template: Any, env: Env) -> str:
    try:
        return str(template.render(env))
    except ExpressionError:
        raise
    except Exception as exc:  # a template must never break an evaluation silently
        raise ExpressionError(f"text could not be rendered: {exc}") from exc


def _band_matches(indicator: Indicator, band: Band, values: dict[str, Any]) -> Any:
    """A band matches when any of its measures reaches its threshold (三值逻辑)."""
    reach = indicator.reaches
    unknown: Unknown | None = None
    for measure, threshold in band.thresholds.items():
        v = values[measure]
        if v.__class__ is Unknown:
            unknown = v if unknown is None else merge_unknown(unknown, v)
        elif reach(v, threshold):
            return True
    return unknown if unknown is not None else False


def _indicator_points(
    indicator: Indicator, env: Env, labels: Mapping[str, str], explain: bool = True
) -> tuple[Any, str]:
    """(points or Unknown, a short Chinese description of the value)."""
    if indicator.kind == "lookup":
        assert indicator.value is not None
        key = indicator.value(env)
        if isinstance(key, Unknown):
            return key, "（未知）"
        if key not in indicator.lookup:
            raise ExpressionError(f"indicator {indicator.id}: no points for {key!r}")
        return indicator.lookup[key], labels.get(key, format_value(key))
    if indicator.kind == "expr":
        assert indicator.value is not None
        return indicator.value(env), ""
    values = {name: fn(env) for name, fn in indicator.measures.items()}
    shown = (
        ""
        if not explain
        else "，".join(
            format_value(v.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
            if isinstance(v, Decimal)
            else format_value(v)
            for v in values.values()
        )
    )
    for band in indicator.bands:
        match = _band_matches(indicator, band, values)
        if isinstance(match, Unknown):
            return match, shown
        if match:
            return band.points, shown
    return indicator.otherwise, shown


def _score(package: Package, env: dict[str, Any], result: Result, explain: bool) -> None:
    scoring = package.scoring
    assert scoring is not None
    points: list[IndicatorPoints] = []
    dims: dict[str, list[Any]] = {d: [] for d in scoring.dimensions}
    labels = package.enum_labels
    for ind in scoring.indicators:
        value, shown = _indicator_points(ind, env, labels, explain)
        if value.__class__ is Decimal and value > ind.max_points:
            value = ind.max_points
        env[ind.points_key] = value
        dims[ind.dimension].append(value)
        known = value.__class__ is not Unknown
        points.append(
            IndicatorPoints(
                ind.id,
                ind.title,
                ind.dimension_label,
                value if known else None,
                ind.max_points,
            )
        )
        if not explain:
            continue
        if known:
            got = f"得{format_decimal(value)}分（满分{format_decimal(ind.max_points)}分）"
            text = f"{ind.title}：{shown}，{got}" if shown else f"{ind.title}：{got}"
        else:
            names = "、".join(_fact_label(package, n) for n in sorted(value.missing))
            text = f"{ind.title}：缺少{names}，无法评分"
        result.trace.append(TraceStep(text, ind.source))
    dim_scores: list[Any] = []
    for dim, values in dims.items():
        unknown = merge_unknown(*values)
        dim_score = unknown or sum(values, Decimal(0))
        env[f"score_{dim}"] = dim_score
        dim_scores.append(dim_score)
    unknown = merge_unknown(*dim_scores)
    env["score"] = unknown or sum(dim_scores, Decimal(0))
    result.points = points


def _fact_label(package: Package, name: str) -> str:
    spec = package.facts.get(name)
    return spec.description if spec and spec.description else name


def _classify(package: Package, env: dict[str, Any], result: Result) -> None:
    cls = package.classification
    assert cls is not None
    sector = env[cls.sector_fact]
    if isinstance(sector, Unknown):
        env["size_class"] = sector
        env["size_is_sme"] = sector
        return
    table = env[cls.table_parameter] or {}
    tiers = table.get(sector, {})
    outcome: Any = cls.otherwise
    for tier in cls.tiers:
        limits = tiers.get(tier)
        if not limits:
            continue
        reached = kleene_and([_at_least(env[f], v) for f, v in limits.items()])
        if isinstance(reached, Unknown):
            outcome = reached
            break
        if reached:
            outcome = tier
            break
    env["size_class"] = outcome
    env["size_is_sme"] = outcome if isinstance(outcome, Unknown) else outcome in cls.sme_tiers


def _at_least(value: Any, limit: Decimal) -> Any:
    return value if isinstance(value, Unknown) else value >= limit


def _parameters(package: Package, as_of: date) -> dict[str, Any]:
    """Parameter values in force on `as_of` (cached per package and date)."""
    cached = package.parameter_cache.get(as_of)
    if cached is not None:
        return cached
    env: dict[str, Any] = {"as_of": as_of, "as_of_year": Decimal(as_of.year)}
    for name, param in package.parameters.items():
        current = param.at(as_of)
        if current is None:
            raise ExpressionError(f"parameter {name} has no value on {as_of.isoformat()}")
        env[name] = current.value
    if len(package.parameter_cache) > 512:
        package.parameter_cache.clear()
    package.parameter_cache[as_of] = env
    return env


def evaluate(
    package: Package, facts: Mapping[str, Any], as_of: date, *, explain: bool = True
) -> Result:
    """Evaluate `package` on `as_of`. Raises FactError for a badly typed fact value and
    ExpressionError (with a code) when a rule cannot be computed; never anything else.

    `explain=False` skips rendering the Chinese trace and stops at the first condition that
    fails (a bulk scan decides first and explains only the hits); the decision, amount, value,
    points and missing facts are identical, but `conditions` then lists only those evaluated.
    """
    try:
        return _evaluate(package, facts, as_of, explain)
    except FactError:
        raise
    except ExpressionError as exc:
        if exc.code == "expression_invalid":
            exc.code = EVALUATION  # raised while running, not while loading
        raise
    except ArithmeticError as exc:  # overflow, division by zero, too many digits to round
        raise ExpressionError(f"{package.id}: arithmetic failed: {exc!r}", ARITHMETIC) from exc
    except (TypeError, ValueError, KeyError, IndexError, AttributeError, RecursionError) as exc:
        raise ExpressionError(f"{package.id}: evaluation failed: {exc!r}", EVALUATION) from exc


def _evaluate(package: Package, facts: Mapping[str, Any], as_of: date, explain: bool) -> Result:
    env: dict[str, Any] = _fact_env(package, facts)
    in_force = package.in_force(as_of)
    result = Result(package.id, package.version, in_force, None)
    if not in_force:
        until = package.effective_to.isoformat() if package.effective_to else "—"
        result.eligible = False
        result.trace.append(
            TraceStep(
                f"{as_of.isoformat()}不在本政策有效期内（{package.effective_from.isoformat()}至{until}）",
                package.clause,
            )
        )
        return result
    env.update(_parameters(package, as_of))
    for item in package.derived:
        env[item.name] = item.expr(env)
    if package.scoring is not None:
        _score(package, env, result, explain)
    if package.classification is not None:
        _classify(package, env, result)

    if package.routes:
        route_outcomes = []
        for route in package.routes:
            outcome = route.when(env)
            route_outcomes.append(outcome)
            if outcome is True and explain:
                result.trace.append(TraceStep(_render(route.text, env), route.source))
        env["direct_route"] = kleene_or(route_outcomes)
    else:
        env["direct_route"] = False

    outcomes = []
    checks = result.conditions
    for cond in package.conditions:
        outcome = cond.when(env)
        known = outcome.__class__ is bool
        if not known and outcome.__class__ is not Unknown:
            raise ExpressionError(f"condition {cond.id} gave {outcome!r}, not true/false")
        outcomes.append(outcome)
        checks[cond.id] = outcome if known else None
        if not explain:
            if outcome is False:
                break  # decided: the remaining conditions cannot change a "no"
            continue
        if not known:
            names = "、".join(_fact_label(package, n) for n in sorted(outcome.missing))
            text = f"无法判断「{_render(cond.passed, env)}」：缺少{names}"
        else:
            text = _render(cond.passed if outcome else cond.failed, env)
        result.trace.append(TraceStep(text, cond.source, cond.id, outcome if known else None))
    eligible = kleene_and(outcomes) if outcomes else True
    missing: set[str] = set()

    if isinstance(eligible, Unknown):
        missing |= eligible.missing
        result.eligible = None
    else:
        result.eligible = eligible

    if package.amount is not None and result.eligible is not False:
        amount = _amount(package, env, result, explain)
        if isinstance(amount, Unknown):
            missing |= amount.missing
            result.eligible = None
        elif result.eligible:
            result.amount_yuan = amount

    if package.value is not None:
        value = package.value(env)
        result.value = None if isinstance(value, Unknown) else value
    elif package.scoring is not None:
        score = env["score"]
        result.value = {"score": None if isinstance(score, Unknown) else score}
        for dim in package.scoring.dimensions:
            v = env[f"score_{dim}"]
            result.value[f"score_{dim}"] = None if isinstance(v, Unknown) else v
    elif package.classification is not None:
        size = env["size_class"]
        if isinstance(size, Unknown):
            missing |= size.missing
            result.eligible = None
        else:
            result.value = size
            label = package.classification.labels[size]
            if explain:
                result.trace.append(TraceStep(f"划型结果：{label}企业", package.clause))

    if result.eligible is None:
        result.missing = sorted(missing)
        if not explain:
            return result
        names = "、".join(_fact_label(package, n) for n in result.missing)
        result.trace.append(TraceStep(f"数据不足，无法得出结论：缺少{names}", package.clause))
    return result


def _amount(package: Package, env: dict[str, Any], result: Result, explain: bool) -> Any:
    spec = package.amount
    assert spec is not None
    amount = spec.formula(env)
    limits = [cap.expr(env) for cap in spec.caps]
    unknown = merge_unknown(amount, *limits)
    if unknown:
        return unknown
    if not isinstance(amount, Decimal) or isinstance(amount, bool):
        raise ExpressionError(f"amount formula gave {amount!r}, not a number")
    explain = explain and bool(result.eligible)
    steps = []
    if explain:
        steps.append(TraceStep(_render(spec.text, {**env, "amount": amount}), package.clause))
    for cap, limit in zip(spec.caps, limits, strict=True):
        if limit is None:
            continue
        if amount > _number(limit, "cap"):
            amount = limit
            if explain:
                steps.append(TraceStep(_render(cap.text, {**env, "cap": limit}), package.clause))
    rounded = amount.quantize(Decimal(1).scaleb(-spec.places), rounding=ROUND_HALF_UP)
    if explain:
        steps.append(
            TraceStep(
                f"奖补金额：{format_decimal(rounded, spec.places, group=True)}元", package.clause
            )
        )
    result.trace.extend(steps)
    return rounded


def _number(value: Any, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal):
        raise ExpressionError(f"{what} gave {value!r}, not a number")
    return value
