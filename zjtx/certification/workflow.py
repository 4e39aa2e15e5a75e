"""Certification workflows as data, run by the one engine (zjtx/core/workflow.py).

- `APPLICATION` (certification.application): draft → submitted (the unit's 初审, a clock of
  `UNIT_REVIEW_DAYS` working days, paused while returned) → recommended → expert review →
  reviewed → approved | rejected → in notice (公示) → certified | removed; a certification is
  renewed after re-review or revoked. Batch steps (publish the 公示, certify, remove after an
  upheld objection) are `manual=False`: they go through `run` but are never offered as buttons.
- `ROUND` (certification.round): draft → open (announce) → closed; closed → open again only
  with a written reason (e.g. the deadline is extended). City officer only.
- `ASSIGNMENT` (certification.assignment): an expert's place on a panel, assigned →
  submitted (scores) | declined (a listed reason) | removed (by the city officer), with the
  expert's `scoring` clock of `SCORING_DAYS` working days from assignment.

Guards are the preconditions that decide whether an action is offered at all (they are
checked again under the row lock). Checks of what the actor typed for this one step (the
unit's ranking, the over-quota reason, the re-review result) run as the first effects and
refuse with their own codes; every effect's changes roll back with a refusal.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zjtx.accounts.models import Role
from zjtx.core.workflow import Clock, GuardFailure, Step, Transition, Workflow

from .errors import CertificationError, CertificationErrorCode
from .models import (
    Application,
    ApplicationEvent,
    ChangeReport,
    ExpertAssignment,
    Objection,
    Round,
)

if TYPE_CHECKING:
    from zjtx.accounts.models import User


if TYPE_CHECKING:
    from .models import Notice

Status = Application.Status
StrOrPromise = str | Promise

COMMITMENT_LETTER = "commitment_letter"
RENEWAL_WINDOW_DAYS = 90
REMINDER_DAYS = (90, 60, 30)
# 初审: the unit's first review of a submitted application, in working days (the round has
# no setting for it).
UNIT_REVIEW_DAYS = 5
# An expert scores an assigned application within this many working days.
SCORING_DAYS = 7

EDITABLE_STATES = frozenset({Status.DRAFT, Status.RETURNED})

# 退回原因: the standard list a unit officer picks from, plus free text (DOMAIN §9).
RETURN_REASONS: dict[str, StrOrPromise] = {
    "materials_missing": _("Required materials missing"),
    "materials_unclear": _("Materials illegible or unstamped"),
    "data_inconsistent": _("Figures inconsistent with the audit report"),
    "criteria_not_met": _("Basic criteria apparently not met"),
    "commitment_missing": _("Commitment letter missing or unsigned"),
    "other": _("Other"),
}

REJECT_REASONS: dict[str, StrOrPromise] = {
    "below_quota_line": _("Below the quota line"),
    "criteria_not_met": _("Criteria not met"),
    "expert_opinion": _("Expert review found serious weaknesses"),
    "credit_problem": _("Credit or compliance problem"),
    "other": _("Other"),
}

# 撤销 grounds (DOMAIN §2.10 dynamic management); each bars re-application for 3 years.
REVOKE_REASONS: dict[str, StrOrPromise] = {
    "fraud": _("Fraud in the application"),
    "major_accident": _("Major safety, quality or environmental accident"),
    "serious_dishonesty": _("Serious dishonesty"),
    "abnormal_operations": _("Listed for abnormal operations"),
    "failed_review": _("Failed re-review"),
    "no_update": _("Information not updated"),
    "other": _("Other"),
}

REMOVE_REASONS: dict[str, StrOrPromise] = {"objection_upheld": _("Objection upheld")}

# Who the next step waits for, for the queues.
WAITING_FOR: dict[str, str] = {
    Status.DRAFT: Role.ENTERPRISE,
    Status.RETURNED: Role.ENTERPRISE,
    Status.SUBMITTED: Role.UNIT_OFFICER,
    Status.RECOMMENDED: Role.CITY_OFFICER,
    Status.EXPERT_REVIEW: Role.EXPERT,
    Status.REVIEWED: Role.CITY_OFFICER,
    Status.APPROVED: Role.CITY_OFFICER,
    Status.IN_NOTICE: Role.CITY_OFFICER,
}

# Outcomes the enterprise always hears about, besides the next actor.
OUTCOME_ACTIONS = frozenset({"return", "reject", "certify", "remove", "revoke"})

CITY = frozenset({Role.CITY_OFFICER})
UNIT = frozenset({Role.UNIT_OFFICER})
ENTERPRISE = frozenset({Role.ENTERPRISE})
EXPERT = frozenset({Role.EXPERT})


# ------------------------------------------------------------------ application guards


def round_is_open(step: Step) -> GuardFailure | None:
    """Applications are (re)submitted only while their round is open."""
    if step.obj.round.status != Round.Status.OPEN:
        return GuardFailure("round_not_open", _("The round is not open."))
    return None


def round_is_closed(step: Step) -> GuardFailure | None:
    """Expert review starts only after the round has closed, for one application as for all."""
    rnd = step.obj.round
    if rnd.status == Round.Status.OPEN:
        return GuardFailure(
            "round_still_open",
            _(
                "Applications are still open (the window closes on %(date)s): close the round "
                "first, then start the expert review."
            )
            % {"date": rnd.closes_on.isoformat()},
        )
    return None


def within_the_window(step: Step) -> GuardFailure | None:
    """A first submission falls within the round's application window (server's date)."""
    rnd = step.obj.round
    if not (rnd.opens_on <= step.today <= rnd.closes_on):
        return GuardFailure("deadline_passed", _("The application window is closed."))
    return None


def commitment_letter_uploaded(step: Step) -> GuardFailure | None:
    if not step.obj.materials.filter(kind=COMMITMENT_LETTER).exists():
        return GuardFailure("commitment_missing", _("Upload the stamped commitment letter first."))
    return None


def missing_materials(application: Application) -> list[str]:
    present = set(application.materials.values_list("kind", flat=True))
    return [
        str(m.get("label") or m.get("code"))
        for m in application.form_schema.get("materials", [])
        if m.get("required") and m.get("code") not in present
    ]


def required_materials_uploaded(step: Step) -> GuardFailure | None:
    missing = missing_materials(step.obj)
    if missing:
        return GuardFailure(
            "materials_missing",
            _("Required materials missing: %(names)s") % {"names": "、".join(missing)},
        )
    return None


def experts_assigned(step: Step) -> GuardFailure | None:
    active = step.obj.assignments.filter(
        status__in=(ExpertAssignment.Status.ASSIGNED, ExpertAssignment.Status.SUBMITTED)
    )
    if not active.exists():
        return GuardFailure("no_experts", _("Assign experts first."))
    return None


def no_scores_pending(step: Step) -> GuardFailure | None:
    if step.obj.assignments.filter(status=ExpertAssignment.Status.ASSIGNED).exists():
        return GuardFailure("scores_pending", _("Some experts have not scored yet."))
    return None


def some_scores_given(step: Step) -> GuardFailure | None:
    if not step.obj.assignments.filter(status=ExpertAssignment.Status.SUBMITTED).exists():
        return GuardFailure("no_scores", _("No expert has scored this application."))
    return None


def due_for_review(step: Step) -> GuardFailure | None:
    """Re-review opens `RENEWAL_WINDOW_DAYS` before the certification expires."""
    until = step.obj.valid_until
    if until is None or (until - step.today).days > RENEWAL_WINDOW_DAYS:
        return GuardFailure(
            "not_due_for_review",
            _("Re-review opens %(days)s days before expiry.") % {"days": RENEWAL_WINDOW_DAYS},
        )
    return None


def notice_over(step: Step) -> GuardFailure | None:
    """Certified only once the 公示 has ended by the server's clock."""
    notice = step.obj.notice
    if notice is None or not notice_has_ended(notice, step.today):
        return GuardFailure("notice_not_ended", _("The public notice has not ended."))
    return None


