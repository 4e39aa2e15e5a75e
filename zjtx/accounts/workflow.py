"""Maker-checker for privileged account changes (三员分立, 等保2.0 8.1.7), on the one engine.

The system administrator proposes; only the security administrator approves or rejects (with a
reason) and never a request about their own account; the proposer may cancel while pending.
Approval applies the change in the same transaction (`services.grant_apply`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from zjtx.core.workflow import GuardFailure, Step, Transition, Workflow

from .models import Role, RoleGrantRequest

if TYPE_CHECKING:
    from zjtx.accounts.models import User


Status = RoleGrantRequest.Status
ADMINS = frozenset({Role.SYSADMIN, Role.SECADMIN})


def _not_about_self(step: Step) -> GuardFailure | None:
    obj = step.obj
    if obj.target_id is not None and obj.target_id == step.actor.pk:
        return GuardFailure(
            "own_account",
            _("You cannot decide a request about your own account."),
        )
    if obj.requested_by_id == step.actor.pk:
        return GuardFailure("own_request", _("You cannot decide your own request."))
    return None


def _proposer_only(step: Step) -> GuardFailure | None:
    if step.obj.requested_by_id != step.actor.pk:
        return GuardFailure(
            "not_proposer", _("Only the administrator who made the request can cancel it.")
        )
    return None


def _apply(step: Step) -> None:
    from .services import grant_apply

    step.details.update(grant_apply(grant=step.obj, actor=step.actor))


def _decided(step: Step) -> None:
    step.obj.decided_by = step.actor
    step.obj.decided_at = step.now
    if step.reason:
        step.obj.reason = step.reason


def _in_scope(actor: User, obj: Any) -> bool:
    return bool(actor.has_role(*ADMINS))


def _notify_decision(step: Step) -> None:
    """The proposer learns the security administrator's decision (in Chinese)."""
    from zjtx.core.notifications import notify

    if step.action == "cancel":
        return
    grant = step.obj
    notify(
        recipients=[grant.requested_by],
        title=(
            _("Your account request (%(kind)s) is approved.")
            if step.action == "approve"
            else _("Your account request (%(kind)s) was rejected.")
        ),
        params={"kind": grant.get_kind_display()},
        body=step.reason,
        kind="role_request",
    )


def notify_proposed(grant: Any) -> None:
    """The security administrators learn that a request waits for their approval."""
    from zjtx.core.notifications import notify

    from .models import User

    notify(
        recipients=User.objects.filter(role=Role.SECADMIN, is_active=True),
        title=_("An account request (%(kind)s) from %(proposer)s awaits your approval."),
        params={
            "kind": grant.get_kind_display(),
            "proposer": grant.requested_by.display_name,
        },
        kind="role_request",
    )


GRANT_WORKFLOW = Workflow(
    name="role_grant",
    model=RoleGrantRequest,
    states={s.value: s.label for s in Status},
    transitions={
        "approve": Transition(
            sources=frozenset({Status.PENDING}),
            target=Status.APPROVED,
            roles=frozenset({Role.SECADMIN}),
            label=_("Approve"),
            guards=(_not_about_self,),
            effects=(_decided, _apply),
            style="success",
        ),
        "reject": Transition(
            sources=frozenset({Status.PENDING}),
            target=Status.REJECTED,
            roles=frozenset({Role.SECADMIN}),
            label=_("Reject"),
            needs_reason=True,
            guards=(_not_about_self,),
            effects=(_decided,),
            style="danger",
        ),
        "cancel": Transition(
            sources=frozenset({Status.PENDING}),
            target=Status.CANCELLED,
            roles=frozenset({Role.SYSADMIN}),
            label=_("Cancel request"),
            guards=(_proposer_only,),
            effects=(_decided,),
            style="secondary",
        ),
    },
    waiting_for={Status.PENDING: Role.SECADMIN},
    in_scope=_in_scope,
    notify=_notify_decision,
    audited_fields=("kind", "username", "role", "previous_role", "target_id"),
)
