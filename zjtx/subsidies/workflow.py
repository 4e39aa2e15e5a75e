"""Subsidy application workflow as data, run by the one engine (zjtx/core/workflow.py).

enterprise: draft/returned -> submitted (unit check, 5 working days) -> forwarded (city) ->
approved | rejected; unit and city officers may return it for correction, with a reason.
Submission re-evaluates the rules and declares the facts; approval records the ledger entry
within the program's budget for the year, once only for a once-only award.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from zjtx.accounts.models import Role
from zjtx.core.money import format_wan
from zjtx.core.workflow import Clock, GuardFailure, Step, Transition, Workflow

from .errors import SubsidyConflict, SubsidyErrorCode
from .models import Application, ApplicationEvent, Budget, Payout

if TYPE_CHECKING:
    from zjtx.accounts.models import User


Status = Application.Status

# ------------------------------------------------------------------ guards


def has_evidence(step: Step) -> GuardFailure | None:
    """At least one evidence file is attached before submission."""
    if not step.obj.evidence.exists():
        return GuardFailure("evidence_required", _("Attach at least one evidence file."))
    return None


def eligible_by_the_rules(step: Step) -> GuardFailure | None:
    """Re-evaluate on the registry's figures now; only an eligible application goes to the unit.

    The evaluation is recorded (and rolled back with the refusal).
    """
    from .services import application_evaluate

    application = step.obj
    application_evaluate(application, step.actor)
    if application.computed_eligible is True:
        return None
    from .selectors import submission_problems

    problems = [p for p in submission_problems(application=application) if p.kind != "evidence"]
    return GuardFailure(
        "not_eligible",
        _("The application cannot be submitted yet: %(problems)s")
        % {"problems": "；".join(p.text for p in problems) or "—"},
        {f"facts.{p.name}": p.text for p in problems if p.name},
    )


def still_eligible(step: Step) -> GuardFailure | None:
    """The city approves only what the rules found eligible, with an amount."""
    if step.obj.computed_eligible is not True or step.obj.computed_amount_yuan is None:
        return GuardFailure("not_eligible", _("By the rules the enterprise is not eligible."))
    return None


def _amount(step: Step) -> Decimal | None:
    raw = step.data.get("amount_yuan")
    if raw in (None, ""):
        computed: Decimal | None = step.obj.computed_amount_yuan
        return computed
    try:
        return Decimal(str(raw))
    except InvalidOperation:
        return None


def valid_amount(step: Step) -> GuardFailure | None:
    """A positive amount in yuan with at most 2 decimals."""
    amount = _amount(step)
    if amount is None or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        return GuardFailure(
            "invalid_amount",
            _("Enter a positive amount with at most 2 decimals."),
            {"amount_yuan": _("Invalid amount.")},
        )
    return None


def override_has_reason(step: Step) -> GuardFailure | None:
    """An amount different from the one the rules computed needs a reason."""
    computed = step.obj.computed_amount_yuan
    if _amount(step) != computed and not str(step.data.get("override_reason", "")).strip():
        return GuardFailure(
            "override_reason_required",
            _("An amount different from the computed %(amount)s 10k yuan needs a reason.")
            % {"amount": format_wan(computed)},
            {"override_reason": _("Required.")},
        )
    return None


def _budget(step: Step) -> Budget | None:
    return (
        Budget.objects.select_for_update()
        .filter(program_id=step.obj.program_id, year=step.today.year)
        .first()
    )


def _package(step: Step) -> Any:
    from zjtx.policy.selectors import package_for, program_get

    return package_for(version=program_get(program_id=step.obj.program_id).current_version)  # type: ignore[arg-type]


def budget_set_for_the_year(step: Step) -> GuardFailure | None:
    """The program has a budget for the year of approval."""
    if _budget(step) is None:
        return GuardFailure(
            "no_budget",
            _("No budget is set for %(program)s in %(year)s.")
            % {"program": _package(step).title, "year": step.today.year},
        )
    return None


def not_yet_awarded(step: Step) -> GuardFailure | None:
    """A once-only award is paid at most once per enterprise and program."""
    application = step.obj
    if (
        _package(step).once_only
        and Payout.objects.filter(
            enterprise_id=application.enterprise_id, program_id=application.program_id
        ).exists()
    ):
        return GuardFailure(
            "already_awarded", _("This once-only award was already approved for the enterprise.")
        )
    return None


def within_budget(step: Step) -> GuardFailure | None:
    """The amount fits in what remains of the program's budget for the year."""
    from .selectors import budget_remaining

    budget, amount = _budget(step), _amount(step)
    assert budget is not None and amount is not None  # earlier guards
    remaining = budget_remaining(budget=budget)
    if amount <= remaining:
        return None
    return GuardFailure(
        "budget_exceeded",
        _(
            "Approving %(amount)s 10k yuan would exceed the %(year)s budget of %(program)s: "
            "%(remaining)s 10k yuan remain."
        )
        % {
            "amount": format_wan(amount),
            "year": step.today.year,
            "program": _package(step).title,
            "remaining": format_wan(remaining),
        },
    )


