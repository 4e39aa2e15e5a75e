"""The one workflow engine: a workflow is data, executed by `run`.

A `Workflow` names its states, its transitions (sources, target, roles, a reason list, guards
and effects), who acts next in each state and the working-day clocks it keeps. `run` locks the
row, checks role, state, reason and guards, applies the effects, moves the status, keeps the
clocks, writes one audit event with before/after and schedules the workflow's notification for
after the commit. Nothing else in the project changes a status field.

`check` and `actions_for` are pure (no database): the table-driven tests and the pages that show
only the actions possible now use them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .errors import DomainError, ErrorCode, NotFound

if TYPE_CHECKING:
    from zjtx.accounts.models import User


StrOrPromise = str | Promise


class WorkflowErrorCode(StrEnum):
    UNKNOWN_ACTION = "unknown_action"
    ROLE_NOT_ALLOWED = "role_not_allowed"
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"
    REASON_REQUIRED = "reason_required"
    REASON_UNKNOWN = "reason_unknown"
    STALE = "stale"


class WorkflowError(DomainError):
    """A transition refused by the table or a guard; 409 when the state forbids it."""


class TransitionConflict(WorkflowError):
    """The object's present state forbids the action (HTTP 409: someone moved it first)."""

    status = 409


@dataclass(frozen=True)
class GuardFailure:
    code: str
    message: StrOrPromise
    fields: Mapping[str, StrOrPromise] = field(default_factory=dict)


@dataclass
class Step:
    """What guards and effects see: the locked object, who acts, why, and when."""

    workflow: Workflow
    obj: Any
    action: str
    transition: Transition
    actor: User
    today: date
    now: datetime
    reason_code: str = ""
    reason: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    source: str = ""
    # Effects add what the audit event should carry beyond the status change.
    details: dict[str, Any] = field(default_factory=dict)


Guard = Callable[[Step], GuardFailure | None]
Effect = Callable[[Step], None]


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    label: StrOrPromise
    needs_reason: bool = False
    # Standard reasons (code → label); "other" needs free text. Empty: free text only.
    reasons: Mapping[str, StrOrPromise] = field(default_factory=dict)
    guards: tuple[Guard, ...] = ()
    effects: tuple[Effect, ...] = ()
    # False: taken by a batch step or the system, never offered as a button.
    manual: bool = True
    style: str = "primary"


@dataclass(frozen=True)
class Clock:
    """A deadline in working days that runs while the object is in `runs_in`.

    It starts when the object enters a running state, pauses (keeping the working days left)
    in `paused_in`, resumes with those days, and stops (met or breached) in any other state.
    """

    name: str
    label: StrOrPromise
    working_days: int
    runs_in: frozenset[str]
    role: str
    paused_in: frozenset[str] = frozenset()
    # Per-object overrides: the working days (e.g. set per request category) and the role that
    # owes the clock (e.g. whoever handles the object now). None: `working_days` and `role`.
    days_of: Callable[[Any], int] | None = None
    role_of: Callable[[Any], str] | None = None

    def days_for(self, obj: Any) -> int:
        return self.days_of(obj) if self.days_of is not None else self.working_days

    def role_for(self, obj: Any) -> str:
        return self.role_of(obj) if self.role_of is not None else self.role


@dataclass(frozen=True)
class Workflow:
    name: str
    model: type[models.Model]
    states: Mapping[str, StrOrPromise]
    transitions: Mapping[str, Transition]
    status_field: str = "status"
    # Which role acts next in each state (home pages, queues, notifications).
    waiting_for: Mapping[str, str] = field(default_factory=dict)
    clocks: tuple[Clock, ...] = ()
    # Scope check on the locked row: False → 404, as for any object out of scope.
    in_scope: Callable[[Any, Any], bool] | None = None
    # Called after commit with the finished step (notify the next actor).
    notify: Callable[[Step], None] | None = None
    # Where a clock's owner is found: {"unit_id": …, "enterprise_id": …, "assignee_id": …}.
    clock_scope: Callable[[Any], Mapping[str, Any]] | None = None
    # Fields copied into the audit event's before/after besides the status.
    audited_fields: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name, t in self.transitions.items():
            unknown = (set(t.sources) | {t.target}) - set(self.states)
            if unknown:
                raise ValueError(f"{self.name}.{name}: unknown states {sorted(unknown)}")
            if t.reasons and not t.needs_reason:
                raise ValueError(f"{self.name}.{name}: reasons given but needs_reason is False")
        for clock in self.clocks:
            unknown = (set(clock.runs_in) | set(clock.paused_in)) - set(self.states)
            if unknown:
                raise ValueError(f"{self.name} clock {clock.name}: unknown states {unknown}")

    def state_label(self, state: str) -> str:
        return str(self.states.get(state, state))


