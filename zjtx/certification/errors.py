"""Certification errors with stable snake_case codes (API: {"code", "message", "fields"})."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from zjtx.core.errors import Conflict, DomainError


class CertificationError(DomainError):
    """A request the rules refuse (400)."""


class TransitionNotAllowed(Conflict):
    """The action is not possible from the application's current state or for this user (409)."""


def error(code: str, message: Any, fields: dict[str, Any] | None = None) -> CertificationError:
    return CertificationError(code, message, fields)


class CertificationErrorCode(StrEnum):
    """Stable error codes of this app (the API's `code`)."""

    BAD_FILE_TYPE = "bad_file_type"
    FILE_TOO_LARGE = "file_too_large"
    INVALID_ACTION = "invalid_action"
    INVALID_CHANGE_REPORT = "invalid_change_report"
    INVALID_CREDIT_CODE = "invalid_credit_code"
    INVALID_FIELDS = "invalid_fields"
    INVALID_KIND = "invalid_kind"
    INVALID_OBJECTION = "invalid_objection"
    INVALID_ROUND = "invalid_round"
    INVALID_SCORES = "invalid_scores"
    INVALID_STATUS = "invalid_status"
    INVALID_WORKING_DAYS = "invalid_working_days"
    JUSTIFICATION_REQUIRED = "justification_required"
    NOT_AN_EXPERT = "not_an_expert"
    NOT_LISTED = "not_listed"
    OVER_QUOTA_REASON_REQUIRED = "over_quota_reason_required"
    RANK_REQUIRED = "rank_required"
    REREVIEW_FAILED = "rereview_failed"
    UNDERTAKING_REQUIRED = "undertaking_required"
    UNKNOWN_MATERIAL = "unknown_material"
    ALREADY_APPLIED = "already_applied"
    ALREADY_ASSIGNED = "already_assigned"
    ALREADY_UPDATED = "already_updated"
    BARRED_AFTER_REVOCATION = "barred_after_revocation"
    DEADLINE_PASSED = "deadline_passed"
    EXPERT_CONFLICT = "expert_conflict"
    EXPERT_DECLINED = "expert_declined"
    NOTHING_TO_CERTIFY = "nothing_to_certify"
    NOTHING_TO_PUBLISH = "nothing_to_publish"
    NOTICE_CLOSED = "notice_closed"
    ROUND_HAS_APPLICATIONS = "round_has_applications"
    ROUND_NOT_OPEN = "round_not_open"
    INVALID_DECISIONS = "invalid_decisions"
    REVIEW_NOT_STARTABLE = "review_not_startable"