# ------------------------------------------------------------------ effects


def keep_reason(step: Step) -> None:
    """The last reason shows on the application (cleared by a step without one)."""
    step.obj.last_reason = step.reason


def declare_facts(step: Step) -> None:
    """Submission stamps the time and declares the facts to the registry."""
    from django.utils import timezone

    from zjtx.policy import services as policy_services

    application = step.obj
    application.submitted_at = timezone.now()
    policy_services.facts_declare(
        enterprise=application.enterprise,
        facts=application.facts,
        source=_g("subsidy application #%(id)s") % {"id": application.pk},
        actor=step.actor,
    )


def stamp_decision(step: Step) -> None:
    step.obj.decided_at = step.now


def record_payout(step: Step) -> None:
    """The approved amount goes into the ledger, charged to the year's budget."""
    application, amount = step.obj, _amount(step)
    assert amount is not None
    computed = application.computed_amount_yuan
    budget = _budget(step)
    assert budget is not None  # guarded by budget_set_for_the_year
    try:
        with transaction.atomic():
            payout = Payout.objects.create(
                application=application,
                enterprise_id=application.enterprise_id,
                program_id=application.program_id,
                budget=budget,
                year=step.today.year,
                amount_yuan=amount,
                once_only=_package(step).once_only,
                recorded_by=step.actor,
            )
    except IntegrityError as exc:
        # A concurrent approval won the race; the partial unique constraint refused this one.
        raise SubsidyConflict(
            SubsidyErrorCode.ALREADY_AWARDED,
            _("This once-only award was already approved for the enterprise."),
        ) from exc
    application.approved_amount_yuan = amount
    application.override_reason = (
        str(step.data.get("override_reason", "")).strip() if amount != computed else ""
    )
    # The override reason is this step's reason in the application's history.
    application.last_reason = application.override_reason
    step.details.update(
        {"computed_amount_yuan": computed, "budget": payout.budget_id, "payout": payout.pk}
    )


def record_event(step: Step) -> None:
    """The application's own history, shown on its page and in the API."""
    ApplicationEvent.objects.create(
        application=step.obj,
        action=step.action,
        from_status=step.source,
        to_status=step.transition.target,
        reason=step.obj.last_reason,
        actor=step.actor if getattr(step.actor, "pk", None) else None,
    )


# ------------------------------------------------------------------ scope, notify, clocks


def in_scope(actor: User, application: Application) -> bool:
    from .selectors import application_list_for

    return application_list_for(user=actor).filter(pk=application.pk).exists()


def next_actors(application: Application) -> list[Any]:
    """Who acts next: the unit for a submitted one, the city for a forwarded one, else the firm."""
    from zjtx.accounts.models import User

    users = User.objects.filter(is_active=True)
    role = SUBSIDY_APPLICATION.waiting_for.get(application.status, Role.ENTERPRISE)
    if role == Role.UNIT_OFFICER:
        users = users.filter(role=role, unit_id=application.enterprise.unit_id)
    elif role == Role.CITY_OFFICER:
        users = users.filter(role=role)
    else:
        users = users.filter(role=Role.ENTERPRISE, enterprise_id=application.enterprise_id)
    return list(users)


# action → (kind of notice, what the next actor reads), always in Chinese.
NOTICE_TEXT: dict[str, tuple[str, Any]] = {
    "submit": (
        "subsidy_submitted",
        _("%(enterprise)s has applied for %(program)s; it awaits the unit's first check."),
    ),
    "forward": (
        "subsidy_submitted",
        _(
            "The %(program)s application of %(enterprise)s passed the unit's check; it awaits the city's review."
        ),
    ),
    "unit_return": (
        "returned",
        _("The %(program)s application of %(enterprise)s was returned for correction by the unit."),
    ),
    "city_return": (
        "returned",
        _("The %(program)s application of %(enterprise)s was returned for correction by the city."),
    ),
    "reject": ("rejected", _("The %(program)s application of %(enterprise)s was not approved.")),
    "approve": (
        "subsidy_approved",
        _("The %(program)s application of %(enterprise)s is approved: %(amount)s yuan."),
    ),
}


