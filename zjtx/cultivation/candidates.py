"""Candidate runs: which firms are close to each tier, what they miss and by how much.

For each tier a criteria package in force on the run's date is evaluated over the registry
(facts gathered in bulk: one query per source for every firm in scope). Each condition of the
package is read as a tree of its `and`/`or` parts; a comparison that fails on known figures is a
gap with its distance ("研发费用占比 2.6 %，差 0.4 个百分点"), a yes/no fact that is false is a
gap of its own, and a part whose figures are missing is listed under "to verify", never counted
as met or failed. A firm with at most `max_gaps` gaps is a candidate; firms already holding the
tier (or a higher one) are left out. Only the candidates' texts are rendered.
"""

from __future__ import annotations

import ast
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zjtx.accounts.models import Role
from zjtx.accounts.scoping import require_role, scope_enterprise_qs
from zjtx.core.audit import audit_record
from zjtx.core.money import format_wan
from zjtx.enterprises.models import Enterprise
from zjtx.policy.engine import FactError, Package, PreparedFacts, Unknown, evaluate
from zjtx.policy.engine.expr import ExpressionError, compile_expression, kleene_or
from zjtx.policy.engine.facts import coerce_fact
from zjtx.policy.facts_from_registry import facts_for_programs, registry_facts

from .errors import CultivationError, CultivationErrorCode
from .models import CandidateHit, CandidateRun, Pool, Tier
from .selectors import tier_states

# Candidate packages per tier, first in force on the run's date wins. The municipal tier uses
# the criteria of the city's latest certification round when there is one.
TIER_PROGRAMS: dict[str, tuple[str, ...]] = {
    Tier.INNOVATIVE: ("miit2022.innovative_sme",),
    Tier.MUNICIPAL: ("miit2026.zjtx_sme", "miit2022.zjtx_sme"),
    Tier.PROVINCIAL: ("miit2026.zjtx_sme", "miit2022.zjtx_sme"),
    Tier.LITTLE_GIANT: ("miit2026.little_giant", "miit2022.little_giant"),
}
CANDIDATE_TIERS = tuple(TIER_PROGRAMS)
MAX_HITS_PER_TIER = 1000
# Facts the tier history answers: held tiers are the prerequisites of the next ones.
TIER_FACTS = {
    "tech_innovative_sme_valid": Tier.INNOVATIVE,
    "zjtx_sme_certified_valid": Tier.PROVINCIAL,
}
# Failing these rules a firm out: no improvement closes them.
DISQUALIFYING = frozenset({"is_sme"})

# Labels of the packages' intermediate values and sums (facts carry their own descriptions).
LABELS: dict[str, Any] = {
    "main_share": gettext_lazy("Main-business revenue as a share of operating revenue"),
    "rd_ratio_y1": gettext_lazy("R&D expense as a share of revenue last year"),
    "rd_ratio_y2": gettext_lazy("R&D expense as a share of revenue the year before"),
    "rd_expense_y1_yuan + rd_expense_y2_yuan": gettext_lazy("R&D expense of the last two years"),
    "score": gettext_lazy("Evaluation score"),
    "score_innovation": gettext_lazy("Innovation score"),
    "score_growth": gettext_lazy("Growth score"),
    "score_specialisation": gettext_lazy("Specialisation score"),
    "score_refinement": gettext_lazy("Refinement score"),
    "score_distinctiveness": gettext_lazy("Distinctiveness score"),
}
PERCENT_NAMES = frozenset({"main_share", "rd_ratio_y1", "rd_ratio_y2"})


# ------------------------------------------------------------------ condition trees


@dataclass(frozen=True)
class Node:
    kind: str  # and | or | cmp | bool | other
    children: tuple[Node, ...] = ()
    fn: Callable[[Any], Any] | None = None
    lhs: Callable[[Any], Any] | None = None
    rhs: Callable[[Any], Any] | None = None
    op: str = ""
    lhs_text: str = ""
    name: str = ""  # the fact a bool node reads


@dataclass
class Gap:
    kind: str  # cmp | bool | other
    node: Node
    condition: Any
    value: Any = None
    threshold: Any = None

    @property
    def distance(self) -> Decimal:
        if self.kind != "cmp":
            return Decimal(1)
        base = abs(self.threshold) if self.threshold else Decimal(1)
        return min(Decimal(9), abs(self.threshold - self.value) / base)


