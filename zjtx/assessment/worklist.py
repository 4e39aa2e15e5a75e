"""Assessment on the home page: the city's objections to decide and runs to publish or make
final; a unit's open objection window (with its last day) and its objections awaiting the city."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zjtx.accounts.models import Role
from zjtx.core import worklist
from zjtx.core.worklist import ITEMS_PER_KIND, UpcomingDate, WorkGroup, WorkItem, as_date

from .models import AssessmentRun, Objection

if TYPE_CHECKING:
    from zjtx.accounts.models import User


R = AssessmentRun.Status


def _active(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(user.is_active)


def _run_url(run: AssessmentRun) -> str:
    return reverse("assessment:run", args=[run.pk])


def _city(today: date) -> list[WorkGroup]:
    groups = []
    pending = Objection.objects.filter(status=Objection.Status.PENDING).select_related(
        "run", "unit"
    )
    count = pending.count()
    if count:
        kind = _("Assessment objections awaiting your decision")
        items = [
            WorkItem(
                kind=kind,
                title=f"{o.run.year} · {o.unit.name}",
                url=_run_url(o.run) + "#objections",
                waiting_since=o.filed_on,
                hint=o.reason[:80],
            )
            for o in pending.order_by("filed_on", "id")[:ITEMS_PER_KIND]
        ]
        groups.append(WorkGroup(kind, count, reverse("assessment:runs"), items))
    ready = [
        run
        for run in AssessmentRun.objects.filter(status=R.PUBLISHED, window_ends_on__lt=today)
        if not run.objections.filter(status=Objection.Status.PENDING).exists()
    ]
    if ready:
        kind = _("Assessments whose objection window has closed: make them final")
        items = [
            WorkItem(
                kind=kind, title=str(run.year), url=_run_url(run), waiting_since=run.window_ends_on
            )
            for run in ready[:ITEMS_PER_KIND]
        ]
        groups.append(WorkGroup(kind, len(ready), reverse("assessment:runs"), items))
    drafts = list(AssessmentRun.objects.filter(status=R.DRAFT).order_by("year")[:ITEMS_PER_KIND])
    if drafts:
        kind = _("Assessment drafts to review and publish")
        items = [
            WorkItem(
                kind=kind,
                title=str(run.year),
                url=_run_url(run),
                waiting_since=as_date(run.computed_at),
            )
            for run in drafts
        ]
        groups.append(WorkGroup(kind, len(drafts), reverse("assessment:runs"), items))
    return groups


def _open_windows(today: date) -> list[AssessmentRun]:
    return list(
        AssessmentRun.objects.filter(status=R.PUBLISHED, window_ends_on__gte=today).order_by(
            "window_ends_on"
        )
    )


def _unit(user: User, today: date) -> list[WorkGroup]:
    runs = _open_windows(today)
    groups = []
    if runs:
        kind = _("Assessment results open for your objections")
        items = [
            WorkItem(
                kind=kind,
                title=str(run.year),
                url=reverse("assessment:unit", args=[run.pk, user.unit_id]),
                waiting_since=run.published_on,
                due_on=run.window_ends_on,
            )
            for run in runs[:ITEMS_PER_KIND]
        ]
        groups.append(WorkGroup(kind, len(runs), reverse("assessment:runs"), items))
    return groups


def waiting_for(user: User, today: date) -> list[WorkGroup]:
    if not _active(user):
        return []
    if user.role == Role.CITY_OFFICER:
        return _city(today)
    if user.role == Role.UNIT_OFFICER and user.unit_id:
        return _unit(user, today)
    return []


def submitted_by(user: User, today: date) -> list[WorkGroup]:
    """A unit's objections still awaiting the city's decision."""
    if not _active(user) or user.role != Role.UNIT_OFFICER or not user.unit_id:
        return []
    pending = Objection.objects.filter(
        unit_id=user.unit_id, status=Objection.Status.PENDING
    ).select_related("run")
    count = pending.count()
    if not count:
        return []
    kind = _("Your assessment objections awaiting the city")
    items = [
        WorkItem(
            kind=kind,
            title=str(o.run.year),
            url=reverse("assessment:unit", args=[o.run_id, o.unit_id]),
            waiting_since=o.filed_on,
        )
        for o in pending.order_by("filed_on", "id")[:ITEMS_PER_KIND]
    ]
    return [WorkGroup(kind, count, reverse("assessment:runs"), items)]


def upcoming(user: User, today: date) -> list[UpcomingDate]:
    if not _active(user) or user.role not in (Role.UNIT_OFFICER, Role.CITY_OFFICER):
        return []
    return [
        UpcomingDate(
            _("Last day for objections to the %(year)s assessment") % {"year": run.year},
            run.window_ends_on,
            _run_url(run),
        )
        for run in _open_windows(today)
        if run.window_ends_on is not None
    ]


def register() -> None:
    worklist.register(
        "assessment", waiting_for=waiting_for, submitted_by=submitted_by, upcoming=upcoming
    )
