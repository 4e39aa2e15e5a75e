"""Governance of rule parameters: propose a new value from a date, prove it, approve it.

A city officer proposes; the package's test cases must still pass with the new value (else the
proposal is refused, naming the failing cases); a what-if over last year's enterprises shows
who gains, who loses and the budget effect; a second, different city officer approves
(maker-checker), which stores a new package version. Every step is audited.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from zjtx.accounts.models import Role
from zjtx.accounts.scoping import require_role
from zjtx.core.audit import audit_record
from zjtx.core.errors import DomainError
from zjtx.core.workflow import run
from zjtx.enterprises.models import Enterprise
from zjtx.policy.errors import PolicyErrorCode

from .engine import (
    FactError,
    Package,
    PackageError,
    PreparedFacts,
    checksum,
    load_yaml,
    package_from_dict,
    run_cases,
)
from .engine.facts import coerce_fact
from .engine.yamlio import Case, parse_cases
from .facts_from_registry import registry_facts
from .models import ParameterChange, PolicyPackageVersion, PolicyProgram
from .selectors import evaluate_checked, package_for, program_get
from .workflow import PARAMETER_CHANGE

WHATIF_LIST_LIMIT = 100

# A parameter set that sets no award (kind "parameters") is measured by the app that reads
# it, e.g. monitoring counts the early warnings the new thresholds would raise.
WhatIfProvider = Callable[[Package, Package, date], dict[str, Any]]
_WHATIF_PROVIDERS: dict[str, WhatIfProvider] = {}


def whatif_provider_register(program_id: str, provider: WhatIfProvider) -> None:
    """Let the app that consumes a program's parameters measure a proposed change."""
    _WHATIF_PROVIDERS[program_id] = provider


def _require_city(actor: Any) -> None:
    require_role(
        actor, Role.CITY_OFFICER, message=_("Only a city officer changes policy parameters.")
    )


def cases_for(version: PolicyPackageVersion) -> list[Case]:
    """The package's test cases: inline in its text plus policies/tests/<id>.yaml."""
    from .services import POLICIES_DIR

    raw: list[Any] = []
    if version.source_text:
        data = load_yaml(version.source_text)
        if isinstance(data, Mapping):
            raw += list(data.get("cases") or [])
    tests = Path(POLICIES_DIR) / "tests" / f"{version.program_id}.yaml"
    if tests.exists():
        raw += list(load_yaml(tests.read_text(encoding="utf-8"), cases=True) or [])
    return parse_cases(raw, version.program_id)


def parse_value(param_type: str, text: str) -> Any:
    """The JSON form of a typed parameter value typed by an officer (amounts in 元)."""
    text = (text or "").strip()
    bad = DomainError(
        PolicyErrorCode.INVALID_VALUE,
        _("The value does not fit the parameter."),
        {"value": _("Invalid value.")},
    )
    if not text:
        raise bad
    if param_type in ("decimal_yuan", "rate", "percent", "decimal", "int"):
        try:
            number = Decimal(text.replace(",", ""))
        except InvalidOperation as exc:
            raise bad from exc
        if not number.is_finite() or number < 0:
            raise bad
        if param_type == "int" and number != number.to_integral_value():
            raise bad
        if param_type == "decimal_yuan" and number != number.quantize(Decimal("0.01")):
            raise bad
        return str(number)
    if param_type == "bool":
        if text.lower() not in ("true", "false"):
            raise bad
        return text.lower() == "true"
    if param_type == "table":
        try:
            value = json.loads(text)
        except ValueError as exc:
            raise bad from exc
        if not isinstance(value, dict):
            raise bad
        return value
    return text


def _with_value(
    content: Mapping[str, Any], parameter: str, value: Any, start: date, source: str
) -> dict[str, Any]:
    new = copy.deepcopy(dict(content))
    values = [
        v for v in new["parameters"][parameter]["values"] if str(v["from"]) != start.isoformat()
    ]
    values.append({"from": start.isoformat(), "value": value, "source": source})
    values.sort(key=lambda v: str(v["from"]))
    new["parameters"][parameter]["values"] = values
    return new