@dataclass
class Outcome:
    value: Any  # True | False | Unknown
    gaps: list[Gap] = field(default_factory=list)
    missing: set[str] = field(default_factory=set)
    disqualified: bool = False


_OPS = {ast.GtE: ">=", ast.LtE: "<=", ast.Gt: ">", ast.Lt: "<"}


def _compile(node: ast.AST, names: frozenset[str]) -> Callable[[Any], Any]:
    fn, _used = compile_expression(ast.unparse(node), names)
    return fn


def _tree(node: ast.AST, names: frozenset[str]) -> Node:
    if isinstance(node, ast.BoolOp):
        kind = "and" if isinstance(node.op, ast.And) else "or"
        return Node(kind, tuple(_tree(v, names) for v in node.values))
    if (
        isinstance(node, ast.Compare)
        and len(node.ops) == 1
        and type(node.ops[0]) in _OPS
        and len(node.comparators) == 1
    ):
        return Node(
            "cmp",
            lhs=_compile(node.left, names),
            rhs=_compile(node.comparators[0], names),
            op=_OPS[type(node.ops[0])],
            lhs_text=ast.unparse(node.left),
        )
    if isinstance(node, ast.Name):
        return Node("bool", fn=_compile(node, names), name=node.id)
    return Node("other", fn=_compile(node, names))


@dataclass
class Prepared:
    """A package ready for candidate evaluation: its conditions as trees."""

    tier: str
    package: Package
    trees: list[tuple[Any, Node, tuple[str, ...]]]  # condition, its tree, the names it reads
    params: dict[str, Any]
    # Walk outcomes per condition by the values it reads: firms whose figures a condition
    # cannot see (the same missing facts) share one walk.
    cache: list[dict[tuple[Any, ...], Any]] = field(default_factory=list)
    # True when every condition reading a score is "direct_route or …": a firm on a direct
    # route needs no scoring.
    route_spares_scoring: bool = False


def prepare(tier: str, package: Package, as_of: date) -> Prepared:
    names = (
        set(package.facts)
        | set(package.parameters)
        | {d.name for d in package.derived}
        | {"as_of", "as_of_year", "direct_route", "score"}
    )
    if package.scoring is not None:
        names |= {f"score_{d}" for d in package.scoring.dimensions}
        names |= {i.points_key for i in package.scoring.indicators}
    frozen = frozenset(names)
    trees = []
    for cond in package.conditions:
        source = " ".join(cond.when_text.split())
        parsed = ast.parse(source, mode="eval").body
        _fn, used = compile_expression(source, frozen)
        trees.append((cond, _tree(parsed, frozen), tuple(sorted(used))))
    params: dict[str, Any] = {"as_of": as_of, "as_of_year": Decimal(as_of.year)}
    for name, param in package.parameters.items():
        current = param.at(as_of)
        if current is None:
            raise ExpressionError(f"parameter {name} has no value on {as_of.isoformat()}")
        params[name] = current.value
    score_names = {"score"}
    if package.scoring is not None:
        score_names |= {f"score_{d}" for d in package.scoring.dimensions}
        score_names |= {i.points_key for i in package.scoring.indicators}
    spares = all(
        tree.kind == "or"
        and any(c.kind == "bool" and c.name == "direct_route" for c in tree.children)
        for _cond, tree, used in trees
        if score_names & set(used)
    )
    return Prepared(tier, package, trees, params, [{} for _t in trees], spares)


def _cmp(op: str, a: Any, b: Any) -> bool:
    if op == ">=":
        return bool(a >= b)
    if op == "<=":
        return bool(a <= b)
    if op == ">":
        return bool(a > b)
    return bool(a < b)


def _is_number(v: Any) -> bool:
    kind = v.__class__
    return kind is Decimal or kind is int