def no_objections_pending(step: Step) -> GuardFailure | None:
    from .models import Objection

    if step.obj.objections.filter(status=Objection.Status.PENDING).exists():
        return GuardFailure("objections_pending", _("Objections are still pending."))
    return None


# ------------------------------------------------------------------ application effects


def stamp_submitted(step: Step) -> None:
    step.obj.submitted_at = step.now


def record_ranking(step: Step) -> None:
    """The unit ranks the applications it recommends (`data["rank"]`, ≥ 1) with an opinion."""
    rank = step.data.get("rank")
    if not isinstance(rank, int) or isinstance(rank, bool) or rank < 1:
        raise CertificationError(
            CertificationErrorCode.RANK_REQUIRED,
            _("Give the ranking among the unit's applications."),
            {"rank": _("Required")},
        )
    step.obj.unit_rank = rank
    step.obj.unit_opinion = str(step.data.get("opinion") or "").strip()


def aggregate_scores(step: Step) -> None:
    from . import selectors

    totals = [
        a.total
        for a in step.obj.assignments.filter(status=ExpertAssignment.Status.SUBMITTED)
        if a.total is not None
    ]
    step.obj.expert_score = selectors.aggregate(totals, step.obj.round.aggregation)


def within_quota_or_reasoned(step: Step) -> None:
    """Approving beyond the round's quota needs an explicit over-quota reason (DOMAIN §9).

    The round row is locked so two officers cannot both take the last place."""
    rnd = Round.objects.select_for_update().get(pk=step.obj.round_id)
    taken = rnd.applications.filter(status__in=QUOTA_STATES).exclude(pk=step.obj.pk).count()
    if not over_quota(taken, rnd.quota):
        return
    if not step.reason:
        raise CertificationError(
            CertificationErrorCode.OVER_QUOTA_REASON_REQUIRED,
            _("The round's quota of %(quota)s is reached; give the reason for approving more.")
            % {"quota": rnd.quota},
            {"reason": _("Give the over-quota reason.")},
        )
    step.details.update({"over_quota": True, "quota": rnd.quota, "approved_before": taken})


