"""Application workflow as data: who may move an application from which state to which.

enterprise: draft/returned -> submitted (unit check) -> forwarded (city) -> approved | rejected;
unit and city officers may return it for correction, with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zjtx.accounts.models import Role

from .models import Application

Status = Application.Status


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    label: str | Promise
    needs_reason: bool = False
    style: str = "primary"


TRANSITIONS: dict[str, Transition] = {
    "submit": Transition(
        frozenset({Status.DRAFT, Status.RETURNED}),
        Status.SUBMITTED,
        frozenset({Role.ENTERPRISE}),
        _("Submit"),
    ),
    "unit_return": Transition(
        frozenset({Status.SUBMITTED}),
        Status.RETURNED,
        frozenset({Role.UNIT_OFFICER}),
        _("Return for correction"),
        needs_reason=True,
        style="outline-warning",
    ),
    "forward": Transition(
        frozenset({Status.SUBMITTED}),
        Status.FORWARDED,
        frozenset({Role.UNIT_OFFICER}),
        _("Checked: forward to the city"),
    ),
    "city_return": Transition(
        frozenset({Status.FORWARDED}),
        Status.RETURNED,
        frozenset({Role.CITY_OFFICER}),
        _("Return for correction"),
        needs_reason=True,
        style="outline-warning",
    ),
    "reject": Transition(
        frozenset({Status.FORWARDED}),
        Status.REJECTED,
        frozenset({Role.CITY_OFFICER}),
        _("Reject the application"),
        needs_reason=True,
        style="outline-danger",
    ),
    "approve": Transition(
        frozenset({Status.FORWARDED}),
        Status.APPROVED,
        frozenset({Role.CITY_OFFICER}),
        _("Approve"),
        style="success",
    ),
}


def allowed(action: str, status: str, role: str) -> bool:
    transition = TRANSITIONS.get(action)
    return transition is not None and status in transition.sources and role in transition.roles


def actions_for(status: str, role: str) -> list[tuple[str, Transition]]:
    return [(name, t) for name, t in TRANSITIONS.items() if allowed(name, status, role)]