def _walk(node: Node, env: Mapping[str, Any], cond: Any) -> Outcome:
    if node.kind == "cmp":
        assert node.lhs is not None and node.rhs is not None
        a, b = node.lhs(env), node.rhs(env)
        missing: set[str] = set()
        for v in (a, b):
            if v.__class__ is Unknown:
                missing |= v.missing
        if missing:
            return Outcome(Unknown(frozenset(missing)), missing=missing)
        if not (_is_number(a) and _is_number(b)):
            ok = _cmp(node.op, a, b)
            return Outcome(ok, [] if ok else [Gap("other", node, cond)])
        if _cmp(node.op, a, b):
            return Outcome(True)
        return Outcome(False, [Gap("cmp", node, cond, Decimal(a), Decimal(b))])
    if node.kind in ("bool", "other"):
        assert node.fn is not None
        v = node.fn(env)
        if v.__class__ is Unknown:
            return Outcome(v, missing=set(v.missing))
        if v is True:
            return Outcome(True)
        disq = node.kind == "bool" and node.name in DISQUALIFYING
        return Outcome(False, [Gap(node.kind, node, cond)], disqualified=disq)
    parts = [_walk(child, env, cond) for child in node.children]
    if node.kind == "and":
        out = Outcome(True)
        for p in parts:
            out.gaps.extend(p.gaps)
            out.missing |= p.missing
            out.disqualified |= p.disqualified
        if any(p.value is False for p in parts):
            out.value = False
        elif out.missing:
            out.value = Unknown(frozenset(out.missing))
        return out
    # or: met by any part; otherwise the closest part that failed on known figures is the gap
    if any(p.value is True for p in parts):
        return Outcome(True)
    failed = [p for p in parts if p.value is False and not p.disqualified]
    missing = set().union(*(p.missing for p in parts))
    if failed:
        best = min(failed, key=lambda p: (len(p.gaps), sum(g.distance for g in p.gaps)))
        return Outcome(False, list(best.gaps), missing)
    if any(p.value is False for p in parts) and not missing:
        return Outcome(False, [g for p in parts for g in p.gaps], missing, disqualified=True)
    return Outcome(Unknown(frozenset(missing)), missing=missing)


@dataclass
class Finding:
    gaps: list[Gap]
    missing: set[str]
    disqualified: bool

    @property
    def closeness(self) -> Decimal:
        return sum((g.distance for g in self.gaps), Decimal(0))


def assess(prep: Prepared, facts: PreparedFacts, limit: int | None = None) -> Finding | None:
    """The gaps and the facts to verify of one firm against one package; None when more than
    `limit` conditions already fail as a whole (each failed condition is at least one gap)."""
    package = prep.package
    unknowns = package.unknown_facts
    env: dict[str, Any] = {name: facts.get(name, unknowns[name]) for name in package.facts}
    env.update(prep.params)
    for item in package.derived:
        env[item.name] = item.expr(env)
    if package.routes:
        env["direct_route"] = kleene_or([route.when(env) for route in package.routes])
    else:
        env["direct_route"] = False
    # Scores are read only by conditions a direct route does not already meet.
    if package.scoring is not None and not (
        prep.route_spares_scoring and env["direct_route"] is True
    ):
        result = evaluate(package, facts, prep.params["as_of"], explain=False)
        values = result.value or {}
        missing = frozenset(result.missing) or frozenset({"score"})
        for key in ["score", *(f"score_{d}" for d in package.scoring.dimensions)]:
            v = values.get(key)
            env[key] = Unknown(missing) if v is None else v
        for ind, pts in zip(package.scoring.indicators, result.points or [], strict=False):
            env[ind.points_key] = Unknown(missing) if pts.points is None else pts.points
    elif package.scoring is not None:
        unknown = Unknown(frozenset({"score"}))
        for key in ["score", *(f"score_{d}" for d in package.scoring.dimensions)]:
            env[key] = unknown
        for ind in package.scoring.indicators:
            env[ind.points_key] = unknown
    # Fast pass with the engine's own compiled conditions: a met condition needs no walk.
    pending = []
    failed = 0
    for n, (cond, tree, used) in enumerate(prep.trees):
        value = cond.when(env)
        if value is True:
            continue
        if value is False:
            failed += 1
            if limit is not None and failed > limit:
                return None
        pending.append((n, cond, tree, used))
    gaps: list[Gap] = []
    missing_all: set[str] = set()
    disqualified = False
    for n, cond, tree, used in pending:
        memo = tuple([env[name] for name in used])
        out = prep.cache[n].get(memo)
        if out is None:
            out = prep.cache[n][memo] = _walk(tree, env, cond)
        if out.value is True:
            continue
        gaps.extend(out.gaps)
        missing_all |= out.missing
        disqualified |= out.disqualified
    finding = Finding(gaps, missing_all, disqualified)
    finding.env = env  # type: ignore[attr-defined]
    return finding


# ------------------------------------------------------------------ texts


