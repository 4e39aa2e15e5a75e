"""Parameter change workflow as data, run by the one engine (zjtx/core/workflow.py).

A city officer proposes (change_propose creates the row); a second, different city officer
approves, which stores a new package version, or rejects with a reason (maker-checker).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zjtx.accounts.models import Role
from zjtx.core.workflow import GuardFailure, Step, Transition, Workflow

from .models import ParameterChange

if TYPE_CHECKING:
    from zjtx.accounts.models import User


Status = ParameterChange.Status


def not_the_proposer(step: Step) -> GuardFailure | None:
    """Maker-checker: the officer who proposed a change cannot decide it."""
    if step.obj.proposed_by_id == getattr(step.actor, "pk", None):
        return GuardFailure(
            "same_officer", _("The officer who proposed a change cannot approve it.")
        )
    return None


def record_decision(step: Step) -> None:
    change = step.obj
    change.decided_by = step.actor
    change.decided_at = step.now
    change.decision_reason = step.reason


def publish_new_version(step: Step) -> None:
    """The value becomes part of the rules as a new package version, if the cases still pass."""
    from .governance import version_with_change

    version, base = version_with_change(step.obj, actor=step.actor)
    step.obj.new_version = version
    step.details.update(
        {
            "base_version": base.version,
            "version": version.version,
            "checksum": version.checksum,
            "cases": version.case_count,
        }
    )


def notify_proposer(step: Step) -> None:
    from zjtx.core.notifications import notify

    change = step.obj
    notify(
        recipients=[change.proposed_by],
        title=(
            _("Your parameter change to %(program)s is approved.")
            if step.action == "approve"
            else _("Your parameter change to %(program)s was rejected.")
        ),
        params={"program": change.program.title},
        body=step.reason,
        url=reverse("policy:change-detail", args=[change.pk]),
        kind="parameter_change",
    )


PARAMETER_CHANGE = Workflow(
    name="policy.parameter_change",
    model=ParameterChange,
    states=dict(Status.choices),
    transitions={
        "approve": Transition(
            frozenset({Status.PROPOSED}),
            Status.APPROVED,
            frozenset({Role.CITY_OFFICER}),
            _("Approve"),
            guards=(not_the_proposer,),
            effects=(record_decision, publish_new_version),
            style="success",
        ),
        "reject": Transition(
            frozenset({Status.PROPOSED}),
            Status.REJECTED,
            frozenset({Role.CITY_OFFICER}),
            _("Reject the change"),
            needs_reason=True,
            effects=(record_decision,),
            style="outline-danger",
        ),
    },
    waiting_for={Status.PROPOSED: Role.CITY_OFFICER},
    notify=notify_proposer,
    audited_fields=("decision_reason",),
)


def can_decide(change: ParameterChange, user: User) -> bool:
    """Whether `user` is offered the decision: a city officer other than the proposer."""
    from zjtx.core.workflow import actions_for

    offered = actions_for(PARAMETER_CHANGE, state=change.status, role=getattr(user, "role", ""))
    return bool(offered) and change.proposed_by_id != getattr(user, "pk", None)
