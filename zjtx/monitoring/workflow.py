"""Reporting period workflow as data, run by the one engine (zjtx/core/workflow.py).

open -> locked by the city (no upload may change the period afterwards); locked -> open again
only with a written reason, which drops the units' confirmations (留痕, DOMAIN.md §9). A unit's
confirmation of its data is a record of its own (UnitPeriodConfirmation), not a status.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zjtx.accounts.models import Role
from zjtx.core.workflow import GuardFailure, Step, Transition, Workflow

from .models import ReportingPeriod, UnitPeriodConfirmation

Status = ReportingPeriod.Status
UNLOCK_REASON_MIN = 4


def reason_long_enough(step: Step) -> GuardFailure | None:
    """An unlock is explained in at least a few characters, not a token."""
    if len(step.reason) < UNLOCK_REASON_MIN:
        return GuardFailure(
            "reason_required",
            _("Give the reason for unlocking (at least 4 characters)."),
            {"reason": _("This field is required.")},
        )
    return None


def stamp_lock(step: Step) -> None:
    step.obj.locked_at = step.now
    step.obj.locked_by = step.actor


def clear_lock(step: Step) -> None:
    """Reopened: the lock stamp goes and each unit confirms its data again."""
    period = step.obj
    period.locked_at = None
    period.locked_by = None
    dropped, _detail = UnitPeriodConfirmation.objects.filter(period=period).delete()
    step.details["confirmations_dropped"] = dropped


def notify_units(step: Step) -> None:
    """A reopened period waits for the units again: tell every unit officer why."""
    from zjtx.accounts.models import User
    from zjtx.core.notifications import notify

    if step.action != "unlock":
        return
    period = step.obj
    notify(
        recipients=User.objects.filter(role=Role.UNIT_OFFICER, is_active=True),
        title=_("The monitoring period %(period)s is reopened: confirm your unit's data again."),
        params={"period": period.label},
        body=step.reason,
        url=reverse("monitoring:periods"),
        kind="period_unlocked",
    )


REPORTING_PERIOD = Workflow(
    name="monitoring.period",
    model=ReportingPeriod,
    states=dict(Status.choices),
    transitions={
        "lock": Transition(
            frozenset({Status.OPEN}),
            Status.LOCKED,
            frozenset({Role.CITY_OFFICER}),
            _("Lock"),
            effects=(stamp_lock,),
            style="outline-dark",
        ),
        "unlock": Transition(
            frozenset({Status.LOCKED}),
            Status.OPEN,
            frozenset({Role.CITY_OFFICER}),
            _("Unlock"),
            needs_reason=True,
            guards=(reason_long_enough,),
            effects=(clear_lock,),
            style="outline-danger",
        ),
    },
    waiting_for={Status.OPEN: Role.UNIT_OFFICER, Status.LOCKED: Role.CITY_OFFICER},
    notify=notify_units,
)
