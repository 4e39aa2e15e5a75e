"""The API shape of a case's timeline (办件进度), shared by every case's `/timeline` route."""

from __future__ import annotations

from ninja import Schema


class CaseStepOut(Schema):
    at: str
    actor: str
    actor_role: str
    action: str
    label: str
    status: str
    reason: str
    subject: str


class CaseDeadlineOut(Schema):
    label: str
    owed_by: str
    state: str
    state_label: str
    started_on: str
    due_on: str | None
    stopped_on: str | None
    days_left: int | None
    days_overdue: int | None
    paused_days_left: int | None
    subject: str


class CaseTimelineOut(Schema):
    status: str
    waiting_for: str
    steps: list[CaseStepOut]
    deadlines: list[CaseDeadlineOut]
