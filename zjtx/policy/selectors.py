"""Reads: programs, their current compiled packages, and evaluating facts against them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from zjtx.core.errors import DomainError, NotFound
from zjtx.core.money import MAX_YUAN

from .engine import (
    ExpressionError,
    FactError,
    FactSpec,
    Package,
    Result,
    evaluate,
    package_from_dict,
    package_from_text,
)
from .engine.facts import coerce_fact
from .errors import (
    PolicyErrorCode,
    PolicyEvaluationError,
    evaluation_failed,
    fact_error_message,
    invalid_facts,
)
from .models import Evaluation, PolicyPackageVersion, PolicyProgram

# Versions are immutable rows, so a compiled package can be cached by primary key and
# checksum (the checksum too, because a rolled-back row's id may be reused, e.g. on SQLite).
_COMPILED: dict[tuple[int, str], Package] = {}


def package_for(version: PolicyPackageVersion) -> Package:
    """The compiled engine package of a stored version (cached; rows never change)."""
    key = (version.pk, version.checksum)
    package = _COMPILED.get(key)
    if package is None:
        if version.source_text:
            package = package_from_text(version.source_text, version=version.version)
        else:
            package = package_from_dict(version.content, version=version.version)
        _COMPILED[key] = package
    return package


def program_list() -> list[PolicyProgram]:
    return list(PolicyProgram.objects.select_related("current_version").order_by("id"))


def program_get(*, program_id: str) -> PolicyProgram:
    program = PolicyProgram.objects.select_related("current_version").filter(pk=program_id).first()
    if program is None or program.current_version is None:
        raise NotFound("not_found", _("No such policy program."), {"id": program_id})
    return program


def packages_current() -> dict[str, Package]:
    """Every program's current package, by program id."""
    return {
        program.id: package_for(program.current_version)
        for program in program_list()
        if program.current_version is not None
    }


# Banks' product eligibility rules (policies/financing, ids "financing.*") share the engine and
# its governance, but they are no award or criteria an enterprise is measured against: the
# calculator and the 免申即享 scan leave them out.
BANK_PRODUCT_PREFIX = "financing."


def packages_for_enterprises() -> dict[str, Package]:
    """The current packages an enterprise is measured against: all but bank products' rules."""
    return {
        pid: package
        for pid, package in packages_current().items()
        if not pid.startswith(BANK_PRODUCT_PREFIX)
    }


def fact_specs(packages: Mapping[str, Package]) -> dict[str, FactSpec]:
    """Every fact any package declares (the loader guarantees one type per name)."""
    specs: dict[str, FactSpec] = {}
    for package in packages.values():
        for name, spec in package.facts.items():
            specs.setdefault(name, spec)
    return specs


def facts_validate(facts: Mapping[str, Any], specs: Mapping[str, FactSpec]) -> None:
    """Raise a DomainError naming every unknown or badly typed fact (`facts.<name>`)."""
    errors: dict[str, str] = {}
    for name, raw in facts.items():
        spec = specs.get(name)
        if spec is None:
            errors[f"facts.{name}"] = _("No program uses this fact.")
            continue
        if raw is None:
            continue
        try:
            coerce_fact(spec, raw)
        except FactError as exc:
            errors[f"facts.{name}"] = fact_error_message(exc, sorted(spec.values))
    if errors:
        raise invalid_facts(errors)


def programs_evaluate(
    *, as_of: date, facts: Mapping[str, Any], program_ids: Sequence[str] | None = None
) -> list[Result]:
    """Evaluate the named programs (default: every program in force on `as_of`); no writes."""
    packages = packages_current()
    if program_ids is None:
        selected = [p for p in packages.values() if p.kind != "parameters" and p.in_force(as_of)]
    else:
        unknown = [pid for pid in program_ids if pid not in packages]
        if unknown:
            raise DomainError(
                PolicyErrorCode.UNKNOWN_PROGRAM,
                _("Unknown policy program."),
                {"programs": _("Unknown: %(ids)s") % {"ids": ", ".join(unknown)}},
            )
        selected = [packages[pid] for pid in dict.fromkeys(program_ids)]
    facts_validate(facts, fact_specs(packages))
    return [evaluate_checked(package, facts, as_of) for package in selected]


def evaluate_checked(
    package: Package, facts: Mapping[str, Any], as_of: date, *, explain: bool = True
) -> Result:
    """`evaluate`, with a rule that cannot be computed (overflow, division by zero, a table
    without the key) and an amount no money column stores reported as a PolicyEvaluationError."""
    try:
        result = evaluate(package, facts, as_of, explain=explain)
    except ExpressionError as exc:
        raise evaluation_failed(exc, package.id) from exc
    if result.amount_yuan is not None and abs(result.amount_yuan) > MAX_YUAN:
        raise PolicyEvaluationError(
            PolicyErrorCode.AMOUNT_OUT_OF_RANGE,
            _("The computed amount of %(program)s is out of range; check the figures.")
            % {"program": package.id},
            {"programs": package.id},
        )
    return result


def evaluation_list_for_enterprise(*, enterprise_id: int) -> list[Evaluation]:
    return list(
        Evaluation.objects.filter(enterprise_id=enterprise_id)
        .select_related("program")
        .order_by("-created_at", "-id")
    )
