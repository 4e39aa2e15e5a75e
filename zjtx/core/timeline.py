"""办件进度: the timeline of one case (an application, a demand, a request), for its page and API.

A case's steps are read from the audit trail: every move the workflow engine made
(`<workflow.name>.<action>`, labelled by the transition) plus the few other writes a case
goes through (draft created, data changed, materials added, handed over), named in
`EXTRA_ACTIONS`. Downloads and bulk reads never show. The deadline comes from the case's
working-day clocks (`WorkflowClock`): the one running now, with the working days left or
overdue, and the ones already met or missed.

Pages include ``core/_timeline.html`` with the `Timeline` this module builds (or the
``{% case_timeline obj %}`` tag, which finds the object's workflows by itself); the API returns
`Timeline.as_dict()`.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Model, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, WorkflowClock
from .workflow import Workflow

StrOrPromise = str | Promise

# Writes outside a workflow's table that belong on a case's timeline (code → label).
EXTRA_ACTIONS: dict[str, StrOrPromise] = {
    "certification.application_create": _("Draft created"),
    "certification.application_update": _("Application data changed"),
    "certification.application_delete": _("Draft deleted"),
    "certification.material_upload": _("Material uploaded"),
    "certification.material_delete": _("Material deleted"),
    "subsidies.application_create": _("Draft created"),
    "subsidies.application_propose": _("Proposed by the platform"),
    "subsidies.application_update": _("Declared figures changed"),
    "subsidies.application_delete": _("Draft deleted"),
    "subsidies.evidence_add": _("Evidence uploaded"),
    "servicedesk.request.file": _("Request filed"),
    "servicedesk.request.attach": _("Attachment added"),
    "servicedesk.request.route": _("Handed over"),
    "servicedesk.request.escalate": _("Escalated"),
    "servicedesk.request.callback": _("Return visit recorded"),
    "servicedesk.request.update": _("Request changed"),
    "servicedesk.extension.request": _("Extension requested"),
    "servicedesk.extension.decide": _("Extension decided"),
    "financing.demand_publish": _("Demand published"),
    "financing.demand_update": _("Demand changed"),
    "financing.consent_give": _("Consent given to a bank"),
    "financing.consent_change": _("Consent changed"),
}


@dataclass(frozen=True)
class TimelineStep:
    at: datetime
    actor: str
    actor_role: str
    action: str
    label: str
    status: str = ""
    reason: str = ""
    subject: str = ""  # the related object it concerns (a bank's engagement), if not the case

    def as_dict(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "actor": self.actor,
            "actor_role": self.actor_role,
            "action": self.action,
            "label": self.label,
            "status": self.status,
            "reason": self.reason,
            "subject": self.subject,
        }


@dataclass(frozen=True)
class Deadline:
    label: str
    owed_by: str
    state: str
    state_label: str
    started_on: date
    due_on: date | None
    stopped_on: date | None = None
    days_left: int | None = None  # working days, running clocks only
    days_overdue: int | None = None
    paused_days_left: int | None = None
    subject: str = ""

    @property
    def live(self) -> bool:
        return self.state in (WorkflowClock.State.RUNNING, WorkflowClock.State.PAUSED)

    @property
    def overdue(self) -> bool:
        return bool(self.days_overdue)

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "owed_by": self.owed_by,
            "state": self.state,
            "state_label": self.state_label,
            "started_on": self.started_on.isoformat(),
            "due_on": self.due_on.isoformat() if self.due_on else None,
            "stopped_on": self.stopped_on.isoformat() if self.stopped_on else None,
            "days_left": self.days_left,
            "days_overdue": self.days_overdue,
            "paused_days_left": self.paused_days_left,
            "subject": self.subject,
        }


@dataclass
class Timeline:
    steps: list[TimelineStep] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    status: str = ""
    waiting_for: str = ""

    @property
    def current(self) -> list[Deadline]:
        return [d for d in self.deadlines if d.live]

    @property
    def past(self) -> list[Deadline]:
        return [d for d in self.deadlines if not d.live]

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "waiting_for": self.waiting_for,
            "steps": [s.as_dict() for s in self.steps],
            "deadlines": [d.as_dict() for d in self.deadlines],
        }


def _role_label(role: str) -> str:
    from zjtx.accounts.models import Role

    try:
        return str(Role(role).label)
    except ValueError:
        return ""


def workflows_of(obj: Model) -> list[Workflow]:
    """The workflows whose model is `obj`'s (read from the app's `workflow` module)."""
    module_name = f"{obj._meta.app_config.name}.workflow"  # type: ignore[union-attr]
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return []
    found: list[Workflow] = []
    for value in vars(module).values():
        if isinstance(value, Workflow) and value.model is type(obj) and value not in found:
            found.append(value)
    return found


@dataclass(frozen=True)
class _Subject:
    obj: Model
    workflows: tuple[Workflow, ...]
    name: str


def _subjects(
    obj: Model, related: Iterable[Model], related_name: Any, workflows: Sequence[Workflow] | None
) -> list[_Subject]:
    out = [_Subject(obj, tuple(workflows if workflows is not None else workflows_of(obj)), "")]
    for other in related:
        name = str(related_name(other)) if related_name else str(other)
        out.append(_Subject(other, tuple(workflows_of(other)), name))
    return out


def _step_label(action: str, workflows: Sequence[Workflow]) -> tuple[str, Workflow | None]:
    for wf in workflows:
        prefix = f"{wf.name}."
        if action.startswith(prefix):
            transition = wf.transitions.get(action[len(prefix) :])
            if transition is not None:
                return str(transition.label), wf
    extra = EXTRA_ACTIONS.get(action)
    return (str(extra), None) if extra is not None else ("", None)


def _step_of_event(event: Any) -> TimelineStep:
    actor = getattr(event, "actor", None)
    status = ""
    to_status = getattr(event, "to_status", "")
    if to_status and to_status != getattr(event, "from_status", to_status):
        status = str(getattr(event, "to_status_label", "") or "")
        if not status:
            for wf in workflows_of(event):
                status = wf.state_label(to_status)
    return TimelineStep(
        at=timezone.localtime(event.created_at),
        actor=(actor.display_name if actor is not None else "") or str(_("System")),
        actor_role=_role_label(getattr(actor, "role", "")) if actor is not None else "",
        action=str(event.action),
        label=str(event.action_label),
        status=status,
        reason=str(getattr(event, "reason", "") or ""),
    )


def timeline_build(
    obj: Model,
    *,
    related: Iterable[Model] = (),
    related_name: Any = None,
    today: date | None = None,
    workflows: Sequence[Workflow] | None = None,
    events: Iterable[Any] | None = None,
) -> Timeline:
    """The steps and deadlines of `obj` and of `related` objects shown with it (e.g. a demand and
    the engagements of the banks the reader may see). The caller has scoped every object.
    `workflows` overrides the ones found in the object's app (tests, variants of a table).
    `events`: the case's own history rows where its app keeps one that also records hand-offs
    without a status change (a service request's events): each with `created_at`, `actor`,
    `action`, `action_label` and `reason`, and `to_status` when it moved the status."""
    from .workdays import working_days_between

    today = today or timezone.localdate()
    subjects = _subjects(obj, related, related_name, workflows)
    by_key = {(s.obj._meta.label_lower, str(s.obj.pk)): s for s in subjects}
    q = Q()
    for label, pk in by_key:
        q |= Q(object_type=label, object_id=pk)
    audited = (
        AuditEvent.objects.filter(q, result=AuditEvent.Result.SUCCESS)
        .select_related("actor")
        .order_by("created_at", "id")
    )
    steps: list[TimelineStep] = []
    for event in audited if events is None else ():
        subject = by_key.get((event.object_type, event.object_id))
        if subject is None:
            continue
        label, wf = _step_label(event.action, subject.workflows)
        if not label:
            continue
        after: Mapping[str, Any] = event.after if isinstance(event.after, dict) else {}
        status = ""
        if wf is not None and isinstance(after.get(wf.status_field), str):
            status = wf.state_label(after[wf.status_field])
        # A step's own reason; else the reason field the workflow keeps (an override reason).
        reason = str(after.get("reason") or (after.get("last_reason") if wf else "") or "")
        reason_code = str(after.get("reason_code") or "")
        if wf is not None and reason_code:
            action_name = event.action[len(wf.name) + 1 :]
            listed = wf.transitions[action_name].reasons.get(reason_code)
            if listed is not None and reason_code != "other":
                reason = f"{listed}：{reason}" if reason and reason != str(listed) else str(listed)
        actor = event.actor
        steps.append(
            TimelineStep(
                at=timezone.localtime(event.created_at),
                actor=(actor.display_name if actor is not None else "")
                or ("" if event.actor_username in ("", "system") else event.actor_username)
                or str(_("System")),
                actor_role=_role_label(getattr(actor, "role", "")) if actor is not None else "",
                action=event.action,
                label=label,
                status=status,
                reason=reason,
                subject=subject.name,
            )
        )

    if events is not None:
        steps = [_step_of_event(e) for e in events]

    deadlines: list[Deadline] = []
    for subject in subjects:
        specs = {(wf.name, c.name): (wf, c) for wf in subject.workflows for c in wf.clocks}
        if not specs:
            continue
        names = {wf.name for wf in subject.workflows}
        for clock in WorkflowClock.objects.filter(
            workflow__in=names, object_id=str(subject.obj.pk)
        ).order_by("started_on", "id"):
            spec = specs.get((clock.workflow, clock.clock))
            label = str(spec[1].label) if spec else clock.clock
            days_left = days_overdue = None
            if clock.state == WorkflowClock.State.RUNNING:
                if clock.due_on >= today:
                    days_left = working_days_between(today + timedelta(days=1), clock.due_on)
                else:
                    days_overdue = (
                        working_days_between(clock.due_on + timedelta(days=1), today) or 1
                    )
            elif clock.state == WorkflowClock.State.BREACHED and clock.stopped_on:
                days_overdue = (
                    working_days_between(clock.due_on + timedelta(days=1), clock.stopped_on) or 1
                )
            deadlines.append(
                Deadline(
                    label=label,
                    owed_by=_role_label(clock.role),
                    state=clock.state,
                    state_label=str(clock.get_state_display()),
                    started_on=clock.started_on,
                    due_on=clock.due_on if clock.state != WorkflowClock.State.PAUSED else None,
                    stopped_on=clock.stopped_on,
                    days_left=days_left,
                    days_overdue=days_overdue,
                    paused_days_left=clock.remaining_days
                    if clock.state == WorkflowClock.State.PAUSED
                    else None,
                    subject=subject.name,
                )
            )

    timeline = Timeline(steps=steps, deadlines=deadlines)
    own = subjects[0].workflows
    if own:
        wf = own[0]
        state = getattr(obj, wf.status_field, "")
        timeline.status = wf.state_label(state)
        waiting = wf.waiting_for.get(state)
        timeline.waiting_for = _role_label(waiting) if waiting else ""
    return timeline
