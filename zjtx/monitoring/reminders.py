# mypy: disallow-untyped-defs
"""Deadline reminders of monitoring, run by the daily `send_reminders` job."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zjtx.accounts.models import Role, User
from zjtx.core.reminders import due_within_working_days, remind_once, reminder_source
from zjtx.enterprises.models import Enterprise

from .models import MonitoringValue, ReportingPeriod

REPORT_DUE_WORKING_DAYS = 3


@reminder_source
def monitoring_reports_due(today: date) -> int:
    """Enterprises that have not reported are reminded 3 working days before the due date."""
    horizon = due_within_working_days(today, REPORT_DUE_WORKING_DAYS)
    periods = ReportingPeriod.objects.filter(
        status=ReportingPeriod.Status.OPEN, due_date__gte=today, due_date__lte=horizon
    )
    sent = 0
    for period in periods:
        reported = MonitoringValue.objects.filter(period=period).values("enterprise_id")
        firms = Enterprise.objects.filter(status=Enterprise.Status.VERIFIED).exclude(
            pk__in=reported
        )
        for firm in firms.only("pk", "name"):
            sent += remind_once(
                key=f"monitoring.report_due:{period.code}:{firm.pk}",
                today=today,
                recipients=User.objects.filter(
                    role=Role.ENTERPRISE, enterprise_id=firm.pk, is_active=True
                ),
                title=_(
                    "%(enterprise)s: the monitoring report for %(period)s is due on %(date)s "
                    "and has not been received yet."
                ),
                params={
                    "enterprise": firm.name,
                    "period": period.label,
                    "date": period.due_date.isoformat(),
                },
                url=reverse("monitoring:report"),
            )
    return sent
