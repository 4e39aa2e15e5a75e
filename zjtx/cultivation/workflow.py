"""Pool changes (入库/调整/出库, 芜湖实施意见 二(一) 梯次培育、动态管理) as data on the one engine.

proposed (the city's confirm clock runs) → confirmed (the tier history gets its record) or
returned to the unit with a reason → proposed again (resubmitted) or withdrawn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from zjtx.accounts.models import Role
from zjtx.core.workflow import Clock, GuardFailure, Step, Transition, Workflow

from .models import PoolChange

if TYPE_CHECKING:
    from zjtx.accounts.models import User


Status = PoolChange.Status
CITY = frozenset({Role.CITY_OFFICER})
UNIT = frozenset({Role.UNIT_OFFICER, Role.CITY_OFFICER})
CONFIRM_WORKING_DAYS = 10


def pool_unchanged(step: Step) -> GuardFailure | None:
    """The enterprise must still be where the proposal says it is (no other change came first)."""
    from .selectors import tier_state_of

    current = tier_state_of(enterprise_id=step.obj.enterprise_id, on=step.today).pool
    if current != step.obj.from_pool:
        return GuardFailure(
            "pool_moved",
            _("The enterprise's pool changed after this proposal; return it to the unit."),
        )
    return None


def record_tier(step: Step) -> None:
    from .services import tier_write

    change: PoolChange = step.obj
    record = tier_write(
        enterprise=change.enterprise,
        track="pool",
        tier=change.to_pool,
        action="exit" if change.to_pool == "none" else "enter",
        on=step.today,
        reason=change.reason,
        actor=step.actor,
        source="pool_change",
        source_ref=f"pool_change:{change.pk}",
        unit_id=change.unit_id,
    )
    change.decided_by = step.actor if getattr(step.actor, "pk", None) else None
    change.decided_on = step.today
    change.last_reason = step.reason
    step.details["tier_record"] = record.pk


def keep_reason(step: Step) -> None:
    step.obj.last_reason = step.reason
    if step.action == "return":
        step.obj.decided_by = step.actor if getattr(step.actor, "pk", None) else None
        step.obj.decided_on = step.today
    if step.action == "resubmit":
        new_reason = str(step.data.get("new_reason") or "").strip()
        if new_reason:
            step.obj.reason = new_reason[:500]
        step.obj.proposed_on = step.today


def in_scope(actor: User, change: PoolChange) -> bool:
    from .selectors import pool_change_list_for

    return pool_change_list_for(user=actor).filter(pk=change.pk).exists()


def notify_next(step: Step) -> None:
    from zjtx.accounts.models import User
    from zjtx.core.notifications import notify

    change: PoolChange = step.obj
    if change.status == Status.PROPOSED:
        recipients = list(User.objects.filter(role=Role.CITY_OFFICER, is_active=True))
    else:
        recipients = list(
            User.objects.filter(role=Role.UNIT_OFFICER, unit_id=change.unit_id, is_active=True)
        )
    if not recipients:
        return
    notify(
        recipients=recipients,
        title=_g("Pool change #%(id)s: %(status)s")
        % {"id": change.pk, "status": change.get_status_display()},
        body=step.reason,
        url=reverse("cultivation:change", args=[change.pk]),
    )


def clock_scope(change: PoolChange) -> dict[str, Any]:
    return {"unit_id": change.unit_id, "enterprise_id": change.enterprise_id}


POOL_CHANGE = Workflow(
    name="cultivation.pool_change",
    model=PoolChange,
    states=dict(Status.choices),
    transitions={
        "confirm": Transition(
            frozenset({Status.PROPOSED}),
            Status.CONFIRMED,
            CITY,
            _("Confirm the change"),
            guards=(pool_unchanged,),
            effects=(record_tier,),
            style="success",
        ),
        "return": Transition(
            frozenset({Status.PROPOSED}),
            Status.RETURNED,
            CITY,
            _("Return to the unit"),
            needs_reason=True,
            effects=(keep_reason,),
            style="outline-danger",
        ),
        "resubmit": Transition(
            frozenset({Status.RETURNED}),
            Status.PROPOSED,
            UNIT,
            _("Resubmit"),
            needs_reason=True,
            effects=(keep_reason,),
        ),
        "withdraw": Transition(
            frozenset({Status.PROPOSED, Status.RETURNED}),
            Status.WITHDRAWN,
            UNIT,
            _("Withdraw the proposal"),
            needs_reason=True,
            effects=(keep_reason,),
            style="outline-secondary",
        ),
    },
    waiting_for={Status.PROPOSED: Role.CITY_OFFICER, Status.RETURNED: Role.UNIT_OFFICER},
    clocks=(
        Clock(
            "confirm",
            _("City confirmation"),
            CONFIRM_WORKING_DAYS,
            runs_in=frozenset({Status.PROPOSED}),
            role=Role.CITY_OFFICER,
        ),
    ),
    in_scope=in_scope,
    notify=notify_next,
    clock_scope=clock_scope,
    audited_fields=("last_reason", "reason", "to_pool"),
)
