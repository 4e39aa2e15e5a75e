# mypy: disallow-untyped-defs
"""Where a round stands (the stepper on its page) and which round-level steps are possible now.

The stage is computed from the round's status (workflow.ROUND) and where its applications sit
(workflow.APPLICATION); each round-level step says why it is not possible when it is not, so
the page offers only what can be done and explains the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from zjtx.core.models import AuditEvent
from zjtx.core.workflow import actions_for, blocked_actions, guard_failure

from ..models import Application, ExpertAssignment, Round
from ..workflow import APPLICATION, ROUND

if TYPE_CHECKING:
    from zjtx.accounts.models import User


S = Application.Status

# The stepper: 申报中 → 已截止 → 初审 → 专家评审 → 决定 → 公示 → 认定 → 推荐省级.
STAGES: tuple[tuple[str, Any], ...] = (
    ("open", pgettext_lazy("round stage", "Applications open")),
    ("closed", pgettext_lazy("round stage", "Applications closed")),
    ("unit_review", pgettext_lazy("round stage", "Preliminary review")),
    ("expert_review", pgettext_lazy("round stage", "Expert review")),
    ("decision", pgettext_lazy("round stage", "Decision")),
    ("notice", pgettext_lazy("round stage", "Public notice")),
    ("certified", pgettext_lazy("round stage", "Certification")),
    ("province", pgettext_lazy("round stage", "Recommended to the province")),
)

# Which stage an application in each status sits in (drafts are still being written).
STAGE_OF: dict[str, str] = {
    S.DRAFT: "open",
    S.SUBMITTED: "unit_review",
    S.RETURNED: "unit_review",
    S.RECOMMENDED: "expert_review",
    S.EXPERT_REVIEW: "expert_review",
    S.REVIEWED: "decision",
    S.APPROVED: "notice",
    S.IN_NOTICE: "notice",
    S.CERTIFIED: "certified",
    S.REVOKED: "certified",
}
# Stages whose applications hold the round back once applications have closed.
PENDING_STAGES = ("unit_review", "expert_review", "decision", "notice")


@dataclass(frozen=True)
class StageStep:
    key: str
    label: str
    state: str  # done | current | upcoming
    count: int = 0


@dataclass(frozen=True)
class RoundStage:
    steps: list[StageStep]
    current: str  # the current step's key, "" while the round is a draft
    status_counts: dict[str, int]
    exported: bool

    @property
    def current_label(self) -> str:
        for step in self.steps:
            if step.key == self.current:
                return step.label
        return _("Not yet announced")


def _exported(rnd: Round) -> bool:
    return AuditEvent.objects.filter(
        object_type="certification.round",
        object_id=str(rnd.pk),
        action__in=("certification.round_export", "certification.round_export_zip"),
    ).exists()


def round_stage(*, round: Round) -> RoundStage:
    """The round's stepper: each stage done, current or upcoming, with its applications."""
    rows = round.applications.values("status").annotate(n=Count("id"))
    counts = {r["status"]: r["n"] for r in rows}
    per_stage: dict[str, int] = {}
    for status, n in counts.items():
        key = STAGE_OF.get(status)
        if key:
            per_stage[key] = per_stage.get(key, 0) + n
    exported = _exported(round)
    if round.status == Round.Status.DRAFT:
        current = ""
    elif round.status == Round.Status.OPEN:
        current = "open"
    else:
        pending = [k for k in PENDING_STAGES if per_stage.get(k)]
        if pending:
            current = pending[0]
        elif per_stage.get("certified"):
            current = "province"
        else:
            current = "closed"
    keys = [k for k, _label in STAGES]
    at = keys.index(current) if current else -1
    steps = []
    for i, (key, label) in enumerate(STAGES):
        if current == "province" and exported:
            state = "done"
        elif i < at:
            state = "done"
        elif i == at:
            state = "current"
        else:
            state = "upcoming"
        steps.append(StageStep(key, str(label), state, per_stage.get(key, 0)))
    return RoundStage(steps=steps, current=current, status_counts=counts, exported=exported)


