"""Certification on the home page: what waits for each role, what it submitted, dates ahead."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zjtx.accounts.models import Role
from zjtx.core import worklist
from zjtx.core.worklist import (
    ITEMS_PER_KIND,
    OverviewPanel,
    UpcomingDate,
    WorkGroup,
    WorkItem,
    as_date,
)

from . import permissions
from .models import Application, ExpertAssignment, Notice, Objection, Round
from .selectors import application_qs_for

if TYPE_CHECKING:
    from zjtx.accounts.models import User


Status = Application.Status
# The workflows whose clocks give the due dates (zjtx/certification/workflow.py).
CLOCK_WORKFLOW = "certification.application"
SCORING_WORKFLOW = "certification.assignment"
EXPIRY_DAYS = 90
YEARLY_TARGET = 50

# What waits for whom, per role: (status, kind label, extra filter on the notice end).
WAITING: dict[str, tuple[tuple[str, Any], ...]] = {
    Role.ENTERPRISE: (
        (Status.RETURNED, _("Certification applications returned for correction")),
        (Status.DRAFT, _("Certification application drafts to finish")),
    ),
    Role.UNIT_OFFICER: ((Status.SUBMITTED, _("Certification applications awaiting first review")),),
    Role.CITY_OFFICER: (
        (Status.RECOMMENDED, _("Recommended applications awaiting expert assignment")),
        (Status.REVIEWED, _("Expert-reviewed applications awaiting a decision")),
        (Status.APPROVED, _("Approved applications awaiting public notice")),
        (Status.IN_NOTICE, _("Applications whose public notice has ended")),
    ),
}
IN_PROGRESS = (
    Status.SUBMITTED,
    Status.RECOMMENDED,
    Status.EXPERT_REVIEW,
    Status.REVIEWED,
    Status.APPROVED,
    Status.IN_NOTICE,
)
SUBMITTED_KINDS = {
    Role.ENTERPRISE: (IN_PROGRESS, _("My certification applications in progress")),
    Role.UNIT_OFFICER: (IN_PROGRESS[1:], _("Recommended applications at the city")),
}


def _title(application: Application) -> str:
    return f"{application.enterprise.name} · {application.round.title}"


def _items(qs: QuerySet[Application], kind: Any, hint_status: bool = False) -> list[WorkItem]:
    rows = list(qs.order_by("status_changed_at", "id")[:ITEMS_PER_KIND])
    due = worklist.clock_due_map(CLOCK_WORKFLOW, [row.pk for row in rows])
    return [
        WorkItem(
            kind=kind,
            title=_title(row),
            url=reverse("certification:application-detail", args=[row.pk]),
            waiting_since=as_date(row.status_changed_at or row.created_at),
            due_on=due.get(str(row.pk)),
            hint=row.get_status_display() if hint_status else "",
        )
        for row in rows
    ]


def _counts(qs: QuerySet[Application]) -> dict[str, int]:
    return {
        row["status"]: row["n"]
        for row in qs.order_by().values("status").annotate(n=Count("pk", distinct=True))
    }


def waiting_for(user: User, today: date) -> list[WorkGroup]:
    if not permissions.can_see_rounds(user):
        return []
    if user.role == Role.EXPERT:
        return _expert_waiting(user)
    specs = WAITING.get(user.role, ())
    groups: list[WorkGroup] = []
    if specs:
        qs = application_qs_for(user=user)
        # A notice still running waits for nobody; one that has ended waits for the decision.
        qs = qs.exclude(status=Status.IN_NOTICE, notice__ends_on__gte=today)
        counts = _counts(qs)
        for status, kind in specs:
            if counts.get(status):
                items = _items(qs.filter(status=status), kind)
                url = reverse("certification:home")
                groups.append(WorkGroup(kind, counts[status], url, items))
    if permissions.is_city(user):
        groups.extend(_objections())
    return groups


def _expert_waiting(user: User) -> list[WorkGroup]:
    kind = _("Applications to score")
    qs = ExpertAssignment.objects.filter(
        expert__user_id=user.pk,
        status=ExpertAssignment.Status.ASSIGNED,
        application__status=Status.EXPERT_REVIEW,
    )
    count = qs.count()
    if not count:
        return []
    rows = list(
        qs.select_related("application__enterprise", "application__round").order_by(
            "assigned_at", "id"
        )[:ITEMS_PER_KIND]
    )
    due = worklist.clock_due_map(SCORING_WORKFLOW, [a.pk for a in rows])
    items = [
        WorkItem(
            kind=kind,
            title=_title(a.application),
            url=reverse("certification:application-detail", args=[a.application_id]),
            waiting_since=as_date(a.assigned_at),
            due_on=due.get(str(a.pk)),
        )
        for a in rows
    ]
    return [WorkGroup(kind, count, reverse("certification:home"), items)]


def _objections() -> list[WorkGroup]:
    kind = _("Objections to handle")
    qs = Objection.objects.filter(status=Objection.Status.PENDING)
    count = qs.count()
    if not count:
        return []
    rows = qs.select_related("application__enterprise").order_by("created_at", "id")[
        :ITEMS_PER_KIND
    ]
    items = [
        WorkItem(
            kind=kind,
            title=o.application.enterprise.name,
            url=reverse("certification:objections"),
            waiting_since=as_date(o.created_at),
        )
        for o in rows
    ]
    return [WorkGroup(kind, count, reverse("certification:objections"), items)]


def submitted_by(user: User, today: date) -> list[WorkGroup]:
    spec = SUBMITTED_KINDS.get(Role(user.role))
    if spec is None or not permissions.can_see_rounds(user):
        return []
    statuses, kind = spec
    qs = application_qs_for(user=user).filter(status__in=statuses)
    count = qs.count()
    if not count:
        return []
    return [WorkGroup(kind, count, reverse("certification:home"), _items(qs, kind, True))]


def upcoming(user: User, today: date) -> list[UpcomingDate]:
    if not permissions.can_see_rounds(user) or user.role == Role.EXPERT:
        return []
    dates: list[UpcomingDate] = []
    for rnd in Round.objects.filter(status=Round.Status.OPEN, closes_on__gte=today).order_by(
        "closes_on"
    )[:3]:
        dates.append(
            UpcomingDate(
                _("Applications close: %(title)s") % {"title": rnd.title},
                rnd.closes_on,
                reverse("certification:round-detail", args=[rnd.pk]),
            )
        )
    notices = Notice.objects.filter(ends_on__gte=today)
    if user.role != Role.CITY_OFFICER:
        mine = application_qs_for(user=user).filter(notice__isnull=False).values("notice_id")
        notices = notices.filter(pk__in=mine)
    for notice in notices.order_by("ends_on")[:3]:
        dates.append(
            UpcomingDate(
                _("Public notice ends: %(title)s") % {"title": notice.title},
                notice.ends_on,
                reverse("certification:home"),
            )
        )
    if user.role in (Role.ENTERPRISE, Role.UNIT_OFFICER):
        expiring = (
            application_qs_for(user=user)
            .filter(
                status=Status.CERTIFIED,
                valid_until__gte=today,
                valid_until__lte=today + timedelta(days=EXPIRY_DAYS),
            )
            .order_by("valid_until")[:3]
        )
        for app in expiring:
            assert app.valid_until is not None
            dates.append(
                UpcomingDate(
                    _("Certificate expires: %(name)s") % {"name": app.enterprise.name},
                    app.valid_until,
                    reverse("certification:application-detail", args=[app.pk]),
                )
            )
    return dates


def overview(user: User, today: date) -> list[OverviewPanel]:
    if not permissions.is_city(user):
        return []
    certified = Application.objects.filter(certified_on__year=today.year).count()
    rnd = Round.objects.filter(year=today.year).order_by("-id").first()
    target = rnd.quota if rnd is not None and rnd.quota else YEARLY_TARGET
    return [
        OverviewPanel(
            title=_("Certifications this year"),
            order=10,
            url=reverse("certification:rounds"),
            done=certified,
            target=target,
            note=_("%(done)s of the yearly target of %(target)s")
            % {"done": certified, "target": target},
        )
    ]


def register() -> None:
    worklist.register(
        "certification",
        waiting_for=waiting_for,
        submitted_by=submitted_by,
        upcoming=upcoming,
        overview=overview,
    )
