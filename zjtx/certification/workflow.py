"""The application workflow as data: states, the transition table, reasons and guards.

One service (`services.application_transition`) reads this table; nothing else changes an
application's status. Batch steps (publish the 公示, certify) use the same table with
`manual=False`, so they never appear as buttons on a single application.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zjtx.accounts.models import Role

from .models import Application

if TYPE_CHECKING:
    from .models import Notice

Status = Application.Status
StrOrPromise = str | Promise


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    roles: frozenset[str]
    label: StrOrPromise
    needs_reason: bool = False
    manual: bool = True
    style: str = "primary"


TRANSITIONS: dict[str, Transition] = {
    "submit": Transition(
        Status.DRAFT, Status.SUBMITTED, frozenset({Role.ENTERPRISE}), _("Submit application")
    ),
    "resubmit": Transition(
        Status.RETURNED, Status.SUBMITTED, frozenset({Role.ENTERPRISE}), _("Resubmit")
    ),
    "return": Transition(
        Status.SUBMITTED,
        Status.RETURNED,
        frozenset({Role.UNIT_OFFICER}),
        _("Return for correction"),
        needs_reason=True,
        style="warning",
    ),
    "recommend": Transition(
        Status.SUBMITTED, Status.RECOMMENDED, frozenset({Role.UNIT_OFFICER}), _("Recommend")
    ),
    "start_review": Transition(
        Status.RECOMMENDED,
        Status.EXPERT_REVIEW,
        frozenset({Role.CITY_OFFICER}),
        _("Start expert review"),
    ),
    "complete_review": Transition(
        Status.EXPERT_REVIEW,
        Status.REVIEWED,
        frozenset({Role.CITY_OFFICER}),
        _("Close expert review"),
    ),
    "approve": Transition(
        Status.REVIEWED, Status.APPROVED, frozenset({Role.CITY_OFFICER}), _("Approve for the list")
    ),
    "reject": Transition(
        Status.REVIEWED,
        Status.REJECTED,
        frozenset({Role.CITY_OFFICER}),
        _("Do not approve"),
        needs_reason=True,
        style="danger",
    ),
    "publish": Transition(
        Status.APPROVED,
        Status.IN_NOTICE,
        frozenset({Role.CITY_OFFICER}),
        _("Publish for public notice"),
        manual=False,
    ),
    "remove": Transition(
        Status.IN_NOTICE,
        Status.REMOVED,
        frozenset({Role.CITY_OFFICER}),
        _("Remove after upheld objection"),
        needs_reason=True,
        manual=False,
        style="danger",
    ),
    "certify": Transition(
        Status.IN_NOTICE,
        Status.CERTIFIED,
        frozenset({Role.CITY_OFFICER}),
        _("Certify"),
        manual=False,
    ),
    "renew": Transition(
        Status.CERTIFIED,
        Status.CERTIFIED,
        frozenset({Role.CITY_OFFICER}),
        _("Renew after re-review"),
    ),
    "revoke": Transition(
        Status.CERTIFIED,
        Status.REVOKED,
        frozenset({Role.CITY_OFFICER}),
        _("Revoke certification"),
        needs_reason=True,
        style="danger",
    ),
}

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

REASONS_BY_ACTION: dict[str, dict[str, StrOrPromise]] = {
    "return": RETURN_REASONS,
    "reject": REJECT_REASONS,
    "revoke": REVOKE_REASONS,
    "remove": REMOVE_REASONS,
}

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

COMMITMENT_LETTER = "commitment_letter"
RENEWAL_WINDOW_DAYS = 90
REMINDER_DAYS = (90, 60, 30)

EDITABLE_STATES = frozenset({Status.DRAFT, Status.RETURNED})


def transitions_from(status: str) -> dict[str, Transition]:
    return {name: t for name, t in TRANSITIONS.items() if t.source == status}


def reasons_for(action: str) -> dict[str, StrOrPromise]:
    return REASONS_BY_ACTION.get(action, {})


# ------------------------------------------------------------------ guards


@dataclass(frozen=True)
class GuardFailure:
    code: str
    message: str


def _missing_materials(application: Application) -> list[str]:
    present = set(application.materials.values_list("kind", flat=True))
    missing = [
        str(m.get("label") or m.get("code"))
        for m in application.form_schema.get("materials", [])
        if m.get("required") and m.get("code") not in present
    ]
    return missing


def guard(application: Application, action: str, today: date) -> GuardFailure | None:
    """The first rule that blocks `action` now, or None. Checked again under the row lock."""
    from .models import ExpertAssignment, Objection, Round

    rnd = application.round
    if action in ("submit", "resubmit"):
        if rnd.status != Round.Status.OPEN:
            return GuardFailure("round_not_open", str(_("The round is not open.")))
        if action == "submit" and not (rnd.opens_on <= today <= rnd.closes_on):
            return GuardFailure("deadline_passed", str(_("The application window is closed.")))
        if not application.materials.filter(kind=COMMITMENT_LETTER).exists():
            return GuardFailure(
                "commitment_missing", str(_("Upload the stamped commitment letter first."))
            )
        missing = _missing_materials(application)
        if missing:
            return GuardFailure(
                "materials_missing",
                str(_("Required materials missing: %(names)s") % {"names": "、".join(missing)}),
            )
    if action == "start_review":
        active = application.assignments.filter(
            status__in=(ExpertAssignment.Status.ASSIGNED, ExpertAssignment.Status.SUBMITTED)
        )
        if not active.exists():
            return GuardFailure("no_experts", str(_("Assign experts first.")))
    if action == "complete_review":
        if application.assignments.filter(status=ExpertAssignment.Status.ASSIGNED).exists():
            return GuardFailure("scores_pending", str(_("Some experts have not scored yet.")))
        if not application.assignments.filter(status=ExpertAssignment.Status.SUBMITTED).exists():
            return GuardFailure("no_scores", str(_("No expert has scored this application.")))
    if action == "renew":
        until = application.valid_until
        if until is None or (until - today).days > RENEWAL_WINDOW_DAYS:
            return GuardFailure(
                "not_due_for_review",
                str(
                    _("Re-review opens %(days)s days before expiry.")
                    % {"days": RENEWAL_WINDOW_DAYS}
                ),
            )
    if action == "certify":
        notice = application.notice
        if notice is None or not notice_has_ended(notice, today):
            return GuardFailure("notice_not_ended", str(_("The public notice has not ended.")))
        if application.objections.filter(status=Objection.Status.PENDING).exists():
            return GuardFailure("objections_pending", str(_("Objections are still pending.")))
    return None


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