def stamp_decision(step: Step) -> None:
    step.obj.decided_at = step.now
    step.obj.decided_by = step.actor
    step.obj.decision_reason = step.reason


def keep_decision_reason(step: Step) -> None:
    step.obj.decision_reason = step.reason


def passes_rereview(step: Step) -> None:
    """复核: the criteria on the registry's current data; a failure is revoked, not renewed."""
    from .services.applications import rereview

    result = rereview(step.obj, step.today)
    step.details.update(result)
    if result.get("result", {}).get("eligible") is False:
        raise CertificationError(
            CertificationErrorCode.REREVIEW_FAILED,
            _(
                "The data on file no longer meet the criteria; revoke with the reason “failed re-review”."
            ),
        )


def extend_validity(step: Step) -> None:
    from .services._common import certificate_valid_until

    assert step.obj.valid_until is not None  # guarded by due_for_review
    step.obj.valid_until = certificate_valid_until(step.obj.valid_until + timedelta(days=1))


def record_revocation(step: Step) -> None:
    from .services._common import BAR_YEARS, _shift_year

    step.obj.revoked_on = step.today
    step.obj.revocation_reason = step.reason_code
    step.obj.barred_until = _shift_year(step.today, BAR_YEARS)


def record_event(step: Step) -> None:
    """The application's own history (its page and the API), and when its status changed."""
    step.obj.status_changed_at = step.now
    ApplicationEvent.objects.create(
        application=step.obj,
        action=step.action,
        details=step.details,
        source=step.source,
        target=step.transition.target,
        reason_code=step.reason_code,
        reason=step.reason,
        actor=step.actor if getattr(step.actor, "pk", None) else None,
    )


