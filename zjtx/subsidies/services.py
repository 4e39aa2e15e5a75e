"""Writes: applications (create, evidence, transitions, approval into the ledger) and budgets."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from zjtx.accounts.models import Role
from zjtx.core.audit import audit_record, to_jsonable
from zjtx.core.errors import ErrorCode, Forbidden, NotFound
from zjtx.core.files import sniff_document, store_upload
from zjtx.core.money import MoneyError, format_wan, parse_yuan
from zjtx.core.workflow import run
from zjtx.policy import services as policy_services
from zjtx.policy.facts_from_registry import enterprise_facts
from zjtx.policy.selectors import facts_validate, package_for, program_get

from .errors import SubsidyConflict, SubsidyError, SubsidyErrorCode
from .models import Application, ApplicationEvent, Budget, Evidence, Payout
from .selectors import budget_remaining
from .workflow import SUBSIDY_APPLICATION

if TYPE_CHECKING:
    from zjtx.accounts.models import User


MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
EDITABLE = frozenset({Application.Status.DRAFT, Application.Status.RETURNED})


def _award_package(program_id: str, as_of: date) -> Any:
    program = program_get(program_id=program_id)
    assert program.current_version is not None
    package = package_for(version=program.current_version)
    if package.kind != "award":
        raise SubsidyError(
            SubsidyErrorCode.NOT_AN_AWARD,
            _("Only award programs take applications."),
            {"program": program_id},
        )
    if not package.in_force(as_of):
        raise SubsidyError(
            SubsidyErrorCode.NOT_IN_FORCE,
            _("The program is not in force on %(date)s.") % {"date": as_of.isoformat()},
            {"program": program_id},
        )
    return package


def application_prefill(*, enterprise: Any, program_id: str, as_of: date) -> dict[str, Any]:
    """The facts a program reads, pre-filled from the registry and earlier declarations."""
    package = _award_package(program_id, as_of)
    sheet = enterprise_facts(enterprise, as_of=as_of, names=set(package.facts))
    return {
        "values": to_jsonable(sheet.values),
        "sources": dict(sheet.sources),
        "package": package,
    }


def application_evaluate(application: Application, actor: User) -> None:
    """Evaluate the program on the application's facts; registry figures take precedence."""
    package = _award_package(application.program_id, application.as_of)
    sheet = enterprise_facts(
        application.enterprise, as_of=application.as_of, names=set(package.facts), declared=False
    )
    merged = {**application.facts, **sheet.values}
    evaluation = policy_services.evaluation_record(
        program_id=application.program_id,
        as_of=application.as_of,
        facts=merged,
        enterprise=application.enterprise,
        actor=actor,
    )
    application.evaluation = evaluation
    application.computed_eligible = evaluation.eligible
    application.computed_amount_yuan = evaluation.amount_yuan


def _clean_facts(program_id: str, as_of: date, facts: Mapping[str, Any]) -> dict[str, Any]:
    package = _award_package(program_id, as_of)
    kept = {k: v for k, v in facts.items() if v is not None and v != ""}
    unknown = [k for k in kept if k not in package.facts]
    if unknown:
        raise SubsidyError(
            SubsidyErrorCode.INVALID_FACTS,
            _("Some facts are invalid."),
            {f"facts.{k}": _("This program does not use this fact.") for k in unknown},
        )
    facts_validate(kept, package.facts)
    return dict(to_jsonable(kept))


def _event(
    application: Application, action: str, before: str, actor: User, reason: str = ""
) -> None:
    ApplicationEvent.objects.create(
        application=application,
        action=action,
        from_status=before,
        to_status=application.status,
        reason=reason,
        actor=actor if getattr(actor, "pk", None) else None,
    )


def _require_owner(application: Application, actor: User) -> None:
    if (
        getattr(actor, "role", None) != Role.ENTERPRISE
        or actor.enterprise_id != application.enterprise_id
    ):
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))


