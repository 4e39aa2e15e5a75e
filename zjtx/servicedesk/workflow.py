"""Service request (诉求) workflow as data, run by the one engine (zjtx/core/workflow.py).

filed (accept clock) -> accepted (reply clock) -> replied -> answered (written answer) ->
confirmed -> rated; the handler may ask the enterprise for more (waiting: the resolve clock
pauses) and the enterprise may reopen an answer (a new resolve clock). The resolve clock runs
from filing to the answer. The days come from the request (copied from its category's service
level); the clocks are owed by whoever handles the request now (provider, unit or city).
Hand-offs (派单) and escalation move no status: services.request_route re-owns the clocks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from zjtx.accounts.models import Role
from zjtx.core.workflow import Clock, GuardFailure, Step, Transition, Workflow

from .models import RequestEvent, RequestRating, Satisfaction, ServiceRequest

if TYPE_CHECKING:
    from zjtx.accounts.models import User


Status = ServiceRequest.Status
HANDLERS = frozenset({Role.PROVIDER, Role.UNIT_OFFICER, Role.CITY_OFFICER})
# An officer may pass on what the enterprise said by phone or on a visit.
ENTERPRISE_SIDE = frozenset({Role.ENTERPRISE, Role.UNIT_OFFICER, Role.CITY_OFFICER})

# ------------------------------------------------------------------ guards


def is_current_handler(step: Step) -> GuardFailure | None:
    """Only the present handler acts on a request; the city may always step in (督办)."""
    role = getattr(step.actor, "role", "")
    if role == Role.CITY_OFFICER or role == step.obj.handler:
        return None
    return GuardFailure(
        "not_handler",
        _("The request is handled by %(handler)s now.")
        % {"handler": step.obj.get_handler_display()},
    )


def is_the_enterprise(step: Step) -> GuardFailure | None:
    """Confirming, reopening and rating are the enterprise's own word."""
    if getattr(step.actor, "role", "") == Role.ENTERPRISE:
        return None
    return GuardFailure("forbidden", _("Only the enterprise can do this."))


def valid_rating(step: Step) -> GuardFailure | None:
    """满意 / 基本满意 / 不满意; anything but 满意 needs a reason."""
    level = str(step.data.get("level", ""))
    if level not in Satisfaction.values:
        return GuardFailure(
            "invalid_rating",
            _("Choose satisfied, fairly satisfied or dissatisfied."),
            {"level": _("Not in the list")},
        )
    if level != Satisfaction.SATISFIED and not step.reason:
        return GuardFailure(
            "reason_required",
            _("Say why you are not fully satisfied."),
            {"reason": _("Required")},
        )
    return None


# ------------------------------------------------------------------ effects


def keep_reason(step: Step) -> None:
    step.obj.last_reason = step.reason


def record_answer(step: Step) -> None:
    """Closing needs a written answer: the reason text is the answer the enterprise receives."""
    step.obj.answer = step.reason
    step.obj.answered_at = step.now
    step.obj.closed_on = step.today


def count_reopen(step: Step) -> None:
    step.obj.reopen_count += 1
    step.obj.closed_on = None


def record_rating(step: Step) -> None:
    request = step.obj
    RequestRating.objects.create(
        request=request,
        level=str(step.data["level"]),
        reason=step.reason,
        provider_id=request.provider_id,
        rated_by=step.actor if getattr(step.actor, "pk", None) else None,
        rated_on=step.today,
    )
    step.details["level"] = str(step.data["level"])


def record_event(step: Step) -> None:
    request = step.obj
    RequestEvent.objects.create(
        request=request,
        action=step.action,
        from_status=step.source,
        to_status=step.transition.target,
        handler=request.handler,
        provider_id=request.provider_id,
        reason=step.reason,
        actor=step.actor if getattr(step.actor, "pk", None) else None,
        created_at=step.now,
    )


# ------------------------------------------------------------------ scope, notify, clocks


def in_scope(actor: User, request: ServiceRequest) -> bool:
    from .selectors import request_list_for

    return request_list_for(user=actor).filter(pk=request.pk).exists()


def next_actors(request: ServiceRequest) -> list[Any]:
    from zjtx.accounts.models import User

    users = User.objects.filter(is_active=True)
    role = SERVICE_REQUEST.waiting_for.get(request.status)
    if role == "handler":
        if request.handler == Role.PROVIDER:
            return list(users.filter(role=Role.PROVIDER, provider_id=request.provider_id))
        if request.handler == Role.UNIT_OFFICER:
            return list(users.filter(role=Role.UNIT_OFFICER, unit_id=request.unit_id))
        return list(users.filter(role=Role.CITY_OFFICER))
    if role == Role.ENTERPRISE:
        return list(users.filter(role=Role.ENTERPRISE, enterprise_id=request.enterprise_id))
    return []


