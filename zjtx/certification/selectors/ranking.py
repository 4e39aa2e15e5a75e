# mypy: disallow-untyped-defs
"""The ranked list with the quota line and tie-break rule, and each role's queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from zjtx.accounts.models import Role

from .. import permissions
from ..models import (
    Application,
    ExpertAssignment,
    Round,
)
from ..workflow import WAITING_FOR
from .applications import (
    application_qs_for,
    rd_ratio,
)

if TYPE_CHECKING:
    from zjtx.accounts.models import User


@dataclass
class RankRow:
    application: Application
    position: int
    score: Decimal | None
    rd_ratio: Decimal | None
    within_quota: bool
    over_unit_quota: bool = False


def ranking_key(application: Application) -> tuple[Any, ...]:
    """Tie-break rule: expert score (high first), then R&D ratio (high first), then earlier
    submission, then the lower application id. Unknown values sort last."""
    score = application.expert_score
    ratio = rd_ratio(application)
    submitted = application.submitted_at or datetime.max.replace(tzinfo=UTC)
    return (
        score is None,
        -(score or Decimal(0)),
        ratio is None,
        -(ratio or Decimal(0)),
        submitted,
        application.pk,
    )


RANKED_STATES = (
    Application.Status.REVIEWED,
    Application.Status.APPROVED,
    Application.Status.REJECTED,
    Application.Status.IN_NOTICE,
    Application.Status.CERTIFIED,
    Application.Status.REMOVED,
)


def round_ranking(*, round: Round) -> list[RankRow]:
    """Reviewed applications in rank order with the quota line (overall and per unit)."""
    apps = list(
        round.applications.filter(status__in=RANKED_STATES).select_related(
            "enterprise", "unit", "round"
        )
    )
    apps.sort(key=ranking_key)
    unit_quotas: dict[str, int] = {
        str(k): int(v) for k, v in (round.unit_quotas or {}).items() if str(v).isdigit()
    }
    taken = 0
    by_unit: dict[str, int] = {}
    rows = []
    for position, app in enumerate(apps, start=1):
        code = app.unit.code
        unit_cap = unit_quotas.get(code)
        over_unit = unit_cap is not None and by_unit.get(code, 0) >= unit_cap
        within = taken < round.quota and not over_unit
        if within:
            taken += 1
            by_unit[code] = by_unit.get(code, 0) + 1
        rows.append(
            RankRow(
                application=app,
                position=position,
                score=app.expert_score,
                rd_ratio=rd_ratio(app),
                within_quota=within,
                over_unit_quota=over_unit,
            )
        )
    return rows


# ------------------------------------------------------------------ queues


@dataclass
class QueueRow:
    application: Application
    waiting_days: int
    what: str


def _waited(since: datetime | None, now: datetime) -> int:
    return max(0, (now - since).days) if since else 0


def queue_for(*, user: User) -> list[QueueRow]:
    """What waits for this user now, oldest first, with how long it has waited."""
    now = timezone.now()
    rows: list[QueueRow] = []
    if not permissions.can_see_rounds(user):
        return rows
    if user.role == Role.EXPERT:
        for assignment in (
            ExpertAssignment.objects.filter(
                expert__user_id=user.pk,
                status=ExpertAssignment.Status.ASSIGNED,
                application__status=Application.Status.EXPERT_REVIEW,
            )
            .select_related("application__enterprise", "application__round", "application__unit")
            .order_by("assigned_at")
        ):
            rows.append(
                QueueRow(
                    assignment.application,
                    _waited(assignment.assigned_at, now),
                    _("Expert scoring"),
                )
            )
        return rows
    qs = application_qs_for(user=user)
    waiting_states = [s for s, role in WAITING_FOR.items() if role == user.role]
    for app in qs.filter(status__in=waiting_states).order_by("status_changed_at", "id"):
        rows.append(
            QueueRow(
                app, _waited(app.status_changed_at or app.created_at, now), app.get_status_display()
            )
        )
    return rows


def status_counts(*, user: User, round_id: int | None = None) -> dict[str, int]:
    qs = application_qs_for(user=user)
    if round_id is not None:
        qs = qs.filter(round_id=round_id)
    return {
        row["status"]: row["n"]
        for row in qs.order_by().values("status").annotate(n=Count("pk", distinct=True))
    }