def _num(value: Decimal, places: int = 2) -> str:
    q = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{q:,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _unit_of(name: str) -> str:
    if name.endswith("_yuan") or name.endswith("_yuan + rd_expense_y2_yuan"):
        return "yuan"
    if name.endswith("_pct") or name in PERCENT_NAMES:
        return "pct"
    if name.startswith("score"):
        return "points"
    if name.endswith("_count"):
        return "items"
    if name.endswith("_years"):
        return "years"
    return ""


def _show(value: Decimal, unit: str) -> str:
    if unit == "yuan":
        return _("%(amount)s 10k yuan") % {"amount": format_wan(value)}
    if unit == "pct":
        return f"{_num(value)} %"
    if unit == "points":
        return _("%(n)s points") % {"n": _num(value)}
    if unit == "items":
        return _("%(n)s items") % {"n": _num(value, 0)}
    if unit == "years":
        return _("%(n)s years") % {"n": _num(value, 0)}
    return _num(value)


def _show_gap(value: Decimal, unit: str) -> str:
    if unit == "pct":
        return _("%(n)s percentage points") % {"n": _num(value)}
    return _show(value, unit)


def _label(package: Package, name: str) -> str | None:
    if name in LABELS:
        return str(LABELS[name])
    spec = package.facts.get(name)
    return spec.description if spec is not None else None


def _fail_text(cond: Any, env: Mapping[str, Any]) -> str:
    try:
        return str(cond.failed.render(env))
    except Exception:  # a text needing a missing figure: say what is required instead
        return str(cond.passed.template if hasattr(cond.passed, "template") else "")


def gap_text(package: Package, gap: Gap, env: Mapping[str, Any]) -> dict[str, Any]:
    node = gap.node
    if gap.kind == "cmp":
        label = _label(package, node.lhs_text)
        unit = _unit_of(node.lhs_text)
        if label is not None:
            distance = abs(gap.threshold - gap.value)
            if node.op in (">=", ">"):
                text = _("%(label)s %(value)s, %(gap)s short of %(threshold)s") % {
                    "label": label,
                    "value": _show(gap.value, unit),
                    "gap": _show_gap(distance, unit),
                    "threshold": _show(gap.threshold, unit),
                }
            else:
                text = _("%(label)s %(value)s, %(gap)s above the limit of %(threshold)s") % {
                    "label": label,
                    "value": _show(gap.value, unit),
                    "gap": _show_gap(distance, unit),
                    "threshold": _show(gap.threshold, unit),
                }
            out = {
                "text": text,
                "value": str(gap.value),
                "threshold": str(gap.threshold),
                "gap": str(distance),
                "unit": unit,
            }
            if node.lhs_text == "score" and package.scoring is not None:
                hints = score_hints(package, env)
                if hints:
                    out["text"] = text + _("; ") + _("; ").join(hints)
            return out
    if gap.kind == "bool":
        label = _label(package, node.name)
        if label is not None:
            return {"text": _("Needed: %(what)s") % {"what": label}}
    return {"text": _fail_text(gap.condition, env)}


def score_hints(package: Package, env: Mapping[str, Any], limit: int = 2) -> list[str]:
    """The nearest next bands of the banded indicators: what would add points soonest."""
    scoring = package.scoring
    assert scoring is not None
    options: list[tuple[Decimal, str]] = []
    for ind in scoring.indicators:
        if ind.kind != "bands" or not ind.bands:
            continue
        points = env.get(ind.points_key)
        if not isinstance(points, Decimal):
            continue
        for band in reversed(ind.bands):  # from the lowest band upwards
            if band.points <= points:
                continue
            for measure, threshold in band.thresholds.items():
                value = ind.measures[measure](env)
                if not _is_number(value):
                    continue
                value = Decimal(value)
                if ind.reaches(value, threshold):
                    continue
                distance = abs(threshold - value)
                unit = "pct" if "%" in ind.title else ""
                text = _("%(title)s %(value)s: reaching %(threshold)s adds %(points)s points") % {
                    "title": ind.title.replace("（%）", ""),
                    "value": _show(value, unit),
                    "threshold": _show(threshold, unit),
                    "points": _num(band.points - points),
                }
                base = abs(threshold) if threshold else Decimal(1)
                options.append((distance / base, text))
            break
    options.sort(key=lambda o: o[0])
    return [text for _d, text in options[:limit]]


def verify_texts(package: Package, missing: set[str]) -> list[str]:
    out = []
    for name in sorted(missing):
        spec = package.facts.get(name)
        if spec is not None:
            out.append(spec.description)
    return out


# ------------------------------------------------------------------ the run


def tier_packages(as_of: date, tiers: Sequence[str]) -> dict[str, Package]:
    """The criteria package of each tier in force on `as_of` (tiers without one are left out)."""
    from zjtx.certification.selectors import round_latest
    from zjtx.policy.selectors.packages import packages_for_enterprises

    packages = packages_for_enterprises()
    chosen: dict[str, Package] = {}
    latest: Any = None
    try:
        latest = round_latest()
    except Exception:  # no round yet, or a signature change: fall back to the MIIT packages
        latest = None
    for tier in tiers:
        ids = list(TIER_PROGRAMS.get(tier, ()))
        if tier == Tier.MUNICIPAL and latest is not None and latest.program_id:
            ids.insert(0, latest.program_id)
        for pid in ids:
            package = packages.get(pid)
            if package is not None and package.kind == "criteria" and package.in_force(as_of):
                chosen[tier] = package
                break
    return chosen


def _check_tiers(tiers: Sequence[str] | None) -> list[str]:
    chosen = list(dict.fromkeys(tiers or CANDIDATE_TIERS))
    bad = [t for t in chosen if t not in TIER_PROGRAMS]
    if bad or not chosen:
        raise CultivationError(
            CultivationErrorCode.INVALID_TIER,
            _("Choose tiers among innovative, municipal, provincial and little giant."),
            {"tiers": ", ".join(bad) or _("Required")},
        )
    return chosen


def candidate_run_create(
    *,
    actor: Any,
    as_of: date | None = None,
    tiers: Sequence[str] | None = None,
    max_gaps: int = 2,
) -> CandidateRun:
    """Record a run (status running) for the actor's jurisdiction; `candidate_run_execute`
    does the work (in the request or in a background job)."""
    require_role(
        actor,
        Role.CITY_OFFICER,
        Role.UNIT_OFFICER,
        message=_("Only city and unit officers run candidate searches."),
    )
    chosen = _check_tiers(tiers)
    if not 0 <= max_gaps <= 5:
        raise CultivationError(
            CultivationErrorCode.INVALID_INPUT,
            _("The number of gaps allowed is between 0 and 5."),
            {"max_gaps": _("Out of range")},
        )
    as_of = as_of or timezone.localdate()
    packages = tier_packages(as_of, chosen)
    if not packages:
        raise CultivationError(
            CultivationErrorCode.NO_PROGRAMS,
            _("No criteria package is in force on that date."),
            {"as_of": as_of.isoformat()},
        )
    return CandidateRun.objects.create(
        as_of=as_of,
        tiers=chosen,
        programs={t: f"{p.id}@{p.version or 0}" for t, p in packages.items()},
        max_gaps=max_gaps,
        scope_unit_id=actor.unit_id if actor.role == Role.UNIT_OFFICER else None,
        started_by=actor,
    )


ProgressFn = Callable[[int, int, str], None]


def candidate_run_execute(
    *, run: CandidateRun, actor: Any, progress: ProgressFn | None = None
) -> CandidateRun:
    """Evaluate every firm in scope against each tier's package and store the candidates."""
    started = time.perf_counter()
    tiers = [t for t in run.tiers if t in TIER_PROGRAMS]
    packages = tier_packages(run.as_of, tiers)
    # Tiers sharing a package (municipal and provincial on the MIIT standard) share one
    # preparation, and each firm is assessed once per package.
    by_package: dict[tuple[str, int | None], Prepared] = {}
    preps = []
    for t in tiers:
        if t not in packages:
            continue
        key = (packages[t].id, packages[t].version)
        if key not in by_package:
            by_package[key] = prepare(t, packages[t], run.as_of)
        shared = by_package[key]
        preps.append(
            Prepared(
                t,
                shared.package,
                shared.trees,
                shared.params,
                shared.cache,
                shared.route_spares_scoring,
            )
        )
    firms = Enterprise.objects.filter(status=Enterprise.Status.VERIFIED)
    if run.scope_unit_id is not None:
        firms = firms.filter(unit_id=run.scope_unit_id)
    firms = scope_enterprise_qs(firms, actor)
    names = facts_for_programs([p.package for p in preps]) - set(TIER_FACTS)
    sheets = registry_facts(firms, as_of=run.as_of, names=names)
    units = dict(firms.values_list("pk", "unit_id"))
    states = tier_states(on=run.as_of, enterprise_ids=None)
    specs = {n: s for p in preps for n, s in p.package.facts.items()}
    total = len(sheets)
    if progress:
        progress(0, total, "")
    found: dict[str, list[tuple[int, Finding]]] = {p.tier: [] for p in preps}
    counts: dict[str, int] = {p.tier: 0 for p in preps}
    for n, (pk, sheet) in enumerate(sheets.items(), start=1):
        state = states.get(pk)
        try:
            facts = PreparedFacts(
                (name, coerce_fact(specs[name], value))
                for name, value in sheet.values.items()
                if name in specs
            )
        except FactError:
            continue
        for fact, tier in TIER_FACTS.items():
            if fact in specs:
                facts[fact] = bool(state is not None and state.tiers and state.holds(tier))
        done: dict[int, Finding | None] = {}
        for prep in preps:
            if state is not None and state.tiers and state.holds(prep.tier):
                continue
            shared_key = id(prep.cache)
            if shared_key in done:
                finding = done[shared_key]
            else:
                try:
                    finding = done[shared_key] = assess(prep, facts, run.max_gaps)
                except (ExpressionError, ArithmeticError):
                    done[shared_key] = None
                    continue
            if finding is None or finding.disqualified or len(finding.gaps) > run.max_gaps:
                continue
            counts[prep.tier] += 1
            found[prep.tier].append((pk, finding))
        if progress and n % 2000 == 0:
            progress(n, total, "")
    rows: list[CandidateHit] = []
    for prep in preps:
        best = sorted(found[prep.tier], key=lambda f: (len(f[1].gaps), f[1].closeness, f[0]))
        for pk, finding in best[:MAX_HITS_PER_TIER]:
            env = finding.env  # type: ignore[attr-defined]
            state = states.get(pk)
            rows.append(
                CandidateHit(
                    run=run,
                    enterprise_id=pk,
                    unit_id=units.get(pk),
                    tier=prep.tier,
                    program_id=prep.package.id,
                    gap_count=len(finding.gaps),
                    closeness=min(finding.closeness, Decimal("99999")).quantize(Decimal("0.0001")),
                    gaps=[gap_text(prep.package, g, env) for g in finding.gaps],
                    to_verify=verify_texts(prep.package, finding.missing),
                    pool=state.pool if state is not None else Pool.NONE,
                )
            )
    with transaction.atomic():
        CandidateHit.objects.bulk_create(rows, batch_size=1000)
        run.enterprise_count = total
        run.candidate_count = len(rows)
        run.summary = {
            t: {"found": counts.get(t, 0), "shown": min(counts.get(t, 0), MAX_HITS_PER_TIER)}
            for t in tiers
        }
        run.status = CandidateRun.Status.DONE
        run.seconds = Decimal(str(round(time.perf_counter() - started, 3)))
        run.save(
            update_fields=["enterprise_count", "candidate_count", "summary", "status", "seconds"]
        )
        audit_record(
            actor=actor,
            action="cultivation.candidate_run",
            obj=run,
            after={
                "as_of": run.as_of,
                "tiers": tiers,
                "programs": run.programs,
                "enterprises": total,
                "candidates": len(rows),
                "max_gaps": run.max_gaps,
            },
        )
    if progress:
        progress(total, total, "")
    return run


def candidate_run(
    *,
    actor: Any,
    as_of: date | None = None,
    tiers: Sequence[str] | None = None,
    max_gaps: int = 2,
) -> CandidateRun:
    """Create and execute a run in one call (tests, the bench, the API without jobs)."""
    run = candidate_run_create(actor=actor, as_of=as_of, tiers=tiers, max_gaps=max_gaps)
    return candidate_run_execute(run=run, actor=actor)


def start_candidate_run(
    *,
    actor: Any,
    as_of: date | None = None,
    tiers: Sequence[str] | None = None,
    max_gaps: int = 2,
) -> CandidateRun:
    """Record a run and hand it to a background job (zjtx.core.jobs) with progress; on the
    immediate backend (tests) it has finished when this returns."""
    from zjtx.core.jobs import start_job

    run = candidate_run_create(actor=actor, as_of=as_of, tiers=tiers, max_gaps=max_gaps)
    job = start_job("cultivation.candidates", actor=actor, params={"run_id": run.pk})
    CandidateRun.objects.filter(pk=run.pk).update(job_id=str(job.pk))
    run.refresh_from_db()
    return run


def job_url_of(run: CandidateRun) -> str | None:
    """The background job's progress page of a run, when it ran as a job."""
    if not run.job_id:
        return None
    from django.urls import reverse

    return reverse("core:job", args=[run.job_id])
