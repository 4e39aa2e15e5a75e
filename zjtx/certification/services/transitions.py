# mypy: disallow-untyped-defs
"""The one transition service that reads workflow.TRANSITIONS, and batch decisions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zjtx.accounts.models import Role, User
from zjtx.core.errors import DomainError, NotFound

from .. import permissions, selectors
from ..errors import CertificationError, TransitionNotAllowed
from ..models import (
    Application,
    ApplicationEvent,
    ExpertAssignment,
    Round,
)
from ..notices_text import application_notify
from ..workflow import (
    QUOTA_STATES,
    TRANSITIONS,
    guard,
    over_quota,
    reasons_for,
)
from ._common import (
    BAR_YEARS,
    _audit,
    _require_city,
    _shift_year,
    certificate_valid_until,
)
from .applications import (
    rereview,
)

OUTCOME_ACTIONS = frozenset({"return", "reject", "certify", "remove", "revoke"})


def _next_actors(application: Application, action: str) -> list[Any]:
    """Who acts next, read from the transition table: the roles that may leave the new state,
    within the application's scope; the enterprise also hears every outcome."""
    target = TRANSITIONS[action].target
    roles = {r for t in TRANSITIONS.values() if t.source == target and t.manual for r in t.roles}
    if action in OUTCOME_ACTIONS:
        roles.add(Role.ENTERPRISE)
    users = User.objects.filter(is_active=True)
    recipients: list[Any] = []
    if Role.ENTERPRISE in roles:
        recipients += list(
            users.filter(role=Role.ENTERPRISE, enterprise_id=application.enterprise_id)
        )
    if Role.UNIT_OFFICER in roles:
        recipients += list(
            users.filter(role=Role.UNIT_OFFICER, unit_id=application.enterprise.unit_id)
        )
    if Role.CITY_OFFICER in roles:
        recipients += list(users.filter(role=Role.CITY_OFFICER))
    return recipients


def _notify(application: Application, action: str, reason: str = "") -> None:
    """Tell the next actor and the enterprise in Chinese; e-mail/SMS after commit by preference."""
    application_notify(application, action, reason, next_actors=_next_actors(application, action))


def _check_reason(action: str, reason_code: str, reason: str) -> None:
    reasons = reasons_for(action)
    errors: dict[str, str] = {}
    if reason_code not in reasons:
        errors["reason_code"] = _("Choose a reason from the list.")
    if not reason.strip():
        errors["reason"] = _("Explain the reason.")
    if errors:
        raise CertificationError("reason_required", _("This action needs a reason."), errors)


def _quota_check(app: Application, reason: str) -> dict[str, Any]:
    """Approving beyond the round's quota needs an explicit over-quota reason (DOMAIN §9)."""
    # The round row is locked so two officers cannot both take the last place.
    rnd = Round.objects.select_for_update().get(pk=app.round_id)
    taken = rnd.applications.filter(status__in=QUOTA_STATES).exclude(pk=app.pk).count()
    if not over_quota(taken, rnd.quota):
        return {}
    if not reason.strip():
        raise CertificationError(
            "over_quota_reason_required",
            _("The round's quota of %(quota)s is reached; give the reason for approving more.")
            % {"quota": rnd.quota},
            {"reason": _("Give the over-quota reason.")},
        )
    return {"over_quota": True, "quota": rnd.quota, "approved_before": taken}


