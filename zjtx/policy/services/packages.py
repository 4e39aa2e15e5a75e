"""Loading policy packages from policies/: read, self-test, check the facts agree, store a new version."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction

from zjtx.core.audit import audit_record

from ..engine import PackageError, PackageFile, checksum, read_package_file, run_cases
from ..errors import PolicyLoadError
from ..models import PolicyPackageVersion, PolicyProgram

if TYPE_CHECKING:
    from zjtx.accounts.models import User


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


def policies_load(*, directory: Path | None = None, actor: User | None = None) -> LoadReport:
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
def _load_one(package_file: PackageFile, actor: User | None, report: LoadReport) -> None:
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