@transaction.atomic
def application_create(
    *, enterprise: Any, program_id: str, facts: Mapping[str, Any], as_of: date, actor: User
) -> Application:
    """An enterprise applies for an award program in force on `as_of` (芜湖实施意见 三(二))."""
    if getattr(actor, "role", None) != Role.ENTERPRISE or actor.enterprise_id != enterprise.pk:
        raise Forbidden(ErrorCode.FORBIDDEN, _("Only the enterprise itself applies."))
    application = Application(
        enterprise=enterprise,
        program_id=program_id,
        as_of=as_of,
        facts=_clean_facts(program_id, as_of, facts),
        created_by=actor,
    )
    application_evaluate(application, actor)
    application.save()
    _event(application, "create", "", actor)
    audit_record(
        actor=actor,
        action="subsidies.application_create",
        obj=application,
        after={
            "program": program_id,
            "facts": application.facts,
            "computed_amount_yuan": application.computed_amount_yuan,
        },
    )
    return application


@transaction.atomic
def application_propose(
    *,
    enterprise: Any,
    program_id: str,
    facts: Mapping[str, Any],
    as_of: date,
    actor: User,
    source: str,
) -> Application:
    """The platform itself proposes an award it has established (e.g. the 市专精特新 award on
    certification, 芜湖实施意见 三(二)): the application goes straight to city approval."""
    if getattr(actor, "role", None) != Role.CITY_OFFICER:
        raise Forbidden(ErrorCode.FORBIDDEN, _("Only a city officer proposes awards."))
    application = Application(
        enterprise=enterprise,
        program_id=program_id,
        as_of=as_of,
        facts=_clean_facts(program_id, as_of, facts),
        created_by=actor,
        status=Application.Status.FORWARDED,
        last_reason=source,
    )
    application_evaluate(application, actor)
    application.save()
    _event(application, "propose", "", actor, reason=source)
    audit_record(
        actor=actor,
        action="subsidies.application_propose",
        obj=application,
        after={
            "program": program_id,
            "source": source,
            "computed_amount_yuan": application.computed_amount_yuan,
        },
    )
    return application


@transaction.atomic
def application_update(
    *, application: Application, facts: Mapping[str, Any], actor: User
) -> Application:
    """The enterprise corrects its declared facts while the application is a draft or returned."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    _require_owner(application, actor)
    if application.status not in EDITABLE:
        raise SubsidyConflict(
            SubsidyErrorCode.NOT_EDITABLE, _("The application can no longer be changed.")
        )
    before = application.facts
    application.facts = _clean_facts(application.program_id, application.as_of, facts)
    application_evaluate(application, actor)
    application.save()
    audit_record(
        actor=actor,
        action="subsidies.application_update",
        obj=application,
        before={"facts": before},
        after={
            "facts": application.facts,
            "computed_amount_yuan": application.computed_amount_yuan,
        },
    )
    return application


def _sniff(head: bytes) -> str | None:
    kind = sniff_document(head)
    return kind[0] if kind else None


@transaction.atomic
def evidence_add(*, application: Application, name: str, data: bytes, actor: User) -> Evidence:
    """Attach a PDF, PNG or JPEG (checked by its content, not its name) of at most 10 MB."""
    _require_owner(application, actor)
    if application.status not in EDITABLE:
        raise SubsidyConflict(
            SubsidyErrorCode.NOT_EDITABLE, _("The application can no longer be changed.")
        )
    if len(data) > MAX_EVIDENCE_BYTES:
        raise SubsidyError(
            SubsidyErrorCode.FILE_TOO_LARGE,
            _("The file is larger than %(mb)s MB.") % {"mb": MAX_EVIDENCE_BYTES // (1024 * 1024)},
            {"file": name},
        )
    content_type = _sniff(data[:16])
    if content_type is None or not data:
        raise SubsidyError(
            SubsidyErrorCode.FILE_TYPE_NOT_ALLOWED,
            _("Only PDF, PNG or JPEG files are accepted (checked by the file's content)."),
            {"file": name},
        )
    digest = hashlib.sha256(data).hexdigest()
    evidence = Evidence(
        application=application,
        original_name=name[:200],
        content_type=content_type,
        size=len(data),
        sha256=digest,
        uploaded_by=actor,
    )
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}[content_type]
    store_upload(evidence.file, data, extension)
    evidence.save()
    audit_record(
        actor=actor,
        action="subsidies.evidence_add",
        obj=application,
        after={"file": evidence.original_name, "sha256": digest, "size": len(data)},
    )
    return evidence


def application_transition(
    *, application: Application, action: str, actor: User, reason: str = ""
) -> Application:
    """Move an application along its workflow table (zjtx/subsidies/workflow.py)."""
    if action == "approve":
        application_approve(application=application, actor=actor)
        return Application.objects.get(pk=application.pk)
    return run(SUBSIDY_APPLICATION, application, action, actor=actor, reason=reason)  # type: ignore[no-any-return]


def application_approve(
    *,
    application: Application,
    actor: User,
    amount_yuan: Decimal | None = None,
    override_reason: str = "",
) -> Payout:
    """City approval: the amount the rules computed (a different amount needs a reason), within
    the program's budget for the year, once only for a once-only award; recorded in the ledger."""
    run(
        SUBSIDY_APPLICATION,
        application,
        "approve",
        actor=actor,
        data={"amount_yuan": amount_yuan, "override_reason": override_reason},
    )
    return Payout.objects.get(application_id=application.pk)