@transaction.atomic
def application_transition(
    *,
    application: Application,
    action: str,
    actor: Any,
    reason_code: str = "",
    reason: str = "",
    rank: int | None = None,
    opinion: str = "",
) -> Application:
    """Take one transition of the table; the row is locked so two officers produce one decision.

    Guards read the server's date, never one supplied by a caller."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise TransitionNotAllowed("unknown_action", _("Unknown action."), {"action": action})
    app = (
        Application.objects.select_for_update(of=("self",))
        .select_related("round", "enterprise", "unit", "notice")
        .get(pk=application.pk)
    )
    if not permissions.in_scope(actor, app):
        raise NotFound("not_found", _("Not found."))
    if actor.role not in transition.roles:
        raise TransitionNotAllowed("not_allowed", _("Your role cannot take this action."))
    if app.status != transition.source:
        raise TransitionNotAllowed(
            "invalid_transition",
            _("This action is not possible while the application is “%(status)s”.")
            % {"status": app.get_status_display()},
        )
    if transition.needs_reason:
        _check_reason(action, reason_code, reason)
    today = timezone.localdate()
    failure = guard(app, action, today)
    if failure is not None:
        raise TransitionNotAllowed(failure.code, failure.message)
    now = timezone.now()
    source = app.status
    details: dict[str, Any] = {}
    if action in ("submit", "resubmit"):
        app.submitted_at = now
    elif action == "recommend":
        if rank is None or rank < 1:
            raise CertificationError(
                "rank_required",
                _("Give the ranking among the unit's applications."),
                {"rank": _("Required")},
            )
        app.unit_rank = rank
        app.unit_opinion = opinion.strip()
    elif action == "complete_review":
        totals = [
            a.total
            for a in app.assignments.filter(status=ExpertAssignment.Status.SUBMITTED)
            if a.total is not None
        ]
        app.expert_score = selectors.aggregate(totals, app.round.aggregation)
    elif action in ("approve", "reject"):
        if action == "approve":
            details = _quota_check(app, reason)
        app.decided_at = now
        app.decided_by = actor
        app.decision_reason = reason.strip()
    elif action == "remove":
        app.decision_reason = reason.strip()
    elif action == "renew":
        details = rereview(app, today)
        if details.get("result", {}).get("eligible") is False:
            raise TransitionNotAllowed(
                "rereview_failed",
                _(
                    "The data on file no longer meet the criteria; revoke with the reason “failed re-review”."
                ),
            )
        assert app.valid_until is not None
        app.valid_until = certificate_valid_until(app.valid_until + timedelta(days=1))
    elif action == "revoke":
        app.revoked_on = today
        app.revocation_reason = reason_code
        app.barred_until = _shift_year(today, BAR_YEARS)
    app.status = transition.target
    app.status_changed_at = now
    app.save()
    ApplicationEvent.objects.create(
        application=app,
        action=action,
        details=details,
        source=source,
        target=transition.target,
        reason_code=reason_code,
        reason=reason.strip(),
        actor=actor if getattr(actor, "pk", None) else None,
    )
    _audit(
        actor,
        f"application_{action}",
        app,
        before={"status": source},
        after={
            "status": app.status,
            "reason_code": reason_code,
            "reason": reason.strip(),
            "rank": rank,
        },
    )
    _notify(app, action, reason.strip())
    return app


@dataclass
class BatchReport:
    done: list[int] = field(default_factory=list)
    skipped: dict[int, str] = field(default_factory=dict)


def applications_transition_batch(*, round: Round, action: str, actor: Any) -> BatchReport:
    """Take `action` on every application of the round it applies to; others are listed as skipped."""
    _require_city(actor)
    transition = TRANSITIONS[action]
    report = BatchReport()
    for app in round.applications.filter(status=transition.source).order_by("id"):
        try:
            application_transition(application=app, action=action, actor=actor)
        except DomainError as exc:
            report.skipped[app.pk] = exc.message
        else:
            report.done.append(app.pk)
    return report


@dataclass(frozen=True)
class Decision:
    application_id: int
    decision: str  # approve | reject
    reason_code: str = ""
    reason: str = ""


@transaction.atomic
def applications_decide(
    *, round: Round, decisions: Sequence[Decision], actor: Any
) -> list[Application]:
    """Batch decision: all or nothing; every rejection carries a reason (DOMAIN §9)."""
    _require_city(actor)
    rnd = Round.objects.select_for_update().get(pk=round.pk)
    errors: dict[str, str] = {}
    ids = {a.pk for a in rnd.applications.all()}
    taken = rnd.applications.filter(status__in=QUOTA_STATES).count()
    for d in decisions:
        if d.application_id not in ids:
            errors[str(d.application_id)] = _("Not in this round.")
        elif d.decision not in ("approve", "reject"):
            errors[str(d.application_id)] = _("Approve or reject.")
        elif d.decision == "reject" and (
            d.reason_code not in reasons_for("reject") or not d.reason.strip()
        ):
            errors[str(d.application_id)] = _("A rejection needs a reason.")
        elif d.decision == "approve":
            if over_quota(taken, rnd.quota) and not d.reason.strip():
                errors[str(d.application_id)] = _("Beyond the quota: give the over-quota reason.")
            taken += 1
    if errors:
        raise CertificationError("invalid_decisions", _("Some decisions are incomplete."), errors)
    done = []
    for d in decisions:
        app = Application.objects.get(pk=d.application_id)
        done.append(
            application_transition(
                application=app,
                action=d.decision,
                actor=actor,
                reason_code=d.reason_code,
                reason=d.reason,
            )
        )
    return done