@dataclass(frozen=True)
class RoundOp:
    """A round-level step on the page: offered when `possible`, else shown with `why`."""

    op: str
    label: str
    possible: bool
    why: str = ""
    style: str = "outline-primary"
    target: str = ""  # the round status a status move leads to
    needs_reason: bool = False


def _count(stage: RoundStage, *statuses: str) -> int:
    return sum(stage.status_counts.get(s, 0) for s in statuses)


def start_review_refusal(*, round: Round, actor: User, today: date | None = None) -> str:
    """Why expert review cannot start on the round now ("" when it can)."""
    today = today or timezone.localdate()
    if round.status != Round.Status.CLOSED:
        return _(
            "Applications are still open (the window closes on %(date)s): close the round "
            "first, then start the expert review."
        ) % {"date": round.closes_on.isoformat()}
    recommended = list(round.applications.filter(status=S.RECOMMENDED))
    if not recommended:
        return _("No application recommended by a unit is waiting for expert review.")
    without = [
        a
        for a in recommended
        if guard_failure(APPLICATION, a, "start_review", actor=actor, today=today) is not None
    ]
    if len(without) == len(recommended):
        return _(
            "None of the %(n)s recommended applications has experts yet: assign experts first."
        ) % {"n": len(recommended)}
    return ""


def round_ops(*, round: Round, user: User, stage: RoundStage | None = None) -> list[RoundOp]:
    """Every round-level step of the city officer, possible now or with the reason why not."""
    stage = stage or round_stage(round=round)
    today = timezone.localdate()
    ops: list[RoundOp] = []
    for _n, t in actions_for(ROUND, state=round.status, role=user.role):
        ops.append(
            RoundOp(
                "status",
                str(t.label),
                True,
                style=t.style,
                target=t.target,
                needs_reason=t.needs_reason,
            )
        )
    for _n, t, why in blocked_actions(ROUND, state=round.status, role=user.role):
        ops.append(RoundOp("status", str(t.label), False, why, style=t.style, target=t.target))

    if round.status != Round.Status.CLOSED:
        why = _("Experts are assigned once applications have closed.")
    elif not _count(stage, S.RECOMMENDED, S.EXPERT_REVIEW):
        why = _("No recommended application waits for experts.")
    else:
        why = ""
    ops.append(RoundOp("assign", _("Assign experts automatically"), not why, why))

    why = start_review_refusal(round=round, actor=user, today=today)
    ops.append(RoundOp("start_review", _("Start expert review"), not why, why))

    in_review = list(round.applications.filter(status=S.EXPERT_REVIEW))
    if not in_review:
        why = _("No application is in expert review.")
    else:
        pending = ExpertAssignment.objects.filter(
            application__in=in_review, status=ExpertAssignment.Status.ASSIGNED
        )
        waiting = pending.values("application_id").distinct().count()
        why = (
            _("Experts have not scored %(n)s of the %(total)s applications in review yet.")
            % {"n": waiting, "total": len(in_review)}
            if waiting == len(in_review)
            else ""
        )
    ops.append(RoundOp("complete_review", _("Close expert review"), not why, why))

    why = "" if _count(stage, S.REVIEWED) else _("No application has finished expert review.")
    ops.append(RoundOp("decide", _("Record decisions"), not why, why))

    why = (
        ""
        if _count(stage, S.APPROVED)
        else _("No application approved for the list waits for the public notice.")
    )
    ops.append(RoundOp("publish", _("Publish approved list"), not why, why))

    in_notice = list(round.applications.filter(status=S.IN_NOTICE).select_related("notice"))
    why = "" if in_notice else _("No application is in public notice.")
    for app in in_notice:
        failure = guard_failure(APPLICATION, app, "certify", actor=user, today=today)
        if failure is not None:
            why = str(failure.message)
            if app.notice is not None and failure.code == "notice_not_ended":
                why = _("The public notice runs until %(date)s.") % {
                    "date": app.notice.ends_on.isoformat()
                }
            break
    ops.append(
        RoundOp("certify", _("Issue the decision and certify"), not why, why, style="success")
    )

    why = "" if _count(stage, S.CERTIFIED) else _("No enterprise of this round is certified yet.")
    ops.append(RoundOp("export", _("Export recommendation list"), not why, why))
    return ops
