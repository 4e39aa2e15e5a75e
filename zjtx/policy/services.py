"""Writes: load rule packages from policies/ into the database, and record evaluations."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from zjtx.core.audit import audit_record, to_jsonable

from .engine import (
    PackageError,
    PackageFile,
    checksum,
    read_package_file,
    run_cases,
)
from .errors import PolicyLoadError
from .models import Evaluation, PolicyPackageVersion, PolicyProgram
from .selectors import (
    evaluate_checked,
    fact_specs,
    facts_validate,
    package_for,
    packages_current,
    packages_for_enterprises,
    program_get,
)

POLICIES_DIR = Path(settings.BASE_DIR) / "policies"


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)  # "id vN"
    unchanged: list[str] = field(default_factory=list)
    refused: dict[str, list[str]] = field(default_factory=dict)
    cases: int = 0


def _read_all(directory: Path, report: LoadReport) -> list[PackageFile]:
    good: list[PackageFile] = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            package_file = read_package_file(path)
        except PackageError as exc:
            report.refused[path.name] = [f"{p}: {m}" if p else m for p, m in exc.problems]
            continue
        except Exception as exc:  # YAML syntax errors and the like
            report.refused[path.name] = [str(exc)]
            continue
        failures = run_cases(package_file.package, package_file.cases)
        if failures:
            report.refused[path.name] = [f"test case failed: {f}" for f in failures]
            continue
        good.append(package_file)
    return _consistent_facts(good, report)


def _consistent_facts(files: list[PackageFile], report: LoadReport) -> list[PackageFile]:
    """A fact name means one thing everywhere: the same type and enum values in every package."""
    seen: dict[str, tuple[str, tuple[str, ...], str]] = {}
    kept = []
    for package_file in files:
        package = package_file.package
        clashes = []
        for name, spec in package.facts.items():
            shape = (spec.type, tuple(sorted(spec.values)))
            if name in seen and seen[name][:2] != shape:
                clashes.append(
                    f"fact {name} is {shape[0]} here but {seen[name][0]} in {seen[name][2]}"
                )
        if clashes:
            report.refused[package_file.path.name] = clashes
            continue
        for name, spec in package.facts.items():
            seen.setdefault(name, (spec.type, tuple(sorted(spec.values)), package.id))
        kept.append(package_file)
    return kept


def policies_load(*, directory: Path | None = None, actor: Any = None) -> LoadReport:
    """Validate every package, run its test cases, and store a new version only on change.

    Idempotent: a package whose canonical content checksum equals its current version is left
    alone. Refused packages are listed in the report and PolicyLoadError is raised after the
    good ones are loaded, so one broken file never blocks the others.
    """
    directory = directory or POLICIES_DIR
    report = LoadReport()
    for package_file in _read_all(directory, report):
        report.cases += len(package_file.cases)
        _load_one(package_file, actor, report)
    if report.refused:
        raise PolicyLoadError(report.refused, report)
    return report


@transaction.atomic
def _load_one(package_file: PackageFile, actor: Any, report: LoadReport) -> None:
    package = package_file.package
    content = package.content
    digest = checksum(content)
    program, _ = PolicyProgram.objects.select_for_update().get_or_create(
        pk=package.id,
        defaults={
            "kind": package.kind,
            "title": package.title,
            "document": package.document,
            "source": package.clause,
        },
    )
    current = program.current_version
    if current is not None and digest in (current.checksum, current.base_checksum):
        # Unchanged, or unchanged since an approved parameter change was derived from it.
        report.unchanged.append(f"{package.id} v{current.version}")
        return
    last = program.versions.order_by("-version").first()
    number = last.version + 1 if last is not None else 1
    version = PolicyPackageVersion.objects.create(
        program=program,
        version=number,
        content=content,
        source_text=package_file.text,
        checksum=digest,
        effective_from=package.effective_from,
        effective_to=package.effective_to,
        source_path=str(package_file.path.name),
        case_count=len(package_file.cases),
        loaded_by=actor if getattr(actor, "pk", None) else None,
    )
    before = {"version": current.version, "checksum": current.checksum} if current else None
    program.kind = package.kind
    program.title = package.title
    program.document = package.document
    program.source = package.clause
    program.current_version = version
    program.save()
    audit_record(
        actor=actor,
        action="policy.package_load",
        obj=program,
        before=before,
        after={"version": number, "checksum": digest, "cases": len(package_file.cases)},
        username="" if getattr(actor, "pk", None) else "system",
    )
    report.created.append(f"{package.id} v{number}")


@transaction.atomic
def evaluation_record(
    *,
    program_id: str,
    as_of: date,
    facts: Mapping[str, Any],
    enterprise: Any = None,
    actor: Any = None,
) -> Evaluation:
    """Evaluate one program on `as_of` and keep the version, the input facts and the trace."""
    program = program_get(program_id=program_id)
    version = program.current_version
    assert version is not None
    package = package_for(version)
    facts_validate(facts, fact_specs(packages_current()))
    result = evaluate_checked(package, facts, as_of)
    # Keep the inputs this package reads (an enterprise's full fact sheet may be passed).
    inputs = {name: facts[name] for name in package.facts if name in facts}
    evaluation = Evaluation.objects.create(
        enterprise=enterprise,
        program=program,
        package_version=version,
        version=version.version,
        as_of=as_of,
        facts=to_jsonable(inputs),
        result=result.as_dict(),
        eligible=result.eligible,
        amount_yuan=result.amount_yuan,
        actor=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action="policy.evaluation_record",
        obj=evaluation,
        after={
            "program": program.id,
            "version": version.version,
            "enterprise": getattr(enterprise, "pk", None),
            "eligible": result.eligible,
            "amount_yuan": result.amount_yuan,
        },
    )
    return evaluation


def calculator_record(*, enterprise: Any, as_of: date, actor: Any = None) -> list[Evaluation]:
    """Store the calculator's registry-based result for each program in force (traceable).

    An identical evaluation (same version, date and input facts) already stored is not stored
    again, so reloading the calculator does not fill the table.
    """
    from .facts_from_registry import enterprise_facts

    sheet = enterprise_facts(enterprise, as_of=as_of)
    stored: list[Evaluation] = []
    for program_id, package in packages_for_enterprises().items():
        if not package.in_force(as_of):
            continue
        inputs = to_jsonable({n: sheet.values[n] for n in package.facts if n in sheet.values})
        same = Evaluation.objects.filter(
            enterprise=enterprise, program_id=program_id, version=package.version or 0, as_of=as_of
        ).first()
        if same is not None and same.facts == inputs:
            stored.append(same)
            continue
        stored.append(
            evaluation_record(
                program_id=program_id,
                as_of=as_of,
                facts=sheet.values,
                enterprise=enterprise,
                actor=actor,
            )
        )
    return stored


@transaction.atomic
def facts_declare(
    *, enterprise: Any, facts: Mapping[str, Any], source: str, actor: Any = None
) -> list[Any]:
    """Keep facts an enterprise declared (e.g. in a subsidy application), typed and sourced."""
    from .models import DeclaredFact

    facts = {k: v for k, v in facts.items() if v is not None and v != ""}
    facts_validate(facts, fact_specs(packages_current()))
    rows = DeclaredFact.objects.bulk_create(
        DeclaredFact(
            enterprise=enterprise,
            name=name,
            value=to_jsonable(value),
            source=source[:200],
            declared_by=actor if getattr(actor, "pk", None) else None,
        )
        for name, value in facts.items()
    )
    if rows:
        audit_record(
            actor=actor,
            action="policy.facts_declare",
            obj=enterprise,
            after={"facts": to_jsonable(facts), "source": source},
        )
    return rows