def notify_next(step: Step) -> None:
    from zjtx.core.notifications import notify

    request = step.obj
    recipients = next_actors(request)
    if not recipients:
        return
    notify(
        recipients=recipients,
        title=_g("Service request #%(id)s: %(status)s")
        % {"id": request.pk, "status": request.get_status_display()},
        body=step.reason,
        url=reverse("servicedesk:detail", args=[request.pk]),
    )


def clock_scope(request: ServiceRequest) -> dict[str, Any]:
    return {"unit_id": request.unit_id, "enterprise_id": request.enterprise_id}


def _handler(request: ServiceRequest) -> str:
    return str(request.handler)


OPEN_WORK = frozenset({Status.FILED, Status.ACCEPTED, Status.REPLIED})
HANDLER_SOURCES = frozenset({Status.ACCEPTED, Status.REPLIED})

SERVICE_REQUEST = Workflow(
    name="servicedesk.request",
    model=ServiceRequest,
    states=dict(Status.choices),
    transitions={
        "accept": Transition(
            frozenset({Status.FILED}),
            Status.ACCEPTED,
            HANDLERS,
            _("Accept"),
            guards=(is_current_handler,),
            effects=(keep_reason, record_event),
        ),
        "reply": Transition(
            frozenset({Status.ACCEPTED}),
            Status.REPLIED,
            HANDLERS,
            _("Reply to the enterprise"),
            needs_reason=True,
            guards=(is_current_handler,),
            effects=(keep_reason, record_event),
        ),
        "ask_enterprise": Transition(
            HANDLER_SOURCES,
            Status.WAITING,
            HANDLERS,
            _("Ask the enterprise for more information"),
            needs_reason=True,
            guards=(is_current_handler,),
            effects=(keep_reason, record_event),
            style="outline-warning",
        ),
        "supplement": Transition(
            frozenset({Status.WAITING}),
            Status.REPLIED,
            ENTERPRISE_SIDE,
            _("Send the information asked for"),
            needs_reason=True,
            effects=(keep_reason, record_event),
        ),
        "close": Transition(
            HANDLER_SOURCES,
            Status.ANSWERED,
            HANDLERS,
            _("Close with a written answer"),
            needs_reason=True,
            guards=(is_current_handler,),
            effects=(keep_reason, record_answer, record_event),
            style="success",
        ),
        "confirm": Transition(
            frozenset({Status.ANSWERED}),
            Status.CONFIRMED,
            frozenset({Role.ENTERPRISE}),
            _("Confirm the answer"),
            guards=(is_the_enterprise,),
            effects=(keep_reason, record_event),
            style="success",
        ),
        "reopen": Transition(
            frozenset({Status.ANSWERED}),
            Status.REPLIED,
            frozenset({Role.ENTERPRISE}),
            _("Reopen: the answer does not solve it"),
            needs_reason=True,
            guards=(is_the_enterprise,),
            effects=(keep_reason, count_reopen, record_event),
            style="outline-danger",
        ),
        # Offered by its own form (level and reason).
        "rate": Transition(
            frozenset({Status.CONFIRMED}),
            Status.RATED,
            frozenset({Role.ENTERPRISE}),
            _("Rate the service"),
            guards=(is_the_enterprise, valid_rating),
            effects=(keep_reason, record_rating, record_event),
        ),
        "withdraw": Transition(
            frozenset({Status.FILED, Status.ACCEPTED, Status.WAITING}),
            Status.WITHDRAWN,
            frozenset({Role.ENTERPRISE}),
            _("Withdraw the request"),
            needs_reason=True,
            effects=(keep_reason, record_event),
            style="outline-secondary",
        ),
    },
    waiting_for={
        Status.FILED: "handler",
        Status.ACCEPTED: "handler",
        Status.REPLIED: "handler",
        Status.WAITING: Role.ENTERPRISE,
        Status.ANSWERED: Role.ENTERPRISE,
        Status.CONFIRMED: Role.ENTERPRISE,
    },
    clocks=(
        Clock(
            "accept",
            _("Accept"),
            1,
            runs_in=frozenset({Status.FILED}),
            role=Role.UNIT_OFFICER,
            days_of=lambda r: int(r.accept_days),
            role_of=_handler,
        ),
        Clock(
            "reply",
            _("Reply"),
            3,
            runs_in=frozenset({Status.ACCEPTED}),
            role=Role.UNIT_OFFICER,
            days_of=lambda r: int(r.reply_days),
            role_of=_handler,
        ),
        Clock(
            "resolve",
            _("Resolve"),
            15,
            runs_in=OPEN_WORK,
            role=Role.UNIT_OFFICER,
            paused_in=frozenset({Status.WAITING}),
            days_of=lambda r: int(r.resolve_days),
            role_of=_handler,
        ),
    ),
    in_scope=in_scope,
    notify=notify_next,
    clock_scope=clock_scope,
    audited_fields=("last_reason", "handler", "provider_id", "answer"),
)

CLOCK_LABELS = {c.name: c.label for c in SERVICE_REQUEST.clocks}
