"""Enterprise verification workflow as data, run by the one engine (zjtx/core/workflow.py).

A self-registration waits (pending) for a unit officer of its unit or a city officer, who
verifies it or rejects it with a written reason (DOMAIN §9).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zjtx.accounts.models import Role
from zjtx.core.workflow import GuardFailure, Step, Transition, Workflow

from .models import Enterprise

if TYPE_CHECKING:
    from zjtx.accounts.models import User


Status = Enterprise.Status
REASON_LIMIT = Enterprise._meta.get_field("status_reason").max_length or 255


def reason_fits(step: Step) -> GuardFailure | None:
    """The reason is stored whole: longer than its column is refused, naming the field."""
    if len(step.reason) > REASON_LIMIT:
        message = _("%(field)s is too long (at most %(limit)s characters).") % {
            "field": _("reason"),
            "limit": REASON_LIMIT,
        }
        return GuardFailure("too_long", message, {"reason": message})
    return None


def stamp_verified(step: Step) -> None:
    step.obj.status_reason = ""
    step.obj.verified_at = step.now
    step.obj.verified_by = step.actor


def keep_reason(step: Step) -> None:
    step.obj.status_reason = step.reason


def in_scope(actor: User, enterprise: Enterprise) -> bool:
    """A unit officer of the enterprise's unit, or a city officer (anyone else: 404)."""
    from .services._common import _staff_sees

    return _staff_sees(actor, enterprise)


def notify_enterprise(step: Step) -> None:
    """The registrant learns the outcome (and why, when rejected)."""
    from zjtx.accounts.models import User
    from zjtx.core.notifications import notify

    enterprise = step.obj
    title = (
        _("The registration of %(name)s is verified by its unit.")
        if step.action == "verify"
        else _("The registration of %(name)s was not accepted.")
    )
    notify(
        recipients=User.objects.filter(role=Role.ENTERPRISE, enterprise_id=enterprise.pk),
        title=title,
        params={"name": enterprise.name},
        body=step.reason,
        url=reverse("enterprises:detail", args=[enterprise.credit_code]),
        kind="registration_outcome",
    )


ENTERPRISE_VERIFICATION = Workflow(
    name="enterprise",
    model=Enterprise,
    states=dict(Status.choices),
    transitions={
        "verify": Transition(
            frozenset({Status.PENDING}),
            Status.VERIFIED,
            frozenset({Role.UNIT_OFFICER, Role.CITY_OFFICER}),
            _("Verify"),
            effects=(stamp_verified,),
            style="success",
        ),
        "reject": Transition(
            frozenset({Status.PENDING}),
            Status.REJECTED,
            frozenset({Role.UNIT_OFFICER, Role.CITY_OFFICER}),
            _("Reject"),
            needs_reason=True,
            guards=(reason_fits,),
            effects=(keep_reason,),
            style="outline-danger",
        ),
    },
    waiting_for={Status.PENDING: Role.UNIT_OFFICER},
    in_scope=in_scope,
    notify=notify_enterprise,
    audited_fields=("status_reason",),
)
