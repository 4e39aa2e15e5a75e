"""Evaluation: checked facts, programs evaluated against them and stored evaluations."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from zjtx.core.errors import DomainError
from zjtx.core.money import MAX_YUAN

from ..engine import (
    ExpressionError,
    FactError,
    FactSpec,
    Package,
    Result,
    evaluate,
)
from ..engine.facts import coerce_fact
from ..errors import (
    PolicyErrorCode,
    PolicyEvaluationError,
    evaluation_failed,
    fact_error_message,
    invalid_facts,
)
from ..models import Evaluation
from .packages import fact_specs, packages_current


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