# ------------------------------------------------------------------ scope, notify, clocks


def application_in_scope(actor: User, application: Application) -> bool:
    from .permissions import in_scope

    return in_scope(actor, application)


def next_actors(application: Application, action: str) -> list[Any]:
    """Who acts next, read from the table: the roles that may leave the new state by hand,
    within the application's scope; the enterprise also hears every outcome."""
    from zjtx.accounts.models import User

    target = APPLICATION.transitions[action].target
    roles = {
        r
        for t in APPLICATION.transitions.values()
        if target in t.sources and t.manual
        for r in t.roles
    }
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


def notify_next(step: Step) -> None:
    """Tell the next actor and the enterprise in Chinese (texts in notices_text.py)."""
    from .notices_text import application_notify

    application_notify(
        step.obj, step.action, step.reason, next_actors=next_actors(step.obj, step.action)
    )


def application_clock_scope(application: Application) -> dict[str, Any]:
    return {"unit_id": application.unit_id, "enterprise_id": application.enterprise_id}


def _t(
    sources: set[str],
    target: str,
    roles: frozenset[str],
    label: StrOrPromise,
    *,
    guards: tuple[Any, ...] = (),
    effects: tuple[Any, ...] = (),
    reasons: dict[str, StrOrPromise] | None = None,
    manual: bool = True,
    style: str = "primary",
) -> Transition:
    """An application transition: every one ends by writing the application's history."""
    return Transition(
        frozenset(sources),
        target,
        roles,
        label,
        needs_reason=reasons is not None,
        reasons=reasons or {},
        guards=guards,
        effects=(*effects, record_event),
        manual=manual,
        style=style,
    )


SUBMIT_GUARDS = (round_is_open, commitment_letter_uploaded, required_materials_uploaded)

