"""Reading package and case files: YAML with every number as Decimal, never float."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from .build import package_from_dict
from .evaluate import Result, evaluate
from .facts import FactError, to_decimal
from .package import Package, PackageError, jsonable


class _DecimalLoader(yaml.SafeLoader):
    """SafeLoader whose floats are Decimal read from the source text, refusing anchors and
    aliases: package text comes from people, and aliases nest into exponential documents."""

    max_aliases = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        mark = event.start_mark if isinstance(event.start_mark, yaml.error.Mark) else None
        if isinstance(event, yaml.AliasEvent):
            self.alias_count = getattr(self, "alias_count", 0) + 1
            if not self.max_aliases:
                raise yaml.composer.ComposerError(
                    None, None, "YAML aliases (*name) are not allowed here", mark
                )
            if self.alias_count > self.max_aliases:
                raise yaml.composer.ComposerError(
                    None, None, f"more than {self.max_aliases} YAML aliases", mark
                )
        elif getattr(event, "anchor", None) is not None and not self.max_aliases:
            raise yaml.composer.ComposerError(
                None, None, "YAML anchors (&name) are not allowed here", mark
            )
        return super().compose_node(parent, index)


class _CaseLoader(_DecimalLoader):
    """Test-case files may share facts with `*anchor` and `<<: *anchor`, a bounded number of
    times, and the document they describe is bounded once aliases are expanded (see
    `_expanded_size`), so nested aliases cannot blow up into an exponential document."""

    max_aliases = 200


def _decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    return Decimal(str(loader.construct_scalar(node)).replace("_", ""))


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _decimal)
_CaseLoader.add_constructor("tag:yaml.org,2002:float", _decimal)


def _no_duplicates(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    """A mapping that refuses a key written twice; `<<: *anchor` merges are allowed."""
    seen: set[Any] = set()
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    loader.flatten_mapping(node)
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:  # merged keys first, explicit keys override
        mapping[loader.construct_object(key_node)] = loader.construct_object(value_node, deep=True)
    return mapping


_DecimalLoader.add_constructor("tag:yaml.org,2002:map", _no_duplicates)
_CaseLoader.add_constructor("tag:yaml.org,2002:map", _no_duplicates)


MAX_EXPANDED_NODES = 100_000


def _expanded_size(data: Any) -> int:
    """How many values the document holds with every alias expanded (shared values are
    counted once per use, computed once per object)."""
    sizes: dict[int, int] = {}

    def size(value: Any, depth: int) -> int:
        if depth > 100:
            raise yaml.YAMLError("the YAML document nests too deeply")
        if not isinstance(value, dict | list):
            return 1
        key = id(value)
        if key not in sizes:
            items = value.values() if isinstance(value, dict) else value
            sizes[key] = 1 + sum(size(item, depth + 1) for item in items)
            if sizes[key] > MAX_EXPANDED_NODES:
                raise yaml.YAMLError("the YAML document is too large once aliases are expanded")
        return sizes[key]

    return size(data, 0)


def load_yaml(text: str, *, cases: bool = False) -> Any:
    """Parse package text (no anchors or aliases) or, with `cases`, a test-case file."""
    try:
        data = yaml.load(text, Loader=_CaseLoader if cases else _DecimalLoader)
    except RecursionError as exc:
        raise yaml.YAMLError("the YAML document nests too deeply") from exc
    if cases:
        _expanded_size(data)
    return data


def canonical_json(data: Any) -> str:
    return json.dumps(jsonable(data), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def checksum(content: Mapping[str, Any]) -> str:
    """SHA-256 of the package's canonical JSON form: formatting and comments do not count."""
    return hashlib.sha256(canonical_json(content).encode()).hexdigest()


@dataclass(frozen=True)
class Case:
    name: str
    as_of: date
    facts: dict[str, Any]
    expect: dict[str, Any]


@dataclass(frozen=True)
class CaseFailure:
    package_id: str
    case: str
    problems: list[str]

    def __str__(self) -> str:
        return f"{self.package_id} / {self.case}: " + "; ".join(self.problems)


@dataclass(frozen=True)
class PackageFile:
    path: Path
    package: Package
    cases: list[Case]
    text: str


def parse_cases(raw: Any, package_id: str) -> list[Case]:
    problems: list[tuple[str, str]] = []
    cases: list[Case] = []
    if not isinstance(raw, list) or not raw:
        raise PackageError(package_id, [("cases", "at least one test case is required")])
    for i, item in enumerate(raw):
        path = f"cases[{i}]"
        if not isinstance(item, Mapping) or not {"name", "as_of", "expect"} <= set(item):
            problems.append((path, "needs name, as_of, facts and expect"))
            continue
        try:
            as_of = item["as_of"]
            as_of = as_of if isinstance(as_of, date) else date.fromisoformat(str(as_of))
        except ValueError:
            problems.append((path + ".as_of", "must be a date"))
            continue
        if not isinstance(item.get("facts") or {}, Mapping):
            problems.append((path + ".facts", "must be a mapping"))
            continue
        cases.append(Case(str(item["name"]), as_of, dict(item.get("facts") or {}), item["expect"]))
    if problems:
        raise PackageError(package_id, problems)
    return cases