def _candidate(
    version: PolicyPackageVersion, parameter: str, value: Any, start: date, source: str
) -> tuple[dict[str, Any], Package]:
    current = package_for(version=version)
    if parameter not in current.parameters:
        raise DomainError(
            PolicyErrorCode.UNKNOWN_PARAMETER,
            _("The program has no such parameter."),
            {"parameter": parameter},
        )
    content = _with_value(current.content, parameter, value, start, source)
    try:
        return content, package_from_dict(content, version=(version.version or 0) + 1)
    except PackageError as exc:
        raise DomainError(
            PolicyErrorCode.INVALID_VALUE,
            _("The value does not fit the parameter."),
            {"value": "; ".join(f"{p}: {m}" for p, m in exc.problems)},
        ) from exc


def _check_cases(version: PolicyPackageVersion, package: Package) -> int:
    cases = cases_for(version)
    failures = run_cases(package, cases)
    if failures:
        raise DomainError(
            PolicyErrorCode.CASES_FAILED,
            _("The package's test cases fail with the new value; the change is refused."),
            {f"case.{f.case}": "; ".join(f.problems) for f in failures},
        )
    return len(cases)


def whatif_run(*, old: Package, new: Package, as_of: date) -> dict[str, Any]:
    """Every enterprise on last year's figures (`as_of`), old rules against new: who gains or
    loses what, and the budget effect. Decisions use the engine's fast path."""
    specs = dict(old.facts)
    sheets = registry_facts(
        Enterprise.objects.filter(status=Enterprise.Status.VERIFIED), as_of=as_of, names=set(specs)
    )
    names = {p: (n, c) for p, n, c in Enterprise.objects.values_list("pk", "name", "credit_code")}
    cache: dict[tuple[Any, ...], tuple[Any, Any]] = {}
    order = tuple(specs)
    old_total = new_total = Decimal(0)
    gains: list[dict[str, Any]] = []
    losses: list[dict[str, Any]] = []
    for pk, sheet in sheets.items():
        try:
            prepared = PreparedFacts((n, coerce_fact(specs[n], v)) for n, v in sheet.values.items())
        except FactError:
            continue
        key = tuple(prepared.get(n) for n in order)
        pair = cache.get(key)
        if pair is None:
            pair = cache[key] = (
                evaluate_checked(old, prepared, as_of, explain=False),
                evaluate_checked(new, prepared, as_of, explain=False),
            )
        before, after = pair
        a = before.amount_yuan if before.eligible and before.amount_yuan is not None else Decimal(0)
        b = after.amount_yuan if after.eligible and after.amount_yuan is not None else Decimal(0)
        old_total += a
        new_total += b
        if before.eligible == after.eligible and a == b:
            continue
        row = {
            "id": pk,
            "name": names[pk][0],
            "credit_code": names[pk][1],
            "old_eligible": before.eligible,
            "new_eligible": after.eligible,
            "old_yuan": str(a),
            "new_yuan": str(b),
        }
        gained = b > a or (b == a and after.eligible is True and before.eligible is not True)
        (gains if gained else losses).append(row)
    gains.sort(key=lambda r: Decimal(r["old_yuan"]) - Decimal(r["new_yuan"]))
    losses.sort(key=lambda r: Decimal(r["new_yuan"]) - Decimal(r["old_yuan"]))
    return {
        "as_of": as_of.isoformat(),
        "enterprises": len(sheets),
        "gainers": len(gains),
        "losers": len(losses),
        "old_total_yuan": str(old_total),
        "new_total_yuan": str(new_total),
        "budget_effect_yuan": str(new_total - old_total),
        "gains": gains[:WHATIF_LIST_LIMIT],
        "losses": losses[:WHATIF_LIST_LIMIT],
    }


