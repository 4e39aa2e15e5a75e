# mypy: disallow-untyped-defs
"""Rounds and applications in the user's scope, and the actions a user may take now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from zjtx.accounts.models import Role
from zjtx.core.workflow import Transition, guard_failure
from zjtx.core.workflow import actions_for as workflow_actions_for

from .. import permissions
from ..models import (
    Application,
    ApplicationEvent,
    Round,
)
from ..workflow import APPLICATION
from ._common import CENT, _not_found

if TYPE_CHECKING:
    from zjtx.accounts.models import User


def round_list_for(*, user: User) -> QuerySet[Round]:
    """City officers see every round; other business roles see rounds that have been opened."""
    if not permissions.can_see_rounds(user):
        return Round.objects.none()
    qs = Round.objects.annotate(application_count=Count("applications"))
    if user.role != Role.CITY_OFFICER:
        qs = qs.exclude(status=Round.Status.DRAFT)
    return qs.order_by("-year", "-id")


def round_get(*, pk: int, user: User) -> Round:
    found = round_list_for(user=user).filter(pk=pk).first()
    if found is None:
        raise _not_found()
    return found


def round_latest(*, before_year: int | None = None) -> Round | None:
    qs = Round.objects.all()
    if before_year is not None:
        qs = qs.filter(year__lt=before_year)
    return qs.order_by("-year", "-id").first()


# ------------------------------------------------------------------ applications


APPLICATION_RELATED = ("round", "enterprise", "unit", "notice", "decision_document")


def application_qs_for(*, user: User) -> QuerySet[Application]:
    return (
        Application.objects.filter(permissions.application_scope_q(user))
        .distinct()
        .select_related(*APPLICATION_RELATED)
    )


def application_get(*, pk: int, user: User) -> Application:
    """One application in the user's scope; anything else is NotFound (404).

    The scope is checked on its own (an expert's scope joins the assignments, hence the
    DISTINCT of `application_qs_for`), then the one row is read with its related rows: a
    DISTINCT over the six joined tables cost PostgreSQL more to plan than to run.
    """
    if not Application.objects.filter(permissions.application_scope_q(user), pk=pk).exists():
        raise _not_found()
    found = Application.objects.select_related(*APPLICATION_RELATED).filter(pk=pk).first()
    if found is None:
        raise _not_found()
    return found


def application_list_for(
    *, user: User, round_id: int | None = None, status: str | None = None
) -> QuerySet[Application]:
    qs = application_qs_for(user=user)
    if round_id is not None:
        qs = qs.filter(round_id=round_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("round__year", "unit__sort_order", "unit_rank", "id")


def application_events(*, application: Application) -> QuerySet[ApplicationEvent]:
    return application.events.select_related("actor").order_by("id")


@dataclass(frozen=True)
class Action:
    name: str
    transition: Transition
    reasons: dict[str, str]

    @property
    def label(self) -> str:
        return str(self.transition.label)

    def as_dict(self) -> dict[str, Any]:
        return {
            "action": self.name,
            "label": self.label,
            "target": self.transition.target,
            "needs_reason": self.transition.needs_reason,
            "reasons": self.reasons,
        }


def _offered(user: User, application: Application) -> list[tuple[str, Transition]]:
    """The manual steps the user's role may take from the present state, within scope."""
    if not permissions.in_scope(user, application):
        return []
    return workflow_actions_for(APPLICATION, state=application.status, role=user.role)


def actions_for(*, user: User, application: Application, today: date | None = None) -> list[Action]:
    """The transitions the user may take on the application now (role, scope, state, guards)."""
    today = today or timezone.localdate()
    found = []
    for name, transition in _offered(user, application):
        if guard_failure(APPLICATION, application, name, actor=user, today=today) is not None:
            continue
        reasons = {code: str(label) for code, label in transition.reasons.items()}
        found.append(Action(name, transition, reasons))
    return found


def blocked_actions_for(
    *, user: User, application: Application, today: date | None = None
) -> list[tuple[str, str]]:
    """(label, why) for transitions the user could take once a guard is satisfied."""
    today = today or timezone.localdate()
    rows = []
    for name, transition in _offered(user, application):
        failure = guard_failure(APPLICATION, application, name, actor=user, today=today)
        if failure is not None:
            rows.append((str(transition.label), str(failure.message)))
    return rows


def as_number(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def field_value(*, application: Application, name: str) -> Any:
    entry = application.data.get(name)
    return entry.get("value") if isinstance(entry, dict) else None


def rd_ratio(application: Application) -> Decimal | None:
    """Last year's R&D expense over operating revenue, from the application's own data."""
    rd = as_number(field_value(application=application, name="rd_expense_y1_yuan"))
    revenue = as_number(field_value(application=application, name="operating_revenue_y1_yuan"))
    if rd is None or not revenue:
        return None
    return (rd / revenue * 100).quantize(CENT, rounding=ROUND_HALF_UP)