def read_package_file(path: Path, tests_dir: Path | None = None) -> PackageFile:
    """Parse, validate and compile one package and its cases (inline `cases:` or tests/<id>.yaml)."""
    text = path.read_text(encoding="utf-8")
    data = load_yaml(text)
    if not isinstance(data, Mapping):
        raise PackageError(path.stem, [("", "the file must hold one mapping")])
    package = package_from_dict(data)
    if package.id != path.stem:
        raise PackageError(package.id, [("id", f"must equal the file name {path.stem!r}")])
    raw_cases = list(data.get("cases") or [])
    tests_path = (tests_dir or path.parent / "tests") / path.name
    if tests_path.exists():
        raw_cases += list(load_yaml(tests_path.read_text(encoding="utf-8"), cases=True) or [])
    return PackageFile(path, package, parse_cases(raw_cases, package.id), text)


def _same_number(actual: Any, expected: Any) -> bool:
    try:
        return actual is not None and to_decimal(actual) == to_decimal(expected)
    except ValueError:
        return False


def check_case(package: Package, case: Case) -> list[str]:
    """Run one case; returns the list of mismatches (empty when it passes)."""
    try:
        result: Result = evaluate(package, case.facts, case.as_of)
    except FactError as exc:
        return [f"bad fact {exc.name}: {exc.detail}"]
    except Exception as exc:
        return [f"evaluation failed: {exc}"]
    problems = []
    exp = case.expect
    if "eligible" in exp and result.eligible is not exp["eligible"]:
        problems.append(f"eligible: expected {exp['eligible']}, got {result.eligible}")
    if "in_force" in exp and result.in_force is not exp["in_force"]:
        problems.append(f"in_force: expected {exp['in_force']}, got {result.in_force}")
    if "amount_yuan" in exp:
        want = exp["amount_yuan"]
        if want is None:
            if result.amount_yuan is not None:
                problems.append(f"amount_yuan: expected none, got {result.amount_yuan}")
        elif not _same_number(result.amount_yuan, want) or str(result.amount_yuan) != str(
            to_decimal(want).quantize(Decimal("0.01"))
        ):
            problems.append(f"amount_yuan: expected {want}, got {result.amount_yuan}")
    if "missing" in exp and sorted(exp["missing"] or []) != result.missing:
        problems.append(f"missing: expected {sorted(exp['missing'] or [])}, got {result.missing}")
    if "value" in exp:
        want = exp["value"]
        got = result.value
        ok = _same_number(got, want) if isinstance(got, Decimal) else got == want
        if not ok:
            problems.append(f"value: expected {want!r}, got {got!r}")
    if "score" in exp:
        got = (result.value or {}).get("score") if isinstance(result.value, dict) else None
        if exp["score"] is None:
            if got is not None:
                problems.append(f"score: expected none, got {got}")
        elif not _same_number(got, exp["score"]):
            problems.append(f"score: expected {exp['score']}, got {got}")
    if "points" in exp:
        got_points = {p.id: p.points for p in result.points or []}
        for key, want in (exp["points"] or {}).items():
            if key not in got_points:
                problems.append(f"points.{key}: no such indicator")
            elif want is None and got_points[key] is not None:
                problems.append(f"points.{key}: expected none, got {got_points[key]}")
            elif want is not None and not _same_number(got_points[key], want):
                problems.append(f"points.{key}: expected {want}, got {got_points[key]}")
    if "failed" in exp:
        failed = sorted(k for k, v in result.conditions.items() if v is False)
        if failed != sorted(exp["failed"] or []):
            problems.append(
                f"failed conditions: expected {sorted(exp['failed'] or [])}, got {failed}"
            )
    if "trace_contains" in exp:
        texts = "\n".join(step.text for step in result.trace)
        for fragment in exp["trace_contains"]:
            if fragment not in texts:
                problems.append(f"trace: no step contains {fragment!r}")
    return problems


def run_cases(package: Package, cases: list[Case]) -> list[CaseFailure]:
    failures = []
    for case in cases:
        problems = check_case(package, case)
        if problems:
            failures.append(CaseFailure(package.id, case.name, problems))
    return failures


def package_from_text(text: str, version: int | None = None) -> Package:
    """Compile a package from its YAML text (as stored with each loaded version)."""
    data = load_yaml(text)
    if not isinstance(data, Mapping):
        raise PackageError("", [("", "the text must hold one mapping")])
    return package_from_dict(data, version=version)


def read_directory(directory: Path) -> list[PackageFile]:
    """Every package under `directory` (not recursing into tests/), sorted by id."""
    return [read_package_file(p) for p in sorted(directory.glob("*.yaml"))]
