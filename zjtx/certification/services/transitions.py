# mypy: disallow-untyped-defs
"""Application steps through the one workflow engine, and batch decisions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from zjtx.accounts.models import Role
from zjtx.core.errors import DomainError
from zjtx.core.workflow import WorkflowError, check, run

from ..errors import CertificationError, CertificationErrorCode
from ..models import Application, Round
from ..workflow import APPLICATION, QUOTA_STATES, over_quota
from ._common import _require_city

if TYPE_CHECKING:
    from zjtx.accounts.models import User

# Steps that change what the portal shows: the 公示 list, the decisions and certified lists.
PUBLIC_ACTIONS = frozenset({"publish", "remove", "certify", "revoke"})


def application_transition(
    *,
    application: Application,
    action: str,
    actor: User,
    reason_code: str = "",
    reason: str = "",
    rank: int | None = None,
    opinion: str = "",
) -> Application:
    """Take one step of `workflow.APPLICATION` (the engine locks, checks, audits, notifies).

    Guards read the server's date, never one supplied by a caller."""
    data: dict[str, Any] = {"rank": rank, "opinion": opinion}
    result: Application = run(
        APPLICATION,
        application,
        action,
        actor=actor,
        reason_code=reason_code,
        reason=reason,
        data=data,
    )
    from zjtx.cultivation.services import record_certified_tier  # the tier history (issue 13)

    record_certified_tier(application=result, action=action, actor=actor)
    if action in PUBLIC_ACTIONS:
        # The portal caches the 公示 and certified lists whole; drop them after the commit.
        from zjtx.portal.cache import pages_changed

        transaction.on_commit(pages_changed)
    return result


@dataclass
class BatchReport:
    done: list[int] = field(default_factory=list)
    skipped: dict[int, str] = field(default_factory=dict)


def applications_transition_batch(*, round: Round, action: str, actor: User) -> BatchReport:
    """Take `action` on every application of the round it applies to; others are listed as skipped.

    Expert review starts only once the round has closed and some recommended application has
    experts; otherwise the refusal says which of these is missing."""
    _require_city(actor)
    if action == "start_review":
        from ..selectors import start_review_refusal

        why = start_review_refusal(round=round, actor=actor)
        if why:
            raise CertificationError(CertificationErrorCode.REVIEW_NOT_STARTABLE, why)
    transition = APPLICATION.transitions[action]
    report = BatchReport()
    for app in round.applications.filter(status__in=transition.sources).order_by("id"):
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


def _reason_given(d: Decision) -> bool:
    """The engine's own reason rule for a rejection, checked for the whole batch first."""
    try:
        check(
            APPLICATION,
            state=Application.Status.REVIEWED,
            action="reject",
            role=Role.CITY_OFFICER,
            reason_code=d.reason_code,
            reason=d.reason,
        )
    except WorkflowError:
        return False
    return True


@transaction.atomic
def applications_decide(
    *, round: Round, decisions: Sequence[Decision], actor: User
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
        elif d.decision == "reject" and not _reason_given(d):
            errors[str(d.application_id)] = _("A rejection needs a reason.")
        elif d.decision == "approve":
            if over_quota(taken, rnd.quota) and not d.reason.strip():
                errors[str(d.application_id)] = _("Beyond the quota: give the over-quota reason.")
            taken += 1
    if errors:
        raise CertificationError(
            CertificationErrorCode.INVALID_DECISIONS, _("Some decisions are incomplete."), errors
        )
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