@transaction.atomic
def budget_set(
    *, program_id: str, year: int, amount_yuan: Decimal, actor: User, note: str = ""
) -> Budget:
    """The city sets a program's budget for a year; never below what is already paid out."""
    if getattr(actor, "role", None) != Role.CITY_OFFICER:
        raise Forbidden(ErrorCode.FORBIDDEN, _("Only a city officer sets budgets."))
    program = program_get(program_id=program_id)
    try:
        amount = parse_yuan(amount_yuan)
    except MoneyError as exc:
        raise SubsidyError(
            SubsidyErrorCode.INVALID_AMOUNT, exc.message, {"amount_yuan": exc.message}
        ) from exc
    budget = Budget.objects.select_for_update().filter(program=program, year=year).first()
    before = None
    if budget is None:
        budget = Budget(program=program, year=year, amount_yuan=amount)
    else:
        before = {"amount_yuan": budget.amount_yuan}
        spent = budget.amount_yuan - budget_remaining(budget=budget)
        if amount < spent:
            raise SubsidyError(
                SubsidyErrorCode.BUDGET_BELOW_SPENT,
                _("The budget cannot be below the %(spent)s 10k yuan already approved.")
                % {"spent": format_wan(spent)},
            )
    budget.amount_yuan = amount
    budget.note = note
    budget.updated_by = actor
    budget.save()
    audit_record(
        actor=actor,
        action="subsidies.budget_set",
        obj=budget,
        before=before,
        after={"program": program_id, "year": year, "amount_yuan": amount},
    )
    return budget


@transaction.atomic
def application_delete(*, application: Application, actor: User) -> None:
    """The enterprise deletes its own draft (a submitted one is withdrawn first); the audit
    trail keeps what it held."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    _require_owner(application, actor)
    if application.status != Application.Status.DRAFT:
        raise SubsidyConflict(
            SubsidyErrorCode.NOT_DELETABLE,
            _("Only a draft can be deleted; withdraw the submission first."),
        )
    files = [e.file for e in application.evidence.all()]
    audit_record(
        actor=actor,
        action="subsidies.application_delete",
        obj=application,
        before={
            "program": application.program_id,
            "facts": application.facts,
            "evidence": [e.original_name for e in application.evidence.all()],
        },
    )
    application.delete()
    # The files go once the rows are gone for good.
    transaction.on_commit(lambda: [f.delete(save=False) for f in files])
