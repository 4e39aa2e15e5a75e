# mypy: disallow-untyped-defs
"""Expert pool, conflict-free assignment, declines with reasons, scoring with outlier checks."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from zjtx.accounts.models import Role
from zjtx.core import credit_code
from zjtx.core.errors import Conflict, ErrorCode, NotFound
from zjtx.core.workflow import check, clock_start, run
from zjtx.enterprises.models import Enterprise

from .. import permissions, selectors
from ..errors import CertificationError, CertificationErrorCode, TransitionNotAllowed
from ..models import (
    Application,
    ExpertAssignment,
    ExpertProfile,
    ExpertRelation,
    ExpertScore,
    Round,
)
from ..notices_text import assignment_notify
from ..workflow import ASSIGNMENT
from ._common import (
    _audit,
    _require_city,
)

if TYPE_CHECKING:
    from zjtx.accounts.models import User


@transaction.atomic
def expert_profile_save(
    *,
    user: User,
    actor: User,
    employer_name: str = "",
    employer_credit_code: str = "",
    unit: Any = None,
    fields: Sequence[str] = (),
    active: bool = True,
) -> ExpertProfile:
    """Register or update a member of the expert pool (专家库)."""
    _require_city(actor)
    if user.role != Role.EXPERT:
        raise CertificationError(
            CertificationErrorCode.NOT_AN_EXPERT, _("The user does not have the expert role.")
        )
    code = credit_code.normalize(employer_credit_code)
    if len(code) > CREDIT_CODE_LENGTH:
        raise CertificationError(
            CertificationErrorCode.INVALID_CREDIT_CODE,
            _("The employer's credit code has 18 characters."),
            {"employer_credit_code": _("The employer's credit code has 18 characters.")},
        )
    profile, _created = ExpertProfile.objects.update_or_create(
        user=user,
        defaults={
            "employer_name": employer_name.strip(),
            "employer_credit_code": code,
            "unit": unit,
            "fields": [str(f).strip().upper() for f in fields if str(f).strip()],
            "active": active,
        },
    )
    _audit(
        actor,
        "expert_save",
        profile,
        after={"fields": profile.fields, "unit": getattr(unit, "pk", None)},
    )
    return profile


@transaction.atomic
def expert_relation_declare(
    *, expert: ExpertProfile, enterprise: Enterprise, kind: str, note: str, actor: User
) -> ExpertRelation:
    """An expert (or the city officer) declares a relation with an enterprise; it excludes the expert."""
    if not (permissions.is_city(actor) or actor.pk == expert.user_id):
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    if kind not in ExpertRelation.Kind.values:
        raise CertificationError(
            CertificationErrorCode.INVALID_KIND, _("Unknown relation."), {"kind": kind}
        )
    relation, _created = ExpertRelation.objects.get_or_create(
        expert=expert, enterprise=enterprise, kind=kind, defaults={"note": note.strip()}
    )
    _audit(actor, "expert_relation", relation, after={"enterprise": enterprise.pk, "kind": kind})
    return relation


CREDIT_CODE_LENGTH = 18

ASSIGNABLE_STATES = (Application.Status.RECOMMENDED, Application.Status.EXPERT_REVIEW)


@dataclass
class AssignmentReport:
    created: int = 0
    short: dict[int, int] = field(default_factory=dict)  # application id -> experts still missing


@transaction.atomic
def experts_assign_auto(
    *, round: Round, actor: User, per_application: int | None = None
) -> AssignmentReport:
    """Assign N experts to each recommended application: no conflict, expertise first, least load.

    Most-constrained applications are served first; ties break on a stable hash so a re-run
    gives the same panel (peer-systems §4.3: constraints + load balance + affinity).
    """
    _require_city(actor)
    n = per_application or round.experts_per_application
    apps = list(
        round.applications.filter(status__in=ASSIGNABLE_STATES)
        .select_related("enterprise", "unit")
        .select_for_update(of=("self",))
    )
    experts = list(selectors.expert_pool())
    index = selectors.ConflictIndex.load([e.pk for e in experts])
    load = selectors.expert_load(round=round)
    existing: dict[int, set[int]] = {}
    active_count: dict[int, int] = {}
    for a in ExpertAssignment.objects.filter(application__in=apps):
        existing.setdefault(a.application_id, set()).add(a.expert_id)
        if a.status in permissions.ACTIVE_ASSIGNMENT:
            active_count[a.application_id] = active_count.get(a.application_id, 0) + 1
    plans = []
    for app in apps:
        need = n - active_count.get(app.pk, 0)
        if need <= 0:
            continue
        candidates = [
            e
            for e in experts
            if e.pk not in existing.get(app.pk, set())
            and not selectors.expert_conflicts(expert=e, application=app, index=index)
        ]
        plans.append((len(candidates) - need, app, need, candidates))
    plans.sort(key=lambda p: (p[0], p[1].pk))
    report = AssignmentReport()
    for _slack, app, need, candidates in plans:

        def rank(e: ExpertProfile, app: Application = app) -> tuple[int, int, str]:
            stable = hashlib.sha256(f"{app.pk}:{e.pk}".encode()).hexdigest()
            return (
                0 if selectors.expertise_matches(expert=e, application=app) else 1,
                load.get(e.pk, 0),
                stable,
            )

        chosen = sorted(candidates, key=rank)[:need]
        for e in chosen:
            row = ExpertAssignment.objects.create(application=app, expert=e, assigned_by=actor)
            clock_start(ASSIGNMENT, row)
            assignment_notify(row)
            load[e.pk] = load.get(e.pk, 0) + 1
            report.created += 1
        if len(chosen) < need:
            report.short[app.pk] = need - len(chosen)
    _audit(
        actor,
        "experts_assign_auto",
        round,
        after={"created": report.created, "short": report.short},
    )
    return report


@transaction.atomic
def expert_assign(
    *, application: Application, expert: ExpertProfile, actor: User
) -> ExpertAssignment:
    """The city officer adds an expert by hand; a conflict still excludes."""
    _require_city(actor)
    app = (
        Application.objects.select_for_update().select_related("enterprise").get(pk=application.pk)
    )
    if app.status not in ASSIGNABLE_STATES:
        raise TransitionNotAllowed(
            "not_assignable", _("Experts are assigned after the unit recommends.")
        )
    conflicts = selectors.expert_conflicts(expert=expert, application=app)
    if conflicts:
        raise Conflict(
            CertificationErrorCode.EXPERT_CONFLICT,
            _("The expert has a conflict of interest with this enterprise."),
            {"expert": ", ".join(conflicts)},
        )
    existing = ExpertAssignment.objects.filter(application=app, expert=expert).first()
    if existing is not None and existing.status in permissions.ACTIVE_ASSIGNMENT:
        raise Conflict(
            CertificationErrorCode.ALREADY_ASSIGNED, _("The expert is already on this panel.")
        )
    if existing is not None:
        if existing.status == ExpertAssignment.Status.DECLINED:
            raise Conflict(
                CertificationErrorCode.EXPERT_DECLINED, _("The expert declined this application.")
            )
        assignment = run(ASSIGNMENT, existing, "reassign", actor=actor)
    else:
        assignment = ExpertAssignment.objects.create(
            application=app, expert=expert, assigned_by=actor
        )
        clock_start(ASSIGNMENT, assignment)
    _audit(actor, "expert_assign", app, after={"expert": expert.pk})
    assignment_notify(assignment)
    return assignment


def assignment_remove(*, assignment: ExpertAssignment, actor: User, note: str) -> ExpertAssignment:
    """The city officer takes an expert off a panel with a written reason (`workflow.ASSIGNMENT`);
    submitted scores stay out."""
    row: ExpertAssignment = run(ASSIGNMENT, assignment, "remove", actor=actor, reason=note)
    return row


def assignment_decline(
    *, assignment: ExpertAssignment, reason_code: str, note: str, actor: User
) -> ExpertAssignment:
    """An expert declines with a listed reason and a note; a declared conflict excludes them
    from the enterprise later."""
    row: ExpertAssignment = run(
        ASSIGNMENT, assignment, "decline", actor=actor, reason_code=reason_code, reason=note
    )
    return row


SCORE_PLACES: int = ExpertScore._meta.get_field("score").decimal_places  # type: ignore[union-attr]
SCORE_STEP = Decimal(1).scaleb(-SCORE_PLACES)


@dataclass(frozen=True)
class ScoreIn:
    indicator: str
    score: Decimal
    comment: str = ""
    justification: str = ""


@transaction.atomic
def scores_submit(
    *, assignment: ExpertAssignment, scores: Sequence[ScoreIn], actor: User, undertaking: bool
) -> ExpertAssignment:
    """Score every rubric indicator under a signed undertaking (承诺书, DOMAIN §9); a score with
    |z| > 2 against the panel must be justified."""
    row = (
        ExpertAssignment.objects.select_for_update()
        .select_related("expert", "application__round")
        .get(pk=assignment.pk)
    )
    if row.expert.user_id != actor.pk or row.status not in permissions.ACTIVE_ASSIGNMENT:
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    # Submitted scores are locked: refused by the table before the scores are read.
    check(ASSIGNMENT, state=row.status, action="submit", role=actor.role)
    app = row.application
    if app.status != Application.Status.EXPERT_REVIEW:
        raise TransitionNotAllowed("not_in_review", _("The application is not in expert review."))
    if not undertaking:
        raise CertificationError(
            CertificationErrorCode.UNDERTAKING_REQUIRED,
            _("Confirm the impartiality and confidentiality undertaking first."),
            {"undertaking": _("Required")},
        )
    rubric = {
        str(i["id"]): Decimal(str(i["max_points"]))
        for i in app.form_schema.get("rubric") or app.round.rubric
    }
    given = {s.indicator: s for s in scores}
    errors: dict[str, str] = {}
    for ind in rubric:
        if ind not in given:
            errors[f"{ind}.score"] = _("Required")
    for ind, s in given.items():
        if ind not in rubric:
            errors[f"{ind}.score"] = _("Unknown indicator.")
        elif not s.score.is_finite() or not (Decimal(0) <= s.score <= rubric[ind]):
            errors[f"{ind}.score"] = _("Between 0 and %(max)s.") % {"max": rubric[ind]}
        elif s.score != s.score.quantize(SCORE_STEP, rounding=ROUND_HALF_UP):
            # Refused rather than rounded: SQLite would keep the digits, PostgreSQL round them.
            errors[f"{ind}.score"] = _("At most %(places)s decimal places.") % {
                "places": SCORE_PLACES
            }
    if errors:
        raise CertificationError(
            CertificationErrorCode.INVALID_SCORES, _("Some scores are invalid."), errors
        )
    panel: dict[str, list[Decimal]] = {}
    for other in ExpertScore.objects.filter(
        assignment__application=app, assignment__status=ExpertAssignment.Status.SUBMITTED
    ).exclude(assignment=row):
        panel.setdefault(other.indicator, []).append(other.score)
    for ind, s in given.items():
        z = selectors.z_score(s.score, panel.get(ind, []), rubric[ind])
        if z is not None and abs(z) > selectors.Z_LIMIT and not s.justification.strip():
            errors[f"{ind}.justification"] = _(
                "This score is far from the panel's (z = %(z)s); justify it."
            ) % {"z": z}
    if errors:
        raise CertificationError(
            CertificationErrorCode.JUSTIFICATION_REQUIRED, _("Justify the outlying scores."), errors
        )
    given = {ind: replace(s, score=s.score.quantize(SCORE_STEP)) for ind, s in given.items()}
    done: ExpertAssignment = run(ASSIGNMENT, row, "submit", actor=actor, data={"scores": given})
    return done