APPLICATION = Workflow(
    name="certification.application",
    model=Application,
    states=dict(Status.choices),
    transitions={
        "submit": _t(
            {Status.DRAFT},
            Status.SUBMITTED,
            ENTERPRISE,
            _("Submit application"),
            guards=(round_is_open, within_the_window, *SUBMIT_GUARDS[1:]),
            effects=(stamp_submitted,),
        ),
        "resubmit": _t(
            {Status.RETURNED},
            Status.SUBMITTED,
            ENTERPRISE,
            _("Resubmit"),
            guards=SUBMIT_GUARDS,
            effects=(stamp_submitted,),
        ),
        # The enterprise takes its submission back before the unit acts, while it can still
        # submit again (the window is open).
        "withdraw": _t(
            {Status.SUBMITTED},
            Status.DRAFT,
            ENTERPRISE,
            _("Withdraw the submission"),
            guards=(round_is_open, within_the_window),
            style="outline-secondary",
        ),
        "return": _t(
            {Status.SUBMITTED},
            Status.RETURNED,
            UNIT,
            _("Return for correction"),
            reasons=RETURN_REASONS,
            style="warning",
        ),
        "recommend": _t(
            {Status.SUBMITTED},
            Status.RECOMMENDED,
            UNIT,
            _("Recommend"),
            effects=(record_ranking,),
        ),
        "start_review": _t(
            {Status.RECOMMENDED},
            Status.EXPERT_REVIEW,
            CITY,
            _("Start expert review"),
            guards=(round_is_closed, experts_assigned),
        ),
        "complete_review": _t(
            {Status.EXPERT_REVIEW},
            Status.REVIEWED,
            CITY,
            _("Close expert review"),
            guards=(no_scores_pending, some_scores_given),
            effects=(aggregate_scores,),
        ),
        "approve": _t(
            {Status.REVIEWED},
            Status.APPROVED,
            CITY,
            _("Approve for the list"),
            effects=(within_quota_or_reasoned, stamp_decision),
        ),
        "reject": _t(
            {Status.REVIEWED},
            Status.REJECTED,
            CITY,
            _("Do not approve"),
            reasons=REJECT_REASONS,
            effects=(stamp_decision,),
            style="danger",
        ),
        "publish": _t(
            {Status.APPROVED},
            Status.IN_NOTICE,
            CITY,
            _("Publish for public notice"),
            manual=False,
        ),
        "remove": _t(
            {Status.IN_NOTICE},
            Status.REMOVED,
            CITY,
            _("Remove after upheld objection"),
            reasons=REMOVE_REASONS,
            effects=(keep_decision_reason,),
            manual=False,
            style="danger",
        ),
        "certify": _t(
            {Status.IN_NOTICE},
            Status.CERTIFIED,
            CITY,
            _("Certify"),
            guards=(notice_over, no_objections_pending),
            manual=False,
        ),
        "renew": _t(
            {Status.CERTIFIED},
            Status.CERTIFIED,
            CITY,
            _("Renew after re-review"),
            guards=(due_for_review,),
            effects=(passes_rereview, extend_validity),
        ),
        "revoke": _t(
            {Status.CERTIFIED},
            Status.REVOKED,
            CITY,
            _("Revoke certification"),
            reasons=REVOKE_REASONS,
            effects=(record_revocation,),
            style="danger",
        ),
    },
    waiting_for=WAITING_FOR,
    clocks=(
        Clock(
            "unit_review",
            _("Unit preliminary review"),
            UNIT_REVIEW_DAYS,
            runs_in=frozenset({Status.SUBMITTED}),
            role=Role.UNIT_OFFICER,
            paused_in=frozenset({Status.RETURNED}),
        ),
    ),
    in_scope=application_in_scope,
    notify=notify_next,
    clock_scope=application_clock_scope,
    audited_fields=(
        "unit_rank",
        "unit_opinion",
        "expert_score",
        "decision_reason",
        "valid_until",
        "revocation_reason",
    ),
)


# ------------------------------------------------------------------ rounds


def round_in_scope(actor: User, rnd: Round) -> bool:
    from .selectors import round_list_for

    return round_list_for(user=actor).filter(pk=rnd.pk).exists()


ROUND = Workflow(
    name="certification.round",
    model=Round,
    states=dict(Round.Status.choices),
    transitions={
        "announce": Transition(
            frozenset({Round.Status.DRAFT}),
            Round.Status.OPEN,
            CITY,
            _("Open the round"),
            style="success",
        ),
        "close": Transition(
            frozenset({Round.Status.OPEN}),
            Round.Status.CLOSED,
            CITY,
            _("Close the round"),
            style="outline-secondary",
        ),
        # Reopening (e.g. the deadline is extended) needs a written reason.
        "reopen": Transition(
            frozenset({Round.Status.CLOSED}),
            Round.Status.OPEN,
            CITY,
            _("Reopen the round"),
            needs_reason=True,
            style="outline-warning",
        ),
    },
    waiting_for={Round.Status.DRAFT: Role.CITY_OFFICER, Round.Status.OPEN: Role.ENTERPRISE},
    in_scope=round_in_scope,
)

# ------------------------------------------------------------------ expert assignments


def assignment_in_scope(actor: User, assignment: ExpertAssignment) -> bool:
    """The expert acts on their own assignments; the city officer on every one."""
    if getattr(actor, "role", "") == Role.CITY_OFFICER:
        return True
    return bool(actor.pk) and assignment.expert.user_id == actor.pk


def decline_explained(step: Step) -> GuardFailure | None:
    """A decline says in words why, besides the listed reason."""
    if not step.reason:
        return GuardFailure(
            "reason_required", _("Declining needs a reason."), {"note": _("Explain the reason.")}
        )
    return None


