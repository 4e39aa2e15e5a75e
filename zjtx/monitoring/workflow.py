"""Reporting period and early-warning workflows as data, run by the one engine
(zjtx/core/workflow.py).

open -> locked by the city (no upload may change the period afterwards); locked -> open again
only with a written reason, which drops the units' confirmations (留痕, DOMAIN.md §9). A unit's
confirmation of its data is a record of its own (UnitPeriodConfirmation), not a status.

An early warning's follow-up task is open until its unit officer (or the city) closes it with a
written note. A re-run of the rules that no longer finds the warning deletes the open row (it
was never a task anyone acted on); closed tasks are never touched by a re-run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zjtx.accounts.models import Role
from zjtx.core.workflow import GuardFailure, Step, Transition, Workflow

from .models import MonitoringWarning, ReportingPeriod, UnitPeriodConfirmation

if TYPE_CHECKING:
    from zjtx.accounts.models import User


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


# ------------------------------------------------------------------ early-warning follow-up

W = MonitoringWarning.Status
NOTE_MIN = 4
NOTE_MAX = 2000


def warning_in_scope(actor: User, warning: MonitoringWarning) -> bool:
    """The city sees every warning; a unit officer only its own unit's."""
    if actor is None:  # a scheduled re-run of the rules
        return True
    if actor.has_role(Role.CITY_OFFICER):
        return True
    return bool(actor.has_role(Role.UNIT_OFFICER) and actor.unit_id == warning.unit_id)


def note_written(step: Step) -> GuardFailure | None:
    """Closing says what was done, in at least a few characters."""
    if len(step.reason) < NOTE_MIN:
        return GuardFailure(
            "note_required",
            _("Write what was done about this warning (at least 4 characters)."),
            {"note": _("This field is required.")},
        )
    return None


def stamp_close(step: Step) -> None:
    step.obj.note = step.reason[:NOTE_MAX]
    step.obj.closed_by = step.actor
    step.obj.closed_at = step.now


WARNING = Workflow(
    name="monitoring.warning",
    model=MonitoringWarning,
    states=dict(W.choices),
    transitions={
        # The written note is checked by `note_written` (field "note", as the form names it).
        "close": Transition(
            frozenset({W.OPEN}),
            W.CLOSED,
            frozenset({Role.CITY_OFFICER, Role.UNIT_OFFICER}),
            _("Close the follow-up task"),
            guards=(note_written,),
            effects=(stamp_close,),
            style="outline-success",
        ),
        # A re-run of the rules (the city's, or the scheduler acting as the city) withdraws an
        # open warning that no longer fires and reopens a withdrawn one that fires again.
        "withdraw": Transition(
            frozenset({W.OPEN}),
            W.WITHDRAWN,
            frozenset({Role.CITY_OFFICER}),
            _("Withdraw: the rule no longer fires"),
            manual=False,
        ),
        "reopen": Transition(
            frozenset({W.WITHDRAWN}),
            W.OPEN,
            frozenset({Role.CITY_OFFICER}),
            _("Reopen: the rule fires again"),
            manual=False,
        ),
    },
    waiting_for={W.OPEN: Role.UNIT_OFFICER},
    in_scope=warning_in_scope,
    audited_fields=("note",),
)
