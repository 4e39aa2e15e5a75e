"""Working-day clocks kept by the workflow engine: what is overdue for whom, and the daily sweep."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from .models import WorkflowClock


def _owner_q(user: Any) -> Q | None:
    """The clocks `user` owes: their role, within their unit, enterprise or own assignments."""
    from zjtx.accounts.models import Role

    role = getattr(user, "role", "")
    q = Q(role=role)
    if role == Role.CITY_OFFICER:
        return q
    if role == Role.UNIT_OFFICER:
        return q & Q(unit_id=user.unit_id)
    if role == Role.ENTERPRISE:
        return q & Q(enterprise_id=user.enterprise_id)
    if user.pk is not None:
        return q & Q(assignee_id=user.pk)
    return None


def clock_list_for(*, user: Any, workflow: str = "") -> QuerySet[WorkflowClock]:
    """Running and paused clocks that `user` owes, soonest due first."""
    q = _owner_q(user)
    if q is None:
        return WorkflowClock.objects.none()
    qs = WorkflowClock.objects.filter(
        q, state__in=(WorkflowClock.State.RUNNING, WorkflowClock.State.PAUSED)
    )
    if workflow:
        qs = qs.filter(workflow=workflow)
    return qs.order_by("due_on", "id")


def clock_overdue_list_for(*, user: Any, today: date | None = None) -> QuerySet[WorkflowClock]:
    """Running clocks `user` owes whose due date has passed."""
    today = today or timezone.localdate()
    return clock_list_for(user=user).filter(state=WorkflowClock.State.RUNNING, due_on__lt=today)


def clock_overdue_by_unit(*, user: Any, today: date | None = None) -> dict[int | None, int]:
    """Overdue clocks per assessment unit, for the city (a unit officer sees only its own)."""
    from zjtx.accounts.models import Role

    today = today or timezone.localdate()
    qs = WorkflowClock.objects.filter(state=WorkflowClock.State.RUNNING, due_on__lt=today)
    if user.role == Role.UNIT_OFFICER:
        qs = qs.filter(unit_id=user.unit_id)
    elif user.role != Role.CITY_OFFICER:
        return {}
    rows = qs.values("unit_id").annotate(n=Count("id")).order_by("unit_id")
    return {row["unit_id"]: row["n"] for row in rows}


def clock_get_for_object(*, workflow: str, object_id: Any) -> list[WorkflowClock]:
    """Every clock ever kept on one object, newest first (for its timeline)."""
    return list(
        WorkflowClock.objects.filter(workflow=workflow, object_id=str(object_id)).order_by(
            "-started_on", "-id"
        )
    )


def clocks_sweep(*, today: date | None = None) -> int:
    """Mark running clocks past their due date as breached (run daily by the scheduler)."""
    today = today or timezone.localdate()
    return WorkflowClock.objects.filter(
        state=WorkflowClock.State.RUNNING, due_on__lt=today, breached_on__isnull=True
    ).update(breached_on=today)
