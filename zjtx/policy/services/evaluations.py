"""Stored evaluations (the calculator's record) and declared facts."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction

from zjtx.core.audit import audit_record, to_jsonable

from ..models import Evaluation
from ..selectors import (
    evaluate_checked,
    fact_specs,
    facts_validate,
    package_for,
    packages_current,
    packages_for_enterprises,
    program_get,
)

if TYPE_CHECKING:
    from zjtx.accounts.models import User


@transaction.atomic
def evaluation_record(
    *,
    program_id: str,
    as_of: date,
    facts: Mapping[str, Any],
    enterprise: Any = None,
    actor: User | None = None,
) -> Evaluation:
    """Evaluate one program on `as_of` and keep the version, the input facts and the trace."""
    program = program_get(program_id=program_id)
    version = program.current_version
    assert version is not None
    package = package_for(version=version)
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


def calculator_record(
    *, enterprise: Any, as_of: date, actor: User | None = None
) -> list[Evaluation]:
    """Store the calculator's registry-based result for each program in force (traceable).

    An identical evaluation (same version, date and input facts) already stored is not stored
    again, so reloading the calculator does not fill the table.
    """
    from ..facts_from_registry import enterprise_facts

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
    *, enterprise: Any, facts: Mapping[str, Any], source: str, actor: User | None = None
) -> list[Any]:
    """Keep facts an enterprise declared (e.g. in a subsidy application), typed and sourced."""
    from ..models import DeclaredFact

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
