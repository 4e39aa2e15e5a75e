# mypy: disallow-untyped-defs
"""Deadline reminders, sent once each by the daily `send_reminders` job.

Each app that has deadlines keeps a `reminders.py` whose functions are registered with
`@reminder_source`; every source gets today's date and calls `remind_once` per person and
deadline. `ReminderSent` remembers each key, so a second run (the same day or later) sends
nothing twice. Working-day offsets use the official calendar (zjtx/core/workdays.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from . import workdays
from .models import ReminderSent, WorkflowClock
from .notifications import notify

ReminderSource = Callable[[date], int]
SOURCES: dict[str, ReminderSource] = {}


def reminder_source(fn: ReminderSource) -> ReminderSource:
    SOURCES[f"{fn.__module__}.{fn.__name__}"] = fn
    return fn


def remind_once(
    *,
    key: str,
    today: date,
    recipients: Iterable[Any],
    title: Any,
    params: Mapping[str, Any],
    url: str = "",
) -> bool:
    """Send one deadline reminder unless its key was sent before; True when sent now."""
    with transaction.atomic():
        _row, created = ReminderSent.objects.get_or_create(
            key=key[:200], defaults={"sent_on": today}
        )
        if not created:
            return False
        notify(
            recipients=recipients,
            title=title,
            params=params,
            url=url,
            kind="deadline_reminder",
        )
    return True


def due_within_working_days(today: date, n: int) -> date:
    """The last due date that is at most `n` working days away from today."""
    return workdays.add_working_days(today, n)


def reminders_send(*, today: date | None = None) -> dict[str, int]:
    """Run every registered source; returns how many reminders each sent."""
    autodiscover_modules("reminders")
    today = today or timezone.localdate()
    return {name: source(today) for name, source in sorted(SOURCES.items())}


# Work owed by one named person (an expert's scoring, for instance) is due in 2 working days.
PERSONAL_CLOCK_WORKING_DAYS = 2


@reminder_source
def personal_clocks_due(today: date) -> int:
    """Remind the person a running working-day clock is owed by, 2 working days before it is due."""
    from django.contrib.auth import get_user_model
    from django.utils.translation import gettext_lazy as _

    horizon = due_within_working_days(today, PERSONAL_CLOCK_WORKING_DAYS)
    clocks = WorkflowClock.objects.filter(
        state=WorkflowClock.State.RUNNING,
        assignee_id__isnull=False,
        due_on__gte=today,
        due_on__lte=horizon,
    )
    users = get_user_model().objects
    sent = 0
    for clock in clocks:
        sent += remind_once(
            key=f"clock:{clock.pk}:{clock.due_on.isoformat()}",
            today=today,
            recipients=users.filter(pk=clock.assignee_id or 0),
            title=_("A task assigned to you is due on %(date)s; please finish it in time."),
            params={"date": clock.due_on.isoformat()},
        )
    return sent
