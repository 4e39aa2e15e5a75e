# mypy: disallow-untyped-defs
"""The expert pool, conflict detection (回避), load, and score statistics."""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext_noop

from zjtx.accounts.models import Role
from zjtx.core import credit_code

from .. import permissions
from ..models import (
    Application,
    ExpertAssignment,
    ExpertProfile,
    ExpertRelation,
    Round,
)
from ._common import CENT, _not_found

if TYPE_CHECKING:
    from zjtx.accounts.models import User


def expert_pool() -> QuerySet[ExpertProfile]:
    return (
        ExpertProfile.objects.filter(active=True, user__is_active=True, user__role=Role.EXPERT)
        .select_related("user", "unit")
        .order_by("user__username")
    )


def expert_users() -> QuerySet[Any]:
    """Every user with the expert role, with the pool profile when there is one."""
    from zjtx.accounts.models import User

    return (
        User.objects.filter(role=Role.EXPERT).select_related("expert_profile").order_by("username")
    )


def expert_for_user(*, user: User) -> ExpertProfile:
    if not permissions.is_expert(user):
        raise _not_found()
    found = ExpertProfile.objects.filter(user_id=user.pk).first()
    if found is None:
        raise _not_found()
    return found


def industry_division(code: str | None) -> str:
    """GB/T 4754 division of an industry code: C3670 → C36."""
    return (code or "")[:3].upper()


def expertise_matches(*, expert: ExpertProfile, application: Application) -> bool:
    division = industry_division(application.enterprise.industry_id)
    return bool(division) and division in {str(f).upper()[:3] for f in expert.fields or []}


@dataclass
class ConflictIndex:
    """Declared relations and declared conflicts, loaded once for a batch of checks."""

    relations: set[tuple[int, int]] = field(default_factory=set)
    declined_conflicts: set[tuple[int, int]] = field(default_factory=set)

    @classmethod
    def load(cls, expert_ids: Iterable[int] | None = None) -> ConflictIndex:
        rel = ExpertRelation.objects.all()
        dec = ExpertAssignment.objects.filter(
            status=ExpertAssignment.Status.DECLINED,
            decline_reason=ExpertAssignment.DeclineReason.CONFLICT,
        )
        if expert_ids is not None:
            ids = list(expert_ids)
            rel = rel.filter(expert_id__in=ids)
            dec = dec.filter(expert_id__in=ids)
        return cls(
            relations=set(rel.values_list("expert_id", "enterprise_id")),
            declined_conflicts=set(dec.values_list("expert_id", "application__enterprise_id")),
        )


CONFLICT_LABELS = {
    "same_employer": gettext_noop("Same employer as the enterprise"),
    "same_unit": gettext_noop("Same assessment unit as the enterprise"),
    "declared_relation": gettext_noop("Declared relation with the enterprise"),
    "declared_conflict": gettext_noop("Declared a conflict with the enterprise"),
}


def _name_key(name: str | None) -> str:
    """A company name compared without width or spacing differences (（）and () alike)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name or ""))


def expert_conflicts(
    *, expert: ExpertProfile, application: Application, index: ConflictIndex | None = None
) -> list[str]:
    """Why the expert must stay out (回避), as codes; empty when there is no conflict."""
    index = index or ConflictIndex.load([expert.pk])
    enterprise = application.enterprise
    found = []
    # One normaliser on both sides: a full-width or spaced employer code still matches.
    code = credit_code.normalize(expert.employer_credit_code)
    name = _name_key(expert.employer_name)
    if (code and code == credit_code.normalize(enterprise.credit_code)) or (
        name and name == _name_key(enterprise.name)
    ):
        found.append("same_employer")
    if expert.unit_id and expert.unit_id == application.unit_id:
        found.append("same_unit")
    if (expert.pk, enterprise.pk) in index.relations:
        found.append("declared_relation")
    if (expert.pk, enterprise.pk) in index.declined_conflicts:
        found.append("declared_conflict")
    return found


def expert_load(*, round: Round) -> dict[int, int]:
    """Active assignments per expert in the round."""
    rows = (
        ExpertAssignment.objects.filter(
            application__round=round, status__in=permissions.ACTIVE_ASSIGNMENT
        )
        .values("expert_id")
        .annotate(n=Count("pk"))
    )
    return {row["expert_id"]: row["n"] for row in rows}


def assignments_of(*, application: Application) -> QuerySet[ExpertAssignment]:
    return (
        application.assignments.select_related("expert__user", "expert__unit")
        .prefetch_related("scores")
        .order_by("id")
    )


def assignment_for(*, user: User, application: Application) -> ExpertAssignment | None:
    if not permissions.is_expert(user):
        return None
    return (
        application.assignments.filter(expert__user_id=user.pk).prefetch_related("scores").first()
    )


def assignment_get_for_expert(*, pk: int, user: User) -> ExpertAssignment:
    found = (
        ExpertAssignment.objects.filter(
            pk=pk, expert__user_id=user.pk, status__in=permissions.ACTIVE_ASSIGNMENT
        )
        .select_related("application__round", "application__enterprise")
        .first()
        if permissions.is_expert(user)
        else None
    )
    if found is None:
        raise _not_found()
    return found


def aggregate(totals: list[Decimal], method: str) -> Decimal | None:
    """Mean, or trimmed mean dropping one highest and one lowest when three or more scored."""
    if not totals:
        return None
    values = sorted(totals)
    if method == Round.Aggregation.TRIMMED_MEAN and len(values) >= 3:
        values = values[1:-1]
    return (sum(values, Decimal(0)) / len(values)).quantize(CENT, rounding=ROUND_HALF_UP)


Z_LIMIT = Decimal(2)


def z_score(value: Decimal, others: list[Decimal], max_points: Decimal) -> Decimal | None:
    """How far a score lies from the rest of the panel, in the others' standard deviations.

    The deviation is floored at 10% of the indicator's maximum, so that a panel that agrees
    exactly does not make every small difference an outlier. None with fewer than 2 others.
    """
    if len(others) < 2:
        return None
    mean = sum(others, Decimal(0)) / len(others)
    spread = Decimal(str(statistics.stdev([float(o) for o in others])))
    spread = max(spread, max_points / 10, Decimal("0.01"))
    return ((value - mean) / spread).quantize(CENT, rounding=ROUND_HALF_UP)