def keep_note(step: Step) -> None:
    step.obj.note = step.reason


def keep_decline_reason(step: Step) -> None:
    step.obj.decline_reason = step.reason_code


def record_scores(step: Step) -> None:
    """The validated scores (`data["scores"]`: indicator → ScoreIn) under the undertaking."""
    from decimal import Decimal

    from .models import ExpertScore

    given = step.data["scores"]
    for indicator, s in given.items():
        ExpertScore.objects.create(
            assignment=step.obj,
            indicator=indicator,
            score=s.score,
            comment=s.comment.strip(),
            justification=s.justification.strip(),
        )
    step.obj.total = sum((s.score for s in given.values()), Decimal(0))
    step.obj.submitted_at = step.now
    step.obj.undertaking_at = step.now
    step.details.update({"application": step.obj.application_id, "total": str(step.obj.total)})


def take_on_again(step: Step) -> None:
    step.obj.assigned_by = step.actor
    step.obj.note = ""


def assignment_clock_scope(assignment: ExpertAssignment) -> dict[str, Any]:
    return {"assignee_id": assignment.expert.user_id, "unit_id": assignment.application.unit_id}


A = ExpertAssignment.Status

ASSIGNMENT = Workflow(
    name="certification.assignment",
    model=ExpertAssignment,
    states=dict(A.choices),
    transitions={
        "submit": Transition(
            frozenset({A.ASSIGNED}),
            A.SUBMITTED,
            EXPERT,
            _("Submit scores"),
            effects=(record_scores,),
            manual=False,  # offered by the scoring form, not as a button
        ),
        "decline": Transition(
            frozenset({A.ASSIGNED}),
            A.DECLINED,
            EXPERT,
            _("Decline"),
            needs_reason=True,
            reasons=dict(ExpertAssignment.DeclineReason.choices),
            guards=(decline_explained,),
            effects=(keep_decline_reason, keep_note),
            style="outline-warning",
        ),
        "remove": Transition(
            frozenset({A.ASSIGNED}),
            A.REMOVED,
            CITY,
            _("Remove from the panel"),
            needs_reason=True,
            effects=(keep_note,),
            style="outline-danger",
        ),
        # A removed expert put back on the panel by the city officer.
        "reassign": Transition(
            frozenset({A.REMOVED}),
            A.ASSIGNED,
            CITY,
            _("Assign again"),
            effects=(take_on_again,),
            manual=False,
        ),
    },
    waiting_for={A.ASSIGNED: Role.EXPERT},
    clocks=(
        Clock(
            "scoring",
            _("Expert scoring"),
            SCORING_DAYS,
            runs_in=frozenset({A.ASSIGNED}),
            role=Role.EXPERT,
        ),
    ),
    in_scope=assignment_in_scope,
    clock_scope=assignment_clock_scope,
    audited_fields=("decline_reason", "note", "total"),
)


# ------------------------------------------------------------------ objections to the 公示


def outcome_recorded(step: Step) -> GuardFailure | None:
    """Every outcome is recorded in words (the `reason` passed to `run`)."""
    if not step.reason:
        return GuardFailure("reason_required", _("Record the outcome."), {"outcome": _("Required")})
    return None


def record_outcome(step: Step) -> None:
    step.obj.outcome = step.reason
    step.obj.handled_by = step.actor
    step.obj.handled_at = step.now


OS = Objection.Status

# The written outcome is checked by `outcome_recorded` (field "outcome", as the form names it).
OBJECTION = Workflow(
    name="certification.objection",
    model=Objection,
    states=dict(OS.choices),
    transitions={
        "uphold": Transition(
            frozenset({OS.PENDING}),
            OS.UPHELD,
            CITY,
            _("Uphold the objection"),
            guards=(outcome_recorded,),
            effects=(record_outcome,),
            style="danger",
        ),
        "dismiss": Transition(
            frozenset({OS.PENDING}),
            OS.DISMISSED,
            CITY,
            _("Dismiss the objection"),
            guards=(outcome_recorded,),
            effects=(record_outcome,),
            style="outline-secondary",
        ),
    },
    waiting_for={OS.PENDING: Role.CITY_OFFICER},
    audited_fields=("outcome",),
)