def change_propose(
    *,
    program_id: str,
    parameter: str,
    value: Any,
    effective_from: date,
    reason: str,
    actor: Any,
    whatif_as_of: date | None = None,
) -> ParameterChange:
    """Propose a new parameter value from a date; refused unless every test case still passes."""
    _require_city(actor)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            PolicyErrorCode.REASON_REQUIRED,
            _("Give the reason and source of the change."),
            {"reason": _("Required.")},
        )
    program = program_get(program_id=program_id)
    version = program.current_version
    assert version is not None
    _content, candidate = _candidate(version, parameter, value, effective_from, reason)
    case_count = _check_cases(version, candidate)
    # What-if on last year's figures with the new value treated as already in force.
    as_of = whatif_as_of or timezone.localdate()
    _c, as_if_now = _candidate(version, parameter, value, min(as_of, effective_from), reason)
    provider = _WHATIF_PROVIDERS.get(program_id)
    if provider is not None:
        whatif = provider(package_for(version=version), as_if_now, as_of)
    else:
        whatif = whatif_run(old=package_for(version=version), new=as_if_now, as_of=as_of)
    with transaction.atomic():
        change = ParameterChange.objects.create(
            program=program,
            base_version=version,
            parameter=parameter,
            value=value,
            effective_from=effective_from,
            reason=reason,
            case_count=case_count,
            whatif=whatif,
            proposed_by=actor,
        )
        audit_record(
            actor=actor,
            action="policy.parameter_propose",
            obj=change,
            after={
                "program": program_id,
                "parameter": parameter,
                "value": value,
                "effective_from": effective_from,
                "cases": case_count,
                "budget_effect_yuan": whatif.get("budget_effect_yuan"),
                "gainers": whatif.get("gainers"),
                "losers": whatif.get("losers"),
                "whatif_kind": whatif.get("kind", "awards"),
            },
        )
    return change


def version_with_change(
    change: ParameterChange, *, actor: Any
) -> tuple[PolicyPackageVersion, PolicyPackageVersion]:
    """Store the program's next package version carrying the change, refused unless every test
    case still passes on the current rules (they may have moved since the proposal)."""
    program = PolicyProgram.objects.select_for_update().get(pk=change.program_id)
    current = program.current_version
    assert current is not None
    content, candidate = _candidate(
        current, change.parameter, change.value, change.effective_from, change.reason
    )
    case_count = _check_cases(current, candidate)
    number = (
        program.versions.order_by("-version").values_list("version", flat=True).first() or 0
    ) + 1
    version = PolicyPackageVersion.objects.create(
        program=program,
        version=number,
        content=content,
        source_text=yaml.safe_dump(content, allow_unicode=True, sort_keys=False),
        checksum=checksum(content),
        effective_from=current.effective_from,
        effective_to=current.effective_to,
        source_path=current.source_path,
        case_count=case_count,
        loaded_by=actor,
        origin="governance",
        base_checksum=current.base_checksum or current.checksum,
    )
    program.current_version = version
    program.save(update_fields=["current_version", "updated_at"])
    return version, current


def change_approve(*, change: ParameterChange, actor: Any) -> PolicyPackageVersion:
    """A second, different city officer approves: a new package version takes the value."""
    decided = run(PARAMETER_CHANGE, change, "approve", actor=actor)
    assert decided.new_version is not None
    return decided.new_version  # type: ignore[no-any-return]


def change_reject(*, change: ParameterChange, actor: Any, reason: str) -> ParameterChange:
    """The checker refuses a proposal, with a reason."""
    return run(PARAMETER_CHANGE, change, "reject", actor=actor, reason=reason)  # type: ignore[no-any-return]


def change_list_for(*, user: Any) -> Any:
    if getattr(user, "role", None) != Role.CITY_OFFICER:
        return ParameterChange.objects.none()
    return ParameterChange.objects.select_related("program", "proposed_by", "decided_by")


def change_get(*, user: Any, pk: int) -> ParameterChange:
    found = change_list_for(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found