# ------------------------------------------------------------------ pure checks


def check(
    workflow: Workflow,
    *,
    state: str,
    action: str,
    role: str,
    reason_code: str = "",
    reason: str = "",
) -> Transition:
    """The transition `role` may take from `state`, or WorkflowError saying why not."""
    transition = workflow.transitions.get(action)
    if transition is None:
        raise WorkflowError(
            WorkflowErrorCode.UNKNOWN_ACTION, _("Unknown action."), {"action": _("Unknown")}
        )
    if role not in transition.roles:
        raise WorkflowError(
            WorkflowErrorCode.ROLE_NOT_ALLOWED, _("Your role cannot take this action.")
        )
    if state not in transition.sources:
        raise TransitionConflict(
            WorkflowErrorCode.TRANSITION_NOT_ALLOWED,
            _("“%(action)s” is not possible while the status is “%(status)s”.")
            % {"action": transition.label, "status": workflow.state_label(state)},
        )
    if transition.needs_reason:
        _check_reason(transition, reason_code, reason)
    return transition


def _check_reason(transition: Transition, reason_code: str, reason: str) -> None:
    reason = (reason or "").strip()
    if transition.reasons:
        if not reason_code:
            raise WorkflowError(
                WorkflowErrorCode.REASON_REQUIRED,
                _("Choose a reason."),
                {"reason_code": _("Required")},
            )
        if reason_code not in transition.reasons:
            raise WorkflowError(
                WorkflowErrorCode.REASON_UNKNOWN,
                _("Choose one of the listed reasons."),
                {"reason_code": _("Not in the list")},
            )
        if reason_code == "other" and not reason:
            raise WorkflowError(
                WorkflowErrorCode.REASON_REQUIRED,
                _("Explain the reason in words."),
                {"reason": _("Required")},
            )
    elif not reason:
        raise WorkflowError(
            WorkflowErrorCode.REASON_REQUIRED,
            _("A written reason is required."),
            {"reason": _("Required")},
        )


def actions_for(
    workflow: Workflow, *, state: str, role: str, manual_only: bool = True
) -> list[tuple[str, Transition]]:
    """The actions `role` may offer from `state` (guards are checked when taken)."""
    return [
        (name, t)
        for name, t in workflow.transitions.items()
        if state in t.sources and role in t.roles and (t.manual or not manual_only)
    ]


def blocked_actions(
    workflow: Workflow, *, state: str, role: str
) -> list[tuple[str, Transition, str]]:
    """The manual actions of `role` not possible now, each with why (for the stage guidance)."""
    out = []
    for name, t in workflow.transitions.items():
        if role in t.roles and t.manual and state not in t.sources:
            sources = "、".join(workflow.state_label(s) for s in sorted(t.sources))
            why = str(_("Possible only while the status is %(states)s.") % {"states": sources})
            out.append((name, t, why))
    return out


def guard_failure(
    workflow: Workflow,
    obj: Any,
    action: str,
    *,
    actor: User,
    today: date | None = None,
    data: Mapping[str, Any] | None = None,
) -> GuardFailure | None:
    """The first guard of `action` that refuses now, without locking or moving anything.

    For pages that list only the actions whose guards pass, and batches that check every
    object before taking the first step. `run` checks the guards again under the row lock.
    """
    step = _step(
        workflow, obj, action, workflow.transitions[action], actor=actor, today=today, data=data
    )
    return _first_refusal(step)


