# mypy: disallow-untyped-defs
"""Deadline reminders of certification, run by the daily `send_reminders` job."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zjtx.accounts.models import Role, User
from zjtx.core.reminders import due_within_working_days, remind_once, reminder_source

from .models import Application, Round

ROUND_CLOSING_WORKING_DAYS = 3


@reminder_source
def round_closing_drafts(today: date) -> int:
    """Enterprises with an unsubmitted draft hear 3 working days before the round closes."""
    horizon = due_within_working_days(today, ROUND_CLOSING_WORKING_DAYS)
    drafts = Application.objects.filter(
        status__in=(Application.Status.DRAFT, Application.Status.RETURNED),
        round__status=Round.Status.OPEN,
        round__closes_on__gte=today,
        round__closes_on__lte=horizon,
    ).select_related("round", "enterprise")
    sent = 0
    for app in drafts:
        sent += remind_once(
            key=f"certification.round_closing:{app.round_id}:{app.pk}",
            today=today,
            recipients=User.objects.filter(
                role=Role.ENTERPRISE, enterprise_id=app.enterprise_id, is_active=True
            ),
            title=_(
                "%(round)s closes on %(date)s: the certification application of %(enterprise)s "
                "is not submitted yet."
            ),
            params={
                "round": app.round.title,
                "date": app.round.closes_on.isoformat(),
                "enterprise": app.enterprise.name,
            },
            url=reverse("certification:application-detail", args=[app.pk]),
        )
    return sent


@reminder_source
def certificate_expiry(today: date) -> int:
    """Certificate holders 90, 60 and 30 days before expiry: the existing once-per-threshold
    service (ExpiryReminder) does the bookkeeping and the notice."""
    from .services import expiry_reminders_send

    return len(expiry_reminders_send(today=today))