# ------------------------------------------------------------------ major-change reports


def record_handling(step: Step) -> None:
    step.obj.outcome = step.reason
    step.obj.handled_by = step.actor
    step.details["application"] = step.obj.application_id


CS = ChangeReport.Status

# The city officer acknowledges a reported change, or flags the certification for re-review;
# either way with a written outcome (`outcome_recorded`).
CHANGE_REPORT = Workflow(
    name="certification.change_report",
    model=ChangeReport,
    states=dict(CS.choices),
    transitions={
        "acknowledge": Transition(
            frozenset({CS.PENDING}),
            CS.ACKNOWLEDGED,
            CITY,
            _("Acknowledge the change"),
            guards=(outcome_recorded,),
            effects=(record_handling,),
            style="success",
        ),
        "flag_review": Transition(
            frozenset({CS.PENDING}),
            CS.REVIEW_NEEDED,
            CITY,
            _("Flag for re-review"),
            guards=(outcome_recorded,),
            effects=(record_handling,),
            style="outline-warning",
        ),
    },
    waiting_for={CS.PENDING: Role.CITY_OFFICER},
    audited_fields=("outcome",),
)


# ------------------------------------------------------------------ 公示 guards
# `today` is always the server's timezone.localdate(); no caller passes a date from a client.

NOTICE_MAX_LEAD_DAYS = 30
NOTICE_WORKING_DAYS_MAX = 30

# The approvals that occupy a place in the round's quota.
QUOTA_STATES = frozenset({Status.APPROVED, Status.IN_NOTICE, Status.CERTIFIED})


def notice_has_started(notice: Notice, today: date) -> bool:
    """A 公示 is visible from its first day, never before."""
    return notice.starts_on <= today


def notice_accepts_objections(notice: Notice, today: date) -> bool:
    """Objections are taken from the first day to the last working day, inclusive."""
    return notice.starts_on <= today <= notice.ends_on


def notice_has_ended(notice: Notice, today: date) -> bool:
    """Ended once its last day is over by the server's clock."""
    return today > notice.ends_on


def notice_start_failure(starts_on: date, today: date) -> GuardFailure | None:
    """A 公示 starts on its publication date or later (within a month), never in the past."""
    if starts_on > today + timedelta(days=NOTICE_MAX_LEAD_DAYS):
        return GuardFailure(
            "notice_starts_too_late",
            str(
                _("The public notice must start within %(days)s days of publication.")
                % {"days": NOTICE_MAX_LEAD_DAYS}
            ),
        )
    if starts_on < today:
        return GuardFailure(
            "notice_starts_in_past",
            str(
                _("The public notice cannot start before today (%(today)s).")
                % {"today": today.isoformat()}
            ),
        )
    return None


def issue_date_failure(
    issued_on: date, today: date, notice_ends_on: date | None = None
) -> GuardFailure | None:
    """The decision is dated after the 公示 ended and not after today."""
    if issued_on > today:
        return GuardFailure(
            "issued_on_in_future",
            str(
                _("The issue date cannot be later than today (%(today)s).")
                % {"today": today.isoformat()}
            ),
        )
    if notice_ends_on is not None and issued_on <= notice_ends_on:
        return GuardFailure(
            "issued_on_before_notice_end",
            str(
                _("The issue date must be after the public notice ended on %(date)s.")
                % {"date": notice_ends_on.isoformat()}
            ),
        )
    return None


def over_quota(taken: int, quota: int) -> bool:
    """Whether one more approval goes beyond the round's quota."""
    return taken >= quota