def _step(
    workflow: Workflow,
    obj: Any,
    action: str,
    transition: Transition,
    *,
    actor: User,
    today: date | None,
    reason_code: str = "",
    reason: str = "",
    data: Mapping[str, Any] | None = None,
) -> Step:
    return Step(
        workflow=workflow,
        obj=obj,
        action=action,
        transition=transition,
        actor=actor,
        today=today or timezone.localdate(),
        now=timezone.now(),
        reason_code=reason_code,
        reason=(reason or "").strip(),
        data=dict(data or {}),
        source=getattr(obj, workflow.status_field),
    )


def _first_refusal(step: Step) -> GuardFailure | None:
    for guard in step.transition.guards:
        failure = guard(step)
        if failure is not None:
            return failure
    return None


# ------------------------------------------------------------------ the executor


def run(
    workflow: Workflow,
    obj: Any,
    action: str,
    *,
    actor: User,
    reason_code: str = "",
    reason: str = "",
    data: Mapping[str, Any] | None = None,
    today: date | None = None,
    role: str | None = None,
) -> Any:
    """Take one transition: lock, check, apply, keep the clocks, audit, notify after commit.

    `role` overrides the actor's role for system steps (a scheduled job acting as the city).
    """
    from .audit import audit_record

    with transaction.atomic():
        locked = workflow.model._default_manager.select_for_update().get(pk=obj.pk)
        if workflow.in_scope is not None and not workflow.in_scope(actor, locked):
            raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
        source = getattr(locked, workflow.status_field)
        transition = check(
            workflow,
            state=source,
            action=action,
            role=role if role else str(getattr(actor, "role", "")),
            reason_code=reason_code,
            reason=reason,
        )
        step = _step(
            workflow,
            locked,
            action,
            transition,
            actor=actor,
            today=today,
            reason_code=reason_code,
            reason=reason,
            data=data,
        )
        failure = _first_refusal(step)
        if failure is not None:
            raise WorkflowError(failure.code, failure.message, dict(failure.fields))
        before = _snapshot(workflow, locked)
        for effect in transition.effects:
            effect(step)
        setattr(locked, workflow.status_field, transition.target)
        locked.save()
        clocks_after_move(workflow, locked, source, transition.target, step.today)
        after = _snapshot(workflow, locked)
        if step.reason_code:
            after["reason_code"] = step.reason_code
        if step.reason:
            after["reason"] = step.reason
        after.update(step.details)
        audit_record(
            actor=actor,
            action=f"{workflow.name}.{action}",
            obj=locked,
            before=before,
            after=after,
        )
        if workflow.notify is not None:
            notify = workflow.notify
            transaction.on_commit(lambda: notify(step))
    # The caller's instance sees the new state too.
    for name in {workflow.status_field, *workflow.audited_fields}:
        if hasattr(obj, name):
            setattr(obj, name, getattr(locked, name))
    return locked


def _snapshot(workflow: Workflow, obj: Any) -> dict[str, Any]:
    snap = {workflow.status_field: getattr(obj, workflow.status_field)}
    for name in workflow.audited_fields:
        snap[name] = getattr(obj, name, None)
    return snap


# ------------------------------------------------------------------ clocks


