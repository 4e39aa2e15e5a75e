"""Cultivation error codes (stable, snake_case); messages are translated."""

from __future__ import annotations

from enum import StrEnum

from zjtx.core.errors import DomainError


class CultivationErrorCode(StrEnum):
    INVALID_INPUT = "invalid_input"
    INVALID_POOL = "invalid_pool"
    SAME_POOL = "same_pool"
    CHANGE_PENDING = "change_pending"
    POOL_MOVED = "pool_moved"
    INVALID_TIER = "invalid_tier"
    NO_PROGRAMS = "no_programs"
    INVALID_ID_NUMBER = "invalid_id_number"
    DUPLICATE_PERSON = "duplicate_person"
    DUPLICATE_STUDIO = "duplicate_studio"
    NO_CANDIDATES = "no_candidates"
    RUN_NOT_FINISHED = "run_not_finished"
    FORBIDDEN = "forbidden"


class CultivationError(DomainError):
    status = 400


class CultivationConflict(CultivationError):
    """The object's state forbids the action (HTTP 409)."""

    status = 409