def notify_next(step: Step) -> None:
    """The next actor (unit, city or the enterprise) is told in Chinese what waits for them."""
    from zjtx.core.notifications import notify

    application = step.obj
    kind, text = NOTICE_TEXT.get(
        step.action, ("general", _("The %(program)s application of %(enterprise)s was updated."))
    )
    notify(
        recipients=next_actors(application),
        title=text,
        params={
            "enterprise": application.enterprise.name,
            "program": application.program.title,
            "amount": application.approved_amount_yuan or "",
        },
        body=step.reason,
        url=reverse("subsidies:detail", args=[application.pk]),
        kind=kind,
    )


def clock_scope(application: Application) -> dict[str, Any]:
    return {"unit_id": application.enterprise.unit_id, "enterprise_id": application.enterprise_id}


FIRST_CHECK_DAYS = 5

SUBSIDY_APPLICATION = Workflow(
    name="subsidies.application",
    model=Application,
    states=dict(Status.choices),
    transitions={
        "submit": Transition(
            frozenset({Status.DRAFT, Status.RETURNED}),
            Status.SUBMITTED,
            frozenset({Role.ENTERPRISE}),
            _("Submit"),
            guards=(has_evidence, eligible_by_the_rules),
            effects=(keep_reason, declare_facts, record_event),
        ),
        # The enterprise takes a submission back before the unit has acted on it.
        "withdraw": Transition(
            frozenset({Status.SUBMITTED}),
            Status.DRAFT,
            frozenset({Role.ENTERPRISE}),
            _("Withdraw the submission"),
            effects=(keep_reason, record_event),
            style="outline-secondary",
        ),
        "unit_return": Transition(
            frozenset({Status.SUBMITTED}),
            Status.RETURNED,
            frozenset({Role.UNIT_OFFICER}),
            _("Return for correction"),
            needs_reason=True,
            effects=(keep_reason, record_event),
            style="outline-warning",
        ),
        "forward": Transition(
            frozenset({Status.SUBMITTED}),
            Status.FORWARDED,
            frozenset({Role.UNIT_OFFICER}),
            _("Checked: forward to the city"),
            effects=(keep_reason, record_event),
        ),
        "city_return": Transition(
            frozenset({Status.FORWARDED}),
            Status.RETURNED,
            frozenset({Role.CITY_OFFICER}),
            _("Return for correction"),
            needs_reason=True,
            effects=(keep_reason, record_event),
            style="outline-warning",
        ),
        "reject": Transition(
            frozenset({Status.FORWARDED}),
            Status.REJECTED,
            frozenset({Role.CITY_OFFICER}),
            _("Reject the application"),
            needs_reason=True,
            effects=(keep_reason, stamp_decision, record_event),
            style="outline-danger",
        ),
        # Offered by its own form (amount and override reason), not as a plain button.
        "approve": Transition(
            frozenset({Status.FORWARDED}),
            Status.APPROVED,
            frozenset({Role.CITY_OFFICER}),
            _("Approve"),
            guards=(
                still_eligible,
                valid_amount,
                override_has_reason,
                budget_set_for_the_year,
                not_yet_awarded,
                within_budget,
            ),
            effects=(record_payout, stamp_decision, record_event),
            style="success",
        ),
    },
    waiting_for={
        Status.DRAFT: Role.ENTERPRISE,
        Status.SUBMITTED: Role.UNIT_OFFICER,
        Status.RETURNED: Role.ENTERPRISE,
        Status.FORWARDED: Role.CITY_OFFICER,
    },
    clocks=(
        Clock(
            "unit_check",
            _("Unit first check"),
            FIRST_CHECK_DAYS,
            runs_in=frozenset({Status.SUBMITTED}),
            role=Role.UNIT_OFFICER,
            paused_in=frozenset({Status.RETURNED}),
        ),
    ),
    in_scope=in_scope,
    notify=notify_next,
    clock_scope=clock_scope,
    audited_fields=("last_reason", "approved_amount_yuan", "override_reason"),
)