def clocks_after_move(workflow: Workflow, obj: Any, source: str, target: str, today: date) -> None:
    """Start, pause, resume or stop each clock of `workflow` for a move source → target."""
    from .models import WorkflowClock
    from .workdays import add_working_days, working_days_between

    if not workflow.clocks:
        return
    scope = dict(workflow.clock_scope(obj)) if workflow.clock_scope else {}
    for spec in workflow.clocks:
        live = (
            WorkflowClock.objects.select_for_update()
            .filter(
                workflow=workflow.name,
                object_id=str(obj.pk),
                clock=spec.name,
                state__in=(WorkflowClock.State.RUNNING, WorkflowClock.State.PAUSED),
            )
            .first()
        )
        if target in spec.runs_in:
            if live is None:
                WorkflowClock.objects.create(
                    workflow=workflow.name,
                    object_id=str(obj.pk),
                    clock=spec.name,
                    role=spec.role_for(obj),
                    started_on=today,
                    due_on=add_working_days(today, spec.days_for(obj)),
                    state=WorkflowClock.State.RUNNING,
                    **scope,
                )
            elif live.state == WorkflowClock.State.PAUSED:
                live.state = WorkflowClock.State.RUNNING
                live.due_on = add_working_days(today, live.remaining_days or 0)
                live.paused_on = None
                live.save()
            else:
                for key, value in scope.items():
                    setattr(live, key, value)
                live.role = spec.role_for(obj)
                live.save()
        elif target in spec.paused_in:
            if live is not None and live.state == WorkflowClock.State.RUNNING:
                left = working_days_between(today + timedelta(days=1), live.due_on)
                live.remaining_days = left
                live.paused_on = today
                live.state = WorkflowClock.State.PAUSED
                live.save()
        elif live is not None:
            live.stopped_on = today
            late = today > live.due_on if live.state == WorkflowClock.State.RUNNING else False
            live.state = WorkflowClock.State.BREACHED if late else WorkflowClock.State.MET
            live.save()


def clock_start(workflow: Workflow, obj: Any, today: date | None = None) -> None:
    """Start the clocks of an object just created in its first state (no transition led there),
    e.g. an expert assignment created as `assigned` starts the expert's scoring clock."""
    state = getattr(obj, workflow.status_field)
    clocks_after_move(workflow, obj, "", state, today or timezone.localdate())


def clocks_reassign(workflow: Workflow, obj: Any) -> int:
    """Give the live clocks of `obj` their present owner (role and scope) after a hand-off that
    moves no status (a request dispatched to another handler). Returns how many changed."""
    from .models import WorkflowClock

    scope = dict(workflow.clock_scope(obj)) if workflow.clock_scope else {}
    changed = 0
    for spec in workflow.clocks:
        for live in WorkflowClock.objects.select_for_update().filter(
            workflow=workflow.name,
            object_id=str(obj.pk),
            clock=spec.name,
            state__in=(WorkflowClock.State.RUNNING, WorkflowClock.State.PAUSED),
        ):
            for key, value in scope.items():
                setattr(live, key, value)
            live.role = spec.role_for(obj)
            live.save()
            changed += 1
    return changed


def clock_extend(workflow: Workflow, obj: Any, clock: str, extra_days: int) -> Any:
    """Lengthen the live clock `clock` on `obj` by `extra_days` working days (an approved
    extension): a running clock's due date moves on, a paused one keeps more days in hand.
    Returns the clock, or None when no such clock is live."""
    from .models import WorkflowClock
    from .workdays import add_working_days

    if extra_days < 0:
        raise ValueError("extra_days must not be negative")
    if clock not in {spec.name for spec in workflow.clocks}:
        raise ValueError(f"{workflow.name} has no clock {clock}")
    live = (
        WorkflowClock.objects.select_for_update()
        .filter(
            workflow=workflow.name,
            object_id=str(obj.pk),
            clock=clock,
            state__in=(WorkflowClock.State.RUNNING, WorkflowClock.State.PAUSED),
        )
        .first()
    )
    if live is None:
        return None
    if live.state == WorkflowClock.State.RUNNING:
        live.due_on = add_working_days(live.due_on, extra_days)
        live.breached_on = None
    else:
        live.remaining_days = (live.remaining_days or 0) + extra_days
    live.save()
    return live


def clock_due(workflow: Workflow, obj: Any, clock: str) -> date | None:
    """The due date of the running clock `clock` on `obj`, or None."""
    from .models import WorkflowClock

    return (
        WorkflowClock.objects.filter(
            workflow=workflow.name,
            object_id=str(obj.pk),
            clock=clock,
            state=WorkflowClock.State.RUNNING,
        )
        .values_list("due_on", flat=True)
        .first()
    )
