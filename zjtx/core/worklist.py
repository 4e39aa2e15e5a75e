"""The home page as a work list: what waits for the user, what they submitted, dates ahead.

Core knows no domain. Each app registers providers (its own `worklist.py`, called from
`AppConfig.ready()`); core asks them all, merges groups of the same kind, keeps the oldest
items of each kind with their working-day deadlines, and counts how long each has waited.
A provider returns a count and at most a few rows per kind, so the page costs a handful of
queries per app however much work is waiting.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.functional import Promise

from .models import WorkflowClock
from .workdays import _Calendar

if TYPE_CHECKING:
    from zjtx.accounts.models import User


Label = str | Promise
ITEMS_PER_KIND = 5
UPCOMING_DAYS = 60
UPCOMING_MAX = 10


@dataclass(frozen=True)
class WorkItem:
    """One object that waits: what it is, where to open it, since when and until when."""

    kind: Label
    title: str
    url: str
    waiting_since: date | None
    due_on: date | None = None
    overdue: bool = False
    waited_days: int = 0
    hint: Label = ""


@dataclass
class WorkGroup:
    """All waiting objects of one kind: how many there are and the oldest few of them."""

    kind: Label
    count: int
    url: str = ""
    items: list[WorkItem] = field(default_factory=list)

    @property
    def overdue_count(self) -> int:
        return sum(1 for item in self.items if item.overdue)


@dataclass(frozen=True)
class UpcomingDate:
    label: Label
    on: date
    url: str = ""


@dataclass(frozen=True)
class OverviewRow:
    label: Label
    value: str
    badge: str = ""  # Bootstrap badge classes ("text-bg-danger"), "" for plain text


@dataclass(frozen=True)
class OverviewPanel:
    """One block of the city's programme overview (figures, optionally a progress bar)."""

    title: Label
    order: int
    url: str = ""
    rows: tuple[OverviewRow, ...] = ()
    done: int | None = None
    target: int | None = None
    note: Label = ""
    width: int = 2  # columns of 12 on a wide screen

    @property
    def percent(self) -> int:
        if not self.target or self.done is None:
            return 0
        return min(100, round(100 * self.done / self.target))


GroupProvider = Callable[[Any, date], Iterable[WorkGroup]]
DateProvider = Callable[[Any, date], Iterable[UpcomingDate]]
PanelProvider = Callable[[Any, date], Iterable[OverviewPanel]]


@dataclass(frozen=True)
class Providers:
    waiting_for: GroupProvider | None = None
    submitted_by: GroupProvider | None = None
    upcoming: DateProvider | None = None
    overview: PanelProvider | None = None


_REGISTRY: dict[str, Providers] = {}


def register(
    app: str,
    *,
    waiting_for: GroupProvider | None = None,
    submitted_by: GroupProvider | None = None,
    upcoming: DateProvider | None = None,
    overview: PanelProvider | None = None,
) -> None:
    """Register (or replace) one app's providers; called from the app's ready()."""
    _REGISTRY[app] = Providers(waiting_for, submitted_by, upcoming, overview)


def registered() -> dict[str, Providers]:
    return dict(_REGISTRY)


# ------------------------------------------------------------------ helpers for providers


def as_date(value: date | datetime | None) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


def clock_due_map(workflow: str, object_ids: Iterable[Any]) -> dict[str, date]:
    """The due date of each object's running or paused clock in `workflow` (one query)."""
    ids = [str(pk) for pk in object_ids]
    if not ids:
        return {}
    rows = (
        WorkflowClock.objects.filter(
            workflow=workflow,
            object_id__in=ids,
            state__in=(WorkflowClock.State.RUNNING, WorkflowClock.State.PAUSED),
        )
        .order_by("due_on")
        .values_list("object_id", "due_on")
    )
    due: dict[str, date] = {}
    for object_id, due_on in rows:
        due.setdefault(object_id, due_on)
    return due


# ------------------------------------------------------------------ assembly


@dataclass
class HomeWork:
    waiting: list[WorkGroup]
    submitted: list[WorkGroup]
    upcoming: list[UpcomingDate]
    overview: list[OverviewPanel]

    @property
    def waiting_total(self) -> int:
        return sum(group.count for group in self.waiting)

    @property
    def overdue_total(self) -> int:
        return sum(group.overdue_count for group in self.waiting)


def _sort_key(item: WorkItem) -> tuple[date, date]:
    return (item.due_on or date.max, item.waiting_since or date.max)


def _finish(groups: list[WorkGroup], today: date, calendar: _Calendar) -> list[WorkGroup]:
    merged: dict[str, WorkGroup] = {}
    for group in groups:
        key = str(group.kind)
        if key in merged:
            merged[key].count += group.count
            merged[key].items.extend(group.items)
        else:
            merged[key] = WorkGroup(group.kind, group.count, group.url, list(group.items))
    result = []
    for group in merged.values():
        if not group.count:
            continue
        items = sorted(group.items, key=_sort_key)[:ITEMS_PER_KIND]
        group.items = [_timed(item, today, calendar) for item in items]
        result.append(group)
    # Groups with overdue work first, then the one whose first deadline comes soonest.
    result.sort(
        key=lambda g: (-g.overdue_count, _sort_key(g.items[0]) if g.items else (date.max,) * 2)
    )
    return result


def _timed(item: WorkItem, today: date, calendar: _Calendar) -> WorkItem:
    waited = 0
    if item.waiting_since is not None:
        day = item.waiting_since + timedelta(days=1)
        # Counted from the day after it arrived, up to today, on the official calendar.
        while day <= today:
            if calendar.is_working(day):
                waited += 1
            day += timedelta(days=1)
    overdue = item.overdue or (item.due_on is not None and item.due_on < today)
    return replace(item, waited_days=waited, overdue=overdue)


def home_work_for(user: User, today: date | None = None) -> HomeWork:
    """Everything the home page shows for `user`, each provider scoping to the user itself."""
    today = today or timezone.localdate()
    waiting: list[WorkGroup] = []
    submitted: list[WorkGroup] = []
    upcoming: list[UpcomingDate] = []
    overview: list[OverviewPanel] = []
    for providers in _REGISTRY.values():
        if providers.waiting_for:
            waiting.extend(providers.waiting_for(user, today))
        if providers.submitted_by:
            submitted.extend(providers.submitted_by(user, today))
        if providers.upcoming:
            upcoming.extend(providers.upcoming(user, today))
        if providers.overview:
            overview.extend(providers.overview(user, today))
    calendar = _Calendar()
    horizon = today + timedelta(days=UPCOMING_DAYS)
    upcoming = sorted((u for u in upcoming if today <= u.on <= horizon), key=lambda u: u.on)
    return HomeWork(
        waiting=_finish(waiting, today, calendar),
        submitted=_finish(submitted, today, calendar),
        upcoming=upcoming[:UPCOMING_MAX],
        overview=sorted(overview, key=lambda p: p.order),
    )
