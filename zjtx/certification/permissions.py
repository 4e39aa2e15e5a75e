"""Who may see and act on what. Outside a user's scope the answer is always 404, never 403."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from zjtx.accounts.models import Role

from .models import Application, ExpertAssignment

ACTIVE_ASSIGNMENT = (ExpertAssignment.Status.ASSIGNED, ExpertAssignment.Status.SUBMITTED)


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(user.is_active)


def application_scope_q(user: Any) -> Q:
    """Applications the user may see: city all, unit its unit, enterprise its own, expert assigned."""
    if not _active(user):
        return Q(pk__in=[])
    if user.role == Role.CITY_OFFICER:
        return Q()
    if user.role == Role.UNIT_OFFICER and user.unit_id:
        return Q(unit_id=user.unit_id)
    if user.role == Role.ENTERPRISE and user.enterprise_id:
        return Q(enterprise_id=user.enterprise_id)
    if user.role == Role.EXPERT:
        return Q(
            assignments__expert__user_id=user.pk,
            assignments__status__in=ACTIVE_ASSIGNMENT,
        )
    return Q(pk__in=[])


def can_see_rounds(user: Any) -> bool:
    return _active(user) and user.role in {
        Role.CITY_OFFICER,
        Role.UNIT_OFFICER,
        Role.ENTERPRISE,
        Role.EXPERT,
    }


def is_city(user: Any) -> bool:
    return _active(user) and user.role == Role.CITY_OFFICER


def is_enterprise(user: Any) -> bool:
    return _active(user) and user.role == Role.ENTERPRISE and bool(user.enterprise_id)


def is_expert(user: Any) -> bool:
    return _active(user) and user.role == Role.EXPERT


def in_scope(user: Any, application: Application) -> bool:
    """The scope rule of `application_scope_q` for one loaded row."""
    if not _active(user):
        return False
    if user.role == Role.CITY_OFFICER:
        return True
    if user.role == Role.UNIT_OFFICER:
        return bool(user.unit_id) and application.unit_id == user.unit_id
    if user.role == Role.ENTERPRISE:
        return bool(user.enterprise_id) and application.enterprise_id == user.enterprise_id
    if user.role == Role.EXPERT:
        return application.assignments.filter(
            expert__user_id=user.pk, status__in=ACTIVE_ASSIGNMENT
        ).exists()
    return False


def can_edit(user: Any, application: Application) -> bool:
    from .workflow import EDITABLE_STATES

    return (
        is_enterprise(user)
        and application.enterprise_id == user.enterprise_id
        and application.status in EDITABLE_STATES
    )


def can_see_scores(user: Any) -> bool:
    """Individual expert scores are for the city officer; others see the aggregate only."""
    return is_city(user)
